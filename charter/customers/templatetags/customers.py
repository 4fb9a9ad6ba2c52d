from django import template

from charter.customers.rules import format_phone

register = template.Library()


@register.filter
def phone(e164: str) -> str:
    """A stored E.164 number the way people read it: (08) 9200 1000 at home."""
    return format_phone(e164 or "")
