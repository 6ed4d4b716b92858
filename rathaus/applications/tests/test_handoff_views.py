"""The hand-off list in the staff area: who may see it, what it shows, and sending again."""

import pytest
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.applications.models import Handoff

from .factories import SubmissionFactory

LIST_URL = reverse("applications:staff_handoff_list")


def _handoff(municipality, state=Handoff.State.PENDING, **values) -> Handoff:
    submission = SubmissionFactory(version__form__municipality=municipality)
    return Handoff.objects.create(submission=submission, backend="webhook", state=state, **values)


def _resend_url(handoff: Handoff) -> str:
    return reverse("applications:staff_handoff_resend", args=[handoff.pk])


@pytest.fixture
def esslingen_handoffs(esslingen):
    return {
        "failed": _handoff(esslingen, Handoff.State.FAILED, attempts=8, last_error="Antwort HTTP 500"),
        "delivered": _handoff(esslingen, Handoff.State.DELIVERED, attempts=1),
    }


def test_a_clerk_sees_the_handoffs_of_the_own_municipality_only(clerk, esslingen_handoffs, musterhausen):
    other_town = _handoff(musterhausen)

    response = client_for(ESSLINGEN_HOST, clerk).get(LIST_URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<caption" in page
    for handoff in esslingen_handoffs.values():
        assert handoff.submission.reference in page
    assert other_town.submission.reference not in page
    assert "Antwort HTTP 500" in page
    assert "Webhook" in page


def test_the_list_can_be_filtered_by_state(clerk, esslingen_handoffs):
    response = client_for(ESSLINGEN_HOST, clerk).get(LIST_URL, {"status": Handoff.State.FAILED})

    page = response.content.decode()
    assert esslingen_handoffs["failed"].submission.reference in page
    assert esslingen_handoffs["delivered"].submission.reference not in page


def test_an_unknown_state_filter_shows_everything(clerk, esslingen_handoffs):
    response = client_for(ESSLINGEN_HOST, clerk).get(LIST_URL, {"status": "<script>"})

    page = response.content.decode()
    assert response.status_code == 200
    assert esslingen_handoffs["delivered"].submission.reference in page


def test_the_list_is_paginated(clerk, esslingen):
    for _number in range(51):
        _handoff(esslingen)

    first = client_for(ESSLINGEN_HOST, clerk).get(LIST_URL).content.decode()
    second = client_for(ESSLINGEN_HOST, clerk).get(LIST_URL, {"seite": 2}).content.decode()

    assert "Seite 1 von 2" in first
    assert second.count('<tr class="kern-table__row">') == 1 + 1


def test_only_an_office_lead_gets_the_button_to_send_again(clerk, office_lead, esslingen_handoffs):
    failed = esslingen_handoffs["failed"]

    as_clerk = client_for(ESSLINGEN_HOST, clerk).get(LIST_URL).content.decode()
    as_lead = client_for(ESSLINGEN_HOST, office_lead).get(LIST_URL).content.decode()

    assert _resend_url(failed) not in as_clerk
    assert _resend_url(failed) in as_lead
    assert _resend_url(esslingen_handoffs["delivered"]) not in as_lead
    assert "Erneut senden" in as_lead


def test_a_citizen_is_refused(citizen, esslingen_handoffs):
    response = client_for(ESSLINGEN_HOST, citizen).get(LIST_URL)

    assert response.status_code == 403
    assert esslingen_handoffs["failed"].submission.reference not in response.content.decode()


def test_staff_of_another_municipality_is_refused(musterhausen_admin, esslingen_handoffs):
    list_response = client_for(ESSLINGEN_HOST, musterhausen_admin).get(LIST_URL)
    resend_response = client_for(ESSLINGEN_HOST, musterhausen_admin).post(_resend_url(esslingen_handoffs["failed"]))

    assert list_response.status_code == 403
    assert resend_response.status_code == 403
    assert Handoff.objects.get(pk=esslingen_handoffs["failed"].pk).state == Handoff.State.FAILED


def test_a_clerk_may_not_send_again(clerk, esslingen_handoffs):
    response = client_for(ESSLINGEN_HOST, clerk).post(_resend_url(esslingen_handoffs["failed"]))

    assert response.status_code == 403
    assert "nötige Rolle" in response.content.decode()
    assert Handoff.objects.get(pk=esslingen_handoffs["failed"].pk).state == Handoff.State.FAILED


def test_an_office_lead_sends_a_failed_handoff_again(office_lead, esslingen_handoffs):
    failed = esslingen_handoffs["failed"]

    response = client_for(ESSLINGEN_HOST, office_lead).post(
        _resend_url(failed), {"status": Handoff.State.FAILED}, follow=True
    )

    failed.refresh_from_db()
    assert response.redirect_chain == [(f"{LIST_URL}?status={Handoff.State.FAILED}", 302)]
    assert f"Die Übergabe des Antrags {failed.submission.reference} wird erneut gesendet." in response.content.decode()
    assert failed.state == Handoff.State.PENDING
    assert failed.attempts == 0


def test_sending_again_is_only_possible_by_post(office_lead, esslingen_handoffs):
    response = client_for(ESSLINGEN_HOST, office_lead).get(_resend_url(esslingen_handoffs["failed"]))

    assert response.status_code == 405


def test_a_handoff_of_another_municipality_cannot_be_sent_again(office_lead, musterhausen):
    other_town = _handoff(musterhausen, Handoff.State.FAILED, attempts=8)

    response = client_for(ESSLINGEN_HOST, office_lead).post(_resend_url(other_town))

    assert response.status_code == 404
    assert Handoff.objects.get(pk=other_town.pk).state == Handoff.State.FAILED


@pytest.mark.parametrize(
    "url", [LIST_URL, reverse("applications:staff_handoff_resend", args=["00000000-0000-0000-0000-000000000000"])]
)
def test_an_anonymous_visitor_is_sent_to_log_in(url, esslingen):
    response = client_for(ESSLINGEN_HOST).get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_clerk_asking_for_the_resend_page_meets_the_role_refusal_first(clerk):
    # The staff-area refusal test calls every URL with GET; the role check must answer before the method check.
    response = client_for(ESSLINGEN_HOST, clerk).get(
        reverse("applications:staff_handoff_resend", args=["00000000-0000-0000-0000-000000000000"])
    )

    assert response.status_code == 403
