"""A manager's case is the manager's (issue 16, point 1) and she hears at once of what the
procedure routes to her (point 3): the same rule in the services, on the case page and over
the API; the email through the real task queue and a real SMTP server; her home page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from charter.accounts import services as accounts_services
from charter.accounts.models import RoleCode
from charter.cases import services
from charter.cases.models import Contact, Resolution
from charter.core.errors import NotPermitted
from charter.core.selectors import business_calendar

REFUSED = "only Grace or someone senior may"


@pytest.fixture
def grace(manager, demo_limits):
    return manager


@pytest.fixture
def mia(make_user, demo_limits):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mia", first_name="Mia")


def _open(actor, customer, **fields):
    fields.setdefault("subject", "Widget snapped and cut a fitter's hand")
    fields.setdefault("channel", "telephone")
    return services.case_open(actor=actor, customer=customer, **fields)


@pytest.fixture
def injury(complaints_charter, officer, grace, make_customer):
    """Mary takes the call; the procedure sends the complaint to Grace, the manager."""
    case = _open(officer, make_customer(phone="+61412345678"), involves_injury=True)
    assert case.owner == grace and case.escalation == "csm"
    return case


def _later(hours: int):
    return timezone.now() + timedelta(hours=hours)


# --- The services -------------------------------------------------------------------------------


def test_an_officer_may_not_do_the_managers_work_on_her_complaint(
    injury, officer, grace, supervisor, make_user
):
    # The procedure's steps 9 and 10: the officer on the call agrees the manager's call-back.
    agreed = _later(2)
    services.case_callback(actor=officer, case=injury, at=agreed)
    other_manager = make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="hana")
    attempts = {
        "move it through its steps": lambda who: services.case_step(
            actor=who, case=injury, to="investigating"
        ),
        "pause it": lambda who: services.case_pause(actor=who, case=injury, reason="Photos"),
        "record what we do for the customer": lambda who: services.resolution_add(
            actor=who,
            case=injury,
            kind="refund",
            description="Refund the widget",
            amount="20",
            item_value="200",
        ),
        "change the call-back time agreed": lambda who: services.case_callback(
            actor=who, case=injury, at=_later(5)
        ),
        "give it to someone else": lambda who: services.case_assign(
            actor=who, case=injury, owner=other_manager
        ),
    }
    for who in (officer, supervisor, other_manager):
        for doing, attempt in attempts.items():
            with pytest.raises(NotPermitted) as refused:
                attempt(who)
            assert refused.value.message == (
                f"This complaint is Grace's, with the customer service manager: {REFUSED} "
                f"{doing}. You may still add a note or log a contact."
            )
    injury.refresh_from_db()
    assert injury.status == "received" and injury.paused_at is None
    assert injury.owner == grace and injury.callback_at == agreed
    assert not Resolution.objects.filter(case=injury).exists()
    # What stays open to everyone who works cases: notes and contacts.
    services.case_note(actor=officer, case=injury, text="The customer rang again.")
    services.contact_log(
        actor=officer,
        case=injury,
        channel="telephone",
        direction="inbound",
        summary="Asked when Grace will call.",
    )
    assert injury.events.filter(kind="note", text="The customer rang again.").exists()
    assert Contact.objects.filter(case=injury).count() == 1


def test_resuming_her_paused_complaint_is_hers_too(injury, officer, grace):
    services.case_callback(actor=officer, case=injury, at=_later(2))
    services.case_pause(actor=grace, case=injury, reason="The doctor's report")
    with pytest.raises(NotPermitted, match=f"{REFUSED} resume it"):
        services.case_resume(actor=officer, case=injury)
    assert services.case_resume(actor=grace, case=injury).paused_at is None


def test_the_owner_and_someone_senior_may(injury, officer, grace, make_user):
    services.case_callback(actor=officer, case=injury, at=_later(2))
    assert services.case_step(actor=grace, case=injury, to="investigating").status == (
        "investigating"
    )
    services.case_callback(actor=grace, case=injury, at=_later(3))  # she moves her own call
    head = make_user(RoleCode.SUPERVISOR, username="head")
    accounts_services.user_set_roles(
        user=head, roles=[RoleCode.SUPERVISOR, RoleCode.ADMINISTRATOR]
    )  # ranks above the manager
    services.case_pause(actor=head, case=injury, reason="Waiting for the medical report")
    services.case_resume(actor=head, case=injury)


def test_a_colleagues_ordinary_case_is_still_the_teams(
    complaints_charter, officer, mia, supervisor, make_customer
):
    """Not a manager's case: any officer works it and takes it, a supervisor shares it out."""
    case = _open(officer, make_customer(), subject="Widgets late")
    services.case_step(actor=mia, case=case, to="investigating")
    services.case_pause(actor=mia, case=case, reason="Delivery docket")
    services.case_resume(actor=mia, case=case)
    done = services.resolution_add(
        actor=mia,
        case=case,
        kind="goodwill_refund",
        description="Sorry",
        amount="5",
        item_value="100",
    )
    assert done.status == "done"
    assert services.case_assign(actor=mia, case=case, owner=mia).owner == mia
    assert services.case_assign(actor=supervisor, case=case, owner=officer).owner == officer


# --- The case page ------------------------------------------------------------------------------


