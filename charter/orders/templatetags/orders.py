"""Template filters of the order pages."""

from django import template

from charter.customers.models import Channel

register = template.Library()


@register.filter
def channel_label(value: str) -> str:
    """How the customer was told, in words ("face_to_face": "Face to face")."""
    return dict(Channel.choices).get(value, value.replace("_", " "))
