"""Reading a customers file (pure): decoding, the delimiter, rows by line, the header, and
the check that refuses at once a file that cannot be imported at all.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from charter.core.errors import DomainError

MAX_FILE_BYTES = 50 * 1024 * 1024


# The columns an import reads, in the order an export writes them.
COLUMNS = (
    "reference",
    "kind",
    "type",
    "name",
    "given_name",
    "family_name",
    "email",
    "phone",
    "preferred_channel",
    "customer_since",
    "annual_value",
    "balance",
    "last_activity_on",
    "account_manager",
    "consent_service",
    "consent_surveys",
    "consent_marketing",
    "products",
)
REQUIRED_COLUMNS = ("reference", "type", "name")
# Written by the export for people to read; an import of an export ignores them quietly.
EXPORT_ONLY_COLUMNS = ("segments",)

COLUMN_HELP = (
    ("reference", "The customer's number. Rows are matched on it: a new one adds a customer."),
    ("kind", "person or organisation (blank: a person when a given or family name is filled)."),
    ("type", "The customer type's name or short name, e.g. mining."),
    ("name", "The organisation's or person's name (a person's may come from their names)."),
    ("given_name, family_name", "A person's names."),
    ("email, phone", "Phone numbers without a country code are read as Australian."),
    ("preferred_channel", "email, telephone, face_to_face, video, web_form, letter or sms."),
    ("customer_since, last_activity_on", "Dates as YYYY-MM-DD or DD/MM/YYYY."),
    ("annual_value, balance", "Amounts, e.g. 12500.00 or $12,500."),
    ("account_manager", "The username of an account manager."),
    ("consent_service, consent_surveys, consent_marketing", "yes or no."),
    ("products", "Codes of the products held, separated by semicolons, e.g. savings;insurance."),
)

NOT_UTF8 = "This line is not UTF-8 text: save the file as 'CSV UTF-8' and import again."
_UNDECODED = re.compile("[\udc80-\udcff]")


def decode(content: bytes) -> tuple[str, bool]:
    """The file's text, and whether some of its bytes were not UTF-8.

    Bytes that are not UTF-8 are kept as lone surrogates, so each row holding some can be
    reported while the rest of the file is imported.
    """
    if content.startswith(b"PK\x03\x04"):
        raise DomainError(
            "This is an Excel workbook, not a CSV file: in Excel choose Save As, "
            "'CSV UTF-8 (comma delimited)', and import that file."
        )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:4096]:
        raise DomainError(
            "This file is not CSV text (it may be UTF-16 text or a binary file): "
            "save it as 'CSV UTF-8' and import again."
        )
    content = content.removeprefix(b"\xef\xbb\xbf")
    try:
        return content.decode("utf-8"), False
    except UnicodeDecodeError:
        return content.decode("utf-8", errors="surrogateescape"), True


def readable(text: str) -> str:
    """Text fit to show and store: undecodable bytes become the replacement character."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def guess_delimiter(first_line: str) -> str:
    """Commas, unless the header clearly uses semicolons or tabs (European Excel, TSV)."""
    if "," in first_line:
        return ","
    for delimiter in (";", "\t"):
        if delimiter in first_line:
            return delimiter
    return ","


class UnclosedQuote(list):
    """The cells of a row whose quote is not closed where its value ends: those before it.

    Read leniently, such a quote runs on to the next quote in the file (or to its end), taking
    the rows between into one value. The row is reported on its own, on the line it starts, and
    the file is read again from the next line, so the rows after it are kept.
    """

    problem = (
        'A quote (") opens on this line and is not closed where the value ends, so the values '
        "after it cannot be told apart: close the quote (or remove it) and import this line "
        "again."
    )


MAX_UNCLOSED_QUOTES = 20  # each re-reads the rest of the file; past this the rest is one row


