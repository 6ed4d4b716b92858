"""Pages of the figures and the roadmap: who may see them, what they show, and the downloads."""

import csv
import io
import re

import icalendar
import pytest
from django.urls import reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.cases.models import Case
from rathaus.cases.tests.factories import CaseFactory, CaseTypeFactory
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.roadmap.models import Project, RoadmapSettings

from .factories import MilestoneFactory, ProjectFactory, RoadmapSettingsFactory


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


@pytest.fixture
def counter_cases(esslingen, citizens_office):
    service = ServiceFactory(municipality=esslingen, name="Fundsachen")
    case_type = CaseTypeFactory(municipality=esslingen, service=service, responsible_unit=citizens_office)
    for _number in range(6):
        CaseFactory(case_type=case_type, channel=Case.Channel.COUNTER, applicant_name="Erika Mustermann")
    CaseFactory(case_type=case_type, channel=Case.Channel.ONLINE, applicant_name="Max Muster")
    return service


@pytest.fixture
def projects(esslingen):
    RoadmapSettingsFactory(municipality=esslingen, capacity_days=40)
    first = ProjectFactory(
        municipality=esslingen, title="Bürgerkonto mit BundID", expected_volume=100, effort_days=30, risk=1
    )
    second = ProjectFactory(
        municipality=esslingen, title="Gewerbeanmeldung online", expected_volume=900, minutes_saved_per_case=20
    )
    second.dependencies.add(first)
    MilestoneFactory(project=second, title="Pilot im Ordnungsamt", week=3)
    return first, second


# Figures ------------------------------------------------------------------------------------------


def test_office_lead_sees_the_figures_with_chart_table_and_csv(office_lead, counter_cases):
    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("roadmap:figures"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content and 'id="tabelle-anfragen"' in content
    assert "Fundsachen" in content
    assert "table=anfragen" in content


def test_clerk_is_refused_the_management_figures(clerk):
    assert client_for(ESSLINGEN_HOST, clerk).get(reverse("roadmap:figures")).status_code == 403


def test_figures_csv_parses_and_counts_the_channels(office_lead, counter_cases):
    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("roadmap:figures_csv"), {"table": "anfragen"})

    rows = _csv(response)
    assert rows[0][:3] == ["Monat", "online", "am Schalter online erfasst"]
    assert sum(int(row[3]) for row in rows[1:]) == 6
    assert sum(int(row[1]) for row in rows[1:]) == 1


def test_unknown_csv_table_is_not_found(office_lead):
    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("roadmap:figures_csv"), {"table": "geheim"})
    assert response.status_code == 404


def test_a_service_of_another_municipality_cannot_be_chosen(office_lead, musterhausen):
    foreign = ServiceFactory(municipality=musterhausen)
    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("roadmap:figures"), {"service": foreign.pk})

    assert response.status_code == 200
    assert response.context["figures"].service is None


