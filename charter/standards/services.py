"""Every write about the charter and the policies: drafting a version, editing the draft,
approving it (which tells the staff it binds) and acknowledging it.

Only a draft can be edited: an approved version is what staff acknowledged and what deadlines
were computed from, so it never changes; a change is a new version."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from charter.core.errors import Conflict, DomainError
from charter.core.guards import clean_text, require
from charter.core.services import checked_hours
from charter.core.tasks import enqueue_on_commit

from . import rules
from .models import (
    DEADLINE_UNITS,
    Acknowledgement,
    ChannelOffer,
    CharterVersion,
    CustomerNeed,
    Policy,
    PolicyVersion,
    ProcedureStep,
    PromiseUnit,
    ServicePromise,
    VersionStatus,
)

PROMISE_FIELDS = (
    "event",
    "customer_type",
    "segment",
    "topic",
    "target",
    "unit",
    "percent",
    "wording",
    "measure",
)
CHARTER_TEXT_FIELDS = ("vision", "mission", "welcome", "external_dispute_body")
NEED_FIELDS = ("customer_type", "needs", "communication")
CHANNEL_FIELDS = ("channel", "opening_hours", "hours", "suited_to")


@transaction.atomic
def charter_version_draft(*, actor, summary_of_changes: str = "") -> CharterVersion:
    """A new draft, starting from the current version's text and promises."""
    require(actor, "standards.add_charterversion", "draft a new version of the charter")
    if CharterVersion.objects.filter(status=VersionStatus.DRAFT).exists():
        raise Conflict("A draft is already open: finish or approve it first.")
    current = CharterVersion.objects.filter(status=VersionStatus.APPROVED).first()
    number = (CharterVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = CharterVersion.objects.create(
        number=number,
        summary_of_changes=summary_of_changes,
        created_by=actor,
        **{f: getattr(current, f) if current else "" for f in CHARTER_TEXT_FIELDS},
    )
    if current:
        for model, fields, related in (
            (ServicePromise, PROMISE_FIELDS, current.promises),
            (CustomerNeed, NEED_FIELDS, current.needs),
            (ChannelOffer, CHANNEL_FIELDS, current.channels),
        ):
            model.objects.bulk_create(
                model(version=draft, **{f: getattr(item, f) for f in fields})
                for item in related.all()
            )
    return draft


def _merged(item, fields: tuple[str, ...], given: dict) -> dict:
    """The values a part of a draft will have: those given, else its current ones; text is
    stripped and a missing text is empty."""
    values = {f: given.get(f, getattr(item, f) if item else None) for f in fields}
    return {f: v.strip() if isinstance(v, str) else v for f, v in values.items()}


def _write(item, model, version, values: dict):
    """Save a new or changed part of a draft (a promise, a need, a channel, a step)."""
    item = item or model(version=version)
    for name, value in values.items():
        setattr(item, name, value)
    item.save()
    return item


def _editable(version, what: str = "charter") -> None:
    if version.status != VersionStatus.DRAFT:
        raise Conflict(
            f"Version {version.number} is {version.get_status_display().lower()}: only a draft "
            f"can be changed. Start a new draft of the {what} to change it."
        )


@transaction.atomic
def charter_version_update(*, actor, version: CharterVersion, **fields) -> CharterVersion:
    """Change a draft's vision, mission, welcome, dispute body or summary of changes."""
    require(actor, "standards.change_charterversion", "edit the charter")
    _editable(version)
    allowed = {*CHARTER_TEXT_FIELDS, "summary_of_changes"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(version, name, (value or "").strip())
    version.save(update_fields=[*fields])
    return version


def _check_promise(fields: dict) -> None:
    if fields.get("customer_type") and fields.get("segment"):
        raise DomainError(
            "A promise applies to everyone, to one customer type or to one segment, not both.",
            field="segment",
        )
    target = fields.get("target")
    if target is None or target <= 0:
        raise DomainError("The target must be more than zero.", field="target")
    unit, percent = fields.get("unit"), fields.get("percent")
    if unit == PromiseUnit.SECONDS and percent is None:
        raise DomainError(
            "A promise in seconds is a service level: say what share of events must meet it "
            "(e.g. 80%).",
            field="percent",
        )
    if percent is not None and not (0 < percent <= 100):
        raise DomainError("The share must be between 0 and 100%.", field="percent")
    if unit in DEADLINE_UNITS and unit != PromiseUnit.BUSINESS_HOURS and target != int(target):
        raise DomainError("Days are counted whole: use a whole number of days.", field="target")
    if not (fields.get("wording") or "").strip():
        raise DomainError("Say the promise as customers will read it.", field="wording")
    if not (fields.get("measure") or "").strip():
        raise DomainError(
            "Say how the promise is checked, e.g. from the order's placed time to delivery.",
            field="measure",
        )


@transaction.atomic
def promise_save(
    *, actor, version: CharterVersion, promise: ServicePromise | None = None, **fields
) -> ServicePromise:
    """Add a promise to a draft, or change one of its promises."""
    require(
        actor,
        "standards.change_servicepromise" if promise else "standards.add_servicepromise",
        "change the charter's promises",
    )
    _editable(version)
    if promise is not None and promise.version_id != version.pk:
        raise DomainError("That promise belongs to another version.")
    values = _merged(promise, PROMISE_FIELDS, fields)
    values["topic"], values["measure"] = values["topic"] or "", values["measure"] or ""
    _check_promise(values)
    return _write(promise, ServicePromise, version, values)


@transaction.atomic
def promise_remove(*, actor, promise: ServicePromise) -> None:
    require(actor, "standards.delete_servicepromise", "remove the charter's promises")
    _editable(promise.version)
    promise.delete()


@transaction.atomic
def need_save(*, actor, version: CharterVersion, need: CustomerNeed | None = None, **fields):
    """Record what a customer type needs and how to talk to them, in a draft."""
    require(actor, "standards.change_charterversion", "edit the charter")
    _editable(version)
    values = _merged(need, NEED_FIELDS, fields)
    values["communication"] = values["communication"] or ""
    if values["customer_type"] is None:
        raise DomainError("Choose the customer type.", field="customer_type")
    if not (values["needs"] or "").strip():
        raise DomainError("List at least one need, one per line.", field="needs")
    clash = version.needs.filter(customer_type=values["customer_type"])
    if need is not None:
        clash = clash.exclude(pk=need.pk)
    if clash.exists():
        raise DomainError(
            f"This version already describes {values['customer_type']}: edit that entry.",
            field="customer_type",
        )
    return _write(need, CustomerNeed, version, values)


@transaction.atomic
def channel_save(*, actor, version: CharterVersion, offer: ChannelOffer | None = None, **fields):
    """Offer a channel in a draft, or change one: its opening hours by day (``opening_hours``,
    see ``WeeklyHours``: promises about what comes in on it run on them), a note on the hours
    (``hours``: what they do not say, e.g. by appointment) and what it suits."""
    require(actor, "standards.change_charterversion", "edit the charter")
    _editable(version)
    values = _merged(offer, CHANNEL_FIELDS, fields)
    values["suited_to"] = values["suited_to"] or ""
    values["hours"] = values["hours"] or ""
    if not values["channel"]:
        raise DomainError("Choose the channel.", field="channel")
    hours = checked_hours(values["opening_hours"], field="opening_hours", required=False)
    values["opening_hours"] = hours.to_data()
    if not hours.is_set and not values["hours"]:
        raise DomainError(
            "Say when the channel is open: its hours by day, or a note such as “open at any "
            "time; answered on the next business day”.",
            field="hours",
        )
    if len(values["hours"]) > 120:
        raise DomainError(
            "The note on the hours is too long: at most 120 characters.", field="hours"
        )
    clash = version.channels.filter(channel=values["channel"])
    if offer is not None:
        clash = clash.exclude(pk=offer.pk)
    if clash.exists():
        raise DomainError("This channel is already offered: edit that entry.", field="channel")
    return _write(offer, ChannelOffer, version, values)


@transaction.atomic
def charter_part_remove(*, actor, part: CustomerNeed | ChannelOffer) -> None:
    """Remove a customer type's needs or a channel from a draft."""
    require(actor, "standards.change_charterversion", "edit the charter")
    _editable(part.version)
    part.delete()


@transaction.atomic
def charter_version_approve(*, actor, version: CharterVersion) -> CharterVersion:
    """Approve a draft: it becomes the current charter and the previous one is superseded, in
    one transaction, so there is never a moment with none or two."""
    require(actor, "standards.approve_charterversion", "approve the charter")
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
    enqueue_on_commit("charter.standards.tasks.notify_new_version", "charter", version.pk)
    return version


@transaction.atomic
def charter_acknowledge(*, user, version: CharterVersion) -> Acknowledgement:
    """The member of staff has read this version (acknowledgements are per version)."""
    if version.status != VersionStatus.APPROVED:
        raise Conflict("Only the current charter is acknowledged.")
    acknowledgement, _created = Acknowledgement.objects.get_or_create(
        charter_version=version, user=user
    )
    return acknowledgement


@transaction.atomic
def policy_acknowledge(*, user, version: PolicyVersion) -> Acknowledgement:
    """The member of staff has read this version of the policy."""
    if version.status != VersionStatus.APPROVED:
        raise Conflict("Only a policy's current version is acknowledged.")
    acknowledgement, _created = Acknowledgement.objects.get_or_create(
        policy_version=version, user=user
    )
    return acknowledgement


@transaction.atomic
def policy_create(*, actor, title: str, slug: str, teams=()) -> Policy:
    """A new policy, with no version yet: draft its first version next."""
    require(actor, "standards.add_policy", "create policies")
    title, slug = (title or "").strip(), (slug or "").strip()
    if not title:
        raise DomainError("Give the policy a title.", field="title")
    if not slug:
        raise DomainError("Give the policy a short name for its address.", field="slug")
    if Policy.objects.filter(title__iexact=title).exists():
        raise DomainError("A policy with this title already exists.", field="title")
    if Policy.objects.filter(slug=slug).exists():
        raise DomainError("A policy already uses this short name.", field="slug")
    policy = Policy.objects.create(title=title, slug=slug)
    policy.teams.set(teams)
    return policy


@transaction.atomic
def policy_update(*, actor, policy: Policy, title: str | None = None, teams=None) -> Policy:
    """Rename a policy or change the teams it binds (its content changes by versions)."""
    require(actor, "standards.change_policy", "change policies")
    if title is not None:
        title = title.strip()
        if not title:
            raise DomainError("Give the policy a title.", field="title")
        if Policy.objects.filter(title__iexact=title).exclude(pk=policy.pk).exists():
            raise DomainError("A policy with this title already exists.", field="title")
        policy.title = title
        policy.save(update_fields=["title"])
    if teams is not None:
        policy.teams.set(teams)
    return policy


POLICY_TEXT_FIELDS = ("purpose", "scope", "resources", "responsibility", "legislation")
STEP_FIELDS = ("procedure", "number", "text", "authority_limit", "refer_to_role", "form_name")


@transaction.atomic
def policy_version_draft(*, actor, policy, summary_of_changes: str = "") -> PolicyVersion:
    """A new draft of the policy, starting from its current text and steps."""
    require(actor, "standards.add_policyversion", "draft a new version of a policy")
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
    require(actor, "standards.approve_policy", "approve policies")
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
    # The template's "Updated / authorised" line: the approver, unless the draft names who
    # authorised it (a policy signed off outside Charter, e.g. by the CFO).
    if version.authorised_on is None:
        version.authorised_on = timezone.localdate().replace(day=1)
    if not version.authorised_by_name and actor is not None:
        version.authorised_by_name = " ".join(
            part for part in (actor.get_full_name() or actor.username, actor.job_title) if part
        )
    version.save(
        update_fields=[
            "status",
            "approved_at",
            "approved_by",
            "authorised_on",
            "authorised_by_name",
        ]
    )
    enqueue_on_commit("charter.standards.tasks.notify_new_version", "policy", version.pk)
    return version


@transaction.atomic
def policy_version_update(*, actor, version: PolicyVersion, **fields) -> PolicyVersion:
    """Change a draft policy's template fields."""
    require(actor, "standards.change_policyversion", "edit policies")
    _editable(version, "policy")
    allowed = {*POLICY_TEXT_FIELDS, "summary_of_changes", "authorised_on", "authorised_by_name"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        if name == "authorised_on":
            value = _month(value)
        elif name == "authorised_by_name":
            value = clean_text(value, 200, "Who authorised it", name)
        else:
            value = (value or "").strip()
        setattr(version, name, value)
    version.save(update_fields=[*fields])
    return version


def _month(value) -> date | None:
    """The month a policy was authorised: a date (kept as the 1st) or "MM/YYYY"."""
    if value is None or isinstance(value, date):
        return value.replace(day=1) if value else None
    try:
        return rules.parse_month(str(value))
    except ValueError as error:
        raise DomainError(str(error), field="authorised_on") from None


@transaction.atomic
def step_save(
    *, actor, version: PolicyVersion, step: ProcedureStep | None = None, **fields
) -> ProcedureStep:
    """Add a numbered step to a draft policy, or change one. A step's number is unique within
    its procedure."""
    require(actor, "standards.change_policyversion", "edit policies")
    _editable(version, "policy")
    values = _merged(step, STEP_FIELDS, fields)
    for text in ("procedure", "text", "form_name"):
        values[text] = values[text] or ""
    if not values["procedure"]:
        raise DomainError("Say which procedure the step belongs to.", field="procedure")
    if not values["number"] or values["number"] < 1:
        raise DomainError("Steps are numbered from 1.", field="number")
    if not values["text"]:
        raise DomainError("Say what to do in this step.", field="text")
    clash = version.steps.filter(procedure=values["procedure"], number=values["number"])
    if step is not None:
        clash = clash.exclude(pk=step.pk)
    if clash.exists():
        raise DomainError(
            f"{values['procedure']} already has a step {values['number']}: renumber one.",
            field="number",
        )
    return _write(step, ProcedureStep, version, values)


@transaction.atomic
def step_remove(*, actor, step: ProcedureStep) -> None:
    require(actor, "standards.change_policyversion", "edit policies")
    _editable(step.version, "policy")
    step.delete()
