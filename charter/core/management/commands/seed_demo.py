"""Load a demo organisation. Each app adds its part in a ``demo.py`` module with ``seed(ctx)``,
which looks at ``ctx.organisation`` to know which demo it is building.

Apps are seeded in INSTALLED_APPS order (the design's domain map), so a higher app's demo can
rely on a lower one's. Running it twice changes nothing.

Charter serves one organisation per database: ``--organisation bank`` loads the second demo
(a bank) and is meant for a database of its own (``make run ORG=bank``).

The story is dated from the day it is loaded (``charter.core.demo_dates`` says how);
``--today 2027-03-15`` (or ``2027-03-15T16:30``) loads it as if it were that day: the clock is
set to that moment, in the organisation's zone, while it loads (10:00 when no time is given),
so that every date the services stamp agrees with the story. Tests use it to load the demo on
several days.
"""

from __future__ import annotations

import importlib
import os
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.management.base import CommandError
from django.db import transaction

from charter.core.demo import ORGANISATIONS, WIDGETS
from charter.core.management.base import AuditedCommand


@dataclass
class DemoContext:
    """What every app's ``seed`` receives: output, options, which demo organisation is being
    built (``widgets`` or ``bank``), and what earlier apps created."""

    stdout: object
    style: object
    password: str | None
    options: dict
    organisation: str = WIDGETS
    created: dict = field(default_factory=dict)

    def say(self, message: str) -> None:
        self.stdout.write(message)


class Command(AuditedCommand):
    help = (
        "Create a demo organisation with its staff and data: Innovative Widgets (the default) "
        "or, with --organisation bank, Southern Cross Community Bank."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            choices=sorted(ORGANISATIONS),
            default=WIDGETS,
            help="Which demo organisation to load (default: widgets). Charter serves one "
            "organisation per database, so give each its own DATABASE_URL.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load nothing when the demo organisation already exists, only write its "
            "survey link again with today's SITE_URL (used by `make run`).",
        )
        parser.add_argument(
            "--no-history",
            dest="history",
            action="store_false",
            help="Leave out the year of calls and complaints (quicker; for tests of other things).",
        )
        parser.add_argument(
            "--today",
            metavar="DATE",
            help="Load the demo as if it were this day (YYYY-MM-DD, or YYYY-MM-DDTHH:MM in the "
            "organisation's time zone): its story is dated from it. For tests and for trying "
            "the story on another day; the site itself then runs on the real clock.",
        )
        parser.add_argument(
            "--customers",
            type=int,
            default=0,
            metavar="N",
            help="Also make N realistic synthetic customers (for benchmarks).",
        )
        parser.add_argument(
            "--orders",
            type=int,
            default=0,
            metavar="N",
            help="Also make N realistic synthetic orders across the customers and products "
            "(for benchmarks; Innovative Widgets only: the bank delivers no goods).",
        )

    def handle(self, *args, **options):
        from charter.core.models import Organisation

        key = options["organisation"]
        existing = Organisation.objects.order_by("pk").first()
        wanted = ORGANISATIONS[key]["name"]
        if options["if_empty"] and existing is not None:
            self.stdout.write("Demo organisation already loaded.")
            if existing.name == wanted:
                _refresh(DemoContext(self.stdout, self.style, None, options, key))
            return
        if existing is not None and existing.name != wanted:
            raise CommandError(
                f"This database already serves {existing.name}, and Charter serves one "
                f"organisation per database. Load {wanted} into a database of its own: set "
                "DATABASE_URL (`make run ORG=bank` keeps the bank in var/bank.sqlite3)."
            )
        moment = _load_moment(options.get("today"), ORGANISATIONS[key]["time_zone"])
        ctx = DemoContext(
            stdout=self.stdout,
            style=self.style,
            password=os.environ.get("DEMO_PASSWORD") or None,
            options=options,
            organisation=key,
        )
        with _clock_at(moment):
            for module in _demo_modules():
                with transaction.atomic():
                    module.seed(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo organisation {wanted} ready."))


def _demo_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("charter."):
            continue
        try:
            yield importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise


def _refresh(ctx: DemoContext) -> None:
    """What a loaded demo writes outside the database that may have changed since (e.g. links
    on another SITE_URL): each app's optional ``refresh(ctx)``."""
    for module in _demo_modules():
        refresh = getattr(module, "refresh", None)
        if refresh is not None:
            refresh(ctx)


def _load_moment(value: str | None, zone: str) -> datetime | None:
    """``--today``'s moment, aware in the organisation's zone; None for the real clock."""
    if not value:
        return None
    text = value.strip()
    try:
        if len(text) <= 10:
            moment = datetime.combine(date.fromisoformat(text), time(10, 0))
        else:
            moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            f"--today {value!r} is not a date: write it as YYYY-MM-DD (e.g. 2027-03-15), or "
            "YYYY-MM-DDTHH:MM for a time of day."
        ) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def _clock_at(moment: datetime | None):
    """The clock set to ``moment`` and ticking on from it, while the demo loads."""
    if moment is None:
        return nullcontext()
    # freezegun comes with the task queue's scheduler (rq-scheduler) and is listed in our own
    # dependencies; only --today needs it.
    from freezegun import freeze_time

    return freeze_time(moment, tick=True)
