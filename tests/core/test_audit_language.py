"""A record's history and the audit trail speak the users' language: people and records by
name, fields by their names, times in the organisation's zone, choices by their labels, money
with its currency; the CSV is exactly the filtered rows, in the same words, safe to open."""

import csv
import io
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from charter.accounts import services
from charter.accounts.models import ApprovalRequest, AuthorityLimit, Role, RoleCode, Team
from charter.core.csvsafe import guard as csv_safe
from charter.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SYDNEY = ZoneInfo("Australia/Sydney")
# What a user must never read: a Python repr, a model label, a stored code or id.
REPRS = re.compile(r"\bNone\b|\[|\]|\{|\}|<\w|object at|accounts\.\w+|_by\b|_at\b")


def _text(html: str) -> str:
    """The words of a piece of a page, tags removed and spaces collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&").strip()
    return text.replace(" :", ":")


def _history(page: str) -> str:
    start = page.index('<section class="card history"')
    return _text(page[start : page.index("</section>", start)])


def _trail(client, **filters) -> str:
    response = client.get("/audit/", filters)
    assert response.status_code == 200
    body = response.content.decode()
    return _text(body[body.index("<tbody>") : body.index("</tbody>")])


def _csv(client, **filters) -> list[list[str]]:
    response = client.get("/audit/", {**filters, "format": "csv"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def auditor(make_user):
    return make_user(RoleCode.AUDITOR, username="priya", first_name="Priya", last_name="Shah")


@pytest.fixture
def john(make_user):
    return make_user(RoleCode.SUPERVISOR, username="john", first_name="John", last_name="Smith")


@pytest.fixture
def decided(client, make_user, john, demo_limits):
    """A $40 goodwill refund above an officer's $25, approved by John Smith on its page."""
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")
    outcome = services.authority_require(
        actor=mary,
        action="goodwill",
        amount="40",
        item_value="400",
        description="Goodwill for a late delivery",
    )
    approval = outcome.approval
    client.force_login(john)
    response = client.post(f"/approvals/{approval.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    client.logout()
    approval.refresh_from_db()
    return approval


def test_an_approvals_history_names_the_approver_says_the_status_and_the_local_time(
    client, decided, john
):
    # auditlog keeps the time as naive UTC; the page shows it in Sydney, as everything else.
    expected = decided.decided_at.astimezone(SYDNEY)
    client.force_login(john)
    history = _history(client.get(f"/approvals/{decided.pk}/").content.decode())

    assert "Changed by John Smith" in history
    assert "Decided by — John Smith" in history
    assert "Status Waiting for approval Approved" in history
    assert f"Decided at — {expected.day} {expected:%b %Y, %H:%M}" in history
    assert not REPRS.search(history), history


def test_the_trail_says_the_same_in_words(client, decided, auditor):
    client.force_login(auditor)
    kind = ContentType.objects.get_for_model(ApprovalRequest)
    rows = _trail(client, record_type=kind.pk, action=AuditEntry.Action.UPDATE)

    assert "John Smith" in rows and "Changed" in rows
    assert "Decided by: — → John Smith" in rows
    assert "Status: Waiting for approval → Approved" in rows
    assert f"Approval #{decided.pk}: Goodwill refund" in rows
    assert "Approval request" in rows
    assert not REPRS.search(rows), rows


def test_a_limits_history_shows_yes_no_percent_and_money_with_its_currency(
    client, admin_user, demo_limits
):
    role = Role.objects.get(code=RoleCode.CUSTOMER_SERVICE_OFFICER)
    limit = AuthorityLimit.objects.get(role=role, action="compensate")
    services.authority_limit_set(
        actor=admin_user,
        role=role,
        action="compensate",
        allowed=True,
        percent_of_value="5",
        max_amount="30",
        currency="NZD",
    )
    # A change of the cap alone: the currency is the record's, though the entry has none.
    services.authority_limit_set(
        actor=admin_user,
        role=role,
        action="compensate",
        allowed=True,
        percent_of_value="5",
        max_amount="45.5",
        currency="NZD",
    )
    client.force_login(admin_user)
    history = _history(client.get(f"/authority/{limit.pk}/edit/").content.decode())

    assert "Allowed No Yes" in history
    assert "Percent of value — 5.00%" in history
    assert "Max amount — NZ$30.00" in history
    assert "Currency AUD NZD" in history
    assert "Max amount NZ$30.00 NZ$45.50" in history
    assert "max_amount" not in history and not REPRS.search(history), history


def test_a_time_entered_in_sydney_is_shown_as_entered_not_in_utc(client, decided, john):
    # 10:30 on 20 December in Sydney (summer, +11:00) is 23:30 UTC the day before.
    decided.reminded_at = datetime(2026, 12, 19, 23, 30, tzinfo=UTC)
    decided.save()
    client.force_login(john)
    history = _history(client.get(f"/approvals/{decided.pk}/").content.decode())
    assert "Reminded at — 20 Dec 2026, 10:30" in history
    assert "23:30" not in history


def test_a_team_lead_and_roles_read_as_people_and_role_names(client, make_user, auditor):
    lead = make_user(RoleCode.SUPERVISOR, username="tl", first_name="Taya", last_name="Lee")
    team = Team.objects.create(name="Returns desk", slug="returns-desk")
    team.lead = lead
    team.save()
    services.user_set_roles(user=lead, roles=[RoleCode.CUSTOMER_SERVICE_MANAGER])
    client.force_login(auditor)
    rows = _trail(client, actor="system")

    assert "Lead: — → Taya Lee" in rows
    assert "Roles: added Customer service manager" in rows
    assert "Roles: removed Supervisor" in rows
    # A created record lists its fields, never its reverse relations ("accounts.User.None").
    assert "Slug: — → returns-desk" in rows
    assert "Purpose" not in rows  # blank when created: nothing to say
    assert not REPRS.search(rows), rows


def test_a_removed_record_is_named_by_the_name_the_trail_kept(client, make_user, auditor):
    gone = Team.objects.create(name="Night shift", slug="night")
    member = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="ned")
    member.team = gone
    member.save()
    member.team = None
    member.save()
    gone.delete()
    client.force_login(auditor)
    rows = _trail(client, record_type=ContentType.objects.get_for_model(member).pk, actor="system")
    assert "Team: — → Night shift (removed)" in rows
    assert "Team: Night shift (removed) → —" in rows


