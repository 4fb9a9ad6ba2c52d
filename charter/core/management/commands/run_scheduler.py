"""Queue periodic jobs when they fall due. Runs beside the worker (``make run`` starts both)."""

import time

from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from charter.core import scheduling


class Command(BaseCommand):
    help = "Queue periodic jobs as they fall due (each job finds its own due work by a query)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between ticks.")
        parser.add_argument("--once", action="store_true", help="Tick once and exit.")

    def handle(self, *args, **options):
        autodiscover_modules("tasks")
        jobs = scheduling.registered_jobs()
        self.stdout.write(
            f"Scheduler: {len(jobs)} periodic job(s): {', '.join(j.name for j in jobs)}"
        )
        while True:
            for name in scheduling.tick():
                self.stdout.write(f"queued {name}")
            if options["once"]:
                return
            time.sleep(options["interval"])
