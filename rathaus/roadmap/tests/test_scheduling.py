"""Acceptance 2, second half: the timetable never starts a project before its prerequisites end and never exceeds capacity."""

import random

import pytest
from django.core.exceptions import ValidationError

from rathaus.roadmap import scheduling
from rathaus.roadmap.scheduling import Quarter, Task, schedule
from rathaus.roadmap.selectors import timetable
from rathaus.roadmap.services import project_save

from .factories import MilestoneFactory, ProjectFactory, RoadmapSettingsFactory


def _check(tasks: list[Task[int]], plan: scheduling.Schedule[int], capacity: int) -> None:
    by_key = {task.key: task for task in tasks}
    for key, placement in plan.placements.items():
        assert sum(placement.allocation.values()) == by_key[key].effort
        assert min(placement.allocation) == placement.start and max(placement.allocation) == placement.end
        for prerequisite in by_key[key].prerequisites:
            assert prerequisite in plan.placements
            assert placement.start > plan.placements[prerequisite].end
    load: dict[int, int] = {}
    for placement in plan.placements.values():
        for quarter, days in placement.allocation.items():
            load[quarter] = load.get(quarter, 0) + days
    assert load == {quarter: days for quarter, days in plan.load.items() if days}
    assert all(days <= capacity for days in load.values())


def test_known_projects_are_placed_by_priority_after_their_prerequisites_within_capacity():
    tasks = [
        Task(key=1, effort=40),
        Task(key=2, effort=50, prerequisites=frozenset({3})),
        Task(key=3, effort=30),
        Task(key=4, effort=130),
    ]
    plan = schedule(tasks, capacity=60)

    assert {
        key: (placement.start, placement.end, placement.allocation) for key, placement in plan.placements.items()
    } == {
        1: (0, 0, {0: 40}),
        3: (0, 1, {0: 20, 1: 10}),  # what is left of quarter 0, then quarter 1
        2: (2, 2, {2: 50}),
        4: (1, 4, {1: 50, 2: 10, 3: 60, 4: 10}),
    }
    _check(tasks, plan, 60)


@pytest.mark.parametrize("seed", range(300))
def test_random_plans_never_break_dependencies_or_capacity(seed):
    generator = random.Random(seed)
    count = generator.randint(1, 25)
    capacity = generator.randint(5, 120)
    tasks = []
    for key in range(count):
        earlier = list(range(key))
        prerequisites = frozenset(generator.sample(earlier, k=min(len(earlier), generator.randint(0, 3))))
        tasks.append(Task(key=key, effort=generator.randint(1, 150), prerequisites=prerequisites))
    generator.shuffle(tasks)  # priority order independent of the dependency order

    plan = schedule(tasks, capacity=capacity, horizon=10_000)

    assert set(plan.placements) == {task.key for task in tasks}
    _check(tasks, plan, capacity)


def test_a_cycle_and_what_depends_on_it_are_not_scheduled():
    tasks = [
        Task(key=1, effort=10, prerequisites=frozenset({2})),
        Task(key=2, effort=10, prerequisites=frozenset({1})),
        Task(key=3, effort=10, prerequisites=frozenset({2})),
        Task(key=4, effort=10),
    ]
    plan = schedule(tasks, capacity=60)

    assert set(plan.placements) == {4}
    assert plan.unscheduled[1] == str(scheduling.REASON_CYCLE)
    assert set(plan.unscheduled) == {1, 2, 3}


def test_a_project_too_large_for_the_horizon_is_reported_with_its_dependents():
    tasks = [Task(key=1, effort=500), Task(key=2, effort=5, prerequisites=frozenset({1}))]
    plan = schedule(tasks, capacity=10, horizon=8)

    assert plan.placements == {}
    assert plan.unscheduled == {1: str(scheduling.REASON_CAPACITY), 2: str(scheduling.REASON_PREREQUISITE)}


def test_finished_prerequisites_do_not_hold_a_project_back():
    plan = schedule([Task(key=2, effort=10, prerequisites=frozenset({1}))], capacity=10, done=frozenset({1}))

    assert plan.placements[2].start == 0


