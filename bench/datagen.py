"""Realistic volumes of Charter data, fast: bulk inserts in batches, never one save per row.

Starts from the demo organisation (``seed_demo``: roles, teams, 12 staff, authority limits) and
tops each table up to a total: staff across the demo teams with roles, approval requests in
every status, and a year of audit entries. Repeatable: every choice comes from a seeded
``random.Random``. ``bulk_create`` sends no signals, so nothing here is itself audited.
"""

from __future__ import annotations

import io
import os
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from charter.accounts import rules, selectors, services
from charter.accounts.models import (
    ApprovalRequest,
    ApprovalStatus,
    AuthorityAction,
    Role,
    RoleCode,
    Team,
    User,
)
from charter.core.models import AuditEntry, Interface

BATCH = 2000
SEED = 20_26
YEAR = timedelta(days=365)

FIRST_NAMES = (  # noqa: SIM905
    "Olivia Noah Charlotte Oliver Amelia Jack Isla William Mia Leo Ava Henry Grace Thomas Chloe "
    "Lucas Zoe Ethan Ruby Liam Sienna James Harper Hudson Matilda Cooper Evie Archie Aria "
    "Lachlan Ivy Harrison Layla Xavier Priya Arjun Mei Wei Aisha Omar Fatima Minh Linh Sofia "
    "Mateo Ana Kai Hana Tane Aroha"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Smith Jones Williams Brown Wilson Taylor Johnson White Martin Anderson Thompson Nguyen "
    "Thomas Walker Harris Lee Ryan Robinson Kelly King Davis Wright Evans Roberts Green Hall "
    "Wood Jackson Clarke Patel Khan Singh Chen Wang Li Zhang Tran Le Kumar Shah Murphy O'Brien "
    "Campbell Stewart Hughes Edwards Cook Morris Rossi Papadopoulos"
).split()

# role code -> (share of generated staff, teams they sit in)
ROLE_MIX = {
    RoleCode.CUSTOMER_SERVICE_OFFICER: (
        0.58,
        ("Customer service", "Technical and product support", "Incident management"),
    ),
    RoleCode.RETURNS_WARRANTY_OFFICER: (0.09, ("Returns and warranty",)),
    RoleCode.ANALYST: (0.05, ("Marketing", "Customer incentives and rewards")),
    RoleCode.ACCOUNT_MANAGER: (0.10, ("Account management",)),
    RoleCode.SUPERVISOR: (0.11, ("Customer service", "Incident management", "After-sales service")),
    RoleCode.CUSTOMER_SERVICE_MANAGER: (0.04, ("Customer service", "After-sales service")),
    RoleCode.AUDITOR: (0.02, ()),
    RoleCode.ADMINISTRATOR: (0.01, ()),
}

# action -> share of approval requests (every role may replace, so nobody asks to)
APPROVAL_ACTIONS = {
    AuthorityAction.REFUND: 0.60,
    AuthorityAction.COMPENSATE: 0.25,
    AuthorityAction.REFER_OUTSIDE: 0.10,
    AuthorityAction.CLOSE_COMPLAINT: 0.05,
}
APPROVAL_STATUSES = {
    ApprovalStatus.PENDING: 0.12,
    ApprovalStatus.APPROVED: 0.62,
    ApprovalStatus.REJECTED: 0.16,
    ApprovalStatus.WITHDRAWN: 0.10,
}
REASONS = (
    "arrived damaged and the customer has waited two weeks",
    "second failure of the same unit within warranty",
    "delivery missed twice; customer is a key account",
    "wrong model shipped; customer incurred installation costs",
    "customer was double charged and wants the difference back",
    "product does not match the description on the website",
    "complaint unresolved after the full procedure; customer asks for review",
    "goodwill gesture after a long outage",
)
REJECT_NOTES = (
    "Outside warranty: offer a repair quote instead.",
    "Refund already issued on the original order.",
    "Needs the photos of the damage first.",
    "Amount not supported by the invoice.",
)
JOB_TITLES = {code: RoleCode(code).label for code in RoleCode.values}


@dataclass
class Totals:
    """What a top-up made: rows added per table and seconds per step."""

    added: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


def _weighted(rng: random.Random, table: dict):
    return rng.choices(list(table), weights=list(table.values()))[0]


