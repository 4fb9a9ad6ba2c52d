"""Orders, returns and warranties through their services, on the database."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from charter.accounts import services as accounts_services
from charter.accounts.models import ApprovalStatus, Role, RoleCode
from charter.core.errors import Conflict, DomainError
from charter.orders import selectors, services
from charter.orders.models import OrderKind, ReturnStatus, WarrantyClaim

MEL = ZoneInfo("Australia/Melbourne")
D = Decimal


@pytest.fixture
def mary(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")


@pytest.fixture
def yore(make_customer, types):
    return make_customer(name="Yore Mine Co.", customer_type=types["mining"])


def _order(mary, yore, widgets, placed_at, quantity=1000):
    return services.order_place(
        actor=mary, customer=yore, lines=[(widgets[7], quantity)], channel="telephone",
        placed_at=placed_at,
    )  # fmt: skip


@pytest.mark.parametrize(
    "placed_at, promised_by",
    [
        # Friday: Monday, Tuesday, Wednesday.
        (datetime(2026, 11, 13, 10, 0, tzinfo=MEL), datetime(2026, 11, 18, 17, 0, tzinfo=MEL)),
        # Saturday counts from Monday.
        (datetime(2026, 11, 21, 10, 0, tzinfo=MEL), datetime(2026, 11, 25, 17, 0, tzinfo=MEL)),
        # Friday before Melbourne Cup Day (Tuesday 3 November, a Victorian holiday).
        (datetime(2026, 10, 30, 10, 0, tzinfo=MEL), datetime(2026, 11, 5, 17, 0, tzinfo=MEL)),
        # Christmas: 25th, the weekend and Boxing Day observed on Monday 28th are skipped.
        (datetime(2026, 12, 23, 10, 0, tzinfo=MEL), datetime(2026, 12, 30, 17, 0, tzinfo=MEL)),
    ],
)
def test_the_promised_delivery_skips_weekends_and_victorian_holidays(
    widgets_charter, widgets, mary, yore, placed_at, promised_by
):
    order = _order(mary, yore, widgets, placed_at)
    assert order.promised_by == promised_by
    assert order.promise.wording == "We deliver your order within 3 business days."
    assert order.total == D("2500.00")  # 1,000 at the list price of $2.50
    assert order.reference.startswith("ORD-")


def test_late_at_the_boundary(widgets_charter, widgets, mary, yore):
    order = _order(mary, yore, widgets, datetime(2026, 11, 13, 10, 0, tzinfo=MEL))
    due = order.promised_by
    assert list(selectors.late_orders(mary, now=due)) == []  # on the promise: on time
    assert list(selectors.late_orders(mary, now=due + timedelta(seconds=1))) == [order]
    services.order_confirm(actor=mary, order=order)
    services.order_dispatch(actor=mary, order=order, carrier="Outback Freight", outsourced=True)
    assert list(selectors.late_orders(mary, now=due + timedelta(days=3))) == [order]
    services.order_deliver(actor=mary, order=order, at=due + timedelta(days=3))
    assert list(selectors.late_orders(mary, now=due + timedelta(days=4))) == []
    order.refresh_from_db()
    assert order.delivered_late and not order.wrong_delivery


def test_six_mm_for_seven_is_a_wrong_delivery(widgets_charter, widgets, mary, yore):
    order = _order(mary, yore, widgets, datetime(2026, 11, 2, 10, 0, tzinfo=MEL))
    services.order_confirm(actor=mary, order=order)
    services.order_dispatch(actor=mary, order=order, carrier="Our fleet")
    services.order_deliver(actor=mary, order=order, delivered=[(widgets[6], 1000)])
    order.refresh_from_db()
    assert order.wrong_delivery
    assert "1000 x 6 mm widget arrived but were not ordered" in order.delivery_difference
    assert list(selectors.wrong_deliveries(mary)) == [order]
    # The right delivery is not flagged.
    right = _order(mary, yore, widgets, datetime(2026, 11, 2, 11, 0, tzinfo=MEL))
    services.order_confirm(actor=mary, order=right)
    services.order_deliver(actor=mary, order=right)
    right.refresh_from_db()
    assert not right.wrong_delivery


def test_steps_out_of_order_are_refused_with_a_reason(widgets_charter, widgets, mary, yore):
    order = _order(mary, yore, widgets, datetime(2026, 11, 2, 10, 0, tzinfo=MEL))
    with pytest.raises(Conflict, match="is received; it cannot be marked dispatched"):
        services.order_dispatch(actor=mary, order=order, carrier="Our fleet")
    services.order_confirm(actor=mary, order=order)
    with pytest.raises(DomainError, match="Say who carries it"):
        services.order_dispatch(actor=mary, order=order, carrier=" ")


def test_cancelling_after_dispatch_charges_the_policys_fee(widgets_charter, widgets, mary, yore):
    policy = services.returns_policy()
    policy.cancellation_fee_percent, policy.cancellation_fee_cap = D("10"), D("200")
    policy.save()
    early = _order(mary, yore, widgets, datetime(2026, 11, 2, 10, 0, tzinfo=MEL))
    assert services.order_cancel(actor=mary, order=early, reason="Not needed").cancellation_fee == 0
    late = _order(mary, yore, widgets, datetime(2026, 11, 2, 10, 0, tzinfo=MEL))
    services.order_confirm(actor=mary, order=late)
    services.order_dispatch(actor=mary, order=late, carrier="Our fleet")
    assert services.order_cancel(actor=mary, order=late, reason="x").cancellation_fee == D("200")


def test_a_reorder_is_charged_and_a_replacement_is_free_each_with_its_own_promise(
    widgets_charter, widgets, mary, yore, demo_limits
):
    order = _order(mary, yore, widgets, datetime(2026, 11, 13, 10, 0, tzinfo=MEL))
    reorder = services.order_reorder(actor=mary, order=order, expedite=True)
    assert (reorder.kind, reorder.original, reorder.total) == (OrderKind.REORDER, order, D("2500"))
    assert reorder.promised_by > order.promised_by  # counted from now
    replacement = services.order_replace(actor=mary, order=order)  # within an officer's authority
    assert (replacement.kind, replacement.total) == (OrderKind.REPLACEMENT, D("0"))
    assert [f.reference for f in order.follow_ups.order_by("pk")] == [
        reorder.reference, replacement.reference,
    ]  # fmt: skip


def test_the_refund_due_for_a_major_failure_is_the_officers_and_completes_at_once(
    widgets_charter, widgets, mary, yore, demo_limits
):
    """The refunds policy says a refund is due: the remedy is within her authority (the 10%
    up to $25 of the complaints procedure is goodwill on top of it, not a cap on it)."""
    item = services.return_record(
        actor=mary, customer=yore, product=widgets[7], quantity=100, item_value=D("250.00"),
        reason="faulty", failure="major", condition="used", proof_of_purchase="order",
        purchased_on=date(2026, 10, 1),
    )  # fmt: skip
    item = services.return_resolve(
        actor=mary, item=item, outcome="full_refund", refund_method="card"
    )
    assert item.status == ReturnStatus.COMPLETED and item.approval is None
    assert item.refund_amount == D("250.00")


def test_an_officers_refund_above_her_limit_waits_and_the_supervisors_approval_completes_it(
    widgets_charter, widgets, mary, yore, make_user, demo_limits, admin_user,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    john = make_user(RoleCode.SUPERVISOR, username="john")
    # An organisation that caps its officers' refunds at $100, whatever is due.
    accounts_services.authority_limit_set(
        actor=admin_user, role=Role.objects.get(code=RoleCode.CUSTOMER_SERVICE_OFFICER),
        action="refund", allowed=True, percent_of_value="100", max_amount="100",
    )  # fmt: skip
    item = services.return_record(
        actor=mary, customer=yore, product=widgets[7], quantity=100, item_value=D("250.00"),
        reason="faulty", failure="major", condition="used", proof_of_purchase="order",
        purchased_on=date(2026, 10, 1),
    )  # fmt: skip
    assert item.eligible_remedies == ["full_refund", "replacement"]
    item = services.return_resolve(
        actor=mary, item=item, outcome="full_refund", refund_method="account_credit",
        credit_note_number="CN-1001",
    )  # fmt: skip
    assert item.status == ReturnStatus.AWAITING_APPROVAL
    assert item.approval.status == ApprovalStatus.PENDING
    assert item.approval.required_role.code == RoleCode.SUPERVISOR

    with django_capture_on_commit_callbacks(execute=True):
        accounts_services.approval_request_decide(
            approval=item.approval, approver=john, approve=True
        )
    item.refresh_from_db()
    assert item.status == ReturnStatus.COMPLETED
    assert item.refund_amount == D("250.00") and item.credit_note_number == "CN-1001"


def test_a_refund_within_her_limit_completes_at_once(
    widgets_charter, widgets, mary, yore, demo_limits
):
    item = services.return_record(
        actor=mary, customer=yore, product=widgets[7], item_value=D("20.00"), reason="faulty",
        failure="minor", condition="opened", proof_of_purchase="receipt",
    )  # fmt: skip
    # A part refund of what was paid is within what is due.
    item = services.return_resolve(actor=mary, item=item, outcome="full_refund",
                                   refund_method="card", refund_amount=D("2.00"))  # fmt: skip
    assert item.status == ReturnStatus.COMPLETED and item.approval is None


def test_the_remedy_must_be_one_the_policy_allows(widgets_charter, widgets, mary, yore):
    used = services.return_record(
        actor=mary, customer=yore, product=widgets[7], item_value=D("20.00"),
        reason="change_of_mind", condition="used", proof_of_purchase="receipt",
        purchased_on=date(2026, 11, 1), today=date(2026, 11, 23),
    )  # fmt: skip
    with pytest.raises(DomainError, match="allows: nothing") as refused:
        services.return_resolve(actor=mary, item=used, outcome="full_refund", refund_method="card")
    assert refused.value.field == "outcome"
    assert services.return_resolve(actor=mary, item=used, outcome="declined").status == "declined"
    major = services.return_record(
        actor=mary, customer=yore, product=widgets[7], item_value=D("20.00"), reason="unsafe",
        condition="used", proof_of_purchase="receipt",
    )  # fmt: skip
    with pytest.raises(DomainError, match="give this customer a remedy"):
        services.return_resolve(actor=mary, item=major, outcome="declined")


def test_a_warranty_claim_on_the_expiry_day_is_covered(widgets_charter, widgets, mary, yore):
    warranty = services.warranty_register(
        actor=mary, customer=yore, product=widgets[7], serial_or_batch="B-2025-114",
        purchased_on=date(2025, 11, 24),
    )  # fmt: skip
    assert warranty.expires_on == date(2026, 11, 23)
    assert services.warranty_check(warranty, date(2026, 11, 23)).covered
    assert not services.warranty_check(warranty, date(2026, 11, 24)).covered
    claim = services.warranty_claim(
        actor=mary, warranty=warranty, fault="Thread stripped", fault_on=date(2026, 11, 23)
    )
    assert claim.covered and claim.outcome == "pending"
    late = services.warranty_claim(
        actor=mary, warranty=warranty, fault="Cracked", fault_on=date(2026, 11, 24)
    )
    assert not late.covered and late.outcome == "rejected"
    assert WarrantyClaim.objects.count() == 2
    assert list(selectors.expiring_warranties(mary, today=date(2026, 11, 1))) == [warranty]


def test_the_quality_flag_finds_the_product_that_keeps_coming_back(
    widgets_charter, widgets, mary, yore
):
    start = date(2026, 8, 1)
    for month in (8, 9, 10):
        _order(mary, yore, widgets, datetime(2026, month, 3, 10, 0, tzinfo=MEL), quantity=100)
        services.order_place(actor=mary, customer=yore, lines=[(widgets[6], 100)],
                             channel="email",
                             placed_at=datetime(2026, month, 3, 10, 0, tzinfo=MEL))  # fmt: skip
    for day in range(1, 9):  # 8 faulty 7 mm widgets back in three months: 2.67%
        item = services.return_record(
            actor=mary, customer=yore, product=widgets[7], item_value=D("2.50"),
            reason="faulty", failure="minor", condition="used", proof_of_purchase="order",
        )  # fmt: skip
        item.received_at = datetime(2026, 9, day, 12, 0, tzinfo=MEL)
        item.save()
    services.return_record(
        actor=mary, customer=yore, product=widgets[6], item_value=D("2.50"),
        reason="faulty", failure="minor", condition="used", proof_of_purchase="order",
    ).__class__.objects.filter(product=widgets[6]).update(
        received_at=datetime(2026, 9, 2, tzinfo=MEL)
    )  # fmt: skip
    signals = selectors.quality_signals(start=start, end=date(2026, 11, 1))
    (first_product, first), (second_product, second) = signals
    assert first_product == widgets[7] and first.flagged
    assert (first.returned, first.sold, first.rate, first.trend) == (8, 300, D("2.67"), "new")
    assert second_product == widgets[6] and not second.flagged


def test_an_impossible_order_is_refused_with_a_message_not_an_overflow(
    widgets_charter, widgets, mary, yore
):
    with pytest.raises(DomainError, match="more than one order can hold"):
        _order(mary, yore, widgets, datetime(2026, 11, 2, 10, 0, tzinfo=MEL), quantity=2 * 10**9)
    with pytest.raises(DomainError, match="not a possible price"):
        services.order_place(actor=mary, customer=yore, channel="email",
                             lines=[(widgets[7], 1, D("99999999999.99"))])  # fmt: skip
    with pytest.raises(DomainError, match="too large to record"):
        services.order_place(actor=mary, customer=yore, channel="email",
                             lines=[(widgets[7], 9_000_000, D("999999.00"))])  # fmt: skip
