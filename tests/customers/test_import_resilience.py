"""The import as a newcomer meets it: help that names the customer types as they must be
written, references matched whatever their case, phone extensions kept, an unclosed quote
reported on its own line, and an import killed part-way marked failed with a re-run that says
what it had already done."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from charter.accounts.models import RoleCode
from charter.core.errors import Conflict
from charter.core.scheduling import registered_jobs
from charter.customers import exports, imports, rules, selectors, services
from charter.customers.models import Customer, CustomerImport, CustomerType, ImportStatus

HEADER = b"reference,type,name,phone\n"


def run_import(content: bytes) -> CustomerImport:
    job = imports.customer_import_create(
        actor=None, file_name="customers.csv", content=content, queue=False
    )
    return imports.customer_import_run(import_id=job.pk)


def reasons(job: CustomerImport) -> dict[int, str]:
    return {r["line"]: r["reason"] for r in job.bad_rows}


@pytest.fixture
def amy(make_user):
    return make_user(RoleCode.ACCOUNT_MANAGER, username="amy")


def test_the_help_names_every_customer_type_as_a_row_must_write_it(client, amy, types):
    CustomerType.objects.create(name="Former partner", slug="former", is_active=False)
    client.force_login(amy)
    page = client.get(reverse("customers:import")).content.decode()
    for slug, name in [
        ("mining", "Mining equipment supplier"),
        ("small", "Small business"),
        ("public", "Member of the public"),
        ("production", "Production team"),
    ]:
        assert f"{slug} (or {name})" in page
    assert "former" not in page  # no longer in use, so a new row cannot take it


def test_references_match_whatever_their_case(types, manager):
    first = run_import(HEADER + b"IW-0001,mining,Yore Mine Co.,\n")
    assert first.created_count == 1

    again = run_import(HEADER + b"iw-0001,mining,Yore Mine Company,\n")

    assert (again.created_count, again.updated_count, again.bad_rows) == (0, 1, [])
    customer = Customer.objects.get()
    assert (customer.reference, customer.name) == ("IW-0001", "Yore Mine Company")

    twice = run_import(HEADER + b"IW-0002,small,Acme,\niw-0002,small,Acme again,\n")
    assert twice.created_count == 1
    assert reasons(twice) == {3: "Reference iw-0002 already appears on line 2."}
    with pytest.raises(Conflict, match="iw-0001 is already used"):
        services.customer_create(
            actor=manager,
            customer_type=types["small"],
            kind="organisation",
            name="Other",
            reference="iw-0001",
        )


@pytest.mark.parametrize(
    "written",
    ["08 9200 1000 ext 23", "08 9200 1000 x23", "+61892001000;ext=23", "(08) 9200 1000 ext. 23"],
)
def test_a_phone_extension_is_kept(written):
    assert rules.normalise_phone(written) == "+61892001000;ext=23"
    assert rules.format_phone("+61892001000;ext=23") == "(08) 9200 1000 ext. 23"


def test_an_imported_extension_is_kept_found_and_exported_again(types, manager):
    job = run_import(HEADER + b'IW-0003,mining,Yore Mine Co.,"08 9200 1000 ext 23"\n')
    assert job.bad_rows == []
    customer = Customer.objects.get()
    assert customer.phone == "+61892001000;ext=23"
    assert list(selectors.customer_search(manager, "08 9200 1000")) == [customer]

    content = b"".join(exports.customers_csv_response(Customer.objects.all()).streaming_content)
    again = run_import(content)
    assert (again.unchanged_count, again.bad_rows) == (1, [])


def test_an_unclosed_quote_is_reported_on_its_own_line_and_the_rows_after_it_are_kept(types):
    job = run_import(
        HEADER
        + b"R1,small,First Pty Ltd,\n"
        + b'R2,small,"Second Pty Ltd,\n'
        + b"R3,small,Third Pty Ltd,\n"
        + b'R4,small,"Fourth Pty Ltd,\n'
        + b"R5,small,Fifth Pty Ltd,\n"
    )

    assert job.status == ImportStatus.DONE
    assert sorted(Customer.objects.values_list("reference", flat=True)) == ["R1", "R3", "R5"]
    found = reasons(job)
    assert set(found) == {3, 5}
    assert found[3].startswith('A quote (") opens on this line and is not closed')
    assert [r["reference"] for r in job.bad_rows] == ["R2", "R4"]


def _killed_part_way(content: bytes, monkeypatch) -> CustomerImport:
    """Run an import and stop its process after the first chunk, as a kill would: nothing
    after that runs, so the import is left "running"."""
    monkeypatch.setattr(imports.run, "CHUNK_SIZE", 2)
    monkeypatch.setattr(imports.run, "_finish", lambda *args: None)  # the process is gone

    def killed(processed, total):
        raise KeyboardInterrupt

    job = imports.customer_import_create(
        actor=None, file_name="customers.csv", content=content, queue=False
    )
    with pytest.raises(KeyboardInterrupt):
        imports.customer_import_run(import_id=job.pk, progress=killed)
    monkeypatch.undo()
    return CustomerImport.objects.get(pk=job.pk)


def test_an_import_killed_part_way_is_marked_failed_and_its_rerun_says_what_it_had_done(
    client, amy, types, monkeypatch
):
    content = HEADER + b"".join(f"R{i},small,Customer {i},\n".encode() for i in range(5))
    killed = _killed_part_way(content, monkeypatch)
    assert (killed.status, killed.processed_rows, killed.created_count) == ("running", 2, 2)

    client.force_login(amy)
    # While its heartbeat is recent it may still be running...
    assert "Importing" in client.get(reverse("customers:import")).content.decode()
    # ...once silent for longer than any chunk takes, it was killed.
    CustomerImport.objects.filter(pk=killed.pk).update(
        heartbeat_at=timezone.now() - imports.STOPPED_AFTER - timedelta(seconds=1)
    )
    listing = client.get(reverse("customers:import")).content.decode()
    killed.refresh_from_db()
    assert killed.status == ImportStatus.FAILED and "Failed" in listing
    assert killed.failure.startswith("The import stopped after 2 of 5 rows")
    assert "2 customers were created" in killed.failure

    rerun = run_import(content)

    assert rerun.earlier == killed
    assert (rerun.created_count, rerun.unchanged_count) == (3, 2)
    assert Customer.objects.count() == 5  # nobody twice
    page = client.get(reverse("customers:import-detail", args=[rerun.pk])).content.decode()
    assert f"This file was imported before (import {killed.pk}," in page
    assert "stopped after 2 of 5 rows, having created 2 customers and updated 0" in page


def test_the_command_says_what_a_stopped_import_of_the_file_had_done(tmp_path, types, monkeypatch):
    content = HEADER + b"".join(f"R{i},small,Customer {i},\n".encode() for i in range(5))
    killed = _killed_part_way(content, monkeypatch)
    # The worker that starts next finds it stopped, however recent its heartbeat looked.
    later = timezone.now() + imports.STOPPED_AFTER + timedelta(minutes=1)
    assert imports.customer_imports_fail_stopped(now=later) == 1
    path = tmp_path / "customers.csv"
    path.write_bytes(content)
    out = io.StringIO()

    call_command("import_customers", str(path), stdout=out)

    text = out.getvalue()
    assert f"This file was imported before (import {killed.pk}," in text
    assert "Done: 3 created, 0 updated, 2 unchanged, 0 bad." in text


def test_a_periodic_task_marks_killed_imports_failed():
    assert "charter.customers.tasks.fail_stopped_customer_imports" in [
        job.name for job in registered_jobs()
    ]
