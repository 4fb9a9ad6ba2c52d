"""Cases at volume: logging a contact through the API under gunicorn, the case queue over
1,000,000 cases, and 10,000 inbound emails.

- ``contact_api``: gunicorn serves Charter on 127.0.0.1 (3 workers of 2 threads: one more
  process than cores keeps both busy while one waits on the database, and few threads a process
  keep them from queueing for its interpreter lock; the bench database) and officer Mary logs
  contacts with her API token: first one request at a time (p50 and p95 of 200), then 32
  keep-alive connections at once for 15 seconds (requests per second, and any non-201 answer counted
  as an error). The load generator is plain asyncio in this process, so it shares the machine's
  2 cores with the server. Targets: p50 under 20 ms and 300 requests a second, on PostgreSQL.
- ``case_queue``: 1,000,000 synthetic cases (``cases.synthetic.make_cases``); the queue page
  (all open and Mary's own) timed through Django's test client, with its query count on pages 1
  and 2. Target: p95 under 100 ms, constant queries.
- ``mail_ingest``: 10,000 RFC 5322 messages written to a Maildir (new threads, replies by
  Message-ID and by the case reference in the subject, attachments, and 1% that cannot be read)
  and read with ``fetch_mail``'s transport. Target: under 60 s, and every message filed or kept
  aside (none lost).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import datagen
from bench.support import Context, figure, percentile, timed

MODULE = "cases"
SEED = 20_26
SIZES = {"cases": 1_000_000, "emails": 10_000}
P95_MS = 100
CONTACT_P50_MS = 20
CONTACT_RPS = 300
MAIL_SECONDS = 60
OFFICER = "mary"
ENTRIES = ("cases_datagen", "case_queue", "contact_api", "mail_ingest")


def run(ctx: Context) -> list[dict]:
    wanted = [entry for entry in ENTRIES if ctx.wants(entry, MODULE)]
    rows: list[dict] = []
    datagen.seed_demo()
    from charter.accounts.models import User

    officer = User.objects.get(username=OFFICER)
    if "contact_api" in wanted:
        ctx.say("timing contacts logged through the API under gunicorn")
        rows += _contact_api(ctx, officer)
    if "mail_ingest" in wanted:
        ctx.say("ingesting inbound email")
        rows += _mail_ingest(ctx)
    if "case_queue" in wanted or "cases_datagen" in wanted:
        rows += _generate(ctx, report="cases_datagen" in wanted)
    if "case_queue" in wanted:
        ctx.say("timing the case queue")
        rows += _queue(ctx, officer)
    rows.append(figure(MODULE, "load average at the end", os.getloadavg()[0], ""))
    return rows


# --- Logging contacts through the API ----------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(ctx: Context, *, workers: int, threads: int):
    """Charter under gunicorn on a free port of 127.0.0.1 (gthread workers; the database
    connection is closed first, as the workers open their own). Yields (port, master pid)."""
    port = _free_port()
    connection.close()  # the workers open their own
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "charter.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ctx.repo,
        env=os.environ.copy(),
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


async def _post(reader, writer, request: bytes) -> int:
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


def _request(port: int, token: str, customer: int) -> bytes:
    body = json.dumps(
        {
            "channel": "telephone",
            "summary": "Asked when the 7 mm widgets ship.",
            "customer": customer,
            "duration_seconds": 180,
        }
    ).encode()
    return (
        f"POST /api/v1/contacts/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Token {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    ).encode() + body


async def _sequential(port: int, request: bytes, n: int) -> list[float]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        status = await _post(reader, writer, request)
        samples.append((time.perf_counter() - start) * 1000)
        if status != 201:
            raise RuntimeError(f"Logging a contact answered {status}.")
    writer.close()
    return samples


async def _load(port: int, request: bytes, connections: int, seconds: float) -> tuple[int, int]:
    done = errors = 0
    stop = time.perf_counter() + seconds

    async def worker():
        nonlocal done, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < stop:
            try:
                status = await _post(reader, writer, request)
            except (asyncio.IncompleteReadError, ConnectionError):
                errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            done += 1
            errors += status != 201
        writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return done, errors


def _contact_api(ctx: Context, officer) -> list[dict]:
    from rest_framework.authtoken.models import Token

    from charter.cases.models import Contact
    from charter.customers.models import Customer

    token = Token.objects.get_or_create(user=officer)[0].key
    customer = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
    with gunicorn(ctx, workers=3, threads=2) as (port, _pid):
        request = _request(port, token, customer)
        before = Contact.objects.count()
        asyncio.run(_sequential(port, request, 50))  # warm-up: workers, connections, caches
        samples = asyncio.run(_sequential(port, request, 200))
        seconds = 15.0
        done, errors = asyncio.run(_load(port, request, 32, seconds))
        logged = Contact.objects.count() - before
    postgres = connection.vendor == "postgresql"
    return [
        figure(
            "contact_api",
            "POST /api/v1/contacts/ one at a time p50 (200)",
            percentile(samples, 50),
            "ms",
            below=CONTACT_P50_MS if postgres else None,
        ),
        figure("contact_api", "one at a time p95", percentile(samples, 95), "ms"),
        figure(
            "contact_api",
            "32 connections for 15 s: requests a second",
            done / seconds,
            "req/s",
            above=CONTACT_RPS if postgres else None,
        ),
        figure("contact_api", "errors (not 201)", errors, "", equals=0),
        figure(
            "contact_api",
            "contacts logged (all requests)",
            logged,
            "rows",
            equals=250 + done - errors,
        ),
    ]


# --- Inbound email ------------------------------------------------------------------------------
PNG = "".join(  # a 1x1 image
    [
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA",
        "hKmMIQAAAABJRU5ErkJggg==",
    ]
)


def _message(n: int, *, customers: list[str], references: list[str]) -> bytes:
    """The n-th message: a new thread, a reply to an earlier one by Message-ID, one that
    names a case in its subject, one with an attachment, or (1 in 100) one with no sender."""
    sender = customers[n % len(customers)]
    date = f"Mon, 16 Nov 2026 {9 + n % 8:02d}:{n % 60:02d}:00 +1100"
    if n % 100 == 99:
        return f"Date: {date}\r\nSubject: no sender {n}\r\n\r\nWho am I?\r\n".encode()
    head = f"Message-ID: <bench-{n}@example.net>\r\nDate: {date}\r\nFrom: {sender}\r\n"
    head += "To: service@innovativewidgets.example\r\n"
    if n % 3 == 1 and n > 10:
        parent = f"<bench-{n - 10}@example.net>"
        head += f"In-Reply-To: {parent}\r\nReferences: {parent}\r\nSubject: Re: order {n - 10}\r\n"
    elif n % 7 == 2 and references:
        head += f"Subject: Re: [{references[n % len(references)]}] still waiting\r\n"
    else:
        head += f"Subject: Question about order {n}\r\n"
    if n % 10 == 5:
        return (
            head + 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
            "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPhoto attached.\r\n"
            '--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename="p.png"'
            f"\r\nContent-Transfer-Encoding: base64\r\n\r\n{PNG}\r\n--b--\r\n"
        ).encode()
    return (
        head + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"When will order {n} arrive? It is late.\r\n"
    ).encode()


def _mail_ingest(ctx: Context) -> list[dict]:
    from charter.cases import inbox
    from charter.cases.models import Case, Email
    from charter.customers.models import Customer

    customers = [c for c in Customer.objects.exclude(email="").values_list("email", flat=True)]
    customers += [f"person{i}@example.org" for i in range(50)]  # not customers: the public
    references = list(Case.objects.values_list("reference", flat=True)[:20])
    n = ctx.size(SIZES["emails"])
    box = Path(tempfile.mkdtemp(prefix="charter-bench-mail-"))
    try:
        for sub in ("new", "cur", "tmp"):
            (box / sub).mkdir()
        for i in range(n):
            (box / "new" / f"{1_700_000_000 + i}.M{i}.bench").write_bytes(
                _message(i, customers=customers, references=references)
            )
        before = Email.objects.count()
        start = time.perf_counter()
        result = inbox.fetch(inbox.maildir_messages(box))
        seconds = time.perf_counter() - start
        stored = Email.objects.count() - before
    finally:
        shutil.rmtree(box, ignore_errors=True)
    return [
        figure("mail_ingest", f"fetch_mail of {n:,} messages", seconds, "s", below=MAIL_SECONDS),
        figure("mail_ingest", "rate", n / seconds if seconds else 0, "messages/s"),
        figure("mail_ingest", "read", result.read, "messages", equals=n),
        figure("mail_ingest", "opened a case", result.opened, "messages"),
        figure("mail_ingest", "joined a case", result.joined, "messages"),
        figure("mail_ingest", "kept aside (unreadable)", result.kept_aside, "messages"),
        figure("mail_ingest", "skipped as the same", result.same, "messages", equals=0),
        figure("mail_ingest", "stored (none lost)", stored, "messages", equals=n),
    ]


# --- The queue over a million cases ---------------------------------------------------------------
def _generate(ctx: Context, *, report: bool) -> list[dict]:
    from charter.cases import synthetic
    from charter.cases.models import Case

    have = Case.objects.filter(reference__startswith=synthetic.PREFIX).count()
    n = max(0, ctx.size(SIZES["cases"]) - have)
    ctx.say(f"generating {n:,} cases")

    def progress(done, total):
        if done == total or done % 200_000 == 0:
            ctx.say(f"{done:,} / {total:,} cases")

    start = time.perf_counter()
    made = synthetic.make_cases(n, seed=SEED, progress=progress)
    seconds = time.perf_counter() - start
    # What autovacuum (PostgreSQL) and PRAGMA optimize (SQLite) would do with new rows.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE) cases_case")
        else:
            cursor.execute("ANALYZE cases_case")
    if not report:
        return []
    return [
        figure("cases_datagen", f"make_cases (+{made:,})", seconds, "s"),
        figure("cases_datagen", "cases", Case.objects.count(), "rows"),
        figure("cases_datagen", "open cases", Case.objects.filter(closed_at=None).count(), "rows"),
    ]


def _queue(ctx: Context, officer) -> list[dict]:
    from charter.cases import selectors

    rows = [
        figure("case_queue", "open cases", selectors.case_queue(officer).count(), "cases"),
        figure(
            "case_queue",
            "Mary's open cases",
            selectors.case_queue(officer, mine=True).count(),
            "cases",
        ),
    ]
    samples = timed(lambda: list(selectors.case_queue(officer)[:50]), times=100)
    rows.append(
        figure("case_queue", "case_queue()[:50] p95", percentile(samples, 95), "ms", below=P95_MS)
    )
    client = Client()
    client.force_login(officer)
    for label, url in (
        ("all open", "/cases/?show=open"),
        ("mine", "/cases/?show=mine"),
        ("past due", "/cases/?show=overdue"),
    ):
        with CaptureQueriesContext(connection) as first:
            response = client.get(url)
        if response.status_code != 200:
            rows.append(figure("case_queue", f"GET {url}", response.status_code, "status"))
            continue
        with CaptureQueriesContext(connection) as second:
            client.get(url + "&page=2")
        count, count_later = len(first), len(second)
        samples = timed(lambda url=url: client.get(url), times=ctx.samples)
        rows += [
            figure(
                "case_queue",
                f"{label} {url} p50 ({ctx.samples} requests)",
                percentile(samples, 50),
                "ms",
            ),
            figure("case_queue", f"{label} p95", percentile(samples, 95), "ms", below=P95_MS),
            figure(
                "case_queue", f"{label} queries, page 1 and 2", count, "queries", equals=count_later
            ),
        ]
    return rows