def _when(rng: random.Random, now: datetime, within: timedelta = YEAR) -> datetime:
    return now - timedelta(seconds=rng.uniform(0, within.total_seconds()))


def seed_demo() -> None:
    """The demo organisation: roles, teams, 12 staff and their authority limits (idempotent)."""
    os.environ.setdefault("DEMO_PASSWORD", "bench-demo-password")
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())  # it prints the demo logins


# --- Staff ------------------------------------------------------------------------------------
def add_staff(count: int, rng: random.Random) -> int:
    """``count`` more staff across the demo teams, each with one role; returns how many."""
    if count <= 0:
        return 0
    services.roles_sync()  # roles exist after seed_demo; this makes sure their groups are right
    groups = dict(Role.objects.values_list("code", "group_id"))
    teams = dict(Team.objects.values_list("name", "pk"))
    start = User.objects.count()
    today = timezone.localdate()
    users, roles = [], []
    for i in range(start, start + count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        code = _weighted(rng, {code: share for code, (share, _) in ROLE_MIX.items()})
        team_names = ROLE_MIX[code][1]
        started = today - timedelta(days=rng.randint(30, 9 * 365))
        active = rng.random() < 0.94
        username = f"{first}.{last}{i}".lower().replace("'", "")
        users.append(
            User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@innovative-widgets.example",
                password=f"!{rng.getrandbits(128):032x}",  # unusable: no sign-in
                team_id=teams[rng.choice(team_names)] if team_names else None,
                job_title=JOB_TITLES[code],
                started_on=started,
                is_active=active,
                left_on=None if active else started + (today - started) * rng.random(),
                is_staff=code == RoleCode.ADMINISTRATOR,
            )
        )
        roles.append(code)
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=BATCH)
        if any(user.pk is None for user in users):  # a database that cannot return new pks
            pks = dict(
                User.objects.filter(pk__gt=0).values_list("username", "pk").order_by("-pk")[:count]
            )
            for user in users:
                user.pk = pks[user.username]
        Membership = User.groups.through
        Membership.objects.bulk_create(
            [
                Membership(user_id=user.pk, group_id=groups[code])
                for user, code in zip(users, roles, strict=True)
            ],
            batch_size=BATCH,
        )
    return count


def _staff_by_role() -> dict[str, list[int]]:
    """Active staff pks by role code (one query)."""
    by_role: dict[str, list[int]] = defaultdict(list)
    rows = User.objects.filter(is_active=True, groups__role__isnull=False).values_list(
        "pk", "groups__role__code"
    )
    for pk, code in rows.order_by("pk"):
        by_role[code].append(pk)
    return by_role


