"""The citizen's timeline in plain German: what happened, where the case stands, what comes next."""

from datetime import date

import pytest
from django.db import transaction

from rathaus.cases import workflow as flow
from rathaus.cases.models import Case, CaseEvent
from rathaus.cases.selectors import case_events
from rathaus.cases.services import case_note_add, case_transition, case_transition_via, case_withdraw
from rathaus.cases.timeline import next_step, state_text, timeline
from rathaus.postbox.services import case_request_information, message_reply

from .factories import CaseEventFactory, CaseFactory, CaseTypeFactory


@pytest.fixture
def case(esslingen, citizens_office, citizen):
    case_type = CaseTypeFactory(municipality=esslingen, responsible_unit=citizens_office)
    case = CaseFactory(case_type=case_type, channel=Case.Channel.ONLINE, applicant=citizen, due_date=date(2026, 12, 15))
    CaseEventFactory(
        case=case, kind=CaseEvent.Kind.CREATED, public=True, state_to=case.state, data={"channel": "online"}
    )
    return case


def _texts(case: Case) -> list[str]:
    case.refresh_from_db()
    return [entry.text for entry in timeline(case, case_events(case=case, public_only=True))]


def test_a_new_application_is_received_and_expected_by_its_due_date(case):
    step = next_step(case)

    assert _texts(case) == ["Ihr Antrag ist eingegangen."]
    assert state_text(case) == "Eingegangen"
    assert step is not None
    assert step.expected == "Voraussichtlich bis zum 15.12.2026."


def test_a_request_by_phone_is_an_anliegen(case):
    CaseEvent.objects.filter(case=case).update(data={"channel": Case.Channel.PHONE})

    assert _texts(case) == ["Ihr Anliegen ist bei uns eingegangen."]


def test_starting_the_work_reads_we_are_processing(case, clerk):
    case_transition(case=case, transition_key="bearbeitung_beginnen", actor=clerk, role="clerk")

    assert _texts(case)[-1] == "Wir bearbeiten Ihren Antrag."
    assert state_text(case) == "In Bearbeitung"


def test_a_request_for_information_is_told_once_and_the_deadline_rests_until_the_answer(case, clerk, citizen):
    request = case_request_information(
        case=case, membership=clerk.staff_memberships.get(), actor=clerk, subject="Rückfrage", body="Bitte Nachweis."
    )

    texts = _texts(case)
    assert texts == [
        "Ihr Antrag ist eingegangen.",
        "Wir haben Ihnen eine Rückfrage gestellt. Die Bearbeitungsfrist ruht, bis Sie antworten.",
    ]
    assert state_text(case) == "Wartet auf Ihre Antwort"
    step = next_step(case)
    assert step is not None and "sobald Sie geantwortet haben" in step.expected

    message_reply(message=request, user=citizen, body="Hier ist der Nachweis.")

    assert _texts(case)[2:] == [
        "Ihre Antwort auf unsere Rückfrage ist eingegangen. Wir bearbeiten Ihren Antrag weiter."
    ]
    assert state_text(case) == "In Bearbeitung"


def test_the_decision_shows_its_outcome(case, clerk):
    with transaction.atomic():
        decided = case_transition_via(case=case, via="decision", role="clerk", actor=clerk)
        decided.outcome = Case.Outcome.APPROVED
        decided.save(update_fields=["outcome"])

    assert _texts(case)[-1] == "Entscheidung: bewilligt"
    assert state_text(case) == "Entschieden: bewilligt"
    step = next_step(case)
    assert step is not None and "Bescheid" in step.text


def test_a_withdrawal_is_told_once_and_nothing_comes_next(case, citizen):
    case_withdraw(case=case, user=citizen)

    assert _texts(case) == ["Ihr Antrag ist eingegangen.", "Sie haben Ihren Antrag zurückgezogen."]
    assert state_text(case) == "Zurückgezogen"
    assert next_step(case) is None


def test_internal_notes_never_reach_the_timeline(case, clerk):
    case_note_add(case=case, actor=clerk, text="Antragstellerin telefonisch schwer erreichbar.")

    assert _texts(case) == ["Ihr Antrag ist eingegangen."]


def test_a_custom_state_is_named_by_its_label(case, clerk):
    workflow = {
        **flow.DEFAULT_WORKFLOW,
        "states": [
            *flow.DEFAULT_WORKFLOW["states"],
            {"key": "vor_ort", "label": "Prüfung vor Ort", "kind": flow.OPEN},
        ],
        "transitions": [
            *flow.DEFAULT_WORKFLOW["transitions"],
            {
                "key": "pruefen",
                "label": "Vor Ort prüfen",
                "from": [flow.RECEIVED],
                "to": "vor_ort",
                "roles": ["clerk"],
            },
        ],
    }
    case.case_type.workflow = workflow
    case.case_type.save(update_fields=["workflow"])
    case_transition(case=case, transition_key="pruefen", actor=clerk, role="clerk")
    case.refresh_from_db()

    assert state_text(case) == "Prüfung vor Ort"
    # Leaving the initial state for an open one means the work has begun, whatever the state is called.
    assert _texts(case)[-1] == "Wir bearbeiten Ihren Antrag."
