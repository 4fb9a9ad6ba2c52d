"""The complaint procedure's pure rules: every step allowed and refused, routing as the
Innovative Widgets complaints procedure words it, deadlines at their boundaries, threading."""

from datetime import datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest

from charter.cases import rules
from charter.cases.rules import CaseFacts, RoutingFacts

MEL = ZoneInfo("Australia/Melbourne")
STEPS = list(rules.STEP_LABELS)

# The procedure written out by hand (seeds: receive and log, investigate, declare, solve,
# notify, follow up; an unhappy customer goes back to investigating or to an outside body).
ALLOWED = {
    ("received", "investigating"),
    ("received", "committed"),
    ("received", "solution_decided"),
    ("investigating", "committed"),
    ("investigating", "solution_decided"),
    ("committed", "investigating"),
    ("committed", "solution_decided"),
    ("solution_decided", "notified"),
    ("solution_decided", "investigating"),
    ("notified", "followed_up"),
    ("notified", "referred"),
    ("notified", "investigating"),
    ("followed_up", "closed"),
    ("followed_up", "referred"),
    ("followed_up", "investigating"),
    ("referred", "closed"),
}

# Facts under which every step's own conditions hold, so only the order is tested.
READY = dict(has_resolution=True, referred_to=True, callback_agreed=True)


@pytest.mark.parametrize("current, target", list(product(STEPS, STEPS)))
def test_every_complaint_step_is_allowed_or_refused_with_a_reason(current, target):
    refusal = rules.step_refusal(CaseFacts(status=current, **READY), target)
    if (current, target) in ALLOWED:
        assert refusal is None
    else:
        assert refusal and len(refusal) > 20  # a sentence a person can act on


def test_a_refusal_names_the_steps_that_may_come_next():
    refusal = rules.step_refusal(CaseFacts(status="received"), "closed")
    assert "received and logged cannot be closed" in refusal
    assert "investigating, committed to resolve, solution decided" in refusal


def test_a_closed_case_moves_nowhere():
    assert "closed" in rules.step_refusal(CaseFacts(status="closed"), "investigating")


@pytest.mark.parametrize("kind", ["enquiry", "compliment", "suggestion"])
def test_other_cases_may_be_answered_and_closed_at_any_time(kind):
    for status in ("received", "investigating", "notified", "followed_up"):
        assert rules.step_refusal(CaseFacts(kind=kind, status=status), "closed") is None
    assert rules.step_refusal(CaseFacts(kind=kind, status="received"), "notified") is None
    assert rules.step_refusal(CaseFacts(kind=kind, status="received"), "committed")


def test_a_solution_needs_a_resolution_recorded():
    refusal = rules.step_refusal(CaseFacts(status="investigating"), "solution_decided")
    assert "resolution" in refusal
    facts = CaseFacts(status="investigating", has_resolution=True)
    assert rules.step_refusal(facts, "solution_decided") is None


def test_a_complex_complaint_follows_the_managers_procedure():
    base = dict(status="investigating", complex=True, has_resolution=True)
    refusal = rules.step_refusal(CaseFacts(**base), "solution_decided")
    assert "system level" in refusal
    planned = CaseFacts(**base, system_action=True, customer_action=True)
    assert rules.step_refusal(planned, "solution_decided") is None
    decided = CaseFacts(
        **{**base, "status": "solution_decided"}, system_action=True, customer_action=True
    )
    assert "follow-up date" in rules.step_refusal(decided, "notified")
    assert (
        rules.step_refusal(CaseFacts(**{**decided.__dict__, "follow_up_set": True}), "notified")
        is None
    )


def test_a_complaint_for_the_manager_waits_for_the_manager():
    facts = CaseFacts(status="received", needs_manager=True)
    assert "customer service manager" in rules.step_refusal(facts, "committed")
    # Anyone may still look into it while it waits.
    assert rules.step_refusal(facts, "investigating") is None
    assert (
        rules.step_refusal(
            CaseFacts(status="received", needs_manager=True, owner_is_manager=True), "committed"
        )
        is None
    )


def test_injury_needs_a_call_back_time_before_committing():
    facts = CaseFacts(
        status="received", involves_injury=True, needs_manager=True, owner_is_manager=True
    )
    assert "call" in rules.step_refusal(facts, "committed")
    agreed = CaseFacts(**{**facts.__dict__, "callback_agreed": True})
    assert rules.step_refusal(agreed, "committed") is None


