"""The complaints log and its analysis at 100,000 and at 1,000,000 cases.

- ``complaints_log``: synthetic cases (``cases.synthetic.make_cases``: three years, 60% of them
  complaints, varied in category, channel, who made them and at whom) are generated up to
  100,000, the monthly counts recounted in full (what the daily task does) and refreshed (what
  the task every minute does, with a few cases changed), then the log page is timed through
  Django's test client: the default (the past year's complaints), a period of part-months with
  a category and a channel, every kind still open, and page 20. Each with p50, p95 and its
  query count. Then the cases are topped up to 1,000,000 and the same is measured again.
  Target: p95 under 100 ms at 1,000,000 cases, a query count that does not grow.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone

from bench import datagen
from bench.support import Context, figure, percentile, timed

MODULE = "complaints_log"
SEED = 20_26
SIZES = (100_000, 1_000_000)
P95_MS = 100
OFFICER = "mary"
ENTRIES = ("complaints_log",)


def run(ctx: Context) -> list[dict]:
    if not ctx.wants("complaints_log", MODULE):
        return []
    datagen.seed_demo()
    from charter.accounts.models import User

    officer = User.objects.get(username=OFFICER)
    rows: list[dict] = []
    for full in SIZES:
        n = ctx.size(full)
        rows += _generate(ctx, n)
        rows += _refresh(ctx, n)
        rows += _pages(ctx, officer, n)
    rows.append(figure(MODULE, "load average at the end", os.getloadavg()[0], ""))
    return rows


def _label(n: int) -> str:
    return f"{n:,} cases"


def _generate(ctx: Context, n: int) -> list[dict]:
    from charter.cases import synthetic
    from charter.cases.models import Case

    have = Case.objects.count()
    wanted = max(0, n - have)
    ctx.say(f"generating {wanted:,} cases (to {n:,})")

    def progress(done, total):
        if done == total or done % 200_000 == 0:
            ctx.say(f"{done:,} / {total:,} cases")

    start = time.perf_counter()
    made = synthetic.make_cases(wanted, seed=SEED, progress=progress)
    seconds = time.perf_counter() - start
    # What autovacuum (PostgreSQL) and PRAGMA optimize (SQLite) would do with new rows.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE) cases_case")
        else:
            cursor.execute("ANALYZE")
    return [
        figure(MODULE, f"{_label(n)}: make_cases (+{made:,})", seconds, "s"),
        figure(MODULE, f"{_label(n)}: cases", Case.objects.count(), "rows"),
    ]


def _refresh(ctx: Context, n: int) -> list[dict]:
    from charter.cases.models import Case, CaseMonthCount
    from charter.cases.services.log_counts import log_counts_refresh

    ctx.say("recounting the log's monthly counts")
    start = time.perf_counter()
    months = log_counts_refresh(full=True)
    full_seconds = time.perf_counter() - start
    # A minute's work for the refresh: a few cases changed, in a few past months.
    now = timezone.now()
    some = list(Case.objects.order_by("pk").values_list("pk", flat=True)[: 50 * 1000 : 1000])
    Case.objects.filter(pk__in=some).update(channel="letter", updated_at=now)
    start = time.perf_counter()
    changed = log_counts_refresh()
    refresh_seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE) cases_casemonthcount")
        else:
            cursor.execute("ANALYZE cases_casemonthcount")
    return [
        figure(MODULE, f"{_label(n)}: full recount ({months} months)", full_seconds, "s"),
        figure(
            MODULE,
            f"{_label(n)}: refresh after {len(some)} changes ({changed} months)",
            refresh_seconds * 1000,
            "ms",
        ),
        figure(MODULE, f"{_label(n)}: monthly count rows", CaseMonthCount.objects.count(), "rows"),
    ]


def _pages(ctx: Context, officer, n: int) -> list[dict]:
    from charter.cases.models import Category

    today = timezone.localdate()
    category = Category.objects.order_by("pk").values_list("slug", flat=True).first() or ""
    start, end = today - timedelta(days=200), today - timedelta(days=20)
    pages = (
        ("past year's complaints", "/cases/log/"),
        (
            "part-months, a category and a channel",
            f"/cases/log/?start={start}&end={end}&kind=complaint&category={category}&channel=email",
        ),
        ("every kind still open", "/cases/log/?kind=&status=open&start=&end="),
        ("page 20", "/cases/log/?page=20"),
    )
    client = Client()
    client.force_login(officer)
    rows = []
    client.get(pages[0][1])  # the first request after logging in also reads permissions
    for label, url in pages:
        queries: list[str] = []  # every statement the request runs, however the log is reset

        def counted(run, sql, *args, queries=queries):
            queries.append(sql)
            return run(sql, *args)

        with connection.execute_wrapper(counted):
            response = client.get(url)
        if response.status_code != 200:
            rows.append(figure(MODULE, f"{_label(n)}: GET {url}", response.status_code, "status"))
            continue
        samples = timed(lambda url=url: client.get(url), times=ctx.samples)
        rows += [
            figure(
                MODULE,
                f"{_label(n)}: {label} p50 ({ctx.samples} requests)",
                percentile(samples, 50),
                "ms",
            ),
            figure(
                MODULE,
                f"{_label(n)}: {label} p95",
                percentile(samples, 95),
                "ms",
                below=P95_MS,
            ),
            figure(MODULE, f"{_label(n)}: {label} queries", len(queries), "queries"),
        ]
    return rows
