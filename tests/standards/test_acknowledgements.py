"""A new version is announced to the staff it binds; each acknowledges it; managers see who
has not, per team."""

from decimal import Decimal

import pytest

from charter.accounts.models import RoleCode, Team, User
from charter.standards import selectors, services
from charter.standards.models import Policy


@pytest.fixture
def teams(db):
    return {
        "service": Team.objects.create(name="Customer service", slug="service"),
        "returns": Team.objects.create(name="Returns and warranty", slug="returns"),
        "sales": Team.objects.create(name="Sales", slug="sales"),
    }


@pytest.fixture
def staff(make_user, teams):
    people = {
        "grace": make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace",
                           team=teams["service"]),
        "mary": make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary",
                          team=teams["service"]),
        "john": make_user(RoleCode.SUPERVISOR, username="john", team=teams["service"]),
        "ravi": make_user(RoleCode.RETURNS_WARRANTY_OFFICER, username="ravi",
                          team=teams["returns"]),
        "alex": make_user(RoleCode.ACCOUNT_MANAGER, username="alex", team=teams["sales"]),
        "nitin": make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="nitin",
                           team=teams["service"]),
    }  # fmt: skip
    User.objects.filter(username="nitin").update(is_active=False)  # left the company
    return people


def _charter(actor):
    draft = services.charter_version_draft(actor=actor, summary_of_changes="Delivery in 3 days.")
    services.promise_save(
        actor=actor,
        version=draft,
        event="delivery",
        target=Decimal(3),
        unit="business_days",
        wording="We deliver within 3 business days.",
        measure="From the order's placed time.",
    )
    return services.charter_version_approve(actor=actor, version=draft)


def _policy(actor, *, teams=()):
    policy = services.policy_create(actor=actor, title="Refunds and returns", slug="refunds",
                                    teams=teams)  # fmt: skip
    draft = services.policy_version_draft(actor=actor, policy=policy)
    services.policy_version_update(
        actor=actor, version=draft, purpose="Fair refunds.", scope="All sales.",
        responsibility="Officers.",
    )  # fmt: skip
    services.step_save(actor=actor, version=draft, procedure="Officers", number=1,
                       text="Ask for proof of purchase.")  # fmt: skip
    return services.policy_version_approve(actor=actor, version=draft)


@pytest.mark.django_db(transaction=True)
def test_approval_emails_every_active_member_of_staff_it_binds(
    make_user, teams, staff, smtp_server, run_worker
):
    version = _charter(staff["grace"])
    run_worker()
    recipients = sorted(m["To"] for m in smtp_server)
    assert recipients == [
        "alex@example.com",
        "grace@example.com",
        "john@example.com",
        "mary@example.com",
        "ravi@example.com",
    ]  # fmt: skip  (nitin has left)
    body = smtp_server[0].get_payload()
    assert "Please read and acknowledge the customer service charter" in smtp_server[0]["Subject"]
    assert f"/standards/charter/{version.number}/" in body
    assert "What changed: Delivery in 3 days." in body

    smtp_server.clear()
    _policy(staff["grace"], teams=[teams["returns"]])
    run_worker()
    assert [m["To"] for m in smtp_server] == ["ravi@example.com"]
    subject = " ".join(str(smtp_server[0]["Subject"]).split())
    assert subject.endswith("the Refunds and returns policy (version 1)")


def test_each_member_sees_what_they_still_have_to_acknowledge(staff, teams):
    charter = _charter(staff["grace"])
    policy_version = _policy(staff["grace"], teams=[teams["returns"]])
    assert [o.title for o in selectors.outstanding_for(staff["mary"])] == [
        "Customer service charter, version 1"
    ]
    assert [o.title for o in selectors.outstanding_for(staff["ravi"])] == [
        "Customer service charter, version 1",
        "Refunds and returns, version 1",
    ]
    services.policy_acknowledge(user=staff["ravi"], version=policy_version)
    services.charter_acknowledge(user=staff["mary"], version=charter)
    assert selectors.outstanding_for(staff["mary"]) == []
    assert [o.url for o in selectors.outstanding_for(staff["ravi"])] == ["/standards/charter/1/"]

    # A new version of the charter must be read again.
    second = services.charter_version_draft(actor=staff["grace"])
    services.charter_version_approve(actor=staff["grace"], version=second)
    assert [o.title for o in selectors.outstanding_for(staff["mary"])] == [
        "Customer service charter, version 2"
    ]


