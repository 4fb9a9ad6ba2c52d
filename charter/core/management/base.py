"""Base for Charter's management commands: every write they make is audited as a command."""

from django.core.management.base import BaseCommand

from charter.core.audit import audit_context
from charter.core.models import Interface


class AuditedCommand(BaseCommand):
    def execute(self, *args, **options):
        name = self.__class__.__module__.rsplit(".", 1)[-1]
        with audit_context(interface=Interface.COMMAND, source=f"manage.py {name}"):
            return super().execute(*args, **options)