def iter_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(physical line number where the row starts, cells) for each non-blank row.

    A row whose quotes do not pair up as CSV requires (checked where a row spans lines, and on
    the last row) comes as an ``UnclosedQuote`` on the line it starts, and reading goes on from
    the next line.
    """
    delimiter = guess_delimiter(text.split("\n", 1)[0])
    starts: list[int] = []  # the offset in ``text`` of each physical line read so far
    read_to = [0]  # the offset after the last line read
    unclosed = 0

    def lines_from(offset: int) -> Iterator[str]:
        for physical in io.StringIO(text[offset:], newline=""):
            starts.append(offset)
            offset += len(physical)
            read_to[0] = offset
            yield physical

    first_line = 1
    while first_line:
        offset = starts[first_line - 1] if starts else 0
        del starts[first_line - 1 :]  # read again from here
        reader = csv.reader(lines_from(offset), delimiter=delimiter)
        last_line, restart = first_line - 1, 0
        held = None  # the last row is checked before it is given
        for cells in reader:
            line = last_line + 1
            last_line = first_line - 1 + reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if held:
                yield held
                held = None
            if (
                last_line > line
                and unclosed < MAX_UNCLOSED_QUOTES
                and not _well_quoted(text[starts[line - 1] : read_to[0]], delimiter)
            ):
                unclosed += 1
                yield line, _unclosed(text, starts, line, delimiter)
                restart = line + 1
                break
            held = (line, cells)
        if held:
            line = held[0]
            if not _ends_closed(text[starts[line - 1] :], delimiter):
                held = (line, _unclosed(text, starts, line, delimiter))
            yield held
        first_line = restart if restart and restart <= len(starts) else 0


def _unclosed(text: str, starts: list[int], line: int, delimiter: str) -> UnclosedQuote:
    end = starts[line] if line < len(starts) else len(text)
    first = text[starts[line - 1] : end].rstrip("\r\n")
    return UnclosedQuote(next(csv.reader([first], delimiter=delimiter), [])[:-1])


def _ends_closed(record: str, delimiter: str) -> bool:
    """Whether the last row's quotes are closed by the end of the file."""
    try:
        for _cells in csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" not in str(error)
    return True


def _well_quoted(record: str, delimiter: str) -> bool:
    """Whether ``record`` reads as CSV strictly: every quote closed, and closed at a value's end."""
    try:
        for _cells in csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return False
    return True


def column_name(heading: str) -> str:
    """'Given name', ' GIVEN_NAME ' and 'given-name' all name the column given_name."""
    return re.sub(r"[\s\-]+", "_", readable(heading).strip().lower())


def read_header(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    """The position of each column Charter reads, and the problems to report about the header.

    Refuses the file (DomainError) when a required column is missing or a column is repeated.
    """
    names = [column_name(cell) for cell in cells]
    positions: dict[str, int] = {}
    unknown = []
    for position, name in enumerate(names):
        if not name:
            continue
        if name in positions:
            raise DomainError(
                f"The column '{name}' appears twice in the first line: keep one and import again."
            )
        positions[name] = position
        if name not in COLUMNS and name not in EXPORT_ONLY_COLUMNS:
            unknown.append(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise DomainError(
            f"The first line must name the columns, and it has no {_and(missing)} column. "
            f"It has: {', '.join(n for n in names if n) or 'nothing'}. "
            f"Charter reads: {', '.join(COLUMNS)}."
        )
    notes = []
    if unknown:
        notes.append(
            f"Charter does not read the column{'s' if len(unknown) > 1 else ''} "
            f"{_and(unknown)}, so {'they were' if len(unknown) > 1 else 'it was'} ignored. "
            f"Charter reads: {', '.join(COLUMNS)}."
        )
    return {n: p for n, p in positions.items() if n in COLUMNS}, notes


def _and(items: list[str]) -> str:
    quoted = [f"'{item}'" for item in items]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def check_file(content: bytes) -> None:
    """Refuse at once a file that cannot be imported at all: empty, too big, not CSV text, or
    without the required columns. Rows are checked when the import runs."""
    if not content or content.isspace():
        raise DomainError("The file is empty.")
    if len(content) > MAX_FILE_BYTES:
        raise DomainError("The file is larger than 50 MB: split it and import each part.")
    # The header is near the start; a cut multi-byte character at the end does no harm.
    text, _ = decode(content[:65536])
    for _line, cells in iter_rows(text):
        read_header(cells)
        return
    raise DomainError("The file is empty.")
