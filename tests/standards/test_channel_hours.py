"""Each channel's opening hours in the charter: structured by day, checked, edited where the
manager edits channels, shown on the public page, and the hours a promise about that channel
runs on. Expected times are worked out by hand in the comments."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from charter.accounts.models import RoleCode
from charter.core.errors import DomainError
from charter.core.models import Closure, Organisation
from charter.standards import selectors, services
from charter.standards.models import ChannelOffer, CharterVersion, VersionStatus

MELBOURNE = ZoneInfo("Australia/Melbourne")
TELEPHONE = {d: [["08:00", "18:00"]] for d in ("monday", "tuesday", "wednesday", "thursday")}
TELEPHONE["friday"] = [["08:00", "18:00"]]


def mel(*args) -> datetime:
    return datetime(*args, tzinfo=MELBOURNE)


@pytest.fixture
def grace(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace")


@pytest.fixture
def draft(grace):
    Organisation.objects.create(
        name="Innovative Widgets", state="VIC", time_zone="Australia/Melbourne"
    )
    return services.charter_version_draft(actor=grace)


def _promise(grace, version, event, target, unit):
    services.promise_save(
        actor=grace, version=version, event=event, target=Decimal(target), unit=unit,
        wording=f"{event} within {target} {unit}.", measure="From when it is logged.",
    )  # fmt: skip


@pytest.fixture
def charter(grace, draft):
    """Complaints acknowledged within 4 business hours and resolved within 2 business days;
    the telephone line open 8 to 6 on weekdays, email 8:30 to 5, the web form at any time."""
    _promise(grace, draft, "complaint_acknowledge", 4, "business_hours")
    _promise(grace, draft, "complaint_resolve", 2, "business_days")
    services.channel_save(
        actor=grace, version=draft, channel="telephone", opening_hours=TELEPHONE,
        hours="Melbourne time",
    )  # fmt: skip
    services.channel_save(
        actor=grace, version=draft, channel="email",
        opening_hours=dict.fromkeys(TELEPHONE, "8:30-17:00"),
    )  # fmt: skip
    services.channel_save(actor=grace, version=draft, channel="web_form", hours="Open at any time")
    return services.charter_version_approve(actor=grace, version=draft)


def test_a_channel_keeps_its_hours_by_day_and_reads_them_back(grace, draft):
    offer = services.channel_save(
        actor=grace, version=draft, channel="telephone",
        opening_hours={**TELEPHONE, "saturday": "9:00-13:00"}, hours="Melbourne time",
    )  # fmt: skip
    offer.refresh_from_db()
    assert offer.opening_hours["saturday"] == [["09:00", "13:00"]]
    assert offer.opening_hours_text == (
        "Monday to Friday, 8:00 am to 6:00 pm; Saturday, 9:00 am to 1:00 pm"
    )
    assert offer.hours_text == (
        "Monday to Friday, 8:00 am to 6:00 pm; Saturday, 9:00 am to 1:00 pm. Melbourne time"
    )


@pytest.mark.parametrize(
    ("opening_hours", "message"),
    [
        ({"monday": "8:07-17:00"}, "Monday: 08:07 is not on the quarter hour"),
        ({"tuesday": [["18:00", "08:00"]]}, "Tuesday: closing (08:00) must be after opening"),
        ({"saturday": "9-13"}, "Open on at least one weekday"),
        ({"someday": "9-17"}, "“someday” is not a day of the week"),
        (["09:00", "17:00"], "Give the hours by day"),
    ],
)
def test_bad_hours_are_refused_with_the_reason(grace, draft, opening_hours, message):
    with pytest.raises(DomainError) as refused:
        services.channel_save(
            actor=grace, version=draft, channel="telephone", opening_hours=opening_hours
        )
    assert message in refused.value.message and refused.value.field == "opening_hours"
    assert not draft.channels.exists()


def test_a_channel_without_hours_needs_a_note(grace, draft):
    with pytest.raises(DomainError) as refused:
        services.channel_save(actor=grace, version=draft, channel="letter", hours=" ")
    assert refused.value.field == "hours" and "Say when the channel is open" in str(refused.value)
    letter = services.channel_save(
        actor=grace, version=draft, channel="letter", hours="Answered within 5 business days"
    )
    assert letter.opening_hours == {} and letter.opening_hours_text == ""


def test_the_next_draft_starts_with_the_same_hours(grace, charter):
    following = services.charter_version_draft(actor=grace)
    assert following.channels.get(channel="telephone").opening_hours == TELEPHONE


# --- Which hours a promise runs on ---------------------------------------------------------------


def test_a_complaint_runs_on_the_hours_of_the_channel_it_came_by(charter):
    received = mel(2026, 11, 19, 17, 30)  # Thursday 19 November 2026, 5:30 pm
    book = selectors.PromiseBook(["complaint_acknowledge", "complaint_resolve"])
    ack = "complaint_acknowledge"
    # Telephone, open till 6: 0.5 h on Thursday; Friday 8:00 + 3.5 h = 11:30.
    assert book.deadline(None, ack, received, channel="telephone").due == mel(2026, 11, 20, 11, 30)
    # Email, closed at 5: Friday 8:30 + 4 h = 12:30.
    assert book.deadline(None, ack, received, channel="email").due == mel(2026, 11, 20, 12, 30)
    # The web form publishes no hours, and a promise about no channel: the organisation's
    # service hours (9 to 5 by default): Friday 9:00 + 4 h = 13:00.
    assert book.deadline(None, ack, received, channel="web_form").due == mel(2026, 11, 20, 13)
    assert book.deadline(None, ack, received).due == mel(2026, 11, 20, 13)
    # Two business days from Thursday: Monday 23rd, at each one's closing time.
    resolve = "complaint_resolve"
    assert book.deadline(None, resolve, received, channel="telephone").due == mel(2026, 11, 23, 18)
    assert book.deadline(None, resolve, received, channel="email").due == mel(2026, 11, 23, 17)


def test_the_charters_hours_and_closures_are_read_once_for_many_deadlines(charter):
    Closure.objects.create(name="Shutdown", first_day=date(2026, 12, 24), last_day=date(2027, 1, 2))

    def count(days: int):
        with CaptureQueriesContext(connection) as queries:
            book = selectors.PromiseBook(["complaint_acknowledge", "complaint_resolve"])
            for day in range(1, days + 1):
                for channel in ("telephone", "email", "web_form", "letter", ""):
                    book.deadline(
                        None, "complaint_resolve", mel(2026, 12, day, 10), channel=channel
                    )
        return len(queries), book

    count(
        1
    )  # reads the promises, organisation, closures and channels' hours; the process keeps them
    few, _ = count(1)
    many, book = count(28)
    # Kept: only the settings generation is read (outside a request, once for the promises and
    # once for each channel's calendar), however many deadlines.
    assert many == few <= 6
    # Wednesday 23 December, telephone: 2 business days after the shutdown is Tuesday 5 January
    # 2027 (Monday 4th the first, Tuesday 5th the second) at 6 pm.
    due = book.deadline(None, "complaint_resolve", mel(2026, 12, 23, 10), channel="telephone")
    assert due.due == mel(2027, 1, 5, 18)


def test_only_the_approved_charters_hours_count(grace, charter):
    following = services.charter_version_draft(actor=grace)
    services.channel_save(
        actor=grace, version=following, offer=following.channels.get(channel="telephone"),
        opening_hours=dict.fromkeys(TELEPHONE, "07:00-21:00"),
    )  # fmt: skip
    # Still the approved version's 8 to 6: Thursday 5:30 pm + 4 h is Friday 11:30.
    calendar = selectors.channel_calendar("telephone")
    assert calendar.add_business_hours(mel(2026, 11, 19, 17, 30), 4) == mel(2026, 11, 20, 11, 30)
    services.charter_version_approve(actor=grace, version=following)
    # Now 7 to 9: 3.5 h on Thursday; Friday 7:00 + 0.5 h = 7:30.
    calendar = selectors.channel_calendar("telephone")
    assert calendar.add_business_hours(mel(2026, 11, 19, 17, 30), 4) == mel(2026, 11, 20, 7, 30)


# --- The pages -----------------------------------------------------------------------------------


def test_the_manager_edits_a_channels_hours_by_day_with_reasons_for_bad_times(
    client, grace, charter
):
    draft = services.charter_version_draft(actor=grace)
    offer = draft.channels.get(channel="telephone")
    url = reverse("standards:channel-edit", args=[draft.number, offer.pk])
    client.force_login(grace)
    page = client.get(url).content.decode()
    assert 'name="monday" value="08:00-18:00"' in page and 'name="saturday"' in page
    week = {d: "08:00-18:00" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    bad = client.post(url, {"channel": "telephone", **week, "friday": "8:00-17:50"})
    assert bad.status_code == 200
    assert "17:50 is not on the quarter hour: use :00, :15, :30 or :45." in bad.content.decode()
    backwards = client.post(url, {"channel": "telephone", **week, "monday": "18:00-08:00"})
    assert "closing (08:00) must be after opening (18:00)." in backwards.content.decode()
    unread = client.post(url, {"channel": "telephone", **week, "tuesday": "eight to six"})
    assert "“eight” is not a time of day" in unread.content.decode()
    offer.refresh_from_db()
    assert offer.opening_hours == TELEPHONE
    saved = client.post(
        url,
        {"channel": "telephone", **week, "saturday": "9 am to 1 pm", "hours": "Melbourne time"},
    )
    assert saved.status_code == 302
    offer.refresh_from_db()
    assert offer.opening_hours["saturday"] == [["09:00", "13:00"]]
    version_page = client.get(reverse("standards:charter-version", args=[draft.number]))
    assert "Saturday, 9:00 am to 1:00 pm" in version_page.content.decode()


def test_the_public_charter_shows_the_hours_from_the_structured_data(client, grace, charter):
    Closure.objects.create(
        name="Christmas shutdown", first_day=date(2099, 12, 24), last_day=date(2100, 1, 2)
    )
    page = client.get(reverse("public-charter")).content.decode()
    assert "Monday to Friday, 8:00 am to 6:00 pm" in page  # telephone, from its hours by day
    assert "Melbourne time" in page  # its note
    assert "Monday to Friday, 8:30 am to 5:00 pm" in page  # email
    assert "Open at any time" in page  # the web form: a note, no hours
    assert "our service hours: Monday to Friday, 9:00 am to 5:00 pm" in page
    assert "We close: Christmas shutdown, 24 December 2099 to 2 January 2100." in page


def test_comparing_versions_shows_changed_hours(client, grace, charter):
    following = services.charter_version_draft(actor=grace)
    services.channel_save(
        actor=grace, version=following, offer=following.channels.get(channel="telephone"),
        opening_hours=dict.fromkeys(TELEPHONE, "08:00-20:00"),
    )  # fmt: skip
    client.force_login(grace)
    compare = client.get(
        reverse("standards:charter-compare"), {"a": charter.number, "b": following.number}
    ).content.decode()
    assert "Channels: Telephone" in compare and "Opening hours" in compare
    assert '<del class="diff-removed">6:00</del> <ins class="diff-added">8:00</ins> pm' in compare


def test_the_draft_copied_for_an_old_install_keeps_its_text_and_runs_on_service_hours(grace):
    """A channel saved before hours had structure keeps its text as the note; promises about
    it run on the organisation's service hours until the manager gives it hours by day."""
    version = CharterVersion.objects.create(
        number=1, status=VersionStatus.APPROVED, approved_at=mel(2026, 1, 1)
    )
    ChannelOffer.objects.create(
        version=version, channel="telephone", hours="Monday to Friday, 8:00 am to 6:00 pm"
    )
    assert selectors.channel_hours() == {}
    # Thursday 5:30 pm, on 9 to 5: Friday 9:00 + 4 h.
    calendar = selectors.channel_calendar("telephone")
    assert calendar.add_business_hours(mel(2026, 11, 19, 17, 30), 4) == mel(2026, 11, 20, 13)
