"""Periodic jobs: a registry and the tick that queues whatever is due.

The scheduler keeps no state in memory: each job's last queue time is a row, and the tick claims
a due job with a conditional UPDATE so two schedulers never queue it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    task: object


_jobs: dict[str, PeriodicJob] = {}


def periodic(*, every: timedelta):
    """Register a django-tasks task to be queued every ``every``. Apply above ``@task()``."""

    def decorator(task_obj):
        _jobs[task_obj.module_path] = PeriodicJob(
            name=task_obj.module_path, every=every, task=task_obj
        )
        return task_obj

    return decorator


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def tick(now: datetime | None = None) -> list[str]:
    """Queue every job that is due at ``now``; return the names queued."""
    from .models import ScheduledJob

    now = now or timezone.now()
    queued = []
    for job in registered_jobs():
        ScheduledJob.objects.get_or_create(name=job.name)
        claimed = ScheduledJob.objects.filter(
            Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=now - job.every),
            name=job.name,
        ).update(last_enqueued_at=now)
        if claimed:
            job.task.enqueue()
            queued.append(job.name)
    return queued
