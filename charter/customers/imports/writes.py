"""Bulk writes for the import: many rows to a statement (COPY on PostgreSQL), without compiling
SQL for every value.
"""

from __future__ import annotations

import sqlite3
from itertools import chain

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from .. import rules
from ..models import (
    SearchTerm,
)


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """INSERT the rows (values of ``columns``), many rows to a statement."""
    if not rows:
        return
    database = connections[DEFAULT_DB_ALIAS]  # the connection itself, not its proxy: faster
    quote = database.ops.quote_name
    fields = [model._meta.get_field(name) for name in columns]
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    if database.vendor == "postgresql":
        # COPY streams the rows: several times faster than INSERT statements there. psycopg
        # writes dates, times and amounts itself, so the values go as they are.
        with (
            database.cursor() as cursor,
            cursor.cursor.copy(
                head.replace("INSERT INTO", "COPY", 1).replace(" VALUES ", " FROM STDIN")
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    rows = _prepared(database, fields, rows)
    values = "({})".format(", ".join(["%s"] * len(fields)))
    per = _rows_per_statement(database, len(fields))
    with database.cursor() as cursor:
        for start in range(0, len(rows), per):
            batch = rows[start : start + per]
            cursor.execute(head + ", ".join([values] * len(batch)), list(chain(*batch)))


def _rows_per_statement(database, columns: int) -> int:
    """As many rows as the database takes parameters in one statement, up to 2,000."""
    if database.vendor == "sqlite":
        database.ensure_connection()
        # Django assumes SQLite's old default of 999; the library says what it was built with.
        limit = database.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = database.features.max_query_params or 65535  # PostgreSQL's protocol limit
    return max(1, min(2000, limit // columns))


def _update(model, columns: list[str], rows: list[tuple]) -> None:
    """UPDATE each row (values of ``columns``, then its primary key) in one executemany."""
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in columns]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(model._meta.pk.column),
    )
    _execute_many(sql, [*fields, model._meta.pk], rows)


def _execute_many(sql: str, fields: list, rows: list[tuple]) -> None:
    """Run ``sql`` once for every row, in one executemany."""
    if not rows:
        return
    database = connections[DEFAULT_DB_ALIAS]
    with database.cursor() as cursor:
        cursor.executemany(sql, _prepared(database, fields, rows))


def _prepared(database, fields: list, rows: list[tuple]) -> list:
    """The rows' values as the database takes them: dates and amounts are prepared by their
    fields, other values go as they are.

    The writes here do what bulk_create and bulk_update do without compiling SQL for every
    value, which was most of a 100,000-row import's time. Like them, they send no signals.
    """
    prepare = [
        (i, f.get_db_prep_save) for i, f in enumerate(fields) if isinstance(f, _ADAPTED_FIELDS)
    ]
    if not prepare:
        return rows
    prepared: dict = {}  # the same dates and times recur on many rows
    rows = [list(row) for row in rows]
    for row in rows:
        for i, save in prepare:
            key = (i, row[i])
            if key not in prepared:
                prepared[key] = save(row[i], database)
            row[i] = prepared[key]
    return rows


# Fields whose values the database driver cannot take as they are (DateTimeField is a DateField).
_ADAPTED_FIELDS = (models.DateField, models.DecimalField)


def _insert_search_terms(customers: list[dict]) -> None:
    """The search terms of customers just created: what ``services.refresh_search_terms`` writes
    for a customer without contacts, without reading back what was just written."""
    rows = [
        (term, c["id"])
        for c in customers
        for term in rules.search_terms(
            names=[c["name"], c["given_name"], c["family_name"]],
            emails=[c["email"]],
            phones=[c["phone"]],
            reference=c["reference"],
        )
    ]
    rows.sort()  # in the order of the term indexes, which are then written page by page
    if connection.vendor != "postgresql":
        _insert(SearchTerm, ["term", "customer_id"], rows)
        return
    # A term and an id a line, as COPY's text reads them: most of an import's rows are terms,
    # and formatting them here costs a tenth of handing each to the driver.
    quote = connection.ops.quote_name
    table = quote(SearchTerm._meta.db_table)
    columns = ", ".join(
        quote(SearchTerm._meta.get_field(name).column) for name in ("term", "customer")
    )
    text = "".join(f"{term.translate(_COPY_ESCAPES)}\t{pk}\n" for term, pk in rows)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        copy.write(text.encode())


# What COPY's text format escapes with a backslash.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def new_ids(model, count: int) -> list[int] | None:
    """``count`` ids for new rows of ``model`` from its sequence (PostgreSQL), so rows copied in
    need not be read back for them; None elsewhere."""
    if connection.vendor != "postgresql" or not count:
        return None
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, count],
        )
        return [row[0] for row in cursor.fetchall()]