# --- Approval requests ------------------------------------------------------------------------
def add_approvals(count: int, rng: random.Random) -> int:
    """``count`` more approval requests, routed as the rules would route them."""
    if count <= 0:
        return 0
    now = timezone.now()
    roles = {role.code: role for role in Role.objects.all()}
    limits = selectors.all_limits()
    limits_of = defaultdict(list)
    for limit in limits:
        limits_of[limit.role].append(limit)
    staff = _staff_by_role()
    requester_roles = {
        RoleCode.CUSTOMER_SERVICE_OFFICER: 0.8,
        RoleCode.RETURNS_WARRANTY_OFFICER: 0.1,
        RoleCode.ACCOUNT_MANAGER: 0.1,
    }
    deciders = {
        code: [
            pk
            for c in (RoleCode.SUPERVISOR, RoleCode.CUSTOMER_SERVICE_MANAGER)
            for pk in staff[c]
            if roles[c].rank >= role.rank
        ]
        for code, role in roles.items()
    }
    approvals = []
    for _ in range(count):
        requester_role = _weighted(rng, requester_roles)
        requested_by = rng.choice(staff[requester_role])
        action = _weighted(rng, APPROVAL_ACTIONS)
        amount = item_value = None
        if action == AuthorityAction.REFUND:
            item_value = Decimal(f"{rng.uniform(30, 4000):.2f}")
            amount = Decimal(f"{float(item_value) * rng.uniform(0.2, 1.0):.2f}")
        elif action == AuthorityAction.COMPENSATE:
            amount = Decimal(f"{rng.uniform(20, 1800):.2f}")
        own = rules.decide(
            limits_of[requester_role], action=action, amount=amount, item_value=item_value
        )
        if own.allowed:  # within their own authority: nobody would ask
            continue
        granting = rules.granting_roles(limits, action=action, amount=amount, item_value=item_value)
        required = roles[granting[0].role] if granting else roles[RoleCode.CUSTOMER_SERVICE_MANAGER]
        status = _weighted(rng, APPROVAL_STATUSES)
        if status == ApprovalStatus.PENDING:
            created = _when(rng, now, timedelta(days=10))
        else:
            created = _when(rng, now - timedelta(days=3))
        approval = ApprovalRequest(
            action=action,
            amount=amount,
            item_value=item_value,
            description=f"Order {rng.randint(100000, 999999)}: {rng.choice(REASONS)}.",
            why_needed=own.reason,
            requested_by_id=requested_by,
            required_role=required,
            status=status,
            created_at=created,
        )
        if status == ApprovalStatus.PENDING:
            if now - created > timedelta(days=1) and rng.random() < 0.7:
                approval.reminded_at = created + timedelta(days=1)
        else:
            approval.decided_at = created + timedelta(minutes=rng.uniform(5, 72 * 60))
            if status == ApprovalStatus.WITHDRAWN:
                approval.decided_by_id = requested_by
            else:
                approval.decided_by_id = rng.choice(deciders[required.code])
                if status == ApprovalStatus.REJECTED:
                    approval.decision_note = rng.choice(REJECT_NOTES)
        approvals.append(approval)
    with transaction.atomic():
        ApprovalRequest.objects.bulk_create(approvals, batch_size=BATCH)
    return len(approvals)


# --- Audit entries ----------------------------------------------------------------------------
def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _approval_changes(rng, action, row, when) -> dict:
    pk, kind, amount, status, requester, role_id, decider = row
    if action == AuditEntry.Action.CREATE:
        return {
            "id": [None, pk],
            "action": [None, kind],
            "amount": [None, None if amount is None else f"{amount:.2f}"],
            "currency": [None, "AUD"],
            "status": [None, "pending"],
            "requested_by": [None, requester],
            "required_role": [None, role_id],
        }
    if status != ApprovalStatus.PENDING and rng.random() < 0.8:
        changes = {
            "status": ["pending", status],
            "decided_by": [None, decider],
            "decided_at": [None, _iso(when)],
        }
        if status == ApprovalStatus.REJECTED:
            changes["decision_note"] = ["", rng.choice(REJECT_NOTES)]
        return changes
    return {"reminded_at": [None, _iso(when)]}


def _user_changes(rng, action, row, when, team_ids) -> dict:
    pk, username, _name, team_id = row
    if action == AuditEntry.Action.CREATE:
        return {
            "id": [None, pk],
            "username": [None, username],
            "password": [None, "******"],
            "team": [None, team_id],
            "is_active": [None, True],
        }
    pick = rng.random()
    if pick < 0.4:
        return {"groups": {"type": "m2m", "operation": "add", "objects": ["Supervisor"]}}
    if pick < 0.7:
        return {"team": [team_id, rng.choice(team_ids)]}
    if pick < 0.9:
        return {"job_title": ["Customer service officer", "Senior customer service officer"]}
    return {"is_active": [True, False], "left_on": [None, when.date().isoformat()]}


# The columns an audit entry is written with; the others (cid, remote_port...) stay NULL.
AUDIT_COLUMNS = (
    "content_type",
    "object_pk",
    "object_id",
    "object_repr",
    "action",
    "changes",
    "changes_text",
    "actor",
    "actor_email",
    "remote_addr",
    "timestamp",
    "interface",
    "source",
)