def test_the_report_shows_per_team_who_has_not_acknowledged(staff, teams):
    charter = _charter(staff["grace"])
    policy_version = _policy(staff["grace"], teams=[teams["returns"]])
    services.charter_acknowledge(user=staff["mary"], version=charter)
    services.charter_acknowledge(user=staff["alex"], version=charter)

    charter_report, policy_report = selectors.acknowledgement_report()
    per_team = {
        t.team.name: ([u.username for u in t.done], [u.username for u in t.missing])
        for t in charter_report.teams
    }
    assert per_team == {
        "Customer service": (["mary"], ["grace", "john"]),
        "Returns and warranty": ([], ["ravi"]),
        "Sales": (["alex"], []),
    }
    assert (charter_report.missing_count, charter_report.total) == (3, 5)
    # The policy binds only returns and warranty.
    assert [(t.team.name, len(t.missing)) for t in policy_report.teams] == [
        ("Returns and warranty", 1)
    ]
    services.policy_acknowledge(user=staff["ravi"], version=policy_version)
    assert selectors.acknowledgement_report()[1].missing_count == 0


def test_the_report_takes_the_same_number_of_queries_for_any_staff_size(
    staff, teams, make_user, django_assert_num_queries
):
    _charter(staff["grace"])
    _policy(staff["grace"])
    with django_assert_num_queries(5):
        selectors.acknowledgement_report()
    for n in range(20):
        make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username=f"cso{n}", team=teams["sales"])
    Policy.objects.create(title="Privacy", slug="privacy")
    with django_assert_num_queries(5):
        report = selectors.acknowledgement_report()
    assert report[0].total == User.objects.filter(is_active=True).count()


@pytest.mark.django_db(transaction=True)
def test_approving_in_the_pages_says_how_many_it_emails_and_asks_first(
    client, teams, staff, smtp_server, run_worker
):
    from django.urls import reverse

    from charter.standards.models import CharterVersion, VersionStatus

    _charter(staff["grace"])
    run_worker()
    smtp_server.clear()
    draft = services.charter_version_draft(actor=staff["grace"], summary_of_changes="Faster.")
    url = reverse("standards:charter-approve", args=[draft.number])

    client.force_login(staff["mary"])  # may read, not approve: refused before any question
    refused = client.post(url, follow=True).content.decode()
    assert "does not allow you to approve the charter" in refused
    assert "Please confirm" not in refused

    client.force_login(staff["grace"])
    asked = client.post(url).content.decode()
    assert "Approving version 2 emails all 5 staff it applies to" in asked
    assert "Approve and email 5 staff" in asked and "Cancel" in asked
    run_worker()
    assert smtp_server == []  # nothing sent
    assert CharterVersion.objects.get(number=2).status == VersionStatus.DRAFT

    assert client.post(url, {"confirmed": "1"}).status_code == 302
    run_worker()
    assert len(smtp_server) == 5
    assert CharterVersion.objects.get(number=2).status == VersionStatus.APPROVED

    smtp_server.clear()
    policy_url = reverse("standards:policy-approve", args=["refunds", 1])
    policy = services.policy_create(
        actor=staff["grace"], title="Refunds and returns", slug="refunds", teams=[teams["returns"]]
    )
    draft = services.policy_version_draft(actor=staff["grace"], policy=policy)
    asked = client.post(policy_url).content.decode()
    assert "Approving version 1 emails the one member of staff it applies to" in asked
    assert draft.steps.count() == 0  # confirming still meets the service's own checks
    refused = client.post(policy_url, {"confirmed": "1"}, follow=True).content.decode()
    assert "needs its purpose" in refused
    run_worker()
    assert smtp_server == []
