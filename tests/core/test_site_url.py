"""SITE_URL, the address links leave the site with: checked at start-up (a missing or
malformed one stops a production server; one this server would refuse is warned about), and
set by `make run` from its PORT."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from charter.core.checks import site_url_check

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["charter.example.com", ".example.org"]
    settings.SECURE_SSL_REDIRECT = True
    return settings


def ids(found) -> list[str]:
    return [problem.id for problem in found]


def test_a_production_server_without_site_url_does_not_start(production):
    production.SITE_URL = ""
    with pytest.raises(SystemCheckError, match="SITE_URL is not set") as refused:
        call_command("check")
    assert "Set SITE_URL in the environment" in str(refused.value)


@pytest.mark.parametrize(
    "value",
    [
        "charter.example.com",
        "ftp://charter.example.com",
        "https://",
        "https://charter.example.com/charter",
        "https://charter.example.com?x=1",
        "https://charter.example.com:port",
        "https://someone:secret@charter.example.com",
        "https://charter example.com",
    ],
)
def test_a_malformed_site_url_stops_a_production_server(production, value):
    production.SITE_URL = value
    [problem] = site_url_check(None)
    assert problem.id == "charter.E002" and problem.is_serious()
    assert "is not an address links can start with" in problem.msg
    with pytest.raises(SystemCheckError, match=r"charter\.E002"):
        call_command("check")


@pytest.mark.parametrize(
    "value",
    ["https://charter.example.com", "https://charter.example.com:8443", "https://x.example.org"],
)
def test_a_good_site_url_passes(production, value):
    production.SITE_URL = value
    assert site_url_check(None) == []


def test_a_host_this_server_refuses_is_warned_about(production):
    production.SITE_URL = "https://charter.example.net"
    [problem] = site_url_check(None)
    assert problem.id == "charter.W001" and not problem.is_serious()
    assert "'charter.example.net' is not in ALLOWED_HOSTS" in problem.msg


def test_plain_http_where_every_request_goes_to_https_is_warned_about(production):
    production.SITE_URL = "http://charter.example.com"
    assert ids(site_url_check(None)) == ["charter.W003"]
    production.SITE_URL = "http://127.0.0.1:8080"  # a machine's own address: `make run`
    production.ALLOWED_HOSTS = ["127.0.0.1"]
    assert site_url_check(None) == []


def test_on_a_developers_machine_an_empty_site_url_is_the_local_address(settings):
    settings.DEBUG = True
    settings.SITE_URL = ""
    assert site_url_check(None) == []
    settings.SITE_URL = "127.0.0.1:8080"
    assert ids(site_url_check(None)) == ["charter.W002"]


def _make_run(*args: str, **env: str) -> str:
    """What `make run` would do (``make -n``: printed, not run), with make arguments ``args``
    and environment variables ``env``."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    result = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _serving_lines(printed: str) -> list[str]:
    commands = ("runserver", "db_worker", "run_scheduler", "seed_demo")
    lines = [line for line in printed.splitlines() if any(c in line for c in commands)]
    assert len(lines) == len(commands), printed
    return lines


@pytest.mark.parametrize("how", ["environment", "argument"])
def test_make_run_on_another_port_gives_links_on_that_port(how):
    printed = _make_run(PORT="8080") if how == "environment" else _make_run("PORT=8080")
    for line in _serving_lines(printed):
        assert "SITE_URL=http://127.0.0.1:8080 " in line, line
    assert any("runserver" in line and "127.0.0.1:8080" in line for line in printed.splitlines())


def test_make_run_keeps_a_site_url_given_to_it():
    for line in _serving_lines(_make_run(PORT="8080", SITE_URL="https://charter.example.com")):
        assert "SITE_URL=https://charter.example.com " in line, line
