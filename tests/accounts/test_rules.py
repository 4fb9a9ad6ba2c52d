"""The authority rule on a table of cases: under, at and over each limit, for each role."""

from decimal import Decimal

import pytest

from charter.accounts.rules import Limit, ceiling, decide, describe_limit, granting_roles

D = Decimal


def limit(role, action, allowed=True, percent=None, cap=None, rank=10, currency="AUD"):
    return Limit(
        role=role,
        role_label=role.upper(),
        rank=rank,
        action=action,
        allowed=allowed,
        percent_of_value=None if percent is None else D(percent),
        max_amount=None if cap is None else D(cap),
        currency=currency,
    )


CSO = [
    limit("cso", "refund", percent="10", cap="25"),
    limit("cso", "replace"),
    limit("cso", "compensate", allowed=False),
    limit("cso", "close_complaint"),
    limit("cso", "refer_outside", allowed=False),
]
SUPERVISOR = [
    limit("supervisor", "refund", percent="100", cap="500", rank=30),
    limit("supervisor", "compensate", cap="100", rank=30),
    limit("supervisor", "close_complaint", rank=30),
]
MANAGER = [
    limit("csm", "refund", percent="100", cap="5000", rank=40),
    limit("csm", "compensate", cap="2000", rank=40),
    limit("csm", "refer_outside", rank=40),
]
ALL = CSO + SUPERVISOR + MANAGER


@pytest.mark.parametrize(
    "limits, action, amount, value, allowed",
    [
        # CSO refund: 10% of the value, at most $25. On a $100 item the bound is $10.
        (CSO, "refund", "9.99", "100", True),
        (CSO, "refund", "10.00", "100", True),
        (CSO, "refund", "10.01", "100", False),
        # On a $1,000 item 10% is $100, so the $25 cap binds.
        (CSO, "refund", "24.99", "1000", True),
        (CSO, "refund", "25.00", "1000", True),
        (CSO, "refund", "25.01", "1000", False),
        # At exactly $250 both bounds meet.
        (CSO, "refund", "25.00", "250", True),
        (CSO, "refund", "25.01", "250", False),
        (CSO, "refund", "0", "100", True),
        # A percentage of a value that is not given cannot be applied.
        (CSO, "refund", "5", None, False),
        (CSO, "replace", "800", "800", True),
        (CSO, "compensate", "1", None, False),
        (CSO, "close_complaint", None, None, True),
        (CSO, "refer_outside", None, None, False),
        # Supervisor refund: 100% up to $500.
        (SUPERVISOR, "refund", "499.99", "600", True),
        (SUPERVISOR, "refund", "500.00", "600", True),
        (SUPERVISOR, "refund", "500.01", "600", False),
        (SUPERVISOR, "refund", "120.01", "120", False),  # never more than the item's value
        (SUPERVISOR, "compensate", "100", None, True),
        (SUPERVISOR, "compensate", "100.01", None, False),
        (SUPERVISOR, "refer_outside", None, None, False),  # no limit row: not allowed
        # Manager: up to $5,000 and may refer outside.
        (MANAGER, "refund", "5000", "9000", True),
        (MANAGER, "refund", "5000.01", "9000", False),
        (MANAGER, "compensate", "2000", None, True),
        (MANAGER, "compensate", "2000.01", None, False),
        (MANAGER, "refer_outside", None, None, True),
        # Nobody's limits: nothing allowed.
        ([], "refund", "1", "10", False),
        ([], "close_complaint", None, None, False),
    ],
)
def test_decide_on_the_table(limits, action, amount, value, allowed):
    decision = decide(
        limits,
        action=action,
        amount=None if amount is None else D(amount),
        item_value=None if value is None else D(value),
    )
    assert decision.allowed is allowed, decision.reason
    assert decision.reason


def test_refusal_says_why_with_the_figures():
    decision = decide(CSO, action="refund", amount=D("30"), item_value=D("120"))
    assert not decision.allowed
    assert "$30.00" in decision.reason
    assert "10% of the item's value" in decision.reason
    assert "$12.00" in decision.reason  # 10% of $120
    assert decision.ceiling == D("12.00")


def test_an_actor_with_two_roles_has_the_more_generous_limit():
    both = CSO + SUPERVISOR
    assert decide(both, action="refund", amount=D("400"), item_value=D("400")).allowed
    assert decide(both, action="refund", amount=D("501"), item_value=D("900")).allowed is False


def test_percentage_is_rounded_down_to_the_cent():
    # 10% of $33.33 is $3.333: the officer may refund $3.33, not $3.34.
    assert ceiling(CSO[0], D("33.33")) == D("3.33")
    assert decide(CSO, action="refund", amount=D("3.34"), item_value=D("33.33")).allowed is False


def test_negative_amounts_and_missing_amounts_are_refused_with_a_reason():
    assert "negative" in decide(CSO, action="refund", amount=D("-1"), item_value=D("10")).reason
    assert "how much" in decide(CSO, action="refund", amount=None, item_value=D("10")).reason


def test_a_limit_in_another_currency_does_not_apply():
    decision = decide(CSO, action="refund", amount=D("1"), item_value=D("100"), currency="NZD")
    assert not decision.allowed
    assert "AUD" in decision.reason


def test_granting_roles_are_those_whose_limit_covers_it_most_junior_first():
    roles = granting_roles(ALL, action="refund", amount=D("300"), item_value=D("300"))
    assert [r.role for r in roles] == ["supervisor", "csm"]
    roles = granting_roles(ALL, action="refund", amount=D("800"), item_value=D("900"))
    assert [r.role for r in roles] == ["csm"]
    assert granting_roles(ALL, action="refund", amount=D("6000"), item_value=D("9000")) == []
    assert [r.role for r in granting_roles(ALL, action="refer_outside")] == ["csm"]


