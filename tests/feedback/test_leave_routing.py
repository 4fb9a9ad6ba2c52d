"""Feedback routed to someone on leave goes to the customer service manager, by the day the
comment arrived."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from charter.accounts import services as accounts_services
from charter.feedback import services

pytestmark = pytest.mark.django_db
HOLD = "I was left on hold for forty minutes before anyone answered the phone."
SYDNEY = ZoneInfo("Australia/Sydney")


def test_a_comment_for_john_while_he_is_on_leave_lands_with_the_manager(
    routes, john, manager, smtp_server
):
    today = timezone.localdate()
    accounts_services.absence_record(
        actor=manager,
        user=john,
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=5),
    )
    during = services.feedback_give(kind="comment", text=HOLD)
    assert during.topic.code == "waiting_time" and during.routed_to == manager
    # A comment that arrived before the leave began was his, and stays his.
    before = services.feedback_give(
        kind="comment",
        text=HOLD,
        received_at=datetime.combine(today - timedelta(days=9), datetime.min.time(), SYDNEY)
        + timedelta(hours=10),
    )
    assert before.routed_to == john


def test_the_manager_away_hands_her_feedback_to_her_stand_in(routes, manager, make_user):
    hana = make_user("csm", username="hana")
    today = timezone.localdate()
    accounts_services.absence_record(
        actor=hana, user=manager, starts_on=today, ends_on=today, stand_in=hana
    )
    comment = services.feedback_give(kind="comment", text="The invoice was wrong again.")
    assert comment.routed_to == hana
