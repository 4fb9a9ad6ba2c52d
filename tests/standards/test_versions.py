"""Drafting, approving and acknowledging versions of the charter."""

import pytest

from charter.accounts.models import RoleCode
from charter.core.errors import Conflict, NotPermitted
from charter.standards import selectors, services
from charter.standards.models import CharterVersion, ServicePromise, VersionStatus


@pytest.fixture
def first(manager):
    draft = services.charter_version_draft(actor=manager, summary_of_changes="The first.")
    ServicePromise.objects.create(
        version=draft,
        event="delivery",
        target=3,
        unit="business_days",
        wording="We deliver within 3 business days.",
        measure="From the order's time.",
    )
    return services.charter_version_approve(actor=manager, version=draft)


def test_approving_a_draft_supersedes_the_current_version_at_once(first, manager):
    draft = services.charter_version_draft(actor=manager, summary_of_changes="Faster delivery.")
    assert draft.number == 2
    assert list(draft.promises.values_list("target", flat=True)) == [3]  # copied to edit
    draft.promises.update(target=2, wording="We deliver within 2 business days.")
    # Until approved, the old promise applies.
    assert selectors.current_version() == first

    services.charter_version_approve(actor=manager, version=draft)
    first.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED
    assert selectors.current_version() == draft
    assert CharterVersion.objects.filter(status=VersionStatus.APPROVED).count() == 1
    # The old version stays readable.
    assert first.promises.get().wording == "We deliver within 3 business days."


def test_a_role_without_approval_rights_is_refused_with_a_message(first, manager, make_user):
    draft = services.charter_version_draft(actor=manager)
    supervisor = make_user(RoleCode.SUPERVISOR, username="john")
    with pytest.raises(NotPermitted, match="does not allow you to approve the charter"):
        services.charter_version_approve(actor=supervisor, version=draft)
    with pytest.raises(NotPermitted):
        services.charter_version_draft(actor=supervisor)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_only_a_draft_with_promises_is_approved_and_one_draft_at_a_time(first, manager):
    with pytest.raises(Conflict):
        services.charter_version_approve(actor=manager, version=first)
    draft = services.charter_version_draft(actor=manager)
    with pytest.raises(Conflict, match="already open"):
        services.charter_version_draft(actor=manager)
    draft.promises.all().delete()
    with pytest.raises(Exception, match="promises nothing"):
        services.charter_version_approve(actor=manager, version=draft)


def test_acknowledgements_are_per_version(first, manager, make_user):
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")
    services.charter_acknowledge(user=mary, version=first)
    services.charter_acknowledge(user=mary, version=first)  # twice is once
    assert first.acknowledgements.count() == 1

    draft = services.charter_version_draft(actor=manager)
    with pytest.raises(Conflict):
        services.charter_acknowledge(user=mary, version=draft)
    second = services.charter_version_approve(actor=manager, version=draft)
    assert not second.acknowledgements.filter(user=mary).exists()


def test_the_demo_complaints_policy_names_its_limit_role_and_form(demo):
    from charter.standards.models import Policy

    version = Policy.objects.get(slug="complaints").versions.get(status="approved")
    assert version.acts == [
        "Privacy Act 1988 (Cwlth)",
        "Equal Opportunity Act 2010 (Vic)",
        "Competition and Consumer Act 2010 (Cwlth)",
    ]
    steps = {(s.procedure.split(":")[0], s.number): s for s in version.steps.all()}
    goodwill = steps["Managing complaints", 7].authority_limit
    assert (goodwill.role.code, goodwill.action) == ("cso", "goodwill")
    assert (goodwill.percent_of_value, goodwill.max_amount) == (10, 25)
    assert steps["Managing complaints", 9].refer_to_role.code == "csm"
    assert steps["Managing complaints", 8].form_name == "Claims Form"
    assert len([s for s in steps if s[0] == "Complex complaints"]) == 4


def test_a_policy_version_supersedes_the_old_and_needs_an_approver(demo, make_user):
    from charter.accounts.models import User
    from charter.standards.models import Policy

    grace = User.objects.get(username="grace")
    policy = Policy.objects.get(slug="complaints")
    draft = services.policy_version_draft(actor=grace, policy=policy, summary_of_changes="Track")
    assert draft.steps.count() == 14  # copied to edit
    draft.steps.create(
        procedure="Managing complaints: customer service officers",
        number=11,
        text="Find the customer's order and its delivery promise before answering.",
    )
    john = User.objects.get(username="john")
    with pytest.raises(NotPermitted, match="approve policies"):
        services.policy_version_approve(actor=john, version=draft)
    services.policy_version_approve(actor=grace, version=draft)
    assert list(policy.versions.values_list("number", "status")) == [
        (2, "approved"),
        (1, "superseded"),
    ]
    assert policy.versions.get(number=1).steps.count() == 14  # the old version stays readable