def test_describe_limit_in_words():
    assert describe_limit(CSO[0]) == "up to 10% of the item's value, at most $25.00"
    assert describe_limit(SUPERVISOR[1]) == "up to $100.00"
    assert describe_limit(CSO[2]) == "not allowed"
    assert describe_limit(limit("x", "refund")) == "allowed, with no limit"


def test_a_role_without_a_limit_for_an_action_does_not_handle_it():
    # An analyst's roles have no refund limit at all: refused, and not theirs to ask for.
    decision = decide([], action="refund", amount=D("10"), item_value=D("100"))
    assert not decision.allowed and not decision.handles and not decision.may_ask
    assert decision.reason.startswith("Your role does not handle refunds")
    # A limit that says "not allowed" is still a role that handles it: it asks for approval.
    decision = decide(CSO, action="compensate", amount=D("1"))
    assert not decision.allowed and decision.handles and decision.may_ask
    assert decide(CSO, action="refund", amount=D("30"), item_value=D("100")).may_ask
    assert not decide(CSO, action="refund", amount=D("5"), item_value=D("100")).may_ask
    assert "referrals to an outside body" in decide(SUPERVISOR, action="refer_outside").reason


# --- Complaints procedure steps 6 and 7 as the seed has them -----------------------------------
# Goodwill is an additional 10% of the faulty product's value, at most $25, on top of the refund
# the policy says is due (the product's whole value); replacing is within everyone's authority
# while the step 6 reading says so.
OFFICER = [
    limit("cso", "refund", percent="100"),
    limit("cso", "goodwill", percent="10", cap="25"),
    limit("cso", "replace", allowed=False),
]


@pytest.mark.parametrize(
    "amount, value, allowed, most",
    [
        ("12.00", "120", True, "12.00"),  # 10% of a $120 widget, written out by hand
        ("12.01", "120", False, "12.00"),
        ("30.00", "120", False, "12.00"),
        ("25.00", "300", True, "25.00"),  # 10% would be $30: the $25 cap binds
        ("25.01", "300", False, "25.00"),
    ],
)
def test_goodwill_is_ten_percent_of_the_product_at_most_25(amount, value, allowed, most):
    decision = decide(OFFICER, action="goodwill", amount=D(amount), item_value=D(value))
    assert (decision.allowed, decision.ceiling) == (allowed, D(most))


def test_refunding_the_faulty_product_itself_is_not_capped_by_the_goodwill_limit():
    assert decide(OFFICER, action="refund", amount=D("120"), item_value=D("120")).allowed
    assert decide(OFFICER, action="refund", amount=D("2500"), item_value=D("2500")).allowed
    over = decide(OFFICER, action="refund", amount=D("120.01"), item_value=D("120"))
    assert not over.allowed and over.ceiling == D("120.00")


def test_the_step_6_reading_puts_replacing_within_everyones_authority():
    from charter.accounts.rules import EVERY_STAFF_MEMBER, replacement_reading

    refused = decide(OFFICER, action="replace", amount=D("120"), item_value=D("120"))
    assert not refused.allowed and "needs approval" in refused.reason
    everyone = Limit(
        role="cso", role_label="CSO", rank=10, action="replace", allowed=True,
        source=EVERY_STAFF_MEMBER,
    )  # fmt: skip
    allowed = decide(
        [*OFFICER[:2], everyone], action="replace", amount=D("120"), item_value=D("120")
    )
    assert allowed.allowed and "every staff member's authority" in allowed.reason
    assert describe_limit(everyone) == EVERY_STAFF_MEMBER
    assert "within every staff member's authority" in replacement_reading(True)
    assert "each role" in replacement_reading(False)


# --- Leave ----------------------------------------------------------------------------------------
def _person(name, *, decides=False, rank=10, active=True):
    from charter.accounts.rules import Person

    return Person(name=name, active=active, decides_approvals=decides, rank=rank)


JOHN = _person("John", decides=True, rank=30)
GRACE = _person("Grace", decides=True, rank=40)
MIA = _person("Mia")


@pytest.mark.parametrize(
    "stand_in, overlaps, field, words",
    [
        (GRACE, {}, None, None),
        (None, {}, None, None),
        (MIA, {}, "stand_in", "cannot decide the approvals"),
        (_person("Gone", decides=True, rank=40, active=False), {}, "stand_in", "has left"),
        (GRACE, {"stand_in_away": ("2025-10-20", "2025-10-24")}, "stand_in", "away themselves"),
        (GRACE, {"own_overlap": ("2025-11-03", "2025-11-07")}, "starts_on", "already recorded"),
        (JOHN, {}, "stand_in", "Someone else"),
    ],
)
def test_who_may_stand_in(stand_in, overlaps, field, words):
    from datetime import date

    from charter.accounts.rules import absence_problem

    spans = {key: tuple(date.fromisoformat(d) for d in span) for key, span in overlaps.items()}
    problem = absence_problem(
        starts_on=date(2025, 10, 1),
        ends_on=date(2025, 11, 30),
        person=JOHN,
        stand_in=stand_in,
        **spans,
    )
    if field is None:
        assert problem is None
    else:
        assert problem[0] == field and words in problem[1]


def test_leave_ends_on_or_after_it_starts():
    from datetime import date

    from charter.accounts.rules import absence_problem

    problem = absence_problem(
        starts_on=date(2025, 11, 30), ends_on=date(2025, 10, 1), person=JOHN, stand_in=GRACE
    )
    assert problem == ("ends_on", "The leave must end on or after the day it starts.")
    assert (
        absence_problem(
            starts_on=date(2025, 10, 1), ends_on=date(2025, 10, 1), person=MIA, stand_in=None
        )
        is None
    )
