"""`make run` serves what a user meets in production: Charter's own error pages (not Django's
debug pages), static files from WhiteNoise, and a 404 for a static path that tries to leave its
folder. The server is started with the very environment and command the Makefile uses."""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _make_variable(name: str, env: dict) -> str:
    """A variable of the Makefile as its recipes see it (expanded by make and the shell)."""
    result = subprocess.run(
        [
            "make",
            "-s",
            "--no-print-directory",
            "--eval",
            "print-%: ; @echo $($*)",
            f"print-{name}",
            f"PY={sys.executable}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, method: str = "GET") -> tuple[int, str, str]:
    """The path is sent exactly as written: no client tidies up "..", as an attacker's would not."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read().decode()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    var = tmp_path_factory.mktemp("make-run-var")
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(
        CHARTER_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var / 'charter.sqlite3'}",
        LOG_LEVEL="WARNING",
    )
    run_env, serve = _make_variable("RUN_ENV", env), _make_variable("SERVE", env)
    assert "DEBUG=false" in run_env
    python = sys.executable
    for command in ("migrate --noinput", "collectstatic --noinput --verbosity 0"):
        subprocess.run(
            f"{run_env} {python} manage.py {command}",
            shell=True,
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
    port = _free_port()
    server = subprocess.Popen(
        f"exec env {serve} 127.0.0.1:{port}",  # env: the assignments, then the server
        shell=True,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("make run's server did not start")
                time.sleep(0.25)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_make_run_shows_charters_404_page_not_the_debug_page(served):
    status, kind, html = _get(served, "/no-such-page/")
    assert status == 404 and kind.startswith("text/html")
    assert "We could not find that page" in html
    assert "Where to go from here" in html
    assert "Traceback" not in html and "DEBUG" not in html and "URLconf" not in html


def test_make_run_serves_the_static_files_through_whitenoise(served):
    status, kind, _ = _get(served, "/static/core/charter.css")
    assert status == 200 and kind.startswith("text/css")
    _, _, html = _get(served, "/login/")
    assert "/static/core/charter." in html  # the collected (hashed) stylesheet


@pytest.mark.parametrize(
    "path",
    [
        "/static/../charter/settings.py",
        "/static/%2e%2e/charter/settings.py",
        "/static/..%2fcharter%2fsettings.py",
        "/static/%2e%2e%2fcharter%2fsettings.py",
        "/static/core/../../../../../etc/passwd",
        "/static/..%5ccharter%5csettings.py",
        "/static/%2fetc%2fpasswd",
        "/media/../charter/settings.py",
    ],
)
def test_make_run_answers_404_to_a_static_path_that_leaves_its_folder(served, path):
    status, _, body = _get(served, path)
    assert status == 404
    assert "SECRET_KEY" not in body and "root:" not in body


def test_make_run_refuses_a_forged_form_with_charters_page(served):
    status, _, html = _get(served, "/login/", method="POST")
    assert status == 403
    assert "That form could not be accepted" in html


def test_make_run_keeps_api_errors_json(served):
    status, kind, _ = _get(served, "/api/v1/approvals/null,null/approve/", method="POST")
    assert status == 404 and kind == "application/json"
