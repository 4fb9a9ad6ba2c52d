"""A policy says who authorised it and when, as the organisation's template does (the month,
then a name and title: "10/2011", "John Doe CFO"); from the approval when the draft is silent."""

import pytest
from django.utils import timezone

from charter.core.errors import DomainError
from charter.standards import services

pytestmark = pytest.mark.django_db


def _ready_draft(manager):
    policy = services.policy_create(actor=manager, title="Recordkeeping", slug="records")
    draft = services.policy_version_draft(actor=manager, policy=policy)
    services.policy_version_update(
        actor=manager,
        version=draft,
        purpose="Records are kept.",
        scope="All records.",
        responsibility="Every officer.",
    )
    services.step_save(
        actor=manager, version=draft, procedure="Officers", number=1, text="Log every contact."
    )
    return policy, draft


def test_the_draft_names_who_authorised_it(client, manager):
    policy, draft = _ready_draft(manager)
    for bad in ("13/2011", "October 2011", "10/11"):
        with pytest.raises(DomainError, match="MM/YYYY") as refused:
            services.policy_version_update(actor=manager, version=draft, authorised_on=bad)
        assert refused.value.field == "authorised_on"
    services.policy_version_update(
        actor=manager, version=draft, authorised_on="10/2011", authorised_by_name="John Doe CFO"
    )
    approved = services.policy_version_approve(actor=manager, version=draft)
    assert approved.authorised == "10/2011 \N{EN DASH} John Doe CFO"
    client.force_login(manager)
    page = client.get(f"/standards/policies/{policy.slug}/1/").content.decode()
    assert "10/2011 \N{EN DASH} John Doe CFO" in page


def test_without_it_the_approver_and_the_month_of_approval_are_shown(client, manager):
    manager.job_title = "Customer service manager"
    manager.save()
    _policy, draft = _ready_draft(manager)
    approved = services.policy_version_approve(actor=manager, version=draft)
    month = timezone.localdate().strftime("%m/%Y")
    assert approved.authorised == f"{month} \N{EN DASH} Grace Customer service manager"


def test_the_edit_form_takes_the_month_and_the_name(client, manager):
    policy, draft = _ready_draft(manager)
    client.force_login(manager)
    url = f"/standards/policies/{policy.slug}/1/edit/"
    fields = {
        "purpose": "Records are kept.",
        "scope": "All records.",
        "responsibility": "Every officer.",
        "authorised_by_name": "John Doe CFO",
    }
    bad = client.post(url, {**fields, "authorised_on": "2011-10"})
    assert bad.status_code == 200 and "MM/YYYY" in bad.content.decode()
    assert client.post(url, {**fields, "authorised_on": "10/2011"}).status_code == 302
    draft.refresh_from_db()
    assert draft.authorised == "10/2011 \N{EN DASH} John Doe CFO"
