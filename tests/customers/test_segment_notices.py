"""Telling customers of their segment on their preferred channel, and their feedback on it."""

import pytest

from charter.customers import selectors, services
from charter.customers.models import NoticeStatus, SegmentNotice


@pytest.fixture
def key_accounts(make_customer, manager, types):
    customers = {
        "yore": make_customer(
            name="Yore Mine Co.",
            email="orders@yoremine.example",
            annual_value=1250000,
            preferred_channel="email",
        ),
        "pilbara": make_customer(
            name="Pilbara Drill",
            phone="08 9140 2200",
            annual_value=310000,
            preferred_channel="telephone",
        ),
        "no-contact": make_customer(name="Quiet Pty Ltd", annual_value=400000),
        "small": make_customer(name="Small one", annual_value=100),
    }
    services.consent_record(
        actor=manager,
        customer=customers["no-contact"],
        purpose="service",
        given=False,
        method="email",
    )
    segment = services.segment_save(
        actor=manager,
        name="Key accounts",
        description="A named account manager and priority delivery.",
        conditions=[{"attribute": "annual_value", "operator": "gte", "value": "250000"}],
    )
    services.segment_evaluate(segment=segment, actor=manager)
    return segment, customers


@pytest.mark.django_db(transaction=True)
def test_members_are_told_by_email_or_put_on_a_list_to_call(
    key_accounts, manager, smtp_server, run_worker
):
    segment, customers = key_accounts
    counts = services.segment_inform(actor=manager, segment=segment)
    assert counts == {"emailed": 1, "to_make": 1, "skipped": 1}

    run_worker()
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["To"] == "orders@yoremine.example"
    assert "Key accounts" in message["Subject"]
    assert "priority delivery" in message.get_payload()
    emailed = SegmentNotice.objects.get(customer=customers["yore"])
    assert emailed.status == NoticeStatus.SENT and emailed.sent_at

    to_call = SegmentNotice.objects.get(customer=customers["pilbara"])
    assert (to_call.channel, to_call.status) == ("telephone", NoticeStatus.TO_MAKE)
    services.segment_notice_made(actor=manager, notice=to_call, channel="telephone", note="Kerry")
    to_call.refresh_from_db()
    assert to_call.status == NoticeStatus.MADE
    # The one who withdrew consent to service contact is still to be told some other way.
    assert list(selectors.members_not_informed(segment)) == [customers["no-contact"]]


def test_feedback_on_a_segment_is_captured_and_reported(key_accounts, manager):
    segment, customers = key_accounts
    for customer, rating, comment in [
        (customers["yore"], 5, "Priority delivery is what we need"),
        (customers["pilbara"], 3, ""),
    ]:
        services.segment_feedback_record(
            actor=manager, customer=customer, segment=segment, rating=rating, comment=comment
        )
    report = selectors.segment_feedback_report(segment)
    assert report["count"] == 2 and report["average"] == 4
    assert report["distribution"][0] == (5, 1, 50)
    assert report["distribution"][2] == (3, 1, 50)
    assert [f.comment for f in report["comments"]] == ["Priority delivery is what we need"]


def test_feedback_needs_a_rating_from_1_to_5_and_a_member(key_accounts, manager):
    segment, customers = key_accounts
    with pytest.raises(Exception, match="from 1 to 5"):
        services.segment_feedback_record(
            actor=manager, customer=customers["yore"], segment=segment, rating=6
        )
    with pytest.raises(Exception, match="never been in the segment"):
        services.segment_feedback_record(
            actor=manager, customer=customers["small"], segment=segment, rating=4
        )
