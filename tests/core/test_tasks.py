"""Background work: queued on commit, and periodic jobs found by a query."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from charter.core import scheduling
from charter.core.models import ScheduledJob
from charter.core.tasks import enqueue_on_commit, prune_finished_task_results


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_inside_a_transaction_is_queued_only_after_commit():
    with transaction.atomic():
        enqueue_on_commit(prune_finished_task_results)
        assert DBTaskResult.objects.count() == 0
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_transaction_that_rolls_back_is_never_queued():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(prune_finished_task_results)
        raise RuntimeError("rolled back")
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_queued_tasks(run_worker):
    prune_finished_task_results.enqueue()
    assert run_worker() == 1
    assert DBTaskResult.objects.successful().count() == 1


@pytest.mark.django_db
def test_the_scheduler_queues_each_due_job_once_and_catches_up_after_downtime():
    now = timezone.now()
    names = {job.name for job in scheduling.registered_jobs()}
    assert "charter.core.tasks.prune_finished_task_results" in names
    queued = scheduling.tick(now)
    assert set(queued) == names
    # Not due again within its interval (the shortest, the log counts' refresh, is a minute).
    assert scheduling.tick(now + timedelta(seconds=59)) == []
    assert scheduling.tick(now + timedelta(minutes=1)) == ["charter.cases.tasks.refresh_log_counts"]
    # A scheduler that was down for two days queues the job once, not once per missed day.
    later = scheduling.tick(now + timedelta(days=2))
    assert later.count("charter.core.tasks.prune_finished_task_results") == 1
    assert ScheduledJob.objects.get(
        name="charter.core.tasks.prune_finished_task_results"
    ).last_enqueued_at == now + timedelta(days=2)