def test_passwords_stay_hidden_and_personal_values_masked(client, make_user, auditor):
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary2")
    mary.set_password("another-long-password")
    mary.save()
    client.force_login(auditor)
    rows = _trail(client, record_type=ContentType.objects.get_for_model(mary).pk)
    assert "Password: (hidden) → (hidden)" in rows
    assert "pbkdf2" not in rows and "$" not in rows


def test_the_filters_and_the_csv_say_the_same_and_the_csv_has_every_matching_row(
    client, make_user, auditor, monkeypatch
):
    """60 matching entries (two pages on screen) among others; the CSV has all 60, in order,
    cell for cell the words of the page."""
    monkeypatch.setattr("charter.core.views.CSV_CHUNK", 7)  # several chunks, one left over
    lead = make_user(RoleCode.SUPERVISOR, username="tl", first_name="Taya", last_name="Lee")
    for n in range(60):
        team = Team.objects.create(name=f"Desk {n}", slug=f"desk-{n}")
        team.lead = lead
        team.save()
    other = Team.objects.create(name="Returns", slug="other")
    other.lead = lead
    other.save()
    client.force_login(auditor)
    filters = {
        "record_type": ContentType.objects.get_for_model(Team).pk,
        "action": AuditEntry.Action.UPDATE,
        "text": "desk",
        "actor": "system",
        "interface": "system",
        "since": "2000-01-01",
        "until": "2100-01-01",
    }
    on_screen = []
    for number in (1, 2):
        response = client.get("/audit/", {**filters, "page": number})
        page_rows = response.context["rows"]
        html = response.content.decode()
        for row in page_rows:
            assert row.when_text in html and str(row.changes[0]) in _text(html)
        on_screen += [
            [
                row.when_text,
                row.who,
                row.username,
                row.interface,
                row.source,
                row.action,
                row.kind,
                row.record_id,
                row.record,
                row.changes_text,
            ]
            for row in page_rows
        ]
    assert response.context["page"].paginator.count == 60

    header, *rows = _csv(client, **filters)
    assert header == [
        "When",
        "Who",
        "Username",
        "Through",
        "Source",
        "What",
        "Kind of record",
        "Record id",
        "Record",
        "Changes",
    ]
    assert rows == on_screen
    assert len(rows) == 60
    assert rows[0][1:3] == ["System", ""] and rows[0][5:7] == ["Changed", "Team"]
    assert rows[0][9] == "Lead: — → Taya Lee"


