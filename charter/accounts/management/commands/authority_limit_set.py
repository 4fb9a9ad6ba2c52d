"""Set a role's authority limit from the command line (audited as a command)."""

from django.core.management.base import CommandError

from charter.accounts import services
from charter.accounts.models import AuthorityAction, Role, RoleCode, User
from charter.core.audit import set_audit_actor
from charter.core.errors import DomainError
from charter.core.management.base import AuditedCommand


class Command(AuditedCommand):
    help = "Set what a role may do without approval (e.g. --role cso --action refund --percent 10)"

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, choices=RoleCode.values)
        parser.add_argument("--action", required=True, choices=AuthorityAction.values)
        parser.add_argument("--percent", help="Percentage of the item's value (blank: none).")
        parser.add_argument("--cap", help="Money cap (blank: none).")
        parser.add_argument("--currency", default="AUD")
        parser.add_argument("--not-allowed", action="store_true", help="The role may not do it.")
        parser.add_argument("--note", default="")
        parser.add_argument(
            "--actor", required=True, help="Username of the administrator making the change."
        )

    def handle(self, *args, **options):
        actor = User.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {options['actor']!r}.")
        set_audit_actor(actor)
        role = Role.objects.get(code=options["role"])
        try:
            limit = services.authority_limit_set(
                actor=actor,
                role=role,
                action=options["action"],
                allowed=not options["not_allowed"],
                percent_of_value=options["percent"],
                max_amount=options["cap"],
                currency=options["currency"],
                note=options["note"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{limit}: saved.")
