"""Every write about customers, their consents, account managers, products and segments.

Plain functions with keyword arguments, one transaction each. The actor's permission is checked
here, not only in the page that calls it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from auditlog.context import auditlog_value
from auditlog.signals import accessed
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from charter.core.audit import audit_context
from charter.core.bulk import insert_rows
from charter.core.errors import Conflict, DomainError, NotFound
from charter.core.guards import require
from charter.core.models import Interface
from charter.core.tasks import enqueue_on_commit

from . import rules, selectors
from .models import (
    CONSENT_FIELDS,
    OPEN_HOLDING_STATUSES,
    AccountManagerAssignment,
    Address,
    Channel,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Contact,
    Customer,
    CustomerKind,
    CustomerType,
    Erasure,
    Holding,
    HoldingStatus,
    NoticeStatus,
    Offering,
    SearchTerm,
    Segment,
    SegmentEvaluation,
    SegmentFeedback,
    SegmentMembership,
    SegmentNotice,
)
from .signals import customer_erased


# --- Customer types ---------------------------------------------------------------------------
@transaction.atomic
def customer_type_save(
    *,
    actor,
    name: str,
    internal: bool = False,
    description: str = "",
    is_active: bool = True,
    customer_type: CustomerType | None = None,
) -> CustomerType:
    require(
        actor,
        "customers.change_customertype" if customer_type else "customers.add_customertype",
        "edit customer types",
    )
    name = (name or "").strip()
    if not name:
        raise DomainError("A customer type needs a name.", field="name")
    clash = CustomerType.objects.filter(name__iexact=name)
    if customer_type:
        clash = clash.exclude(pk=customer_type.pk)
    if clash.exists():
        raise Conflict(f"There is already a customer type called {name}.", field="name")
    customer_type = customer_type or CustomerType(slug=slugify(name)[:120] or "type")
    customer_type.name = name
    customer_type.internal = internal
    customer_type.description = description
    customer_type.is_active = is_active
    customer_type.save()
    return customer_type


# --- Customers --------------------------------------------------------------------------------
def _money(value, label: str) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = Decimal(str(value).replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        raise DomainError(f"{label} '{value}' is not an amount.") from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise DomainError(f"{label} '{value}' is not an amount.")
    return amount.quantize(Decimal("0.01"))


def clean_customer_fields(fields: dict) -> dict:
    """Normalise and check a customer's fields (shared by the forms, the API and imports)."""
    clean = dict(fields)
    if "email" in clean:
        clean["email"] = rules.normalise_email(clean["email"])
    if "phone" in clean:
        clean["phone"] = rules.normalise_phone(clean["phone"])
    for key in ("name", "given_name", "family_name"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    if clean.get("kind") == CustomerKind.PERSON and not clean.get("name"):
        clean["name"] = " ".join(
            p for p in (clean.get("given_name", ""), clean.get("family_name", "")) if p
        )
    if "name" in clean and not clean["name"]:
        raise DomainError("A customer needs a name.", field="name")
    if "kind" in clean and clean["kind"] not in CustomerKind.values:
        raise DomainError(f"'{clean['kind']}' is not a person or an organisation.", field="kind")
    if "preferred_channel" in clean and clean["preferred_channel"] not in Channel.values:
        raise DomainError(
            f"'{clean['preferred_channel']}' is not a channel we offer.", field="preferred_channel"
        )
    for key, label in (("annual_value", "Value a year"), ("balance", "Balance")):
        if key in clean:
            clean[key] = _money(clean[key], label)
    if "reference" in clean:
        clean["reference"] = (clean["reference"] or "").strip()
    return clean


def next_reference() -> str:
    last = Customer.objects.aggregate(last=Max("pk"))["last"] or 0
    return f"C-{last + 1:06d}"


@transaction.atomic
def customer_create(
    *,
    actor,
    customer_type: CustomerType,
    kind: str,
    consent_method: str = ConsentMethod.IN_PERSON,
    **fields,
) -> Customer:
    require(actor, "customers.add_customer", "add customers")
    fields = clean_customer_fields({"kind": kind, **fields})
    reference = fields.pop("reference", "") or next_reference()
    if Customer.objects.filter(reference=reference).exists():
        raise Conflict(f"Customer reference {reference} is already used.", field="reference")
    customer = Customer(reference=reference, customer_type=customer_type, **fields)
    customer.save()
    for purpose, field in CONSENT_FIELDS.items():
        if field in fields:  # consent stated at sign-up goes into the ledger with how
            ConsentRecord.objects.create(
                customer=customer,
                purpose=purpose,
                given=getattr(customer, field),
                method=consent_method,
                recorded_by=actor,
            )
    refresh_search_terms([customer.pk])
    return customer


EDITABLE_FIELDS = (
    "reference",
    "kind",
    "customer_type",
    "team",
    "name",
    "given_name",
    "family_name",
    "date_of_birth",
    "email",
    "phone",
    "preferred_channel",
    "customer_since",
    "annual_value",
    "balance",
    "last_activity_on",
    "is_active",
)


@transaction.atomic
def customer_update(*, actor, customer: Customer, **changes) -> Customer:
    """Correct or update a customer's details. The audit trail records who changed what."""
    require(actor, "customers.change_customer", "change customers")
    _refuse_if_erased(customer)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    changes = clean_customer_fields(changes)
    if "reference" in changes:
        if not changes["reference"]:
            raise DomainError("A customer needs a reference.", field="reference")
        taken = Customer.objects.filter(reference=changes["reference"]).exclude(pk=customer.pk)
        if taken.exists():
            raise Conflict(
                f"Customer reference {changes['reference']} is already used.", field="reference"
            )
    changed = [k for k, v in changes.items() if getattr(customer, k) != v]
    if not changed:
        return customer
    for key in changed:
        setattr(customer, key, changes[key])
    customer.updated_at = timezone.now()
    customer.save(update_fields=[*changed, "updated_at"])
    refresh_search_terms([customer.pk])
    return customer


def _refuse_if_erased(customer: Customer) -> None:
    if customer.erased_at:
        raise Conflict("This customer's personal data was erased; their record cannot change.")


def refresh_search_terms(customer_ids: Iterable[int]) -> int:
    """Rebuild the search terms of these customers, in a few queries whatever their number."""
    ids = list(customer_ids)
    written = 0
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        contacts = defaultdict(list)
        for contact in Contact.objects.filter(customer_id__in=chunk).values(
            "customer_id", "name", "email", "phone"
        ):
            contacts[contact["customer_id"]].append(contact)
        SearchTerm.objects.filter(customer_id__in=chunk).delete()
        rows: list[tuple[int, str]] = []
        for c in Customer.objects.filter(pk__in=chunk).values(
            "pk", "reference", "name", "given_name", "family_name", "email", "phone"
        ):
            people = contacts.get(c["pk"], [])
            terms = rules.search_terms(
                names=[c["name"], c["given_name"], c["family_name"], *(p["name"] for p in people)],
                emails=[c["email"], *(p["email"] for p in people)],
                phones=[c["phone"], *(p["phone"] for p in people)],
                reference=c["reference"],
            )
            rows.extend((c["pk"], t) for t in terms)
        written += insert_rows(SearchTerm, ("customer", "term"), rows)
    return written


# --- Contacts and addresses -------------------------------------------------------------------
@transaction.atomic
def contact_save(
    *,
    actor,
    customer: Customer,
    contact: Contact | None = None,
    name: str,
    job_title: str = "",
    email: str = "",
    phone: str = "",
    preferred_channel: str = Channel.EMAIL,
    is_primary: bool = False,
) -> Contact:
    require(actor, "customers.change_customer", "change customers")
    _refuse_if_erased(customer)
    if customer.kind != CustomerKind.ORGANISATION:
        raise DomainError("Only an organisation has contacts; a person is their own contact.")
    name = (name or "").strip()
    if not name:
        raise DomainError("A contact needs a name.", field="name")
    contact = contact or Contact(customer=customer)
    if contact.customer_id != customer.pk:
        raise NotFound("That contact belongs to another customer.")
    contact.name = name
    contact.job_title = (job_title or "").strip()
    contact.email = rules.normalise_email(email)
    contact.phone = rules.normalise_phone(phone)
    contact.preferred_channel = preferred_channel
    contact.is_primary = is_primary
    contact.save()
    if is_primary:
        customer.contacts.exclude(pk=contact.pk).filter(is_primary=True).update(is_primary=False)
    refresh_search_terms([customer.pk])
    return contact


@transaction.atomic
def contact_remove(*, actor, contact: Contact) -> None:
    require(actor, "customers.change_customer", "change customers")
    customer_id = contact.customer_id
    contact.delete()
    refresh_search_terms([customer_id])


@transaction.atomic
def address_save(
    *,
    actor,
    customer: Customer,
    address: Address | None = None,
    kind: str,
    line1: str,
    locality: str,
    line2: str = "",
    state: str = "",
    postcode: str = "",
    country: str = "AU",
) -> Address:
    require(actor, "customers.change_customer", "change customers")
    _refuse_if_erased(customer)
    if not (line1 or "").strip() or not (locality or "").strip():
        raise DomainError("An address needs a street or box and a suburb or town.")
    postcode = (postcode or "").strip()
    if country == "AU" and postcode and not (postcode.isdigit() and len(postcode) == 4):
        raise DomainError(
            f"'{postcode}' is not an Australian postcode (4 digits).", field="postcode"
        )
    address = address or Address(customer=customer)
    if address.customer_id != customer.pk:
        raise NotFound("That address belongs to another customer.")
    address.kind = kind
    address.line1, address.line2 = line1.strip(), (line2 or "").strip()
    address.locality, address.state = locality.strip(), (state or "").strip().upper()
    address.postcode, address.country = postcode, country
    address.save()
    return address


@transaction.atomic
def address_remove(*, actor, address: Address) -> None:
    require(actor, "customers.change_customer", "change customers")
    address.delete()


# --- Consent ----------------------------------------------------------------------------------
@transaction.atomic
def consent_record(
    *,
    actor,
    customer: Customer,
    purpose: str,
    given: bool,
    method: str,
    note: str = "",
    at: datetime | None = None,
) -> ConsentRecord:
    """Record that the customer gave or withdrew consent, and how; updates their current consent."""
    require(actor, "customers.change_customer", "record consent")
    _refuse_if_erased(customer)
    if purpose not in CONSENT_FIELDS:
        raise DomainError(f"'{purpose}' is not a consent purpose.", field="purpose")
    if method not in ConsentMethod.values:
        raise DomainError(f"'{method}' is not a way of giving consent.", field="method")
    record = ConsentRecord.objects.create(
        customer=customer,
        purpose=purpose,
        given=given,
        method=method,
        note=note,
        at=at or timezone.now(),
        recorded_by=actor,
    )
    field = CONSENT_FIELDS[ConsentPurpose(purpose)]
    if getattr(customer, field) != given:
        setattr(customer, field, given)
        customer.save(update_fields=[field])
    return record


# --- Account managers -------------------------------------------------------------------------
def _check_manager(manager) -> None:
    if manager is None:
        return
    if not manager.is_active:
        raise DomainError(f"{manager} has left and cannot manage customers.", field="manager")
    if not manager.has_perm("customers.manage_accounts"):
        raise DomainError(
            f"{manager} is not an account manager, so cannot own customers.", field="manager"
        )


@transaction.atomic
def account_manager_assign(
    *, actor, customers: Iterable[Customer], manager, reason: str = ""
) -> int:
    """Give these customers to ``manager`` (None: nobody); the previous assignment is ended.

    Returns how many customers changed hands.
    """
    require(actor, "customers.assign_account_manager", "assign account managers")
    _check_manager(manager)
    now = timezone.now()
    moving = [
        c
        for c in customers
        if c.account_manager_id != (manager.pk if manager else None) and not c.erased_at
    ]
    if not moving:
        return 0
    ids = [c.pk for c in moving]
    AccountManagerAssignment.objects.filter(customer_id__in=ids, ended_at__isnull=True).update(
        ended_at=now
    )
    AccountManagerAssignment.objects.bulk_create(
        AccountManagerAssignment(
            customer_id=pk, manager=manager, started_at=now, assigned_by=actor, reason=reason
        )
        for pk in ids
    )
    # One statement for the group; the assignment rows above are the per-customer history.
    Customer.objects.filter(pk__in=ids).update(account_manager=manager, updated_at=now)
    for customer in moving:
        customer.account_manager = manager
    return len(moving)


# --- Products and services held ---------------------------------------------------------------
@transaction.atomic
def holding_add(
    *,
    actor,
    customer: Customer,
    offering: Offering,
    status: str = HoldingStatus.HELD,
    started_on: date | None = None,
) -> Holding:
    require(actor, "customers.change_customer", "change customers' products")
    _refuse_if_erased(customer)
    existing = Holding.objects.filter(
        customer=customer, offering=offering, status__in=OPEN_HOLDING_STATUSES
    ).first()
    if existing:
        if existing.status == status:
            raise Conflict(
                f"The customer already has {offering} ({existing.get_status_display()})."
            )
        existing.status = status
        existing.save(update_fields=["status"])
        return existing
    return Holding.objects.create(
        customer=customer,
        offering=offering,
        status=status,
        started_on=started_on or timezone.localdate(),
    )


@transaction.atomic
def holding_end(*, actor, holding: Holding, status: str = HoldingStatus.CLOSED) -> Holding:
    require(actor, "customers.change_customer", "change customers' products")
    if status not in (HoldingStatus.CLOSED, HoldingStatus.DECLINED, HoldingStatus.HELD):
        raise DomainError("A product can be taken up, declined or closed.")
    holding.status = status
    holding.ended_on = None if status == HoldingStatus.HELD else timezone.localdate()
    holding.save(update_fields=["status", "ended_on"])
    return holding


# --- Segments ---------------------------------------------------------------------------------
@transaction.atomic
def segment_save(
    *,
    actor,
    name: str,
    conditions,
    description: str = "",
    offerings: Iterable[Offering] = (),
    position: int = 100,
    is_active: bool = True,
    segment: Segment | None = None,
) -> Segment:
    require(
        actor,
        "customers.change_segment" if segment else "customers.add_segment",
        "define segments",
    )
    name = (name or "").strip()
    if not name:
        raise DomainError("A segment needs a name.", field="name")
    clash = Segment.objects.filter(name__iexact=name)
    if segment:
        clash = clash.exclude(pk=segment.pk)
    if clash.exists():
        raise Conflict(f"There is already a segment called {name}.", field="name")
    parsed = rules.parse_conditions(conditions, choices=selectors.segment_choices())
    segment = segment or Segment(slug=_unique_slug(name))
    segment.name = name
    segment.description = description
    segment.conditions = [c.as_json() for c in parsed]
    segment.position = position
    segment.is_active = is_active
    segment.save()
    segment.offerings.set(list(offerings))
    return segment


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "segment"
    slug, n = base, 1
    while Segment.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _insert_select(model, columns: list[str], queryset, constants: list) -> int:
    """INSERT INTO table (columns) SELECT constants..., <queryset's columns>: one statement.

    Django has no INSERT ... SELECT, but a queryset compiles to SELECT on either database.
    The constants fill the first columns and are prepared as their fields store them.
    """
    table = model._meta.db_table
    constants = [
        model._meta.get_field(column.removesuffix("_id")).get_db_prep_value(value, connection)
        if not column.endswith("_id")
        else value
        for column, value in zip(columns, constants, strict=False)
    ]
    sql, params = queryset.query.sql_with_params()
    placeholders = ", ".join(["%s"] * len(constants))
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    statement = (
        f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) "
        f"SELECT {placeholders}, sub.* FROM ({sql}) sub"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*constants, *params])
        return cursor.rowcount


