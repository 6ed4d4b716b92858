"""Recurring background tasks: each pass queues the next one, so one chain per task keeps running.

django-tasks has no scheduler of its own. A recurring task therefore re-queues itself after every
pass (``recurring_task``, or ``recurring_schedule_next`` by hand), and the worker queues a first pass when it starts
(``recurring_ensure_scheduled``). A pass that finds another one already waiting does not queue its
own, so two chains (two workers starting together) merge into one at their next pass.
"""

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import django_tasks
from django.utils import timezone

if TYPE_CHECKING:
    from django_tasks.base import Task

T = TypeVar("T")


def recurring_waiting(task: "Task[Any, Any]") -> bool:
    """Whether a pass of ``task`` is queued and not yet started (database queue only)."""
    from django_tasks import TaskResultStatus

    backend = task.get_backend()
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the project always has the database backend
        return False
    if not isinstance(backend, DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        backend_name=backend.alias, task_path=task.module_path, status=TaskResultStatus.READY
    ).exists()


def recurring_enqueue(task: "Task[Any, Any]", run_after: datetime | None) -> bool:
    """Queue a pass of ``task`` (at once, or after ``run_after``) unless one is already waiting."""
    if not task.get_backend().supports_defer:
        # A backend that runs tasks at once would run the chain forever, right here.
        return False
    if recurring_waiting(task):
        return False
    if run_after is None:
        task.enqueue()
    else:
        task.using(run_after=run_after).enqueue()
    return True


def recurring_ensure_scheduled(task: "Task[Any, Any]") -> bool:
    """Queue a pass now unless one is already waiting; called when a worker starts."""
    return recurring_enqueue(task, run_after=None)


def recurring_schedule_next(task: "Task[Any, Any]", interval: timedelta) -> bool:
    """Queue the next pass after ``interval``, unless one is already waiting."""
    return recurring_enqueue(task, run_after=timezone.now() + interval)


def recurring_task(interval: Callable[[], timedelta]) -> Callable[[Callable[[], T]], "Task[[], T]"]:
    """Make a module-level function a task whose every pass, a failed one too, queues the next after ``interval()``.

    The task keeps the function's name and module, so the worker finds it as it finds any other task.
    """

    def decorate(run: Callable[[], T]) -> "Task[[], T]":
        @functools.wraps(run)
        def one_pass() -> T:
            try:
                return run()
            finally:
                recurring_schedule_next(recurring, interval())

        recurring: Task[[], T] = django_tasks.task()(one_pass)
        return recurring

    return decorate
