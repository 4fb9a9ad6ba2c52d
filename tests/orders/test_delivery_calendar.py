"""A delivery promise in business days runs on the organisation's calendar, its closure days
included, and ends at the service hours' closing time (not the hours of the channel the order
came by). Expected dates are worked out by hand in the comments."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from charter.accounts.models import RoleCode
from charter.core import services as core_services
from charter.core.calendar import BusinessCalendar, ClosedPeriod
from charter.orders import services
from charter.orders.rules import overdue_words
from charter.standards import services as standards_services

MEL = ZoneInfo("Australia/Melbourne")
WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday")


def mel(*args) -> datetime:
    return datetime(*args, tzinfo=MEL)


@pytest.fixture
def mary(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")


@pytest.fixture
def shutdown_and_hours(widgets_charter, manager):
    """The service hours 8:30 to 4:30, a Christmas shutdown, and a telephone line open 8 to 6
    in the charter."""
    core_services.organisation_hours_update(
        actor=manager, service_hours=dict.fromkeys(WEEK, "08:30-16:30")
    )
    core_services.closure_create(
        actor=manager, name="Christmas shutdown", first_day=date(2026, 12, 24),
        last_day=date(2027, 1, 2),
    )  # fmt: skip
    draft = standards_services.charter_version_draft(actor=manager)
    standards_services.channel_save(
        actor=manager, version=draft, channel="telephone",
        opening_hours=dict.fromkeys(WEEK, "08:00-18:00"),
    )  # fmt: skip
    return standards_services.charter_version_approve(actor=manager, version=draft)


def test_a_delivery_promise_skips_the_shutdown_and_ends_at_the_service_hours_close(
    shutdown_and_hours, widgets, mary, make_customer
):
    order = services.order_place(
        actor=mary, customer=make_customer(), lines=[(widgets[7], 100)], channel="telephone",
        placed_at=mel(2026, 12, 23, 10, 0),
    )  # fmt: skip
    # Wednesday 23 December 2026; closed 24 December to 2 January (Christmas and Boxing Day
    # observed are inside it), then a Sunday: Monday 4, Tuesday 5, Wednesday 6 January 2027,
    # at the service hours' 4:30 pm (not the telephone line's 6 pm).
    assert order.promised_by == mel(2027, 1, 6, 16, 30)


def test_how_late_skips_closure_days():
    calendar = BusinessCalendar(
        state="VIC",
        time_zone="Australia/Melbourne",
        closures=(ClosedPeriod(date(2026, 12, 24), date(2027, 1, 2), "Christmas shutdown"),),
    )
    promised = mel(2026, 12, 23, 17, 0)
    # Business days after the 23rd up to Tuesday 5 January: Monday 4th and Tuesday 5th.
    assert overdue_words(promised, mel(2027, 1, 5, 10), calendar) == "2 business days late"
    # During the shutdown no business day has passed.
    assert overdue_words(promised, mel(2026, 12, 31, 10), calendar) == (
        "late since Wednesday (no business day has passed)"
    )
