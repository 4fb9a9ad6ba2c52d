"""Inbound email filed onto cases, or opening them."""

from __future__ import annotations

from uuid import uuid4

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from charter.core.tasks import enqueue_on_commit
from charter.customers.models import Channel
from charter.standards.models import PromiseEvent
from charter.standards.selectors import NoPromise, PromiseBook

from .. import rules
from ..models import (
    Attachment,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseKind,
    CaseStatus,
    ComplainantType,
    Contact,
    Direction,
    Email,
    MailStatus,
)
from .common import case_settings
from .procedure import _locked, _resume
from .routing import _route


def _customers_by_address(addresses: set[str]) -> dict:
    """The customers email addresses belong to (theirs, or one of their contacts'), by the
    lower-case address indexes: two queries for any number of addresses."""
    from django.db.models.functions import Lower

    from charter.customers.models import Contact as CustomerContact
    from charter.customers.models import Customer

    found: dict = {}
    if not addresses:
        return found
    people = (
        CustomerContact.objects.annotate(address=Lower("email"))
        .filter(address__in=addresses)
        .select_related("customer")
    )
    for person in people:
        found.setdefault(person.address, person.customer)
    own = Customer.objects.annotate(address=Lower("email")).filter(
        address__in=addresses, erased_at__isnull=True
    )
    for customer in own:
        found[customer.address] = customer  # the customer's own address first
    return found


def _read(raw: bytes):
    """A message parsed, or the reason it cannot be filed."""
    from .. import mail

    try:
        return mail.parse(raw)
    except mail.Unreadable as problem:
        return problem.reason
    except Exception as error:  # the parser itself failed: keep the message, say why
        return f"The message could not be parsed ({error.__class__.__name__}: {error})."


@transaction.atomic
def email_receive(*, raw: bytes, source: str = "") -> Email:
    """File one inbound email (see ``emails_receive``)."""
    return emails_receive([(source, raw)])[0]