def test_quarters_count_on_from_the_planning_start():
    assert Quarter.at(2027, 3, 0).label == "Q3/2027"
    assert Quarter.at(2027, 3, 2).label == "Q1/2028"
    assert Quarter.at(2027, 4, 0).last_day.isoformat() == "2027-12-31"


def test_the_timetable_of_a_municipality_places_milestones_relative_to_the_start(esslingen):
    RoadmapSettingsFactory(municipality=esslingen, capacity_days=30, start_year=2027, start_quarter=1)
    base = ProjectFactory(municipality=esslingen, title="Bürgerkonto mit BundID", effort_days=30, expected_volume=10)
    follow = ProjectFactory(
        municipality=esslingen, title="Gewerbeanmeldung online", effort_days=10, expected_volume=5000
    )
    follow.dependencies.add(base)
    MilestoneFactory(project=follow, title="Pilot", week=2)

    result = timetable(municipality=esslingen)

    assert [(planned.project.title, planned.start.label, planned.end.label) for planned in result.planned] == [
        ("Bürgerkonto mit BundID", "Q1/2027", "Q1/2027"),
        ("Gewerbeanmeldung online", "Q2/2027", "Q2/2027"),
    ]
    assert [(milestone.title, milestone.day.isoformat()) for milestone in result.planned[1].milestones] == [
        ("Pilot", "2027-04-15")
    ]


def test_a_dependency_cycle_is_refused_with_a_german_message(esslingen, office_lead):
    first = ProjectFactory(municipality=esslingen)
    second = ProjectFactory(municipality=esslingen)
    second.dependencies.add(first)

    with pytest.raises(ValidationError, match="nicht von sich selbst abhängen"):
        project_save(municipality=esslingen, actor=office_lead, project=first, title=first.title, dependencies=[second])

    assert list(first.dependencies.all()) == []


def test_a_project_cannot_depend_on_another_municipalitys_project(esslingen, musterhausen, office_lead):
    foreign = ProjectFactory(municipality=musterhausen)

    with pytest.raises(ValidationError):
        project_save(municipality=esslingen, actor=office_lead, title="Neu", dependencies=[foreign])


def test_projects_under_way_keep_their_team_before_higher_ranked_ones(esslingen):
    from rathaus.roadmap.models import Project

    RoadmapSettingsFactory(municipality=esslingen, capacity_days=20, start_year=2027, start_quarter=1)
    ProjectFactory(municipality=esslingen, title="Hoch bewertet", effort_days=20, expected_volume=5000)
    ProjectFactory(
        municipality=esslingen,
        title="Schon begonnen",
        effort_days=20,
        expected_volume=10,
        status=Project.Status.IN_PROGRESS,
    )

    result = timetable(municipality=esslingen)

    assert [(planned.project.title, planned.rank, planned.start.label) for planned in result.planned] == [
        ("Schon begonnen", 2, "Q1/2027"),
        ("Hoch bewertet", 1, "Q2/2027"),
    ]


@pytest.mark.parametrize("dependent_first", [True, False])
def test_only_projects_on_a_cycle_are_told_of_the_cycle_whatever_the_order(dependent_first):
    cycle = [
        Task(key=1, effort=10, prerequisites=frozenset({2})),
        Task(key=2, effort=10, prerequisites=frozenset({1})),
    ]
    waiting = [
        Task(key=3, effort=10, prerequisites=frozenset({2})),
        Task(key=5, effort=10, prerequisites=frozenset({3})),
    ]
    tasks = [*waiting, *cycle] if dependent_first else [*cycle, *waiting]

    plan = schedule(tasks, capacity=60)

    assert plan.unscheduled == {
        1: str(scheduling.REASON_CYCLE),
        2: str(scheduling.REASON_CYCLE),
        3: str(scheduling.REASON_PREREQUISITE),
        5: str(scheduling.REASON_PREREQUISITE),
    }
