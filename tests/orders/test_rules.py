"""The pure rules of orders, returns and warranty, on tables of cases. The expectations are
written out by hand (dates from a calendar, the Australian Consumer Law's remedies)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from charter.orders import rules

SYD = ZoneInfo("Australia/Sydney")
D = Decimal


# --- Late and wrong deliveries, at the boundaries ------------------------------------------


PROMISED = datetime(2026, 11, 18, 17, 0, tzinfo=SYD)


@pytest.mark.parametrize(
    "status, now, late",
    [
        ("dispatched", PROMISED - timedelta(seconds=1), False),
        ("dispatched", PROMISED, False),  # exactly on the promise is on time
        ("dispatched", PROMISED + timedelta(seconds=1), True),
        ("received", PROMISED + timedelta(days=5), True),
        ("confirmed", PROMISED + timedelta(minutes=1), True),
        ("delivered", PROMISED + timedelta(days=5), False),
        ("cancelled", PROMISED + timedelta(days=5), False),
    ],
)
def test_an_order_is_late_only_after_its_promise_while_open(status, now, late):
    assert rules.is_late(status=status, promised_by=PROMISED, now=now) is late


@pytest.mark.parametrize(
    "ordered, delivered, differences",
    [
        ([("7 mm widget", 1000)], [("7 mm widget", 1000)], []),
        (
            [("7 mm widget", 1000)],
            [("6 mm widget", 1000)],
            ["1000 x 6 mm widget arrived but were not ordered",
             "1000 x 7 mm widget ordered but none arrived"],
        ),
        ([("7 mm widget", 1000)], [("7 mm widget", 999)],
         ["7 mm widget: 1000 ordered, 999 arrived"]),
        ([("7 mm widget", 1000)], [("7 mm widget", 1001)],
         ["7 mm widget: 1000 ordered, 1001 arrived"]),
        # Split across two lines is still the same delivery.
        ([("7 mm widget", 1000)], [("7 mm widget", 600), ("7 mm widget", 400)], []),
        ([("7 mm widget", 10), ("Kit", 2)], [("7 mm widget", 10)],
         ["2 x Kit ordered but none arrived"]),
    ],
)  # fmt: skip
def test_a_wrong_delivery_is_any_difference_in_product_or_quantity(ordered, delivered, differences):
    assert rules.delivery_differences(ordered, delivered) == differences


@pytest.mark.parametrize(
    "status, total, expected",
    [
        ("received", D("1000"), D("0.00")),
        ("confirmed", D("1000"), D("0.00")),
        ("dispatched", D("1000"), D("100.00")),
        ("dispatched", D("5000"), D("200")),  # capped
    ],
)
def test_cancelling_costs_nothing_before_dispatch_and_a_capped_share_after(status, total, expected):
    assert rules.cancellation_fee(status=status, total=total, percent=D("10"), cap=D("200")) == (
        expected
    )
    with pytest.raises(ValueError, match="cannot be cancelled"):
        rules.cancellation_fee(status="delivered", total=total, percent=D("10"), cap=None)


# --- Returns: a table of cases -------------------------------------------------------------

TODAY = date(2026, 11, 23)
POLICY = {"change_of_mind_months": 2, "change_of_mind_remedies": ("exchange", "credit")}


@pytest.mark.parametrize(
    "case, purchased_on, reason, failure, condition, proof, remedies, chooser, says",
    [
        ("change of mind, inside two months", date(2026, 10, 1), "change_of_mind", "none",
         "as_new", "receipt", ("exchange", "credit"), "customer", "within 2 months"),
        ("change of mind, on the last day", date(2026, 9, 23), "change_of_mind", "none",
         "opened", "receipt", ("exchange", "credit"), "customer", "within 2 months"),
        ("change of mind, a day too late", date(2026, 9, 22), "change_of_mind", "none",
         "as_new", "receipt", (), "", "by 22 November 2026"),
        ("change of mind, obviously used", date(2026, 11, 1), "change_of_mind", "none",
         "used", "receipt", (), "", "obviously been used"),
        ("no proof of purchase", date(2026, 11, 1), "faulty", "major", "as_new", "none",
         (), "", "proof of purchase"),
        ("major failure, long ago and used", date(2024, 1, 10), "faulty", "major", "used",
         "bank_statement", ("full_refund", "replacement"), "customer", "customer chooses"),
        ("minor failure", date(2026, 11, 1), "faulty", "minor", "used", "order",
         ("repair", "replacement", "full_refund"), "business", "we choose"),
        ("unsafe goods are always major", date(2026, 11, 1), "unsafe", "minor", "used",
         "receipt", ("full_refund", "replacement"), "customer", "Unsafe goods"),
        ("wrong item delivered", date(2026, 11, 1), "wrong_item", "none", "as_new", "order",
         ("full_refund", "replacement"), "customer", "other than what was ordered"),
        ("fault not yet assessed", date(2026, 11, 1), "not_as_described", "none", "as_new",
         "receipt", (), "", "Assess the fault first"),
    ],
)  # fmt: skip
def test_return_eligibility(case, purchased_on, reason, failure, condition, proof, remedies,
                            chooser, says):  # fmt: skip
    result = rules.return_eligibility(
        reason=reason, failure=failure, condition=condition, proof_of_purchase=proof,
        purchased_on=purchased_on, today=TODAY, **POLICY,
    )  # fmt: skip
    assert result.remedies == remedies, case
    assert result.chosen_by == chooser, case
    assert says in result.reason, case


def test_a_policy_offering_nothing_for_change_of_mind_says_so():
    result = rules.return_eligibility(
        reason="change_of_mind", failure="none", condition="as_new", proof_of_purchase="receipt",
        purchased_on=TODAY, today=TODAY, change_of_mind_months=2, change_of_mind_remedies=(),
    )  # fmt: skip
    assert not result.eligible and "law requires none" in result.reason


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 12, date(2027, 12, 15)),
    ],
)
def test_adding_months_keeps_the_day_or_the_months_last(day, months, expected):
    assert rules.add_months(day, months) == expected


# --- Warranty ------------------------------------------------------------------------------


def test_a_warranty_covers_its_expiry_day_and_not_the_day_after():
    purchased = date(2026, 3, 15)
    expires = rules.warranty_expiry(purchased, 12)
    assert expires == date(2027, 3, 14)  # twelve months, the last day included
    on_the_day = rules.warranty_coverage(
        purchased_on=purchased, expires_on=expires, fault_on=date(2027, 3, 14),
        terms="Defects in material and workmanship",
    )  # fmt: skip
    assert on_the_day.covered
    assert "Defects in material and workmanship" in on_the_day.reason
    assert "0 days after" in on_the_day.reason
    after = rules.warranty_coverage(
        purchased_on=purchased, expires_on=expires, fault_on=date(2027, 3, 15)
    )
    assert not after.covered and "ended on 14 March 2027" in after.reason
    assert "consumer guarantees may still apply" in after.reason
    before = rules.warranty_coverage(
        purchased_on=purchased, expires_on=expires, fault_on=date(2026, 3, 14)
    )
    assert not before.covered and "before the purchase" in before.reason


# --- Quality signal on a constructed history -----------------------------------------------


@pytest.mark.parametrize(
    "returned, sold, before_returned, before_sold, flagged, trend, rate",
    [
        (10, 200, 2, 200, True, "rising", D("5.00")),  # 5% against 1%: found
        (3, 200, 3, 200, False, "steady", D("1.50")),  # under the 2% threshold
        (2, 20, 0, 20, False, "rising", D("10.00")),  # too few returns to mean anything
        (4, 100, 8, 100, True, "falling", D("4.00")),  # still above, improving
        (5, 0, 0, 0, True, "new", D("100.00")),  # returned but not sold in the period
        (0, 500, 0, 500, False, "steady", D("0.00")),
    ],
)
def test_the_quality_flag(returned, sold, before_returned, before_sold, flagged, trend, rate):
    signal = rules.quality_signal(
        product_id=1, returned=returned, sold=sold, previous_returned=before_returned,
        previous_sold=before_sold, threshold_percent=D("2"), minimum_returns=3,
    )  # fmt: skip
    assert (signal.flagged, signal.trend, signal.rate) == (flagged, trend, rate)
