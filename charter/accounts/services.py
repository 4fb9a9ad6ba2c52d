"""Every write about staff, roles, authority limits and approvals. One transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from charter.core.errors import Conflict, DomainError, NotPermitted
from charter.core.guards import clean_text, require
from charter.core.money import format_money, quantize
from charter.core.tasks import enqueue_on_commit

from . import rules, selectors
from .models import (
    VALUED_ACTIONS,
    AbsenceReason,
    ApprovalRequest,
    ApprovalStatus,
    AuthorityAction,
    AuthorityLimit,
    AuthoritySettings,
    Role,
    RoleCode,
    StaffAbsence,
    Team,
    User,
)
from .roles import ROLE_SPECS, SPECS_BY_CODE
from .signals import approval_decided


# --- Roles ------------------------------------------------------------------------------------
def roles_sync() -> list[Role]:
    """Create each role's group and give it exactly the permissions of ``roles.ROLE_SPECS``.

    Idempotent; run after every migrate so new permissions reach the roles.
    """
    roles = []
    with transaction.atomic():
        for spec in ROLE_SPECS:
            label = RoleCode(spec.code).label
            role = Role.objects.select_related("group").filter(code=spec.code).first()
            if role is None:
                group, _ = Group.objects.get_or_create(name=label)
                role = Role.objects.create(
                    code=spec.code, group=group, rank=spec.rank, description=spec.description
                )
            elif (role.rank, role.description) != (spec.rank, spec.description):
                role.rank, role.description = spec.rank, spec.description
                role.save(update_fields=["rank", "description"])
            wanted = set()
            for dotted in spec.permissions:
                app_label, codename = dotted.split(".")
                wanted.update(
                    Permission.objects.filter(
                        content_type__app_label=app_label, codename=codename
                    ).values_list("pk", flat=True)
                )
            current = set(role.group.permissions.values_list("pk", flat=True))
            if wanted != current:
                role.group.permissions.set(wanted)
            roles.append(role)
    return roles


def user_set_roles(*, user: User, roles: list[str]) -> User:
    unknown = [code for code in roles if code not in SPECS_BY_CODE]
    if unknown:
        raise DomainError(f"Unknown role: {', '.join(unknown)}.")
    groups = Group.objects.filter(role__code__in=roles)
    with transaction.atomic():
        user.groups.set(groups)
        user.__dict__.pop("role_codes", None)
        staff_site = any(SPECS_BY_CODE[code].staff_site for code in roles)
        if user.is_staff != staff_site and not user.is_superuser:
            user.is_staff = staff_site
            user.save(update_fields=["is_staff"])
    return user


# --- Staff and teams --------------------------------------------------------------------------
def team_ensure(*, name: str, parent: Team | None = None, purpose: str = "") -> Team:
    team, _created = Team.objects.get_or_create(
        slug=slugify(name), defaults={"name": name, "parent": parent, "purpose": purpose}
    )
    return team


@transaction.atomic
def user_create(
    *,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
    team: Team | None = None,
    roles: list[str] | None = None,
    job_title: str = "",
    started_on: date | None = None,
) -> User:
    username = username.strip().lower()
    if not username:
        raise DomainError("A username is needed.", field="username")
    if User.objects.filter(username=username).exists():
        raise Conflict(f"The username {username!r} is taken.", field="username")
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        team=team,
        job_title=job_title,
        started_on=started_on,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if roles:
        user_set_roles(user=user, roles=roles)
    return user


@transaction.atomic
def user_deactivate(*, user: User, left_on: date | None = None) -> User:
    """Staff who leave keep their history: the account is closed, never deleted."""
    user.is_active = False
    user.left_on = left_on or timezone.localdate()
    user.save(update_fields=["is_active", "left_on"])
    return user


# --- Authority limits -------------------------------------------------------------------------
def _parse_decimal(
    value, label: str, *, field: str | None = None, negative: bool = True
) -> Decimal | None:
    """A number, or None when blank; ``negative=False`` refuses one below 0 with a sentence."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise DomainError(f"{label} must be a number.", field=field) from error
    if not number.is_finite():
        raise DomainError(f"{label} must be a number.", field=field)
    if not negative and number < 0:
        raise DomainError(f"{label} cannot be negative: enter 0 or more.", field=field)
    return number


