"""A case's history in words: the procedure's step by its name, the new owner by name, times
as entered in Sydney; never field names, codes or ids. The case page fetches it once scrolled
to, and links to it for a reader without script."""

import re

import pytest
from django.urls import reverse

from charter.accounts.models import RoleCode
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

    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    url = reverse("cases:history", args=[case.pk])
    assert f'hx-get="{url}"' in page and f'<a href="{url}">' in page
    panel = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert panel.lstrip().startswith('<section class="card history"')
    history = _history(client.get(url).content.decode())
    assert _history(panel) == history

    assert "Changed by Mary" in history
    assert "Status Received and logged Investigating" in history
    # 10:30 in Sydney, as typed; auditlog keeps 23:30 UTC the day before.
    assert "Callback at — 20 Dec 2026, 10:30" in history
    assert "Escalation Not escalated Supervisor" in history
    assert f"Owner Mary {supervisor}" in history
    assert "callback_at" not in history and "None" not in history and "19 Dec" not in history


def test_the_history_is_for_those_who_see_cases_in_a_fixed_number_of_queries(
    complaints_charter, client, officer, make_user, make_customer, django_assert_max_num_queries
):
    case = services.case_open(
        actor=officer, customer=make_customer(), subject="Not delivered", channel="telephone"
    )
    url = reverse("cases:history", args=[case.pk])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(make_user(RoleCode.ANALYST))
    assert client.get(url).status_code == 403
    client.force_login(officer)
    assert client.get(reverse("cases:history", args=[case.pk + 1000])).status_code == 404
    services.case_step(actor=officer, case=case, to="investigating")
    for n in range(3):
        services.case_note(actor=officer, case=case, text=f"Note {n}")
    with django_assert_max_num_queries(8):
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
