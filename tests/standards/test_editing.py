"""Editing a draft charter or policy: only drafts change, and bad input gets a message."""

from decimal import Decimal

import pytest

from charter.accounts.models import RoleCode, Team
from charter.core.errors import Conflict, DomainError, NotPermitted
from charter.standards import selectors, services
from charter.standards.models import Channel, Policy


@pytest.fixture
def approved(manager, types):
    draft = services.charter_version_draft(actor=manager)
    services.charter_version_update(actor=manager, version=draft, vision="Safe widgets, on time.")
    services.promise_save(
        actor=manager,
        version=draft,
        event="delivery",
        target=Decimal(3),
        unit="business_days",
        wording="We deliver within 3 business days.",
        measure="From the order's placed time to delivery.",
    )
    services.need_save(
        actor=manager,
        version=draft,
        customer_type=types["mining"],
        needs="Widgets within tolerance\nDelivery on the promised day",
        communication="Technical detail by email; urgent matters by phone.",
    )
    services.channel_save(
        actor=manager, version=draft, channel=Channel.TELEPHONE, hours="Weekdays 8:30 to 5"
    )
    return services.charter_version_approve(actor=manager, version=draft)


def test_a_new_draft_copies_promises_needs_and_channels(approved, manager, types):
    draft = services.charter_version_draft(actor=manager)
    assert draft.vision == "Safe widgets, on time."
    assert draft.promises.get().measure == "From the order's placed time to delivery."
    assert draft.needs.get().customer_type == types["mining"]
    assert draft.channels.get().hours == "Weekdays 8:30 to 5"
    # Editing the draft leaves the approved version as it was.
    promise = draft.promises.get()
    services.promise_save(actor=manager, version=draft, promise=promise, target=Decimal(2))
    assert approved.promises.get().target == 3


def test_an_approved_version_cannot_be_edited(approved, manager):
    with pytest.raises(Conflict, match="only a draft can be changed"):
        services.charter_version_update(actor=manager, version=approved, vision="Changed.")
    with pytest.raises(Conflict):
        services.promise_remove(actor=manager, promise=approved.promises.get())
    with pytest.raises(Conflict):
        services.channel_save(
            actor=manager, version=approved, channel=Channel.EMAIL, hours="Always"
        )


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"target": Decimal(0)}, "target", "more than zero"),
        ({"target": Decimal("2.5")}, "target", "whole number of days"),
        ({"unit": "seconds"}, "percent", "service level"),
        ({"unit": "seconds", "percent": Decimal(120)}, "percent", "between 0 and 100"),
        ({"wording": "  "}, "wording", "as customers will read it"),
        ({"measure": ""}, "measure", "how the promise is checked"),
    ],
)
def test_a_bad_promise_is_refused_with_what_to_fix(approved, manager, change, field, message):
    draft = services.charter_version_draft(actor=manager)
    promise = draft.promises.get()
    with pytest.raises(DomainError, match=message) as refused:
        services.promise_save(actor=manager, version=draft, promise=promise, **change)
    assert refused.value.field == field


def test_a_promise_scoped_to_both_a_type_and_a_segment_is_refused(approved, manager, types):
    from charter.customers.models import Segment

    segment = Segment.objects.create(name="Key accounts", slug="key", conditions=[])
    draft = services.charter_version_draft(actor=manager)
    with pytest.raises(DomainError, match="not both"):
        services.promise_save(
            actor=manager,
            version=draft,
            promise=draft.promises.get(),
            customer_type=types["mining"],
            segment=segment,
        )


def test_one_needs_entry_per_type_and_one_offer_per_channel(approved, manager, types):
    draft = services.charter_version_draft(actor=manager)
    with pytest.raises(DomainError, match="already describes"):
        services.need_save(
            actor=manager, version=draft, customer_type=types["mining"], needs="More"
        )
    with pytest.raises(DomainError, match="already offered"):
        services.channel_save(
            actor=manager, version=draft, channel=Channel.TELEPHONE, hours="Always"
        )


def test_an_officer_cannot_edit_the_charter(approved, manager, make_user):
    draft = services.charter_version_draft(actor=manager)
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")
    with pytest.raises(NotPermitted):
        services.charter_version_update(actor=mary, version=draft, vision="Mine now.")
    with pytest.raises(NotPermitted):
        services.promise_remove(actor=mary, promise=draft.promises.get())


def test_a_policy_is_created_drafted_stepped_and_approved(manager):
    policy = services.policy_create(actor=manager, title="Recordkeeping", slug="records")
    with pytest.raises(DomainError, match="already exists"):
        services.policy_create(actor=manager, title="recordkeeping", slug="other")
    draft = services.policy_version_draft(actor=manager, policy=policy)
    assert draft.number == 1
    with pytest.raises(DomainError, match="purpose, scope, responsibility"):
        services.policy_version_approve(actor=manager, version=draft)
    services.policy_version_update(
        actor=manager,
        version=draft,
        purpose="Records of every contact are kept so they can be found.",
        scope="All customer records.",
        responsibility="Every officer.",
        legislation="Privacy Act 1988 (Cwlth)",
    )
    with pytest.raises(DomainError, match="at least one numbered step"):
        services.policy_version_approve(actor=manager, version=draft)
    services.step_save(
        actor=manager, version=draft, procedure="Officers", number=1, text="Log every contact."
    )
    with pytest.raises(DomainError, match="already has a step 1") as refused:
        services.step_save(
            actor=manager, version=draft, procedure="Officers", number=1, text="Twice."
        )
    assert refused.value.field == "number"
    approved = services.policy_version_approve(actor=manager, version=draft)
    assert approved.approved_by == manager
    with pytest.raises(Conflict):
        services.step_save(
            actor=manager, version=approved, procedure="Officers", number=2, text="Too late."
        )


def test_policy_teams_decide_who_is_bound(manager, make_user):
    service_team = Team.objects.create(name="Customer service", slug="cs")
    returns = Team.objects.create(name="Returns and warranty", slug="returns")
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary", team=service_team)
    ravi = make_user(RoleCode.RETURNS_WARRANTY_OFFICER, username="ravi", team=returns)
    policy = Policy.objects.create(title="Refunds", slug="refunds")
    version = policy.versions.create(number=1, purpose="p", scope="s", responsibility="r")
    assert {u.username for u in selectors.staff_bound_by(version)} >= {"mary", "ravi", "grace"}
    services.policy_update(actor=manager, policy=policy, teams=[returns])
    assert [u.username for u in selectors.staff_bound_by(version)] == ["ravi"]
    assert mary.pk and ravi.pk