@transaction.atomic
def segment_evaluate(
    *, segment: Segment, actor=None, today: date | None = None
) -> SegmentEvaluation:
    """Run the segment's rule over every customer in the database, in a few statements.

    Members who no longer match leave (their membership gets an end date); new matches enter
    and are offered the segment's products. Nothing loops over customers in Python.
    """
    require(actor, "customers.evaluate_segment", "evaluate segments")
    now = timezone.now()
    evaluation = SegmentEvaluation.objects.create(
        segment=segment, started_at=now, evaluated_by=actor
    )
    matches = selectors.segment_matches(
        selectors.segment_conditions(segment), today=today
    ).order_by()
    current = SegmentMembership.objects.filter(segment=segment, left_at__isnull=True)

    left = (
        current.exclude(customer_id__in=matches.values("pk")).update(left_at=now)
        if segment.is_active
        else current.update(left_at=now)
    )
    entered = 0
    if segment.is_active:
        newcomers = matches.exclude(
            pk__in=SegmentMembership.objects.filter(segment=segment, left_at__isnull=True).values(
                "customer_id"
            )
        ).values("pk")
        entered = _insert_select(
            SegmentMembership,
            ["segment_id", "entered_at", "customer_id"],
            newcomers,
            [segment.pk, now],
        )
    offers = 0
    for offering in segment.offerings.all():
        already = Holding.objects.filter(offering=offering, status__in=OPEN_HOLDING_STATUSES)
        to_offer = (
            SegmentMembership.objects.filter(segment=segment, entered_at=now, left_at__isnull=True)
            .exclude(customer_id__in=already.values("customer_id"))
            .order_by()
            .values("customer_id")
        )
        offers += _insert_select(
            Holding,
            ["offering_id", "status", "started_on", "segment_id", "customer_id"],
            to_offer,
            [offering.pk, HoldingStatus.OFFERED, timezone.localdate(), segment.pk],
        )
    evaluation.matched = current.count()
    evaluation.entered = entered
    evaluation.left = left
    evaluation.offers_made = offers
    evaluation.finished_at = timezone.now()
    evaluation.save()
    segment.last_evaluated_at = now
    segment.save(update_fields=["last_evaluated_at"])
    return evaluation


