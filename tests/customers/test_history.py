"""A customer's history in words: the type by its name, the channel by its label, money with
its currency, dates as the site writes them; personal values stay masked."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from charter.accounts.models import RoleCode
from charter.customers import services
from charter.customers.models import Segment

pytestmark = pytest.mark.django_db


def _history(page: str) -> str:
    start = page.index('<section class="card history"')
    section = page[start : page.index("</section>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()


def test_a_customers_history_reads_as_words_and_keeps_personal_values_masked(
    client, manager, make_customer, types
):
    customer = make_customer(
        name="Pilbara Drill Services",
        customer_type=types["mining"],
        annual_value=310000,
        preferred_channel="telephone",
    )
    client.force_login(manager)
    response = client.post(
        reverse("customers:edit", args=[customer.pk]),
        {
            "kind": "organisation",
            "customer_type": types["public"].pk,
            "reference": customer.reference,
            "name": "Pilbara Drilling Pty Ltd",
            "email": "",
            "phone": "",
            "preferred_channel": "face_to_face",
            "customer_since": "2021-02-01",
            "annual_value": "321000.50",
            "balance": "1250",
        },
    )
    assert response.status_code == 302, response.content.decode()

    history = _history(client.get(reverse("customers:detail", args=[customer.pk])).content.decode())

    assert "Changed by Grace" in history
    assert "Type Mining equipment supplier Member of the public" in history
    assert "Preferred channel Telephone Face to face" in history
    assert "Annual value $310,000.00 $321,000.50" in history
    assert "Balance $0.00 $1,250.00" in history
    assert "Customer since 1 Jan 2020 1 Feb 2021" in history
    # The name changed, but the trail never held it: it says so without showing either.
    assert "Name (personal data) (personal data)" in history
    assert "Pilbara" not in history
    assert "customer_type" not in history and "face_to_face" not in history


def test_a_segments_rules_read_as_the_segment_page_writes_them(client, manager, make_user):
    def rule(value):
        return [{"attribute": "balance", "operator": "gte", "value": value}]

    segment = services.segment_save(actor=manager, name="Premier", conditions=rule("250000"))
    services.segment_save(actor=manager, name="Premier", conditions=rule("300000"), segment=segment)
    client.force_login(make_user(RoleCode.AUDITOR, username="priya"))
    kind = ContentType.objects.get_for_model(Segment).pk
    page = client.get(reverse("core:audit-trail"), {"record_type": kind, "action": 1})
    rows = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
    assert "Conditions : Balance at least $250,000.00 → Balance at least $300,000.00" in rows
    assert "gte" not in rows and "attribute" not in rows.lower()
