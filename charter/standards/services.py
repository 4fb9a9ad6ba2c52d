"""Every write about the charter: drafting a version, approving it, acknowledging it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from charter.core.errors import Conflict, DomainError, NotPermitted

from .models import (
    Acknowledgement,
    CharterVersion,
    PolicyVersion,
    ProcedureStep,
    ServicePromise,
    VersionStatus,
)

PROMISE_FIELDS = ("event", "customer_type", "segment", "target", "unit", "percent", "wording")


def _require(actor, permission: str, doing: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise NotPermitted(f"Your role does not allow you to {doing}.")


@transaction.atomic
def charter_version_draft(*, actor, summary_of_changes: str = "") -> CharterVersion:
    """A new draft, starting from the current version's text and promises."""
    _require(actor, "standards.add_charterversion", "draft a new version of the charter")
    if CharterVersion.objects.filter(status=VersionStatus.DRAFT).exists():
        raise Conflict("A draft is already open: finish or approve it first.")
    current = CharterVersion.objects.filter(status=VersionStatus.APPROVED).first()
    number = (CharterVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = CharterVersion.objects.create(
        number=number,
        vision=current.vision if current else "",
        mission=current.mission if current else "",
        welcome=current.welcome if current else "",
        summary_of_changes=summary_of_changes,
        created_by=actor,
    )
    if current:
        ServicePromise.objects.bulk_create(
            ServicePromise(
                version=draft,
                measure=p.measure,
                **{f: getattr(p, f) for f in PROMISE_FIELDS},
            )
            for p in current.promises.all()
        )
    return draft


@transaction.atomic
def charter_version_approve(*, actor, version: CharterVersion) -> CharterVersion:
    """Approve a draft: it becomes the current charter and the previous one is superseded, in
    one transaction, so there is never a moment with none or two."""
    _require(actor, "standards.approve_charterversion", "approve the charter")
    version = CharterVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise Conflict(f"Version {version.number} is not a draft; only a draft can be approved.")
    if not version.promises.exists():
        raise DomainError("A charter without promises promises nothing: add them first.")
    now = timezone.now()
    CharterVersion.objects.filter(status=VersionStatus.APPROVED).update(
        status=VersionStatus.SUPERSEDED
    )
    version.status = VersionStatus.APPROVED
    version.approved_at = now
    version.approved_by = actor
    version.save(update_fields=["status", "approved_at", "approved_by"])
    return version


@transaction.atomic
def charter_acknowledge(*, user, version: CharterVersion) -> Acknowledgement:
    """The member of staff has read this version (acknowledgements are per version)."""
    if version.status != VersionStatus.APPROVED:
        raise Conflict("Only the current charter is acknowledged.")
    acknowledgement, _created = Acknowledgement.objects.get_or_create(version=version, user=user)
    return acknowledgement


POLICY_TEXT_FIELDS = ("purpose", "scope", "resources", "responsibility", "legislation")
STEP_FIELDS = ("procedure", "number", "text", "authority_limit", "refer_to_role", "form_name")


@transaction.atomic
def policy_version_draft(*, actor, policy, summary_of_changes: str = "") -> PolicyVersion:
    """A new draft of the policy, starting from its current text and steps."""
    _require(actor, "standards.add_policyversion", "draft a new version of a policy")
    if policy.versions.filter(status=VersionStatus.DRAFT).exists():
        raise Conflict(f"A draft of {policy} is already open: finish or approve it first.")
    current = policy.versions.filter(status=VersionStatus.APPROVED).first()
    number = (policy.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = PolicyVersion.objects.create(
        policy=policy,
        number=number,
        summary_of_changes=summary_of_changes,
        created_by=actor,
        **{f: getattr(current, f) if current else "" for f in POLICY_TEXT_FIELDS},
    )
    if current:
        ProcedureStep.objects.bulk_create(
            ProcedureStep(version=draft, **{f: getattr(s, f) for f in STEP_FIELDS})
            for s in current.steps.all()
        )
    return draft


@transaction.atomic
def policy_version_approve(*, actor, version: PolicyVersion) -> PolicyVersion:
    """Approve a draft policy: the previous version is superseded in the same transaction."""
    _require(actor, "standards.approve_policy", "approve policies")
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise Conflict(f"Version {version.number} is not a draft; only a draft can be approved.")
    missing = [f for f in ("purpose", "scope", "responsibility") if not getattr(version, f)]
    if missing:
        raise DomainError(f"A policy needs its {', '.join(missing)} before it is approved.")
    if not version.steps.exists():
        raise DomainError("A policy needs at least one numbered step before it is approved.")
    PolicyVersion.objects.filter(policy=version.policy, status=VersionStatus.APPROVED).update(
        status=VersionStatus.SUPERSEDED
    )
    version.status = VersionStatus.APPROVED
    version.approved_at = timezone.now()
    version.approved_by = actor
    version.save(update_fields=["status", "approved_at", "approved_by"])
    return version
