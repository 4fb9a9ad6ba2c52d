"""The demos' charters give each channel its hours by day, matching their words, and deadlines
run on them. Expected times are worked out by hand in the comments (Thursday 19 November 2026;
Friday 2 October 2026 is followed by a weekend and NSW's Labour Day, Monday 5 October)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from charter.core.models import Closure, Organisation
from charter.customers.models import Customer
from charter.standards import selectors
from charter.standards.models import PromiseEvent
from tests.standards.test_demo_bank import aisha, bank  # noqa: F401

MELBOURNE, SYDNEY = ZoneInfo("Australia/Melbourne"), ZoneInfo("Australia/Sydney")
ACK = PromiseEvent.COMPLAINT_ACKNOWLEDGE


def test_innovative_widgets_channels_open_as_their_words_say(demo, client):
    channels = {c.channel: c for c in selectors.current_version().channels.all()}
    assert channels["telephone"].opening_hours_text == "Monday to Friday, 8:00 am to 6:00 pm"
    assert channels["email"].opening_hours_text == "Monday to Friday, 8:30 am to 5:00 pm"
    assert channels["face_to_face"].opening_hours_text == "Monday to Friday, 9:00 am to 4:00 pm"
    assert channels["web_form"].opening_hours == {}  # open at any time: the service hours
    organisation = Organisation.objects.get()
    assert organisation.weekly_hours.text() == "Monday to Friday, 8:30 am to 5:00 pm"
    year = timezone.localdate(timezone.now(), MELBOURNE).year
    shutdown = Closure.objects.get(first_day=date(year, 12, 24))
    assert (shutdown.name, shutdown.last_day) == ("Christmas shutdown", date(year + 1, 1, 2))
    page = client.get(reverse("public-charter")).content.decode()
    assert "Monday to Friday, 8:00 am to 6:00 pm" in page


def test_yore_mines_telephone_complaint_runs_on_the_telephone_lines_hours(demo):
    yore = Customer.objects.get(reference="IW-0001")  # a key account: 4 business hours
    thursday = datetime(2026, 11, 19, 17, 30, tzinfo=MELBOURNE)
    by_phone = selectors.deadline_for(yore, ACK, thursday, channel="telephone")
    # The line is open till 6: 0.5 h on Thursday; Friday 8:00 + 3.5 h = 11:30.
    assert by_phone.due == datetime(2026, 11, 20, 11, 30, tzinfo=MELBOURNE)
    by_email = selectors.deadline_for(yore, ACK, thursday, channel="email")
    # Email is answered 8:30 to 5: Friday 8:30 + 4 h = 12:30.
    assert by_email.due == datetime(2026, 11, 20, 12, 30, tzinfo=MELBOURNE)


def test_the_banks_telephone_line_opens_on_saturday_mornings(aisha):  # noqa: F811
    channels = {c.channel: c for c in selectors.current_version().channels.all()}
    assert channels["telephone"].opening_hours_text == (
        "Monday to Friday, 8:00 am to 8:00 pm; Saturday, 9:00 am to 1:00 pm"
    )
    assert "lost or stolen cards at any time" in channels["telephone"].hours
    friday = datetime(2026, 10, 2, 10, 0, tzinfo=SYDNEY)
    # One business day by telephone: not Saturday (a business day is a weekday), not Sunday,
    # not Labour Day: Tuesday 6 October at the line's 8 pm.
    ack = selectors.deadline_for(aisha, ACK, friday, channel="telephone")
    assert ack.due == datetime(2026, 10, 6, 20, 0, tzinfo=SYDNEY)
    # By email (answered 9 to 5): Tuesday 6 October at 5 pm.
    ack = selectors.deadline_for(aisha, ACK, friday, channel="email")
    assert ack.due == datetime(2026, 10, 6, 17, 0, tzinfo=SYDNEY)
