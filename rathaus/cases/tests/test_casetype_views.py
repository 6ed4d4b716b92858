"""Administrators configure case types: office, deadlines, four eyes, retention, letter and workflow."""

import copy
import json

import pytest
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.audit.models import AuditEntry
from rathaus.cases import workflow as flow
from rathaus.cases.models import CaseType
from rathaus.cases.tests.factories import CaseFactory, CaseTypeFactory
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.municipalities.tests.factories import OrganisationalUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(esslingen, citizens_office):
    service = ServiceFactory(municipality=esslingen, name="Bewohnerparkausweis")
    service.responsible_units.add(citizens_office)
    return service


def _edit_url(service) -> str:
    return reverse("cases:case_type_edit", args=[service.pk])


def _values(unit, **changes) -> dict:
    values = {
        "responsible_unit": unit.pk,
        "processing_days": "15",
        "reminder_days": "2",
        "four_eyes": "on",
        "retention_days": "365",
        "letter_template": "Guten Tag {{ antragsteller }}, {{ entscheidung }}",
        "workflow": "",
    }
    values.update(changes)
    return values


def test_the_list_shows_every_service_with_its_case_type_or_the_default(
    esslingen, service, civil_works_office, municipality_admin
):
    configured = ServiceFactory(municipality=esslingen, name="Sondernutzung")
    CaseTypeFactory(municipality=esslingen, service=configured, responsible_unit=civil_works_office, four_eyes=True)

    response = client_for(ESSLINGEN_HOST, municipality_admin).get(reverse("cases:case_type_list"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Bewohnerparkausweis" in content
    assert "Standard, wird beim ersten Vorgang angelegt" in content
    assert "Sondernutzung" in content
    assert "Tiefbauamt" in content


def test_opening_the_form_of_a_new_service_creates_nothing(service, municipality_admin):
    response = client_for(ESSLINGEN_HOST, municipality_admin).get(_edit_url(service))

    assert response.status_code == 200
    assert "Bürgeramt Esslingen" in response.content.decode()
    assert not CaseType.objects.filter(service=service).exists()


def test_the_administrator_saves_a_case_type(service, citizens_office, municipality_admin):
    response = client_for(ESSLINGEN_HOST, municipality_admin).post(_edit_url(service), _values(citizens_office))

    assert response.status_code == 302
    case_type = CaseType.objects.get(service=service)
    assert case_type.responsible_unit == citizens_office
    assert (case_type.processing_days, case_type.reminder_days, case_type.retention_days) == (15, 2, 365)
    assert case_type.four_eyes is True
    assert case_type.letter_template == "Guten Tag {{ antragsteller }}, {{ entscheidung }}"
    assert case_type.workflow == {}
    assert AuditEntry.objects.filter(action="case_type.updated", actor_id=municipality_admin.pk).exists()


def test_a_service_without_an_office_gets_its_case_type_from_the_office_the_administrator_chooses(
    esslingen, civil_works_office, municipality_admin
):
    orphan = ServiceFactory(municipality=esslingen, name="Sondernutzungserlaubnis")

    response = client_for(ESSLINGEN_HOST, municipality_admin).post(_edit_url(orphan), _values(civil_works_office))

    assert response.status_code == 302
    assert CaseType.objects.get(service=orphan).responsible_unit == civil_works_office


def test_a_custom_workflow_is_saved(service, citizens_office, municipality_admin):
    custom = copy.deepcopy(flow.DEFAULT_WORKFLOW)
    custom["states"][1]["label"] = "In Prüfung"

    client_for(ESSLINGEN_HOST, municipality_admin).post(
        _edit_url(service), _values(citizens_office, workflow=json.dumps(custom))
    )

    assert CaseType.objects.get(service=service).workflow["states"][1]["label"] == "In Prüfung"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"workflow": "{kein json"}, "kein gültiges JSON"),
        ({"workflow": json.dumps({"states": [], "transitions": []})}, "Liste von Zuständen"),
        ({"workflow": json.dumps({**flow.DEFAULT_WORKFLOW, "initial": "gibt_es_nicht"})}, "Anfangszustand"),
        ({"letter_template": "{% if antragsteller %}ohne Ende"}, "Die Vorlage enthält einen Fehler"),
        ({"processing_days": "0"}, "größer oder gleich 1"),
    ],
    ids=["json", "no-states", "initial", "template", "days"],
)
def test_invalid_settings_are_shown_in_the_error_summary(
    service, citizens_office, municipality_admin, changes, message
):
    response = client_for(ESSLINGEN_HOST, municipality_admin).post(
        _edit_url(service), _values(citizens_office, **changes)
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "<title>Fehler:" in content
    assert "Es gibt ein Problem" in content
    assert message in content
    assert not CaseType.objects.filter(service=service).exists()


def test_a_workflow_must_keep_the_states_cases_are_in(esslingen, service, citizens_office, municipality_admin):
    case_type = CaseTypeFactory(municipality=esslingen, service=service, responsible_unit=citizens_office)
    CaseFactory(case_type=case_type, state=flow.WAITING)
    reduced = copy.deepcopy(flow.DEFAULT_WORKFLOW)
    reduced["states"] = [state for state in reduced["states"] if state["key"] != flow.WAITING]
    reduced["transitions"] = [
        {**transition, "from": [key for key in transition["from"] if key != flow.WAITING]}
        for transition in reduced["transitions"]
        if transition["to"] != flow.WAITING and transition["from"] != [flow.WAITING]
    ]

    response = client_for(ESSLINGEN_HOST, municipality_admin).post(
        _edit_url(service), _values(citizens_office, workflow=json.dumps(reduced))
    )

    assert response.status_code == 400
    assert "rueckfrage" in response.content.decode()


def test_only_offices_of_the_own_municipality_can_be_chosen(musterhausen, service, citizens_office, municipality_admin):
    foreign = OrganisationalUnitFactory(municipality=musterhausen, name="Fremdes Amt")

    response = client_for(ESSLINGEN_HOST, municipality_admin).post(_edit_url(service), _values(foreign))

    assert response.status_code == 400
    assert not CaseType.objects.filter(service=service).exists()


def test_a_service_of_another_municipality_is_not_found(musterhausen, municipality_admin):
    foreign = ServiceFactory(municipality=musterhausen)

    assert client_for(ESSLINGEN_HOST, municipality_admin).get(_edit_url(foreign)).status_code == 404


@pytest.mark.parametrize("persona", ["clerk", "office_lead", "citizen", "musterhausen_admin"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_administrators_of_the_municipality_may_configure_case_types(request, service, persona, method):
    client = client_for(ESSLINGEN_HOST, request.getfixturevalue(persona))

    for url in (reverse("cases:case_type_list"), _edit_url(service)):
        assert getattr(client, method)(url).status_code == 403
    assert not CaseType.objects.filter(service=service).exists()
