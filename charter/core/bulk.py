"""Writing many rows fast, on either database."""

from __future__ import annotations

from django.db import connection


def insert_rows(model, fields: tuple[str, ...], rows: list[tuple]) -> int:
    """Insert database-ready tuples without building a model instance per row.

    For wide child tables (search terms, holdings) ``bulk_create``'s per-object work costs more
    than the database's: COPY on PostgreSQL, one prepared INSERT run over every row elsewhere.
    No signals are sent and nothing is audited: callers record the batch themselves.
    """
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            values = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({values})", rows)
    return len(rows)