def test_the_csv_neutralises_formulas_in_every_cell(client, make_user, auditor):
    Team.objects.create(name='=HYPERLINK("http://evil.example")', slug="evil")
    Team.objects.create(name="+61 2 9999 0000", slug="plus")
    Team.objects.create(name="@SUM(A1)", slug="at")
    client.force_login(auditor)
    _header, *rows = _csv(client, record_type=ContentType.objects.get_for_model(Team).pk)
    records = {row[8] for row in rows}
    assert '\'=HYPERLINK("http://evil.example")' in records
    assert "'+61 2 9999 0000" in records and "'@SUM(A1)" in records
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.parametrize(
    "value, safe",
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("— → x", "— → x"),
        ("", ""),
        (None, ""),
        ("Grace", "Grace"),
    ],
)
def test_csv_safe(value, safe):
    assert csv_safe(value) == safe


def test_a_page_of_the_trail_costs_the_same_queries_whatever_its_references(
    client, make_user, auditor
):
    """Names are fetched one query per kind of record, never one per entry."""
    teams = [Team.objects.create(name=f"Desk {n}", slug=f"desk-{n}") for n in range(50)]
    few = [make_user(RoleCode.SUPERVISOR, username=f"few{n}") for n in range(2)]
    many = [make_user(RoleCode.SUPERVISOR, username=f"many{n}") for n in range(50)]
    client.force_login(auditor)
    kind = ContentType.objects.get_for_model(Team).pk
    filters = {"record_type": kind, "action": AuditEntry.Action.UPDATE}

    for n, team in enumerate(teams):  # 50 entries naming two people
        team.lead = few[n % 2]
        team.parent = teams[0] if n else None
        team.save()
    client.get("/audit/", filters)  # caches warmed (content types, permissions)
    with CaptureQueriesContext(connection) as two_people:
        client.get("/audit/", filters)

    for team, person in zip(teams, many, strict=True):  # 50 more naming 50 people
        team.lead = person
        team.parent = teams[1] if team != teams[1] else None
        team.save()
    with CaptureQueriesContext(connection) as fifty_people:
        response = client.get("/audit/", filters)
    assert len(response.context["rows"]) == 50
    assert "Lead: Few1 → Many49" in _text(response.content.decode())
    assert len(fifty_people.captured_queries) == len(two_people.captured_queries)


def test_a_records_history_costs_the_same_queries_whatever_its_references(
    client, make_user, admin_user
):
    member = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="ned")
    teams = [Team.objects.create(name=f"Desk {n}", slug=f"desk-{n}") for n in range(40)]
    client.force_login(admin_user)
    for team in teams[:2]:
        member.team = team
        member.save()
    client.get(f"/staff/{member.pk}/")  # caches warmed (content types, permissions)
    with CaptureQueriesContext(connection) as two:
        client.get(f"/staff/{member.pk}/")
    for team in teams[2:]:
        member.team = team
        member.save()
    with CaptureQueriesContext(connection) as forty:
        page = client.get(f"/staff/{member.pk}/").content.decode()
    assert "Team Desk 38 Desk 39" in _history(page)
    assert len(forty.captured_queries) == len(two.captured_queries)


def test_the_filters_take_a_person_by_name_and_a_record_by_its_name(client, decided, auditor):
    client.force_login(auditor)
    by_name = _trail(client, actor="john smith")
    assert "Decided by: — → John Smith" in by_name
    by_username = _trail(client, actor="JOHN")
    assert "Decided by: — → John Smith" in by_username
    assert "No audit entries match" in client.get("/audit/", {"actor": "nobody"}).content.decode()
    by_record = _trail(client, text=f"Approval #{decided.pk}")
    assert f"Approval #{decided.pk}: Goodwill refund" in by_record
    assert "Authority limit" not in by_record
    kinds = client.get("/audit/").content.decode()
    assert ">Approval request<" in kinds and "accounts: approval request" not in kinds


def test_the_home_panel_lists_changes_in_words_not_views(client, decided, john, auditor):
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Team),
        object_pk="1",
        object_repr="Quality desk",
        action=AuditEntry.Action.ACCESS,
        actor=john,
    )
    client.force_login(auditor)
    home = _text(client.get("/").content.decode())
    changed = f"Changed approval request Approval #{decided.pk}: Goodwill refund"
    assert f"{changed} by John Smith via Web" in home
    assert "Quality desk" not in home
