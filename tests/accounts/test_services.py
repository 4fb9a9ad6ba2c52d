"""Approvals, authority limits and roles through the services, on the real database."""

from decimal import Decimal

import pytest
from django.core import mail

from charter.accounts import selectors, services
from charter.accounts.models import ApprovalStatus, AuthorityLimit, Role, RoleCode
from charter.accounts.signals import approval_decided
from charter.core.errors import Conflict, DomainError, NotPermitted

D = Decimal
pytestmark = pytest.mark.django_db


def test_a_cso_refund_within_the_limit_needs_no_approval(make_user, demo_limits):
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    outcome = services.authority_require(
        actor=mary, action="goodwill", amount=D("10"), item_value=D("100"), description="goodwill"
    )
    assert outcome.may_proceed
    assert outcome.approval is None


@pytest.mark.django_db(transaction=True)
def test_above_the_limit_an_approval_request_goes_to_the_supervisor(
    make_user, demo_limits, run_worker
):
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    john = make_user(RoleCode.SUPERVISOR, email="john@example.com")
    outcome = services.authority_require(
        actor=mary,
        action="goodwill",
        amount=D("120"),
        item_value=D("120"),
        description="Full refund of a faulty widget",
    )
    run_worker()
    assert not outcome.may_proceed
    approval = outcome.approval
    assert approval.status == ApprovalStatus.PENDING
    assert approval.required_role.code == RoleCode.SUPERVISOR
    assert "$120.00 is above your authority" in approval.why_needed
    # The supervisor is told by email.
    assert [m.to for m in mail.outbox] == [[john.email]]
    assert f"#{approval.pk}" in mail.outbox[0].subject


def test_a_request_above_the_supervisor_goes_to_the_manager(make_user, demo_limits):
    mary = make_user()
    approval = services.approval_request_create(
        requested_by=mary, action="goodwill", amount="900", item_value="1000", description="x"
    )
    assert approval.required_role.code == RoleCode.CUSTOMER_SERVICE_MANAGER


def test_no_role_may_grant_it_is_a_clear_refusal(make_user, demo_limits):
    mary = make_user()
    with pytest.raises(DomainError, match="No role may approve"):
        services.approval_request_create(
            requested_by=mary, action="goodwill", amount="9000", item_value="9000", description="x"
        )


def test_asking_for_approval_of_what_you_may_do_yourself_is_refused(make_user, demo_limits):
    mary = make_user()
    with pytest.raises(DomainError, match="No approval needed"):
        services.approval_request_create(
            requested_by=mary, action="goodwill", amount="5", item_value="100", description="x"
        )


def _pending(make_user, amount="300", value="300"):
    requester = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    return services.approval_request_create(
        requested_by=requester,
        action="goodwill",
        amount=amount,
        item_value=value,
        description="Refund a faulty widget",
    )


def test_granting_needs_a_role_that_may_decide(make_user, demo_limits):
    approval = _pending(make_user)
    another_officer = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    with pytest.raises(NotPermitted, match="may not approve"):
        services.approval_request_decide(approval=approval, approver=another_officer, approve=True)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING


def test_a_supervisor_cannot_grant_above_their_own_limit(make_user, demo_limits):
    approval = _pending(make_user, amount="900", value="1000")  # routed to the manager
    john = make_user(RoleCode.SUPERVISOR)
    with pytest.raises(NotPermitted, match="does not cover"):
        services.approval_request_decide(approval=approval, approver=john, approve=True)


@pytest.mark.django_db(transaction=True)
def test_the_supervisor_grants_it_and_listeners_are_told(make_user, demo_limits, run_worker):
    approval = _pending(make_user)
    john = make_user(RoleCode.SUPERVISOR)
    heard = []

    def listener(sender, approval, **kwargs):
        heard.append((approval.pk, approval.status))

    approval_decided.connect(listener)
    try:
        decided = services.approval_request_decide(
            approval=approval, approver=john, approve=True, note="Faulty on arrival"
        )
    finally:
        approval_decided.disconnect(listener)
    run_worker()
    assert decided.status == ApprovalStatus.APPROVED
    assert decided.decided_by == john
    assert decided.decided_at is not None
    assert heard == [(approval.pk, ApprovalStatus.APPROVED)]
    # The requester hears of the decision.
    assert any("approved" in m.subject for m in mail.outbox)


def test_a_more_senior_role_may_grant_what_was_routed_to_a_junior_one(make_user, demo_limits):
    approval = _pending(make_user)
    grace = make_user(RoleCode.CUSTOMER_SERVICE_MANAGER)
    assert services.approval_request_decide(approval=approval, approver=grace, approve=True)


def test_nobody_decides_their_own_request(make_user, demo_limits):
    john = make_user(RoleCode.SUPERVISOR)
    approval = services.approval_request_create(
        requested_by=john, action="goodwill", amount="800", item_value="800", description="x"
    )
    with pytest.raises(NotPermitted, match="your own request"):
        services.approval_request_decide(approval=approval, approver=john, approve=True)


