"""What we do for the customer as the complaints procedure's steps 6 and 7 read, and cases while
someone is on leave: routed and escalated to someone who is here, their stand-in told."""

from datetime import timedelta

import pytest
from django.utils import timezone

from charter.accounts import services as accounts_services
from charter.accounts.models import RoleCode
from charter.cases import services, tasks
from charter.cases.models import ResolutionStatus
from charter.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def grace(manager, demo_limits):
    return manager


def _complaint(officer, customer, **fields):
    fields.setdefault("subject", "Faulty widgets")
    fields.setdefault("channel", "telephone")
    return services.case_open(actor=officer, customer=customer, **fields)


def _resolve(officer, case, kind, amount=None, value="120.00"):
    return services.resolution_add(
        actor=officer,
        case=case,
        kind=kind,
        description="For the faulty widget",
        amount=amount,
        item_value=value,
    )


# --- Steps 6 and 7 ---------------------------------------------------------------------------
def test_goodwill_of_12_on_a_120_widget_is_the_officers_and_30_goes_to_the_supervisor(
    complaints_charter, officer, supervisor, make_customer
):
    case = _complaint(officer, make_customer())
    within = _resolve(officer, case, "goodwill_refund", "12.00")
    assert within.status == ResolutionStatus.DONE
    above = _resolve(officer, case, "goodwill_refund", "30.00")
    assert above.status == ResolutionStatus.AWAITING_APPROVAL
    assert above.approval.action == "goodwill"
    assert above.approval.required_role.code == RoleCode.SUPERVISOR
    assert "$12.00" in above.approval.why_needed


def test_refunding_the_faulty_product_itself_is_within_the_officers_authority(
    complaints_charter, officer, make_customer
):
    case = _complaint(officer, make_customer())
    assert _resolve(officer, case, "refund", "120.00").status == ResolutionStatus.DONE
    with pytest.raises(DomainError, match="at most what was paid") as refused:
        _resolve(officer, case, "refund", "150.00")
    assert refused.value.field == "amount"
    with pytest.raises(DomainError, match="product's value") as refused:
        _resolve(officer, case, "refund", "50.00", value=None)
    assert refused.value.field == "item_value"


def test_replacing_is_the_officers_while_the_step_6_reading_says_so(
    complaints_charter, officer, grace, make_customer
):
    case = _complaint(officer, make_customer())
    assert _resolve(officer, case, "replacement", value="120.00").status == "done"
    accounts_services.authority_settings_set(
        actor=grace, replacement_within_everyones_authority=False
    )
    waiting = _resolve(officer, case, "replacement", value="120.00")
    assert waiting.status == ResolutionStatus.AWAITING_APPROVAL
    assert waiting.approval.action == "replace"


# --- Leave ---------------------------------------------------------------------------------------
def _away(who, stand_in, recorded_by):
    today = timezone.localdate()
    return accounts_services.absence_record(
        actor=recorded_by,
        user=who,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
        stand_in=stand_in,
    )


def test_escalating_to_the_supervisor_on_leave_gives_the_case_to_his_stand_in(
    complaints_charter, officer, supervisor, grace, make_customer, smtp_server
):
    _away(supervisor, grace, grace)
    case = _complaint(officer, make_customer())
    case = services.case_escalate(actor=officer, case=case, to="supervisor", reason="Angry.")
    assert case.owner == grace and case.escalation == "supervisor"
    assert tasks.tell_owner.call(case.pk, "Escalated to you: Angry.") == 1
    [message] = smtp_server
    assert message["To"] == grace.email


def test_the_owner_on_leave_is_not_emailed_their_stand_in_is(
    complaints_charter, officer, supervisor, grace, make_customer, smtp_server
):
    case = _complaint(officer, make_customer())
    case = services.case_escalate(actor=officer, case=case, to="supervisor", reason="Angry.")
    assert case.owner == supervisor
    _away(supervisor, grace, grace)
    tasks.tell_owner.call(case.pk, "The resolution deadline passed.")
    [message] = smtp_server
    assert message["To"] == grace.email
    assert "You stand in for John" in message.get_payload()


def test_an_injury_routed_while_the_manager_is_away_goes_to_the_manager_who_is_here(
    complaints_charter, officer, grace, make_user, make_customer
):
    hana = make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="hana")
    _away(grace, hana, hana)
    case = _complaint(officer, make_customer(), involves_injury=True)
    assert case.owner == hana and case.complex
