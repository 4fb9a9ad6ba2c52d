"""The demo organisation: staff from the seed's call data, logins that work, idempotent."""

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from charter.accounts.models import AuthorityLimit, Team, User
from charter.core.calendar import BusinessCalendar
from charter.core.demo_dates import story_dates
from charter.core.models import AuditEntry, Organisation

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db


def test_the_demo_has_innovative_widgets_staff_and_limits(demo, client):
    assert Organisation.objects.get().name == "Innovative Widgets"
    usernames = set(User.objects.values_list("username", flat=True))
    assert {
        "john",
        "mia",
        "nitin",
        "jonas",
        "taya",
        "mary",
        "grace",
        "alex",
        "ravi",
        "sofia",
        "priya",
        "omar",
    } <= usernames
    assert User.objects.get(username="john").role_codes == ["supervisor"]
    assert User.objects.get(username="mary").role_codes == ["cso"]
    assert not User.objects.get(username="nitin").is_active  # quit in the call data
    assert Team.objects.get(slug="returns-and-warranty").parent.name == "After-sales service"
    cso_goodwill = AuthorityLimit.objects.get(role__code="cso", action="goodwill")
    assert (str(cso_goodwill.percent_of_value), str(cso_goodwill.max_amount)) == ("10.00", "25.00")
    cso_refund = AuthorityLimit.objects.get(role__code="cso", action="refund")
    assert (str(cso_refund.percent_of_value), cso_refund.max_amount) == ("100.00", None)
    assert client.login  # the printed password works:
    response = client.post("/login/", {"username": "mary", "password": "demo-pass-123"})
    assert response.status_code == 302


def test_running_the_demo_twice_changes_nothing(demo):
    counts = (User.objects.count(), Team.objects.count(), AuthorityLimit.objects.count())
    entries = AuditEntry.objects.count()
    call_command("seed_demo", verbosity=0, history=False)
    assert (User.objects.count(), Team.objects.count(), AuthorityLimit.objects.count()) == counts
    assert AuditEntry.objects.count() == entries


def test_deploy_check_passes_with_production_values():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "charter.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789abcdef",
        "ALLOWED_HOSTS": "charter.example.com",
        "SITE_URL": "https://charter.example.com",
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "sqlite:///" + str(ROOT / "var/deploy-check.sqlite3")
        ),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- The story's dates move with the day the demo is loaded (charter.core.demo_dates) ---------
VICTORIA = BusinessCalendar(state="VIC", time_zone="Australia/Melbourne")

# load date: (the buyer's call "yesterday", the promised "last Friday"), worked out by hand on
# Victoria's calendar.
YORE_DAYS = {
    # A Monday: the call was on Friday, and "last Friday" is the Friday a week before it.
    date(2026, 12, 7): (date(2026, 12, 4), date(2026, 11, 27)),
    # A Tuesday: the call on Monday, last Friday the Friday of the previous week.
    date(2026, 12, 8): (date(2026, 12, 7), date(2026, 12, 4)),
    # A Friday, and the Saturday and Sunday after it.
    date(2027, 1, 15): (date(2027, 1, 14), date(2027, 1, 8)),
    date(2027, 1, 16): (date(2027, 1, 15), date(2027, 1, 8)),
    date(2027, 1, 17): (date(2027, 1, 15), date(2027, 1, 8)),
    # The day after Easter Monday: the call on the Thursday before Good Friday.
    date(2027, 3, 30): (date(2027, 3, 25), date(2027, 3, 19)),
    # The Wednesday after Easter: the previous week's Friday was Good Friday, so a week before.
    date(2027, 3, 31): (date(2027, 3, 30), date(2027, 3, 19)),
    # New Year's Day and Christmas Day were both Fridays: two weeks further back.
    date(2027, 1, 6): (date(2027, 1, 5), date(2026, 12, 18)),
    # The day after Melbourne Cup Day (a Tuesday holiday).
    date(2027, 11, 3): (date(2027, 11, 1), date(2027, 10, 29)),
    # The week after the Friday before the AFL Grand Final (a holiday).
    date(2027, 9, 29): (date(2027, 9, 28), date(2027, 9, 17)),
}


