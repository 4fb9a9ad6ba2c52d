"""Train the comment categoriser now and store it for every process.

    manage.py train_categoriser            # unless the stored model is already current
    manage.py train_categoriser --force    # train again anyway

Every web and worker process picks the new model up at its next sort. ``migrate`` and a staff
correction (through the worker) train it too; this is for doing it by hand.
"""

from __future__ import annotations

from charter.core.management.base import AuditedCommand
from charter.feedback.services import categoriser_train


class Command(AuditedCommand):
    help = (
        "Train the comment categoriser on the shipped comments and every staff correction, and "
        "store it for every process (unless the stored one is current; --force trains anyway)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Train even if the stored model is current."
        )

    def handle(self, *args, **options):
        outcome = categoriser_train(force=options["force"])
        stored = outcome.stored
        corrections = f"{stored.examples_count:,} correction(s)"
        if outcome.trained:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Trained the categoriser on the shipped comments and {corrections} in "
                    f"{stored.seconds:.1f} s; every process sorts with it from its next comment."
                )
            )
        else:
            when = stored.trained_at.strftime("%Y-%m-%d %H:%M UTC")
            self.stdout.write(
                f"The stored categoriser (trained {when} on the shipped comments and "
                f"{corrections}) is current: nothing to do. --force trains it again."
            )
