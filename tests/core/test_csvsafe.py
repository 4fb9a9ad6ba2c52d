"""Every CSV Charter writes is safe to open in a spreadsheet: a cell that starts like a formula
(=, +, -, @, tab, carriage return) gets an apostrophe, references included, and the customer
import reads its own exports back as they were."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from charter.accounts.models import RoleCode
from charter.core.csvsafe import FORMULA_STARTS, guard, unguard
from charter.customers import exports, imports, services
from charter.customers.models import Customer, CustomerType

TRIGGERS = ["=1+1", "+61412345678", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", TRIGGERS)
def test_text_that_starts_like_a_formula_gets_an_apostrophe_and_comes_back(text):
    assert guard(text) == "'" + text
    assert unguard(guard(text)) == text


@pytest.mark.parametrize("text", ["Acme", "", "'quoted", "'=already", "''=twice", "1+1", "C-1"])
def test_other_text_is_left_alone_and_every_text_comes_back_as_it_was(text):
    assert unguard(guard(text)) == text
    if not text.lstrip("'").startswith(FORMULA_STARTS):
        assert guard(text) == text


def test_numbers_are_written_as_numbers():
    assert guard(Decimal("-12.30")) == "-12.30"
    assert guard(-3) == "-3"
    assert guard(None) == ""


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def small(db):
    return CustomerType.objects.create(name="Small business", slug="small")


def test_the_customer_export_guards_every_cell_and_imports_again_unchanged(make_user, small):
    manager = make_user(RoleCode.CUSTOMER_SERVICE_MANAGER)
    services.customer_create(
        actor=manager,
        customer_type=small,
        kind="person",
        reference="-IW-0007",
        given_name="@Zoe",
        family_name="=HYPERLINK(1)",
        email="+zoe@example.com",
        phone="0412 345 678",
    )
    response = exports.customers_csv_response(Customer.objects.all())
    content = b"".join(response.streaming_content)
    header, row = _read(content.decode())
    cells = dict(zip(header, row, strict=True))
    assert cells["reference"] == "'-IW-0007"
    assert cells["given_name"] == "'@Zoe"
    assert cells["family_name"] == "'=HYPERLINK(1)"
    assert cells["name"] == "'@Zoe =HYPERLINK(1)"
    assert cells["email"] == "'+zoe@example.com"
    assert cells["phone"] == "'+61412345678"
    for value in row:
        assert not value.startswith(FORMULA_STARTS), value

    job = imports.customer_import_create(
        actor=None, file_name="export.csv", content=content, queue=False
    )
    job = imports.customer_import_run(import_id=job.pk)
    assert (job.created_count, job.updated_count, job.unchanged_count, job.bad_rows) == (
        0,
        0,
        1,
        [],
    )
    assert Customer.objects.get().reference == "-IW-0007"


def test_the_bad_rows_file_guards_references_and_reasons(client, make_user, small):
    amy = make_user(RoleCode.ACCOUNT_MANAGER)
    job = imports.customer_import_create(
        actor=amy,
        file_name="customers.csv",
        content=b'reference,type,name,phone\n"=HYPERLINK(""http://x"")",small,Acme,abc\n',
        queue=False,
    )
    imports.customer_import_run(import_id=job.pk)
    client.force_login(amy)
    download = client.get(f"/customers/import/{job.pk}/?format=csv")
    rows = _read(download.content.decode("utf-8"))
    assert rows[1][:2] == ["2", '\'=HYPERLINK("http://x")']
    for row in rows:
        for value in row:
            assert not value.startswith(FORMULA_STARTS), value


def test_the_audit_trail_download_guards_every_cell(client, make_user, small):
    mallory = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="@mallory")  # @ is allowed
    client.force_login(mallory)
    client.post(
        "/customers/new/",
        {
            "kind": "organisation",
            "customer_type": small.pk,
            "name": "=1+1",
            "preferred_channel": "email",
            "customer_since": "2020-01-01",
        },
    )
    assert Customer.objects.filter(name="=1+1").exists()
    client.force_login(make_user(RoleCode.AUDITOR))
    response = client.get("/audit/?format=csv")
    rows = _read(b"".join(response.streaming_content).decode())
    assert any(row[2] == "'@mallory" for row in rows[1:])  # the username column
    for row in rows:
        for value in row:
            assert not value.startswith(FORMULA_STARTS), value


def test_the_sorted_comments_file_guards_every_cell(tmp_path):
    path = tmp_path / "comments.csv"
    path.write_text('comment,from\n"=HYPERLINK(""http://x"",""refund"")",-Dan\n')
    out = io.StringIO()
    call_command("categorise_feedback", str(path), stdout=out)
    rows = _read(out.getvalue())
    assert rows[1][:2] == ['\'=HYPERLINK("http://x","refund")', "'-Dan"]
