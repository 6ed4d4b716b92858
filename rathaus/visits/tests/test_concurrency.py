"""A rush at the ticket machine and two counters calling at once: no number twice, nobody called twice.

Runs on PostgreSQL only: SQLite lets one writer in at a time, so there is no race to show.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from rathaus.visits import services
from rathaus.visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True)

TICKETS = 20


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite lets only one writer in at a time, so there is no race to test.")


def at_once(work: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run each callable in its own thread (and database connection), all released together."""
    barrier = threading.Barrier(len(work))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            result = job()
            with lock:
                results.append(result)
        except BaseException as error:  # noqa: BLE001 - reported by the tests
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_twenty_tickets_drawn_at_once_get_twenty_different_numbers(office):
    results, errors = at_once(
        [lambda: services.visit_walk_in(location=office.location, services=[office.id_card])] * TICKETS
    )

    assert errors == []
    assert sorted(visit.number for visit in results) == list(range(1, TICKETS + 1))


def test_two_counters_calling_at_once_call_two_different_people(office, clerk):
    for _number in range(2):
        services.visit_walk_in(location=office.location, services=[office.id_card])

    results, errors = at_once(
        [
            lambda: services.visit_call_next(counter=office.counter_one, staff=clerk),
            lambda: services.visit_call_next(counter=office.counter_two, staff=clerk),
        ]
    )

    assert errors == []
    assert len({visit.pk for visit in results}) == 2
    assert Visit.objects.filter(state=Visit.State.CALLED).count() == 2
