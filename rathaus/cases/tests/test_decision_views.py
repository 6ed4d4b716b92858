"""Staff pages for decision letters: drafting, preview, four-eyes approval, sending, and who is refused."""

import pytest
from django.urls import reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.audit.models import AuditEntry
from rathaus.cases import decisions
from rathaus.cases import workflow as flow
from rathaus.cases.models import Case, Decision
from rathaus.postbox.models import Message

pytestmark = pytest.mark.django_db


def _url(name: str, case: Case) -> str:
    return reverse(f"cases:{name}", args=[case.pk])


def test_the_clerk_drafts_a_decision_from_the_template(case, clerk):
    client = client_for(ESSLINGEN_HOST, clerk)

    page = client.get(_url("decision_edit", case))
    response = client.post(_url("decision_edit", case), {"outcome": "bewilligt", "fee": "30,70", "action": "generate"})

    assert page.status_code == 200
    assert "Bescheid entwerfen" in page.content.decode()
    assert response.status_code == 302
    decision = Decision.objects.get(case=case)
    assert "Erika Mustermann" in decision.letter_text
    assert str(decision.fee) == "30.70"
    assert "Entwurf bearbeiten" in client.get(_url("decision_edit", case)).content.decode()


def test_the_clerk_edits_the_letter_text(case, clerk):
    client = client_for(ESSLINGEN_HOST, clerk)
    client.post(_url("decision_edit", case), {"outcome": "bewilligt", "fee": "", "action": "generate"})

    client.post(
        _url("decision_edit", case),
        {"outcome": "abgelehnt", "fee": "0", "letter_text": "Mein eigener Text.", "action": "save"},
    )

    decision = Decision.objects.get(case=case)
    assert decision.letter_text == "Mein eigener Text."
    assert decision.outcome == Case.Outcome.REJECTED


