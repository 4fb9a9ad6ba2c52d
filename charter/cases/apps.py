from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "charter.cases"
    label = "cases"
    verbose_name = "Contacts, enquiries and complaints"

    def ready(self) -> None:
        from charter.accounts.signals import approval_decided
        from charter.core import home, memo, navigation
        from charter.core.sections import register_section
        from charter.core.timeline import register_timeline_source
        from charter.customers.privacy import register_access_section
        from charter.customers.signals import customer_erased

        from . import page_selectors, services, tasks, timeline  # noqa: F401 (tasks: periodic)
        from .models import CaseSettings

        memo.watch(CaseSettings)  # read by every complaint opened
        approval_decided.connect(services.on_approval_decided, dispatch_uid="cases-approvals")
        customer_erased.connect(services.on_customer_erased, dispatch_uid="cases-erasure")
        register_timeline_source("cases", timeline.customer_events)
        register_access_section("cases", timeline.access_cases)
        register_access_section("conversations", timeline.access_contacts)
        register_section(
            page="customer",
            key="cases",
            template="cases/_customer_cases.html",
            permission="cases.view_case",
            order=5,
            context=page_selectors.customer_cases_section,
        )
        navigation.register(
            label="Cases", url_name="cases:queue", permission="cases.view_case", order=250
        )
        home.register_panel(
            key="my-cases",
            title="Your cases",
            template="cases/panels/my_cases.html",
            permission="cases.view_case",
            order=5,
            context=page_selectors.my_cases_panel,
        )
        home.register_panel(
            key="routed-to-me",
            title="Routed to you",
            template="cases/panels/routed_to_me.html",
            permission="cases.manage_complex_case",
            order=4,
            context=page_selectors.routed_to_panel,
        )
