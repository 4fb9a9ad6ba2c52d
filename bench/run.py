"""Run Charter's benchmarks against a throw-away database and print a table of figures.

    .venv/bin/python bench/run.py                  # SQLite: var/bench.sqlite3, fresh each run
    .venv/bin/python bench/run.py --scale 0.01     # quick smoke run on 1% of the data
    .venv/bin/python bench/run.py --only audit_csv # one entry (or one module, e.g. foundation)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/charter_bench \
        .venv/bin/python bench/run.py                # PostgreSQL, dropped and recreated

The developer's database and var/ files are never touched: the benchmark database is dropped
and recreated on every run (its name must contain "bench"), and Charter's var directory is
pointed at var/bench/. Settings are the production ones (DEBUG off) except that HTTPS redirects
and secure-only cookies are off so the test client can speak plain HTTP. Results also go to
var/bench-results.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.support import Context, print_table  # noqa: E402

BENCH_VAR = REPO / "var" / "bench"
RESULTS = REPO / "var" / "bench-results.json"
DEFAULT_SQLITE = REPO / "var" / "bench.sqlite3"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", metavar="NAME", help="run one entry, or one module's entries")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply data sizes (default 1.0)"
    )
    parser.add_argument(
        "--samples", type=int, default=30, help="timed requests per page (default 30)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a figure misses its target"
    )
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    return args


# --- Environment and database ---------------------------------------------------------------
def configure_environment() -> str:
    """Point Charter at the benchmark database and var dir. Returns the database URL."""
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"
    developer_url = os.environ.get("DATABASE_URL")
    if developer_url and developer_url == url:
        sys.exit("BENCH_DATABASE_URL is the same as DATABASE_URL: refusing to benchmark on it.")
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "charter.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["CHARTER_VAR_DIR"] = str(BENCH_VAR)  # demo logins, static files, secret key
    os.environ["DEBUG"] = "false"  # production settings...
    # ...except what needs TLS, which the in-process test client does not speak.
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SESSION_COOKIE_SECURE"] = "false"
    os.environ["CSRF_COOKIE_SECURE"] = "false"
    os.environ.setdefault("DEMO_PASSWORD", "bench-demo-password")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    hosts = os.environ.get("ALLOWED_HOSTS")
    if hosts and "testserver" not in hosts.split(","):
        os.environ["ALLOWED_HOSTS"] = hosts + ",testserver"
    return url


def recreate_database(url: str) -> None:
    """A clean benchmark database: delete the SQLite file, or drop and create on PostgreSQL."""
    import environ

    config = environ.Env.db_url_config(url)
    engine, name = config["ENGINE"], str(config["NAME"])
    if "bench" not in Path(name).name:
        sys.exit(f"The benchmark database {name!r} must have 'bench' in its name.")
    if engine.endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    elif engine.endswith("postgresql"):
        import psycopg
        from psycopg import sql

        params = {
            "dbname": "postgres",
            "host": config.get("HOST") or None,
            "port": config.get("PORT") or None,
            "user": config.get("USER") or None,
            "password": config.get("PASSWORD") or None,
        }
        with psycopg.connect(
            **{k: v for k, v in params.items() if v}, autocommit=True
        ) as connection:
            db = sql.Identifier(name)
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(db))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(db))
    else:
        sys.exit(f"Unsupported benchmark database engine: {engine}")


# --- Machine --------------------------------------------------------------------------------
def memory_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def database_description() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            version = cursor.fetchone()[0]
        elif connection.vendor == "postgresql":
            cursor.execute("show server_version")
            version = cursor.fetchone()[0].split()[0]
        else:
            version = "?"
    return f"{connection.vendor} {version} ({connection.settings_dict['NAME']})"


# --- Modules --------------------------------------------------------------------------------
def discover() -> list[tuple[str, object]]:
    modules = []
    for path in sorted((REPO / "bench").glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        modules.append((name, importlib.import_module(f"bench.{path.stem}")))
    return modules


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = configure_environment()
    started = time.perf_counter()

    import django

    django.setup()  # connects to nothing yet
    from django.core.management import call_command
    from django.db import connection

    modules = discover()
    if args.only:
        known = {name for name, _ in modules}
        for _, module in modules:
            known.update(getattr(module, "ENTRIES", ()))
        if args.only not in known:
            sys.exit(f"No entry or module named {args.only!r}. Known: {', '.join(sorted(known))}")

    recreate_database(url)
    print("Preparing the benchmark database...", file=sys.stderr, flush=True)
    step = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - step
    step = time.perf_counter()
    # DEBUG off serves hashed static names from a manifest: build it (incremental) in var/bench.
    call_command("collectstatic", verbosity=0, interactive=False)
    static_seconds = time.perf_counter() - step

    memory = memory_total_gib()
    meta = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_average(),
        "memory_gib": None if memory is None else round(memory, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database_description(),
        "vendor": connection.vendor,
        "scale": args.scale,
        "samples": args.samples,
        "only": args.only,
        "migrate_seconds": round(migrate_seconds, 2),
        "collectstatic_seconds": round(static_seconds, 2),
    }
    print(
        f"Machine: {meta['cpus']} CPUs, "
        f"{'?' if memory is None else f'{memory:.1f}'} GiB memory, "
        f"load average {meta['load_average_at_start']}; "
        f"Python {meta['python']}, Django {meta['django']}"
    )
    print(f"Database: {meta['database']}")
    print(
        f"Scale: {args.scale:g}; {args.samples} timed requests per page; "
        f"migrate {migrate_seconds:.1f} s, collectstatic {static_seconds:.1f} s"
    )
    print()

    ctx = Context(
        repo=REPO, scale=args.scale, only=args.only, vendor=connection.vendor, samples=args.samples
    )
    rows: list[dict] = []
    for name, module in modules:
        entries = set(getattr(module, "ENTRIES", ()))
        if args.only and args.only != name and args.only not in entries:
            continue
        print(f"Running {name}...", file=sys.stderr, flush=True)
        rows.extend(module.run(ctx))

    print_table(rows)
    total = time.perf_counter() - started
    meta["total_seconds"] = round(total, 1)
    meta["load_average_at_end"] = load_average()
    print(
        f"\nTotal {total:.1f} s; load average now {meta['load_average_at_end']}. "
        f"Results written to {RESULTS.relative_to(REPO)}."
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    missed = [row for row in rows if row["ok"] == "no"]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
