"""A case's page shows its history in words: the procedure's step by its name, the new owner
by name, times as entered in Sydney; never field names, codes or ids."""

import re

import pytest
from django.urls import reverse

from charter.cases import services

pytestmark = pytest.mark.django_db


def _history(page: str) -> str:
    start = page.index('<section class="card history"')
    section = page[start : page.index("</section>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()


def test_a_cases_history_reads_as_words(
    complaints_charter, client, officer, supervisor, make_customer
):
    case = services.case_open(
        actor=officer, customer=make_customer(), subject="Not delivered", channel="telephone"
    )
    client.force_login(officer)
    for name, data in (
        ("step", {"step-to": "investigating", "step-note": "Looking"}),
        ("callback", {"callback-callback_at": "2026-12-20T10:30"}),
        ("escalate", {"escalate-to": "supervisor", "escalate-reason": "Big"}),
    ):
        response = client.post(reverse("cases:action", args=[case.pk, name]), data)
        assert response.status_code == 302, name

    history = _history(client.get(reverse("cases:detail", args=[case.pk])).content.decode())

    assert "Changed by Mary" in history
    assert "Status Received and logged Investigating" in history
    # 10:30 in Sydney, as typed; auditlog keeps 23:30 UTC the day before.
    assert "Callback at — 20 Dec 2026, 10:30" in history
    assert "Escalation Not escalated Supervisor" in history
    assert f"Owner Mary {supervisor}" in history
    assert "callback_at" not in history and "None" not in history and "19 Dec" not in history