@pytest.mark.parametrize("today", sorted(YORE_DAYS))
def test_yore_mines_call_and_last_friday_follow_the_load_date(today):
    call, friday = YORE_DAYS[today]
    story = story_dates(today)
    assert story.complaint_day(VICTORIA) == call
    assert story.promised_friday(VICTORIA) == friday
    assert friday.weekday() == 4 and friday < call < today
    # "It's now a week later": the call comes at most a week after the promised day, unless
    # the Friday a week later was a public holiday (nothing is promised for one).
    assert (call - friday).days <= 7 or not VICTORIA.is_business_day(friday + timedelta(days=7))


# load date: (the story's October, the first day of the year of history)
STORY_MONTHS = {
    date(2026, 12, 7): (date(2026, 10, 1), date(2026, 1, 1)),  # the seeds' December
    date(2026, 12, 31): (date(2026, 10, 1), date(2026, 1, 1)),
    date(2027, 1, 4): (date(2026, 10, 1), date(2026, 2, 1)),
    date(2027, 3, 15): (date(2026, 10, 1), date(2026, 4, 1)),
    date(2027, 9, 30): (date(2026, 10, 1), date(2026, 10, 1)),
    date(2027, 10, 20): (date(2026, 10, 1), date(2026, 10, 1)),  # October not over yet
    date(2027, 11, 30): (date(2026, 10, 1), date(2026, 10, 1)),  # November not over yet
    date(2027, 12, 1): (date(2027, 10, 1), date(2027, 1, 1)),  # next year's December
}


@pytest.mark.parametrize("today", sorted(STORY_MONTHS))
def test_staff_events_and_the_year_of_history_follow_the_load_date(today):
    october, history_start = STORY_MONTHS[today]
    story = story_dates(today)
    assert (story.october, story.history_start) == (october, history_start)
    year = october.year
    # October and November have both ended, and are in the year of history.
    assert story.history_start <= story.october < story.november_end < today
    assert story.november_end == date(year, 11, 30)
    # Taya and Mary start on Mondays in October, Taya first; Nitin's last day is 31 October;
    # John is away from 1 October to 30 November.
    taya, mary = story.started["taya"], story.started["mary"]
    assert taya.month == mary.month == 10 and taya.weekday() == mary.weekday() == 0
    assert taya < mary and taya.day <= 7
    assert story.left == {"nitin": date(year, 10, 31)}
    assert story.leave == {"john": (date(year, 10, 1), date(year, 11, 30))}
    on_duty = {
        (name, day): story.on_duty(name, day)
        for name, day in [
            ("nitin", date(year, 10, 31)),
            ("nitin", date(year, 11, 1)),
            ("mary", mary - timedelta(days=1)),
            ("mary", mary),
            ("john", date(year, 9, 30)),
            ("john", date(year, 10, 1)),
            ("john", date(year, 11, 30)),
            ("john", date(year, 12, 1)),
        ]
    }
    assert list(on_duty.values()) == [
        True, False, False, True, True, False, False, True
    ]  # fmt: skip
    # The RATER runs: March and September of that year, before October.
    assert story.rater_runs == (date(year, 3, 2), date(year, 9, 1))
    # The history is about a year: eleven to fourteen months back.
    assert 11 <= (today.year - history_start.year) * 12 + today.month - history_start.month <= 14


def test_the_2026_story_reads_as_the_seeds_do():
    story = story_dates(date(2026, 12, 7))
    assert story.started == {"taya": date(2026, 10, 5), "mary": date(2026, 10, 12)}


def test_a_load_date_that_is_not_a_date_is_refused(db):
    with pytest.raises(CommandError, match="write it as YYYY-MM-DD"):
        call_command("seed_demo", today="15/03/2027", verbosity=0, history=False)


@pytest.mark.parametrize(
    ("today", "started", "left"),
    [
        ("2027-03-30", {"taya": date(2026, 10, 5), "mary": date(2026, 10, 12)}, date(2026, 10, 31)),
        ("2027-12-10", {"taya": date(2027, 10, 4), "mary": date(2027, 10, 11)}, date(2027, 10, 31)),
    ],
)
def test_the_demo_loaded_on_another_day_dates_its_staff_from_it(
    db, monkeypatch, today, started, left
):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo", today=today, verbosity=0, history=False)
    staff = {u.username: u for u in User.objects.all()}
    assert {name: staff[name].started_on for name in started} == started
    assert staff["nitin"].left_on == left and not staff["nitin"].is_active
    assert staff["john"].started_on == date(2019, 3, 4)  # long before the story
