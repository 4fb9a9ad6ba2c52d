"""How a demo organisation's charter version 1 and its policies are written: shared by both
organisations' demo data (``demo.py`` for Innovative Widgets, ``demo_bank.py`` for the bank)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from charter.customers.models import CustomerType, Segment

from .models import ChannelOffer, CharterVersion, CustomerNeed, ServicePromise, VersionStatus


def seed_policy(ctx, spec: dict) -> bool:
    """Create a policy with its approved version 1 and steps, unless it exists (by slug).
    Approved by the demo's customer service manager. True if it was created."""
    from charter.accounts.models import AuthorityLimit, Role, Team

    from .models import Policy, PolicyVersion, ProcedureStep

    if Policy.objects.filter(slug=spec["slug"]).exists():
        return False
    policy = Policy.objects.create(slug=spec["slug"], title=spec["title"])
    if spec["teams"]:
        policy.teams.set(Team.objects.filter(name__in=spec["teams"]))
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        status=VersionStatus.APPROVED,
        approved_at=timezone.now(),
        approved_by=ctx.created.get("staff", {}).get("grace"),
        summary_of_changes="The first version in Charter.",
        **spec["fields"],
    )
    numbers: dict[str, int] = {}
    for procedure, text, names in spec["steps"]:
        numbers[procedure] = numbers.get(procedure, 0) + 1
        step = ProcedureStep(version=version, procedure=procedure, number=numbers[procedure])
        step.text = text
        if names and names[0] == "limit":
            step.authority_limit = AuthorityLimit.objects.filter(
                role__code=names[1], action=names[2]
            ).first()
        elif names and names[0] == "role":
            step.refer_to_role = Role.objects.get(code=names[1])
        elif names and names[0] == "form":
            step.form_name = names[1]
        step.save()
    return True


def seed_charter(
    ctx, *, promises, needs, channels, starts="the time the event is logged", **texts
) -> CharterVersion | None:
    """Create the approved charter version 1, unless there is a charter already: its texts
    (vision, mission, welcome, external dispute body), promises, needs and channels. A promise
    is (event, target, unit, percent, scope, wording[, topic]); ``starts`` says from when its
    time is measured: one phrase, or phrases by event with the default under None."""
    if isinstance(starts, str):
        starts = {None: starts}
    if CharterVersion.objects.exists():
        return None
    version = CharterVersion.objects.create(
        number=1,
        status=VersionStatus.APPROVED,
        summary_of_changes="The first charter.",
        approved_at=timezone.now(),
        approved_by=ctx.created.get("staff", {}).get("grace"),
        **texts,
    )
    for event, target, unit, percent, scope, wording, *topic in promises:
        fields = {"topic": topic[0]} if topic else {}
        if scope and scope[0] == "segment":
            fields["segment"] = Segment.objects.get(name=scope[1])
        elif scope:
            fields["customer_type"] = CustomerType.objects.get(name=scope[1])
        ServicePromise.objects.create(
            version=version,
            event=event,
            target=Decimal(target),
            unit=unit,
            percent=percent,
            wording=wording,
            measure=_measure(unit, starts.get(event, starts[None])),
            **fields,
        )
    for type_name, (lines, communication) in needs.items():
        CustomerNeed.objects.create(
            version=version,
            customer_type=CustomerType.objects.get(name=type_name),
            needs="\n".join(lines),
            communication=communication,
        )
    for channel, opening_hours, note, suited_to in channels:
        ChannelOffer.objects.create(
            version=version,
            channel=channel,
            opening_hours=opening_hours.to_data() if opening_hours else {},
            hours=note,
            suited_to=suited_to,
        )
    return version


def _measure(unit: str, starts: str) -> str:
    if unit == "calendar_days":
        return f"From {starts}, in calendar days (weekends and public holidays count)."
    if unit == "seconds":
        return f"From {starts}; the share is counted over each service period."
    return f"From {starts}, on the organisation's business calendar."
