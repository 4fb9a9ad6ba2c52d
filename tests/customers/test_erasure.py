"""Erasure (APP 11.2): the person's details go, the records the organisation must keep stay."""

from datetime import date

import pytest
from django.apps import apps
from django.db import connection

from charter.accounts.models import RoleCode
from charter.core.errors import Conflict, NotPermitted
from charter.core.models import AuditEntry
from charter.customers import selectors, services
from charter.customers.models import (
    ConsentRecord,
    Customer,
    CustomerImport,
    Erasure,
    Holding,
    SegmentFeedback,
    SegmentMembership,
    SegmentNotice,
)
from charter.customers.signals import customer_erased

PERSONAL = [
    "Zoe",
    "Quennell",
    "zoe.quennell@example.net",
    "61412999888",
    "412999888",
    "Wattle Grove",
    "Ballarat",
    "Brutus Quennell",
    "brutus@example.net",
    "my quennell complaint",
]


@pytest.fixture
def zoe(make_customer, manager, types, offerings, make_user):
    customer = make_customer(
        kind="person",
        name="",
        given_name="Zoe",
        family_name="Quennell",
        email="zoe.quennell@example.net",
        phone="0412 999 888",
        date_of_birth=date(1990, 5, 17),
        customer_type=types["public"],
        balance=300000,
        consent_surveys=True,
    )
    services.customer_update(actor=manager, customer=customer, family_name="Quennell")
    services.address_save(
        actor=manager,
        customer=customer,
        kind="street",
        line1="12 Wattle Grove",
        locality="Ballarat",
        state="VIC",
        postcode="3350",
    )
    services.consent_record(
        actor=manager,
        customer=customer,
        purpose="marketing",
        given=True,
        method="telephone",
        note="Zoe said yes on the phone",
    )
    alex = make_user(RoleCode.ACCOUNT_MANAGER, username="alex")
    services.account_manager_assign(actor=manager, customers=[customer], manager=alex)
    services.holding_add(actor=manager, customer=customer, offering=offerings["savings"])
    premier = services.segment_save(
        actor=manager,
        name="Premier",
        conditions=[{"attribute": "balance", "operator": "gte", "value": "250000"}],
    )
    services.segment_evaluate(segment=premier, actor=manager)
    services.segment_notice_record(
        actor=manager, customer=customer, segment=premier, channel="telephone", note="Told Zoe"
    )
    services.segment_feedback_record(
        actor=manager,
        customer=customer,
        segment=premier,
        rating=4,
        comment="my quennell complaint: suits Zoe",
    )
    CustomerImport.objects.create(
        file_name="x.csv",
        bad_rows=[{"line": 3, "reference": customer.reference, "reason": "'Zoe Quennell' bad"}],
    )
    return customer


def _rows_mentioning(values: list[str]) -> list[tuple[str, str]]:
    """Every (table, value) in the whole database that still holds one of ``values``."""
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            text_columns = [
                f.column
                for f in model._meta.concrete_fields
                if f.get_internal_type() in ("CharField", "TextField", "EmailField", "JSONField")
            ]
            if not text_columns:
                continue
            cursor.execute(
                "SELECT {} FROM {}".format(
                    ", ".join(connection.ops.quote_name(c) for c in text_columns),
                    connection.ops.quote_name(table),
                )
            )
            for row in cursor.fetchall():
                for cell in row:
                    text = str(cell or "").casefold()
                    for value in values:
                        if value.casefold() in text:
                            found.append((table, value))
    return found


def test_erasure_leaves_no_personal_field_behind_anywhere_in_the_database(zoe, manager):
    assert _rows_mentioning(PERSONAL), "the fixture must put personal data in the database"

    services.customer_erase(actor=manager, customer=zoe, reason="The customer asked (APP 11.2)")

    assert _rows_mentioning(PERSONAL) == []
    zoe.refresh_from_db()
    for field in Customer.PERSONAL_FIELDS:
        assert getattr(zoe, field) in ("", None) or field == "name"
    assert zoe.name == f"Erased customer {zoe.reference}"
    assert not zoe.addresses.exists()


def test_erasure_keeps_the_records_the_organisation_must_retain(zoe, manager):
    erasure = services.customer_erase(actor=manager, customer=zoe, reason="The customer asked")

    assert ConsentRecord.objects.filter(customer=zoe).count() == 2
    assert Holding.objects.filter(customer=zoe).count() == 1
    assert SegmentMembership.objects.filter(customer=zoe).count() == 1
    assert SegmentNotice.objects.filter(customer=zoe).count() == 1
    assert SegmentFeedback.objects.get(customer=zoe).rating == 4
    assert zoe.manager_assignments.count() == 1
    assert erasure.retained["kept"]["consent records"] == 2
    assert erasure.retained["removed"]["addresses"] == 1
    assert Erasure.objects.get(customer=zoe).erased_by == manager
    # The erasure itself is in the audit trail, without the values.
    entry = AuditEntry.objects.filter(
        object_pk=str(zoe.pk), action=AuditEntry.Action.UPDATE
    ).first()
    assert "email" in entry.changes_dict


def test_the_erased_customer_is_found_only_by_reference(zoe, manager):
    services.customer_erase(actor=manager, customer=zoe, reason="asked")
    assert selectors.customer_search(manager, "Quennell") == []
    assert selectors.customer_search(manager, zoe.reference) == [zoe]


def test_an_organisations_contacts_go_too(make_customer, manager, types):
    mine = make_customer(name="Quennell Mining", customer_type=types["mining"])
    services.contact_save(
        actor=manager,
        customer=mine,
        name="Brutus Quennell",
        email="brutus@example.net",
        job_title="Buyer",
    )
    services.customer_erase(actor=manager, customer=mine, reason="asked")
    assert _rows_mentioning(["Brutus", "brutus@example.net", "Quennell"]) == []


def test_higher_apps_clear_their_own_copies_in_the_same_transaction(zoe, manager):
    seen = []

    def receiver(sender, customer, **kwargs):
        seen.append(customer.pk)
        return {"complaints": 3}

    customer_erased.connect(receiver)
    try:
        erasure = services.customer_erase(actor=manager, customer=zoe, reason="asked")
    finally:
        customer_erased.disconnect(receiver)
    assert seen == [zoe.pk]
    assert erasure.retained["kept"]["complaints"] == 3


def test_a_cso_cannot_erase_a_manager_can(zoe, make_user, manager):
    officer = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    with pytest.raises(NotPermitted):
        services.customer_erase(actor=officer, customer=zoe, reason="asked")
    zoe.refresh_from_db()
    assert zoe.email == "zoe.quennell@example.net"

    services.customer_erase(actor=manager, customer=zoe, reason="asked")
    with pytest.raises(Conflict):
        services.customer_erase(actor=manager, customer=zoe, reason="again")
    with pytest.raises(Conflict):
        services.customer_update(actor=manager, customer=zoe, email="new@example.net")


def test_erasure_needs_a_reason(zoe, manager):
    with pytest.raises(Exception, match="Say why"):
        services.customer_erase(actor=manager, customer=zoe, reason=" ")
