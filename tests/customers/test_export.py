"""Customers exported to CSV: the import's columns (so the file imports again unchanged), plus
the current segments, streamed in a fixed number of queries."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from charter.accounts.models import RoleCode
from charter.customers import exports, imports, selectors, services
from charter.customers.models import (
    Customer,
    Holding,
    HoldingStatus,
    Segment,
    SegmentMembership,
)


def exported(queryset) -> list[dict]:
    response = exports.customers_csv_response(queryset)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # for Excel
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def amy(make_user):
    return make_user(RoleCode.ACCOUNT_MANAGER, username="amy")


@pytest.fixture
def zoe(make_customer, manager, amy, types, offerings):
    customer = make_customer(
        reference="IW-0042",
        kind="person",
        name="",
        given_name="Zoe",
        family_name="Quennell",
        email="zoe@example.net",
        phone="0412 999 888",
        customer_type=types["public"],
        customer_since=date(2019, 7, 1),
        annual_value="1200.5",
        balance=250000,
        consent_surveys=True,
    )
    services.account_manager_assign(actor=manager, customers=[customer], manager=amy)
    for code in ("savings", "insurance"):
        Holding.objects.create(customer=customer, offering=offerings[code])
    Holding.objects.create(
        customer=customer, offering=offerings["investment"], status=HoldingStatus.OFFERED
    )
    premier = Segment.objects.create(name="Premier", slug="premier", conditions=[])
    SegmentMembership.objects.create(segment=premier, customer=customer, entered_at=timezone.now())
    return customer


def test_the_export_has_the_import_columns_then_the_segments(zoe):
    rows = exported(Customer.objects.all())

    assert list(rows[0]) == [*imports.COLUMNS, "segments"]
    assert rows == [
        {
            "reference": "IW-0042",
            "kind": "person",
            "type": "public",
            "name": "Zoe Quennell",
            "given_name": "Zoe",
            "family_name": "Quennell",
            "email": "zoe@example.net",
            "phone": "'+61412999888",  # guarded: a spreadsheet would read + as a formula
            "preferred_channel": "email",
            "customer_since": "2019-07-01",
            "annual_value": "1200.50",
            "balance": "250000.00",
            "last_activity_on": "",
            "account_manager": "amy",
            "consent_service": "yes",
            "consent_surveys": "yes",
            "consent_marketing": "no",
            "products": "insurance;savings",  # held only: the offered investment is not
            "segments": "Premier",
        }
    ]


def test_text_a_spreadsheet_would_run_as_a_formula_is_quoted(make_customer):
    make_customer(reference="X-1", name="=HYPERLINK(1)")
    assert exported(Customer.objects.all())[0]["name"] == "'=HYPERLINK(1)"
    assert exports.guard("Acme") == "Acme"


def test_an_export_imports_again_unchanged(zoe, make_customer, types, manager):
    make_customer(reference="IW-0043", name="=Odd Name Ltd", phone="+44 20 7946 0958")
    make_customer(reference="IW-0044", name="Plain Pty Ltd", balance="12.3")
    content = b"".join(exports.customers_csv_response(Customer.objects.all()).streaming_content)

    job = imports.customer_import_create(
        actor=None, file_name="export.csv", content=content, queue=False
    )
    job = imports.customer_import_run(import_id=job.pk)

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 3)
    assert job.bad_rows == []


def test_the_export_takes_a_fixed_number_of_queries(make_customer, amy, offerings, manager):
    def queries_for(total: int) -> int:
        while Customer.objects.count() < total:
            customer = make_customer(account_manager=amy)
            Holding.objects.create(customer=customer, offering=offerings["savings"])
        # The list page's own prefetches are replaced, not added to.
        customers = selectors.customer_list(manager)
        with CaptureQueriesContext(connection) as queries:
            rows = exported(customers)
        assert len(rows) == total
        return len(queries)

    assert queries_for(10) == queries_for(100)
