"""The demo charter answers the seeds' questions: what was Yore Mine promised, and by when."""

from datetime import datetime
from zoneinfo import ZoneInfo

from charter.accounts.models import User
from charter.customers.models import Customer
from charter.standards import selectors
from charter.standards.models import PromiseEvent

MELBOURNE = ZoneInfo("Australia/Melbourne")


def test_yore_mine_was_promised_delivery_in_three_business_days(demo):
    yore = Customer.objects.get(reference="IW-0001")
    ordered = datetime(2026, 11, 13, 10, 0, tzinfo=MELBOURNE)  # "last Friday"
    delivery = selectors.deadline_for(yore, PromiseEvent.DELIVERY, ordered)
    assert delivery.promise.wording == "We deliver your order within 3 business days."
    assert delivery.due == datetime(2026, 11, 18, 17, 0, tzinfo=MELBOURNE)
    # As a key account its complaint is acknowledged within 4 business hours, and as a
    # mining equipment supplier resolved within 5 business days.
    complaint = datetime(2026, 11, 20, 15, 0, tzinfo=MELBOURNE)
    ack = selectors.deadline_for(yore, PromiseEvent.COMPLAINT_ACKNOWLEDGE, complaint)
    # On the service hours (8:30 to 5): Friday 3 to 5 pm is 2 hours, Monday 8:30 + 2 = 10:30.
    assert ack.due == datetime(2026, 11, 23, 10, 30, tzinfo=MELBOURNE)
    resolve = selectors.deadline_for(yore, PromiseEvent.COMPLAINT_RESOLVE, complaint)
    assert resolve.due == datetime(2026, 11, 27, 17, 0, tzinfo=MELBOURNE)


# --- The rest of Innovative Widgets' charter version 1 and its policies -----------------------


def test_every_demo_customer_type_has_its_needs_and_six_channels_are_offered(demo):
    from charter.customers.models import CustomerType

    version = selectors.current_version()
    needs = {n.customer_type.name: n for n in version.needs.select_related("customer_type")}
    assert set(needs) == set(CustomerType.objects.values_list("name", flat=True))
    assert {"Mining equipment supplier", "Member of the public", "The board"} <= set(needs)
    for need in needs.values():
        assert len(need.need_lines) >= 2 and need.communication
    channels = {c.channel: c for c in version.channels.all()}
    assert set(channels) == {"email", "telephone", "face_to_face", "video", "web_form", "letter"}
    assert all(c.hours and c.suited_to for c in channels.values())
    assert "Consumer Affairs Victoria" in version.external_dispute_body


def test_five_approved_policies_in_the_template_with_numbered_steps(demo):
    from charter.standards.models import Policy

    grace = User.objects.get(username="grace")
    policies = {p.slug: p for p in Policy.objects.all()}
    assert set(policies) == {
        "complaints",
        "market-research",
        "recordkeeping",
        "refunds-and-returns",
        "privacy",
    }
    for policy in policies.values():
        version = policy.versions.get()
        assert (version.number, version.status, version.approved_by) == (1, "approved", grace)
        assert version.purpose and version.scope and version.responsibility and version.acts
        by_procedure: dict[str, list[int]] = {}
        for step in version.steps.all():
            by_procedure.setdefault(step.procedure, []).append(step.number)
        assert by_procedure and all(
            numbers == list(range(1, len(numbers) + 1)) for numbers in by_procedure.values()
        )
    research = policies["market-research"].versions.get()
    text = " ".join(s.text.lower() for s in research.steps.all())
    for dimension in ("reliability", "assurance", "tangibles", "empathy", "responsiveness"):
        assert dimension in text
    assert "Privacy Act 1988 (Cwlth)" in policies["privacy"].versions.get().legislation


def test_refunds_bind_two_teams_follow_consumer_law_and_name_the_refund_limit(demo):
    from charter.standards.models import Policy

    refunds = Policy.objects.get(slug="refunds-and-returns")
    assert {t.name for t in refunds.teams.all()} == {"Customer service", "Returns and warranty"}
    assert not Policy.objects.get(slug="privacy").teams.exists()  # all staff
    bound = {u.username for u in selectors.staff_bound_by(refunds.versions.get())}
    assert {"mary", "john", "ravi"} <= bound and "sofia" not in bound  # marketing is not
    version = refunds.versions.get()
    text = " ".join(s.text for s in version.steps.all())
    assert "two months" in text and "obviously been used" in text
    assert "major failure" in text.lower() and "minor failure" in text.lower()
    limits = [s.authority_limit for s in version.steps.all() if s.authority_limit]
    cso = next(limit for limit in limits if limit.role.code == "cso")
    # The refund due for a faulty product is the officer's, up to what was paid for it.
    assert (cso.action, cso.percent_of_value, cso.max_amount) == ("refund", 100, None)
    assert "Australian Consumer Law" in version.legislation
