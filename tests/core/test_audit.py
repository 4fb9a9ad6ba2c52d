"""The audit trail: a change through the web, the API and a command each leaves the right entry,
and the trail cannot be changed."""

import csv as csv_module
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from rest_framework.authtoken.models import Token

from charter.accounts.models import AuthorityLimit, Role, RoleCode
from charter.core.errors import AuditTrailIsAppendOnly
from charter.core.models import AuditEntry, Interface

pytestmark = pytest.mark.django_db


def _cso_refund_limit():
    return AuthorityLimit.objects.get(
        role=Role.objects.get(code=RoleCode.CUSTOMER_SERVICE_OFFICER), action="goodwill"
    )


def _latest_for(obj) -> AuditEntry:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
    ).latest("timestamp", "pk")


def test_a_change_through_the_web_is_audited_with_who_what_and_how(client, admin_user, demo_limits):
    limit = _cso_refund_limit()
    client.force_login(admin_user)
    response = client.post(
        f"/authority/{limit.pk}/edit/",
        {
            "allowed": "on",
            "percent_of_value": "10",
            "max_amount": "30.00",
            "currency": "AUD",
            "note": "Raised after the December review",
        },
    )
    assert response.status_code == 302
    entry = _latest_for(limit)
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor == admin_user
    assert entry.interface == Interface.WEB
    assert entry.source == f"POST /authority/{limit.pk}/edit/"
    assert entry.changes["max_amount"] == ["25.00", "30.00"]


def test_a_change_through_the_api_is_audited_with_the_token_user(client, admin_user, demo_limits):
    limit = _cso_refund_limit()
    token = Token.objects.create(user=admin_user)
    response = client.patch(
        f"/api/v1/authority-limits/{limit.pk}/",
        {"max_amount": "35.00"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 200, response.content
    entry = _latest_for(limit)
    assert entry.actor == admin_user
    assert entry.interface == Interface.API
    assert entry.source == f"PATCH /api/v1/authority-limits/{limit.pk}/"
    assert entry.changes["max_amount"] == ["25.00", "35.00"]


def test_a_change_through_a_command_is_audited_as_a_command(admin_user, demo_limits):
    limit = _cso_refund_limit()
    call_command(
        "authority_limit_set",
        role="cso",
        action="goodwill",
        percent="10",
        cap="40",
        actor=admin_user.username,
        verbosity=0,
    )
    entry = _latest_for(limit)
    assert entry.interface == Interface.COMMAND
    assert entry.source == "manage.py authority_limit_set"
    assert entry.actor == admin_user
    assert entry.changes["max_amount"] == ["25.00", "40.00"]


def test_creating_and_deleting_a_record_are_both_kept(admin_user):
    from charter.accounts.models import Team

    team = Team.objects.create(name="Quality", slug="quality")
    pk = team.pk
    team.delete()
    actions = list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Team), object_pk=str(pk)
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [AuditEntry.Action.CREATE, AuditEntry.Action.DELETE]


def test_role_changes_are_audited(make_user):
    from charter.accounts import services

    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    services.user_set_roles(user=mary, roles=[RoleCode.SUPERVISOR])
    entry = _latest_for(mary)
    assert "groups" in entry.changes


def test_passwords_are_masked_in_the_trail(make_user):
    mary = make_user()
    mary.set_password("another-long-password")
    mary.save()
    entry = _latest_for(mary)
    _old, new = entry.changes["password"]
    assert "another" not in new and "md5$" not in new


def test_the_trail_refuses_changes_through_the_orm(admin_user, demo_limits):
    entry = AuditEntry.objects.first()
    entry.source = "tampered"
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(source="tampered")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.all().delete()


@pytest.mark.postgres
def test_on_postgresql_the_database_refuses_update_and_delete(admin_user, demo_limits):
    if connection.vendor != "postgresql":
        pytest.skip("the database-level guard is PostgreSQL's (run with DATABASE_URL)")
    entry_id = AuditEntry.objects.values_list("pk", flat=True).first()
    for sql in (
        "UPDATE core_auditentry SET source = 'tampered' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry_id])
    assert AuditEntry.objects.filter(pk=entry_id).exists()


def test_the_history_is_shown_on_the_records_page(client, admin_user, demo_limits):
    limit = _cso_refund_limit()
    client.force_login(admin_user)
    client.post(
        f"/authority/{limit.pk}/edit/",
        {"allowed": "on", "percent_of_value": "10", "max_amount": "30", "currency": "AUD"},
    )
    page = client.get(f"/authority/{limit.pk}/edit/").content.decode()
    assert "History" in page
    assert "Max amount" in page and "$30.00" in page


def test_auditors_filter_the_trail_and_others_cannot_see_it(client, make_user, demo_limits):
    priya = make_user(RoleCode.AUDITOR)
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    client.force_login(mary)
    assert client.get("/audit/").status_code == 403
    client.force_login(priya)
    ct = ContentType.objects.get_for_model(AuthorityLimit)
    page = client.get(f"/audit/?record_type={ct.pk}&interface=system")
    assert page.status_code == 200
    entries = page.context["page"].object_list
    assert entries and all(e.content_type_id == ct.pk for e in entries)
    bad = client.get("/audit/?since=2026-12-01&until=2026-11-01")
    assert bad.status_code == 200
    assert "before the start date" in bad.content.decode()
    csv = client.get(f"/audit/?record_type={ct.pk}&format=csv")
    body = b"".join(csv.streaming_content).decode()
    assert body.splitlines()[0].startswith("When,Who,Username,Through")
    rows = list(csv_module.reader(io.StringIO(body)))[1:]
    assert rows and all(row[6] == "Authority limit" for row in rows)


def test_audit_trail_page_query_count_does_not_grow_with_entries(
    client, make_user, demo_limits, django_assert_max_num_queries
):
    priya = make_user(RoleCode.AUDITOR)
    client.force_login(priya)
    with django_assert_max_num_queries(12) as few:
        client.get("/audit/")
    for n in range(40):
        make_user(username=f"extra{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/audit/")
