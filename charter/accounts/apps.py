from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    """After the last app's permissions exist: migrate signals each app in turn, creating its
    permissions as it goes, so syncing at the accounts app's turn would miss later apps'."""
    from django.apps import apps

    from .services import roles_sync

    signalled = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is signalled[-1]:
        roles_sync()


class AccountsConfig(AppConfig):
    name = "charter.accounts"
    label = "accounts"
    verbose_name = "Staff, roles and authority"

    def ready(self) -> None:
        from charter.core import home, navigation
        from charter.core.audit_display import register_field_label

        from . import backends, panels

        backends.connect()
        # A member of staff's roles are Django groups underneath.
        register_field_label("accounts.user", "groups", "Roles")
        post_migrate.connect(_sync_roles, dispatch_uid="charter.accounts.roles")
        navigation.register(
            label="Approvals",
            url_name="accounts:approvals",
            permission="accounts.view_approvalrequest",
            order=800,
        )
        navigation.register(
            label="Authority limits",
            url_name="accounts:authority",
            permission="accounts.view_authoritylimit",
            order=810,
        )
        navigation.register(
            label="Staff and teams",
            url_name="accounts:staff",
            permission="accounts.view_team",
            order=820,
        )
        home.register_panel(
            key="approvals-waiting",
            title="Waiting for your decision",
            template="accounts/panels/approvals_waiting.html",
            permission="accounts.decide_approvalrequest",
            order=10,
            context=panels.approvals_waiting,
        )
        home.register_panel(
            key="my-authority",
            title="Your authority",
            template="accounts/panels/my_authority.html",
            permission="accounts.view_authoritylimit",
            order=50,
            context=panels.my_authority,
        )
        home.register_panel(
            key="my-requests",
            title="Your approval requests",
            template="accounts/panels/my_requests.html",
            permission="accounts.add_approvalrequest",
            order=60,
            context=panels.my_requests,
        )
        home.register_panel(
            key="recent-audit",
            title="Latest changes",
            template="accounts/panels/recent_audit.html",
            permission="core.view_auditentry",
            order=70,
            context=panels.recent_audit,
        )
