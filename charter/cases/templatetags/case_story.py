"""The case's story as HTML, written here rather than in a template loop: a busy complaint's
story has a hundred entries, and Django's template engine spent more time on them (two date
filters, three conditions each) than on the rest of the page."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def when_text(moment) -> str:
    """As the site's ``date:"j M Y, H:i"`` shows it, in the current time zone."""
    local = timezone.localtime(moment)
    return f"{local.day} {MONTHS_3[local.month].title()} {local.year}, {local:%H:%M}"


@register.simple_tag
def story_items(story) -> SafeString:
    """The ``<li>`` of each entry of ``page_selectors.story``, escaped as the template was."""
    return format_html_join(
        "\n",
        '<li><div class="timeline-head"><time datetime="{}">{}</time> '
        '<span class="{}">{}</span> {}</div>{}</li>',
        (
            (
                timezone.localtime(item.at).isoformat(),
                when_text(item.at),
                item.badge,
                item.label,
                format_html('<span class="muted small">{}</span>', item.by) if item.by else "",
                format_html('\n<p class="small">{}</p>', linebreaksbr(item.text))
                if item.text
                else "",
            )
            for item in story
        ),
    )