@transaction.atomic
def authority_limit_set(
    *,
    actor: User,
    role: Role,
    action: str,
    allowed: bool,
    percent_of_value=None,
    max_amount=None,
    currency: str = "AUD",
    note: str = "",
) -> AuthorityLimit:
    """Create or change a role's limit for an action. Only administrators may; it is audited."""
    if not actor.has_perm("accounts.change_authoritylimit"):
        raise NotPermitted("Only an administrator may change authority limits.")
    if action not in AuthorityAction.values:
        raise DomainError(f"Unknown action {action!r}.", field="action")
    percent = _parse_decimal(percent_of_value, "The percentage", field="percent_of_value")
    cap = _parse_decimal(max_amount, "The cap", field="max_amount", negative=False)
    if percent is not None and not 0 <= percent <= 100:
        raise DomainError("The percentage must be between 0 and 100.", field="percent_of_value")
    if action not in VALUED_ACTIONS and (percent is not None or cap is not None):
        raise DomainError(
            f"“{AuthorityAction(action).label}” is allowed or not; it takes no amount.",
            field="percent_of_value",
        )
    if not allowed:
        percent = cap = None
    # Stored as the database will hold them, so the audit trail shows "40.00", not "40".
    percent = None if percent is None else quantize(percent)
    cap = None if cap is None else quantize(cap)
    limit = AuthorityLimit.objects.filter(role=role, action=action).first() or AuthorityLimit(
        role=role, action=action
    )
    limit.allowed = allowed
    limit.percent_of_value = percent
    limit.max_amount = cap
    limit.currency = currency.upper()
    limit.note = note
    limit.save()
    return limit


@transaction.atomic
def authority_settings_set(
    *, actor: User, replacement_within_everyones_authority: bool
) -> AuthoritySettings:
    """Choose how the complaints procedure's step 6 is read: replacing a faulty product within
    every staff member's authority, or as each role's limit says. Audited."""
    require(actor, "accounts.change_authoritysettings", "change how authority is read")
    current = selectors.authority_settings()
    current = AuthoritySettings.objects.select_for_update().get(pk=current.pk)
    wanted = bool(replacement_within_everyones_authority)
    if current.replacement_within_everyones_authority != wanted:
        current.replacement_within_everyones_authority = wanted
        current.updated_at = timezone.now()
        current.save(update_fields=["replacement_within_everyones_authority", "updated_at"])
    return current


# --- Leave ------------------------------------------------------------------------------------
def _person(user: User) -> rules.Person:
    return rules.Person(
        name=str(user),
        active=user.is_active,
        decides_approvals=user.has_perm("accounts.decide_approvalrequest"),
        rank=selectors.user_max_rank(user),
    )


def _overlap(user: User, starts_on: date, ends_on: date, *, besides: int | None = None):
    found = StaffAbsence.objects.filter(user=user, starts_on__lte=ends_on, ends_on__gte=starts_on)
    if besides is not None:
        found = found.exclude(pk=besides)
    first = found.order_by("starts_on").first()
    return (first.starts_on, first.ends_on) if first else None


def _absence_values(absence: StaffAbsence, *, starts_on, ends_on, reason, stand_in, note) -> None:
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise DomainError("Give the first and the last day away.", field="starts_on")
    if reason not in AbsenceReason.values:
        raise DomainError("Choose the reason for the leave.", field="reason")
    note = clean_text(note, 255, "The note", "note")
    problem = rules.absence_problem(
        starts_on=starts_on,
        ends_on=ends_on,
        person=_person(absence.user),
        stand_in=_person(stand_in) if stand_in is not None else None,
        own_overlap=_overlap(absence.user, starts_on, ends_on, besides=absence.pk),
        stand_in_away=_overlap(stand_in, starts_on, ends_on) if stand_in is not None else None,
    )
    if problem:
        raise DomainError(problem[1], field=problem[0])
    absence.starts_on, absence.ends_on, absence.reason = starts_on, ends_on, reason
    absence.stand_in, absence.note = stand_in, note