def segments_evaluate_all(*, actor=None, today: date | None = None) -> list[SegmentEvaluation]:
    require(actor, "customers.evaluate_segment", "evaluate segments")
    return [
        segment_evaluate(segment=segment, actor=actor, today=today)
        for segment in Segment.objects.all()
    ]


@transaction.atomic
def segment_inform(
    *, actor, segment: Segment, customers: Iterable[Customer] | None = None
) -> dict[str, int]:
    """Tell members of their segment on their preferred channel.

    Emails are queued to send; other channels become notices for staff to make (a call, a
    letter). Customers who withdrew consent to service contact are skipped.
    Returns counts by outcome.
    """
    require(actor, "customers.add_segmentnotice", "tell customers of their segment")
    if customers is None:
        customers = selectors.members_not_informed(segment)
    counts = {"emailed": 0, "to_make": 0, "skipped": 0}
    notices = []
    for customer in customers:
        if not customer.consent_service or customer.erased_at:
            counts["skipped"] += 1
            continue
        by_email = customer.preferred_channel == Channel.EMAIL and customer.email
        notices.append(
            SegmentNotice(
                customer=customer,
                segment=segment,
                channel=Channel.EMAIL if by_email else customer.preferred_channel,
                status=NoticeStatus.QUEUED if by_email else NoticeStatus.TO_MAKE,
                created_by=actor,
            )
        )
        counts["emailed" if by_email else "to_make"] += 1
    created = SegmentNotice.objects.bulk_create(notices, batch_size=2000)
    email_ids = [n.pk for n in created if n.status == NoticeStatus.QUEUED]
    if email_ids:
        from .tasks import send_segment_notices

        for start in range(0, len(email_ids), 500):
            enqueue_on_commit(send_segment_notices, email_ids[start : start + 500])
    return counts