def test_the_case_page_shows_an_officer_why_and_offers_only_notes_and_contacts(
    client, injury, officer, grace
):
    client.force_login(officer)
    url = reverse("cases:detail", args=[injury.pk])
    page = client.get(url).content.decode()
    assert f"{REFUSED} move it through its steps, pause or resume it" in page
    for action in ("step", "pause", "resolution", "take"):
        assert reverse("cases:action", args=[injury.pk, action]) not in page
    for action in ("note", "contact", "callback"):  # the first call-back time is the officer's
        assert reverse("cases:action", args=[injury.pk, action]) in page
    # Posting anyway is refused with the same sentence, and nothing changes.
    refused = client.post(
        reverse("cases:action", args=[injury.pk, "pause"]),
        {"pause-reason": "Photos"},
        follow=True,
    ).content.decode()
    assert f"{REFUSED} pause it" in refused
    injury.refresh_from_db()
    assert injury.paused_at is None

    client.force_login(grace)
    page = client.get(url).content.decode()
    assert REFUSED not in page
    assert reverse("cases:action", args=[injury.pk, "step"]) in page
    assert reverse("cases:action", args=[injury.pk, "pause"]) in page


# --- The API ------------------------------------------------------------------------------------


def test_the_api_refuses_with_403_and_the_same_sentence(injury, officer, grace):
    api = APIClient()
    api.force_authenticate(officer)
    url = f"/api/v1/cases/{injury.pk}/"
    assert (
        api.post(url + "callback/", {"at": _later(2).isoformat()}, format="json").status_code == 200
    )
    for action, body, doing in (
        ("step/", {"to": "investigating"}, "move it through its steps"),
        ("pause/", {"reason": "Photos"}, "pause it"),
        (
            "resolutions/",
            {"kind": "refund", "description": "Refund", "amount": "20", "item_value": "200"},
            "record what we do for the customer",
        ),
        ("callback/", {"at": _later(4).isoformat()}, "change the call-back time agreed"),
    ):
        response = api.post(url + action, body, format="json")
        assert response.status_code == 403, (action, response.content)
        assert f"{REFUSED} {doing}." in response.json()["detail"]
    logged = api.post(
        url + "contacts/",
        {"channel": "telephone", "direction": "inbound", "summary": "Rang again."},
        format="json",
    )
    assert logged.status_code == 201
    api.force_authenticate(grace)
    assert api.post(url + "step/", {"to": "investigating"}, format="json").status_code == 200


# --- The manager hears of what is routed to her --------------------------------------------------


def _subject(message) -> str:
    return str(message["Subject"]).replace("\r\n", "")  # unfold a long header


def _local(moment) -> str:
    calendar = business_calendar()
    return f"{calendar.local(moment):%a %d %b %Y, %H:%M} ({calendar.time_zone})"


@pytest.mark.django_db(transaction=True)
def test_the_manager_is_emailed_at_once_with_the_call_back_to_keep(
    complaints_charter, officer, grace, make_customer, smtp_server, run_worker
):
    customer = make_customer(name="Pryor Fitting", phone="+61412345678")
    case = _open(officer, customer, involves_injury=True)
    run_worker()
    [routed] = [m for m in smtp_server if "routed to you" in _subject(m)]
    assert routed["To"] == grace.email
    assert _subject(routed) == f"[Charter] {case.reference} routed to you: {case.subject}"
    body = routed.get_payload()
    assert "Pryor Fitting (+61412345678" in body and "Involves injury" in body
    assert (
        "No call-back agreed yet: agree one with the customer by "
        f"{_local(case.acknowledge_due)}." in body
    )
    assert f"/cases/{case.pk}/" in body

    # Mary agrees the time with the customer: Grace is told the time she must keep.
    at = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    services.case_callback(actor=officer, case=case, at=at)
    run_worker()
    [agreed] = [m for m in smtp_server if "Call-back agreed" in _subject(m)]
    assert agreed["To"] == grace.email
    assert f"Call-back agreed for {business_calendar().local(at):%a %d %b %Y, %H:%M}" in (
        agreed.get_payload()
    )


@pytest.mark.django_db(transaction=True)
def test_facts_found_later_and_a_legal_threat_tell_her_too_but_not_what_she_opened(
    complaints_charter, officer, grace, make_customer, smtp_server, run_worker
):
    found_later = _open(officer, make_customer(), subject="Widgets late")
    services.case_update_facts(actor=officer, case=found_later, not_covered=True)
    legal = _open(officer, make_customer(), subject="Threatens a lawyer", legal_threat=True)
    hers = _open(grace, make_customer(), subject="She took the call", involves_injury=True)
    run_worker()
    told = sorted(_subject(m) for m in smtp_server if "routed to you" in _subject(m))
    assert told == sorted(
        f"[Charter] {c.reference} routed to you: {c.subject}" for c in (found_later, legal)
    )
    assert hers.owner == grace


def test_her_home_page_lists_what_was_routed_to_her_with_the_call_back(
    client, complaints_charter, officer, grace, make_customer, django_assert_max_num_queries
):
    first = _open(officer, make_customer(), involves_injury=True)
    at = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    services.case_callback(actor=officer, case=first, at=at)
    client.force_login(grace)
    with django_assert_max_num_queries(60) as one:
        page = client.get("/").content.decode()
    assert "Routed to you" in page and first.reference in page
    assert f"Call-back agreed for {business_calendar().local(at):%a %d %b %Y, %H:%M}" in page
    more = [
        _open(officer, make_customer(), subject=f"Case {n}", not_covered=True) for n in range(4)
    ]
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get("/").content.decode()
    assert all(case.reference in page for case in more)
    assert "No call-back agreed yet: agree one with the customer by" in page
    client.force_login(officer)
    assert "Routed to you" not in client.get("/").content.decode()
