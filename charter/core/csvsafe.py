"""CSV that a spreadsheet opens safely: every file Charter writes goes through this.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) as a formula, so a customer's name such as ``=HYPERLINK(...)`` could act on
the reader's machine. Every text cell starting so gets a leading apostrophe, which spreadsheets
show as text and ``unguard`` takes off when Charter reads its own file back. Numbers (ints,
Decimals, floats) are written as numbers: a negative amount is not a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(value) -> str:
    """The cell's text, with an apostrophe before text a spreadsheet would run."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return f"'{text}" if _runs(text) else text


def unguard(text: str) -> str:
    """Take off the apostrophe ``guard`` put before text a spreadsheet would run."""
    return text[1:] if text.startswith("'") and _runs(text[1:]) else text


def _runs(text: str) -> bool:
    """Whether ``text`` needs an apostrophe: it starts like a formula, or is itself an
    apostrophe before such text (so that ``unguard(guard(text)) == text`` for any text)."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


class SafeWriter:
    """``csv.writer`` whose every cell is guarded; ``writerow`` returns what the file's
    ``write`` returns (so a streaming response can yield it)."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable):
        return self._writer.writerow([guard(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file, **options) -> SafeWriter:
    """A CSV writer for ``file`` (options as ``csv.writer``'s) that guards every cell."""
    return SafeWriter(file, **options)