def test_public_figures_show_no_names_and_hide_small_counts(counter_cases):
    response = client_for(ESSLINGEN_HOST).get(reverse("roadmap:public_figures"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Rathaus in Zahlen" in content
    assert "weniger als 5" in content
    assert "Mustermann" not in content and "Muster" not in content.replace("Musterhausen", "")


def test_public_figures_csv_leaves_out_what_would_give_a_hidden_count_back(counter_cases):
    client = client_for(ESSLINGEN_HOST)

    summary = dict(_csv(client.get(reverse("roadmap:public_figures_csv"), {"table": "ueberblick"}))[1:])
    months = _csv(client.get(reverse("roadmap:public_figures_csv"), {"table": "anfragen"}))

    # 6 at the counter and 1 online: with the total 7 or the share 14,3 % the single online request
    # would follow by subtraction, so the total and the shares are left out, not only the count.
    [this_month] = [row for row in months[1:] if row[3] == "6"]
    assert this_month[1:] == ["weniger als 5", "0", "6", "0", "0", "0", "–", "–"]
    assert summary["Anträge und Anliegen im Zeitraum"] == "–"
    assert summary["Anteil online"] == "–"
    assert summary["Entschiedene Anträge im Zeitraum"] == "0"
    assert all("7" not in cell and "14,3" not in cell for row in months for cell in row[1:])


def test_staff_figures_csv_keeps_the_exact_total_and_share(office_lead, counter_cases):
    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("roadmap:figures_csv"), {"table": "ueberblick"})

    summary = dict(_csv(response)[1:])
    assert summary["Anträge und Anliegen im Zeitraum"] == "7"
    assert summary["Anteil online"] == "14,3 %"


def _cases_of(esslingen, office, name: str, channels: list[str]):
    service = ServiceFactory(municipality=esslingen, name=name)
    case_type = CaseTypeFactory(municipality=esslingen, service=service, responsible_unit=office)
    for channel in channels:
        CaseFactory(case_type=case_type, channel=channel, applicant_name="Erika Mustermann")
    return service


def test_a_share_is_left_out_when_the_rest_is_a_small_count(esslingen, citizens_office):
    _cases_of(esslingen, citizens_office, "Fundsachen", [Case.Channel.ONLINE] * 6 + [Case.Channel.LETTER])
    _cases_of(esslingen, citizens_office, "Hundesteuer", [Case.Channel.COUNTER] * 5)

    response = client_for(ESSLINGEN_HOST).get(reverse("roadmap:public_figures_csv"), {"table": "leistungen"})

    rows = {row[0]: row[1:3] for row in _csv(response)[1:]}
    # 85,7 % online of 7 would say: exactly one request came another way.
    assert rows["Fundsachen"] == ["7", "–"]
    # The single letter is hidden in the months table; with 7 + 5 the period's total would give it back.
    assert rows["Hundesteuer"] == ["–", "–"]


def test_a_hidden_service_count_cannot_be_recovered_from_the_months(esslingen, citizens_office):
    _cases_of(esslingen, citizens_office, "Fundsachen", [Case.Channel.ONLINE] * 6)
    _cases_of(esslingen, citizens_office, "Hundesteuer", [Case.Channel.ONLINE] * 2)
    client = client_for(ESSLINGEN_HOST)

    services = {
        row[0]: row[1] for row in _csv(client.get(reverse("roadmap:public_figures_csv"), {"table": "leistungen"}))[1:]
    }
    months = _csv(client.get(reverse("roadmap:public_figures_csv"), {"table": "anfragen"}))
    page = client.get(reverse("roadmap:public_figures")).content.decode()

    assert services == {"Fundsachen": "6", "Hundesteuer": "weniger als 5"}
    # 8 online in the month minus the 6 shown for Fundsachen would be Hundesteuer's 2: the 8 is left out,
    # in the table and in the chart.
    assert all(cell in {"–", "0"} for row in months[1:] for cell in row[1:])
    assert ": 8</title>" not in page


# Roadmap ------------------------------------------------------------------------------------------


def test_ranking_shows_each_criterions_contribution(office_lead, projects):
    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("roadmap:overview"))

    assert response.status_code == 200
    ranked = response.context["ranked"]
    assert [entry.item.project.title for entry in ranked] == ["Gewerbeanmeldung online", "Bürgerkonto mit BundID"]
    assert [round(entry.score, 2) for entry in ranked] == [5.0, -1.0]
    content = response.content.decode()
    assert "Wert → Beitrag" in content
    assert "900 → 3,00" in content  # the yearly volume and its weighted contribution


def test_what_if_weights_rerank_without_saving(office_lead, projects, esslingen):
    weights = {"weight_benefit": 0, "weight_hours": 0, "weight_legal": 0, "weight_effort": 0, "weight_risk": 10}

    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("roadmap:overview"), weights)

    # Only risk counts now: the project with risk 1 overtakes the one with risk 3.
    assert [entry.item.project.title for entry in response.context["ranked"]] == [
        "Bürgerkonto mit BundID",
        "Gewerbeanmeldung online",
    ]
    assert response.context["preview"] is True
    assert "Gewichte speichern" not in response.content.decode()  # saving is for administrators
    assert RoadmapSettings.objects.get(municipality=esslingen).weight_risk == 1


def test_administrator_sees_the_save_button_with_the_previewed_weights(municipality_admin, projects):
    weights = {"weight_benefit": 0, "weight_hours": 0, "weight_legal": 0, "weight_effort": 0, "weight_risk": 10}

    content = client_for(ESSLINGEN_HOST, municipality_admin).get(reverse("roadmap:overview"), weights).content.decode()

    assert "Gewichte speichern" in content
    assert '<input type="hidden" name="weight_risk" value="10">' in content


