"""Innovative Widgets' orders, returns and warranties, dated from the day the demo is loaded.

Every order is placed through ``services.order_place``, so its promised delivery is the
charter's (3 business days on the organisation's calendar, Victoria's public holidays
skipped), and moves on through the services that record each step:

- Yore Mine Co. (IW-0001) ordered 1,000 x 7 mm widgets by telephone for delivery last Friday;
  the order was confirmed and handed to an outsourced distribution company, and has not
  arrived: it is late. "Last Friday" is the seeds' (``charter.core.demo_dates``: the Friday of
  the week before the buyer's call yesterday); the order was placed on the business day whose
  three business days of promise end on that Friday (the Tuesday before, unless a public
  holiday moves it), so it is late whatever day the demo is loaded.
- A few weeks before that, Yore Mine's order of 1,000 x 7 mm widgets arrived as 1,000 x 6 mm:
  a wrong delivery, with the difference recorded. Older orders of theirs arrived on time.
- The other demo customers have delivered orders, one in transit, one confirmed and one just
  received; a return for a major failure (waiting for the returns officer), a change of mind
  outside the two months (declined), and warranties, one ending within 30 days with a claim.

Services stamp a confirmation with the moment it is recorded; the demo moves those stamps
back to when the story says they happened (``_confirm``). Running it twice changes nothing:
each order is found by the customer's own order number, returns by their order and reason,
warranties by their serial or batch. The bank (``--organisation bank``) delivers no goods and
has no orders. ``seed_demo --orders N`` adds N synthetic orders (``synthetic.make_orders``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from charter.accounts.models import User
from charter.catalog.models import Product
from charter.core import demo_dates
from charter.core.selectors import business_calendar
from charter.customers.models import Customer
from charter.standards.selectors import deadline_for

from . import rules, services
from .models import Order, OrderEvent, OrderStatus, Return, ReturnsPolicy, Warranty

YORE_MINE = "IW-0001"
LATE_ORDER_PO = "YM-PO-4471"  # Yore Mine's purchase order number for the late 7 mm widgets
WRONG_ORDER_PO = "YM-PO-4410"  # ... and for the order that arrived as 6 mm widgets
DISTRIBUTOR = "Coastline Freight (distribution partner)"
OWN_FLEET = "Innovative Widgets fleet"


def seed(ctx) -> None:
    if ctx.organisation != "widgets":
        if (ctx.options or {}).get("orders"):
            ctx.say("The bank delivers no goods: no orders made.")
        return
    _policy(ctx)
    story = _Story(ctx)
    made = story.orders()
    if made:
        ctx.say(f"Placed {made} demo orders, including Yore Mine Co.'s late 7 mm widgets.")
    returns, warranties = story.returns(), story.warranties()
    if returns or warranties:
        ctx.say(f"Recorded {returns} returns and {warranties} warranty registrations.")
    synthetic = (ctx.options or {}).get("orders") or 0
    if synthetic:
        from .synthetic import make_orders

        def progress(done, total):
            if done == total or done % 100_000 == 0:
                ctx.say(f"  {done:,} / {total:,} synthetic orders")

        made = make_orders(n=synthetic, seed=1, progress=progress)
        ctx.say(f"Created {made:,} synthetic orders.")


def _policy(ctx) -> None:
    """The refunds policy's figures. A change of mind within 2 months earns an exchange or a
    credit (the policy's window). The cancellation fee is our choice, not the seed's: 10% of
    the order's total once it has been dispatched (the carrier is paid by then), at most $200;
    nothing before dispatch."""
    if ReturnsPolicy.objects.exists():
        return
    ReturnsPolicy.objects.create(
        change_of_mind_months=2,
        change_of_mind_remedies=["exchange", "credit"],
        cancellation_fee_percent=Decimal("10"),
        cancellation_fee_cap=Decimal("200"),
    )
    ctx.say("Set the returns policy's figures.")


class _Story:
    def __init__(self, ctx):
        self.ctx = ctx
        self.now = timezone.now()
        self.calendar = business_calendar()
        self.today = timezone.localtime(self.now, self.calendar.zone).date()
        self.story = demo_dates.story_dates(self.today)
        references = [f"IW-000{number}" for number in range(1, 7)]
        self.customers = {c.reference: c for c in Customer.objects.filter(reference__in=references)}
        self.products = {p.sku: p for p in Product.objects.all()}
        self.staff = {u.username: u for u in User.objects.filter(is_active=True)}
        self.orders_by_po: dict[str, Order] = {}

    # --- Dates ----------------------------------------------------------------------------
    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.calendar.zone)

    def business_day(self, days_ago: int) -> date:
        """The business day on or before ``days_ago`` days before today."""
        day = self.today - timedelta(days=days_ago)
        while not self.calendar.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def after(self, day: date, business_days: int) -> date:
        return self.calendar.business_days_after(day, business_days)

    def late_order_days(self) -> tuple[date, date]:
        """Yore Mine's promised Friday (``demo_dates``) and the day the order was placed: the
        latest business day before it whose delivery promise (the charter's, on its calendar)
        ends on that Friday."""
        yore = self.customers[YORE_MINE]
        friday = self.story.promised_friday(self.calendar)
        day = friday
        for _ in range(21):
            day -= timedelta(days=1)
            if not self.calendar.is_business_day(day):
                continue
            due = self.calendar.local(deadline_for(yore, "delivery", self.at(day, 10, 15)).due)
            if due.date() == friday:
                return friday, day
            if due.date() < friday:
                break  # a promise that falls on no Friday (changed charter): three days back
        day = friday
        for _ in range(3):
            day -= timedelta(days=1)
            while not self.calendar.is_business_day(day):
                day -= timedelta(days=1)
        return friday, day

    # --- Orders ---------------------------------------------------------------------------
    def orders(self) -> int:
        if len(self.customers) < 6 or not {"mw-6", "mw-7"} <= set(self.products):
            return 0  # the customers' or the catalogue's demo did not run
        friday, ordered = self.late_order_days()
        wrong_day = self.business_day((self.today - friday).days + 25)
        last_business_day = self.business_day(1)
        made = 0
        for spec in self.order_specs(ordered, wrong_day, last_business_day):
            made += self.place(**spec)
        return made

    def order_specs(self, ordered: date, wrong_day: date, recent: date) -> list[dict]:
        day = self.business_day
        # Delivered a year less 10 to 15 days ago: its 12-month warranty ends within 30 days.
        warranty_day = rules.add_months(self.today, -12) + timedelta(days=12)
        while not self.calendar.is_business_day(warranty_day):
            warranty_day += timedelta(days=1)
        return [
            # Yore Mine Co.: regular 7 mm orders on time, the wrong delivery, the late order.
            dict(customer=YORE_MINE, po="YM-PO-4102", by="alex", channel="account_manager",
                 placed=self.at(day(130), 9, 30), lines=[("mw-7", 2000), ("mk-std", 40)],
                 steps=[("dispatch", 1, OWN_FLEET), ("deliver", 2, None)]),
            dict(customer=YORE_MINE, po="YM-PO-4233", by="mia", channel="telephone",
                 placed=self.at(day(80), 11, 5), lines=[("mw-7", 1000)],
                 steps=[("dispatch", 1, DISTRIBUTOR), ("deliver", 3, None)]),
            dict(customer=YORE_MINE, po=WRONG_ORDER_PO, by="jonas", channel="telephone",
                 placed=self.at(wrong_day, 10, 40), lines=[("mw-7", 1000)],
                 steps=[("dispatch", 1, OWN_FLEET), ("deliver", 2, [("mw-6", 1000)])]),
            dict(customer=YORE_MINE, po=LATE_ORDER_PO, by="jonas", channel="telephone",
                 placed=self.at(ordered, 10, 15), lines=[("mw-7", 1000)],
                 steps=[("dispatch", 0, DISTRIBUTOR)]),
            # Pilbara Drill Services: heavy-duty widgets (returned later), one in transit.
            dict(customer="IW-0002", po="PDS-7781", by="mia", channel="telephone",
                 placed=self.at(day(70), 14, 20), lines=[("hd-10", 400), ("mk-hd", 20)],
                 steps=[("dispatch", 1, DISTRIBUTOR), ("deliver", 3, None)]),
            dict(customer="IW-0002", po="PDS-7902", by="taya", channel="email",
                 placed=self.at(recent, 9, 40), lines=[("mw-8", 1500)],
                 steps=[("dispatch", 0, OWN_FLEET)]),
            # Bendigo Bolt & Fastener: one order, over a year ago (they have gone quiet).
            dict(customer="IW-0003", po="BBF-0192", by="jonas", channel="email",
                 placed=self.at(day(420), 13, 0), lines=[("mw-6", 500)],
                 steps=[("dispatch", 1, OWN_FLEET), ("deliver", 2, None)]),
            # Coastal Conveyors: delivered on time, one confirmed today, one just received.
            dict(customer="IW-0004", po="CC-2231", by="mia", channel="web",
                 placed=self.at(day(35), 8, 55), lines=[("mw-6", 500), ("mk-std", 25)],
                 steps=[("dispatch", 1, OWN_FLEET), ("deliver", 2, None)]),
            dict(customer="IW-0004", po="CC-2290", by="taya", channel="email",
                 placed=self.now - timedelta(hours=3), lines=[("mk-std", 40)], steps=[]),
            dict(customer="IW-0004", po="CC-2291", by=None, channel="web",
                 placed=self.now - timedelta(minutes=35), lines=[("mw-7", 500)],
                 steps=None),
            # Margaret Chen: a kit whose warranty ends within 30 days, and one she returned.
            dict(customer="IW-0005", po="MC-1", by="mary", channel="telephone",
                 placed=self.at(warranty_day, 10, 0), lines=[("mk-std", 1)],
                 steps=[("dispatch", 0, OWN_FLEET), ("deliver", 1, None)]),
            dict(customer="IW-0005", po="MC-2", by="mia", channel="telephone",
                 placed=self.at(day(100), 15, 30), lines=[("mk-std", 2)],
                 steps=[("dispatch", 1, OWN_FLEET), ("deliver", 2, None)]),
            # Tom Walsh: a kit, ordered by telephone.
            dict(customer="IW-0006", po="TW-1", by="jonas", channel="telephone",
                 placed=self.at(day(30), 11, 0), lines=[("mk-std", 1)],
                 steps=[("dispatch", 1, OWN_FLEET), ("deliver", 1, None)]),
        ]  # fmt: skip

    def place(self, *, customer, po, by, channel, placed, lines, steps) -> int:
        """Place one order and take it through ``steps``: (step, business days after the
        previous step, carrier or what arrived); ``None``: not even confirmed yet."""
        customer = self.customers[customer]
        existing = Order.objects.filter(customer=customer, customer_reference=po).first()
        if existing:
            self.orders_by_po[po] = existing
            return 0
        actor = self.staff.get(by) if by else None
        order = services.order_place(
            actor=actor, customer=customer, channel=channel, placed_at=placed,
            customer_reference=po,
            lines=[(self.products[sku], quantity) for sku, quantity in lines],
        )  # fmt: skip
        if steps is not None:
            confirmed = placed + timedelta(minutes=50)
            order = self._confirm(actor, order, min(confirmed, self.now))
        day = placed.date()
        for step, business_days, detail in steps or []:
            day = self.after(day, business_days)
            if step == "dispatch":
                when = self.at(day, 15, 30) if business_days else confirmed + timedelta(hours=3)
                order = services.order_dispatch(
                    actor=actor, order=order, carrier=detail, at=min(when, self.now),
                    outsourced=detail == DISTRIBUTOR,
                    tracking_reference=("CF" if detail == DISTRIBUTOR else "IW")
                    + f"-{order.pk:06d}",
                )  # fmt: skip
            else:
                delivered = None
                if detail:
                    delivered = [(self.products[sku], quantity) for sku, quantity in detail]
                order = services.order_deliver(
                    actor=self.staff.get("john"), order=order, delivered=delivered,
                    at=self.at(day, 11, 20),
                )  # fmt: skip
        self.orders_by_po[po] = order
        return 1

    def _confirm(self, actor, order: Order, at: datetime) -> Order:
        order = services.order_confirm(actor=actor, order=order)
        Order.objects.filter(pk=order.pk).update(confirmed_at=at)
        order.events.filter(kind=OrderEvent.Kind.STATUS, status=OrderStatus.CONFIRMED).update(at=at)
        order.confirmed_at = at
        return order

    # --- Returns and warranties -------------------------------------------------------------
    def returns(self) -> int:
        made = 0
        pilbara = self.orders_by_po.get("PDS-7781")
        if pilbara and not Return.objects.filter(order=pilbara, reason="faulty").exists():
            item = services.return_record(
                actor=self.staff.get("ravi"), customer=pilbara.customer, order=pilbara,
                product=self.products["hd-10"], quantity=40,
                item_value=pilbara.lines.get(product=self.products["hd-10"]).unit_price * 40,
                reason="faulty", failure="major", condition="used", proof_of_purchase="order",
                description="40 heavy-duty widgets from one batch cracked at the shoulder under "
                "their rated load within a week of fitting to a crusher mount. The customer has "
                "stopped using the batch.",
            )  # fmt: skip
            self._received(item, days_ago=3)
            made += 1
        chen = self.orders_by_po.get("MC-2")
        if chen and not Return.objects.filter(order=chen, reason="change_of_mind").exists():
            item = services.return_record(
                actor=self.staff.get("ravi"), customer=chen.customer, order=chen,
                product=self.products["mk-std"], quantity=1,
                item_value=chen.lines.get().unit_price, reason="change_of_mind",
                condition="as_new", proof_of_purchase="receipt",
                description="Bought two kits; only needed one. Unopened.",
            )  # fmt: skip
            # Outside the two months: the policy offers nothing, and the officer says so.
            services.return_resolve(actor=self.staff.get("ravi"), item=item, outcome="declined")
            self._received(item, days_ago=1)
            made += 1
        return made

    def _received(self, item: Return, *, days_ago: int) -> None:
        at = self.at(self.business_day(days_ago), 10, 30)
        Return.objects.filter(pk=item.pk).update(received_at=at)

    def warranties(self) -> int:
        made = 0
        ravi = self.staff.get("ravi")
        registrations = [  # order's PO, product, serial or batch, with a claim
            ("MC-1", "mk-std", "MK-2512-0457", True),
            ("TW-1", "mk-std", "MK-2610-0193", False),
            ("YM-PO-4233", "mw-7", "B7-26-0911", False),
            ("PDS-7781", "hd-10", "HD-26-0117", False),
        ]
        for po, sku, serial, claim in registrations:
            order = self.orders_by_po.get(po)
            product = self.products.get(sku)
            if order is None or product is None or order.delivered_at is None:
                continue
            warranty = Warranty.objects.filter(
                customer=order.customer, product=product, serial_or_batch=serial
            ).first()
            if warranty is None:
                warranty = services.warranty_register(
                    actor=ravi, customer=order.customer, product=product, order=order,
                    serial_or_batch=serial,
                    purchased_on=timezone.localtime(order.delivered_at).date(),
                )  # fmt: skip
                made += 1
            if claim and not warranty.claims.exists():
                services.warranty_claim(
                    actor=ravi, warranty=warranty, fault_on=self.today - timedelta(days=3),
                    fault="A bracket cracked along the weld; the widget it held is loose.",
                )  # fmt: skip
        return made
