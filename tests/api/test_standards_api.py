"""The charter and its promises over the API, for any member of staff; nobody else."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from charter.accounts.models import User


def _client(username):
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def test_staff_read_the_current_promises_and_every_version(demo):
    client = _client("mary")
    promises = client.get("/api/v1/promises/").json()
    delivery = [p for p in promises["results"] if p["event"] == "delivery"]
    assert [(p["target"], p["unit"], p["scope"]) for p in delivery] == [
        ("3.00", "business_days", "All customers")
    ]
    key = [p for p in promises["results"] if p["segment"] == "key-accounts"]
    assert key[0]["scope"] == "Segment: Key accounts"

    versions = client.get("/api/v1/charter/").json()["results"]
    assert versions[0]["status"] == "approved" and len(versions[0]["promises"]) == 8


def test_the_charter_list_reads_in_fixed_queries(demo):
    from charter.standards import services

    client = _client("grace")
    client.get("/api/v1/charter/")  # the first call also loads the user's permissions
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/charter/")
    grace = User.objects.get(username="grace")
    draft = services.charter_version_draft(actor=grace)
    services.charter_version_approve(actor=grace, version=draft)
    with CaptureQueriesContext(connection) as two:
        assert len(client.get("/api/v1/charter/").json()["results"]) == 2
    assert len(two) == len(one)


def test_without_signing_in_the_api_refuses(demo):
    assert APIClient().get("/api/v1/promises/").status_code in (401, 403)
