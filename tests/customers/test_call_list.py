"""Telling a segment by telephone: the call list staff work through and mark done."""

import pytest
from django.urls import reverse

from charter.accounts.models import RoleCode
from charter.core.models import AuditEntry
from charter.customers import services
from charter.customers.models import NoticeStatus, SegmentNotice


@pytest.fixture
def officer(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")


@pytest.fixture
def key_accounts(make_customer, manager):
    pilbara = make_customer(
        name="Pilbara Drill",
        phone="08 9140 2200",
        annual_value=310000,
        preferred_channel="telephone",
    )
    services.contact_save(
        actor=manager,
        customer=pilbara,
        name="Rhonda Lee",
        job_title="Site manager",
        phone="0412 345 678",
        is_primary=True,
    )
    yore = make_customer(
        name="Yore Mine Co.",
        email="orders@yoremine.example",
        annual_value=1250000,
        preferred_channel="email",
    )
    segment = services.segment_save(
        actor=manager,
        name="Key accounts",
        conditions=[{"attribute": "annual_value", "operator": "gte", "value": "250000"}],
    )
    services.segment_evaluate(segment=segment, actor=manager)
    return segment, pilbara, yore


def _inform(client, segment, **data):
    return client.post(reverse("customers:segment-inform", args=[segment.pk]), data)


def test_telling_a_segment_asks_first_then_puts_callers_on_the_call_list(
    client, officer, key_accounts, django_capture_on_commit_callbacks
):
    segment, pilbara, _yore = key_accounts
    client.force_login(officer)
    with django_capture_on_commit_callbacks() as queued:
        asked = _inform(client, segment)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Tell 2 members of Key accounts?" in page
    assert "1 email is sent now" in page and "1 customer goes on the call list" in page
    assert 'name="confirmed" value="1"' in page and "Cancel" in page
    assert not SegmentNotice.objects.exists() and not queued  # nothing written, nothing sent

    with django_capture_on_commit_callbacks() as queued:
        response = _inform(client, segment, confirmed="1")
    assert response.status_code == 302 and len(queued) == 1  # the email's task
    segment_page = client.get(reverse("customers:segment", args=[segment.pk])).content.decode()
    assert "1 customer to call" in segment_page and "open the call list" in segment_page

    calls = client.get(reverse("customers:to-call")).content.decode()
    assert "Pilbara Drill" in calls and "Yore Mine Co." not in calls
    assert "Rhonda Lee" in calls and "0412 345 678" in calls and "(08) 9140 2200" in calls
    assert "Key accounts" in calls
    # Showing their numbers is logged, as opening their record is.
    viewed = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS, object_pk=str(pilbara.pk))
    assert viewed.get().actor == officer


def test_a_call_marked_done_leaves_the_list_with_its_outcome(client, officer, key_accounts):
    segment, pilbara, _yore = key_accounts
    client.force_login(officer)
    _inform(client, segment, confirmed="1")
    notice = SegmentNotice.objects.get(customer=pilbara)
    url = reverse("customers:call-done", args=[notice.pk])

    refused = client.post(url, {"outcome": "hung up"}, follow=True)
    assert "say how the call went" in refused.content.decode()
    response = client.post(url, {"outcome": "left_message", "note": "Voicemail"}, follow=True)
    assert "Pilbara Drill: left a message. Done." in response.content.decode()
    assert "No one to call." in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.MADE and notice.done_by == officer and notice.sent_at

    done = client.get(reverse("customers:to-call"), {"show": "done"}).content.decode()
    assert "Pilbara Drill" in done and "Left a message" in done and "Voicemail" in done
    again = client.post(url, {"outcome": "reached"}, follow=True).content.decode()
    assert "already been marked done" in again


def test_no_answer_is_done_but_the_customer_was_not_told(officer, key_accounts):
    segment, pilbara, _yore = key_accounts
    services.segment_inform(actor=officer, segment=segment)
    notice = SegmentNotice.objects.get(customer=pilbara)
    notice = services.segment_call_done(actor=officer, notice=notice, outcome="no_answer")
    assert notice.status == NoticeStatus.FAILED and notice.sent_at is None and notice.done_at


def test_only_those_who_tell_customers_see_the_call_list(client, make_user, key_accounts):
    segment, pilbara, _yore = key_accounts
    services.segment_inform(actor=None, segment=segment)
    notice = SegmentNotice.objects.get(customer=pilbara)
    for role in (RoleCode.ANALYST, RoleCode.AUDITOR):
        client.force_login(make_user(role, username=role))
        assert client.get(reverse("customers:to-call")).status_code == 403
        done = reverse("customers:call-done", args=[notice.pk])
        assert client.post(done, {"outcome": "reached"}).status_code == 403
        inform = reverse("customers:segment-inform", args=[segment.pk])
        assert client.post(inform).status_code == 403
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.TO_MAKE


def test_the_call_list_is_empty_then_paged_in_fixed_queries(
    client, officer, manager, make_customer, django_assert_max_num_queries
):
    client.force_login(officer)
    assert "No one to call." in client.get(reverse("customers:to-call")).content.decode()
    segment = services.segment_save(
        actor=manager,
        name="Callers",
        conditions=[{"attribute": "annual_value", "operator": "gte", "value": "1000"}],
    )

    def add_callers(n):
        for _ in range(n):
            customer = make_customer(annual_value=5000, preferred_channel="telephone")
            services.contact_save(
                actor=manager, customer=customer, name="Someone", phone="0412 000 111"
            )
        services.segment_evaluate(segment=segment, actor=manager)
        services.segment_inform(actor=manager, segment=segment)

    add_callers(1)
    with django_assert_max_num_queries(40) as one:
        assert client.get(reverse("customers:to-call")).status_code == 200
    add_callers(30)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("customers:to-call")).content.decode()
    assert "31 customers to call" in page and "Page 1 of 2" in page
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() == 1 + 25


def test_the_question_before_telling_a_segment_costs_the_same_for_any_size(
    client, manager, make_customer, django_assert_max_num_queries
):
    segment = services.segment_save(
        actor=manager,
        name="Everyone big",
        conditions=[{"attribute": "annual_value", "operator": "gte", "value": "1000"}],
    )
    url = reverse("customers:segment-inform", args=[segment.pk])
    client.force_login(manager)
    make_customer(annual_value=5000, preferred_channel="telephone")
    services.segment_evaluate(segment=segment, actor=manager)
    with django_assert_max_num_queries(30) as one:
        assert "1 customer goes on the call list" in client.post(url).content.decode()
    for n in range(20):
        make_customer(annual_value=5000, preferred_channel="letter" if n % 2 else "email")
    services.segment_evaluate(segment=segment, actor=manager)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.post(url).content.decode()
    assert "Tell 21 members of Everyone big?" in page
    assert not SegmentNotice.objects.exists()
