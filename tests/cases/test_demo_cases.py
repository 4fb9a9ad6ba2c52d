"""The demo's cases tell the seeds' story: Yore Mine Co.'s complaint as a complex case with the
manager, and a year of calls that matches the seeds' monthly volumes and staffing."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from charter.cases.demo import CALLS_PER_MONTH, HISTORY_MARKER, YORE_SUBJECT
from charter.cases.models import Case, Contact

pytestmark = pytest.mark.django_db


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

    # Calls per month as the seeds' Appendix 2, for each whole month of this year so far.
    today = timezone.localdate()
    calls = dict(
        Contact.objects.filter(at__year=today.year, channel="telephone", case__isnull=True)
        .exclude(summary=HISTORY_MARKER)
        .annotate(month=ExtractMonth("at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    for month, expected in enumerate(CALLS_PER_MONTH, start=1):
        if date(today.year, month, 28) < today.replace(day=1):
            assert calls.get(month) == expected, month
    # Staffing: Nitin left at the end of October; Mary and Taya took no calls before October.
    staffed = Contact.objects.filter(at__year=today.year)
    assert not staffed.filter(staff__username="nitin", at__month__gt=10).exists()
    assert not staffed.filter(staff__username__in=["mary", "taya"], at__month__lt=10).exists()
    assert not staffed.filter(staff__username="john", at__month__gte=10).exists()
    # About 4% of calls were complaints; staff-attitude complaints only since October.
    complaints = Case.objects.filter(kind="complaint", opened_at__year=today.year)
    if sum(calls.values()) > 1000:  # a month or more of history (not early January)
        assert 0.025 < complaints.count() / sum(calls.values()) < 0.06
    assert not complaints.filter(category__slug="staff-attitude", opened_at__month__lt=10).exists()
    # Most of the past is closed with its outcome; recent complaints wait in the queue.
    assert complaints.filter(status="closed").exclude(outcome="").count() > complaints.count() / 2
    assert Case.objects.filter(closed_at__isnull=True).count() >= 2

    before = (Case.objects.count(), Contact.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Case.objects.count(), Contact.objects.count()) == before
