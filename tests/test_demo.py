"""The demo organisation: staff from the seed's call data, logins that work, idempotent."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from charter.accounts.models import AuthorityLimit, Team, User
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
    cso_refund = AuthorityLimit.objects.get(role__code="cso", action="refund")
    assert (str(cso_refund.percent_of_value), str(cso_refund.max_amount)) == ("10.00", "25.00")
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