@transaction.atomic
def segment_notice_made(*, actor, notice: SegmentNotice, channel: str, note: str = ""):
    """Staff told the customer themselves (a call, a letter, a meeting)."""
    require(actor, "customers.add_segmentnotice", "tell customers of their segment")
    if notice.status in (NoticeStatus.SENT, NoticeStatus.MADE):
        raise Conflict("This customer has already been told.")
    notice.status = NoticeStatus.MADE
    notice.channel = channel
    notice.note = note
    notice.sent_at = timezone.now()
    notice.save(update_fields=["status", "channel", "note", "sent_at"])
    return notice


@transaction.atomic
def segment_notice_record(
    *, actor, customer: Customer, segment: Segment, channel: str, note: str = ""
) -> SegmentNotice:
    """Record that a member of staff told one customer of their segment."""
    require(actor, "customers.add_segmentnotice", "tell customers of their segment")
    _refuse_if_erased(customer)
    if channel not in Channel.values:
        raise DomainError(f"'{channel}' is not a channel we offer.", field="channel")
    return SegmentNotice.objects.create(
        customer=customer,
        segment=segment,
        channel=channel,
        status=NoticeStatus.MADE,
        sent_at=timezone.now(),
        created_by=actor,
        note=note,
    )


@transaction.atomic
def segment_feedback_record(
    *,
    actor,
    customer: Customer,
    segment: Segment,
    rating: int,
    comment: str = "",
    channel: str = Channel.TELEPHONE,
) -> SegmentFeedback:
    require(actor, "customers.add_segmentfeedback", "record feedback on segments")
    _refuse_if_erased(customer)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise DomainError("Give a rating from 1 to 5.", field="rating") from None
    if not 1 <= rating <= 5:
        raise DomainError("Give a rating from 1 to 5.", field="rating")
    if not SegmentMembership.objects.filter(customer=customer, segment=segment).exists():
        raise DomainError(f"This customer has never been in the segment {segment}.")
    return SegmentFeedback.objects.create(
        customer=customer,
        segment=segment,
        rating=rating,
        comment=(comment or "").strip(),
        channel=channel,
        recorded_by=actor,
    )


