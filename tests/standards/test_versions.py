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