def test_a_decided_request_cannot_be_decided_again(make_user, demo_limits):
    approval = _pending(make_user)
    john = make_user(RoleCode.SUPERVISOR)
    services.approval_request_decide(approval=approval, approver=john, approve=True)
    with pytest.raises(Conflict, match="already approved"):
        services.approval_request_decide(approval=approval, approver=john, approve=False, note="no")


def test_a_rejection_must_say_why(make_user, demo_limits):
    approval = _pending(make_user)
    john = make_user(RoleCode.SUPERVISOR)
    with pytest.raises(DomainError, match="Say why"):
        services.approval_request_decide(approval=approval, approver=john, approve=False)
    services.approval_request_decide(
        approval=approval, approver=john, approve=False, note="Outside the refund window"
    )
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.REJECTED


def test_only_the_requester_withdraws(make_user, demo_limits):
    approval = _pending(make_user)
    other = make_user()
    with pytest.raises(NotPermitted):
        services.approval_request_withdraw(approval=approval, actor=other)
    services.approval_request_withdraw(approval=approval, actor=approval.requested_by)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.WITHDRAWN


def test_an_inactive_user_has_no_authority(make_user, demo_limits):
    mary = make_user()
    services.user_deactivate(user=mary)
    decision = selectors.authority_check(
        actor=mary, action="refund", amount=D("1"), item_value=D("100")
    )
    assert not decision.allowed


def test_only_an_administrator_changes_limits_and_the_values_are_checked(
    make_user, admin_user, demo_limits
):
    role = Role.objects.get(code=RoleCode.CUSTOMER_SERVICE_OFFICER)
    john = make_user(RoleCode.SUPERVISOR)
    with pytest.raises(NotPermitted):
        services.authority_limit_set(actor=john, role=role, action="refund", allowed=True)
    with pytest.raises(DomainError, match="between 0 and 100"):
        services.authority_limit_set(
            actor=admin_user, role=role, action="refund", allowed=True, percent_of_value="150"
        )
    with pytest.raises(DomainError, match="takes no amount"):
        services.authority_limit_set(
            actor=admin_user, role=role, action="close_complaint", allowed=True, max_amount="5"
        )
    services.authority_limit_set(
        actor=admin_user,
        role=role,
        action="refund",
        allowed=True,
        percent_of_value="15",
        max_amount="30",
    )
    limit = AuthorityLimit.objects.get(role=role, action="refund")
    assert (limit.percent_of_value, limit.max_amount) == (D("15"), D("30"))


def test_roles_sync_is_idempotent_and_maps_roles_to_permissions(db):
    services.roles_sync()
    services.roles_sync()
    assert Role.objects.count() == len(RoleCode)
    supervisor = Role.objects.get(code=RoleCode.SUPERVISOR).group
    officer = Role.objects.get(code=RoleCode.CUSTOMER_SERVICE_OFFICER).group
    auditor = Role.objects.get(code=RoleCode.AUDITOR).group
    assert supervisor.permissions.filter(codename="decide_approvalrequest").exists()
    assert not officer.permissions.filter(codename="decide_approvalrequest").exists()
    assert auditor.permissions.filter(codename="view_auditentry").exists()
    assert not auditor.permissions.exclude(codename__startswith="view_").exists()


def test_pending_approvals_are_reminded_once_per_interval(make_user, demo_limits, settings):
    from datetime import timedelta

    from django.utils import timezone

    from charter.accounts.models import ApprovalRequest
    from charter.accounts.tasks import remind_pending_approvals

    make_user(RoleCode.SUPERVISOR, email="john@example.com")
    approval = _pending(make_user)
    ApprovalRequest.objects.filter(pk=approval.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.CHARTER_APPROVAL_REMINDER_HOURS + 1)
    )
    mail.outbox.clear()
    assert remind_pending_approvals.call() == 1
    assert len(mail.outbox) == 1
    # Found by a query: the next run within the interval sends nothing more.
    assert remind_pending_approvals.call() == 0


@pytest.mark.parametrize("role", [RoleCode.ANALYST, RoleCode.ADMINISTRATOR, RoleCode.AUDITOR])
def test_only_roles_that_handle_money_may_ask_for_money(make_user, demo_limits, role):
    asker = make_user(role)
    with pytest.raises(NotPermitted) as refused:
        services.approval_request_create(
            requested_by=asker, action="refund", amount="120", item_value="120", description="x"
        )
    assert refused.value.message.startswith("Your role does not handle refunds")
    assert not selectors.approvals_waiting_for(make_user(RoleCode.SUPERVISOR)).exists()


def test_a_limit_that_says_not_allowed_is_still_a_role_that_asks(make_user, demo_limits):
    # The officer may give no compensation on her own: it goes to the supervisor.
    approval = services.approval_request_create(
        requested_by=make_user(), action="compensate", amount="50", description="Goodwill"
    )
    assert approval.required_role.code == RoleCode.SUPERVISOR
    assert selectors.actions_handled_by(make_user(RoleCode.ANALYST)) == set()
