from datetime import date
from decimal import Decimal

import pytest

from charter.accounts.models import RoleCode
from charter.customers import services
from charter.customers.models import CustomerType, Offering


@pytest.fixture
def types(db):
    return {
        "mining": CustomerType.objects.create(name="Mining equipment supplier", slug="mining"),
        "small": CustomerType.objects.create(name="Small business", slug="small"),
        "public": CustomerType.objects.create(name="Member of the public", slug="public"),
        "production": CustomerType.objects.create(
            name="Production team", slug="production", internal=True
        ),
    }


@pytest.fixture
def offerings(db):
    return {
        code: Offering.objects.create(code=code, name=name, category=category)
        for code, name, category in [
            ("savings", "Savings account", "deposits"),
            ("online-banking", "Online banking", "digital"),
            ("investment", "Investment portfolio", "wealth"),
            ("insurance", "Home insurance", "insurance"),
            ("priority-delivery", "Priority delivery", "service"),
        ]
    }


@pytest.fixture
def manager(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace")


@pytest.fixture
def make_customer(manager, types):
    counter = {"n": 0}

    def make(**fields):
        counter["n"] += 1
        fields.setdefault("name", f"Customer {counter['n']}")
        fields.setdefault("kind", "organisation")
        fields.setdefault("customer_type", types["small"])
        fields.setdefault("customer_since", date(2020, 1, 1))
        for key in ("annual_value", "balance"):
            if key in fields:
                fields[key] = Decimal(str(fields[key]))
        return services.customer_create(actor=manager, **fields)

    return make
