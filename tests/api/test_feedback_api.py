"""Feedback and surveys over the API: roles are checked on every call, writes go through the
services (a survey's plan, its opening, corrections), comments are only shown to those they
are routed to unless the caller manages feedback, and lists read in a fixed number of
queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from charter.feedback import services
from charter.feedback.models import Comment, Questionnaire
from tests.feedback.conftest import (  # noqa: F401
    alex,
    analyst,
    john,
    make_customer,
    manager,
    routes,
    surveyed,
    types,
)

pytestmark = pytest.mark.django_db

LATE = "The delivery was a week late again and nobody told us when the truck would come."


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_questionnaires_are_listed_with_their_questions(analyst):  # noqa: F811
    api = _client(analyst)
    listed = api.get("/api/v1/questionnaires/?code=rater-servqual").json()["results"]
    assert [q["code"] for q in listed] == ["rater-servqual"]
    detail = api.get(f"/api/v1/questionnaires/{listed[0]['id']}/").json()
    items = [q for s in detail["sections"] for q in s["questions"] if q["kind"] == "servqual"]
    assert len(items) == 22 and all(q["expectation_text"] for q in items)


def test_a_survey_is_planned_and_opened_through_the_api(analyst, surveyed, make_user):  # noqa: F811
    api = _client(analyst)
    nps = Questionnaire.objects.get(code="nps")
    today = timezone.localdate()
    created = api.post(
        "/api/v1/surveys/",
        {
            "name": "NPS by API",
            "questionnaire": nps.pk,
            "population": "everyone",
            "responses_wanted": 3,
            "expected_response_rate": "50.0",
            "opens_on": str(today),
            "closes_on": str(today + timedelta(days=14)),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    survey = created.json()
    assert survey["invitations_planned"] == 6 and survey["status"] == "draft"
    opened = api.post(f"/api/v1/surveys/{survey['id']}/open/")
    assert opened.status_code == 200 and opened.json()["invited"] == 6
    progress = api.get(f"/api/v1/surveys/{survey['id']}/progress/").json()
    assert progress["invited"] == 6 and progress["responded"] == 0
    again = api.post(f"/api/v1/surveys/{survey['id']}/open/")
    assert again.status_code == 409 and "already opened" in again.json()["detail"]
    officer = _client(make_user("cso", username="mary"))
    assert officer.get("/api/v1/surveys/").status_code == 403
    assert officer.post(f"/api/v1/surveys/{survey['id']}/close/").status_code == 403


def test_bad_survey_input_is_refused_with_the_field(analyst, surveyed):  # noqa: F811
    api = _client(analyst)
    nps = Questionnaire.objects.get(code="nps")
    today = timezone.localdate()
    refused = api.post(
        "/api/v1/surveys/",
        {
            "name": "Backwards",
            "questionnaire": nps.pk,
            "population": "everyone",
            "opens_on": str(today),
            "closes_on": str(today - timedelta(days=1)),
            "colour": "blue",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "colour" in refused.json()


def test_comments_are_shown_to_whom_they_are_routed(routes, alex, john, analyst):  # noqa: F811
    services.feedback_give(kind="comment", text=LATE)
    assert [c["topic"] for c in _client(alex).get("/api/v1/feedback/").json()["results"]] == [
        "delivery"
    ]
    assert _client(john).get("/api/v1/feedback/").json()["results"] == []
    comment = Comment.objects.get()
    assert _client(john).get(f"/api/v1/feedback/{comment.pk}/").status_code == 404
    assert len(_client(analyst).get("/api/v1/feedback/").json()["results"]) == 1


def test_staff_record_act_on_and_correct_feedback(routes, alex, analyst, make_user):  # noqa: F811
    officer = _client(make_user("cso", username="mary"))
    made = officer.post(
        "/api/v1/feedback/", {"kind": "comment", "text": LATE, "channel": "letter"}, format="json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["topic"] == "delivery" and body["sentiment"] and body["routed_to"]
    pk = body["id"]
    api = _client(alex)
    assert api.post(f"/api/v1/feedback/{pk}/acknowledge/").json()["status"] == "acknowledged"
    done = api.post(
        f"/api/v1/feedback/{pk}/action-taken/",
        {"action": "New courier from Monday."},
        format="json",
    )
    assert done.json()["status"] == "actioned"
    assert (
        api.post(
            f"/api/v1/feedback/{pk}/correct/",
            {"topic": "delivery", "dimension": "reliability", "sentiment": "negative"},
            format="json",
        ).status_code
        == 403
    )  # an account manager may not correct the sorting
    corrected = _client(analyst).post(
        f"/api/v1/feedback/{pk}/correct/",
        {"topic": "information", "dimension": "responsiveness", "sentiment": "negative"},
        format="json",
    )
    assert corrected.status_code == 200 and corrected.json()["topic"] == "information"
    assert corrected.json()["sorted_by"] == "staff"


def test_lists_read_in_the_same_number_of_queries(routes, analyst):  # noqa: F811
    api = _client(analyst)
    services.feedback_give(kind="comment", text=LATE)
    api.get("/api/v1/feedback/")
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/feedback/")
    for n in range(8):
        services.feedback_give(kind="comment", text=f"{LATE} ({n})")
    with CaptureQueriesContext(connection) as many:
        api.get("/api/v1/feedback/")
    assert len(few) == len(many)
    api.get("/api/v1/surveys/")
    with CaptureQueriesContext(connection) as surveys:
        api.get("/api/v1/surveys/")
    assert len(surveys) <= 6
