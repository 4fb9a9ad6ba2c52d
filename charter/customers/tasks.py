"""Background work about customers: segment notices by email, imports. Tasks take ids.

Tasks import the work they run; the services queue them by dotted path and never import this
module, so there is no circle.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django_tasks import task

from charter.core.audit import audit_context
from charter.core.models import Interface, Organisation
from charter.core.scheduling import periodic

from .imports import customer_import_run, customer_imports_fail_stopped
from .models import NoticeStatus, SegmentNotice


def _notice_text(notice: SegmentNotice, organisation: str) -> str:
    segment = notice.segment
    lines = [
        f"Dear {notice.customer.given_name or notice.customer.name},",
        "",
        f"You are now one of our {segment.name} customers at {organisation}.",
    ]
    if segment.description:
        lines += ["", segment.description]
    offers = [o.name for o in segment.offerings.all()]
    if offers:
        lines += ["", "As part of it we would like to offer you: " + ", ".join(offers) + "."]
    lines += [
        "",
        "We would value your view of whether this suits you: simply reply to this email.",
        "",
        f"Customer reference: {notice.customer.reference}",
    ]
    return "\n".join(lines)


@task()
def send_segment_notices(notice_ids: list[int]) -> int:
    """Email the queued segment notices; each one sent is marked sent, failures are kept."""
    organisation = Organisation.objects.values_list("name", flat=True).first() or "Charter"
    notices = (
        SegmentNotice.objects.filter(pk__in=notice_ids, status=NoticeStatus.QUEUED)
        .select_related("customer", "segment")
        .prefetch_related("segment__offerings")
    )
    sent = 0
    with audit_context(interface=Interface.TASK, source="send_segment_notices"):
        connection = get_connection()
        for notice in notices:
            message = EmailMessage(
                subject=f"Your {notice.segment.name} membership",
                body=_notice_text(notice, organisation),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[notice.customer.email],
                connection=connection,
            )
            try:
                message.send()
            except OSError as error:
                notice.status = NoticeStatus.FAILED
                notice.note = f"Not sent: {error}"[:255]
            else:
                notice.status = NoticeStatus.SENT
                notice.sent_at = timezone.now()
                sent += 1
            notice.save(update_fields=["status", "note", "sent_at"])
    return sent


@task()
def run_customer_import(import_id: int) -> None:
    """Run an uploaded customers file (the import service reports progress as it goes)."""
    with audit_context(interface=Interface.TASK, source="run_customer_import"):
        customer_imports_fail_stopped()  # one killed before this worker started is not "running"
        customer_import_run(import_id=import_id)


@periodic(every=timedelta(minutes=5))
@task()
def fail_stopped_customer_imports() -> int:
    """Imports left "running" by a process that was killed are marked failed, with what they did."""
    with audit_context(interface=Interface.TASK, source="fail_stopped_customer_imports"):
        return customer_imports_fail_stopped()
