"""The demo's cases tell the seeds' story: Yore Mine Co.'s complaint as a complex case with the
manager, and a year of calls that matches the seeds' monthly volumes and staffing, dated from
the day the demo is loaded (``charter.core.demo_dates``)."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from charter.cases.demo import HISTORY_MARKER, YORE_SUBJECT, calls_in
from charter.cases.models import Case, Contact
from charter.core.demo_dates import story_dates

pytestmark = pytest.mark.django_db

# The seeds' Appendix 2, written out again: calls a month, January to November.
SEEDS_CALLS = [1200, 1150, 1320, 1300, 1260, 1320, 1380, 1350, 1400, 1480, 1560]


def test_the_demo_tells_the_yore_mine_complaint_and_a_year_of_calls(demo_with_history):
    case = Case.objects.get(subject=YORE_SUBJECT)
    assert case.customer.name == "Yore Mine Co." and case.opened_by.username == "mary"
    assert case.owner.username == "grace" and case.escalation == "csm"
    assert case.severity == 4 and case.complex and case.legal_threat and case.competitor_threat
    linked = {o.customer_reference: o for o in case.orders.all()}
    assert set(linked) == {"YM-PO-4471", "YM-PO-4410"}
    assert linked["YM-PO-4471"].is_late() and linked["YM-PO-4410"].wrong_delivery
    assert case.contacts.get().duration_seconds == 14 * 60
    # Mining equipment suppliers are promised a resolution within 5 business days.
    assert case.resolve_promise.target == 5 and case.resolve_due > case.opened_at

    story = story_dates(timezone.localdate())
    assert_the_year_of_history(story)
    # Most of the past is closed with its outcome; recent complaints wait in the queue.
    complaints = Case.objects.filter(kind="complaint")
    assert complaints.filter(status="closed").exclude(outcome="").count() > complaints.count() / 2
    assert Case.objects.filter(closed_at__isnull=True).count() >= 2

    before = (Case.objects.count(), Contact.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Case.objects.count(), Contact.objects.count()) == before


def assert_the_year_of_history(story) -> None:
    """Calls per whole month as the seeds' Appendix 2, over the year before the load date and
    the story's October and November; staffing as the seeds' table, on the story's dates."""
    calls = Contact.objects.filter(channel="telephone", case__isnull=True).exclude(
        summary=HISTORY_MARKER
    )
    per_month = {
        timezone.localtime(row["month"]).date(): row["n"]
        for row in calls.annotate(month=TruncMonth("at")).values("month").annotate(n=Count("pk"))
    }
    first_of_this_month = story.today.replace(day=1)
    whole = [month for month in per_month if month < first_of_this_month]
    assert min(per_month) == story.history_start
    assert {story.october, story.october.replace(month=11)} <= set(whole)
    assert 11 <= len(whole) <= 13  # a year of history
    for month in whole:
        expected = SEEDS_CALLS[month.month - 1] if month.month <= 11 else calls_in(12)
        assert per_month[month] == expected, month
    # Staffing: Nitin until the end of October; Taya and Mary from their first days in October;
    # John not while on leave in October and November.
    year = story.year
    assert not calls.filter(staff__username="nitin", at__date__gt=date(year, 10, 31)).exists()
    assert calls.filter(staff__username="nitin", at__date__gte=date(year, 10, 1)).exists()
    for name, started in (("taya", story.started["taya"]), ("mary", story.started["mary"])):
        assert not calls.filter(staff__username=name, at__date__lt=started).exists()
        assert calls.filter(staff__username=name, at__date__lt=started + timedelta(7)).exists()
    away = calls.filter(staff__username="john", at__date__range=(story.october, story.november_end))
    assert not away.exists()
    assert calls.filter(staff__username="john", at__date__gt=story.november_end).exists()
    # About 4% of calls were complaints; staff-attitude complaints only since October.
    complaints = Case.objects.filter(kind="complaint").exclude(subject=YORE_SUBJECT)
    assert 0.025 < complaints.count() / calls.count() < 0.06
    assert not complaints.filter(
        category__slug="staff-attitude", opened_at__date__lt=story.october
    ).exists()
    assert_mary_is_named_in_the_complaints_about_officers(story)


def assert_mary_is_named_in_the_complaints_about_officers(story) -> None:
    """The seeds' manager saw Mary rude to customers and putting them on hold: most complaints
    about an officer's manner or about being kept on hold in October and November name her as
    the officer concerned (directed at a colleague: who)."""
    about_officers = Case.objects.filter(
        kind="complaint",
        category__slug__in=["staff-attitude", "kept-waiting"],
        opened_at__date__range=(story.october, story.november_end),
    )
    assert about_officers.count() >= 20
    assert set(about_officers.values_list("directed_at", flat=True)) == {"colleague"}
    named = dict(
        about_officers.values_list("directed_at_detail").annotate(n=Count("pk")).order_by()
    )
    mary = named.get("Mary Collins, customer service officer", 0)
    assert mary / about_officers.count() > 0.5
    assert mary == max(named.values()) and "" not in named
    # Once she had started, four in five of them; none before; she never logs one about herself.
    since = about_officers.filter(opened_at__date__gte=story.started["mary"])
    assert since.filter(directed_at_detail__startswith="Mary").count() / since.count() >= 0.75
    assert not about_officers.filter(
        directed_at_detail__startswith="Mary", opened_at__date__lt=story.started["mary"]
    ).exists()
    assert not about_officers.filter(
        directed_at_detail__startswith="Mary", opened_by__username="mary"
    ).exists()


def test_loaded_next_november_the_history_still_covers_the_story(db, monkeypatch):
    """Loaded on 3 November 2027 (the day after Melbourne Cup Day), the story's October and
    November are those of 2026, and the year of history reaches back to them."""
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo", today="2027-11-03", verbosity=0)
    story = story_dates(date(2027, 11, 3))
    assert (story.october, story.history_start) == (date(2026, 10, 1), date(2026, 10, 1))
    assert_the_year_of_history(story)
    case = Case.objects.get(subject=YORE_SUBJECT)
    assert timezone.localtime(case.opened_at).date() == date(2027, 11, 1)
