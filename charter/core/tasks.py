"""Background work helpers and core's periodic jobs.

Tasks take ids, load the record and call a service. They are queued on commit so they never see
uncommitted data, and every periodic job finds what is due by a query, so nothing is lost when a
worker or the scheduler was down.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task

from .audit import audit_context
from .models import Interface
from .scheduling import periodic


def enqueue_on_commit(task_obj, *args, **kwargs) -> None:
    """Queue ``task_obj`` once the current transaction commits (at once if there is none).

    ``task_obj`` is a task or its dotted path (``"charter.cases.tasks.tell_owner"``). Services
    name their tasks by path, so a services module never imports the tasks module that calls
    it back: the arrows run services -> tasks -> work, with no circle.
    """
    if isinstance(task_obj, str):
        task_obj = import_string(task_obj)
    transaction.on_commit(partial(task_obj.enqueue, *args, **kwargs))


@periodic(every=timedelta(days=1))
@task()
def prune_finished_task_results() -> int:
    """Drop finished task results older than 30 days so the queue table stays small."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    with audit_context(interface=Interface.TASK, source="prune_finished_task_results"):
        cutoff = timezone.now() - timedelta(days=30)
        deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
