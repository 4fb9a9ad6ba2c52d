"""What the case pages show beyond ``selectors``: queue rows with their deadline state, the
case's story (steps, contacts and emails in one timeline), and the log's analysis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil

from charter.core.selectors import business_calendar
from charter.orders import selectors as orders_selectors

from . import rules, selectors
from .models import Case, ComplainantType, DirectedAt

# How each deadline state looks; its words are ``rules.STATE_WORDS``, the same everywhere.
STATE_CLASS = {
    rules.MET: "badge badge--ok",
    rules.MET_LATE: "badge badge--warn",
    rules.BREACHED: "badge badge--bad",
    rules.WARNING: "badge badge--warn",
    rules.ON_TRACK: "badge",
    rules.PAUSED: "badge",
    rules.NONE: "badge",
}


def deadline_states(case: Case, *, now: datetime, warn: timedelta) -> list[rules.DeadlineState]:
    """Where each of the case's deadlines stands (no query: the case's own columns)."""
    return rules.case_deadlines(
        acknowledge=(case.acknowledge_due, case.acknowledged_at),
        resolve=(case.resolve_due, case.notified_at),
        follow_up=(case.follow_up_due, case.followed_up_at),
        paused=case.paused_at is not None,
        now=now,
        warn_before=warn,
    )


def _relative(moment: datetime, now: datetime) -> str:
    return f"{timesince(moment, now)} ago" if moment < now else f"in {timeuntil(moment, now)}"


SEVERITY_BADGE = {1: "badge", 2: "badge", 3: "badge badge--warn", 4: "badge badge--bad"}


@dataclass(frozen=True)
class QueueRow:
    """One case as the queue shows it, its cells built once in Python (escaped by
    ``format_html``): resolving each attribute, URL and date per row in the template engine
    cost more than the query."""

    case: Case
    state: str
    state_class: str
    case_cell: str
    who: str
    about_cell: str
    step: str
    owner: str
    due_cell: str


def _local_text(moment: datetime | None, calendar=None) -> tuple[str, str]:
    if moment is None:
        return "", ""
    local = (calendar or business_calendar()).local(moment)
    return f"{local:%a} {local.day} {local:%b, %H:%M}", local.isoformat()


def _url_pattern(name: str) -> str:
    # reverse() once per page with a placeholder, then fill each row's id in.
    return reverse(name, args=[999_999_999]).replace("999999999", "{}")


def queue_rows(cases, *, now: datetime, warn: timedelta) -> list[QueueRow]:
    rows = []
    cases = list(cases)
    calendar = business_calendar() if cases else None  # read once, not per row
    case_url = _url_pattern("cases:detail")
    for case in cases:
        # The worst of the case's deadlines, in the case page's words; the time shown is the
        # resolution's (the queue's order), the badge names any other deadline it concerns.
        worst = rules.worst_deadline(deadline_states(case, now=now, warn=warn))
        state_class, label = STATE_CLASS[worst.state], worst.words
        text, iso = _local_text(case.resolve_due, calendar)
        words = ""
        if worst.key != "resolve":
            words = worst.label
            if worst.state in (rules.BREACHED, rules.WARNING):
                words += f", due {_relative(worst.due, now)}"
        elif case.resolve_due and not case.notified_at and not case.paused_at:
            words = _relative(case.resolve_due, now)
        about = format_html(
            '{}<br><span class="{}">{}</span>',
            case.subject,
            SEVERITY_BADGE.get(case.severity, "badge"),
            case.get_severity_display(),
        )
        if case.category_id:
            about += format_html(' <span class="small muted">{}</span>', case.category.name)
        if case.escalation:
            about += format_html(
                ' <span class="badge badge--warn">With the {}</span>',
                case.get_escalation_display().lower(),
            )
        due = format_html('<time datetime="{}">{}</time><br>', iso, text) if text else ""
        due += format_html(
            '<span class="{}">{}</span> <span class="small muted">{}</span>',
            state_class,
            label,
            words,
        )
        rows.append(
            QueueRow(
                case=case,
                state=label,
                state_class=state_class,
                case_cell=format_html(
                    '<a href="{}">{}</a><br><span class="small muted">{}</span>',
                    case_url.format(case.pk),
                    case.reference,
                    case.get_kind_display(),
                ),
                who=case.customer.name
                if case.customer_id
                else (case.public_name or "Member of the public"),
                about_cell=about,
                step=case.get_status_display(),
                owner=str(case.owner) if case.owner_id else "\N{EM DASH}",
                due_cell=due,
            )
        )
    return rows


def order_choices(user, customer, *, limit: int = 30) -> list[tuple[str, str]]:
    """The customer's latest orders, late ones marked, for linking to a new case."""
    now = datetime.now().astimezone()
    orders = orders_selectors.customer_orders(user, customer).prefetch_related(None)[:limit]
    choices = []
    calendar = business_calendar()
    for order in orders:
        placed = calendar.local(order.placed_at)
        flag = " (late)" if order.is_late(now) else ""
        flag += " (wrong delivery)" if order.wrong_delivery else ""
        choices.append((str(order.pk), f"{order.reference}, placed {placed:%d %b %Y}{flag}"))
    return choices