def _insert(model, fields: tuple[str, ...], rows: list[tuple], per_statement: int = 500) -> None:
    """Bulk insert without ``bulk_create``'s per-object, per-field preparation, which is most of
    its time at 100,000 rows: COPY on PostgreSQL, multi-row INSERTs elsewhere. Values must
    already be database-ready."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * len(chunk)),
                [value for row in chunk for value in row],
            )


def add_audit_entries(count: int, rng: random.Random) -> int:
    """``count`` more audit entries over the past year, about approvals (70%) and staff."""
    if count <= 0:
        return 0
    now = timezone.now()
    approval_type = ContentType.objects.get_for_model(ApprovalRequest)
    user_type = ContentType.objects.get_for_model(User)
    approvals = list(
        ApprovalRequest.objects.values_list(
            "pk",
            "action",
            "amount",
            "status",
            "requested_by_id",
            "required_role_id",
            "decided_by_id",
        )
    )
    users = [
        (pk, username, f"{first} {last}".strip() or username, team_id)
        for pk, username, first, last, team_id in User.objects.values_list(
            "pk", "username", "first_name", "last_name", "team_id"
        )
    ]
    emails = dict(User.objects.filter(is_active=True).values_list("pk", "email"))
    actors = list(emails)
    team_ids = list(Team.objects.values_list("pk", flat=True))
    labels = dict(AuthorityAction.choices)
    approval_interfaces = {Interface.WEB: 0.6, Interface.API: 0.3, Interface.COMMAND: 0.1}
    user_interfaces = {Interface.WEB: 0.7, Interface.COMMAND: 0.3}  # the staff API is read-only
    adapt_time, adapt_json = (
        connection.ops.adapt_datetimefield_value,
        connection.ops.adapt_json_value,
    )
    # A trail is written in time order: its rows (and index entries) arrive oldest first.
    moments = sorted(_when(rng, now) for _ in range(count))
    made = 0
    with transaction.atomic():
        while made < count:
            batch = []
            for when in moments[made : made + BATCH * 5]:
                if approvals and rng.random() < 0.7:
                    row = rng.choice(approvals)
                    interface = _weighted(rng, approval_interfaces)
                    action = rng.choice((AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE))
                    changes = _approval_changes(rng, action, row, when)
                    content_type, pk = approval_type.pk, row[0]
                    text = f"Approval #{pk}: {labels[row[1]]}"
                    if interface == Interface.API:
                        source = f"POST /api/v1/approvals/{pk}/approve/"
                    elif action == AuditEntry.Action.CREATE:
                        source = "POST /approvals/new/"
                    else:
                        source = f"POST /approvals/{pk}/decide/"
                else:
                    row = rng.choice(users)
                    interface = _weighted(rng, user_interfaces)
                    action = (
                        AuditEntry.Action.CREATE if rng.random() < 0.2 else AuditEntry.Action.UPDATE
                    )
                    changes = _user_changes(rng, action, row, when, team_ids)
                    content_type, pk, text = user_type.pk, row[0], row[2]
                    source = f"POST /admin/accounts/user/{pk}/change/"
                if interface == Interface.COMMAND:
                    actor = None if rng.random() < 0.5 else rng.choice(actors)
                    source = rng.choice(("manage.py seed_demo", "manage.py authority_limit_set"))
                    address = None
                else:
                    actor = rng.choice(actors)
                    address = f"10.{rng.randint(0, 3)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
                batch.append(
                    (
                        content_type,
                        str(pk),
                        pk,
                        text,
                        action,
                        adapt_json(changes, None),
                        "",
                        actor,
                        emails.get(actor),
                        address,
                        adapt_time(when),
                        interface.value,
                        source,
                    )
                )
            _insert(AuditEntry, AUDIT_COLUMNS, batch)
            made += len(batch)
    return made


# --- All of it --------------------------------------------------------------------------------
def top_up(*, staff: int, approvals: int, audit_entries: int, seed: int = SEED) -> Totals:
    """Bring staff, approval requests and audit entries up to these totals (demo included)."""
    totals = Totals()
    steps = (
        ("staff", staff, User, add_staff),
        ("approvals", approvals, ApprovalRequest, add_approvals),
        ("audit entries", audit_entries, AuditEntry, add_audit_entries),
    )
    for name, total, model, add in steps:
        start = time.perf_counter()
        existing = model.objects.count()
        rng = random.Random(f"{seed}:{name}:{existing}")
        added = 0
        while existing + added < total:  # approvals the rules let through are skipped: retry
            made = add(total - existing - added, rng)
            if made == 0:
                break
            added += made
        totals.added[name] = added
        totals.seconds[name] = time.perf_counter() - start
    if connection.vendor == "postgresql":
        # Autovacuum would analyse these tables within a minute of the load; do it now.
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        totals.seconds["analyze"] = time.perf_counter() - start
    return totals
