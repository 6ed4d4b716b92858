"""Phases of a project and legal deadlines in the timetable: editor, schedule, drawing, table, CSV and iCalendar."""

import csv
import io
from datetime import date

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.roadmap.charts import gantt
from rathaus.roadmap.models import Phase
from rathaus.roadmap.selectors import project_figures, timetable
from rathaus.roadmap.services import phase_add
from rathaus.roadmap.tables import timetable_table

from .factories import PhaseFactory, ProjectFactory, RoadmapSettingsFactory


@pytest.fixture
def planned_project(esslingen):
    # 120 person-days at 60 a quarter: Q1 and Q2 2027, 1 January to 30 June (181 days).
    RoadmapSettingsFactory(municipality=esslingen, capacity_days=60, start_year=2027, start_quarter=1)
    project = ProjectFactory(municipality=esslingen, title="E-Akte im Ordnungsamt", effort_days=120)
    PhaseFactory(project=project, title="Konzeption", order=1, effort_percent=20)
    PhaseFactory(project=project, title="Umsetzung", order=2, effort_percent=60)
    PhaseFactory(project=project, title="Einführung", order=3, effort_percent=20)
    return project


def test_phases_are_consecutive_parts_of_the_projects_span(planned_project, esslingen):
    [planned] = timetable(municipality=esslingen).planned

    assert [(phase.title, phase.first_day, phase.last_day) for phase in planned.phases] == [
        ("Konzeption", date(2027, 1, 1), date(2027, 2, 5)),
        ("Umsetzung", date(2027, 2, 6), date(2027, 5, 25)),
        ("Einführung", date(2027, 5, 26), date(2027, 6, 30)),
    ]


def test_phases_are_drawn_as_titled_strips_and_listed_as_table_rows(planned_project, esslingen):
    plan = timetable(municipality=esslingen)

    [bar] = gantt(plan).rows
    rows = timetable_table(plan).rows

    assert [title for _x, _width, _fill, title in bar.phases] == [
        "Phase „Konzeption“: 01.01.2027 bis 05.02.2027",
        "Phase „Umsetzung“: 06.02.2027 bis 25.05.2027",
        "Phase „Einführung“: 26.05.2027 bis 30.06.2027",
    ]
    assert rows[1][:4] == ["E-Akte im Ordnungsamt – Phase: Konzeption (20 %)", "", "01.01.2027", "05.02.2027"]
    assert len(rows) == 4


def test_timeline_page_csv_and_calendar_carry_the_phases(planned_project, office_lead):
    client = client_for(ESSLINGEN_HOST, office_lead)

    page = client.get(reverse("roadmap:timeline")).content.decode()
    table = list(
        csv.reader(
            io.StringIO(client.get(reverse("roadmap:timeline_csv")).content.decode().lstrip("\ufeff")), delimiter=";"
        )
    )
    calendar = icalendar.Calendar.from_ical(client.get(reverse("roadmap:timeline_ical")).content)

    assert "<title>Phase „Umsetzung“: 06.02.2027 bis 25.05.2027</title>" in page
    assert ["E-Akte im Ordnungsamt – Phase: Umsetzung (60 %)", "", "06.02.2027", "25.05.2027", "", "", ""] in table
    phases = {
        str(event["summary"]): (event.decoded("dtstart"), event.decoded("dtend"))
        for event in calendar.walk("VEVENT")
        if "-phase-" in str(event["uid"])
    }
    assert phases["E-Akte im Ordnungsamt: Einführung"] == (date(2027, 5, 26), date(2027, 7, 1))
    assert len(phases) == 3


def test_phases_together_may_not_exceed_the_whole_effort(planned_project, esslingen, office_lead):
    with pytest.raises(ValidationError, match="frei sind noch 0 %"):
        phase_add(
            municipality=esslingen, actor=office_lead, project=planned_project, title="Nachsorge", effort_percent=5
        )

    assert planned_project.phases.count() == 3


