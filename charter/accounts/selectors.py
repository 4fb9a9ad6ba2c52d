"""Reads of staff, roles, limits and approvals. Selectors own visibility."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Max, Prefetch, Q, QuerySet

from . import rules
from .models import ApprovalRequest, ApprovalStatus, AuthorityLimit, Role, Team, User


def limits_for_user(user: User, *, action: str | None = None) -> list[rules.Limit]:
    """The limits of every role the user holds (one query). Inactive users hold none."""
    if not user.is_active:
        return []
    limits = AuthorityLimit.objects.filter(role__group__user=user).select_related("role")
    if action:
        limits = limits.filter(action=action)
    return [limit.as_rule() for limit in limits]


def actions_handled_by(user: User) -> set[str]:
    """The actions the user's roles have a limit for, whatever its amount: theirs to take or
    to ask approval for (one query)."""
    if not user.is_active:
        return set()
    return set(
        AuthorityLimit.objects.filter(role__group__user=user).values_list("action", flat=True)
    )


def all_limits(*, action: str | None = None) -> list[rules.Limit]:
    limits = AuthorityLimit.objects.select_related("role")
    if action:
        limits = limits.filter(action=action)
    return [limit.as_rule() for limit in limits]


def approver_limits(*, action: str) -> list[rules.Limit]:
    """Limits of the roles that may decide approval requests (an officer's limit is not one)."""
    limits = AuthorityLimit.objects.filter(
        action=action,
        role__group__permissions__codename="decide_approvalrequest",
        role__group__permissions__content_type__app_label="accounts",
    ).select_related("role")
    return [limit.as_rule() for limit in limits]


def authority_check(
    *,
    actor: User,
    action: str,
    amount: Decimal | None = None,
    item_value: Decimal | None = None,
    currency: str = "AUD",
) -> rules.Decision:
    return rules.decide(
        limits_for_user(actor, action=action),
        action=action,
        amount=amount,
        item_value=item_value,
        currency=currency,
    )


def authority_limit_table() -> QuerySet[AuthorityLimit]:
    return AuthorityLimit.objects.select_related("role").order_by(
        "role__rank", "role__code", "action"
    )


def roles_with_limits() -> QuerySet[Role]:
    return Role.objects.prefetch_related(
        Prefetch("authority_limits", queryset=AuthorityLimit.objects.order_by("action"))
    ).order_by("rank", "code")


def user_max_rank(user: User) -> int:
    return Role.objects.filter(group__user=user).aggregate(top=Max("rank"))["top"] or 0


def approvals_visible_to(user: User) -> QuerySet[ApprovalRequest]:
    """Approval requests the user may see: their own; those routed to a role at or below theirs
    if they approve; all of them for auditors."""
    requests = ApprovalRequest.objects.select_related(
        "requested_by", "required_role", "decided_by", "subject_type"
    )
    if user.is_superuser or user.has_perm("core.view_auditentry"):
        return requests
    visible = Q(requested_by=user)
    if user.has_perm("accounts.decide_approvalrequest"):
        visible |= Q(required_role__rank__lte=user_max_rank(user))
    return requests.filter(visible)


def approvals_waiting_for(user: User) -> QuerySet[ApprovalRequest]:
    """Pending requests this user is senior enough to decide (not their own), oldest first."""
    if not user.has_perm("accounts.decide_approvalrequest"):
        return ApprovalRequest.objects.none()
    return (
        ApprovalRequest.objects.select_related("requested_by", "required_role")
        .filter(status=ApprovalStatus.PENDING, required_role__rank__lte=user_max_rank(user))
        .exclude(requested_by=user)
        .order_by("created_at", "pk")
    )


def approvals_requested_by(user: User) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.select_related("required_role", "decided_by").filter(
        requested_by=user
    )


def users_with_role(code: str) -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__role__code=code).distinct()


def staff_directory() -> QuerySet[Team]:
    """Teams with their members and the members' roles, in four queries whatever the size."""
    members = (
        User.objects.filter(is_active=True)
        .prefetch_related("groups__role")
        .order_by("first_name", "last_name")
    )
    return (
        Team.objects.select_related("parent", "lead")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("parent__name", "name")
    )


def user_profile(pk: int) -> User:
    return User.objects.select_related("team").prefetch_related("groups__role").get(pk=pk)