@transaction.atomic
def absence_record(
    *,
    actor: User | None,
    user: User,
    starts_on: date,
    ends_on: date,
    reason: str = AbsenceReason.ANNUAL_LEAVE,
    stand_in: User | None = None,
    note: str = "",
) -> StaffAbsence:
    """Record that someone is away from one day to another, and who stands in. Audited."""
    require(actor, "accounts.add_staffabsence", "record staff leave")
    absence = StaffAbsence(user=user, recorded_by=actor)
    _absence_values(
        absence, starts_on=starts_on, ends_on=ends_on, reason=reason, stand_in=stand_in, note=note
    )
    absence.save()
    return absence


@transaction.atomic
def absence_update(
    *,
    actor: User | None,
    absence: StaffAbsence,
    starts_on: date,
    ends_on: date,
    reason: str,
    stand_in: User | None = None,
    note: str = "",
) -> StaffAbsence:
    require(actor, "accounts.change_staffabsence", "change staff leave")
    absence = StaffAbsence.objects.select_for_update().select_related("user").get(pk=absence.pk)
    _absence_values(
        absence, starts_on=starts_on, ends_on=ends_on, reason=reason, stand_in=stand_in, note=note
    )
    absence.save()
    return absence


@transaction.atomic
def absence_remove(*, actor: User | None, absence: StaffAbsence) -> None:
    """Take back leave recorded in error (the audit trail keeps what it was)."""
    require(actor, "accounts.delete_staffabsence", "remove staff leave")
    absence.delete()


# --- Approvals --------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuthorityOutcome:
    """What happened to an action that needs authority: done now, or waiting for approval."""

    decision: rules.Decision
    approval: ApprovalRequest | None

    @property
    def may_proceed(self) -> bool:
        return self.decision.allowed


def _amount_words(action: str, amount, item_value, currency: str) -> str:
    if action not in VALUED_ACTIONS:
        return AuthorityAction(action).label.lower()
    text = f"{AuthorityAction(action).label.lower()} of {format_money(amount, currency)}"
    if item_value is not None:
        text += f" on an item worth {format_money(item_value, currency)}"
    return text


@transaction.atomic
def approval_request_create(
    *,
    requested_by: User,
    action: str,
    description: str,
    amount=None,
    item_value=None,
    currency: str = "AUD",
    subject=None,
) -> ApprovalRequest:
    """Ask for approval of an action above the requester's authority.

    Routed to the most junior role whose own limit covers it. Open only to roles that handle
    the action (a limit for it, whatever its amount): an analyst's or an administrator's
    refund is refused (403), not queued for a supervisor. Refused too when the requester may
    do it themselves, or when no role may.
    """
    if action not in AuthorityAction.values:
        raise DomainError(f"Unknown action {action!r}.", field="action")
    amount = _parse_decimal(amount, "The amount", field="amount", negative=False)
    item_value = _parse_decimal(item_value, "The item's value", field="item_value", negative=False)
    decision = selectors.authority_check(
        actor=requested_by, action=action, amount=amount, item_value=item_value, currency=currency
    )
    if not decision.handles:
        raise NotPermitted(decision.reason, field="action")
    if not description.strip():
        raise DomainError("Say what the approval is for.", field="description")
    if decision.allowed:
        raise DomainError(f"No approval needed: {decision.reason}")
    if action in VALUED_ACTIONS and amount is None:
        raise DomainError(decision.reason, field="amount")
    granting = rules.granting_roles(
        selectors.approver_limits(action=action),
        action=action,
        amount=amount,
        item_value=item_value,
        currency=currency,
    )
    if not granting:
        raise DomainError(
            f"No role may approve a {_amount_words(action, amount, item_value, currency)}. "
            "Ask an administrator to review the authority limits."
        )
    approval = ApprovalRequest(
        action=action,
        amount=amount,
        item_value=item_value,
        currency=currency,
        description=description.strip(),
        why_needed=decision.reason,
        requested_by=requested_by,
        required_role=Role.objects.get(code=granting[0].role),
    )
    if subject is not None:
        approval.subject = subject
    approval.save()
    enqueue_on_commit("charter.accounts.tasks.notify_approvers", approval.pk)
    return approval