def test_a_draft_without_outcome_shows_the_error_summary(case, clerk):
    response = client_for(ESSLINGEN_HOST, clerk).post(_url("decision_edit", case), {"fee": "abc", "action": "save"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "<title>Fehler:" in content
    assert "Es gibt ein Problem" in content
    assert not Decision.objects.filter(case=case).exists()


def test_the_preview_is_the_pdf_and_the_view_is_audited(case, clerk):
    client = client_for(ESSLINGEN_HOST, clerk)
    client.post(_url("decision_edit", case), {"outcome": "bewilligt", "fee": "", "action": "generate"})

    response = client.get(_url("decision_preview", case))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response.content.startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action="letter.viewed", actor_id=clerk.pk, object_id=str(case.pk)).exists()


def test_without_four_eyes_the_clerk_sends_the_decision(case, clerk):
    client = client_for(ESSLINGEN_HOST, clerk)
    client.post(_url("decision_edit", case), {"outcome": "bewilligt", "fee": "", "action": "generate"})
    assert "Bescheid versenden" in client.get(_url("decision_edit", case)).content.decode()

    response = client.post(_url("decision_send", case))

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", args=[case.pk])
    case.refresh_from_db()
    assert case.state == flow.DECIDED_STATE
    assert case.outcome == Case.Outcome.APPROVED
    assert Message.objects.filter(case=case, kind=Message.Kind.DECISION).count() == 1
    # Sending again changes nothing.
    client.post(_url("decision_send", case))
    assert Message.objects.filter(case=case, kind=Message.Kind.DECISION).count() == 1


def test_four_eyes_drafter_submits_cannot_approve_and_a_colleague_approves(four_eyes_case, clerk, second_clerk):
    drafter = client_for(ESSLINGEN_HOST, clerk)
    drafter.post(_url("decision_edit", four_eyes_case), {"outcome": "bewilligt", "fee": "", "action": "generate"})
    edit_page = drafter.get(_url("decision_edit", four_eyes_case)).content.decode()
    assert "Zur Freigabe vorlegen" in edit_page
    assert "Bescheid versenden" not in edit_page

    drafter.post(_url("decision_submit", four_eyes_case))
    own_review = drafter.get(_url("decision_approve", four_eyes_case)).content.decode()
    refused = drafter.post(_url("decision_approve", four_eyes_case), follow=True)

    assert "selbst verfasst" in own_review
    assert "Freigeben und versenden" not in own_review
    assert "selbst verfasst" in refused.content.decode()
    assert Decision.objects.get(case=four_eyes_case).state == Decision.State.AWAITING_APPROVAL

    colleague = client_for(ESSLINGEN_HOST, second_clerk)
    queue = colleague.get(reverse("cases:decision_approvals")).content.decode()
    review = colleague.get(_url("decision_approve", four_eyes_case)).content.decode()
    response = colleague.post(_url("decision_approve", four_eyes_case))

    assert "ES-2026-000042" in queue
    assert "Freigeben und versenden" in review
    assert response.status_code == 302
    four_eyes_case.refresh_from_db()
    assert four_eyes_case.state == flow.DECIDED_STATE
    assert four_eyes_case.outcome == Case.Outcome.APPROVED
    message = Message.objects.get(case=four_eyes_case, kind=Message.Kind.DECISION)
    assert message.attachments.get().name == "bescheid-ES-2026-000042.pdf"


def test_the_approval_queue_leaves_out_ones_own_drafts(four_eyes_case, clerk):
    decision = decisions.decision_draft(case=four_eyes_case, actor=clerk, outcome="bewilligt", fee=0)
    decisions.decision_submit_for_approval(decision=decision, actor=clerk)

    content = client_for(ESSLINGEN_HOST, clerk).get(reverse("cases:decision_approvals")).content.decode()

    assert "ES-2026-000042" not in content
    assert "Zurzeit wartet kein Bescheid" in content


def test_returning_needs_a_note_and_then_gives_the_draft_back(four_eyes_case, clerk, office_lead):
    decision = decisions.decision_draft(case=four_eyes_case, actor=clerk, outcome="bewilligt", fee=0)
    decisions.decision_submit_for_approval(decision=decision, actor=clerk)
    lead = client_for(ESSLINGEN_HOST, office_lead)

    empty = lead.post(_url("decision_return", four_eyes_case), {"note": ""})
    returned = lead.post(_url("decision_return", four_eyes_case), {"note": "Bitte die Gebühr ergänzen."})

    assert empty.status_code == 400
    assert "Bitte schreiben Sie, was am Bescheid geändert werden soll." in empty.content.decode()
    assert returned.status_code == 302
    assert returned["Location"] == reverse("cases:decision_approvals")
    decision.refresh_from_db()
    assert decision.state == Decision.State.DRAFT
    page = client_for(ESSLINGEN_HOST, clerk).get(_url("decision_edit", four_eyes_case)).content.decode()
    assert "Bitte die Gebühr ergänzen." in page


def test_a_submitted_decision_cannot_be_changed_through_the_form(four_eyes_case, clerk):
    decision = decisions.decision_draft(case=four_eyes_case, actor=clerk, outcome="bewilligt", fee=0)
    decisions.decision_submit_for_approval(decision=decision, actor=clerk)

    response = client_for(ESSLINGEN_HOST, clerk).post(
        _url("decision_edit", four_eyes_case),
        {"outcome": "abgelehnt", "fee": "", "letter_text": "Geändert.", "action": "save"},
    )

    assert response.status_code == 400
    assert "wartet auf Freigabe" in response.content.decode()
    decision.refresh_from_db()
    assert decision.outcome == Case.Outcome.APPROVED


# Refusals ----------------------------------------------------------------------------------------

CASE_VIEWS = [
    ("decision_edit", "get"),
    ("decision_edit", "post"),
    ("decision_preview", "get"),
    ("decision_submit", "post"),
    ("decision_approve", "get"),
    ("decision_approve", "post"),
    ("decision_return", "post"),
    ("decision_send", "post"),
]


@pytest.fixture
def submitted(four_eyes_case, clerk):
    decision = decisions.decision_draft(case=four_eyes_case, actor=clerk, outcome="bewilligt", fee=0)
    return decisions.decision_submit_for_approval(decision=decision, actor=clerk)


@pytest.mark.parametrize(("name", "method"), CASE_VIEWS)
def test_a_clerk_of_another_office_gets_404(submitted, other_office_clerk, name, method):
    response = getattr(client_for(ESSLINGEN_HOST, other_office_clerk), method)(_url(name, submitted.case))

    assert response.status_code == 404
    assert Decision.objects.get(pk=submitted.pk).state == Decision.State.AWAITING_APPROVAL


@pytest.mark.parametrize(("name", "method"), CASE_VIEWS)
def test_an_administrator_without_the_office_gets_404(submitted, municipality_admin, name, method):
    response = getattr(client_for(ESSLINGEN_HOST, municipality_admin), method)(_url(name, submitted.case))

    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method"), CASE_VIEWS)
def test_a_citizen_is_refused(submitted, citizen, name, method):
    response = getattr(client_for(ESSLINGEN_HOST, citizen), method)(_url(name, submitted.case))

    assert response.status_code == 403
    assert "Mustermann" not in response.content.decode()


@pytest.mark.parametrize(("name", "method"), CASE_VIEWS)
def test_staff_of_another_municipality_is_refused(submitted, musterhausen_admin, name, method):
    client = client_for(ESSLINGEN_HOST, musterhausen_admin)

    assert getattr(client, method)(_url(name, submitted.case)).status_code == 403
    # On their own town's host, the case does not exist.
    other = client_for(MUSTERHAUSEN_HOST, musterhausen_admin)
    assert getattr(other, method)(_url(name, submitted.case)).status_code == 404


@pytest.mark.parametrize(("name", "method"), CASE_VIEWS)
def test_an_anonymous_visitor_is_sent_to_the_login(submitted, name, method):
    response = getattr(client_for(ESSLINGEN_HOST), method)(_url(name, submitted.case))

    assert response.status_code == 302
    assert "login" in response["Location"] or "anmelden" in response["Location"]


def test_the_approval_queue_refuses_citizens_and_hides_other_offices(submitted, citizen, other_office_clerk):
    assert client_for(ESSLINGEN_HOST, citizen).get(reverse("cases:decision_approvals")).status_code == 403
    response = client_for(ESSLINGEN_HOST, other_office_clerk).get(reverse("cases:decision_approvals"))
    assert response.status_code == 200
    assert "ES-2026-000042" not in response.content.decode()


def test_a_preview_without_a_decision_is_not_found(case, clerk):
    assert client_for(ESSLINGEN_HOST, clerk).get(_url("decision_preview", case)).status_code == 404
