"""Importing customers from a CSV file: match on the reference, create or update, report every bad
row by its line with a reason a person can act on, and keep the good rows.

Three layers, as for inbound email: reading the file (``reading``: decoding, header, rows),
parsing one row against the known types, products and staff (``rows``: pure, tested without the
database), and the service that writes a chunk of rows at a time in a few queries, whatever the
chunk's size (``run``, with the bulk SQL in ``writes``). ``progress`` reads imports back.
Running the same file again changes nothing and reports every row unchanged.

Callers use the names re-exported here.
"""

from charter.core.csvsafe import FORMULA_STARTS

from .progress import (
    bad_row_count,
    column_help,
    earlier_run_note,
    import_for_progress,
    is_finished,
    recent_imports,
)
from .reading import (
    COLUMN_HELP,
    COLUMNS,
    EXPORT_ONLY_COLUMNS,
    MAX_FILE_BYTES,
    NOT_UTF8,
    REQUIRED_COLUMNS,
    UnclosedQuote,
    check_file,
    column_name,
    decode,
    guess_delimiter,
    iter_rows,
    read_header,
    readable,
)
from .rows import (
    Lookups,
    ParsedRow,
    changed_fields,
    new_customer_fields,
    parse_channel,
    parse_date,
    parse_kind,
    parse_row,
    parse_yes_no,
    unguard,
)
from .run import (
    CHUNK_SIZE,
    MAX_LISTED,
    STOPPED_AFTER,
    _Plan,
    customer_import_create,
    customer_import_run,
    customer_imports_fail_stopped,
    load_lookups,
)

__all__ = [
    "CHUNK_SIZE",
    "COLUMNS",
    "COLUMN_HELP",
    "EXPORT_ONLY_COLUMNS",
    "FORMULA_STARTS",
    "MAX_FILE_BYTES",
    "MAX_LISTED",
    "NOT_UTF8",
    "REQUIRED_COLUMNS",
    "STOPPED_AFTER",
    "Lookups",
    "ParsedRow",
    "UnclosedQuote",
    "_Plan",
    "bad_row_count",
    "changed_fields",
    "check_file",
    "column_help",
    "column_name",
    "customer_import_create",
    "customer_import_run",
    "customer_imports_fail_stopped",
    "decode",
    "earlier_run_note",
    "guess_delimiter",
    "import_for_progress",
    "is_finished",
    "iter_rows",
    "load_lookups",
    "new_customer_fields",
    "parse_channel",
    "parse_date",
    "parse_kind",
    "parse_row",
    "parse_yes_no",
    "read_header",
    "readable",
    "recent_imports",
    "unguard",
]
