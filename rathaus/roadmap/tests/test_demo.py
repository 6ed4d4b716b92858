"""The demo roadmap of Esslingen: eight projects, repeatable, and a timetable that fits."""

import pytest
from django.core.management import call_command

from conftest import client_for
from rathaus.municipalities.models import Municipality
from rathaus.roadmap.demo import PROJECTS, load_roadmap
from rathaus.roadmap.figures import figures_for, period_of_months
from rathaus.roadmap.models import Milestone, Project
from rathaus.roadmap.selectors import timetable


@pytest.fixture
def demo(db):
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Municipality.objects.get(slug="esslingen")


def test_demo_projects_are_linked_to_services_and_load_twice_without_duplicates(demo):
    milestones = Milestone.objects.count()

    assert load_roadmap(demo) == len(PROJECTS) == 8

    assert Project.objects.filter(municipality=demo).count() == 8
    assert Milestone.objects.count() == milestones
    trade = Project.objects.get(municipality=demo, title="Gewerbeanmeldung online")
    assert sorted(trade.services.values_list("slug", flat=True)) == [
        "gewerbe-abmelden",
        "gewerbe-anmelden",
        "gewerbe-ummelden",
    ]
    assert [project.title for project in trade.dependencies.all()] == ["Bürgerkonto mit BundID"]


def test_demo_timetable_places_every_project_within_capacity(demo):
    result = timetable(municipality=demo)

    assert len(result.planned) == 8 and result.unscheduled == []
    assert all(days <= result.settings.capacity_days for _quarter, days in result.load)
    ends = {planned.project.pk: planned.end_index for planned in result.planned}
    for planned in result.planned:
        for dependency in planned.project.dependencies.all():
            assert planned.start_index > ends[dependency.pk]


def test_demo_figures_come_from_the_stored_demo_cases(demo):
    figures = figures_for(municipality=demo, period=period_of_months(12))

    assert figures.requests > 0
    assert figures.open > 0


def test_demo_roadmap_is_public_and_shows_every_project(demo):
    host = demo.host_names.values_list("name", flat=True).first()
    client = client_for(host)

    roadmap = client.get("/roadmap/").content.decode()
    assert all(project.title in roadmap for project in PROJECTS)
    assert client.get("/rathaus-in-zahlen/").status_code == 200


def test_every_demo_project_has_two_or_three_phases_within_its_effort(demo):
    load_roadmap(demo)

    for project in Project.objects.filter(municipality=demo).prefetch_related("phases"):
        titles = [phase.title for phase in project.phases.all()]
        assert titles in (["Konzeption", "Umsetzung"], ["Konzeption", "Umsetzung", "Einführung"])
        assert sum(phase.effort_percent for phase in project.phases.all()) <= 100
