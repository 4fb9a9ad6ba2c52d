from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "charter.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import checks, memo, navigation, signals  # noqa: F401
        from .models import Closure, Organisation

        memo.watch(Organisation, Closure)  # the business calendar

        navigation.register(
            label="Audit trail",
            url_name="core:audit-trail",
            permission="core.view_auditentry",
            order=900,
        )
        navigation.register(
            label="Service hours",
            url_name="core:service-hours",
            permission="core.change_organisation",
            order=830,
        )
