"""Innovative Widgets in Victoria: its complaint promises, its staff and authority limits, and
Yore Mine Co. (a significant customer with an account manager)."""

from decimal import Decimal

import pytest

from charter.accounts.models import RoleCode
from charter.cases.models import Category
from charter.standards import services as standards_services
from tests.customers.conftest import make_customer, manager, offerings, types  # noqa: F401
from tests.orders.conftest import widgets, widgets_charter  # noqa: F401


@pytest.fixture
def complaints_charter(widgets_charter, manager):  # noqa: F811
    """Version 2 of the widgets charter: delivery in 3 business days, complaints acknowledged
    within 1 business day and resolved within 10, follow-up within 7 calendar days."""
    draft = standards_services.charter_version_draft(actor=manager)
    for event, target, unit in [
        ("complaint_acknowledge", 1, "business_days"),
        ("complaint_resolve", 10, "business_days"),
        ("follow_up", 7, "calendar_days"),
        ("enquiry_reply", 2, "business_days"),
    ]:
        standards_services.promise_save(
            actor=manager,
            version=draft,
            event=event,
            target=Decimal(target),
            unit=unit,
            wording=f"{event} within {target} {unit}",
            measure="From when it is logged.",
        )
    return standards_services.charter_version_approve(actor=manager, version=draft)


@pytest.fixture
def officer(make_user, demo_limits):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary", first_name="Mary")


@pytest.fixture
def supervisor(make_user, demo_limits):
    return make_user(RoleCode.SUPERVISOR, username="john", first_name="John")


@pytest.fixture
def account_manager(make_user):
    return make_user(RoleCode.ACCOUNT_MANAGER, username="alex", first_name="Alex")


@pytest.fixture
def yore_mine(make_customer, types, account_manager):  # noqa: F811
    customer = make_customer(
        name="Yore Mine Co.",
        customer_type=types["mining"],
        annual_value=1_200_000,
        email="buyer@yoremine.example",
    )
    customer.account_manager = account_manager
    customer.save(update_fields=["account_manager"])
    return customer


@pytest.fixture
def late_delivery(db):
    return Category.objects.create(name="Late delivery", slug="late-delivery")


@pytest.fixture
def grace_user(manager, demo_limits):  # noqa: F811
    """The customer service manager, with the demo's authority limits."""
    return manager
