"""Access requests (APP 12): every record about a customer, as JSON and CSV in one zip."""

import csv
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from charter.accounts.models import RoleCode
from charter.core import csvsafe
from charter.core.errors import NotPermitted
from charter.core.models import AuditEntry
from charter.customers import privacy, services
from charter.customers.models import Customer, CustomerImport, CustomerType, Offering

pytestmark = pytest.mark.django_db

SECTIONS = [
    "contacts",
    "addresses",
    "consents",
    "account_managers",
    "holdings",
    "segment_memberships",
    "segment_notices",
    "segment_feedback",
    "audit_trail",
    "import_problems",
]


@pytest.fixture
def csm(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace", first_name="Grace")


@pytest.fixture
def account_manager(make_user):
    return make_user(
        RoleCode.ACCOUNT_MANAGER, username="arjun", first_name="Arjun", last_name="Rao"
    )


@pytest.fixture
def mining(db):
    return CustomerType.objects.create(name="Mining equipment supplier", slug="mining")


@pytest.fixture
def offerings(db):
    return {
        "savings": Offering.objects.create(code="savings", name="Savings", category="deposits"),
        "insurance": Offering.objects.create(
            code="insurance", name="Home insurance", category="insurance"
        ),
    }


@pytest.fixture
def build(csm, account_manager, mining, offerings):
    """A customer with ``n`` of every kind of record the customers app holds."""

    def make(reference: str, n: int = 1) -> Customer:
        customer = services.customer_create(
            actor=csm,
            customer_type=mining,
            kind="organisation",
            reference=reference,
            name="Ridgeline Mining",
            email="accounts@ridgeline.example",
            phone="0412 345 678",
            customer_since=date(2019, 7, 1),
            balance="300000",
            annual_value="125000.50",
            consent_marketing=True,
            consent_method="telephone",
        )
        for i in range(n):
            services.contact_save(
                actor=csm,
                customer=customer,
                name=f"Dana Lee {i}",
                job_title="Buyer",
                email=f"dana{i}@ridgeline.example",
                phone="0298765432",
                is_primary=i == 0,
            )
            services.address_save(
                actor=csm,
                customer=customer,
                kind="postal",
                line1=f"PO Box {12 + i}",
                locality="Orange",
                state="nsw",
                postcode="2800",
            )
            services.consent_record(
                actor=csm,
                customer=customer,
                purpose="surveys",
                given=i % 2 == 0,
                method="email",
                note="Asked by email",
            )
        services.account_manager_assign(
            actor=csm, customers=[customer], manager=account_manager, reason="New account"
        )
        services.holding_add(
            actor=csm, customer=customer, offering=offerings["savings"], started_on=date(2020, 1, 6)
        )
        segment = services.segment_save(
            actor=csm,
            name=f"Premier {reference}",
            conditions=[{"attribute": "balance", "operator": "gte", "value": "250000"}],
            offerings=[offerings["insurance"]],
        )
        services.segment_evaluate(segment=segment, actor=csm)
        for i in range(n):
            services.segment_notice_record(
                actor=csm, customer=customer, segment=segment, channel="telephone", note="Called"
            )
            services.segment_feedback_record(
                actor=csm,
                customer=customer,
                segment=segment,
                rating=4,
                comment=f"It suits us {i}",
            )
        services.customer_update(actor=csm, customer=customer, phone="02 6361 0000")
        CustomerImport.objects.create(
            file_name="customers-2024.csv",
            bad_rows=[
                {"line": 7, "reference": reference, "reason": "'0412' is not a phone number"},
                {"line": 8, "reference": "SOMEONE-ELSE", "reason": "no name"},
            ],
        )
        return customer

    return make


def _text(value) -> str:
    """How the CSV writes a JSON value (text that starts like a formula gets an apostrophe)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return csvsafe.guard(", ".join(str(v) for v in value))
    return csvsafe.guard(value)


def _csv_rows(archive: zipfile.ZipFile, name: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))
    return list(reader.fieldnames or []), list(reader)


def test_access_export_holds_every_kind_of_record(build, account_manager):
    customer = build("C-100")
    report = privacy.access_report(customer)
    json.dumps(report)  # plain JSON, nothing left to convert

    profile = report["profile"]
    assert profile["reference"] == "C-100"
    assert profile["name"] == "Ridgeline Mining"
    assert profile["phone"] == "+61263610000"
    assert profile["balance"] == "300000.00"
    assert profile["annual_value"] == "125000.50"
    assert profile["customer_since"] == "2019-07-01"
    assert profile["customer_type"] == "Mining equipment supplier"
    assert profile["account_manager"] == "Arjun Rao"
    assert profile["consent_marketing"] is True
    for section in SECTIONS:
        assert report[section], f"{section} is empty"

    assert report["contacts"][0]["name"] == "Dana Lee 0"
    assert report["contacts"][0]["phone"] == "+61298765432"
    assert report["addresses"][0]["line1"] == "PO Box 12"
    assert report["addresses"][0]["state"] == "NSW"
    consents = [(c["purpose"], c["given"], c["method"]) for c in report["consents"]]
    assert ("Marketing", True, "By telephone") in consents
    assert ("Surveys and feedback", True, "By email") in consents
    assert report["consents"][-1]["recorded_by"] == "Grace"
    assert report["consents"][-1]["note"] == "Asked by email"
    [assignment] = report["account_managers"]
    assert assignment["manager"] == "Arjun Rao"
    assert assignment["reason"] == "New account"
    assert datetime.fromisoformat(assignment["started_at"]).tzinfo is not None
    assert assignment["ended_at"] is None
    holdings = {h["offering_code"]: h for h in report["holdings"]}
    assert holdings["savings"]["status"] == "Held"
    assert holdings["savings"]["started_on"] == "2020-01-06"
    assert holdings["insurance"]["status"] == "Offered"
    assert holdings["insurance"]["offered_by_segment"] == "Premier C-100"
    [membership] = report["segment_memberships"]
    assert membership["segment"] == "Premier C-100"
    assert membership["entered_at"] and membership["left_at"] is None
    assert report["segment_notices"][0]["channel"] == "Telephone"
    assert report["segment_notices"][0]["status"] == "Made by staff"
    assert report["segment_feedback"][0]["rating"] == 4
    assert report["segment_feedback"][0]["comment"] == "It suits us 0"
    trail = report["audit_trail"]
    assert {"record": "customer", "action": "create"}.items() <= trail[0].items()
    phone_change = [e for e in trail if e["record"] == "customer" and e["action"] == "update"]
    assert any("phone" in e["fields"] for e in phone_change)
    assert {e["record"] for e in trail} >= {"customer", "contact", "address"}
    [problem] = report["import_problems"]
    assert problem["file_name"] == "customers-2024.csv"
    assert (problem["line"], problem["reason"]) == (7, "'0412' is not a phone number")
    # The trail's masked values never reach the report.
    assert "+61412345678" not in json.dumps(trail)


def test_the_zip_holds_the_json_a_csv_per_section_and_a_readme(build):
    customer = build("C-200")
    report = privacy.access_report(customer)
    archive = zipfile.ZipFile(io.BytesIO(privacy.access_report_zip(customer)))
    names = set(archive.namelist())
    assert names == {
        "customer-C-200.json",
        "README.txt",
        "profile.csv",
        *(f"{section}.csv" for section in SECTIONS),
        *(f"{section.name}.csv" for section in privacy.registered_sections()),
    }
    packed = json.loads(archive.read("customer-C-200.json"))
    packed.pop("generated_at"), report.pop("generated_at")
    assert packed == report

    header, rows = _csv_rows(archive, "profile.csv")
    assert header == ["field", "value"]
    assert {r["field"]: r["value"] for r in rows} == {
        k: _text(v) for k, v in report["profile"].items()
    }
    for section in SECTIONS:
        header, rows = _csv_rows(archive, f"{section}.csv")
        assert header == list(privacy.SECTION_COLUMNS[section]), section
        expected = [{c: _text(row.get(c)) for c in header} for row in report[section]]
        assert rows == expected, section

    readme = archive.read("README.txt").decode()
    assert "C-200" in readme
    assert "Australian Privacy Principle 12" in readme
    for section in SECTIONS:
        assert f"{section}.csv" in readme


def test_a_removed_contact_stays_in_the_audit_trail_section(build, csm):
    customer = build("C-300")
    gone = services.contact_save(actor=csm, customer=customer, name="Sam Moved On")
    gone_id = str(gone.pk)
    services.contact_remove(actor=csm, contact=gone)
    trail = privacy.access_report(customer)["audit_trail"]
    about_gone = [
        e["action"] for e in trail if e["record"] == "contact" and e["record_id"] == gone_id
    ]
    assert about_gone == ["create", "delete"]
    assert "Sam Moved On" not in json.dumps(trail)


def test_an_erased_customer_is_told_what_was_kept(build, csm):
    customer = build("C-350")
    services.customer_erase(actor=csm, customer=customer, reason="The customer asked")
    report = privacy.access_report(customer)
    assert report["profile"]["name"] == "Erased customer C-350"
    assert report["profile"]["phone"] == ""
    assert report["profile"]["erasure_reason"] == "The customer asked"
    assert report["contacts"] == [] and report["addresses"] == []
    assert report["consents"] and report["segment_memberships"]
    assert {"contact", "address"} <= {e["record"] for e in report["audit_trail"]}


def test_spreadsheet_formulas_in_free_text_are_defused(build, csm):
    customer = build("C-400")
    services.address_save(
        actor=csm, customer=customer, kind="street", line1="=HYPERLINK(1)", locality="Orange"
    )
    archive = zipfile.ZipFile(io.BytesIO(privacy.access_report_zip(customer)))
    _, rows = _csv_rows(archive, "addresses.csv")
    assert "'=HYPERLINK(1)" in {r["line1"] for r in rows}
    _, profile = _csv_rows(archive, "profile.csv")
    # A phone number starts with +, as a formula may: it is guarded too.
    assert {r["field"]: r["value"] for r in profile}["phone"] == "'+61263610000"


def test_the_report_reads_in_a_fixed_number_of_queries(build, monkeypatch):
    # Only this app's own reads: other apps' sections count their own queries.
    monkeypatch.setattr(privacy, "_registry", {})
    small, large = build("C-500", n=1), build("C-501", n=4)
    privacy.access_report(small)  # content types are cached after the first read
    counts = []
    for customer in (small, large):
        with CaptureQueriesContext(connection) as queries:
            privacy.access_report(customer)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 12


def test_a_customer_service_officer_cannot_answer_an_access_request(build, make_user):
    customer = build("C-600")
    officer = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    with pytest.raises(NotPermitted):
        privacy.access_request_fulfil(actor=officer, customer=customer)
    with pytest.raises(NotPermitted):
        privacy.access_request_fulfil(actor=None, customer=customer)


def test_fulfilling_an_access_request_logs_the_view(build, account_manager):
    customer = build("C-700")
    before = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count()
    name, content = privacy.access_request_fulfil(actor=account_manager, customer=customer)
    assert name.startswith("access-request-C-700-") and name.endswith(".zip")
    assert "customer-C-700.json" in zipfile.ZipFile(io.BytesIO(content)).namelist()
    accesses = AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS, content_type__model="customer", object_pk=str(customer.pk)
    )
    assert accesses.count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() == before + 1


@pytest.fixture
def orders_section():
    def orders(customer):
        return [
            {
                "number": f"SO-{customer.reference}",
                "placed_on": date(2024, 1, 2),
                "total": Decimal("12.50"),
            }
        ]

    privacy.register_access_section(
        "example_orders", orders, columns=["number", "placed_on", "total"]
    )
    yield
    privacy.unregister_access_section("example_orders")


def test_a_section_registered_by_another_app_is_in_the_report(build, orders_section):
    customer = build("C-800")
    report = privacy.access_report(customer)
    assert report["other_records"]["example_orders"] == [
        {"number": "SO-C-800", "placed_on": "2024-01-02", "total": "12.50"}
    ]
    archive = zipfile.ZipFile(io.BytesIO(privacy.access_report_zip(customer)))
    header, rows = _csv_rows(archive, "example_orders.csv")
    assert header == ["number", "placed_on", "total"]
    assert rows == [{"number": "SO-C-800", "placed_on": "2024-01-02", "total": "12.50"}]
    assert "example_orders.csv" in archive.read("README.txt").decode()


def test_section_names_are_checked():
    with pytest.raises(ValueError):
        privacy.register_access_section("contacts", lambda customer: [])
    with pytest.raises(ValueError):
        privacy.register_access_section("../etc", lambda customer: [])
    assert "contacts" not in {section.name for section in privacy.registered_sections()}
