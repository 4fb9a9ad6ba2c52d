"""Innovative Widgets' service charter, version 1: its vision, mission and promises.

The three-day delivery guarantee is the one Mary defended to Yore Mine's buyer.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from charter.customers.models import CustomerType, Segment

from .models import CharterVersion, PromiseEvent, ServicePromise, VersionStatus

VISION = (
    "Australian businesses keep running because the widgets they rely on are safe, right and "
    "on time."
)
MISSION = "\n".join(
    [
        "Find better ways to make and test widgets.",
        "Give customers inside and outside the company consistently excellent service.",
        "Make buying Australian widgets the obvious choice through quality and service.",
        "Keep the best safety record in the industry.",
    ]
)
WELCOME = "Welcome to Innovative Widgets. These are our promises to you."

# event, target, unit, percent, scope (type name or segment name), wording
PROMISES = [
    (PromiseEvent.DELIVERY, 3, "business_days", None, None,
     "We deliver your order within 3 business days."),
    (PromiseEvent.COMPLAINT_ACKNOWLEDGE, 1, "business_days", None, None,
     "We acknowledge every complaint within 1 business day."),
    (PromiseEvent.COMPLAINT_ACKNOWLEDGE, 4, "business_hours", None, ("segment", "Key accounts"),
     "Key accounts hear from us within 4 business hours of a complaint."),
    (PromiseEvent.COMPLAINT_RESOLVE, 10, "business_days", None, None,
     "We resolve a complaint, or give our final answer, within 10 business days."),
    (PromiseEvent.COMPLAINT_RESOLVE, 5, "business_days", None,
     ("type", "Mining equipment supplier"),
     "Mining equipment suppliers get a resolution within 5 business days."),
    (PromiseEvent.CALL_ANSWER, 20, "seconds", Decimal("80"), None,
     "We answer 80% of calls within 20 seconds."),
    (PromiseEvent.FOLLOW_UP, 7, "calendar_days", None, None,
     "We check with you within 7 days that a resolution worked."),
    (PromiseEvent.REFUND, 5, "business_days", None, None,
     "An approved refund reaches you within 5 business days."),
]  # fmt: skip


COMPLAINTS = {
    "purpose": "Complaints are handled the same way every time: fairly, openly and as the "
    "organisation requires.",
    "scope": "Every customer complaint handled by our employees and contractors.",
    "resources": "These procedures, in Charter and on the intranet.",
    "responsibility": "Every employee and manager who handles customer complaints.",
    "legislation": "Privacy Act 1988 (Cwlth)\nEqual Opportunity Act 2010 (Vic)\n"
    "Competition and Consumer Act 2010 (Cwlth)",
}
OFFICERS = "Managing complaints: customer service officers"
MANAGER = "Complex complaints: customer service manager"
# procedure, step text, what it names: ("limit", role, action) | ("role", role) | ("form", name)
COMPLAINT_STEPS = [
    (OFFICERS, "Greet the customer politely and say who you are.", None),
    (OFFICERS, "Hear the whole complaint; note the facts, ask, and sum up what you heard.", None),
    (OFFICERS, "Do not argue with the customer.", None),
    (OFFICERS, "Apologise for a faulty product or poor service, and ask whether we may test "
     "the faulty item in our quality department.", None),
    (OFFICERS, "Once you have the details, ask how the customer would like it resolved.", None),
    (OFFICERS, "Replacing a product is not within an officer's own authority: ask for approval.",
     ("limit", "cso", "replace")),
    (OFFICERS, "Use your judgement to refund up to 10% more of the faulty product's value, at "
     "most $25.", ("limit", "cso", "refund")),
    (OFFICERS, "Damage to other property is insured: help the customer fill in the claim form "
     "and ask for repair quotes.", ("form", "Insurance claim form")),
    (OFFICERS, "Refer any complaint involving injury to the customer service manager, and agree "
     "a time for their call.", ("role", "csm")),
    (OFFICERS, "Refer anything these steps do not cover to the customer service manager, and "
     "agree a time for their call.", ("role", "csm")),
    (MANAGER, "Gather what we know about the customer and the problem.", None),
    (MANAGER, "Before calling, decide what to do for this customer and what to change so it "
     "does not happen again.", None),
    (MANAGER, "Contact the customer as soon as the actions are decided.", None),
    (MANAGER, "Sum up the facts, apologise for our mistakes, explain the fix for them and for "
     "everyone, say when you will follow up, and ask what else they need.", None),
]  # fmt: skip


def _seed_complaints_policy(ctx) -> None:
    from charter.accounts.models import AuthorityLimit, Role

    from .models import Policy, PolicyVersion, ProcedureStep

    if Policy.objects.filter(slug="complaints").exists():
        return
    policy = Policy.objects.create(slug="complaints", title="Complaints policy and procedures")
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        status=VersionStatus.APPROVED,
        approved_at=timezone.now(),
        approved_by=ctx.created.get("staff", {}).get("grace"),
        summary_of_changes="The first version in Charter.",
        **COMPLAINTS,
    )
    numbers: dict[str, int] = {}
    for procedure, text, names in COMPLAINT_STEPS:
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
    ctx.say("Approved the complaints policy and its procedures.")


def seed(ctx) -> None:
    _seed_complaints_policy(ctx)
    if CharterVersion.objects.exists():
        return
    version = CharterVersion.objects.create(
        number=1,
        status=VersionStatus.APPROVED,
        vision=VISION,
        mission=MISSION,
        welcome=WELCOME,
        summary_of_changes="The first charter.",
        approved_at=timezone.now(),
        approved_by=ctx.created.get("staff", {}).get("grace"),
    )
    for event, target, unit, percent, scope, wording in PROMISES:
        fields = {}
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
            measure="From the time the event is logged, on the organisation's business calendar.",
            **fields,
        )
    ctx.say(f"Approved charter version 1 with {len(PROMISES)} promises.")
