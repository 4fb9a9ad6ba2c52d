"""Innovative Widgets' contacts and complaints: the Yore Mine Co. complaint of the seeds, and a
year of calls and complaints that matches the seeds' monthly call volumes and staffing.

- **Yore Mine Co.** The buyer rang Mary yesterday (the last business day): 1,000 x 7 mm
  widgets ordered for delivery last Friday (``charter.core.demo_dates``), promised within
  three business days, still not here; a few weeks ago 6 mm arrived instead of 7 mm; their
  production manager may miss a major order; they will take legal action if the
  widgets do not arrive today, and may buy from China. The complaint is opened through
  ``services.case_open``, so the procedure routes it: a threat of legal action, a threat to
  leave and a significant customer make it critical and complex, the customer service manager
  (Grace) owns it and the account manager (Alex) is told. Both orders are linked.
- **A year of contacts.** The seeds' calls per month (1,200 in January to 1,560 in November;
  December's is our estimate), answered by the officers on duty that day: John is on annual
  leave in October and November, Nitin left at the end of October, Taya and Mary started in
  October. About 4% of calls are complaints, fewer are compliments and suggestions; their
  categories and outcomes follow the seeds (late and wrong deliveries, product faults, and,
  since October, customers kept on hold or spoken to rudely). Those about an officer name
  them (directed at a colleague, and who): four in five name Mary once she has started, as
  the seeds' manager observed. History is written in bulk (it is the past: closed
  cases with their outcome); the last days' complaints stay open in the queue.

Which October, and which year of history, follow from the day the demo is loaded
(``charter.core.demo_dates``).

Running it twice changes nothing: the Yore Mine complaint is found by its subject, the history
by its marker contact. The bank's demo has no contact history yet.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from charter.accounts import selectors as accounts_selectors
from charter.accounts.models import User
from charter.core import demo_dates
from charter.core.selectors import business_calendar
from charter.customers.models import Customer
from charter.orders.models import Order
from charter.standards.selectors import NoPromise, PromiseBook

from . import services
from .models import Case, CaseEvent, Category, Contact

YORE_MINE = "IW-0001"
YORE_SUBJECT = "1,000 x 7 mm widgets a week late, after a wrong 6 mm delivery"
HISTORY_MARKER = "Demo history: calls of the year"

# The seeds' Appendix 2: calls per month, January to November (December not yet known).
CALLS_PER_MONTH = [1200, 1150, 1320, 1300, 1260, 1320, 1380, 1350, 1400, 1480, 1560]
# December is not in the seeds ("it is currently December"): our estimate, a quieter month.
DECEMBER_CALLS = 1300


def calls_in(month: int) -> int:
    """Calls in a whole month of the year of history (1 = January)."""
    return CALLS_PER_MONTH[month - 1] if month <= 11 else DECEMBER_CALLS


CATEGORIES = [
    ("late-delivery", "Late delivery", "An order arrived after its promise, or not at all."),
    ("wrong-delivery", "Wrong item delivered", "Something other than what was ordered came."),
    ("product-fault", "Product fault", "A product failed, broke or was not as described."),
    ("staff-attitude", "Staff attitude", "A customer was spoken to rudely or argued with."),
    ("kept-waiting", "Kept on hold", "The phone rang out, or the customer was left on hold."),
    ("information", "Information not given", "We could not answer or gave wrong information."),
    ("pricing", "Price or invoice", "A price, invoice or credit was wrong."),
]

# (category, directed at, outcome) for the year's complaints, with weights; the last two
# weigh in only from October, when Mary's and the rushed team's calls drew complaints, and
# name the officer concerned (``ABOUT_MARY``: four in five name Mary once she has started).
COMPLAINT_KINDS = [
    ("late-delivery", "distributor", "Apologised; expedited by courier", 30),
    ("wrong-delivery", "distributor", "Replaced at our cost", 14),
    ("product-fault", "product", "Refunded under the consumer guarantees", 18),
    ("information", "salesperson", "Information given; salesperson briefed", 12),
    ("pricing", "service", "Credit note issued", 8),
]
RECENT_KINDS = [
    ("staff-attitude", "colleague", "Apologised; officer coached", 16),
    ("kept-waiting", "colleague", "Apologised; call handling reviewed", 20),
]
OFFICERS = ["mia", "nitin", "jonas", "taya", "mary"]
ABOUT_MARY = (True, True, True, True, False)  # in turn, once she has started


def seed(ctx) -> None:
    if ctx.organisation != "widgets":
        return
    services.case_settings()
    made = _categories()
    if made:
        ctx.say(f"Added {made} complaint categories.")
    if _wording():
        ctx.say("Approved the reply wording for five situations.")
    if _yore_mine(ctx):
        ctx.say("Opened Yore Mine Co.'s complaint (critical, complex, with the manager).")
    contacts, cases = _history() if (ctx.options or {}).get("history", True) else (0, 0)
    if contacts:
        ctx.say(
            f"Logged a year of {contacts:,} calls and {cases:,} complaints, compliments "
            "and suggestions."
        )


# Reply wording, in our own words, approved with the complaints policy. Placeholders are
# filled from the case (see ``services.reply_draft``); each subject is the customer's, with the
# case reference, never the staff's case subject.
WORDING = {
    "acknowledgement": (
        "[{case_reference}] We have your message",
        "Dear {customer_name},\n\nThank you for contacting {organisation}. We have logged "
        "your message as {case_reference}, and it is now with our customer service team.\n\n"
        "{promise} We will come back to you by {resolve_due}.\n\nKind regards,\n"
        "{organisation} customer service",
    ),
    "apology_remedy": (
        "[{case_reference}] We are sorry: here is what we will do",
        "Dear {customer_name},\n\nThank you for telling us about this, and I am sorry: we "
        "let you down. Here is what we will do: {remedy}\n\nI will check with you by "
        "{follow_up_date} that this has put things right.\n\nYours sincerely,\n"
        "{officer_name}\n{organisation}",
    ),
    "delay_notice": (
        "[{case_reference}] An update: we need a little longer",
        "Dear {customer_name},\n\nWe are still working on {case_reference} and it is taking "
        "longer than we would like. We expect to give you our answer by {resolve_due}. If "
        "anything changes before then, I will tell you straight away.\n\nYours sincerely,\n"
        "{officer_name}\n{organisation}",
    ),
    "final_response": (
        "[{case_reference}] Our final response to your complaint",
        "Dear {customer_name},\n\nThis is our final response to your complaint "
        "{case_reference}. We have looked into it fully, and this is what we have done: "
        "{remedy}\n\nIf you are not satisfied with this response, you may take your "
        "complaint to {external_body}\n\nYours sincerely,\n{officer_name}\n{organisation}",
    ),
    "follow_up": (
        "[{case_reference}] Did we put it right?",
        "Dear {customer_name},\n\nA little while ago we {remedy}. I am writing to check "
        "that this solved the problem and that you are happy with how we handled it. If "
        "anything is still not right, reply to this email and I will take it up "
        "personally.\n\nKind regards,\n{officer_name}\n{organisation}",
    ),
}


def _wording() -> int:
    from django.utils import timezone

    from charter.standards.models import PolicyVersion

    from .models import ReplyTemplate

    if ReplyTemplate.objects.exists():
        return 0
    policy = (
        PolicyVersion.objects.filter(policy__title__icontains="complaints", status="approved")
        .order_by("-number")
        .first()
    )
    approver = User.objects.filter(username="grace").first()
    for situation, (subject, body) in WORDING.items():
        ReplyTemplate.objects.create(
            situation=situation,
            subject=subject,
            body=body,
            policy_version=policy,
            approved_by=approver,
            approved_at=timezone.now(),
        )
    return len(WORDING)


def _categories() -> int:
    made = 0
    for position, (slug, name, description) in enumerate(CATEGORIES):
        _, created = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
        made += created
    return made


def _yore_mine(ctx) -> bool:
    yore = Customer.objects.filter(reference=YORE_MINE).first()
    mary = User.objects.filter(username="mary").first()
    if yore is None or mary is None or Case.objects.filter(subject=YORE_SUBJECT).exists():
        return False
    calendar = business_calendar()
    yesterday = demo_dates.current().complaint_day(calendar)  # the last business day
    opened = datetime.combine(yesterday, time(10, 40), tzinfo=calendar.zone)
    orders = list(
        Order.objects.filter(
            customer=yore,
            customer_reference__in=[
                "YM-PO-4471",
                "YM-PO-4410",
            ],
        )
    )
    contact = services.contact_log(
        actor=mary,
        customer=yore,
        channel="telephone",
        summary=(
            "The buyer (Dan Pryor) rang. Ordered 1,000 x 7 mm widgets for delivery last "
            "Friday, promised within three days; a week later they have not arrived. Their "
            "production manager may fail to deliver a major order unless they arrive within "
            "four days. A few weeks ago a consignment came as 6 mm instead of the 7 mm ordered. "
            "Considering another supplier (cheaper from China, though shipping eats the "
            "saving); will begin legal action if the widgets do not arrive today. I first "
            "thought the order was placed yesterday and argued; cleared up later. I could not "
            "track the order or reorder."
        ),
        at=opened,
        duration_seconds=14 * 60,
    )
    services.case_open(
        actor=mary,
        customer=yore,
        subject=YORE_SUBJECT,
        channel="telephone",
        category=Category.objects.get(slug="late-delivery"),
        directed_at="distributor",
        directed_at_detail="Coastline Freight (distribution partner); and our order handling",
        desired_outcome="The 1,000 x 7 mm widgets delivered today; no more wrong deliveries.",
        description=contact.summary,
        legal_threat=True,
        competitor_threat=True,
        opened_at=opened,
        orders=orders,
        contact=contact,
    )
    return True


def _history() -> tuple[int, int]:
    """A year of calls and the cases some of them opened, written in bulk."""
    if Contact.objects.filter(summary=HISTORY_MARKER).exists():
        return 0, 0
    staff = {u.username: u for u in User.objects.filter(username__in=[*OFFICERS, "john"])}
    customers = list(
        Customer.objects.filter(erased_at__isnull=True)
        .select_related("customer_type")
        .order_by("pk")[:50]
    )
    if not customers or not staff:
        return 0, 0
    random.seed(2026)
    calendar = business_calendar()
    now = timezone.now()
    today = timezone.localtime(now, calendar.zone).date()
    story = demo_dates.story_dates(today)
    categories = {c.slug: c for c in Category.objects.all()}
    # The charter's complaint promises and the customers' segments, read once for the year.
    book = PromiseBook(["complaint_acknowledge", "complaint_resolve"], customers)
    contacts: list[Contact] = [
        Contact(
            summary=HISTORY_MARKER,
            channel="telephone",
            at=datetime.combine(story.history_start, time(9), tzinfo=calendar.zone),
        )
    ]
    cases: list[Case] = []
    about_mary = itertools.cycle(ABOUT_MARY)
    away = accounts_selectors.away_days([*OFFICERS, "john"])  # the leave records
    first = story.history_start
    while first <= today:
        calls = calls_in(first.month)
        days = _business_days(calendar, first, today)
        this_month = (first.year, first.month) == (today.year, today.month)
        for _ in range(calls if not this_month else calls * len(days) // 21):
            day = random.choice(days)
            at = datetime.combine(day, time(9, 0), tzinfo=calendar.zone) + timedelta(
                minutes=random.randrange(0, 8 * 60)
            )
            if at >= now:
                continue
            on_duty = _on_duty(staff, story, day, away)
            officer = random.choice(on_duty)
            customer = random.choice(customers)
            roll = random.random()
            contacts.append(
                Contact(
                    customer=customer,
                    staff=officer,
                    channel="telephone",
                    at=at,
                    duration_seconds=random.randint(60, 900),
                    summary="Order status and product questions answered.",
                    created_at=at,
                )
            )
            if roll < 0.04:
                cases.append(
                    _complaint(
                        book, customer, officer, at, categories, story, on_duty, now, about_mary
                    )
                )
            elif roll < 0.05:
                cases.append(
                    _kind_case(
                        "compliment",
                        customer,
                        officer,
                        at,
                        now,
                        "Thanked us for fast technical advice",
                    )
                )
            elif roll < 0.055:
                cases.append(
                    _kind_case(
                        "suggestion",
                        customer,
                        officer,
                        at,
                        now,
                        "Asked for order tracking by text message",
                    )
                )
        first = (first + timedelta(days=31)).replace(day=1)
    Contact.objects.bulk_create(contacts, batch_size=2000)
    for case in cases:
        case.reference = f"new-{random.getrandbits(60):x}"
    Case.objects.bulk_create(cases, batch_size=500)
    created = list(Case.objects.filter(reference__startswith="new-"))
    for case in created:
        case.reference = f"CASE-{case.pk}"
    Case.objects.bulk_update(created, ["reference"], batch_size=500)
    CaseEvent.objects.bulk_create(
        [event for case in created for event in _story(case)], batch_size=2000
    )
    return len(contacts) - 1, len(created)


def _business_days(calendar, first: date, today: date) -> list[date]:
    days, day = [], first
    while day.month == first.month and day <= today:
        if calendar.is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days or [first]


def _on_duty(staff: dict, story, day: date, away: dict | None = None) -> list:
    """The officers who took calls that day (the seeds' staffing table, dated by the story):
    Nitin until the end of October, Taya and Mary from their first days in October, John
    except on his leave in October and November, as the leave records have it (``away``)."""
    return [staff[n] for n in [*OFFICERS, "john"] if n in staff and story.on_duty(n, day, away)]


def _due(book, customer, event: str, at: datetime):
    # The demo's complaints come in by telephone, so their clocks run on the line's hours.
    found = book.deadline(customer, event, at, channel="telephone")
    return None if isinstance(found, NoPromise) else found.due


def _concerned(officer, on_duty: list, about_mary):
    """The officer a complaint about manner or waiting names, and who logs it: Mary, four
    times in five once she has started (``about_mary`` says in turn); otherwise another
    officer on duty. Someone else logs a complaint about an officer."""
    mary = next((u for u in on_duty if u.username == demo_dates.MARY), None)
    others = [u for u in on_duty if u.username != "john"]
    if mary is not None and next(about_mary):
        concerned = mary
    else:
        concerned = random.choice([u for u in others if u != mary] or others)
    if officer == concerned:
        officer = random.choice([u for u in on_duty if u != concerned] or on_duty)
    return concerned, officer


def _complaint(book, customer, officer, at, categories, story, on_duty, now, about_mary) -> Case:
    recent = at.date() >= story.october
    kinds = COMPLAINT_KINDS + (RECENT_KINDS if recent else [])
    kind = random.choices(kinds, weights=[k[3] for k in kinds])[0]
    slug, directed_at, outcome, _ = kind
    category = categories[slug]
    detail = ""
    if kind in RECENT_KINDS:  # about an officer: who
        concerned, officer = _concerned(officer, on_duty, about_mary)
        detail = f"{concerned.get_full_name()}, {concerned.job_title.lower()}"
    open_now = at.date() >= story.today - timedelta(days=10)
    resolve_due = _due(book, customer, "complaint_resolve", at)
    answered = at + timedelta(days=random.randint(1, 9))
    case = Case(
        kind="complaint",
        subject=category.description.rstrip("."),
        customer=customer,
        complainant_type="colleague" if customer.customer_type.internal else "customer",
        directed_at=directed_at,
        directed_at_detail=detail,
        category=category,
        channel="telephone",
        opened_by=officer,
        owner=officer,
        opened_at=at,
        acknowledge_due=_due(book, customer, "complaint_acknowledge", at),
        acknowledged_at=at + timedelta(hours=random.randint(1, 20)),
        resolve_due=resolve_due,
        updated_at=at,
    )
    if not open_now and answered < now:
        case.status, case.notified_at = "closed", answered
        case.followed_up_at = answered + timedelta(days=5)
        case.closed_at = min(answered + timedelta(days=6), now)
        case.outcome = outcome
        if resolve_due and answered > resolve_due:
            case.resolve_breached_at = resolve_due + timedelta(minutes=5)
    else:
        case.status = random.choice(["received", "investigating", "committed"])
    return case


def _kind_case(kind, customer, officer, at, now, subject) -> Case:
    closed = min(at + timedelta(days=1), now)
    return Case(
        kind=kind,
        subject=subject,
        customer=customer,
        complainant_type="customer",
        channel="telephone",
        opened_by=officer,
        owner=officer,
        opened_at=at,
        status="closed",
        closed_at=closed,
        notified_at=closed,
        outcome="Passed to the team and thanked the customer",
        updated_at=at,
    )


def _story(case: Case) -> list[CaseEvent]:
    events = [
        CaseEvent(
            case=case,
            kind="opened",
            to_status="received",
            by=case.opened_by,
            at=case.opened_at,
            text="Logged from a telephone call.",
        )
    ]
    if case.closed_at:
        events.append(
            CaseEvent(
                case=case,
                kind="step",
                from_status="followed_up",
                to_status="closed",
                by=case.owner,
                at=case.closed_at,
                text=case.outcome,
            )
        )
    return events