def opened_message(case: Case) -> str:
    text = f"{case.get_kind_display()} {case.reference} opened."
    if case.resolve_due:
        due, _ = _local_text(case.resolve_due)
        text += f" Resolution due by {due}."
    if case.routing:
        text += " The procedure routed it: " + " ".join(case.routing)
    return text


@dataclass(frozen=True)
class Deadline:
    label: str
    due_text: str
    due_iso: str
    state: str
    state_class: str
    promise: str


def deadlines(case: Case, *, now: datetime) -> list[Deadline]:
    from .services import case_settings

    warn = timedelta(hours=case_settings().warn_hours_before)
    calendar = business_calendar()
    promises = {"acknowledge": case.acknowledge_promise, "resolve": case.resolve_promise}
    found = []
    for one in deadline_states(case, now=now, warn=warn):
        text, iso = _local_text(one.due, calendar)
        promise = promises.get(one.key)
        found.append(
            Deadline(
                label=one.label,
                due_text=text,
                due_iso=iso,
                state=one.words,
                state_class=STATE_CLASS[one.state],
                promise=promise.wording if promise else "",
            )
        )
    return found


@dataclass(frozen=True)
class StoryItem:
    at: datetime
    kind: str  # "event", "contact" or "email"
    label: str
    text: str
    by: str
    badge: str


def story(case: Case) -> list[StoryItem]:
    """Steps, contacts and emails of the case in the order they happened (all prefetched)."""
    items = [
        StoryItem(
            at=e.at,
            kind="event",
            label=e.get_kind_display(),
            text=e.text,
            by=str(e.by) if e.by else "Charter",
            badge="badge badge--bad"
            if e.kind in ("breached",)
            else "badge badge--warn"
            if e.kind in ("escalated", "routed", "warned", "paused")
            else "badge",
        )
        for e in case.events.all()
    ]
    items += [
        StoryItem(
            at=c.at,
            kind="contact",
            label=f"{c.get_channel_display()}, {c.get_direction_display().lower()}",
            text=c.summary
            + (
                f" ({c.duration_seconds // 60} min {c.duration_seconds % 60} s)"
                if c.duration_seconds
                else ""
            ),
            by=str(c.staff) if c.staff else "",
            badge="badge badge--ok",
        )
        for c in case.contacts.all()
        if not hasattr(c, "_from_email")
    ]
    items += [
        StoryItem(
            at=m.received_at,
            kind="email",
            label=f"Email {m.get_direction_display().lower()}",
            text=f"{m.subject}\n\n{m.body[:2000]}",
            by=m.from_address,
            badge="badge",
        )
        for m in case.emails.all()
    ]
    return sorted(items, key=lambda item: item.at)


def log_analysis(counts: selectors.LogCounts, categories) -> dict:
    """The filtered log's counts in words: per month (for the chart), per category, per who
    made it and per what it was directed at; and how fresh the monthly counts are."""
    peak = max((n for _, n in counts.months), default=0)
    names = {c.pk: c.name for c in categories}
    freshness = ""
    if counts.as_of is not None:
        as_of = timezone.localtime(counts.as_of)
        freshness = (
            f"Counts as of {as_of:%H:%M} on {as_of.day} {as_of:%b}, with the cases opened since;"
            " a change to a case shows in them within a few minutes."
        )
        if counts.part_months:
            freshness += " The part-months at either end are counted as you look."
    return {
        "total": counts.total,
        "freshness": freshness,
        "months": [
            {"month": month, "n": n, "share": round(100 * n / peak) if peak else 0}
            for month, n in counts.months
        ],
        "by_category": [
            (names.get(pk, "Not categorised") if pk else "Not categorised", n)
            for pk, n in counts.by_category
        ],
        "by_made_by": [(ComplainantType(key).label, n) for key, n in counts.by_made_by],
        "by_directed_at": [
            (DirectedAt(key).label if key else "Not said", n) for key, n in counts.by_directed_at
        ],
    }