def test_waiting_for_the_customer_and_waiting_for_approval_hold_the_case():
    assert "Resume" in rules.step_refusal(
        CaseFacts(status="investigating", paused=True, has_resolution=True), "solution_decided"
    )
    assert "approval" in rules.step_refusal(
        CaseFacts(status="solution_decided", has_resolution=True, resolution_waiting=True),
        "notified",
    )


def test_referral_names_the_outside_body():
    assert "outside body" in rules.step_refusal(CaseFacts(status="followed_up"), "referred")


# --- Routing, as the complaints procedure says ------------------------------------------------


def test_an_ordinary_complaint_stays_with_the_officer():
    routing = rules.route(RoutingFacts())
    assert not routing.to_manager and not routing.complex and routing.severity == 2
    assert routing.reasons == []


def test_injury_goes_to_the_manager_with_a_call_back():
    routing = rules.route(RoutingFacts(involves_injury=True))
    assert routing.to_manager and routing.needs_callback and routing.complex
    assert routing.severity == 4
    assert "injury" in routing.reasons[0]


def test_damage_to_other_property_starts_an_insurance_claim_and_stays_with_the_officer():
    routing = rules.route(RoutingFacts(property_damage=True))
    assert routing.insurance_claim and not routing.to_manager
    assert "claims form" in routing.reasons[0]


def test_what_the_procedure_does_not_cover_goes_to_the_manager():
    routing = rules.route(RoutingFacts(not_covered=True))
    assert routing.to_manager and routing.needs_callback


@pytest.mark.parametrize(
    "facts, severity, to_manager",
    [
        (RoutingFacts(competitor_threat=True), 3, False),
        (RoutingFacts(significant_customer=True), 3, False),
        (RoutingFacts(legal_threat=True), 3, True),
        (RoutingFacts(legal_threat=True, competitor_threat=True), 4, True),
        (RoutingFacts(competitor_threat=True, significant_customer=True), 4, False),
        (RoutingFacts(severity=4, competitor_threat=True), 4, False),  # never lowered
    ],
)
def test_threats_and_significant_customers_raise_severity_and_tell_the_account_manager(
    facts, severity, to_manager
):
    routing = rules.route(facts)
    assert routing.severity == severity
    assert routing.notify_account_manager
    assert routing.to_manager is to_manager


def test_the_yore_mine_complaint_is_critical_complex_and_the_managers():
    routing = rules.route(
        RoutingFacts(legal_threat=True, competitor_threat=True, significant_customer=True)
    )
    assert routing.severity == 4 and routing.complex and routing.to_manager
    assert (
        "A threat of legal action, a threat to leave for a competitor and a significant "
        "customer" in routing.reasons[0]
    )


# --- Deadlines at their boundaries ------------------------------------------------------------

DUE = datetime(2026, 11, 24, 17, 0, tzinfo=MEL)
WARN = timedelta(hours=4)


@pytest.mark.parametrize(
    "done, now, state",
    [
        (None, DUE - timedelta(hours=5), "on_track"),
        (None, DUE - WARN - timedelta(seconds=1), "on_track"),
        (None, DUE - WARN, "warning"),
        (None, DUE, "warning"),  # due exactly now: not yet missed
        (None, DUE + timedelta(seconds=1), "breached"),
        (DUE, DUE + timedelta(days=3), "met"),
        (DUE + timedelta(seconds=1), DUE + timedelta(days=3), "met_late"),
    ],
)
def test_deadline_state(done, now, state):
    assert rules.deadline_state(DUE, done, now, WARN) == state


def test_no_promise_no_deadline():
    assert rules.deadline_state(None, None, DUE, WARN) == "none"


# --- Email threading and templates ------------------------------------------------------------


@pytest.mark.parametrize(
    "subject, reference",
    [
        ("Re: [CASE-42] Late order", "CASE-42"),
        ("RE: case-7 still waiting", "CASE-7"),
        ("Fwd: Re: Re: [CASE-100200]", "CASE-100200"),
        ("Order ORD-0000042 is late", None),
        ("SHOWCASE-4 launch", None),
        ("", None),
    ],
)
def test_a_case_reference_in_the_subject(subject, reference):
    assert rules.reference_in_subject(subject) == reference


