"""Telling staff about a newly approved charter or policy version. Tasks take ids."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django_tasks import task

from charter.core.audit import audit_context
from charter.core.links import absolute_url
from charter.core.models import Interface

from . import selectors
from .models import CharterVersion, PolicyVersion, VersionStatus


@task()
def notify_new_version(kind: str, version_id: int) -> int:
    """Email each member of staff the new version binds, asking them to read and acknowledge
    it. A version superseded before the task ran is not announced."""
    with audit_context(interface=Interface.TASK, source="notify_new_version"):
        if kind == "charter":
            version = CharterVersion.objects.get(pk=version_id)
            title = f"the customer service charter (version {version.number})"
            path = reverse("standards:charter-version", args=[version.number])
        else:
            version = PolicyVersion.objects.select_related("policy").get(pk=version_id)
            title = f"the {version.policy.title} policy (version {version.number})"
            path = reverse("standards:policy-version", args=[version.policy.slug, version.number])
        if version.status != VersionStatus.APPROVED:
            return 0
        staff = selectors.staff_bound_by(version)
        subject = f"[Charter] Please read and acknowledge {title}"
        messages = []
        for person in staff:
            if not person.email:
                continue
            body = (
                f"Hello {person.first_name or person.username},\n\n"
                f"{title[0].upper()}{title[1:]} was approved by {version.approved_by} and now "
                "applies to your work.\n"
                + (
                    f"What changed: {version.summary_of_changes}\n"
                    if version.summary_of_changes
                    else ""
                )
                + f"\nRead it and press Acknowledge: {absolute_url(path)}\n"
            )
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [person.email]))
        return send_mass_mail(messages, fail_silently=False) if messages else 0