def test_invalid_what_if_weights_show_the_error_summary(office_lead, projects):
    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("roadmap:overview"), {"weight_benefit": "viel"})

    assert "Es gibt ein Problem" in response.content.decode()
    assert response.context["preview"] is False


def test_admin_saves_weights_and_office_lead_may_not(municipality_admin, office_lead, esslingen, projects):
    data = {"weight_benefit": 1, "weight_hours": 2, "weight_legal": 9, "weight_effort": 0, "weight_risk": 4}

    refused = client_for(ESSLINGEN_HOST, office_lead).post(reverse("roadmap:weights_save"), data)
    assert refused.status_code == 403

    response = client_for(ESSLINGEN_HOST, municipality_admin).post(reverse("roadmap:weights_save"), data)
    assert response.status_code == 302
    saved = RoadmapSettings.objects.get(municipality=esslingen)
    assert (saved.weight_benefit, saved.weight_legal, saved.weight_risk) == (1, 9, 4)


def test_office_lead_creates_a_project_with_services_and_dependencies(office_lead, esslingen, projects):
    service = ServiceFactory(municipality=esslingen, name="Hundesteuer")
    data = {
        "title": "Digitale Hundesteuer",
        "status": Project.Status.PLANNED,
        "services": [service.pk],
        "dependencies": [projects[0].pk],
        "effort_days": 15,
        "risk": 2,
        "minutes_saved_per_case": 10,
    }
    response = client_for(ESSLINGEN_HOST, office_lead).post(reverse("roadmap:project_create"), data)

    project = Project.objects.get(title="Digitale Hundesteuer")
    assert response.status_code == 302
    assert list(project.services.all()) == [service]
    assert list(project.dependencies.all()) == [projects[0]]


def test_a_dependency_cycle_in_the_form_shows_a_german_error(office_lead, projects):
    first, second = projects
    data = {
        "title": first.title,
        "status": first.status,
        "dependencies": [second.pk],
        "effort_days": 30,
        "risk": 3,
        "minutes_saved_per_case": 0,
    }

    response = client_for(ESSLINGEN_HOST, office_lead).post(reverse("roadmap:project_edit", args=[first.pk]), data)

    assert response.status_code == 200
    assert "nicht von sich selbst abhängen" in response.content.decode()


def test_another_municipalitys_project_is_not_found(musterhausen_admin, projects):
    response = client_for(MUSTERHAUSEN_HOST, musterhausen_admin).get(
        reverse("roadmap:project_edit", args=[projects[0].pk])
    )
    assert response.status_code == 404


def test_milestone_needs_a_date_or_a_week(office_lead, projects):
    client = client_for(ESSLINGEN_HOST, office_lead)
    url = reverse("roadmap:milestone_add", args=[projects[0].pk])

    refused = client.post(url, {"meilenstein-title": "Abnahme"})
    assert "entweder ein Datum oder eine Woche" in refused.content.decode()

    client.post(url, {"meilenstein-title": "Abnahme", "meilenstein-date": "2027-03-01"})
    assert [milestone.title for milestone in projects[0].milestones.all()] == ["Abnahme"]


def test_suggestion_becomes_a_project(office_lead, counter_cases, esslingen):
    client = client_for(ESSLINGEN_HOST, office_lead)
    overview = client.get(reverse("roadmap:overview"))
    assert [suggestion.service for suggestion in overview.context["suggestions"]] == [counter_cases]

    response = client.post(reverse("roadmap:suggestion_create", args=[counter_cases.pk]))

    project = Project.objects.get(municipality=esslingen)
    assert response.status_code == 302
    assert project.title == "Fundsachen online"
    assert list(project.services.all()) == [counter_cases]
    assert client.get(reverse("roadmap:overview")).context["suggestions"] == []


def test_assumed_volume_replaces_the_measured_one(office_lead, esslingen, counter_cases, projects):
    projects[1].services.add(counter_cases)
    client = client_for(ESSLINGEN_HOST, office_lead)
    prefix = f"leistung-{counter_cases.pk}"

    client.post(
        reverse("roadmap:volume_save", args=[counter_cases.pk]),
        {f"{prefix}-yearly_volume": "2400", f"{prefix}-source": "Fundbüro 2025"},
    )

    page = client.get(reverse("roadmap:volumes")).content.decode()
    assert "Im Portal gezählt: 7" in page and "Es gilt die Annahme: 2400." in page