# --- Privacy ----------------------------------------------------------------------------------
def customer_viewed(*, user, customer: Customer) -> None:
    """Log that ``user`` opened the customer's full record, for auditors (APP 11)."""
    try:
        context = auditlog_value.get()
    except LookupError:
        context = {}
    if context.get("actor") is not None:
        accessed.send(sender=Customer, instance=customer)
        return
    # Outside a request (a command, a task, a shell) name the reader explicitly.
    with audit_context(
        interface=context.get("interface", Interface.SYSTEM),
        source=context.get("source", ""),
        actor=user,
    ):
        accessed.send(sender=Customer, instance=customer)


ERASED_NAME = "Erased customer"


@transaction.atomic
def customer_erase(*, actor, customer: Customer, reason: str) -> Erasure:
    """De-identify the customer: every personal field is cleared, records that must be kept
    (complaints, refunds, consents, memberships) stay, linked to the de-identified record.

    Apps above this one remove the person's details from their own records on
    ``customer_erased``, inside this same transaction.
    """
    require(actor, "customers.erase_customer", "erase customers' personal data")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the personal data is erased (e.g. the customer asked).")
    if customer.erased_at:
        raise Conflict("This customer's personal data was already erased.")
    now = timezone.now()
    retained = {
        "consent records": customer.consents.count(),
        "segment memberships": customer.segment_memberships.count(),
        "products and services": customer.holdings.count(),
        "segment notices": customer.segment_notices.count(),
        "segment feedback": customer.segment_feedback.count(),
    }
    removed = {"contacts": customer.contacts.count(), "addresses": customer.addresses.count()}
    customer.contacts.all().delete()
    customer.addresses.all().delete()
    customer.consents.update(note="")
    customer.segment_notices.update(note="")
    customer.segment_feedback.update(comment="")
    for field in Customer.PERSONAL_FIELDS:
        model_field = Customer._meta.get_field(field)
        setattr(customer, field, None if model_field.null else "")
    customer.name = f"{ERASED_NAME} {customer.reference}"
    customer.erased_at = now
    customer.is_active = False
    customer.consent_marketing = customer.consent_surveys = customer.consent_service = False
    customer.updated_at = now
    customer.save()
    _redact_import_reports(customer.reference)
    refresh_search_terms([customer.pk])
    # Only the reference remains findable.
    SearchTerm.objects.filter(customer=customer).exclude(
        term=rules.fold(customer.reference)
    ).delete()
    extra = {}
    for _receiver, response in customer_erased.send(sender=Customer, customer=customer):
        if isinstance(response, dict):
            extra.update(response)
    erasure = Erasure.objects.create(
        customer=customer,
        erased_by=actor,
        erased_at=now,
        reason=reason,
        retained={"kept": {**retained, **extra}, "removed": removed},
    )
    return erasure


def _redact_import_reports(reference: str) -> None:
    """Bad-row reports quote what was in the file; drop the reasons about this customer."""
    from .models import CustomerImport

    for report in CustomerImport.objects.filter(bad_rows__icontains=reference):
        kept = [
            row
            if row.get("reference") != reference
            else {**row, "reason": "(removed: the customer's data was erased)"}
            for row in report.bad_rows
        ]
        report.bad_rows = kept
        report.save(update_fields=["bad_rows"])