def test_thread_ids_nearest_first():
    assert rules.thread_ids("<c@x>", "<a@x> <b@x>\r\n <c@x>") == ["<c@x>", "<b@x>", "<a@x>"]
    assert rules.thread_ids("", "<a@x> <b@x>") == ["<b@x>", "<a@x>"]
    assert rules.thread_ids("not an id", "") == []


def test_fill_leaves_what_it_cannot_fill_visible():
    text, missing = rules.fill(
        "Dear {customer_name}, about {case_reference} due {due_date}.",
        {"customer_name": "Yore Mine Co.", "case_reference": "CASE-1", "due_date": ""},
    )
    assert text == "Dear Yore Mine Co., about CASE-1 due [due_date]."
    assert missing == ["due_date"]


# --- Who a reply greets and goes to --------------------------------------------------------------
P = rules.Person
YORE = P("Yore Mine Co.", "orders@yoremine.example")
DAN = P("Dan Pryor", "dan.pryor@yoremine.example", primary=True)
LEO = P("Leo Marsh", "leo.marsh@yoremine.example")


@pytest.mark.parametrize(
    ("contacts", "raised_by", "expected"),
    [
        # The primary contact, whatever order the contacts come in.
        ((LEO, DAN), "", P("Dan Pryor", "dan.pryor@yoremine.example")),
        # The contact who raised the case, by address in any case.
        ((DAN, LEO), "Leo.Marsh@YoreMine.example", P("Leo Marsh", "leo.marsh@yoremine.example")),
        # Raised from an address no contact has: the primary contact.
        ((DAN, LEO), "orders@yoremine.example", P("Dan Pryor", "dan.pryor@yoremine.example")),
        # No primary, but only one contact: that person.
        ((LEO,), "", P("Leo Marsh", "leo.marsh@yoremine.example")),
        # A contact with no address is greeted; the email goes to the organisation's.
        ((P("Dan Pryor", "", primary=True),), "", P("Dan Pryor", "orders@yoremine.example")),
        # Several contacts and none primary, or none at all: nobody to name.
        ((LEO, P("Ann Lee", "ann@yoremine.example")), "", P("customer", "orders@yoremine.example")),
        ((), "", P("customer", "orders@yoremine.example")),
    ],
)
def test_an_organisation_is_written_to_through_a_person(contacts, raised_by, expected):
    found = rules.addressee(
        customer=YORE, organisation=True, contacts=contacts, raised_by=raised_by
    )
    assert found == expected


def test_a_person_is_greeted_by_name_and_nobody_known_as_customer():
    jane = P("Jane Citizen", "jane@example.net")
    assert rules.addressee(customer=jane) == P("Jane Citizen", "jane@example.net")
    erased = P("", "")
    assert rules.addressee(customer=erased) == P("customer", "")
    assert rules.addressee(customer=None, public=P("Pat", "pat@example.net")) == P(
        "Pat", "pat@example.net"
    )
    assert rules.addressee(customer=None, public=P(" ", "x@example.net")).name == "customer"
    assert rules.addressee(customer=None) == P("customer", "")


def test_the_staffs_case_subject_is_no_placeholder():
    assert rules.unknown_placeholders("About {subject} for {customer_name}") == ["subject"]


# --- Who may work a case ----------------------------------------------------------------------

OFFICER, SUPERVISOR_RANK, MANAGER = 10, 30, 40


def _hands(**fields):
    fields.setdefault("managers_case", True)
    fields.setdefault("owner_name", "Grace")
    fields.setdefault("owner_rank", MANAGER)
    return rules.Hands(**fields)


@pytest.mark.parametrize(
    "hands, may",
    [
        # The manager's own case: hers, and anyone's above her.
        (_hands(actor_is_owner=True, actor_rank=MANAGER), True),
        (_hands(actor_rank=OFFICER), False),
        (_hands(actor_rank=SUPERVISOR_RANK), False),
        (_hands(actor_rank=MANAGER), False),  # another manager is not senior to her
        (_hands(actor_rank=MANAGER + 1), True),
        # Sent to the manager, nobody holds it yet: a manager may take it up.
        (_hands(owner_name="", owner_rank=0, actor_rank=OFFICER), False),
        (_hands(owner_name="", owner_rank=0, actor_rank=MANAGER, actor_manages_complex=True), True),
        # Any other case is the team's, whoever owns it (today's behaviour kept).
        (rules.Hands(managers_case=False, owner_name="Mia", actor_rank=OFFICER), True),
    ],
)
def test_a_managers_case_is_its_owners(hands, may):
    refusal = rules.handling_refusal(hands, "pause it")
    assert (refusal is None) is may
    if refusal:
        assert "pause it" in refusal and "add a note or log a contact" in refusal


