from django.core import mail
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.portal.models import AccessibilityFeedback


def test_reported_barrier_is_stored_and_the_municipality_is_told_without_personal_data(
    esslingen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ESSLINGEN_HOST).post(
            reverse("portal:accessibility"),
            {"page_url": "/aemter/", "message": "Die Tabelle hat keine Überschriften.", "email": "leser@example.org"},
        )

    feedback = AccessibilityFeedback.objects.get()
    assert response.status_code == 302
    assert feedback.municipality == esslingen
    assert feedback.email == "leser@example.org"
    assert [message.to for message in mail.outbox] == [[esslingen.accessibility_contact_email]]
    assert f"/verwaltung/barrierefreiheit/{feedback.pk}/" in mail.outbox[0].body
    assert "leser@example.org" not in mail.outbox[0].body


def test_empty_report_shows_an_error_summary_and_stores_nothing(esslingen):
    response = client_for(ESSLINGEN_HOST).post(reverse("portal:accessibility"), {"email": "kein-at-zeichen"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "<title>Fehler:" in body
    assert "Es gibt ein Problem" in body
    assert 'href="#id_message"' in body
    assert "Was funktioniert nicht?: Bitte beschreiben Sie die Barriere." in body
    assert "Bitte beschreiben Sie die Barriere." in body
    assert 'value="kein-at-zeichen"' in body
    assert AccessibilityFeedback.objects.count() == 0


def test_clerk_marks_feedback_as_answered(clerk, esslingen):
    feedback = AccessibilityFeedback.objects.create(municipality=esslingen, message="Fokus unsichtbar")

    response = client_for(ESSLINGEN_HOST, clerk).post(
        reverse("portal:staff_feedback_detail", args=[feedback.pk]), {"staff_note": "Fokusrahmen ergänzt"}
    )

    feedback.refresh_from_db()
    assert response.status_code == 302
    assert feedback.status == AccessibilityFeedback.Status.ANSWERED
    assert feedback.handled_by == clerk


def test_answer_without_note_is_refused(clerk, esslingen):
    feedback = AccessibilityFeedback.objects.create(municipality=esslingen, message="Fokus unsichtbar")

    response = client_for(ESSLINGEN_HOST, clerk).post(
        reverse("portal:staff_feedback_detail", args=[feedback.pk]), {"staff_note": "  "}
    )

    feedback.refresh_from_db()
    assert response.status_code == 400
    assert feedback.status == AccessibilityFeedback.Status.OPEN


def test_a_flood_of_reports_from_one_address_is_slowed_down_with_a_clear_message(esslingen):
    client = client_for(ESSLINGEN_HOST)
    for number in range(5):
        client.post(reverse("portal:accessibility"), {"message": f"Barriere {number}"})

    response = client.post(reverse("portal:accessibility"), {"message": "noch eine"})

    assert response.status_code == 429
    assert "versuchen Sie es in zehn Minuten erneut" in response.content.decode()
    assert "noch eine" in response.content.decode()
    assert AccessibilityFeedback.objects.count() == 5
