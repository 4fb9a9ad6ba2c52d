"""A complaint opened through the API, and a case's page, over 100,000 cases.

- ``case_open_api``: gunicorn serves Charter on 127.0.0.1 with 2 workers (gthread, 2 threads
  each: a thread waits on the database while the other works) and officer Mary opens
  complaints about a customer with her API token: first one at a time (p50 and p95 of 200),
  then 16 keep-alive connections at once for 15 seconds (complaints a second, any answer but 201
  an error). The load generator is plain asyncio in this process and shares the machine's 2
  cores with the server, and so do other programs: the workers' CPU time per complaint (from
  /proc) is the figure that does not depend on them. Queries per complaint are counted through
  Django's test client. Target: 200 a second and p50 under 15 ms.
- ``case_page``: ``/cases/<id>/`` for one of the 100,000 synthetic cases (nothing but its
  opening) and for complaints with 1 and with 20 contacts, notes and goodwill refunds waiting
  for approval, through Django's test client: p50, p95, CPU time and the query count, which
  must be the same with 1 and with 20. Target: p50 under 15 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from decimal import Decimal
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import datagen
from bench.bench_cases import _load, _sequential, gunicorn
from bench.support import Context, figure, percentile, timed

MODULE = "case_speed"
ENTRIES = ("case_open_api", "case_page")
SEED = 16
CASES = 100_000
OFFICER = "mary"
OPEN_RPS = 200
OPEN_P50_MS = 15
PAGE_P50_MS = 15
WORKERS = 2
THREADS = 2
CONNECTIONS = 16
SECONDS = 15.0
BUSY = 20  # contacts, notes and resolutions on the busy case


def run(ctx: Context) -> list[dict]:
    wanted = [entry for entry in ENTRIES if ctx.wants(entry, MODULE)]
    datagen.seed_demo()
    from charter.accounts.models import User

    officer = User.objects.get(username=OFFICER)
    rows = _generate(ctx)
    if "case_open_api" in wanted:
        ctx.say("timing complaints opened through the API under gunicorn")
        rows += _open_api(ctx, officer)
    if "case_page" in wanted:
        ctx.say("timing the case page")
        rows += _page(ctx, officer)
    rows.append(figure(MODULE, "load average at the end", os.getloadavg()[0], ""))
    return rows


def _generate(ctx: Context) -> list[dict]:
    from charter.cases import synthetic
    from charter.cases.models import Case

    have = Case.objects.filter(reference__startswith=synthetic.PREFIX).count()
    n = max(0, ctx.size(CASES) - have)
    ctx.say(f"generating {n:,} cases")
    start = time.perf_counter()
    synthetic.make_cases(n, seed=SEED)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM (ANALYZE) cases_case"
            if connection.vendor == "postgresql"
            else "ANALYZE cases_case"
        )
    return [
        figure(MODULE, f"cases (+{n:,} in {seconds:.0f} s)", Case.objects.count(), "rows"),
    ]


# --- Opening complaints through the API ------------------------------------------------------
def _body(customer: int) -> bytes:
    return json.dumps(
        {
            "subject": "The 7 mm widgets arrived cracked",
            "channel": "telephone",
            "customer": customer,
            "description": "Two of the ten snapped when fitted.",
            "desired_outcome": "Replacements this week.",
        }
    ).encode()


def _request(port: int, token: str, body: bytes) -> bytes:
    return (
        f"POST /api/v1/cases/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Token {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    ).encode() + body


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _queries_per_complaint(officer, token: str, body: bytes) -> int:
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    client.post("/api/v1/cases/", body, content_type="application/json", **headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/cases/", body, content_type="application/json", **headers)
    if response.status_code != 201:
        raise RuntimeError(f"Opening a complaint answered {response.status_code}.")
    return len(queries)


def _open_api(ctx: Context, officer) -> list[dict]:
    from rest_framework.authtoken.models import Token

    from charter.cases.models import Case
    from charter.customers.models import Customer

    token = Token.objects.get_or_create(user=officer)[0].key
    customer = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
    body = _body(customer)
    queries = _queries_per_complaint(officer, token, body)
    before = Case.objects.count()
    with gunicorn(ctx, workers=WORKERS, threads=THREADS) as (port, pid):
        request = _request(port, token, body)
        asyncio.run(_sequential(port, request, 50))  # warm-up: workers, connections, caches
        samples = asyncio.run(_sequential(port, request, 200))
        workers = _children(pid)
        cpu = _cpu_seconds(workers)
        done, errors = asyncio.run(_load(port, request, CONNECTIONS, SECONDS))
        cpu = _cpu_seconds(workers) - cpu
    opened = Case.objects.count() - before
    return [
        figure("case_open_api", "queries per complaint", queries, "queries"),
        figure(
            "case_open_api",
            "POST /api/v1/cases/ one at a time p50 (200)",
            percentile(samples, 50),
            "ms",
            below=OPEN_P50_MS,
        ),
        figure("case_open_api", "one at a time p95", percentile(samples, 95), "ms"),
        figure(
            "case_open_api",
            f"{CONNECTIONS} connections for {SECONDS:.0f} s: complaints a second",
            done / SECONDS,
            "complaints/s",
            above=OPEN_RPS,
        ),
        figure(
            "case_open_api",
            "workers' CPU time per complaint",
            1000 * cpu / done if done else 0,
            "ms",
        ),
        figure("case_open_api", "errors (not 201)", errors, "", equals=0),
        figure("case_open_api", "cases opened (all requests)", opened, "rows", equals=250 + done),
    ]


# --- The case page -----------------------------------------------------------------------------
def _busy_case(officer, n: int = BUSY):
    """A complaint with ``n`` contacts, notes and goodwill refunds waiting for approval."""
    from charter.cases import services
    from charter.customers.models import Customer

    customer = Customer.objects.order_by("pk").first()
    case = services.case_open(
        actor=officer, subject="Many calls about one order", channel="telephone", customer=customer
    )
    for i in range(n):
        services.contact_log(
            actor=officer, case=case, channel="telephone", summary=f"Call {i + 1}."
        )
        services.case_note(actor=officer, case=case, text=f"Note {i + 1}.")
        services.resolution_add(
            actor=officer,
            case=case,
            kind="goodwill_refund",
            description=f"Goodwill {i + 1}.",
            amount=Decimal("50.00"),
            item_value=Decimal("200.00"),
        )
    return case


def _page(ctx: Context, officer) -> list[dict]:
    from charter.cases import synthetic
    from charter.cases.models import Case

    synthetic_case = (
        Case.objects.filter(reference__startswith=synthetic.PREFIX, closed_at=None)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    one, busy = _busy_case(officer, 1).pk, _busy_case(officer).pk
    client = Client()
    client.force_login(officer)
    rows = []
    counts = {}
    cases = (
        ("a synthetic case", synthetic_case),
        ("a case with 1 of each", one),
        (f"a case with {BUSY} of each", busy),
    )
    for label, pk in cases:
        url = f"/cases/{pk}/"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            rows.append(figure("case_page", f"GET {url}", response.status_code, "status"))
            continue
        count = counts[label] = len(queries)
        cpu = time.process_time()
        samples = timed(lambda url=url: client.get(url), times=ctx.samples * 3)
        cpu = (time.process_time() - cpu) / (ctx.samples * 3 + 3)
        rows += [
            figure(
                "case_page",
                f"{label}: p50 ({ctx.samples * 3} requests)",
                percentile(samples, 50),
                "ms",
                below=PAGE_P50_MS,
            ),
            figure("case_page", f"{label}: p95", percentile(samples, 95), "ms"),
            figure("case_page", f"{label}: CPU time per page", cpu * 1000, "ms"),
            figure("case_page", f"{label}: queries", count, "queries"),
        ]
    if len(counts) == 3:
        _, first, second = counts.values()
        rows.append(
            figure(
                "case_page",
                f"queries with {BUSY} of each less with 1",
                second - first,
                "",
                equals=0,
            )
        )
    return rows
