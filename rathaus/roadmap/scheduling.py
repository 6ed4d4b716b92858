"""The timetable: projects placed into quarters by priority, after their prerequisites, within capacity.

Greedy list scheduling. Repeatedly take the highest-priority project whose prerequisites are all
placed; it may start in the quarter after the last of them ends (never earlier), in the first quarter
from there that still has free capacity, and it takes as many person-days of each following quarter
as are free until its effort is covered, so it may span several quarters. No quarter ever carries more
than the capacity. Projects that cannot be placed (a prerequisite not placed, a cycle, or no room within
the horizon) are listed with the reason instead.
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from django.utils.translation import gettext_lazy as _

Key = TypeVar("Key", bound=Hashable)

HORIZON_QUARTERS = 40

REASON_PREREQUISITE = _("Eine Voraussetzung ist nicht eingeplant.")
REASON_CYCLE = _("Die Abhängigkeiten bilden einen Kreis.")
REASON_CAPACITY = _("Passt nicht in die Kapazität der nächsten zehn Jahre.")


@dataclass(frozen=True)
class Task(Generic[Key]):
    key: Key
    effort: int
    prerequisites: frozenset[Key] = frozenset()


@dataclass(frozen=True)
class Placement(Generic[Key]):
    key: Key
    start: int  # quarter index, 0 = the first planned quarter
    end: int  # last quarter index, inclusive
    allocation: dict[int, int]  # quarter index -> person-days


@dataclass
class Schedule(Generic[Key]):
    capacity: int
    placements: dict[Key, Placement[Key]] = field(default_factory=dict)
    unscheduled: dict[Key, str] = field(default_factory=dict)
    load: dict[int, int] = field(default_factory=dict)

    @property
    def quarters(self) -> int:
        """Number of quarters up to the last one used."""
        return max((placement.end for placement in self.placements.values()), default=-1) + 1


def schedule(
    tasks: list[Task[Key]],
    *,
    capacity: int,
    done: frozenset[Key] = frozenset(),
    horizon: int = HORIZON_QUARTERS,
) -> Schedule[Key]:
    """Place ``tasks`` (given in priority order); prerequisites in ``done`` count as finished already."""
    result: Schedule[Key] = Schedule(capacity=capacity)
    pending = list(tasks)
    while pending:
        ready = next(
            (task for task in pending if all(key in result.placements or key in done for key in task.prerequisites)),
            None,
        )
        if ready is None:
            _mark_blocked(pending, result)
            break
        pending.remove(ready)
        earliest = max(
            (result.placements[key].end + 1 for key in ready.prerequisites if key in result.placements), default=0
        )
        allocation = _allocate(ready.effort, earliest, capacity, result.load, horizon)
        if allocation is None:
            result.unscheduled[ready.key] = str(REASON_CAPACITY)
            pending = _drop_dependents(ready.key, pending, result)
            continue
        for quarter, days in allocation.items():
            result.load[quarter] = result.load.get(quarter, 0) + days
        result.placements[ready.key] = Placement(
            key=ready.key, start=min(allocation), end=max(allocation), allocation=allocation
        )
    return result


def _allocate(effort: int, earliest: int, capacity: int, load: dict[int, int], horizon: int) -> dict[int, int] | None:
    allocation: dict[int, int] = {}
    remaining = effort
    quarter = earliest
    while remaining > 0:
        if quarter >= horizon:
            return None
        free = capacity - load.get(quarter, 0)
        if free > 0:
            taken = min(free, remaining)
            allocation[quarter] = taken
            remaining -= taken
        quarter += 1
    return allocation


def _drop_dependents(key: Key, pending: list[Task[Key]], result: Schedule[Key]) -> list[Task[Key]]:
    """Everything that (directly or not) needs ``key`` cannot be placed either."""
    blocked = {key}
    changed = True
    while changed:
        changed = False
        for task in pending:
            if task.key not in blocked and task.prerequisites & blocked:
                blocked.add(task.key)
                result.unscheduled[task.key] = str(REASON_PREREQUISITE)
                changed = True
    return [task for task in pending if task.key not in blocked]


def _mark_blocked(pending: list[Task[Key]], result: Schedule[Key]) -> None:
    """Only tasks on a dependency cycle get the cycle reason; those merely waiting for one get the other."""
    prerequisites = {task.key: task.prerequisites for task in pending}
    for task in pending:
        on_cycle = _reaches(task.key, task.key, prerequisites)
        result.unscheduled[task.key] = str(REASON_CYCLE if on_cycle else REASON_PREREQUISITE)


def _reaches(start: Key, target: Key, prerequisites: dict[Key, frozenset[Key]]) -> bool:
    """Whether ``target`` is among the (direct or indirect) prerequisites of ``start`` within the pending tasks."""
    seen: set[Key] = set()
    frontier = list(prerequisites.get(start, frozenset()))
    while frontier:
        current = frontier.pop()
        if current == target:
            return True
        if current in seen or current not in prerequisites:
            continue
        seen.add(current)
        frontier.extend(prerequisites[current])
    return False


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def label(self) -> str:
        return f"Q{self.number}/{self.year}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * (self.number - 1) + 1, 1)

    @property
    def last_day(self) -> date:
        following = Quarter.at(self.year, self.number, 1).first_day
        return date.fromordinal(following.toordinal() - 1)

    @staticmethod
    def at(start_year: int, start_quarter: int, index: int) -> "Quarter":
        position = start_quarter - 1 + index
        return Quarter(year=start_year + position // 4, number=position % 4 + 1)