def test_office_lead_adds_a_phase_on_the_project_page(esslingen, office_lead):
    project = ProjectFactory(municipality=esslingen)
    client = client_for(ESSLINGEN_HOST, office_lead)

    response = client.post(
        reverse("roadmap:phase_add", args=[project.pk]), {"phase-title": "Konzeption", "phase-effort_percent": "30"}
    )

    assert response.status_code == 302
    phase = Phase.objects.get(project=project)
    assert (phase.title, phase.effort_percent, phase.order) == ("Konzeption", 30, 1)
    page = client.get(reverse("roadmap:project_edit", args=[project.pk])).content.decode()
    assert "Konzeption: 30 % des Aufwands" in page


def test_a_phase_over_the_remaining_share_shows_the_error_in_the_title(planned_project, office_lead):
    response = client_for(ESSLINGEN_HOST, office_lead).post(
        reverse("roadmap:phase_add", args=[planned_project.pk]),
        {"phase-title": "Nachsorge", "phase-effort_percent": "10"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Fehler:" in content
    assert "frei sind noch 0 %" in content


def test_a_milestone_form_error_puts_fehler_into_the_page_title(esslingen, office_lead):
    project = ProjectFactory(municipality=esslingen)

    response = client_for(ESSLINGEN_HOST, office_lead).post(
        reverse("roadmap:milestone_add", args=[project.pk]), {"meilenstein-title": "Pilot"}
    )

    assert response.status_code == 200
    assert "<title>Fehler:" in response.content.decode()


def test_a_clerk_may_not_add_or_delete_phases(esslingen, clerk):
    phase = PhaseFactory(project=ProjectFactory(municipality=esslingen))
    client = client_for(ESSLINGEN_HOST, clerk)

    added = client.post(
        reverse("roadmap:phase_add", args=[phase.project_id]), {"phase-title": "X", "phase-effort_percent": "5"}
    )
    deleted = client.post(reverse("roadmap:phase_delete", args=[phase.project_id, phase.pk]))

    assert (added.status_code, deleted.status_code) == (403, 403)
    assert Phase.objects.filter(project=phase.project).count() == 1


def test_another_municipalitys_phase_cannot_be_deleted(musterhausen, office_lead):
    phase = PhaseFactory(project=ProjectFactory(municipality=musterhausen))

    response = client_for(ESSLINGEN_HOST, office_lead).post(
        reverse("roadmap:phase_delete", args=[phase.project_id, phase.pk])
    )

    assert response.status_code == 404
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_a_project_planned_past_its_legal_deadline_is_flagged_in_table_and_drawing(planned_project, esslingen):
    planned_project.legal_deadline = date(2027, 3, 31)
    planned_project.save()

    plan = timetable(municipality=esslingen)
    [bar] = gantt(plan).rows
    [row, *_phases] = timetable_table(plan).rows

    assert plan.planned[0].misses_legal_deadline
    assert row[6] == "Achtung: endet nach der gesetzlichen Frist (31.03.2027)"
    assert bar.deadline is not None
    assert bar.deadline[3] == "Gesetzliche Frist 31.03.2027: das Projekt endet erst danach"


def test_a_project_within_its_legal_deadline_shows_the_deadline_without_warning(planned_project, esslingen):
    planned_project.legal_deadline = date(2027, 12, 31)
    planned_project.save()

    plan = timetable(municipality=esslingen)

    assert timetable_table(plan).rows[0][6] == "31.12.2027"
    assert gantt(plan).rows[0].deadline is None


def test_a_project_with_a_legal_obligation_but_no_deadline_has_the_documented_urgency(esslingen):
    bound = ProjectFactory(municipality=esslingen, legal_obligation="Onlinezugangsgesetz (OZG), § 3")
    free = ProjectFactory(municipality=esslingen)

    figures = project_figures(municipality=esslingen, projects=[bound, free], today=date(2027, 1, 1))

    assert [item.legal_urgency for item in figures] == [365, 0]
