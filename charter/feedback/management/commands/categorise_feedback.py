"""Sort every comment in a CSV file by topic, RATER dimension and sentiment.

    manage.py categorise_feedback comments.csv > sorted.csv
    some-export | manage.py categorise_feedback - > sorted.csv

The file needs a ``comment`` column; every column is written back as it was, in order, with the
six the categoriser adds after them. Uses the starter categoriser; needs no database.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from itertools import islice

from django.core.management.base import BaseCommand, CommandError

from charter.core import csvsafe
from charter.feedback.categoriser import starter_categoriser

ADDED = (
    "topic",
    "topic_confidence",
    "dimension",
    "dimension_confidence",
    "sentiment",
    "sentiment_confidence",
)
BATCH = 10_000  # rows sorted and written at a time, so a large file never sits in memory whole


class Command(BaseCommand):
    help = (
        "Read a CSV file with a `comment` column (or - for standard input) and write it to "
        "standard output with the topic, dimension and sentiment of each comment added, each "
        "with its confidence."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8), or - to read standard input.")

    def handle(self, *args, **options):
        name = options["file"]
        if name == "-":
            self._categorise(sys.stdin, "Standard input")
            return
        try:
            handle = open(name, encoding="utf-8-sig", newline="")  # noqa: SIM115
        except FileNotFoundError as error:
            raise CommandError(f"{name}: no such file.") from error
        except IsADirectoryError as error:
            raise CommandError(f"{name} is a folder, not a CSV file.") from error
        except OSError as error:
            raise CommandError(f"Cannot read {name}: {error.strerror or error}.") from error
        with handle:
            self._categorise(handle, name)

    def _categorise(self, handle, name: str) -> None:
        rows = _rows(handle, name)
        header = next(rows, None)
        if header is None:
            raise CommandError(
                f"{name} is empty: its first line should name the columns, one of them `comment`."
            )
        header[0] = header[0].removeprefix("\ufeff")  # a spreadsheet's mark, read from stdin
        names = [column.strip().lower() for column in header]
        if "comment" not in names:
            raise CommandError(
                f"{name} has no `comment` column; the columns are: "
                f"{', '.join(column.strip() for column in header)}."
            )
        at = names.index("comment")
        categoriser = starter_categoriser()
        self._write([[*header, *ADDED]])
        while batch := list(islice(rows, BATCH)):
            for row in batch:
                row += [""] * (len(header) - len(row))  # a short row keeps its columns aligned
            sorted_ = categoriser.sort([row[at] for row in batch])
            self._write(
                [
                    [
                        *row,
                        result.topic,
                        result.topic_confidence,
                        result.dimension,
                        result.dimension_confidence,
                        result.sentiment,
                        result.sentiment_confidence,
                    ]
                    for row, result in zip(batch, sorted_, strict=True)
                ]
            )

    def _write(self, rows: list[list]) -> None:
        buffer = io.StringIO()
        csvsafe.writer(buffer, lineterminator="\n").writerows(rows)  # comments are anyone's text
        self.stdout.write(buffer.getvalue(), ending="")


def _rows(handle, name: str) -> Iterator[list[str]]:
    """The file's rows, blank lines left out, with reading errors a person can act on."""
    reader = csv.reader(handle)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{name} is not UTF-8 text; save it as 'CSV UTF-8' and try again."
            ) from error
        except csv.Error as error:
            raise CommandError(
                f"{name} is not a readable CSV file (line {reader.line_num}): {error}."
            ) from error
        if any(cell.strip() for cell in row):
            yield row
