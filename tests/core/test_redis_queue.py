"""Redis as the queue is a setting, not a code change: the same task runs on an RQ worker."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


def _manage(env, *args, timeout=120):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_task_queued_on_redis_is_run_by_an_rq_worker(tmp_path):
    if not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "charter.settings",
        "DEBUG": "true",
        "TASK_BACKEND": "rq",
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rq.sqlite3'}",
        "CHARTER_VAR_DIR": str(tmp_path),
    }
    _manage(env, "migrate", "--noinput")
    enqueue = (
        "from charter.core.tasks import prune_finished_task_results as t;"
        "r = t.enqueue(); print(r.id)"
    )
    task_id = _manage(env, "shell", "-c", enqueue).strip().splitlines()[-1]
    _manage(env, "rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job")
    check = (
        "from charter.core.tasks import prune_finished_task_results as t;"
        f"r = t.get_result({task_id!r}); print(r.status, r.return_value)"
    )
    assert _manage(env, "shell", "-c", check).strip().splitlines()[-1] == "SUCCESSFUL 0"