@transaction.atomic
def emails_receive(messages: list[tuple[str, bytes]]) -> list[Email]:
    """File inbound emails, in order: each becomes a contact on the case it belongs to (by
    Message-ID in In-Reply-To and References, nearest first, then by a case reference in the
    subject), or opens a case (a complaint when it reads like one) for the customer whose
    address it is, or for a member of the public. Attachments are kept. A message that cannot
    be read is kept aside with the reason and its raw bytes, never dropped; a message already
    filed (by its Message-ID) is not filed again.

    Written in bulk: the reads are a fixed number of queries for the whole list, and cases,
    contacts, stories and emails are inserted together. Each Email row and the case's story
    record what intake did (bulk inserts are not in the audit trail, as with imports)."""
    now = timezone.now()
    read = [(source, raw, _read(raw)) for source, raw in messages]
    good = [p for _, _, p in read if not isinstance(p, str)]
    ids = {p.message_id for p in good if p.message_id}
    earlier = {
        e.message_id: e
        for e in Email.objects.filter(message_id__in=ids, direction=Direction.INBOUND)
    }
    pointers = {one for p in good for one in rules.thread_ids(p.in_reply_to, p.references)}
    known = dict(
        Email.objects.filter(message_id__in=pointers, case__isnull=False).values_list(
            "message_id", "case_id"
        )
    )
    named = {r for p in good if (r := rules.reference_in_subject(p.subject))}
    by_reference = dict(Case.objects.filter(reference__in=named).values_list("reference", "pk"))
    cases = Case.objects.select_related("customer").in_bulk(
        set(known.values()) | set(by_reference.values())
    )
    by_address = _customers_by_address({p.from_address.lower() for p in good})
    book = PromiseBook(
        [
            PromiseEvent.COMPLAINT_ACKNOWLEDGE,
            PromiseEvent.COMPLAINT_RESOLVE,
            PromiseEvent.ENQUIRY_REPLY,
        ],
        customers=by_address.values(),
    )
    threshold = case_settings().significant_annual_value

    # Decide each message's case: an existing one, or a new one (an index into ``new``).
    new: list[Case] = []
    notes: list[list[str]] = []
    targets: dict[int, tuple] = {}
    thread: dict[str, tuple] = {}  # Message-ID in this list -> its target
    first_of: dict[str, int] = {}  # Message-ID -> the slot that files it
    for slot, (_, _, p) in enumerate(read):
        if isinstance(p, str) or (p.message_id and p.message_id in earlier):
            continue
        if p.message_id and p.message_id in first_of:
            continue
        target = None
        for one in rules.thread_ids(p.in_reply_to, p.references):
            if one in thread:
                target = thread[one]
                break
            if one in known and known[one] in cases:
                target = ("old", cases[known[one]])
                break
        reference = rules.reference_in_subject(p.subject)
        if target is None and reference in by_reference:
            target = ("old", cases[by_reference[reference]])
        previous = ""
        if target and target[0] == "old" and not target[1].is_open:
            previous, target = target[1].reference, None
        if target is None:
            customer = by_address.get(p.from_address.lower())
            case, case_notes = _case_from_email(p, customer, book, threshold, now, previous)
            target = ("new", len(new))
            new.append(case)
            notes.append(case_notes)
        targets[slot] = target
        if p.message_id:
            first_of[p.message_id] = slot
            thread[p.message_id] = target

    # Write: new cases, their references and stories; contacts; emails; attachments.
    Case.objects.bulk_create(new)
    if new:
        Case.objects.filter(pk__in=[c.pk for c in new]).update(
            reference=Concat(Value("CASE-"), Cast("pk", output_field=CharField()))
        )
    events = []
    for case, case_notes in zip(new, notes, strict=True):
        case.reference = f"CASE-{case.pk}"
        events.append(
            CaseEvent(
                case=case,
                kind=CaseEventKind.OPENED,
                at=case.opened_at,
                to_status=CaseStatus.RECEIVED,
                text=f"{case.get_kind_display()} received by email and logged.",
            )
        )
        events += [
            CaseEvent(case=case, kind=CaseEventKind.NOTE, at=case.opened_at, text=note)
            for note in case_notes
        ]
        events += [
            CaseEvent(case=case, kind=CaseEventKind.ROUTED, at=case.opened_at, text=line)
            for line in case.routing
        ]
    CaseEvent.objects.bulk_create(events)

    def case_of(slot):
        kind, value = targets[slot]
        return new[value] if kind == "new" else value

    contacts = {}
    for slot, (_, _, p) in enumerate(read):
        if slot not in targets:
            continue
        case = case_of(slot)
        contacts[slot] = Contact(
            case=case,
            customer=case.customer,
            channel=Channel.EMAIL,
            direction=Direction.INBOUND,
            at=p.sent_at or now,
            created_at=now,
            summary=f"{p.subject or '(no subject)'}\n\n{p.body}".strip()[:20_000],
            public_name="" if case.customer_id else p.from_name,
            public_email="" if case.customer_id else p.from_address[:254],
        )
    Contact.objects.bulk_create(contacts.values())
    emails: dict[int, Email] = {}
    for slot, (source, raw, p) in enumerate(read):
        if isinstance(p, str):
            emails[slot] = Email(
                direction=Direction.INBOUND,
                status=MailStatus.QUARANTINED,
                problem=p,
                raw=raw,
                source=source[:300],
                received_at=now,
            )
        elif slot in targets:
            emails[slot] = Email(
                direction=Direction.INBOUND,
                status=MailStatus.ACCEPTED,
                problem="; ".join(p.problems),
                message_id=p.message_id,
                in_reply_to=p.in_reply_to,
                references=p.references,
                from_address=p.from_address,
                from_name=p.from_name,
                to=p.to,
                subject=p.subject,
                body=p.body,
                sent_at=p.sent_at,
                received_at=now,
                raw=raw,
                source=source[:300],
                case=case_of(slot),
                contact=contacts[slot],
            )
    Email.objects.bulk_create(emails.values())
    Attachment.objects.bulk_create(
        Attachment(
            email=emails[slot],
            filename=a.filename,
            content_type=a.content_type[:120],
            size=len(a.content),
            content=a.content,
        )
        for slot, (_, _, p) in enumerate(read)
        if slot in targets
        for a in p.attachments
    )

    # What follows from filing: a paused case restarts, new cases are acknowledged, and the
    # account managers of significant customers are told.
    replied = {id(c): c for s, c in ((s, case_of(s)) for s in targets) if c.paused_at}
    for case in replied.values():
        _resume(_locked(case), actor=None, at=now, why="The customer replied by email")
    if new:
        enqueue_on_commit("charter.cases.tasks.send_acknowledgements", [c.pk for c in new])
        for case in new:
            if case.routing and case.customer_id and case.customer.account_manager_id:
                enqueue_on_commit("charter.cases.tasks.tell_account_manager", case.pk)

    results: list[Email] = []
    for slot, (_, _, p) in enumerate(read):
        if slot in emails:
            results.append(emails[slot])
        elif p.message_id in earlier:
            results.append(earlier[p.message_id])
        else:
            results.append(emails[first_of[p.message_id]])
    return results


def _case_from_email(parsed, customer, book, threshold, now, previous: str):
    """A new case for an email (unsaved), with its due times and routing, and notes for its
    story when the charter has no promise for one."""
    kind = rules.kind_from_text(parsed.subject, parsed.body)
    description = (f"Follows up {previous}, which was closed.\n\n" if previous else "") + (
        parsed.body[:20_000]
    )
    case = Case(
        reference=f"new-{uuid4().hex[:15]}",
        kind=kind,
        subject=(parsed.subject or "(no subject)")[:200],
        description=description,
        customer=customer,
        public_name="" if customer else parsed.from_name[:200],
        public_email="" if customer else parsed.from_address[:254],
        complainant_type=ComplainantType.CUSTOMER if customer else ComplainantType.PUBLIC,
        channel=Channel.EMAIL,
        significant_customer=bool(customer and customer.annual_value >= threshold),
        opened_at=now,
        updated_at=now,
    )
    events = (
        {
            "acknowledge": PromiseEvent.COMPLAINT_ACKNOWLEDGE,
            "resolve": PromiseEvent.COMPLAINT_RESOLVE,
        }
        if kind == CaseKind.COMPLAINT
        else {"resolve": PromiseEvent.ENQUIRY_REPLY}
    )
    notes = []
    for which, event in events.items():
        found = book.deadline(customer, event, now, channel=case.channel)
        if isinstance(found, NoPromise):
            notes.append(str(found))
            continue
        setattr(case, f"{which}_due", found.due)
        setattr(case, f"{which}_promise", found.promise)
    if kind == CaseKind.COMPLAINT:
        _route(case, at=now)
    return case, notes
