"""The customer page's orders section: a panel the orders app renders, so the customers app
never reads orders itself (it only names this tag in its template)."""

from django import template
from django.utils import timezone

from charter.customers.models import Channel
from charter.orders import page_selectors

register = template.Library()


@register.inclusion_tag("orders/_customer_orders.html", takes_context=True)
def customer_orders(context, customer, limit=5):
    """The customer's latest orders with their late and wrong-delivery flags, in one query;
    nothing for a reader who may not see orders."""
    user = context["request"].user
    if not user.has_perm("orders.view_order"):
        return {"shown": False}
    now = timezone.now()
    orders = page_selectors.customer_recent_orders(user, customer, limit=limit)
    return {
        "shown": True,
        "customer": customer,
        "rows": [(order, order.is_late(now)) for order in orders],
        "limit": limit,
        "perms": context.get("perms"),
    }


@register.filter
def channel_label(value: str) -> str:
    """How the customer was told, in words ("face_to_face": "Face to face")."""
    return dict(Channel.choices).get(value, value.replace("_", " "))
