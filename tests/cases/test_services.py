"""Cases on the database: opening with the charter's due times, routing, the procedure's
steps, pauses, resolutions through the authority limits, and the deadline check."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from charter.accounts import services as accounts_services
from charter.accounts.models import RoleCode
from charter.cases import selectors, services
from charter.cases.models import CaseEvent, Contact, ResolutionStatus
from charter.core.errors import Conflict, DomainError, NotPermitted
from charter.orders import services as orders_services

MEL = ZoneInfo("Australia/Melbourne")
D = Decimal


def mel(*args):
    return datetime(*args, tzinfo=MEL)


@pytest.fixture
def grace(manager, demo_limits):
    return manager


def open_complaint(actor, customer, **fields):
    fields.setdefault("subject", "Widgets not delivered")
    fields.setdefault("channel", "telephone")
    return services.case_open(actor=actor, customer=customer, **fields)


# --- Opening --------------------------------------------------------------------------------


def test_a_complaint_takes_its_due_times_from_the_charter(
    complaints_charter, officer, make_customer
):
    customer = make_customer(name="Acme")
    # Friday 30 Oct 2026, 3 pm; Tuesday 3 Nov is Melbourne Cup Day in Victoria.
    case = open_complaint(officer, customer, opened_at=mel(2026, 10, 30, 15))
    assert case.reference == f"CASE-{case.pk}"
    assert case.acknowledge_due == mel(2026, 11, 2, 17)  # Monday
    # 10 business days after Friday, skipping Cup Day: Monday 16 November.
    assert case.resolve_due == mel(2026, 11, 16, 17)
    assert case.resolve_promise.event == "complaint_resolve"
    assert case.owner == officer and case.status == "received"


def test_an_enquiry_is_due_by_the_enquiry_promise(complaints_charter, officer, make_customer):
    case = services.case_open(
        actor=officer,
        kind="enquiry",
        customer=make_customer(),
        subject="Price of 8 mm",
        channel="email",
        opened_at=mel(2026, 11, 20, 10),
    )
    assert case.acknowledge_due is None
    assert case.resolve_due == mel(2026, 11, 24, 17)  # 2 business days after Friday


def test_without_a_promise_the_case_says_so(widgets_charter, officer, make_customer):
    case = open_complaint(officer, make_customer())
    assert case.resolve_due is None
    notes = list(case.events.filter(kind="note").values_list("text", flat=True))
    assert any("charter" in note.lower() for note in notes)


def test_a_member_of_the_public_leaves_a_name_or_a_way_back(complaints_charter, officer):
    with pytest.raises(DomainError) as refused:
        services.case_open(actor=officer, subject="Rude salesperson", channel="face_to_face")
    assert refused.value.field == "customer"
    case = services.case_open(
        actor=officer,
        subject="Salesperson could not provide sufficient information",
        channel="face_to_face",
        public_name="Pat Walker",
        directed_at="salesperson",
    )
    assert case.complainant_type == "public" and case.who == "Pat Walker"


def test_opening_needs_the_right(complaints_charter, make_user, make_customer):
    analyst = make_user(RoleCode.ANALYST)
    with pytest.raises(NotPermitted):
        open_complaint(analyst, make_customer())


# --- Routing --------------------------------------------------------------------------------


def test_injury_goes_to_the_manager_who_must_agree_a_call_back(
    complaints_charter, officer, grace, make_customer
):
    case = open_complaint(
        officer,
        make_customer(),
        involves_injury=True,
        subject="Widget snapped and cut a fitter's hand",
    )
    assert case.owner == grace and case.escalation == "csm" and case.severity == 4
    assert any("injury" in line for line in case.routing)
    with pytest.raises(NotPermitted, match="customer service manager"):
        services.case_step(actor=officer, case=case, to="committed")
    with pytest.raises(Conflict, match="call"):
        services.case_step(actor=grace, case=case, to="committed")
    services.case_callback(actor=officer, case=case, at=timezone.now() + timedelta(hours=2))
    assert services.case_step(actor=grace, case=case, to="committed").status == "committed"


def test_property_damage_starts_an_insurance_claim_with_the_officer(
    complaints_charter, officer, make_customer
):
    case = open_complaint(officer, make_customer(), property_damage=True)
    assert case.owner == officer and not case.escalation
    assert any("claims form" in line for line in case.routing)
    services.case_insurance_claim(actor=officer, case=case, claim="CLM-2026-114")
    case.refresh_from_db()
    assert case.insurance_claim == "CLM-2026-114"


def test_what_the_procedure_does_not_cover_goes_to_the_manager(
    complaints_charter, officer, grace, make_customer
):
    case = open_complaint(officer, make_customer(), not_covered=True)
    assert case.owner == grace and case.complex


@pytest.mark.django_db(transaction=True)
def test_a_threat_from_a_significant_customer_tells_the_account_manager(
    complaints_charter, officer, grace, yore_mine, smtp_server, run_worker
):
    case = open_complaint(officer, yore_mine, legal_threat=True, competitor_threat=True)
    assert case.significant_customer and case.severity == 4 and case.complex
    assert case.owner == grace
    run_worker()
    [message] = [m for m in smtp_server if "complaint from" in m["Subject"]]
    assert message["To"] == "alex@example.com"
    assert "Yore Mine Co." in message["Subject"]
    body = message.get_payload()
    assert "legal action" in body and f"/cases/{case.pk}/" in body


def test_facts_found_later_route_again(complaints_charter, officer, grace, make_customer):
    case = open_complaint(officer, make_customer())
    case = services.case_update_facts(actor=officer, case=case, involves_injury=True)
    assert case.owner == grace and case.severity == 4
    routed = case.events.filter(kind="routed").count()
    services.case_update_facts(actor=officer, case=case, involves_injury=True)
    assert case.events.filter(kind="routed").count() == routed  # said once


# --- The procedure --------------------------------------------------------------------------


def test_a_complaint_through_every_step(complaints_charter, officer, make_customer):
    case = open_complaint(officer, make_customer())
    services.case_step(actor=officer, case=case, to="investigating")
    case.refresh_from_db()
    assert case.acknowledged_at is not None
    services.case_step(actor=officer, case=case, to="committed", note="Told her we own it.")
    with pytest.raises(Conflict, match="resolution"):
        services.case_step(actor=officer, case=case, to="solution_decided")
    services.resolution_add(actor=officer, case=case, kind="apology", description="Sorry.")
    services.case_step(actor=officer, case=case, to="solution_decided")
    case = services.case_step(actor=officer, case=case, to="notified")
    # Follow-up within 7 calendar days of notifying, by the charter.
    assert case.follow_up_due - case.notified_at == timedelta(days=7)
    services.case_step(actor=officer, case=case, to="followed_up")
    case = services.case_step(actor=officer, case=case, to="closed", outcome="Apologised.")
    assert case.closed_at and case.outcome == "Apologised."
    steps = list(case.events.filter(kind="step").values_list("to_status", flat=True))
    assert steps == [
        "investigating",
        "committed",
        "solution_decided",
        "notified",
        "followed_up",
        "closed",
    ]
    with pytest.raises(Conflict, match="closed"):
        services.case_step(actor=officer, case=case, to="investigating")


def test_referral_outside_is_the_managers(complaints_charter, officer, grace, make_customer):
    case = open_complaint(officer, make_customer())
    services.resolution_add(actor=officer, case=case, kind="information", description="Why.")
    for step in ("solution_decided", "notified"):
        services.case_step(actor=officer, case=case, to=step)
    with pytest.raises(NotPermitted, match="refer"):
        services.case_step(
            actor=officer, case=case, to="referred", referred_to="Consumer Affairs Victoria"
        )
    case = services.case_step(
        actor=grace, case=case, to="referred", referred_to="Consumer Affairs Victoria"
    )
    assert case.status == "referred" and case.referred_to == "Consumer Affairs Victoria"


def test_escalation_goes_up_only(complaints_charter, officer, supervisor, grace, make_customer):
    case = open_complaint(officer, make_customer())
    case = services.case_escalate(actor=officer, case=case, to="supervisor", reason="Angry.")
    assert case.owner == supervisor and case.escalation == "supervisor"
    with pytest.raises(Conflict):
        services.case_escalate(actor=officer, case=case, to="supervisor", reason="Again.")
    case = services.case_escalate(actor=supervisor, case=case, to="csm", reason="Legal.")
    assert case.owner == grace
    with pytest.raises(DomainError):
        services.case_escalate(actor=grace, case=case, to="csm", reason="")


def test_the_managers_plan_for_a_complex_complaint(complaints_charter, officer, grace, yore_mine):
    case = open_complaint(officer, yore_mine, legal_threat=True)
    services.resolution_add(actor=grace, case=case, kind="apology", description="Apology.")
    with pytest.raises(Conflict, match="system level"):
        services.case_step(actor=grace, case=case, to="solution_decided")
    with pytest.raises(NotPermitted):
        services.case_plan(
            actor=officer,
            case=case,
            system_action="x",
            customer_action="y",
            follow_up_due=timezone.now() + timedelta(days=2),
        )
    services.case_plan(
        actor=grace,
        case=case,
        system_action="Track every order against its promise; warn before it is late.",
        customer_action="Send 1,000 x 7 mm today by courier at our cost.",
        follow_up_due=timezone.now() + timedelta(days=2),
    )
    services.case_step(actor=grace, case=case, to="solution_decided")
    assert services.case_step(actor=grace, case=case, to="notified").status == "notified"


# --- Waiting for the customer ---------------------------------------------------------------


def test_pausing_moves_the_resolution_due_time_by_the_business_time_waited(
    complaints_charter, officer, make_customer, monkeypatch
):
    case = open_complaint(officer, make_customer(), opened_at=mel(2026, 11, 16, 10))
    assert case.resolve_due == mel(2026, 11, 30, 17)
    clock = {"now": mel(2026, 11, 20, 16)}  # Friday 4 pm
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    services.case_pause(actor=officer, case=case, reason="Photos of the damaged widgets")
    with pytest.raises(Conflict):
        services.case_pause(actor=officer, case=case, reason="again")
    clock["now"] = mel(2026, 11, 23, 11)  # Monday 11 am: 1 + 2 business hours waited
    case = services.case_resume(actor=officer, case=case)
    assert case.paused_at is None
    assert case.resolve_due == mel(2026, 12, 1, 12)  # Monday 30th 5 pm + 3 business hours
    assert (
        case.events.filter(kind="paused").exists() and case.events.filter(kind="resumed").exists()
    )


def test_a_paused_case_is_not_breached(complaints_charter, officer, make_customer):
    case = open_complaint(officer, make_customer())
    services.case_pause(actor=officer, case=case, reason="Waiting for the serial number")
    later = case.resolve_due + timedelta(days=1)
    assert services.deadlines_check(now=later)["resolve_breached"] == 0


def test_the_customer_coming_back_resumes_the_case(complaints_charter, officer, make_customer):
    case = open_complaint(officer, make_customer())
    services.case_pause(actor=officer, case=case, reason="Photos")
    services.contact_log(actor=officer, case=case, channel="email", summary="Photos attached.")
    case.refresh_from_db()
    assert case.paused_at is None


# --- Resolutions through the authority limits -----------------------------------------------


def test_a_goodwill_refund_within_the_officers_judgement_is_done(
    complaints_charter, officer, make_customer
):
    case = open_complaint(officer, make_customer())
    resolution = services.resolution_add(
        actor=officer,
        case=case,
        kind="goodwill_refund",
        description="10% for the trouble",
        amount="25.00",
        item_value="2500.00",
    )
    assert resolution.status == ResolutionStatus.DONE and resolution.approval is None


def test_a_refund_above_the_officers_limit_waits_and_the_supervisors_approval_completes_it(
    complaints_charter, officer, supervisor, make_customer, django_capture_on_commit_callbacks
):
    case = open_complaint(officer, make_customer())
    resolution = services.resolution_add(
        actor=officer,
        case=case,
        kind="goodwill_refund",
        description="Goodwill for the 6 mm widgets, on top of replacing them",
        amount="300.00",
        item_value="2500.00",
    )
    assert resolution.status == ResolutionStatus.AWAITING_APPROVAL
    approval = resolution.approval
    assert approval.required_role.code == RoleCode.SUPERVISOR
    services.case_step(actor=officer, case=case, to="solution_decided")
    with pytest.raises(Conflict, match="approval"):
        services.case_step(actor=officer, case=case, to="notified")
    with django_capture_on_commit_callbacks(execute=True):
        accounts_services.approval_request_decide(
            approval=approval, approver=supervisor, approve=True
        )
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.DONE and resolution.done_at
    assert services.case_step(actor=officer, case=case, to="notified").status == "notified"


def test_a_rejected_resolution_is_recorded(
    complaints_charter, officer, supervisor, make_customer, django_capture_on_commit_callbacks
):
    case = open_complaint(officer, make_customer())
    resolution = services.resolution_add(
        actor=officer,
        case=case,
        kind="compensation",
        description="For lost production",
        amount="80",
    )
    assert resolution.status == ResolutionStatus.AWAITING_APPROVAL
    with django_capture_on_commit_callbacks(execute=True):
        accounts_services.approval_request_decide(
            approval=resolution.approval,
            approver=supervisor,
            approve=False,
            note="Not our fault",
        )
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.REJECTED
    assert "Not our fault" in case.events.filter(kind="resolution").last().text


def test_a_reorder_goes_through_the_orders_door(complaints_charter, officer, yore_mine, widgets):
    order = orders_services.order_place(
        actor=officer, customer=yore_mine, lines=[(widgets[7], 1000)], channel="telephone"
    )
    case = open_complaint(officer, yore_mine, orders=[order])
    resolution = services.resolution_add(
        actor=officer,
        case=case,
        kind="reorder",
        description="Send them again, expedited",
        order=order,
    )
    assert resolution.order.original == order and resolution.order.expedite
    assert list(case.orders.all()) == [order]


def test_bad_amounts_are_refused_with_the_field(complaints_charter, officer, make_customer):
    case = open_complaint(officer, make_customer())
    for amount in ("lots", "-5", "1e20", "NaN"):
        with pytest.raises(DomainError) as refused:
            services.resolution_add(
                actor=officer, case=case, kind="refund", description="x", amount=amount
            )
        assert refused.value.field == "amount"
    with pytest.raises(DomainError, match="product's value"):
        services.resolution_add(
            actor=officer, case=case, kind="goodwill_refund", description="x", amount="5"
        )


def test_another_customers_order_cannot_be_linked(
    complaints_charter, officer, yore_mine, make_customer, widgets
):
    order = orders_services.order_place(
        actor=officer, customer=make_customer(), lines=[(widgets[7], 10)], channel="email"
    )
    with pytest.raises(DomainError, match="own customer"):
        open_complaint(officer, yore_mine, orders=[order])


# --- Deadlines --------------------------------------------------------------------------------


def test_breaches_are_found_by_query_recorded_once_and_escalated(
    complaints_charter, officer, supervisor, make_customer
):
    case = open_complaint(officer, make_customer(), opened_at=mel(2026, 11, 2, 10))
    # Due exactly now is not missed.
    assert services.deadlines_check(now=case.acknowledge_due)["acknowledge_breached"] == 0
    assert services.deadlines_check(now=case.resolve_due)["resolve_breached"] == 0
    assert case.events.filter(kind="breached").count() == 1  # the acknowledgement, by then
    # The check did not run for days (a worker was down): it still finds both.
    late = case.resolve_due + timedelta(days=3)
    counts = services.deadlines_check(now=late)
    assert counts == {"acknowledge_breached": 0, "resolve_breached": 1, "warned": 0}
    case.refresh_from_db()
    assert case.resolve_breached_at == late and case.escalation == "supervisor"
    assert case.owner == supervisor
    assert services.deadlines_check(now=late + timedelta(hours=1))["resolve_breached"] == 0
    assert CaseEvent.objects.filter(case=case, kind="breached").count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_checks_deadlines_every_five_minutes_and_the_new_owner_is_emailed(
    complaints_charter, officer, supervisor, make_customer, smtp_server, run_worker
):
    from charter.core import scheduling

    case = open_complaint(officer, make_customer(), opened_at=mel(2026, 11, 2, 10))
    now = timezone.now()
    assert case.resolve_due < now  # missed while nobody was looking
    assert "charter.cases.tasks.check_case_deadlines" in scheduling.tick(now)
    assert "charter.cases.tasks.check_case_deadlines" not in scheduling.tick(
        now + timedelta(minutes=4)
    )
    assert "charter.cases.tasks.check_case_deadlines" in scheduling.tick(now + timedelta(minutes=5))
    run_worker()
    case.refresh_from_db()
    assert case.resolve_breached_at and case.owner == supervisor
    [message] = [m for m in smtp_server if case.reference in m["Subject"]]
    assert message["To"] == supervisor.email
    assert "Escalated to you" in message["Subject"]
    assert f"/cases/{case.pk}/" in message.get_payload()


def test_a_warning_comes_before_the_breach(complaints_charter, officer, make_customer):
    case = open_complaint(officer, make_customer())
    assert services.deadlines_check(now=case.resolve_due - timedelta(hours=5))["warned"] == 0
    assert services.deadlines_check(now=case.resolve_due - timedelta(hours=4))["warned"] == 1
    assert services.deadlines_check(now=case.resolve_due - timedelta(hours=3))["warned"] == 0


def test_an_answered_complaint_is_not_breached(complaints_charter, officer, make_customer):
    case = open_complaint(officer, make_customer())
    services.resolution_add(actor=officer, case=case, kind="apology", description="Sorry.")
    services.case_step(actor=officer, case=case, to="solution_decided")
    services.case_step(actor=officer, case=case, to="notified")
    late = case.resolve_due + timedelta(days=1)
    assert services.deadlines_check(now=late)["resolve_breached"] == 0


# --- Contacts ---------------------------------------------------------------------------------


def test_contacts_on_every_channel(complaints_charter, officer, make_customer):
    customer = make_customer()
    for channel in ("email", "telephone", "face_to_face", "video", "web_form", "letter", "social"):
        services.contact_log(
            actor=officer,
            customer=customer,
            channel=channel,
            summary=f"Asked about prices by {channel}",
        )
    assert Contact.objects.filter(customer=customer).count() == 7
    with pytest.raises(DomainError) as refused:
        services.contact_log(actor=officer, customer=customer, channel="pigeon", summary="x")
    assert refused.value.field == "channel"
    with pytest.raises(DomainError):
        services.contact_log(actor=officer, customer=customer, channel="email", summary="  ")


def test_a_call_back_to_the_customer_acknowledges_the_case(
    complaints_charter, officer, make_customer
):
    case = open_complaint(officer, make_customer())
    services.contact_log(
        actor=officer,
        case=case,
        channel="telephone",
        direction="outbound",
        summary="Called back: we own it.",
        duration_seconds=240,
    )
    case.refresh_from_db()
    assert case.acknowledged_at is not None
    assert (
        services.deadlines_check(now=case.acknowledge_due + timedelta(days=1))[
            "acknowledge_breached"
        ]
        == 0
    )


def test_the_queue_puts_what_is_due_first_in_a_fixed_number_of_queries(
    complaints_charter, officer, make_customer, django_assert_num_queries
):
    first = open_complaint(officer, make_customer(), opened_at=mel(2026, 11, 2, 10))
    second = open_complaint(officer, make_customer(), opened_at=mel(2026, 11, 1, 10))
    third = services.case_open(
        actor=officer,
        kind="enquiry",
        customer=make_customer(),
        subject="Catalogue",
        channel="email",
        opened_at=mel(2026, 11, 3, 10),
    )
    with django_assert_num_queries(1):
        rows = list(selectors.case_queue(officer))
        _ = [(c.customer.name, c.owner, c.category) for c in rows]
    assert rows[:2] == [third, second] and rows[2] == first
