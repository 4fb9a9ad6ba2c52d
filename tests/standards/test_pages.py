"""The staff pages of the charter and policies, through the web as staff use them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from charter.accounts.models import RoleCode, Team
from charter.standards import services
from charter.standards.models import CharterVersion, Policy, VersionStatus


@pytest.fixture
def grace(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace")


@pytest.fixture
def mary(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")


@pytest.fixture
def charter_v1(grace):
    draft = services.charter_version_draft(actor=grace)
    services.charter_version_update(
        actor=grace, version=draft, vision="Widgets that are safe and on time."
    )
    services.promise_save(
        actor=grace, version=draft, event="delivery", target=Decimal(3),
        unit="business_days", wording="We deliver within 3 business days.",
        measure="From the order's placed time.",
    )  # fmt: skip
    return services.charter_version_approve(actor=grace, version=draft)


def test_a_manager_drafts_changes_and_approves_a_charter_in_the_pages(client, grace, charter_v1):
    client.force_login(grace)
    response = client.post(reverse("standards:charter-draft"), {"summary_of_changes": "Faster"})
    assert response.status_code == 302
    draft = CharterVersion.objects.get(status=VersionStatus.DRAFT)
    promise = draft.promises.get()

    # A bad target is a form error with the reason, not a 500; nothing changes.
    url = reverse("standards:promise-edit", args=[draft.number, promise.pk])
    bad = {"event": "delivery", "target": "2.5", "unit": "business_days",
           "wording": "Two and a half days.", "measure": "From the order."}  # fmt: skip
    page = client.post(url, bad)
    assert page.status_code == 200
    assert "whole number of days" in page.content.decode()
    promise.refresh_from_db()
    assert promise.target == 3

    client.post(url, {"event": "delivery", "target": "2", "unit": "business_days",
                      "wording": "We deliver within 2 business days.",
                      "measure": "From the order's placed time."})  # fmt: skip
    client.post(
        reverse("standards:channel-new", args=[draft.number]),
        {"channel": "telephone", "hours": "Weekdays 8:30 to 5", "suited_to": "Urgent matters"},
    )
    asked = client.post(reverse("standards:charter-approve", args=[draft.number]))
    assert "emails the one member of staff it applies to" in asked.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT  # nothing until confirmed
    response = client.post(
        reverse("standards:charter-approve", args=[draft.number]), {"confirmed": "1"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.APPROVED and draft.approved_by == grace

    page = client.get(reverse("standards:charter-version", args=[draft.number])).content.decode()
    assert "We deliver within 2 business days." in page
    assert "What changed since version 1" in page
    assert "History" in page  # the audit history of the version

    compare = client.get(reverse("standards:charter-compare"), {"a": 1, "b": 2}).content.decode()
    assert "Promises: Deliver an order (All customers)" in compare
    assert '<del class="diff-removed">3</del> <ins class="diff-added">2</ins> business days' in (
        compare
    )
    assert "Channels: Telephone" in compare and "Added" in compare

    public = client.get(reverse("public-charter")).content.decode()
    assert "We deliver within 2 business days." in public
    assert "Weekdays 8:30 to 5" in public


def test_an_approved_version_shows_no_edit_links_and_refuses_changes(client, grace, charter_v1):
    client.force_login(grace)
    page = client.get(reverse("standards:charter-version", args=[1])).content.decode()
    assert "Add a promise" not in page and "Edit the words" not in page
    promise = charter_v1.promises.get()
    response = client.post(
        reverse("standards:charter-part-remove", args=[1, "promises", promise.pk]), follow=True
    )
    assert "only a draft can be changed" in response.content.decode()
    assert charter_v1.promises.exists()


def test_an_officer_reads_and_acknowledges_but_cannot_edit_or_approve(
    client, mary, grace, charter_v1
):
    client.force_login(mary)
    assert client.get(reverse("standards:index")).status_code == 200
    home = client.get(reverse("home")).content.decode()
    assert "Customer service charter, version 1" in home  # to read and acknowledge

    response = client.post(reverse("standards:charter-acknowledge", args=[1]), follow=True)
    assert "you have acknowledged charter version 1" in response.content.decode()
    assert charter_v1.acknowledgements.filter(user=mary).exists()
    home = client.get(reverse("home")).content.decode()
    assert "You have read and acknowledged" in home

    services.charter_version_draft(actor=grace)
    assert client.get(reverse("standards:charter-edit", args=[2])).status_code == 403
    assert client.get(reverse("standards:promise-new", args=[2])).status_code == 403
    assert client.get(reverse("standards:policy-new")).status_code == 403
    assert client.get(reverse("standards:acknowledgements")).status_code == 403
    response = client.post(reverse("standards:charter-approve", args=[2]), follow=True)
    assert "does not allow you to approve the charter" in response.content.decode()
    assert CharterVersion.objects.get(number=2).status == VersionStatus.DRAFT
    response = client.post(reverse("standards:charter-draft"), follow=True)
    assert "does not allow you" in response.content.decode()


def test_a_policy_is_written_approved_and_compared_in_the_pages(client, grace, make_user):
    team = Team.objects.create(name="Returns and warranty", slug="returns")
    client.force_login(grace)
    client.post(
        reverse("standards:policy-new"),
        {"title": "Refunds and returns", "slug": "refunds", "teams": [team.pk]},
    )
    policy = Policy.objects.get(slug="refunds")
    assert list(policy.teams.all()) == [team]
    client.post(reverse("standards:policy-draft", args=["refunds"]))
    edit = reverse("standards:policy-version-edit", args=["refunds", 1])
    response = client.post(edit, {"purpose": "", "scope": "All", "responsibility": "All"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    client.post(edit, {"purpose": "Refunds are fair.", "scope": "Every sale.",
                       "responsibility": "Officers.", "legislation": "Competition and "
                       "Consumer Act 2010 (Cwlth)"})  # fmt: skip
    client.post(
        reverse("standards:step-new", args=["refunds", 1]),
        {"procedure": "Officers", "number": 1, "text": "Ask for proof of purchase.",
         "form_name": "Returns form"},
    )  # fmt: skip
    response = client.post(
        reverse("standards:policy-approve", args=["refunds", 1]), {"confirmed": "1"}, follow=True
    )
    assert "is now in force" in response.content.decode()

    client.post(reverse("standards:policy-draft", args=["refunds"]), {"summary_of_changes": "x"})
    step = policy.versions.get(number=2).steps.get()
    client.post(
        reverse("standards:step-edit", args=["refunds", 2, step.pk]),
        {"procedure": "Officers", "number": 1, "text": "Ask for proof of purchase within two "
         "months.", "form_name": "Returns form"},
    )  # fmt: skip
    compare = client.get(
        reverse("standards:policy-compare", args=["refunds"]), {"a": 2, "b": 1}
    ).content.decode()
    assert "Steps: Officers, step 1" in compare
    assert '<ins class="diff-added">purchase within two months.</ins>' in compare

    page = client.get(reverse("standards:policy-version", args=["refunds", 1])).content.decode()
    assert "Form: Returns form" in page and "Applies to Returns and warranty" in page


def test_the_acknowledgement_report_is_for_supervisors_and_managers(
    client, make_user, grace, charter_v1
):
    team = Team.objects.create(name="Customer service", slug="service")
    make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary", team=team, first_name="Mary")
    john = make_user(RoleCode.SUPERVISOR, username="john", team=team)
    client.force_login(john)
    page = client.get(reverse("standards:acknowledgements")).content.decode()
    assert "Customer service charter, version 1" in page
    assert "Mary" in page and "not yet" in page


def test_the_overview_takes_the_same_queries_for_one_or_many_policies(
    client, grace, charter_v1, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make_policy(n):
        policy = Policy.objects.create(title=f"Policy {n}", slug=f"policy-{n}")
        version = policy.versions.create(
            number=1, purpose="p", scope="s", responsibility="r", status="approved",
            approved_at=charter_v1.approved_at, approved_by=grace,
        )  # fmt: skip
        version.steps.create(procedure="Officers", number=1, text="Do it.")

    make_policy(0)
    client.force_login(grace)
    client.get(reverse("standards:index"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("standards:index")).status_code == 200
    for n in range(1, 8):
        make_policy(n)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("standards:index")).content.decode()
    assert "Policy 7" in page
    assert len(many) == len(few)


def test_unknown_versions_and_policies_are_not_found(client, grace, charter_v1):
    client.force_login(grace)
    assert client.get(reverse("standards:charter-version", args=[9])).status_code == 404
    assert client.get(reverse("standards:policy", args=["nothing"])).status_code == 404
    page = client.get(reverse("standards:charter-compare"), {"a": 1, "b": 9}).content.decode()
    assert "Choose two versions that exist." in page
