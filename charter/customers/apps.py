from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "charter.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from charter.core import home, navigation
        from charter.core.audit_display import register_value_words
        from charter.core.timeline import register_timeline_source

        from . import panels, rules, tasks, timeline  # noqa: F401 (tasks: periodic)

        register_timeline_source("customers", timeline.customer_events)
        register_value_words("customers.segment", "conditions", rules.describe_conditions)
        navigation.register(
            label="Customers",
            url_name="customers:list",
            permission="customers.view_customer",
            order=100,
        )
        navigation.register(
            label="My customers",
            url_name="customers:mine",
            permission="customers.manage_accounts",
            order=110,
        )
        navigation.register(
            label="Segments",
            url_name="customers:segments",
            permission="customers.view_segment",
            order=120,
        )
        navigation.register(
            label="Calls to make",
            url_name="customers:to-call",
            permission="customers.add_segmentnotice",
            order=125,
        )
        navigation.register(
            label="Customer types",
            url_name="customers:types",
            permission="customers.view_customertype",
            order=130,
        )
        home.register_panel(
            key="customer-search",
            title="Find a customer",
            template="customers/panels/search.html",
            permission="customers.view_customer",
            order=5,
        )
        home.register_panel(
            key="my-customers",
            title="Your customers",
            template="customers/panels/my_customers.html",
            permission="customers.manage_accounts",
            order=20,
            context=panels.my_customers,
        )
