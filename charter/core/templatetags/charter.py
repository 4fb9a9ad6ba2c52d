from django import template
from django.utils.safestring import mark_safe

from charter.core.audit_display import describe_entries
from charter.core.money import format_money
from charter.core.selectors import audit_history_for

register = template.Library()


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The main navigation's links, drawn once a request: every page shows them twice (beside
    the page, and under "Menu" on a phone)."""
    request = context.get("request")
    drawn = getattr(request, "_main_nav", None)
    if drawn is None:
        drawn = context.template.engine.get_template("core/_nav.html").render(context)
        if request is not None:
            request._main_nav = drawn
    return mark_safe(drawn)


@register.inclusion_tag("core/_audit_history.html")
def audit_history(obj, limit=50):
    """The history panel shown on every record's page, in words (see ``core.audit_display``)."""
    entries = describe_entries(audit_history_for(obj)[:limit])
    return {"entries": entries, "limit": limit}


@register.inclusion_tag("core/_record_views.html")
def record_views(obj, limit=20):
    """Who opened this record, for auditors (views of personal data are logged)."""
    return {"entries": list(audit_history_for(obj, views=True)[:limit]), "limit": limit}


@register.inclusion_tag("core/_undo.html", takes_context=True)
def undo_offer(context):
    """The reader's open offer to take back what they just did (see ``core.confirm``)."""
    from charter.core.confirm import UNDO_MINUTES, current_undo

    request = context.get("request")
    return {
        "undo": current_undo(request) if request is not None else None,
        "minutes": UNDO_MINUTES,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def money(amount, currency="AUD"):
    return format_money(amount, currency)


@register.simple_tag(takes_context=True)
def record_sections(context, page, obj):
    """The sections other apps add to a record's page (see ``core.sections``), rendered."""
    from django.template.loader import render_to_string

    from charter.core.sections import sections_for

    request = context["request"]
    return mark_safe(
        "".join(
            render_to_string(section["template"], {**section, "perms": context.get("perms")},
                             request=request)
            for section in sections_for(page, request, obj)
        )
    )  # fmt: skip


@register.filter
def pick(form, names: str):
    """The form's fields named in ``names`` (space-separated), in that order, that it has:
    ``{% include "core/_form_fields.html" with form=form fields=form|pick:"a b" %}``."""
    return [form[name] for name in names.split() if name in form.fields]


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when missing)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
