"""A channel's opening hours by day over the API: written and read as data, checked by the same
service as the pages, a refusal a 400 naming the day and the reason."""

import pytest
from rest_framework.test import APIClient

from charter.accounts.models import RoleCode
from charter.standards import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def grace(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace")


@pytest.fixture
def client(grace):
    api = APIClient()
    api.force_authenticate(grace)
    return api


@pytest.fixture
def url(grace):
    draft = services.charter_version_draft(actor=grace)
    return f"/api/v1/charter/{draft.pk}/channels/"


def test_a_channels_hours_are_written_and_read_by_day(client, url):
    hours = {
        "monday": [["08:00", "18:00"]],
        "tuesday": [["08:00", "18:00"]],
        "wednesday": "8:00-18:00",
        "thursday": [["08:00", "18:00"]],
        "friday": [["08:00", "12:00"], ["13:00", "18:00"]],
    }
    response = client.post(
        url, {"channel": "telephone", "opening_hours": hours, "hours": "Melbourne time"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["opening_hours"]["wednesday"] == [["08:00", "18:00"]]
    assert body["opening_hours_text"] == (
        "Monday to Thursday, 8:00 am to 6:00 pm; Friday, 8:00 am to 12:00 pm and 1:00 pm to 6:00 pm"
    )
    changed = client.patch(
        f"{url}{body['id']}/", {"opening_hours": {"monday": "9-17"}}, format="json"
    ).json()
    assert changed["opening_hours"] == {"monday": [["09:00", "17:00"]]}
    assert changed["hours"] == "Melbourne time"  # untouched


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"monday": [["08:00", "17:50"]]}, "Monday: 17:50 is not on the quarter hour"),
        ({"friday": [["18:00", "08:00"]]}, "Friday: closing (08:00) must be after opening (18:00)"),
        ({"monday": [["8am"]]}, "Monday: give a list of opening and closing times"),
        ({"sunday": "10-16"}, "Open on at least one weekday"),
        ("9 to 5", "Give the hours by day"),
        ({"monday": [["noon", "25:30"]]}, "Monday: “25:30” is not a time of day"),
        ({"monday": [[None, {}]]}, "Monday: “None” is not a time of day"),
    ],
)
def test_bad_hours_are_a_400_with_the_reason(client, url, hours, message):
    response = client.post(url, {"channel": "telephone", "opening_hours": hours}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == "opening_hours" and message in body["detail"]
