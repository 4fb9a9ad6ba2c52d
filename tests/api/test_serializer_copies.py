"""Serializers that work out their fields once per class give each use its own copies: two
cases answered at the same moment (gunicorn runs threads) each get their own record, and two
bodies read for two callers each check what their own caller may see."""

import sys
import threading

import pytest
from rest_framework.test import APIRequestFactory

from charter.api.cases import CaseCreateSerializer, CaseDetailSerializer
from charter.cases import selectors, services
from charter.orders import services as orders_services
from tests.cases.conftest import (  # noqa: F401
    account_manager,
    complaints_charter,
    officer,
    yore_mine,
)
from tests.customers.conftest import make_customer, manager, offerings, types  # noqa: F401
from tests.orders.conftest import widgets, widgets_charter  # noqa: F401

pytestmark = pytest.mark.django_db


def _opened(officer, customer, subject, **kwargs):  # noqa: F811
    case = services.case_open(
        actor=officer, subject=subject, channel="telephone", customer=customer, **kwargs
    )
    return selectors.case_detail(officer, case.pk)


def test_two_cases_answered_at_once_each_get_their_own_record(
    complaints_charter,  # noqa: F811
    officer,  # noqa: F811
    yore_mine,  # noqa: F811
    make_customer,  # noqa: F811
    widgets,  # noqa: F811
):
    order = orders_services.order_place(
        actor=officer, customer=yore_mine, lines=[(widgets[7], 10)], channel="telephone"
    )
    cases = [
        _opened(officer, yore_mine, "Cracked widgets", orders=[order], involves_injury=True),
        _opened(officer, make_customer(), "A late delivery"),
    ]
    # Answered one at a time first: what each must read (and its relations, now loaded).
    expected = [CaseDetailSerializer(case).data for case in cases]
    assert expected[0]["orders"] and not expected[1]["orders"]
    assert expected[0]["customer"]["id"] != expected[1]["customer"]["id"]

    start = threading.Barrier(2)
    answers: list[list] = [[], []]

    def answer(which: int) -> None:
        start.wait()
        for _ in range(60):
            answers[which].append(CaseDetailSerializer(cases[which]).data)

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # interleave the two threads as often as possible
    try:
        threads = [threading.Thread(target=answer, args=(which,)) for which in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
    for which in (0, 1):
        assert len(answers[which]) == 60
        assert all(data == expected[which] for data in answers[which])


def test_two_bodies_read_at_once_each_check_their_own_caller(
    complaints_charter,  # noqa: F811
    officer,  # noqa: F811
    yore_mine,  # noqa: F811
    make_user,
    widgets,  # noqa: F811
):
    order = orders_services.order_place(
        actor=officer, customer=yore_mine, lines=[(widgets[7], 10)], channel="telephone"
    )
    outsider = make_user(role=None)  # may see no customer and no order
    factory = APIRequestFactory()
    body = {
        "subject": "Cracked widgets",
        "channel": "telephone",
        "customer": yore_mine.pk,
        "orders": [order.pk],
    }
    readers = []
    for user in (officer, outsider, officer):
        request = factory.post("/api/v1/cases/")
        request.user = user
        readers.append(CaseCreateSerializer(data=body, context={"request": request}))
    # Both built before either reads: each field, the orders' ids too, asks its own caller.
    assert [reader.is_valid() for reader in readers] == [True, False, True]
    assert readers[0].validated_data["customer"] == yore_mine
    assert readers[2].validated_data["orders"] == [order]
    assert set(readers[1].errors) == {"customer", "orders"}
    assert f"There is no customer {yore_mine.pk}." in str(readers[1].errors["customer"])
    assert readers[0].fields["subject"] is not readers[2].fields["subject"]
