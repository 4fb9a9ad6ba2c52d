"""Segments evaluated in the database against a hand-built population, boundaries included."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from charter.accounts.models import RoleCode
from charter.core.errors import NotPermitted
from charter.customers import selectors, services
from charter.customers.models import Holding, HoldingStatus, SegmentMembership

TODAY = date(2026, 11, 23)


def members(segment) -> set[str]:
    return set(
        SegmentMembership.objects.filter(segment=segment, left_at__isnull=True).values_list(
            "customer__name", flat=True
        )
    )


def segment(manager, name, *conditions, offerings=()):
    return services.segment_save(
        actor=manager,
        name=name,
        conditions=[{"attribute": a, "operator": o, "value": v} for a, o, v in conditions],
        offerings=offerings,
    )


@pytest.fixture
def population(make_customer, types, offerings, manager):
    people = {
        "just-premier": make_customer(name="just-premier", balance=250000),
        "cent-short": make_customer(name="cent-short", balance="249999.99"),
        "ten-years-today": make_customer(name="ten-years-today", customer_since=date(2016, 11, 23)),
        "ten-years-tomorrow": make_customer(
            name="ten-years-tomorrow", customer_since=date(2016, 11, 24)
        ),
        "dormant-365": make_customer(name="dormant-365", last_activity_on=TODAY - timedelta(365)),
        "active-364": make_customer(name="active-364", last_activity_on=TODAY - timedelta(364)),
        "never-active": make_customer(name="never-active", last_activity_on=None),
        "three-products": make_customer(name="three-products"),
        "two-products": make_customer(name="two-products"),
        "miner": make_customer(name="miner", customer_type=types["mining"]),
        "production": make_customer(name="production", customer_type=types["production"]),
        "erased-rich": make_customer(name="erased-rich", balance=900000),
    }
    for code in ("savings", "online-banking", "investment"):
        services.holding_add(
            actor=manager, customer=people["three-products"], offering=offerings[code]
        )
    for code in ("savings", "online-banking"):
        services.holding_add(
            actor=manager, customer=people["two-products"], offering=offerings[code]
        )
    # An offer not taken up is not a product held.
    services.holding_add(
        actor=manager,
        customer=people["two-products"],
        offering=offerings["insurance"],
        status=HoldingStatus.OFFERED,
    )
    services.customer_erase(actor=manager, customer=people["erased-rich"], reason="asked")
    for name in ("just-premier", "cent-short", "ten-years-today", "ten-years-tomorrow"):
        people[name].last_activity_on = TODAY
        people[name].save()
    return people


def test_each_rule_selects_exactly_the_customers_on_its_side_of_the_boundary(
    population, manager, types
):
    cases = [
        (("balance", "gte", "250000"), {"just-premier"}),
        (("tenure_years", "gte", 10), {"ten-years-today"}),
        (("product_count", "gte", 3), {"three-products"}),
        (("product_count", "eq", 2), {"two-products"}),
        (("holds_category", "has", ["wealth"]), {"three-products"}),
        (("holds_offering", "has", ["insurance"]), set()),
        (("customer_type", "in", ["mining"]), {"miner"}),
        (("internal", "is", True), {"production"}),
    ]
    for n, ((attribute, operator, value), expected) in enumerate(cases):
        seg = segment(manager, f"Segment {n}", (attribute, operator, value))
        services.segment_evaluate(segment=seg, actor=manager, today=TODAY)
        assert members(seg) == expected, (attribute, operator, value)


def test_dormancy_counts_never_active_as_long_ago(population, manager):
    dormant = segment(manager, "Dormant", ("days_since_activity", "gte", 365))
    services.segment_evaluate(segment=dormant, actor=manager, today=TODAY)
    found = members(dormant)
    assert {"dormant-365", "never-active"} <= found
    assert "active-364" not in found and "just-premier" not in found


def test_fewer_than_n_products_includes_customers_with_none(population, manager):
    few = segment(manager, "Single product", ("product_count", "lt", 2))
    services.segment_evaluate(segment=few, actor=manager, today=TODAY)
    found = members(few)
    assert "miner" in found and "two-products" not in found and "three-products" not in found


def test_conditions_combine_with_and(population, manager):
    seg = segment(
        manager,
        "Long-standing premier",
        ("balance", "gte", "100000"),
        ("tenure_years", "gte", 5),
    )
    services.segment_evaluate(segment=seg, actor=manager, today=TODAY)
    assert members(seg) == {"just-premier", "cent-short"}


def test_membership_records_who_entered_and_left_and_when(population, manager, offerings):
    premier = segment(
        manager, "Premier", ("balance", "gte", "250000"), offerings=[offerings["investment"]]
    )
    first = services.segment_evaluate(segment=premier, actor=manager, today=TODAY)
    assert (first.entered, first.left, first.matched, first.offers_made) == (1, 0, 1, 1)
    offer = Holding.objects.get(customer=population["just-premier"], offering__code="investment")
    assert offer.status == HoldingStatus.OFFERED and offer.segment == premier

    services.customer_update(actor=manager, customer=population["cent-short"], balance="250000")
    services.customer_update(actor=manager, customer=population["just-premier"], balance="10")
    second = services.segment_evaluate(segment=premier, actor=manager, today=TODAY)
    assert (second.entered, second.left, second.matched) == (1, 1, 1)
    history = SegmentMembership.objects.filter(segment=premier, customer=population["just-premier"])
    assert history.get().left_at == second.started_at
    assert members(premier) == {"cent-short"}

    # Nothing changed: nobody enters or leaves, and no offer is made twice.
    third = services.segment_evaluate(segment=premier, actor=manager, today=TODAY)
    assert (third.entered, third.left, third.offers_made) == (0, 0, 0)


def test_evaluation_is_a_fixed_number_of_queries_whatever_the_population(make_customer, manager):
    seg = segment(manager, "Everyone with money", ("balance", "gte", "1"))

    def evaluate() -> int:
        with CaptureQueriesContext(connection) as queries:
            services.segment_evaluate(segment=seg, actor=manager, today=TODAY)
        return len(queries)

    for n in range(3):
        make_customer(name=f"a{n}", balance=5)
    small = evaluate()
    for n in range(40):
        make_customer(name=f"b{n}", balance=5)
    assert evaluate() == small


def test_only_roles_that_may_evaluate_do(population, make_user, manager):
    seg = segment(manager, "Premier", ("balance", "gte", "250000"))
    officer = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    with pytest.raises(NotPermitted):
        services.segment_evaluate(segment=seg, actor=officer)
    with pytest.raises(NotPermitted):
        segment(officer, "Mine", ("balance", "gte", "1"))


def test_members_not_yet_told_of_their_segment(population, manager):
    premier = segment(manager, "Premier", ("balance", "gte", "250000"))
    services.segment_evaluate(segment=premier, actor=manager, today=TODAY)
    assert list(selectors.members_not_informed(premier)) == [population["just-premier"]]
    services.segment_notice_record(
        actor=manager, customer=population["just-premier"], segment=premier, channel="telephone"
    )
    assert not selectors.members_not_informed(premier).exists()
