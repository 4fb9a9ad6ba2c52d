"""The demo organisations' staff, teams and authority limits.

Innovative Widgets' staff come from the seed's call data: supervisor John; officers Mia, Nitin
(left in October), Jonas, and Taya and Mary (both new in October); plus the other roles of the
design. The bank demo keeps the same usernames and roles (so the README's logins work in both),
with the bank's own job titles, addresses and teams.

When Taya and Mary started, when Nitin left and when John is on leave move with the day the demo
is loaded: ``charter.core.demo_dates`` (``STORY`` below marks the dates it gives).
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings

from charter.core import demo_dates

from . import services
from .models import AbsenceReason, AuthoritySettings, Role, RoleCode, StaffAbsence, User
from .models import AuthorityAction as A

TEAMS = [
    ("Customer service", None, "Receives enquiries and complaints on every channel."),
    ("Account management", None, "Owns customer relationships for their lifetime."),
    ("Technical and product support", None, "Supports customers on specific products."),
    ("Customer incentives and rewards", None, "Runs loyalty and incentive programmes."),
    ("After-sales service", None, "Service after the sale: incidents, returns and warranty."),
    ("Incident management", "After-sales service", "Resolves customer issues that need action."),
    ("Returns and warranty", "After-sales service", "Processes claims, returns and warranty."),
    ("Marketing", None, "Customer research, surveys and feedback summaries."),
]

# A date the story gives (``demo_dates``): Taya's and Mary's first day, Nitin's last. John's
# annual leave is there too (``StoryDates.leave``), recorded as leave by ``_leave_seed``.
STORY = "story"

# username, first, last, role, team, job title, started, left
STAFF = [
    (
        "john",
        "John",
        "Hartley",
        RoleCode.SUPERVISOR,
        "Customer service",
        "Customer service supervisor",
        date(2019, 3, 4),
        None,
    ),
    (
        "mia",
        "Mia",
        "Nguyen",
        RoleCode.CUSTOMER_SERVICE_OFFICER,
        "Customer service",
        "Customer service officer",
        date(2021, 6, 14),
        None,
    ),
    (
        "nitin",
        "Nitin",
        "Rao",
        RoleCode.CUSTOMER_SERVICE_OFFICER,
        "Customer service",
        "Customer service officer",
        date(2022, 2, 7),
        STORY,
    ),
    (
        "jonas",
        "Jonas",
        "Berg",
        RoleCode.CUSTOMER_SERVICE_OFFICER,
        "Customer service",
        "Customer service officer",
        date(2023, 8, 21),
        None,
    ),
    (
        "taya",
        "Taya",
        "Williams",
        RoleCode.CUSTOMER_SERVICE_OFFICER,
        "Customer service",
        "Customer service officer",
        STORY,
        None,
    ),
    (
        "mary",
        "Mary",
        "Collins",
        RoleCode.CUSTOMER_SERVICE_OFFICER,
        "Customer service",
        "Customer service officer",
        STORY,
        None,
    ),
    (
        "grace",
        "Grace",
        "Whitfield",
        RoleCode.CUSTOMER_SERVICE_MANAGER,
        "Customer service",
        "Customer service manager",
        date(2017, 1, 16),
        None,
    ),
    (
        "alex",
        "Alex",
        "Moreau",
        RoleCode.ACCOUNT_MANAGER,
        "Account management",
        "Key account manager",
        date(2020, 9, 1),
        None,
    ),
    (
        "ravi",
        "Ravi",
        "Patel",
        RoleCode.RETURNS_WARRANTY_OFFICER,
        "Returns and warranty",
        "Returns and warranty officer",
        date(2022, 11, 7),
        None,
    ),
    (
        "sofia",
        "Sofia",
        "Lindqvist",
        RoleCode.ANALYST,
        "Marketing",
        "Marketing coordinator",
        date(2024, 4, 2),
        None,
    ),
    ("priya", "Priya", "Shah", RoleCode.AUDITOR, None, "Quality auditor", date(2025, 1, 13), None),
    (
        "omar",
        "Omar",
        "Haddad",
        RoleCode.ADMINISTRATOR,
        None,
        "Systems administrator",
        date(2018, 5, 28),
        None,
    ),
]

D = Decimal
# role: action -> (allowed, percent, cap, note)
# The complaints procedure's steps 6 and 7 as the seed has them: replacing the faulty product is
# within every staff member's authority (step 6 read with step 7's "additional", a setting the
# manager can change: ``REPLACEMENT_WITHIN_EVERYONES_AUTHORITY``); refunding the faulty product
# is the remedy the refunds policy says is due, so it is within the officer's authority up to
# what was paid; and on top of the remedy, goodwill of 10% of the product's value, at most $25.
LIMITS = {
    RoleCode.CUSTOMER_SERVICE_OFFICER: {
        A.REFUND: (
            True,
            D("100"),
            None,
            "Refunds policy: the refund due for a faulty product, up to what was paid for it.",
        ),
        A.GOODWILL: (
            True,
            D("10"),
            D("25"),
            "Complaints procedure step 7: an additional 10% of the faulty product's value, "
            "at most $25.",
        ),
        A.REPLACE: (
            False,
            None,
            None,
            "Complaints procedure step 6 read on its own: a replacement needs approval. While "
            "the step 6 reading above is on, replacing is within every staff member's authority.",
        ),
        A.COMPENSATE: (False, None, None, ""),
        A.CLOSE_COMPLAINT: (True, None, None, ""),
        A.REFER_OUTSIDE: (False, None, None, "Referral outside goes through the manager."),
    },
    RoleCode.RETURNS_WARRANTY_OFFICER: {
        A.REFUND: (True, D("100"), None, "Refunds policy: the refund due, up to what was paid."),
        A.GOODWILL: (False, None, None, ""),
        A.REPLACE: (True, None, None, ""),
        A.COMPENSATE: (False, None, None, ""),
        A.CLOSE_COMPLAINT: (False, None, None, ""),
        A.REFER_OUTSIDE: (False, None, None, ""),
    },
    RoleCode.ACCOUNT_MANAGER: {
        A.REFUND: (True, D("100"), None, ""),
        A.GOODWILL: (True, D("100"), D("1000"), "Goodwill for the accounts they own."),
        A.REPLACE: (True, None, None, ""),
        A.COMPENSATE: (True, None, D("500"), "Goodwill for the accounts they own."),
        A.CLOSE_COMPLAINT: (False, None, None, ""),
        A.REFER_OUTSIDE: (False, None, None, ""),
    },
    RoleCode.SUPERVISOR: {
        A.REFUND: (True, D("100"), None, ""),
        A.GOODWILL: (True, D("100"), D("500"), "Approves goodwill above an officer's limit."),
        A.REPLACE: (True, None, None, ""),
        A.COMPENSATE: (True, None, D("100"), ""),
        A.CLOSE_COMPLAINT: (True, None, None, ""),
        A.REFER_OUTSIDE: (False, None, None, ""),
    },
    RoleCode.CUSTOMER_SERVICE_MANAGER: {
        A.REFUND: (True, D("100"), None, ""),
        A.GOODWILL: (True, D("100"), D("5000"), "Complex complaints procedure."),
        A.REPLACE: (True, None, None, ""),
        A.COMPENSATE: (True, None, D("2000"), "Complex complaints procedure."),
        A.CLOSE_COMPLAINT: (True, None, None, ""),
        A.REFER_OUTSIDE: (True, None, None, "The manager refers to an ombudsman or dispute body."),
    },
}
# The demo's reading of complaints procedure step 6 (the manager changes it on Authority limits).
REPLACEMENT_WITHIN_EVERYONES_AUTHORITY = True
# Who stands in while John is on leave: the seed names nobody acting as supervisor, so the
# customer service manager, who outranks him, decides what would have waited for him.
STAND_IN = {"john": "grace"}


# The bank's customer service function, as the banking organisational chart draws it: the same
# functions, with technical and product support per banking product.
BANK_TEAMS = [
    ("Customer service", None, "Takes enquiries and complaints in branches, by phone and online."),
    ("Account management", None, "Relationship managers for business and community customers."),
    (
        "Technical and product support",
        None,
        "Specialists per product: savings, online banking, lending, investment and insurance.",
    ),
    ("Customer incentives and rewards", None, "Runs the loyalty programme and staff incentives."),
    ("After-sales service", None, "Service once an account is open: incidents and disputes."),
    ("Incident management", "After-sales service", "Fixes problems that need action."),
    (
        "Returns and warranty",
        "After-sales service",
        "Card disputes, chargebacks and fee reversals.",
    ),
    ("Marketing", None, "Customer research, surveys and feedback summaries."),
]
# Job titles that differ at the bank (the rest are shared).
BANK_TITLES = {
    "alex": "Business banking relationship manager",
    "ravi": "Card disputes officer",
    "sofia": "Customer insights analyst",
    "priya": "Internal auditor",
}
BANK_NOTES = {
    (RoleCode.CUSTOMER_SERVICE_OFFICER, A.REFUND): "Complaints procedure step 6: fees and "
    "charges refunded on the officer's own authority, 10% up to $25.",
    (RoleCode.CUSTOMER_SERVICE_MANAGER, A.REFER_OUTSIDE): "The manager handles complaints that "
    "go to the Australian Financial Complaints Authority.",
}
# The bank reuses Innovative Widgets' limits, with notes that point at its own procedures; an
# officer there refunds fees and charges up to 10%, at most $25, and (with no step 6 to read)
# replaces on their own limit.
BANK_LIMITS = {
    role: {
        action: (allowed, percent, cap, BANK_NOTES.get((role, action), ""))
        for action, (allowed, percent, cap, _note) in actions.items()
    }
    for role, actions in LIMITS.items()
}
_BANK_CSO = BANK_LIMITS[RoleCode.CUSTOMER_SERVICE_OFFICER]
_BANK_CSO[A.REFUND] = (True, D("10"), D("25"), _BANK_CSO[A.REFUND][3])
_BANK_CSO[A.REPLACE] = (True, None, None, "")
DOMAINS = {"widgets": "innovative-widgets.example", "bank": "southerncrossbank.example"}


def _password_for(ctx) -> str:
    return ctx.password or secrets.token_urlsafe(9)


def seed(ctx) -> None:
    bank = ctx.organisation == "bank"
    services.roles_sync()
    teams = {}
    for name, parent, purpose in BANK_TEAMS if bank else TEAMS:
        teams[name] = services.team_ensure(name=name, parent=teams.get(parent), purpose=purpose)

    new_logins = []
    story = demo_dates.current()
    for username, first, last, role, team, title, started, left in STAFF:
        started = story.started[username] if started == STORY else started
        left = story.left[username] if left == STORY else left
        user = User.objects.filter(username=username).first()
        if user is None:
            password = _password_for(ctx)
            if bank:
                title = BANK_TITLES.get(username, title)
            user = services.user_create(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{DOMAINS[ctx.organisation]}",
                password=password,
                team=teams.get(team),
                roles=[role],
                job_title=title,
                started_on=started,
            )
            if left:
                services.user_deactivate(user=user, left_on=left)
            new_logins.append((username, password, RoleCode(role).label, left))
        elif ctx.password and user.is_active and not user.check_password(ctx.password):
            # DEMO_PASSWORD asks for a known password, so scripts can sign in.
            user.set_password(ctx.password)
            user.save(update_fields=["password"])
    customer_service = teams["Customer service"]
    if customer_service.lead is None:
        customer_service.lead = User.objects.get(username="john")
        customer_service.save(update_fields=["lead"])

    authority_limits_seed(
        actor=User.objects.get(username="omar"),
        limits=BANK_LIMITS if bank else LIMITS,
        replacement_within_everyones_authority=None if bank else True,
    )
    _leave_seed(story)
    ctx.created["staff"] = {u.username: u for u in User.objects.all()}
    if new_logins:
        _print_logins(ctx, new_logins)


def logins_file(organisation: str):
    """Where a demo's logins are kept: the bank's beside Innovative Widgets', never over them
    (``make run ORG=bank`` prints this one)."""
    path = settings.CHARTER_DEMO_LOGINS_FILE
    if organisation == "widgets":
        return path
    return path.with_name(f"{path.stem}-{organisation}{path.suffix}")


def _print_logins(ctx, logins) -> None:
    name = ctx.created["organisation"].name if "organisation" in ctx.created else "the demo"
    lines = [f"Demo logins for {name} (username / password / role):"]
    for username, password, role, left in logins:
        note = "  (left in October: sign-in disabled)" if left else ""
        lines.append(f"  {username:<8} {password:<14} {role}{note}")
    text = "\n".join(lines)
    ctx.say(text)
    path = logins_file(ctx.organisation)
    path.write_text(text + "\n")
    path.chmod(0o600)


def _leave_seed(story) -> None:
    """The story's leave as records (``StoryDates.leave`` gives the dates): the demo's other
    data read who was away from these records, so there is one source for it."""
    manager = User.objects.filter(username="grace").first()
    for username, (first, last) in story.leave.items():
        user = User.objects.filter(username=username).first()
        if user is None or StaffAbsence.objects.filter(user=user).exists():
            continue
        services.absence_record(
            actor=manager,
            user=user,
            starts_on=first,
            ends_on=last,
            reason=AbsenceReason.ANNUAL_LEAVE,
            stand_in=User.objects.filter(username=STAND_IN.get(username, "grace")).first(),
        )


def authority_limits_seed(
    *,
    actor: User,
    limits: dict = LIMITS,
    replacement_within_everyones_authority: bool | None = REPLACEMENT_WITHIN_EVERYONES_AUTHORITY,
) -> None:
    """Give each role the demo's limits (Innovative Widgets' unless told) it does not have yet,
    and, the first time, the demo's reading of complaints procedure step 6 (None: leave the
    organisation's default)."""
    if replacement_within_everyones_authority is not None and not (
        AuthoritySettings.objects.exists()
    ):
        AuthoritySettings.objects.create(
            replacement_within_everyones_authority=replacement_within_everyones_authority
        )
    for code, actions in limits.items():
        role = Role.objects.get(code=code)
        existing = set(role.authority_limits.values_list("action", flat=True))
        for action, (allowed, percent, cap, note) in actions.items():
            if action in existing:
                continue
            services.authority_limit_set(
                actor=actor,
                role=role,
                action=action,
                allowed=allowed,
                percent_of_value=percent,
                max_amount=cap,
                note=note,
            )
