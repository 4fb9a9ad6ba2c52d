"""Reads of staff, roles, limits and approvals. Selectors own visibility."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from . import rules
from .models import (
    ApprovalRequest,
    ApprovalStatus,
    AuthorityAction,
    AuthorityLimit,
    AuthoritySettings,
    Role,
    StaffAbsence,
    Team,
    User,
)


def authority_settings() -> AuthoritySettings:
    """The organisation's reading of its procedure (created with the defaults the first time)."""
    return AuthoritySettings.objects.order_by("pk").first() or AuthoritySettings.objects.create()


def limits_for_user(user: User, *, action: str | None = None) -> list[rules.Limit]:
    """The limits of every role the user holds (one query). Inactive users hold none.

    While the organisation reads its procedure so that replacing a faulty product is within
    every staff member's authority, whoever holds any limit holds that one too, in place of
    their role's own "Replace a product" row."""
    if not user.is_active:
        return []
    limits = AuthorityLimit.objects.filter(role__group__user=user).select_related("role")
    if action:
        limits = limits.filter(action=action)
    replacing = action in (None, AuthorityAction.REPLACE)
    if replacing:  # the reading in force, in the same query
        limits = limits.annotate(
            everyone_replaces=Subquery(
                AuthoritySettings.objects.order_by("pk").values(
                    "replacement_within_everyones_authority"
                )[:1]
            )
        )
    limits = list(limits)
    found = [limit.as_rule() for limit in limits]
    if replacing and found and limits[0].everyone_replaces:
        senior = max(found, key=lambda limit: limit.rank)
        found = [limit for limit in found if limit.action != AuthorityAction.REPLACE]
        found.append(
            rules.Limit(
                role=senior.role,
                role_label=senior.role_label,
                rank=senior.rank,
                action=AuthorityAction.REPLACE,
                allowed=True,
                currency=senior.currency,
                source=rules.EVERY_STAFF_MEMBER,
            )
        )
    return found


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


def approvals_waiting_for(user: User, *, on: date | None = None) -> QuerySet[ApprovalRequest]:
    """Pending requests this user is senior enough to decide, or that wait for someone they
    stand in for today (not their own), oldest first."""
    if not user.has_perm("accounts.decide_approvalrequest"):
        return ApprovalRequest.objects.none()
    day = on or timezone.localdate()
    # The roles of whoever this user stands in for today, in the same query.
    covered = StaffAbsence.objects.filter(
        stand_in=user,
        starts_on__lte=day,
        ends_on__gte=day,
        user__groups__role=OuterRef("required_role"),
    )
    return (
        ApprovalRequest.objects.select_related("requested_by", "required_role")
        .filter(status=ApprovalStatus.PENDING)
        .filter(Q(required_role__rank__lte=user_max_rank(user)) | Exists(covered))
        .exclude(requested_by=user)
        .order_by("created_at", "pk")
    )


def approvals_requested_by(user: User) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.select_related("required_role", "decided_by").filter(
        requested_by=user
    )


def users_with_role(code: str) -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__role__code=code).distinct()


# --- Leave --------------------------------------------------------------------------------------
def _away_on(day: date) -> Exists:
    """Whether the user in the outer query is on leave on ``day`` (one subquery, so both
    bounds apply to the same leave)."""
    return Exists(
        StaffAbsence.objects.filter(user=OuterRef("pk"), starts_on__lte=day, ends_on__gte=day)
    )


def absence_on(user: User, day: date | None = None) -> StaffAbsence | None:
    """The user's leave covering ``day`` (today), with its stand-in; None when they are here."""
    day = day or timezone.localdate()
    return (
        StaffAbsence.objects.select_related("stand_in")
        .filter(user=user, starts_on__lte=day, ends_on__gte=day)
        .first()
    )


def present(user: User | None, day: date | None = None) -> User | None:
    """Who acts for ``user`` on ``day``: themselves when here; while they are away, their
    stand-in (when one is set, active and here). None when nobody can."""
    if user is None:
        return None
    away = absence_on(user, day)
    if away is None:
        return user
    stand_in = away.stand_in
    if stand_in is not None and stand_in.is_active and absence_on(stand_in, day) is None:
        return stand_in
    return None


def holder_present(code: str, day: date | None = None) -> User | None:
    """The first holder of a role who is here on ``day``; when every holder is away, the first
    one's stand-in; failing that, the first holder (someone must own the work)."""
    day = day or timezone.localdate()
    holders = users_with_role(code).order_by("pk")
    here = holders.filter(~_away_on(day)).first()
    if here is not None:
        return here
    first = holders.first()
    return present(first, day) or first


def approvers_to_tell(code: str, day: date | None = None) -> list[User]:
    """Who is told of a request routed to a role: its holders who are here, and the stand-ins
    of those who are away (the person away is not emailed). Two queries."""
    day = day or timezone.localdate()
    holders = users_with_role(code).order_by("pk")
    here = list(holders.filter(~_away_on(day)))
    stand_ins = (
        User.objects.filter(
            is_active=True,
            standing_in__user__in=holders,
            standing_in__starts_on__lte=day,
            standing_in__ends_on__gte=day,
        )
        .filter(~_away_on(day))
        .distinct()
        .order_by("pk")
    )
    seen = {user.pk for user in here}
    return here + [user for user in stand_ins if user.pk not in seen]


def absences_of(user: User) -> QuerySet[StaffAbsence]:
    return StaffAbsence.objects.select_related("stand_in", "recorded_by").filter(user=user)


def away_days(usernames) -> dict[str, list[tuple[date, date]]]:
    """Each named person's recorded leave, as (first day, last day) pairs: what the demo reads
    to know who took calls on a day."""
    found: dict[str, list[tuple[date, date]]] = {}
    rows = StaffAbsence.objects.filter(user__username__in=list(usernames)).values_list(
        "user__username", "starts_on", "ends_on"
    )
    for username, starts_on, ends_on in rows:
        found.setdefault(username, []).append((starts_on, ends_on))
    return found


def stand_in_choices(user: User) -> QuerySet[User]:
    """Who may be chosen to stand in for ``user``: active staff other than them."""
    return User.objects.filter(is_active=True).exclude(pk=user.pk).order_by("first_name")


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
