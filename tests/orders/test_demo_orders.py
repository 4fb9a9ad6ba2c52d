"""The demo's orders tell the Yore Mine Co. story, dated from the day the demo is loaded.

Dates are checked against expectations worked out here, independently of the charter's
calendar code: Victoria's public holidays straight from the ``holidays`` package, business days
counted by hand, the promise due at 5 pm Melbourne time.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.core.management import call_command
from django.utils import timezone

from charter.accounts.models import User
from charter.catalog.models import Product, ProductPrice
from charter.customers.models import Customer
from charter.orders import selectors
from charter.orders.models import (
    DeliveredLine,
    Order,
    OrderEvent,
    Return,
    ReturnsPolicy,
    Warranty,
    WarrantyClaim,
)

pytestmark = pytest.mark.django_db
MELBOURNE = ZoneInfo("Australia/Melbourne")


def third_business_day_after(day: date) -> date:
    vic = holidays.country_holidays("AU", subdiv="VIC", years=range(day.year, day.year + 2))
    counted = 0
    while counted < 3:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in vic:
            counted += 1
    return day


def promised_by(placed_day: date) -> datetime:
    return datetime.combine(third_business_day_after(placed_day), time(17), tzinfo=MELBOURNE)


def local_day(moment: datetime) -> date:
    return moment.astimezone(MELBOURNE).date()


def lines(order) -> list[tuple[str, int]]:
    return [(line.product.name, line.quantity) for line in order.lines.all()]


@pytest.fixture
def yore(demo):
    return Customer.objects.get(reference="IW-0001")


def previous_business_day(day: date) -> date:
    vic = holidays.country_holidays("AU", subdiv="VIC", years=range(day.year - 1, day.year + 1))
    day -= timedelta(days=1)
    while day.weekday() >= 5 or day in vic:
        day -= timedelta(days=1)
    return day


def test_yore_mines_7mm_order_for_delivery_last_friday_is_late(yore):
    now = timezone.now()
    today = local_day(now)
    order = Order.objects.get(customer=yore, status__in=["received", "confirmed", "dispatched"])
    assert lines(order) == [("Mining widget 7 mm", 1000)]
    assert order.channel == "telephone"
    assert order.carrier_is_outsourced and order.status == "dispatched"
    assert order.delivered_at is None
    # Promised for "last Friday", by closing time on the third business day after the order.
    friday = local_day(order.promised_by)
    assert friday.weekday() == 4 and today - timedelta(days=21) <= friday < today
    assert order.promised_by == promised_by(local_day(order.placed_at))
    # ...which has passed: the order is late, and in the late queue.
    assert order.promised_by < now and order.is_late()
    mary = User.objects.get(username="mary")
    assert order in selectors.late_orders(mary)
    # "Last Friday" as the buyer said it when he rang yesterday (the last business day): the
    # Friday of the week before his call.
    call = previous_business_day(today)
    expected = call - timedelta(days=call.weekday() + 3)
    while previous_business_day(expected + timedelta(days=1)) != expected:  # a holiday
        expected -= timedelta(days=7)
    assert friday == expected
    events = list(order.events.filter(kind=OrderEvent.Kind.STATUS).values_list("status", "at"))
    assert [status for status, _ in events] == ["received", "confirmed", "dispatched"]
    assert [at for _, at in events] == sorted(at for _, at in events)


# load date: (the day the order was placed, the promised "last Friday"), by hand on Victoria's
# calendar (charter.core.demo_dates words the rule).
LOADED_ON = {
    "2026-12-07": (date(2026, 11, 24), date(2026, 11, 27)),  # a Monday: the Friday before last
    "2027-01-15": (date(2027, 1, 5), date(2027, 1, 8)),  # a Friday: the previous week's
    "2027-03-30": (date(2027, 3, 16), date(2027, 3, 19)),  # the day after Easter Monday
    "2027-03-31": (date(2027, 3, 16), date(2027, 3, 19)),  # last Friday was Good Friday
    "2027-12-10": (date(2027, 11, 30), date(2027, 12, 3)),  # next year
}


@pytest.mark.parametrize("today", sorted(LOADED_ON))
def test_loaded_on_any_day_the_order_was_promised_for_last_friday(db, monkeypatch, today):
    from freezegun import freeze_time

    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo", today=today, verbosity=0, history=False)
    ordered, friday = LOADED_ON[today]
    order = Order.objects.get(customer_reference="YM-PO-4471")
    assert local_day(order.placed_at) == ordered
    assert local_day(order.promised_by) == friday
    assert order.promised_by == promised_by(ordered)
    # The buyer rang yesterday, after the promise had passed; the wrong 6 mm delivery came a few
    # weeks before; the order is late on the day the demo was loaded.
    case = order.cases.get()
    assert local_day(case.opened_at) == previous_business_day(date.fromisoformat(today))
    assert case.opened_at > order.promised_by
    wrong = Order.objects.get(customer_reference="YM-PO-4410")
    assert timedelta(days=14) <= order.placed_at - wrong.placed_at <= timedelta(days=42)
    with freeze_time(datetime.combine(date.fromisoformat(today), time(10), tzinfo=MELBOURNE)):
        assert order.is_late()
        late = selectors.late_orders(User.objects.get(username="mary"))
        assert [o.customer_reference for o in late] == ["YM-PO-4471"]


def test_yore_mines_earlier_order_arrived_as_6mm_widgets(yore):
    late = Order.objects.get(customer=yore, status="dispatched")
    wrong = Order.objects.get(customer=yore, wrong_delivery=True)
    assert timedelta(days=14) <= late.placed_at - wrong.placed_at <= timedelta(days=42)
    assert lines(wrong) == [("Mining widget 7 mm", 1000)]
    arrived = DeliveredLine.objects.filter(order=wrong).values_list("product__name", "quantity")
    assert list(arrived) == [("Mining widget 6 mm", 1000)]
    assert "Mining widget 7 mm ordered" in wrong.delivery_difference
    assert "1000 x Mining widget 6 mm arrived" in wrong.delivery_difference
    mary = User.objects.get(username="mary")
    assert wrong in selectors.wrong_deliveries(mary)
    # The two are variants of one family.
    six, seven = Product.objects.get(sku="mw-6"), Product.objects.get(sku="mw-7")
    assert six.family == seven.family and six.dimensions != seven.dimensions
    assert Order.objects.filter(customer=yore, status="delivered").count() >= 3


def test_other_customers_orders_returns_and_warranties(demo):
    now = timezone.now()
    others = Order.objects.exclude(customer__reference="IW-0001")
    statuses = set(others.values_list("status", flat=True))
    assert {"received", "confirmed", "dispatched", "delivered"} <= statuses
    # Only Yore Mine's order is late: the one in transit and the new ones are within promise.
    late = selectors.late_orders(User.objects.get(username="mary"))
    assert [order.customer.reference for order in late] == ["IW-0001"]
    for order in Order.objects.all():
        assert order.promised_by > order.placed_at
        assert order.placed_at <= now
    major = Return.objects.get(failure="major")
    assert major.reason == "faulty"
    assert set(major.eligible_remedies) == {"full_refund", "replacement"}
    assert major.chosen_by == "customer" and major.status == "received"
    change = Return.objects.get(reason="change_of_mind")
    assert change.eligible_remedies == [] and change.status == "declined"
    assert "within 2 months" in change.eligibility_reason
    policy = ReturnsPolicy.objects.get()
    assert policy.change_of_mind_months == 2
    assert policy.change_of_mind_remedies == ["exchange", "credit"]
    assert (policy.cancellation_fee_percent, policy.cancellation_fee_cap) == (10, 200)
    today = local_day(now)
    soon = Warranty.objects.filter(expires_on__gte=today, expires_on__lte=today + timedelta(30))
    assert soon.count() == 1
    assert WarrantyClaim.objects.get().warranty == soon.get()
    assert Warranty.objects.count() >= 3
    seven = ProductPrice.objects.filter(product__sku="mw-7").order_by("effective_from")
    first, second = (entry.price for entry in seven)
    assert first < second


def test_seeding_twice_adds_no_orders(demo):
    tables = (Order, OrderEvent, DeliveredLine, Return, Warranty, WarrantyClaim, Product,
              ProductPrice, ReturnsPolicy)  # fmt: skip
    counts = [model.objects.count() for model in tables]
    call_command("seed_demo", verbosity=0, history=False)
    assert [model.objects.count() for model in tables] == counts


def test_the_bank_has_no_orders(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo", organisation="bank", orders=10, verbosity=0)
    assert not Order.objects.exists() and not Product.objects.exists()