def test_timeline_shows_the_gantt_chart_and_table(office_lead, projects):
    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("roadmap:timeline"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<polygon" in content and "<title>Meilenstein „Pilot im Ordnungsamt“" in content
    assert 'id="tabelle-zeitplan"' in content


def test_timeline_csv_and_icalendar_parse(office_lead, projects):
    client = client_for(ESSLINGEN_HOST, office_lead)

    rows = _csv(client.get(reverse("roadmap:timeline_csv")))
    assert [row[:4] for row in rows[1:]] == [
        ["Bürgerkonto mit BundID", "2", "Q1/2027", "Q1/2027"],
        ["Gewerbeanmeldung online", "1", "Q2/2027", "Q2/2027"],
    ]

    calendar = icalendar.Calendar.from_ical(client.get(reverse("roadmap:timeline_ical")).content)
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert summaries == [
        "Bürgerkonto mit BundID",
        "Gewerbeanmeldung online",
        "Gewerbeanmeldung online: Pilot im Ordnungsamt",
    ]
    first = calendar.walk("VEVENT")[0]
    assert first.decoded("dtstart").isoformat() == "2027-01-01"
    assert first.decoded("dtend").isoformat() == "2027-04-01"


def test_public_roadmap_is_not_found_until_switched_on(esslingen, municipality_admin, projects):
    anonymous = client_for(ESSLINGEN_HOST)
    assert anonymous.get(reverse("roadmap:public_roadmap")).status_code == 404

    admin = client_for(ESSLINGEN_HOST, municipality_admin)
    admin.post(
        reverse("roadmap:settings"),
        {"capacity_days": 40, "start_year": 2027, "start_quarter": 1, "public_roadmap": "on"},
    )

    response = anonymous.get(reverse("roadmap:public_roadmap"))
    assert response.status_code == 200
    assert "Gewerbeanmeldung online" in response.content.decode()


def test_office_lead_may_not_change_the_roadmap_settings(office_lead):
    assert client_for(ESSLINGEN_HOST, office_lead).get(reverse("roadmap:settings")).status_code == 403


def test_another_municipalitys_public_roadmap_stays_separate(musterhausen, projects, esslingen):
    RoadmapSettings.objects.filter(municipality=esslingen).update(public_roadmap=True)
    RoadmapSettingsFactory(municipality=musterhausen, public_roadmap=True)

    response = client_for(MUSTERHAUSEN_HOST).get(reverse("roadmap:public_roadmap"))

    assert response.status_code == 200
    assert "Gewerbeanmeldung online" not in response.content.decode()


def test_public_roadmap_leaves_out_ideas(esslingen, projects):
    RoadmapSettings.objects.filter(municipality=esslingen).update(public_roadmap=True)
    ProjectFactory(municipality=esslingen, title="Chatbot fürs Bürgeramt", status=Project.Status.IDEA)

    content = client_for(ESSLINGEN_HOST).get(reverse("roadmap:public_roadmap")).content.decode()

    assert "Gewerbeanmeldung online" in content
    assert "Chatbot" not in content


def test_timeline_queries_do_not_grow_with_the_number_of_projects(
    office_lead, esslingen, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    RoadmapSettingsFactory(municipality=esslingen)
    client = client_for(ESSLINGEN_HOST, office_lead)

    def queries_for(count: int) -> int:
        for _number in range(count):
            project = ProjectFactory(municipality=esslingen)
            MilestoneFactory(project=project)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("roadmap:timeline")).status_code == 200
        return len(captured)

    assert queries_for(3) == queries_for(20)


def test_figures_start_with_the_last_twelve_months_selected(counter_cases):
    content = client_for(ESSLINGEN_HOST).get(reverse("roadmap:public_figures")).content.decode()

    assert '<option value="12" selected>' in content


def test_the_project_page_gives_every_field_of_its_three_forms_its_own_id(office_lead, projects):
    client = client_for(ESSLINGEN_HOST, office_lead)
    pages = [
        client.get(reverse("roadmap:project_edit", args=[projects[0].pk])).content.decode(),
        # Shown again with the milestone's error.
        client.post(
            reverse("roadmap:milestone_add", args=[projects[0].pk]), {"meilenstein-title": "Abnahme"}
        ).content.decode(),
    ]

    for page in pages:
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert len(ids) == len(set(ids))
        assert 'for="id_meilenstein-title"' in page and 'id="id_meilenstein-title"' in page
