"""Inbound email filed onto cases, or opening them.

Nothing lost, nothing twice: every message read ends in exactly one of four outcomes (opened a
case, joined one, kept aside, or skipped as the same message already here), and the receipt
counts them. The same message is recognised by its content digest; a different message that
reuses a Message-ID is filed under a derived identity, and its case says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from uuid import uuid4

from django.db import DatabaseError, transaction
from django.db.models import CharField, Q, Value
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

# What storing a message can fail with that is the message's fault, not the database's
# health: PostgreSQL refusing a value (DataError), a driver refusing to encode one (ValueError,
# UnicodeEncodeError), a time that does not exist in UTC (OverflowError). A database that is
# down fails the keeping aside as well, and so stops.
REFUSED = (DatabaseError, ValueError, OverflowError)


class MailOutcome(StrEnum):
    OPENED = "opened"  # filed, opening a new case
    JOINED = "joined"  # filed on a case that was already there (or opened earlier in the batch)
    KEPT_ASIDE = "kept_aside"  # stored whole with the reason, for a person to read
    SAME = "same"  # the same message was already here: skipped


@dataclass
class MailAccount:
    """How many messages were read and what became of each: the four add up to ``read``."""

    read: int = 0
    opened: int = 0
    joined: int = 0
    kept_aside: int = 0
    same: int = 0

    @classmethod
    def of(cls, outcomes) -> MailAccount:
        account = cls()
        for outcome in outcomes:
            account.read += 1
            setattr(account, outcome.value, getattr(account, outcome.value) + 1)
        return account

    def __add__(self, other: MailAccount) -> MailAccount:
        return MailAccount(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def filed(self) -> int:
        return self.opened + self.joined

    @property
    def balanced(self) -> bool:
        return self.read == self.opened + self.joined + self.kept_aside + self.same


@dataclass(frozen=True)
class MailReceipt:
    """What ``emails_receive`` did, message by message in the order given: the Email it filed or
    kept aside (or, for the same message again, the one already here), and the outcome."""

    emails: list[Email] = field(default_factory=list)
    outcomes: list[MailOutcome] = field(default_factory=list)

    @property
    def account(self) -> MailAccount:
        return MailAccount.of(self.outcomes)

    @classmethod
    def joined(cls, receipts: list[MailReceipt]) -> MailReceipt:
        return cls(
            emails=[e for r in receipts for e in r.emails],
            outcomes=[o for r in receipts for o in r.outcomes],
        )


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
    return emails_receive([(source, raw)]).emails[0]


@transaction.atomic
def emails_receive(messages: list[tuple[str, bytes]]) -> MailReceipt:
    """File inbound emails, ``(source, raw)``, in order: each becomes a contact on the case it
    belongs to (by Message-ID in In-Reply-To and References, nearest first, then by a case
    reference in the subject), or opens a case (a complaint when it reads like one) for the
    customer whose address it is, or for a member of the public. Attachments are kept. A message
    that cannot be read is kept aside with the reason and its raw bytes, never dropped; the same
    message (by content digest) is filed or kept aside once, however often it is delivered.

    Written in bulk: the reads are a fixed number of queries for the whole list, and cases,
    contacts, stories and emails are inserted together. Should the database refuse the batch,
    its messages are filed one by one, and one it still refuses is kept aside with the reason,
    so no message holds up the others. Each Email row and the case's story record what intake
    did (bulk inserts are not in the audit trail, as with imports)."""
    if not messages:
        return MailReceipt()
    try:
        with transaction.atomic():
            return _file(messages)
    except REFUSED as error:
        if len(messages) == 1:
            return _keep_aside_refused(*messages[0], error)
    receipts = []
    for source, raw in messages:
        try:
            with transaction.atomic():
                receipts.append(_file([(source, raw)]))
        except REFUSED as error:
            receipts.append(_keep_aside_refused(source, raw, error))
    return MailReceipt.joined(receipts)


def _keep_aside_refused(source: str, raw: bytes, error: Exception) -> MailReceipt:
    """A message the database would not file, kept aside whole with the database's reason (or,
    were the same message already here, skipped)."""
    from .. import mail

    digest = mail.content_digest(raw)
    earlier = Email.objects.filter(direction=Direction.INBOUND, digest=digest).first()
    if earlier is not None:
        return MailReceipt([earlier], [MailOutcome.SAME])
    reason = mail.clean(f"{error.__class__.__name__}: {error}")[:1000]
    email = Email.objects.create(
        direction=Direction.INBOUND,
        status=MailStatus.QUARANTINED,
        problem=f"The database refused to file it ({reason}). Read it and log it by hand.",
        raw=raw,
        digest=digest,
        source=mail.clean(source)[:300],
    )
    return MailReceipt([email], [MailOutcome.KEPT_ASIDE])


def _earlier(digests: set[str], ids: set[str]) -> tuple[dict, dict]:
    """Inbound mail already here with one of these digests, and with one of these Message-IDs:
    one query."""
    by_digest: dict[str, Email] = {}
    by_id: dict[str, Email] = {}
    found = (
        Email.objects.filter(direction=Direction.INBOUND)
        .filter(Q(digest__in=digests) | Q(message_id__in=ids))
        .select_related("case")
        .defer("raw")
        .order_by("pk")
    )
    for email in found:
        if email.digest:
            by_digest.setdefault(email.digest, email)
        if email.message_id:
            by_id.setdefault(email.message_id, email)
    return by_digest, by_id


def _reused(message_id: str, filed_as: str, holder: Email | None) -> str:
    where = (
        f"email #{holder.pk}" + (f" on {holder.case.reference}" if holder.case_id else "")
        if holder is not None
        else "another message delivered with it"
    )
    return (
        f"Its Message-ID {message_id} was already used by a different message ({where}), so it "
        f"was filed under {filed_as}."
    )


def _file(messages: list[tuple[str, bytes]]) -> MailReceipt:
    """``emails_receive``'s work, for a list the database is expected to take whole."""
    from .. import mail

    now = timezone.now()
    read = [
        (mail.clean(source)[:300], raw, mail.content_digest(raw), _read(raw))
        for source, raw in messages
    ]
    good = [p for _, _, _, p in read if not isinstance(p, str)]
    ids = {p.message_id for p in good if p.message_id}
    earlier, holders = _earlier({d for _, _, d, _ in read}, ids)
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

    # Decide each message's outcome, and for one filed its case: an existing one, or a new one
    # (an index into ``new``), and the Message-ID it is filed under.
    outcomes: dict[int, MailOutcome] = {}
    same_as: dict[int, Email | int] = {}  # slot -> the earlier Email, or the slot storing it
    stored: dict[str, int] = {}  # digest -> the slot in this list that stores it
    identity: dict[int, str] = {}
    reuse_notes: dict[int, str] = {}
    new: list[Case] = []
    notes: list[list[str]] = []
    targets: dict[int, tuple] = {}
    thread: dict[str, tuple] = {}  # Message-ID in this list -> its target
    for slot, (_, _, digest, p) in enumerate(read):
        if digest in earlier or digest in stored:
            outcomes[slot] = MailOutcome.SAME
            same_as[slot] = earlier.get(digest) or stored[digest]
            continue
        holder = holders.get(p.message_id) if not isinstance(p, str) else None
        if holder is not None and not holder.digest:  # filed before digests, its raw erased:
            outcomes[slot] = MailOutcome.SAME  # the Message-ID is all that can tell
            same_as[slot] = holder
            continue
        stored[digest] = slot
        if isinstance(p, str):
            outcomes[slot] = MailOutcome.KEPT_ASIDE
            continue
        message_id = p.message_id
        if message_id and (holder is not None or message_id in thread):
            filed_as = mail.derived_message_id(message_id, digest)
            reuse_notes[slot] = _reused(message_id, filed_as, holder)
            message_id = filed_as
        identity[slot] = message_id
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
        outcomes[slot] = MailOutcome.JOINED
        if target is None:
            customer = by_address.get(p.from_address.lower())
            case, case_notes = _case_from_email(p, customer, book, threshold, now, previous)
            target = ("new", len(new))
            new.append(case)
            notes.append(case_notes)
            outcomes[slot] = MailOutcome.OPENED
        targets[slot] = target
        if message_id:
            thread[message_id] = target

    def case_of(slot):
        kind, value = targets[slot]
        return new[value] if kind == "new" else value

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
    events += [
        CaseEvent(case=case_of(slot), kind=CaseEventKind.NOTE, at=now, text=note)
        for slot, note in reuse_notes.items()
    ]
    CaseEvent.objects.bulk_create(events)

    contacts = {}
    for slot, (_, _, _, p) in enumerate(read):
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
    for slot, (source, raw, digest, p) in enumerate(read):
        if outcomes[slot] == MailOutcome.KEPT_ASIDE:
            emails[slot] = Email(
                direction=Direction.INBOUND,
                status=MailStatus.QUARANTINED,
                problem=mail.clean(p),
                raw=raw,
                digest=digest,
                source=source,
                received_at=now,
            )
        elif slot in targets:
            problems = [*p.problems, reuse_notes[slot]] if slot in reuse_notes else p.problems
            emails[slot] = Email(
                direction=Direction.INBOUND,
                status=MailStatus.ACCEPTED,
                problem="; ".join(problems),
                message_id=identity[slot],
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
                digest=digest,
                source=source,
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
        for slot, (_, _, _, p) in enumerate(read)
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

    results = []
    for slot in range(len(read)):
        found = same_as.get(slot, slot)
        results.append(emails[found] if isinstance(found, int) else found)
    return MailReceipt(results, [outcomes[slot] for slot in range(len(read))])


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
