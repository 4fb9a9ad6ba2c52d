"""Customers who agreed to surveys (and one who did not), the managers comments are routed
to, and helpers to answer a survey through its private link."""

import re

import pytest

from charter.accounts.models import RoleCode
from charter.feedback import services
from charter.feedback.models import Questionnaire, Topic
from tests.customers.conftest import make_customer, manager, types  # noqa: F401


@pytest.fixture
def analyst(make_user):
    return make_user(RoleCode.ANALYST, username="nina", first_name="Nina")


@pytest.fixture
def alex(make_user):
    return make_user(RoleCode.ACCOUNT_MANAGER, username="alex", first_name="Alex")


@pytest.fixture
def john(make_user):
    return make_user(RoleCode.SUPERVISOR, username="john", first_name="John")


@pytest.fixture
def surveyed(make_customer):  # noqa: F811
    """Twelve customers who agreed to surveys, and two who cannot be surveyed."""
    people = [
        make_customer(name=f"Surveyed {n:02d}", email=f"s{n}@example.com", consent_surveys=True)
        for n in range(12)
    ]
    make_customer(name="Said no", email="no@example.com", consent_surveys=False)
    make_customer(name="No address", consent_surveys=True)
    return people


def questionnaire(code: str) -> Questionnaire:
    return (
        Questionnaire.objects.filter(code=code, published_at__isnull=False)
        .order_by("-version")
        .first()
    )


@pytest.fixture
def routes(db, alex, john, manager):  # noqa: F811
    """Delivery comments go to Alex, waiting time to John, everything else to the manager."""
    for topic in Topic.objects.all():
        services.topic_route(actor=manager, topic=topic, responsible=manager)
    services.topic_route(actor=manager, topic=Topic.objects.get(code="delivery"), responsible=alex)
    services.topic_route(
        actor=manager, topic=Topic.objects.get(code="waiting_time"), responsible=john
    )


LINK = re.compile(r"/f/([A-Za-z0-9_-]{43})/")


def links_in(messages) -> list[str]:
    return [LINK.search(m.get_payload()).group(1) for m in messages if LINK.search(m.get_payload())]