@dataclass(frozen=True)
class LogRow:
    """One case as the complaints log lists it, its cells built in Python (as the queue's)."""

    date_cell: str
    case_cell: str
    made_by_cell: str
    directed_at_cell: str
    outcome_cell: str


def log_rows(cases) -> list[LogRow]:
    rows = []
    case_url = _url_pattern("cases:detail")
    zone = timezone.get_current_timezone()
    for case in cases:
        opened = timezone.localtime(case.opened_at, zone)
        about = format_html('<a href="{}">{}</a>', case_url.format(case.pk), case.subject)
        if case.category_id:
            about += format_html('<br><span class="small muted">{}</span>', case.category.name)
        who = case.customer.name if case.customer_id else case.public_name
        made_by = format_html("{}", case.get_complainant_type_display())
        if who:
            made_by += format_html('<br><span class="small muted">{}</span>', who)
        aimed = format_html("{}", case.get_directed_at_display() or "\N{EM DASH}")
        if case.directed_at_detail:
            aimed += format_html('<br><span class="small muted">{}</span>', case.directed_at_detail)
        rows.append(
            LogRow(
                date_cell=format_html(
                    '<time datetime="{}">{} {}</time>',
                    opened.isoformat(),
                    opened.day,
                    f"{opened:%b %Y}",
                ),
                case_cell=about,
                made_by_cell=made_by,
                directed_at_cell=aimed,
                outcome_cell=format_html("{}", case.outcome)
                if case.outcome
                else format_html('<span class="muted">{}</span>', case.get_status_display()),
            )
        )
    return rows


def customer_cases_section(request, customer, limit: int = 5) -> dict:
    return {
        "customer": customer,
        "cases": selectors.customer_cases(request.user, customer, limit=limit),
    }


def my_cases_panel(user, *, now: datetime | None = None) -> dict:
    now = now or datetime.now().astimezone()
    from .services import case_settings

    warn = timedelta(hours=case_settings().warn_hours_before)
    rows = queue_rows(selectors.case_queue(user, mine=True)[:5], now=now, warn=warn)
    return {"rows": rows, "counts": selectors.queue_counts(user, now=now, warn=warn)}


def _callback(case: Case) -> tuple[str, datetime | None]:
    return rules.callback_to_keep(
        needs_callback=case.involves_injury or case.not_covered,
        callback_at=case.callback_at,
        acknowledge_due=case.acknowledge_due,
        acknowledged=case.acknowledged_at is not None,
    )


def callback_text(case: Case, calendar=None) -> str:
    """The call-back the owner must keep, in a sentence in the organisation's zone."""
    words, moment = _callback(case)
    if not words:
        return ""
    if moment is None:
        return f"{words}."
    calendar = calendar or business_calendar()
    local = calendar.local(moment)
    return f"{words} {local:%a %d %b %Y, %H:%M} ({calendar.time_zone})."


@dataclass(frozen=True)
class RoutedRow:
    case: Case
    callback: str  # the call-back to keep, or the time by which to agree it
    urgent: bool  # no call-back agreed, and the time to agree one has passed


def routed_to_panel(user, *, now: datetime | None = None, limit: int = 8) -> dict:
    """The manager's "Routed to you": each case the procedure sent her, with the call-back
    she must keep (two queries at most)."""
    now = now or datetime.now().astimezone()
    found = selectors.routed_to(user)
    cases = list(found[:limit])
    calendar = business_calendar() if cases else None
    rows = []
    for case in cases:
        _, moment = _callback(case)
        agree_by = case.callback_at is None and moment is not None
        rows.append(
            RoutedRow(
                case=case,
                callback=callback_text(case, calendar),
                urgent=agree_by and moment < now,
            )
        )
    return {"rows": rows, "count": len(rows) if len(rows) < limit else found.count()}


def format_due(case: Case) -> str:
    text, iso = _local_text(case.resolve_due)
    return format_html('<time datetime="{}">{}</time>', iso, text) if text else ""
