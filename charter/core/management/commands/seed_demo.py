"""Load the demo organisation. Each app adds its part in a ``demo.py`` module with ``seed(ctx)``.

Apps are seeded in INSTALLED_APPS order (the design's domain map), so a higher app's demo can
rely on a lower one's. Running it twice changes nothing.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction

from charter.core.management.base import AuditedCommand


@dataclass
class DemoContext:
    """What every app's ``seed`` receives: output, options, and what earlier apps created."""

    stdout: object
    style: object
    password: str | None
    options: dict
    created: dict = field(default_factory=dict)

    def say(self, message: str) -> None:
        self.stdout.write(message)


class Command(AuditedCommand):
    help = "Create the demo organisation (Innovative Widgets) with its staff and data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the demo organisation already exists (used by `make run`).",
        )
        parser.add_argument(
            "--customers",
            type=int,
            default=0,
            metavar="N",
            help="Also make N realistic synthetic customers (for benchmarks).",
        )

    def handle(self, *args, **options):
        from charter.core.models import Organisation

        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("Demo organisation already loaded.")
            return
        ctx = DemoContext(
            stdout=self.stdout,
            style=self.style,
            password=os.environ.get("DEMO_PASSWORD") or None,
            options=options,
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
        self.stdout.write(self.style.SUCCESS("Demo organisation ready."))
