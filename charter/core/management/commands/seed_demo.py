"""Load a demo organisation. Each app adds its part in a ``demo.py`` module with ``seed(ctx)``,
which looks at ``ctx.organisation`` to know which demo it is building.

Apps are seeded in INSTALLED_APPS order (the design's domain map), so a higher app's demo can
rely on a lower one's. Running it twice changes nothing.

Charter serves one organisation per database: ``--organisation bank`` loads the second demo
(a bank) and is meant for a database of its own (``make run ORG=bank``).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field

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
            help="Do nothing when the demo organisation already exists (used by `make run`).",
        )
        parser.add_argument(
            "--no-history",
            dest="history",
            action="store_false",
            help="Leave out the year of calls and complaints (quicker; for tests of other things).",
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
        if options["if_empty"] and existing is not None:
            self.stdout.write("Demo organisation already loaded.")
            return
        wanted = ORGANISATIONS[key]["name"]
        if existing is not None and existing.name != wanted:
            raise CommandError(
                f"This database already serves {existing.name}, and Charter serves one "
                f"organisation per database. Load {wanted} into a database of its own: set "
                "DATABASE_URL (`make run ORG=bank` keeps the bank in var/bank.sqlite3)."
            )
        ctx = DemoContext(
            stdout=self.stdout,
            style=self.style,
            password=os.environ.get("DEMO_PASSWORD") or None,
            options=options,
            organisation=key,
        )
        for config in apps.get_app_configs():
            if not config.name.startswith("charter."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo organisation {wanted} ready."))