def test_the_refusal_names_the_owner():
    refusal = rules.handling_refusal(_hands(actor_rank=OFFICER), "move it through its steps")
    assert refusal == (
        "This complaint is Grace's, with the customer service manager: only Grace or someone "
        "senior may move it through its steps. You may still add a note or log a contact."
    )


# --- A case's deadlines, the worst first ------------------------------------------------------

ACK = DUE - timedelta(days=9)


def _states(now, *, ack_done=None, resolved=None, paused=False, follow_up=(None, None)):
    return rules.case_deadlines(
        acknowledge=(ACK, ack_done),
        resolve=(DUE, resolved),
        follow_up=follow_up,
        paused=paused,
        now=now,
        warn_before=WARN,
    )


def test_each_deadline_in_the_case_pages_words():
    states = _states(ACK + timedelta(hours=1))
    assert [(s.label, s.words) for s in states] == [
        ("Acknowledge", "Missed"),
        ("Resolve or give a final response", "On track"),
    ]


@pytest.mark.parametrize(
    "kwargs, now, key, words",
    [
        # The acknowledgement was missed: the queue says so, not "On track".
        ({}, ACK + timedelta(hours=1), "acknowledge", "Missed"),
        # Acknowledged late, resolution comfortably ahead: the late promise shows.
        (
            {"ack_done": ACK + timedelta(hours=2)},
            ACK + timedelta(hours=3),
            "acknowledge",
            "Met late",
        ),
        # Resolution due soon outranks an acknowledgement kept late.
        ({"ack_done": ACK + timedelta(hours=2)}, DUE - timedelta(hours=1), "resolve", "Due soon"),
        # Both missed: the resolution (the queue's column) is named.
        ({}, DUE + timedelta(hours=1), "resolve", "Missed"),
        # All kept or on track: the resolution's state.
        ({"ack_done": ACK}, ACK + timedelta(hours=1), "resolve", "On track"),
        # Waiting for the customer stops the resolution clock, not the missed acknowledgement.
        (
            {"paused": True, "ack_done": ACK},
            DUE + timedelta(days=1),
            "resolve",
            "Paused: waiting for the customer",
        ),
        ({"paused": True}, DUE + timedelta(days=1), "acknowledge", "Missed"),
        # A follow-up promised and missed after the answer.
        (
            {
                "ack_done": ACK,
                "resolved": DUE - timedelta(days=1),
                "follow_up": (DUE + timedelta(days=6), None),
            },
            DUE + timedelta(days=7),
            "follow_up",
            "Missed",
        ),
    ],
)
def test_the_worst_deadline(kwargs, now, key, words):
    worst = rules.worst_deadline(_states(now, **kwargs))
    assert (worst.key, worst.words) == (key, words)


def test_an_enquiry_without_an_acknowledgement_promise_shows_its_reply_deadline():
    states = rules.case_deadlines(
        acknowledge=(None, None), resolve=(DUE, None), paused=False, now=ACK, warn_before=WARN
    )
    worst = rules.worst_deadline(states)
    assert (worst.key, worst.words) == ("resolve", "On track")


# --- The call-back the manager must keep -------------------------------------------------------


def test_the_callback_to_keep():
    at = DUE + timedelta(days=1)
    assert rules.callback_to_keep(
        needs_callback=True, callback_at=at, acknowledge_due=ACK, acknowledged=False
    ) == ("Call-back agreed for", at)
    assert rules.callback_to_keep(
        needs_callback=True, callback_at=None, acknowledge_due=ACK, acknowledged=False
    ) == ("No call-back agreed yet: agree one with the customer by", ACK)
    assert rules.callback_to_keep(
        needs_callback=True, callback_at=None, acknowledge_due=ACK, acknowledged=True
    ) == ("No call-back agreed yet: agree one with the customer", None)
    assert rules.callback_to_keep(
        needs_callback=False, callback_at=None, acknowledge_due=ACK, acknowledged=False
    ) == ("", None)
