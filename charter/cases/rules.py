"""The complaint procedure as pure functions: which step may follow which, how a complaint is
routed, and where a deadline stands. No database: the services gather the facts and apply
the answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# Step codes, as ``models.CaseStatus`` (kept as strings so this module needs no models).
RECEIVED = "received"
INVESTIGATING = "investigating"
COMMITTED = "committed"
SOLUTION_DECIDED = "solution_decided"
NOTIFIED = "notified"
FOLLOWED_UP = "followed_up"
REFERRED = "referred"
CLOSED = "closed"

STEP_LABELS = {
    RECEIVED: "received and logged",
    INVESTIGATING: "investigating",
    COMMITTED: "committed to resolve",
    SOLUTION_DECIDED: "solution decided",
    NOTIFIED: "customer notified",
    FOLLOWED_UP: "followed up",
    REFERRED: "referred to an outside body",
    CLOSED: "closed",
}

# The seeds' steps: receive and log, investigate, declare we will resolve it, solve, notify,
# follow up, and send a customer still unhappy to an outside body. Investigating may be
# skipped when the facts are plain, committing when it is solved at once; a customer
# unhappy with the solution sends it back to investigating.
COMPLAINT_STEPS: dict[str, tuple[str, ...]] = {
    RECEIVED: (INVESTIGATING, COMMITTED, SOLUTION_DECIDED),
    INVESTIGATING: (COMMITTED, SOLUTION_DECIDED),
    COMMITTED: (INVESTIGATING, SOLUTION_DECIDED),
    SOLUTION_DECIDED: (NOTIFIED, INVESTIGATING),
    NOTIFIED: (FOLLOWED_UP, REFERRED, INVESTIGATING),
    FOLLOWED_UP: (CLOSED, REFERRED, INVESTIGATING),
    REFERRED: (CLOSED,),
    CLOSED: (),
}

# Enquiries, compliments and suggestions: looked into, answered, closed; closable at any time.
OTHER_STEPS: dict[str, tuple[str, ...]] = {
    RECEIVED: (INVESTIGATING, NOTIFIED, CLOSED),
    INVESTIGATING: (NOTIFIED, CLOSED),
    NOTIFIED: (FOLLOWED_UP, CLOSED),
    FOLLOWED_UP: (CLOSED,),
    CLOSED: (),
}


@dataclass(frozen=True)
class CaseFacts:
    """What the step rules look at, gathered by the service."""

    kind: str = "complaint"
    status: str = RECEIVED
    paused: bool = False
    complex: bool = False
    involves_injury: bool = False
    needs_manager: bool = False
    owner_is_manager: bool = False
    callback_agreed: bool = False
    has_resolution: bool = False
    resolution_waiting: bool = False
    system_action: bool = False
    customer_action: bool = False
    follow_up_set: bool = False
    referred_to: bool = False


def next_steps(kind: str, status: str) -> tuple[str, ...]:
    table = COMPLAINT_STEPS if kind == "complaint" else OTHER_STEPS
    return table.get(status, ())


def step_refusal(facts: CaseFacts, target: str) -> str | None:
    """Why the case may not move to ``target`` now, in words a person can act on; None when
    it may."""
    if target not in STEP_LABELS:
        return f"There is no step called {target!r}."
    if facts.status == CLOSED:
        return "The case is closed. Open a new case if the customer comes back about it."
    if target == facts.status:
        return f"The case is already {STEP_LABELS[target]}."
    allowed = next_steps(facts.kind, facts.status)
    if target not in allowed:
        options = ", ".join(STEP_LABELS[s] for s in allowed) or "nothing"
        return (
            f"A case that is {STEP_LABELS[facts.status]} cannot be {STEP_LABELS[target]} "
            f"next; it can be: {options}."
        )
    if facts.paused and target != INVESTIGATING:
        return "The case is waiting for the customer. Resume it first."
    if facts.kind != "complaint":
        return None
    if facts.needs_manager and not facts.owner_is_manager and target != INVESTIGATING:
        return (
            "The procedure sends this complaint to the customer service manager. Escalate it "
            "to the manager, who takes it from here."
        )
    if facts.involves_injury and not facts.callback_agreed and target != INVESTIGATING:
        return (
            "A complaint involving injury needs a time agreed for the customer service "
            "manager to call the customer. Record the call-back time first."
        )
    if target == SOLUTION_DECIDED:
        if not facts.has_resolution:
            return "Record what we will do for the customer (a resolution) before deciding."
        if facts.complex and not (facts.system_action and facts.customer_action):
            return (
                "The manager's procedure for a complex complaint decides the actions first: "
                "what changes at system level so it does not happen again, and what we do "
                "for this customer."
            )
    if target == NOTIFIED:
        if facts.resolution_waiting:
            return "A resolution is still waiting for approval: tell the customer once decided."
        if facts.complex and not facts.follow_up_set:
            return (
                "For a complex complaint, tell the customer when we will follow up: set the "
                "follow-up date first."
            )
    if target == REFERRED and not facts.referred_to:
        return "Say which outside body the customer is referred to (an ombudsman, the EDR scheme)."
    return None


# --- Who may work a case ----------------------------------------------------------------------


@dataclass(frozen=True)
class Hands:
    """Who holds a case and who wants to act on it, gathered by the service."""

    managers_case: bool  # the procedure sent it to the manager, or a manager owns it
    owner_name: str = ""  # empty when nobody holds it yet
    actor_is_owner: bool = False
    actor_rank: int = 0
    owner_rank: int = 0
    actor_manages_complex: bool = False


# What only the owner of a manager's case (or someone senior) may do, as one sentence for the
# case page; each service names its own part.
OWNERS_WORK = (
    "move it through its steps, pause or resume it, record what we do for the customer, plan "
    "it, change the call-back time agreed, or give it to someone else"
)


def handling_refusal(hands: Hands, doing: str) -> str | None:
    """Why the actor may not ``doing`` on this case, in a sentence; None when they may.

    A manager's case (a complex, injury, legal or "not covered" complaint the procedure sent to
    the customer service manager, or any case a manager owns) is its owner's: only the owner,
    or someone whose role ranks above the owner's, may step it, pause or resume it (its clock
    is the charter's), resolve it, plan it, move the call-back agreed, or reassign it. With
    nobody holding it yet, a customer service manager may. Anyone who works cases may still
    add notes and log contacts on it; the services do not ask this rule for those.

    Every other case is the team's, as it was: an officer may work a colleague's case and take
    it over (the seeds' officers share one queue and pick up each other's calls, and a late
    case escalated to the supervisor is still finished by whoever has it), and a supervisor
    shares out work by reassigning.
    """
    if not hands.managers_case or hands.actor_is_owner:
        return None
    if hands.owner_name:
        if hands.actor_rank > hands.owner_rank:
            return None
        who = hands.owner_name
        return (
            f"This complaint is {who}'s, with the customer service manager: only {who} or "
            f"someone senior may {doing}. You may still add a note or log a contact."
        )
    if hands.actor_manages_complex:
        return None
    return (
        "This complaint is for the customer service manager: only a customer service manager "
        f"may {doing}. You may still add a note or log a contact."
    )


# --- Routing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoutingFacts:
    severity: int = 2
    involves_injury: bool = False
    property_damage: bool = False
    not_covered: bool = False
    legal_threat: bool = False
    competitor_threat: bool = False
    significant_customer: bool = False
    marked_complex: bool = False


@dataclass(frozen=True)
class Routing:
    """What the procedure says to do with a complaint, and why (one line per rule that fired)."""

    severity: int
    to_manager: bool
    needs_callback: bool
    insurance_claim: bool
    notify_account_manager: bool
    complex: bool
    reasons: list[str] = field(default_factory=list)


HIGH, CRITICAL = 3, 4


def route(facts: RoutingFacts) -> Routing:
    """Apply the complaints procedure: officers' steps 8 to 10 and the manager's procedure."""
    reasons: list[str] = []
    severity = facts.severity
    to_manager = needs_callback = insurance = notify_am = False
    complex_ = facts.marked_complex
    if facts.involves_injury:
        to_manager = needs_callback = complex_ = True
        severity = max(severity, CRITICAL)
        reasons.append(
            "Involves injury: referred to the customer service manager, with a time agreed "
            "for the manager to call the customer."
        )
    if facts.property_damage:
        insurance = True
        reasons.append(
            "Damage to other property is covered by our insurance: help the customer complete "
            "the claims form and ask for quotes for repairs."
        )
    if facts.not_covered:
        to_manager = needs_callback = complex_ = True
        reasons.append(
            "Not covered by the officers' procedure: directed to the customer service manager, "
            "with a time agreed for the manager to call."
        )
    triggers = [
        (facts.legal_threat, "a threat of legal action"),
        (facts.competitor_threat, "a threat to leave for a competitor"),
        (facts.significant_customer, "a significant customer"),
    ]
    fired = [words for present, words in triggers if present]
    if fired:
        notify_am = True
        severity = max(severity, CRITICAL if len(fired) > 1 else HIGH)
        reasons.append(f"{_sentence(fired)}: severity raised and the account manager told.")
    if facts.legal_threat:
        to_manager = complex_ = True
        reasons.append("A threat of legal action is a complex complaint for the manager.")
    if complex_ and not to_manager:
        to_manager = True
        reasons.append("Marked complex: the manager's procedure applies.")
    return Routing(
        severity=severity,
        to_manager=to_manager,
        needs_callback=needs_callback,
        insurance_claim=insurance,
        notify_account_manager=notify_am,
        complex=complex_,
        reasons=reasons,
    )


def callback_to_keep(
    *,
    needs_callback: bool,
    callback_at: datetime | None,
    acknowledge_due: datetime | None,
    acknowledged: bool,
) -> tuple[str, datetime | None]:
    """What the manager a case was routed to must keep, as words and a time: the call-back
    agreed; else, for a complaint that needs one (injury, not covered), the time by which it
    must be agreed (the charter's promise to acknowledge the complaint); ("", None) when the
    complaint needs no call-back."""
    if callback_at is not None:
        return "Call-back agreed for", callback_at
    if not needs_callback:
        return "", None
    if acknowledge_due is not None and not acknowledged:
        return "No call-back agreed yet: agree one with the customer by", acknowledge_due
    return "No call-back agreed yet: agree one with the customer", None


def _sentence(parts: list[str]) -> str:
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return text[0].upper() + text[1:]


# --- Deadlines --------------------------------------------------------------------------------

MET, ON_TRACK, WARNING, BREACHED, MET_LATE, NONE = (
    "met",
    "on_track",
    "warning",
    "breached",
    "met_late",
    "none",
)


def deadline_state(
    due: datetime | None, done: datetime | None, now: datetime, warn_before: timedelta
) -> str:
    """Where a deadline stands: met (done on or before due), met late, breached (not done
    and past due), warning (not done and within ``warn_before`` of due), or on track. Due
    exactly now is not yet breached."""
    if due is None:
        return NONE
    if done is not None:
        return MET if done <= due else MET_LATE
    if now > due:
        return BREACHED
    if now >= due - warn_before:
        return WARNING
    return ON_TRACK


PAUSED = "paused"  # the resolution clock is stopped while we wait for the customer

# The words a deadline's state is shown in, on the case page and in the queue alike.
STATE_WORDS = {
    MET: "Met",
    MET_LATE: "Met late",
    BREACHED: "Missed",
    WARNING: "Due soon",
    ON_TRACK: "On track",
    PAUSED: "Paused: waiting for the customer",
    NONE: "No promise",
}
# Worst first when a case has several deadlines: a promise missed and still not kept, one
# about to be missed, one kept late; then the rest.
_BADNESS = {BREACHED: 5, WARNING: 4, MET_LATE: 3, ON_TRACK: 2, PAUSED: 2, MET: 1, NONE: 0}


@dataclass(frozen=True)
class DeadlineState:
    key: str  # "acknowledge", "resolve" or "follow_up"
    label: str
    due: datetime | None
    state: str

    @property
    def words(self) -> str:
        return STATE_WORDS[self.state]


DEADLINE_LABELS = {
    "acknowledge": "Acknowledge",
    "resolve": "Resolve or give a final response",
    "follow_up": "Follow up",
}


def case_deadlines(
    *,
    acknowledge: tuple[datetime | None, datetime | None],
    resolve: tuple[datetime | None, datetime | None],
    follow_up: tuple[datetime | None, datetime | None] = (None, None),
    paused: bool,
    now: datetime,
    warn_before: timedelta,
) -> list[DeadlineState]:
    """Each of a case's deadlines (due, done) and where it stands, in the procedure's order.
    A follow-up is listed once it has a due time. While the case waits for the customer its
    resolution clock is stopped: not missed, not due soon, unless already met."""
    found = []
    for key, (due, done) in (
        ("acknowledge", acknowledge),
        ("resolve", resolve),
        ("follow_up", follow_up),
    ):
        if key == "follow_up" and due is None:
            continue
        state = deadline_state(due, done, now, warn_before)
        if key == "resolve" and paused and state not in (MET, MET_LATE):
            state = PAUSED
        found.append(DeadlineState(key, DEADLINE_LABELS[key], due, state))
    return found


def worst_deadline(states: list[DeadlineState], prefer: str = "resolve") -> DeadlineState | None:
    """The deadline that stands worst; among equals, ``prefer`` (the queue's column), then
    the first."""
    if not states:
        return None
    return max(
        states,
        key=lambda s: (_BADNESS[s.state], s.key == prefer, -states.index(s)),
    )


# --- Email threading --------------------------------------------------------------------------

REFERENCE_PATTERN = re.compile(r"\[?\b(CASE-\d{1,12})\b\]?", re.IGNORECASE)


def reference_in_subject(subject: str) -> str | None:
    """A case reference written in a subject line, e.g. "Re: [CASE-42] Late order"."""
    found = REFERENCE_PATTERN.search(subject or "")
    return found.group(1).upper() if found else None


def thread_ids(in_reply_to: str, references: str) -> list[str]:
    """The Message-IDs a reply points back to, nearest first: In-Reply-To, then References
    from the last (the parent) back to the first (the thread's start)."""
    found = re.findall(r"<[^<>\s]+>", in_reply_to or "")
    found += reversed(re.findall(r"<[^<>\s]+>", references or ""))
    seen: list[str] = []
    for one in found:
        if one not in seen:
            seen.append(one)
    return seen


COMPLAINT_WORDS = re.compile(
    r"\b(complain\w*|unacceptable|disappointed|refund|faulty|broken|damaged|late|wrong|"
    r"legal action|lawyer|ombudsman)\b",
    re.IGNORECASE,
)


def kind_from_text(subject: str, body: str) -> str:
    """An email's first guess of kind: a complaint when it says so or names a failure, an
    enquiry otherwise. The officer can change it; a complaint's clock is the stricter one."""
    return "complaint" if COMPLAINT_WORDS.search(f"{subject}\n{body[:5000]}") else "enquiry"


# --- Reply templates ---------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# What reply wording may ask for, and what fills it (from the case, customer, order and
# promise). The staff's own case subject is deliberately not among them: it is an internal
# summary ("threatens lawyer") the customer must never read.
PLACEHOLDERS = {
    "customer_name": "the person the reply greets: an organisation's contact, a person's name, "
    "or “customer”",
    "case_reference": "the case's reference",
    "officer_name": "the officer sending it",
    "acknowledge_due": "when we promised to acknowledge",
    "resolve_due": "when we promised to resolve",
    "promise": "the charter's promise for resolving it",
    "order_reference": "the order the case is about",
    "remedy": "what we did to put it right",
    "follow_up_date": "when we will check back",
    "external_body": "the outside body a customer may take the complaint to",
    "organisation": "our organisation's name",
}


def unknown_placeholders(text: str) -> list[str]:
    """Placeholders in wording that nothing fills (a typo would reach the customer)."""
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


PLACEHOLDER_LEFT = re.compile(r"\[([a-z_]+)\]")  # what ``fill`` could not fill


def fill(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """Fill ``{placeholders}``; returns the text and the placeholders it had no value for
    (left visible as [placeholder] so that a person fills them in before sending)."""
    missing: list[str] = []

    def one(match: re.Match) -> str:
        key = match.group(1)
        value = values.get(key)
        if value in (None, ""):
            if key not in missing:
                missing.append(key)
            return f"[{key}]"
        return str(value)

    return PLACEHOLDER.sub(one, text), missing


# --- Who a reply greets and goes to ------------------------------------------------------------

GREETING_FALLBACK = "customer"  # "Dear customer" when nobody is known by name


@dataclass(frozen=True)
class Person:
    name: str
    email: str = ""
    primary: bool = False


def addressee(
    *,
    customer: Person | None,
    organisation: bool = False,
    contacts: tuple[Person, ...] = (),
    raised_by: str = "",
    public: Person | None = None,
) -> Person:
    """Who a reply to the customer greets, and the address it goes to.

    An organisation is written to through a person: the contact who raised the case (whose
    address ``raised_by`` is), else its primary contact, else its only contact; a person
    customer by their own name; someone who is not a customer by the name they left. The
    email goes to the person greeted when they have an address, else to the customer's.
    Nobody known by name is greeted as "customer"."""
    if customer is None:
        person = public or Person("")
        return Person(person.name.strip() or GREETING_FALLBACK, person.email)
    if not organisation:
        return Person(customer.name.strip() or GREETING_FALLBACK, customer.email)
    wanted = raised_by.strip().casefold()
    chosen = next((c for c in contacts if wanted and c.email.casefold() == wanted), None)
    chosen = chosen or next((c for c in contacts if c.primary), None)
    if chosen is None and len(contacts) == 1:
        chosen = contacts[0]
    if chosen is None or not chosen.name.strip():
        return Person(GREETING_FALLBACK, customer.email)
    return Person(chosen.name.strip(), chosen.email or customer.email)
