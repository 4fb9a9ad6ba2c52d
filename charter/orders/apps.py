from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "charter.orders"
    label = "orders"
    verbose_name = "Orders, deliveries, returns and warranty"

    def ready(self) -> None:
        from charter.accounts.signals import approval_decided
        from charter.core.timeline import register_timeline_source
        from charter.customers.privacy import register_access_section

        from . import services, timeline

        approval_decided.connect(services.on_approval_decided, dispatch_uid="orders-approvals")
        register_timeline_source("orders", timeline.customer_events)
        register_access_section("orders", timeline.access_orders)
        register_access_section("returns", timeline.access_returns)
