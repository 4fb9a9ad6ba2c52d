from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "charter.orders"
    label = "orders"
    verbose_name = "Orders, deliveries, returns and warranty"

    def ready(self) -> None:
        from charter.accounts.signals import approval_decided
        from charter.core import home, navigation
        from charter.core.sections import register_section
        from charter.core.timeline import register_timeline_source
        from charter.customers.privacy import register_access_section

        from . import page_selectors, services, timeline

        approval_decided.connect(services.on_approval_decided, dispatch_uid="orders-approvals")
        register_timeline_source("orders", timeline.customer_events)
        register_access_section("orders", timeline.access_orders)
        register_access_section("returns", timeline.access_returns)
        register_section(
            page="customer",
            key="orders",
            template="orders/_customer_orders.html",
            permission="orders.view_order",
            order=10,
            context=page_selectors.customer_orders_section,
        )
        navigation.register(
            label="Orders", url_name="orders:queue", permission="orders.view_order", order=300
        )
        navigation.register(
            label="Returns", url_name="orders:returns", permission="orders.view_return", order=310
        )
        navigation.register(
            label="Warranties",
            url_name="orders:warranties",
            permission="orders.view_warranty",
            order=320,
        )
        navigation.register(
            label="Products", url_name="orders:products", permission="catalog.view_product",
            order=330,
        )  # fmt: skip
        home.register_panel(
            key="late-orders",
            title="Late orders",
            template="orders/panels/late_orders.html",
            permission="orders.view_order",
            order=15,
            context=page_selectors.late_orders_panel,
        )
