"""How well the feedback categoriser's kind of model sorts comments it was not trained on.

    manage.py evaluate_categoriser --train TRAIN.csv --test TEST.csv [--cues]
    manage.py evaluate_categoriser          # the shipped comments: each head on a held-out
                                            # quarter, then on the unseen comments

Both files have a ``comment`` and a ``label`` column (any labels, at least two different ones to
train on); rows missing either are skipped and counted. ``--cues`` has the model read the
sentiment cues too, as the categoriser's sentiment head does. Needs no database.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from charter.feedback.categoriser import starter_comments, unseen_comments
from charter.feedback.categoriser_quality import (
    Evaluation,
    evaluate,
    held_out_report,
    unseen_report,
)

COLUMNS = ("comment", "label")
TEST_SHARE = 0.25
SEED = 2026


class Command(BaseCommand):
    help = (
        "Train the categoriser's model on one CSV of labelled comments (columns comment,label) "
        "and print its accuracy, macro-F1 and confusion matrix on another; without files, do "
        "the same for the shipped comments' topic, dimension and sentiment, held out and unseen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--train", metavar="TRAIN.csv", help="Labelled comments to learn from.")
        parser.add_argument("--test", metavar="TEST.csv", help="Labelled comments to score on.")
        parser.add_argument(
            "--cues",
            action="store_true",
            help="Also read the sentiment cues, as the categoriser's sentiment head does.",
        )

    def handle(self, *args, **options):
        train_path, test_path = options["train"], options["test"]
        if bool(train_path) != bool(test_path):
            raise CommandError(
                "Give both --train and --test, or neither to evaluate the starter comments."
            )
        if not train_path:
            self._starter()
            return
        train, train_skipped = read_labelled(Path(train_path))
        test, test_skipped = read_labelled(Path(test_path))
        labels = sorted({label for _, label in train})
        if len(labels) < 2:
            raise CommandError(
                f"{train_path} has only one label ({labels[0]!r}): "
                "the model needs at least two different labels to learn from."
            )
        self.stdout.write(
            f"Trained on {len(train):,} rows of {train_path}{_skipped(train_skipped)}; "
            f"tested on {len(test):,} rows of {test_path}{_skipped(test_skipped)}."
        )
        unseen = sorted({label for _, label in test} - set(labels))
        if unseen:
            self.stdout.write(
                f"Labels in {test_path} that {train_path} never uses (always wrong): "
                f"{', '.join(unseen)}."
            )
        try:
            evaluation = evaluate(train, test, cues=options["cues"])
        except ValueError as error:
            raise CommandError(f"Cannot train on {train_path}: {error}") from error
        self._print(evaluation)

    def _starter(self) -> None:
        rows = starter_comments()
        self.stdout.write(
            f"Held out: the {len(rows):,} training comments; each head trained on "
            f"{1 - TEST_SHARE:.0%} and tested on the other {TEST_SHARE:.0%} (seed {SEED})."
        )
        for head, evaluation in held_out_report(rows, test_share=TEST_SHARE, seed=SEED).items():
            self.stdout.write(f"\n{head.capitalize()}")
            self._print(evaluation)
        unseen = unseen_comments()
        self.stdout.write(
            f"\nUnseen: {len(unseen):,} comments written apart from the training ones, in other "
            f"voices (short, sarcastic, mixed, misspelt, negated), never trained on; the "
            f"categoriser trained on all {len(rows):,} training comments."
        )
        report = unseen_report(rows, unseen)
        self.stdout.write(
            "Macro-F1 per head: "
            + ", ".join(f"{head} {e.macro_f1:.3f}" for head, e in report.items())
        )
        for head, evaluation in report.items():
            self.stdout.write(f"\n{head.capitalize()} (unseen)")
            self._print(evaluation)

    def _print(self, evaluation: Evaluation) -> None:
        self.stdout.write(f"Accuracy: {evaluation.accuracy:.3f}")
        self.stdout.write(f"Macro-F1: {evaluation.macro_f1:.3f}")
        if evaluation.mean_confidence is not None:
            self.stdout.write(f"Mean confidence: {evaluation.mean_confidence:.3f}")
        self.stdout.write("Confusion matrix (rows: the true label, columns: the predicted one)")
        self.stdout.write(confusion_table(evaluation.labels, evaluation.confusion))


def read_labelled(path: Path) -> tuple[list[tuple[str, str]], int]:
    """The (comment, label) rows of a CSV file, and how many were skipped for a blank one."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            table = list(csv.reader(handle))
    except FileNotFoundError as error:
        raise CommandError(f"{path}: no such file.") from error
    except IsADirectoryError as error:
        raise CommandError(f"{path} is a folder, not a CSV file.") from error
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from error
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{path} is not UTF-8 text; save it as 'CSV UTF-8' and try again."
        ) from error
    except csv.Error as error:
        raise CommandError(f"{path} is not a readable CSV file: {error}.") from error
    if not table or not any(cell.strip() for cell in table[0]):
        raise CommandError(
            f"{path} is empty: its first line should name the columns, comment,label."
        )
    header = [name.strip().lower() for name in table[0]]
    for column in COLUMNS:
        if column not in header:
            raise CommandError(
                f"{path} has no `{column}` column; the columns are: "
                f"{', '.join(name.strip() for name in table[0])}."
            )
    at = [header.index(column) for column in COLUMNS]
    pairs, skipped = [], 0
    for row in table[1:]:
        if not any(cell.strip() for cell in row):
            continue  # a blank line is not a row
        comment, label = (row[i].strip() if i < len(row) else "" for i in at)
        if comment and label:
            pairs.append((comment, label))
        else:
            skipped += 1
    if not pairs:
        raise CommandError(
            f"{path} has no rows with both a comment and a label"
            f"{f' ({skipped:,} rows have a blank one)' if skipped else ''}."
        )
    return pairs, skipped


def confusion_table(labels: list[str], confusion: list[list[int]]) -> str:
    """The matrix as aligned text, true labels down the side, predicted ones across."""
    width = max(len(str(count)) for row in confusion for count in row)
    side = max(len(label) for label in labels)
    columns = [max(width, len(label)) for label in labels]
    lines = [
        " " * side + "".join(f"  {label:>{w}}" for label, w in zip(labels, columns, strict=True))
    ]
    for label, row in zip(labels, confusion, strict=True):
        cells = "".join(f"  {count:>{w}}" for count, w in zip(row, columns, strict=True))
        lines.append(f"{label:<{side}}{cells}")
    return "\n".join(lines)


def _skipped(count: int) -> str:
    return f" ({count:,} skipped for a blank comment or label)"
