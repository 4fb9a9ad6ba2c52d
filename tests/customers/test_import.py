"""Importing customers from CSV: every bad row reported by its line with a reason, the good rows
saved, a second run of the same file changing nothing, and the work done in a few queries per
chunk whatever the number of rows."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from charter.accounts.models import RoleCode
from charter.core.errors import DomainError, NotPermitted
from charter.customers import imports, selectors, services
from charter.customers.imports import Lookups, parse_row
from charter.customers.models import (
    AccountManagerAssignment,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Customer,
    CustomerImport,
    Holding,
    HoldingStatus,
    ImportStatus,
)

COLUMNS = [
    "reference",
    "type",
    "name",
    "given_name",
    "family_name",
    "email",
    "phone",
    "account_manager",
    "consent_marketing",
    "products",
    "customer_since",
    "balance",
]


def row(**cells) -> str:
    line = io.StringIO()
    csv.writer(line, lineterminator="").writerow([cells.get(c, "") for c in COLUMNS])
    return line.getvalue()


def csv_bytes(*rows: str | bytes, header: str = ",".join(COLUMNS)) -> bytes:
    lines = [header.encode()] + [r if isinstance(r, bytes) else r.encode() for r in rows]
    return b"\n".join(lines) + b"\n"


def run_import(content: bytes, *, actor=None, file_name="customers.csv") -> CustomerImport:
    job = imports.customer_import_create(
        actor=actor, file_name=file_name, content=content, queue=False
    )
    return imports.customer_import_run(import_id=job.pk)


def reasons(job: CustomerImport) -> dict[int, str]:
    return {r["line"]: r["reason"] for r in job.bad_rows}


@pytest.fixture
def amy(make_user):
    return make_user(RoleCode.ACCOUNT_MANAGER, username="amy")


# --- Pure: reading the file and one row -----------------------------------------------------------
def test_a_byte_order_mark_is_ignored_and_other_encodings_are_flagged():
    assert imports.decode("\ufeffreference\nR1\n".encode()) == ("reference\nR1\n", False)
    text, undecoded = imports.decode("reference\nCafé\n".encode("latin-1"))
    assert undecoded
    assert imports.readable(text) == "reference\nCaf\ufffd\n"


def test_a_workbook_or_utf16_file_is_refused_with_what_to_do():
    with pytest.raises(DomainError, match="Excel workbook"):
        imports.decode(b"PK\x03\x04rest of a zip")
    with pytest.raises(DomainError, match="CSV UTF-8"):
        imports.decode("reference\n".encode("utf-16"))


def test_rows_carry_the_physical_line_they_start_on():
    text = 'reference,name\n\nR1,"two\nlines"\nR2,x\r\n'
    assert list(imports.iter_rows(text)) == [
        (1, ["reference", "name"]),
        (3, ["R1", "two\nlines"]),
        (5, ["R2", "x"]),
    ]


def test_semicolon_files_from_european_spreadsheets_are_read():
    assert list(imports.iter_rows("reference;name\nR1;Acme\n"))[1] == (2, ["R1", "Acme"])


def test_the_header_is_read_whatever_its_case_and_unknown_columns_are_noted():
    columns, notes = imports.read_header(["Reference", " TYPE ", "Given name", "Name", "Colour"])
    assert columns == {"reference": 0, "type": 1, "given_name": 2, "name": 3}
    assert len(notes) == 1 and "'colour'" in notes[0] and "ignored" in notes[0]
    # The export's segments column is for people: an import of an export ignores it quietly.
    assert imports.read_header(["reference", "type", "name", "segments"])[1] == []


def test_a_header_without_the_required_columns_or_with_a_repeated_one_is_refused():
    with pytest.raises(DomainError, match="no 'reference' and 'type' column"):
        imports.read_header(["name", "email"])
    with pytest.raises(DomainError, match="'email' appears twice"):
        imports.read_header(["reference", "type", "name", "email", "Email"])


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2020-01-15", date(2020, 1, 15)),
        ("15/01/2020", date(2020, 1, 15)),
        ("5/3/2021", date(2021, 3, 5)),
    ],
)
def test_dates_are_read_as_iso_or_australian(raw, expected):
    assert imports.parse_date(raw, "customer_since") == expected


@pytest.mark.parametrize("raw", ["31/02/2020", "2020-13-01", "01/15/20", "yesterday", "2020/01/15"])
def test_dates_that_are_not_dates_are_refused(raw):
    with pytest.raises(DomainError, match="is not a date"):
        imports.parse_date(raw, "customer_since")


def test_channels_yes_no_and_kinds_are_read_by_value_or_label():
    assert imports.parse_channel("Text message") == "sms"
    assert imports.parse_channel("TELEPHONE") == "telephone"
    assert [imports.parse_yes_no(v, "c") for v in ("Yes", "n", "TRUE", "0")] == [
        True,
        False,
        True,
        False,
    ]
    assert imports.parse_kind("Organization") == "organisation"
    with pytest.raises(DomainError, match="not yes or no"):
        imports.parse_yes_no("maybe", "consent_marketing")


LOOKUPS = Lookups(
    types={"small": (1, True), "small business": (1, True), "old": (2, False)},
    type_slugs=("small",),
    offerings={"savings": 10, "insurance": 11},
    staff={"amy": (5, True), "bob": (6, False), "cso": (7, True)},
    managers=frozenset({5}),
)
ROW_COLUMNS = {name: i for i, name in enumerate(COLUMNS)}


def parse(**cells):
    return parse_row(7, next(csv.reader([row(**cells)])), ROW_COLUMNS, LOOKUPS)


def test_a_good_row_is_read_into_model_values():
    parsed = parse(
        reference="R1",
        type="Small Business",
        name="Acme",
        email="Sales@ACME.example",
        phone="0412 345 678",
        account_manager="amy",
        consent_marketing="yes",
        products="savings; Insurance",
        balance="$1,250.5",
    )
    assert parsed.problems == []
    assert parsed.fields == {
        "customer_type_id": 1,
        "name": "Acme",
        "email": "Sales@acme.example",
        "phone": "+61412345678",
        "account_manager_id": 5,
        "balance": Decimal("1250.50"),
    }
    assert parsed.consents == {"consent_marketing": True}
    assert parsed.offering_ids == (10, 11)


def test_every_problem_of_a_row_is_named():
    parsed = parse(
        reference="R1",
        type="Minig",
        email="not-an-email",
        phone="abc",
        account_manager="nobody",
        products="savings;gold",
        customer_since="31/02/2020",
        balance="lots",
    )
    text = " ".join(parsed.problems)
    assert "'Minig' is not a customer type (the types are: small)" in text
    assert "'not-an-email' is not an email address" in text
    assert "'abc' is not a phone number" in text
    assert "account_manager 'nobody' is not the username of anyone on staff" in text
    assert "Unknown product code 'gold'" in text
    assert "customer_since '31/02/2020' is not a date" in text
    assert "Balance 'lots' is not an amount" in text


def test_a_manager_who_left_or_a_type_no_longer_used_matters_only_if_it_changes():
    parsed = parse(reference="R1", type="old", account_manager="bob")
    assert parsed.problems == []
    assert set(parsed.if_changed) == {"customer_type_id", "account_manager_id"}
    assert "has left" in parsed.if_changed["account_manager_id"]
    assert "not an account manager" in parse(account_manager="cso").if_changed["account_manager_id"]


def test_a_new_customer_is_a_person_when_named_so_and_needs_a_name_and_type():
    person = imports.new_customer_fields(parse(reference="R1", type="small", given_name="Zoe"))
    assert (person["kind"], person["name"]) == ("person", "Zoe")
    organisation = imports.new_customer_fields(parse(reference="R2", type="small", name="Acme"))
    assert organisation["kind"] == "organisation"
    with pytest.raises(DomainError, match="needs a name"):
        imports.new_customer_fields(parse(reference="R3", type="small"))
    with pytest.raises(DomainError, match="needs a customer type"):
        imports.new_customer_fields(parse(reference="R4", name="Acme"))


def test_text_an_export_quoted_against_spreadsheet_formulas_is_read_back():
    assert imports.unguard("'=SUM(A1)") == "=SUM(A1)"
    assert imports.unguard("'Neill") == "'Neill"


# --- Importing ------------------------------------------------------------------------------------
@pytest.fixture
def mixed_file(types, offerings, amy, make_customer, manager) -> bytes:
    erased = make_customer(reference="GONE-1", name="Erased Co")
    services.customer_erase(actor=manager, customer=erased, reason="The customer asked.")
    return csv_bytes(
        row(
            reference="C-1",
            type="small",
            name="Acme Pty Ltd",
            email="acme@example.com",
            phone="0412 345 678",
            account_manager="amy",
            consent_marketing="yes",
            products="savings",
        ),  # line 2
        row(reference="C-2", type="small", name="Bad Phone Ltd", phone="abc"),  # 3
        row(reference="C-3", type="Minig", name="Typo Type Ltd"),  # 4
        row(reference="C-1", type="small", name="Acme Again"),  # 5
        row(reference="C-4", type="small", name="Café Ltd").encode("latin-1"),  # 6
        row(reference="C-5", type="small", name="Bad Email Ltd", email="not-an-email"),  # 7
        row(reference="C-6", type="small", name="Managed Ltd", account_manager="nobody"),  # 8
        row(reference="C-7", type="public", given_name="Zoe", family_name="Quennell"),  # 9
        row(reference="C-8", type="small"),  # 10
        "C-9,small,Short Row",  # 11
        row(reference="C-10", type="small", name="Gold Ltd", products="gold"),  # 12
        row(reference="C-11", type="small", name="Old Ltd", customer_since="31/02/2020"),  # 13
        row(reference="C-12", type="small", name="Rich Ltd", balance="lots"),  # 14
        row(reference="GONE-1", type="small", name="Back Again"),  # 15
        row(reference="C-13", type="small", name="Last Ltd", email="last@example.com"),  # 16
    )


def test_an_import_saves_the_good_rows_and_reports_every_bad_row_by_line(mixed_file, amy, manager):
    job = run_import(mixed_file, actor=manager)

    assert job.status == ImportStatus.DONE
    assert job.content is None
    assert (job.total_rows, job.processed_rows) == (15, 15)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    assert imports.bad_row_count(job) == 12
    found = reasons(job)
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15]
    assert "'abc' is not a phone number" in found[3]
    assert "'Minig' is not a customer type" in found[4]
    assert found[5] == "Reference C-1 already appears on line 2."
    assert "not UTF-8 text: save the file as 'CSV UTF-8'" in found[6]
    assert "'not-an-email' is not an email address" in found[7]
    assert "'nobody' is not the username of anyone on staff" in found[8]
    assert "needs a name" in found[10]
    assert "has 3 values but the first line names 12 columns" in found[11]
    assert "Unknown product code 'gold'" in found[12]
    assert "'31/02/2020' is not a date" in found[13]
    assert "'lots' is not an amount" in found[14]
    assert "personal data was erased" in found[15]
    assert {r["line"]: r["reference"] for r in job.bad_rows}[6] == "C-4"

    assert set(
        Customer.objects.filter(erased_at__isnull=True).values_list("reference", flat=True)
    ) == {
        "C-1",
        "C-7",
        "C-13",
    }
    acme = Customer.objects.get(reference="C-1")
    assert (acme.name, acme.phone, acme.account_manager, acme.consent_marketing) == (
        "Acme Pty Ltd",
        "+61412345678",
        amy,
        True,
    )
    assert acme.consents.get().method == ConsentMethod.IMPORT
    assert acme.manager_assignments.get(ended_at__isnull=True).manager == amy
    assert acme.holdings.get().status == HoldingStatus.HELD
    zoe = Customer.objects.get(reference="C-7")
    assert (zoe.kind, zoe.name) == ("person", "Zoe Quennell")
    assert Customer.objects.get(reference="GONE-1").name.startswith("Erased customer")
    # New customers are found by the search at once.
    assert [c.reference for c in selectors.customer_search(amy, "quennell")] == ["C-7"]
    assert [c.reference for c in selectors.customer_search(amy, "0412 345 678")] == ["C-1"]


def test_running_the_same_file_again_creates_nothing_and_reports_every_row_unchanged(
    mixed_file, amy, manager
):
    first = run_import(mixed_file, actor=manager)
    counts = (
        Customer.objects.count(),
        ConsentRecord.objects.count(),
        AccountManagerAssignment.objects.count(),
        Holding.objects.count(),
    )

    again = run_import(mixed_file, actor=manager)

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert reasons(again).keys() == reasons(first).keys()
    assert counts == (
        Customer.objects.count(),
        ConsentRecord.objects.count(),
        AccountManagerAssignment.objects.count(),
        Holding.objects.count(),
    )


def test_an_update_changes_what_the_file_says_and_records_consent_in_the_ledger(
    make_customer, manager, amy, make_user, offerings, types
):
    other = make_user(RoleCode.ACCOUNT_MANAGER, username="olga")
    customer = make_customer(
        reference="IW-1",
        name="Widget Buyers",
        email="old@example.com",
        phone="0412 000 111",
        balance=100,
    )
    services.account_manager_assign(actor=manager, customers=[customer], manager=other)
    Holding.objects.create(
        customer=customer, offering=offerings["savings"], status=HoldingStatus.OFFERED
    )
    old_consents = ConsentRecord.objects.count()

    job = run_import(
        csv_bytes(
            row(
                reference="IW-1",
                email="new@example.com",
                account_manager="amy",
                consent_marketing="yes",
                products="savings;insurance",
                balance="2500",
            )
        ),
        actor=manager,
    )

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 0)
    customer.refresh_from_db()
    # Blank cells left the name and phone as they were.
    assert (customer.name, customer.phone) == ("Widget Buyers", "+61412000111")
    assert (customer.email, customer.balance) == ("new@example.com", Decimal("2500.00"))
    assert customer.consent_marketing is True
    record = ConsentRecord.objects.exclude(pk__lte=old_consents).get()
    assert (record.customer, record.purpose, record.given) == (
        customer,
        ConsentPurpose.MARKETING,
        True,
    )
    assert (record.method, record.recorded_by) == (ConsentMethod.IMPORT, manager)
    assignments = customer.manager_assignments.order_by("started_at", "pk")
    assert [(a.manager, a.ended_at is None) for a in assignments] == [(other, False), (amy, True)]
    assert customer.account_manager == amy
    assert {(h.offering.code, h.status) for h in customer.holdings.all()} == {
        ("savings", HoldingStatus.HELD),
        ("insurance", HoldingStatus.HELD),
    }
    assert [c.reference for c in selectors.customer_search(amy, "new@example.com")] == ["IW-1"]
    assert selectors.customer_search(amy, "old@example.com") == []


def test_a_manager_who_left_may_stay_but_cannot_be_given_customers(
    make_customer, manager, amy, make_user, types
):
    leaver = make_user(RoleCode.ACCOUNT_MANAGER, username="lee")
    kept = make_customer(reference="K-1", name="Kept")
    services.account_manager_assign(actor=manager, customers=[kept], manager=leaver)
    leaver.is_active = False
    leaver.save()

    job = run_import(
        csv_bytes(
            row(reference="K-1", account_manager="lee"),
            row(reference="K-2", type="small", name="New", account_manager="lee"),
        )
    )

    assert job.unchanged_count == 1
    assert reasons(job) == {3: "'lee' has left and cannot manage customers."}


def test_unknown_columns_are_reported_once_and_the_rows_imported(types):
    job = run_import(csv_bytes("R1,small,Acme,blue", header="reference,type,name,colour"))
    assert job.created_count == 1
    assert job.bad_rows == [
        {"line": 1, "reference": "", "reason": job.bad_rows[0]["reason"]},
    ]
    assert "'colour'" in job.bad_rows[0]["reason"]


def test_a_line_holding_a_nul_character_is_reported_and_the_rest_imported(types):
    # Past the start of the file, where a NUL refuses the whole file as not text.
    padding = (row(reference=f"P{i}", type="small", name="x" * 100) for i in range(50))
    job = run_import(
        csv_bytes(
            *padding,
            row(reference="R1", type="small", name="Nul\x00Ltd"),
            row(reference="R2", type="small", name="Fine Ltd"),
        )
    )
    assert list(reasons(job)) == [52]
    assert "NUL character" in reasons(job)[52]
    assert job.created_count == 51


def test_a_file_without_the_needed_columns_is_refused_before_it_is_kept(amy):
    with pytest.raises(DomainError, match="no 'type' column"):
        imports.customer_import_create(
            actor=amy, file_name="x.csv", content=b"reference,name\nR1,Acme\n"
        )
    with pytest.raises(DomainError, match="empty"):
        imports.customer_import_create(actor=amy, file_name="x.csv", content=b"\n\n")
    assert not CustomerImport.objects.exists()


def test_only_roles_allowed_to_import_may_import(make_user):
    officer = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    with pytest.raises(NotPermitted):
        imports.customer_import_create(
            actor=officer,
            file_name="x.csv",
            content=csv_bytes(row(reference="R1", type="small", name="Acme")),
        )


def test_an_unexpected_error_marks_the_import_failed_and_keeps_the_chunks_before(
    types, monkeypatch
):
    monkeypatch.setattr(imports.run, "CHUNK_SIZE", 2)
    original = imports._Plan.write
    calls = {"n": 0}

    def write_then_break(self, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(self, **kwargs)

    monkeypatch.setattr(imports._Plan, "write", write_then_break)
    job = run_import(csv_bytes(*(row(reference=f"R{i}", type="small", name="x") for i in range(5))))

    assert job.status == ImportStatus.FAILED
    assert "stopped after 2 rows (RuntimeError: disk full)" in job.failure
    assert job.content is None and job.finished_at
    assert Customer.objects.count() == 2
    assert CustomerImport.objects.get(pk=job.pk).processed_rows == 2


def test_a_task_delivered_twice_imports_once(types):
    job = imports.customer_import_create(
        actor=None,
        file_name="x.csv",
        content=csv_bytes(row(reference="R1", type="small", name="Acme")),
        queue=False,
    )
    imports.customer_import_run(import_id=job.pk)
    again = imports.customer_import_run(import_id=job.pk)
    assert (again.status, again.created_count, Customer.objects.count()) == ("done", 1, 1)


def _queries_to_import(rows: int, prefix: str) -> int:
    content = csv_bytes(
        *(
            row(
                reference=f"{prefix}-{i}",
                type="small",
                name=f"Customer {i}",
                email=f"{prefix}{i}@example.com",
                phone=f"04{12000000 + i}",
                account_manager="amy",
                consent_marketing="yes" if i % 2 else "no",
                products="savings",
            )
            for i in range(rows)
        )
    )
    job = imports.customer_import_create(
        actor=None, file_name="x.csv", content=content, queue=False
    )
    with CaptureQueriesContext(connection) as queries:
        done = imports.customer_import_run(import_id=job.pk)
    assert done.created_count == rows
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(types, offerings, amy):
    small, large = _queries_to_import(50, "S"), _queries_to_import(500, "L")
    assert large < 3 * small, (small, large)


def test_updating_many_rows_also_takes_a_few_queries(types, offerings, amy):
    _queries_to_import(50, "S")
    _queries_to_import(500, "L")

    def update(rows: int, prefix: str) -> int:
        content = csv_bytes(
            *(row(reference=f"{prefix}-{i}", name=f"Renamed {i}", balance="9") for i in range(rows))
        )
        job = imports.customer_import_create(
            actor=None, file_name="x.csv", content=content, queue=False
        )
        with CaptureQueriesContext(connection) as queries:
            assert imports.customer_import_run(import_id=job.pk).updated_count == rows
        return len(queries)

    small, large = update(50, "S"), update(500, "L")
    assert large < 3 * small, (small, large)
    assert Customer.objects.get(reference="L-499").name == "Renamed 499"


# --- The command ----------------------------------------------------------------------------------
def test_the_command_shows_progress_a_summary_and_every_bad_row(tmp_path, types, amy, monkeypatch):
    monkeypatch.setattr(imports.run, "CHUNK_SIZE", 2)
    path = tmp_path / "customers.csv"
    path.write_bytes(
        csv_bytes(
            row(reference="R1", type="small", name="One"),
            row(reference="R2", type="small", name="Two", phone="abc"),
            row(reference="R3", type="small", name="Three"),
        )
    )
    out = io.StringIO()

    call_command("import_customers", str(path), "--as", "amy", stdout=out)

    text = out.getvalue()
    assert "  2 / 3 rows" in text and "  3 / 3 rows" in text
    assert "Done: 2 created, 0 updated, 0 unchanged, 1 bad." in text
    assert "line 3: 'abc' is not a phone number (it has letters or too few digits)." in text
    assert CustomerImport.objects.get().uploaded_by == amy

    out = io.StringIO()
    call_command("import_customers", str(path), stdout=out)
    assert "Done: 0 created, 0 updated, 2 unchanged, 1 bad." in out.getvalue()


def test_the_command_lists_the_first_bad_rows_and_counts_the_rest(tmp_path, types, monkeypatch):
    monkeypatch.setattr(imports, "MAX_LISTED", 2)
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(*(row(reference=f"R{i}", type="nope", name="x") for i in range(5))))
    out = io.StringIO()
    call_command("import_customers", str(path), stdout=out)
    assert out.getvalue().count("is not a customer type") == 2
    assert "... and 3 more" in out.getvalue()
    assert len(CustomerImport.objects.get().bad_rows) == 5


def test_the_command_fails_when_the_file_cannot_be_read(tmp_path, db):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_customers", str(tmp_path / "missing.csv"), stdout=io.StringIO())
    path = tmp_path / "x.csv"
    path.write_bytes(b"name,email\nAcme,a@example.com\n")
    with pytest.raises(CommandError, match="no 'reference' and 'type' column"):
        call_command("import_customers", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="username 'ghost'"):
        call_command("import_customers", str(path), "--as", "ghost", stdout=io.StringIO())


# --- The pages ------------------------------------------------------------------------------------
def upload(client, content: bytes, name="customers.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post("/customers/import/", {"file": file})


def test_officers_may_not_import(client, make_user):
    client.force_login(make_user(RoleCode.CUSTOMER_SERVICE_OFFICER))
    assert client.get("/customers/import/").status_code == 403
    assert upload(client, b"reference,type,name\n").status_code == 403


def test_the_upload_page_explains_the_columns_and_refuses_files_it_cannot_import(
    client, amy, types
):
    client.force_login(amy)
    page = client.get("/customers/import/")
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content
    assert b"No customers have been imported yet." in page.content
    assert b"<code>consent_service, consent_surveys, consent_marketing</code>" in page.content

    not_csv = upload(client, b"whatever", name="customers.xlsx")
    assert "Choose a .csv file" in not_csv.content.decode()
    empty = upload(client, b"")
    assert "The submitted file is empty." in empty.content.decode()
    no_columns = upload(client, b"name\nAcme\n")
    assert "no &#x27;reference&#x27; and &#x27;type&#x27; column" in no_columns.content.decode()
    assert not CustomerImport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_imported_in_the_background_and_its_page_shows_the_outcome(
    client, make_user, run_worker
):
    from charter.customers.models import CustomerType

    CustomerType.objects.create(name="Small business", slug="small")
    amy = make_user(RoleCode.ACCOUNT_MANAGER, username="amy")
    client.force_login(amy)

    response = upload(
        client,
        csv_bytes(
            row(reference="R1", type="small", name="Acme"),
            row(reference="R2", type="small", name="Bad Phone", phone="abc"),
        ),
    )

    job = CustomerImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/customers/import/{job.pk}/"
    waiting = client.get(response["Location"], headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in waiting.content
    assert b"Waiting to start" in waiting.content

    run_worker()

    page = client.get(response["Location"])
    text = page.content.decode()
    assert 'aria-live="polite"' in text
    assert "Finished" in text and "hx-trigger" not in text
    assert "<progress" in text
    assert "&#x27;abc&#x27; is not a phone number" in text
    assert "Rows not imported" in text
    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and 'hx-swap-oob="true"' in partial
    listing = client.get("/customers/import/").content.decode()
    assert "customers.csv" in listing and "Finished" in listing
    download = client.get(response["Location"] + "?format=csv")
    assert download.content.decode("utf-8-sig").splitlines()[1].startswith("3,R2,")
    assert Customer.objects.get().reference == "R1"


def test_the_progress_page_is_for_those_who_may_see_imports(client, make_user, types):
    job = imports.customer_import_create(
        actor=None,
        file_name="x.csv",
        content=csv_bytes(row(reference="R1", type="small", name="Acme")),
        queue=False,
    )
    client.force_login(make_user(RoleCode.CUSTOMER_SERVICE_OFFICER))
    assert client.get(f"/customers/import/{job.pk}/").status_code == 403
    client.force_login(make_user(RoleCode.AUDITOR))
    assert client.get(f"/customers/import/{job.pk}/").status_code == 200
    assert client.get("/customers/import/999999/").status_code == 404


def test_an_importer_who_may_not_assign_managers_cannot_do_it_through_a_file(
    make_customer, manager, amy, make_user, types
):
    officer = make_user(RoleCode.ACCOUNT_MANAGER, username="oli")
    kept = make_customer(reference="K-1", name="Kept")
    services.account_manager_assign(actor=manager, customers=[kept], manager=amy)

    job = run_import(
        csv_bytes(
            row(reference="K-1", account_manager="amy"),  # unchanged: fine
            row(reference="K-2", type="small", name="New", account_manager="amy"),
            row(reference="K-3", type="small", name="Unmanaged"),
        ),
        actor=officer,
    )

    assert (job.unchanged_count, job.created_count) == (1, 1)
    assert "does not allow assigning account managers" in reasons(job)[3]
    # A supervisor or the customer service manager may.
    again = run_import(
        csv_bytes(row(reference="K-2", type="small", name="New", account_manager="amy")),
        actor=manager,
    )
    assert again.created_count == 1