def authority_require(
    *,
    actor: User,
    action: str,
    description: str,
    amount=None,
    item_value=None,
    currency: str = "AUD",
    subject=None,
) -> AuthorityOutcome:
    """The one door for an action that needs authority: allowed now, or an approval request.

    Higher apps call this before a refund, replacement or compensation and proceed only when
    ``may_proceed``; otherwise they wait for ``approval_decided``.
    """
    decision = selectors.authority_check(
        actor=actor, action=action, amount=amount, item_value=item_value, currency=currency
    )
    if decision.allowed:
        return AuthorityOutcome(decision=decision, approval=None)
    approval = approval_request_create(
        requested_by=actor,
        action=action,
        description=description,
        amount=amount,
        item_value=item_value,
        currency=currency,
        subject=subject,
    )
    return AuthorityOutcome(decision=decision, approval=approval)


@transaction.atomic
def approval_request_decide(
    *, approval: ApprovalRequest, approver: User, approve: bool, note: str = ""
) -> ApprovalRequest:
    """Approve or reject. The approver needs the approval permission and their own authority
    must cover the request; nobody decides their own request."""
    approval = ApprovalRequest.objects.select_for_update().get(pk=approval.pk)
    if approval.status != ApprovalStatus.PENDING:
        raise Conflict(f"This request is already {approval.get_status_display().lower()}.")
    if approval.requested_by_id == approver.pk:
        raise NotPermitted("You cannot decide your own request; another approver must.")
    if not approver.has_perm("accounts.decide_approvalrequest"):
        raise NotPermitted("Your role may not approve or reject requests.")
    if not approve and not note.strip():
        raise DomainError(
            "Say why the request is rejected, so the requester can act on it.", field="note"
        )
    if approve:
        decision = selectors.authority_check(
            actor=approver,
            action=approval.action,
            amount=approval.amount,
            item_value=approval.item_value,
            currency=approval.currency,
        )
        if not decision.allowed:
            raise NotPermitted(
                "Your own authority does not cover this request: "
                + decision.reason.replace("it needs approval", "it needs a more senior approver")
            )
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    approval.decided_by = approver
    approval.decided_at = timezone.now()
    approval.decision_note = note.strip()
    approval.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    transaction.on_commit(lambda: approval_decided.send(sender=ApprovalRequest, approval=approval))
    enqueue_on_commit("charter.accounts.tasks.notify_requester", approval.pk)
    return approval


@transaction.atomic
def approval_request_withdraw(*, approval: ApprovalRequest, actor: User) -> ApprovalRequest:
    approval = ApprovalRequest.objects.select_for_update().get(pk=approval.pk)
    if approval.requested_by_id != actor.pk:
        raise NotPermitted("Only the person who asked may withdraw a request.")
    if approval.status != ApprovalStatus.PENDING:
        raise Conflict(f"This request is already {approval.get_status_display().lower()}.")
    approval.status = ApprovalStatus.WITHDRAWN
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.save(update_fields=["status", "decided_by", "decided_at"])
    return approval


def approval_mark_reminded(*, approval_ids: list[int]) -> int:
    return ApprovalRequest.objects.filter(pk__in=approval_ids).update(reminded_at=timezone.now())
