"""The waitlist and the fair release are guarded like the hold; a booking after an application joins its case."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.appointments import antibot
from rathaus.appointments.models import LotteryEntry, WaitlistEntry
from rathaus.appointments.tests.factories import LotteryWindowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cheap_proof_of_work(settings):
    settings.RATHAUS_APPOINTMENT_ALTCHA_COST = 50
    settings.RATHAUS_APPOINTMENT_NOJS_MIN_SECONDS = 0
    cache.clear()


@pytest.fixture
def waitlist_url(location, id_card, counters):
    return reverse("appointments:waitlist") + f"?anliegen={id_card.pk}:1&standort={location.slug}"


@pytest.fixture
def lottery_url(location, id_card, counters, esslingen):
    window = LotteryWindowFactory(location=location, municipality=esslingen, service=id_card)
    return reverse("appointments:lottery", args=[window.uuid])


def waitlist_data(client, url, now, email="max@example.org", **extra):
    return {
        "form_token": client.get(url).context["form"].initial["form_token"],
        "name": "Max Muster",
        "email": email,
        "earliest_day": (now.date() + timedelta(days=1)).isoformat(),
        "latest_day": (now.date() + timedelta(days=30)).isoformat(),
        **extra,
    }


def lottery_data(client, url, email="max@example.org", **extra):
    return {
        "form_token": client.get(url).context["form"].initial["form_token"],
        "name": "Max Muster",
        "email": email,
        "quantity": "1",
        **extra,
    }


def solved_payload(client) -> str:
    return antibot.altcha_solve_for_tests(client.get(reverse("appointments:altcha")).json())


def test_the_waitlist_form_carries_the_altcha_widget_and_the_no_javascript_hint(now, waitlist_url):
    page = client_for(ESSLINGEN_HOST).get(waitlist_url).content.decode()
    assert "<altcha-widget" in page
    assert 'name="form_token"' in page
    assert "Ohne JavaScript prüfen wir anders" in page


def test_the_waitlist_accepts_a_solved_challenge_but_not_the_same_one_twice(now, waitlist_url):
    client = client_for(ESSLINGEN_HOST)
    payload = solved_payload(client)
    first = client.post(waitlist_url, waitlist_data(client, waitlist_url, now, altcha=payload))
    second = client.post(
        waitlist_url, waitlist_data(client, waitlist_url, now, email="moritz@example.org", altcha=payload)
    )
    assert "Sie stehen auf der Warteliste" in first.content.decode()
    assert "schon einmal verwendet" in second.content.decode()
    assert list(WaitlistEntry.objects.values_list("email", flat=True)) == ["max@example.org"]


def test_the_waitlist_without_javascript_refuses_a_form_sent_too_quickly_and_a_forged_token(
    now, waitlist_url, settings
):
    settings.RATHAUS_APPOINTMENT_NOJS_MIN_SECONDS = 60
    client = client_for(ESSLINGEN_HOST)
    too_fast = client.post(waitlist_url, waitlist_data(client, waitlist_url, now))
    forged = client.post(waitlist_url, waitlist_data(client, waitlist_url, now, form_token="gefälscht"))
    assert "einige Sekunden" in too_fast.content.decode()
    assert "abgelaufen oder beschädigt" in forged.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_the_waitlist_without_javascript_allows_only_a_few_entries_per_hour_from_one_address(
    now, waitlist_url, settings
):
    settings.RATHAUS_APPOINTMENT_NOJS_HOLD_RATE = "2/h"
    client = client_for(ESSLINGEN_HOST)
    answers = [
        client.post(waitlist_url, waitlist_data(client, waitlist_url, now, email=f"person{number}@example.org"))
        for number in range(3)
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert "sehr viele" in answers[2].content.decode()
    assert WaitlistEntry.objects.count() == 2


def test_a_refused_waitlist_entry_gets_a_fresh_token_so_the_next_try_can_pass(now, waitlist_url, esslingen):
    client = client_for(ESSLINGEN_HOST)
    data = waitlist_data(client, waitlist_url, now, latest_day=(now.date() + timedelta(days=400)).isoformat())
    refused = client.post(waitlist_url, data)
    fresh_token = refused.context["form"]["form_token"].value()
    assert "höchstens ein Jahr" in refused.content.decode()
    assert fresh_token != data["form_token"]
    retried = client.post(
        waitlist_url, {**data, "form_token": fresh_token, "latest_day": (now.date() + timedelta(days=30)).isoformat()}
    )
    assert "Sie stehen auf der Warteliste" in retried.content.decode()


def test_the_lottery_accepts_a_solved_challenge_and_refuses_a_replayed_form_token(now, lottery_url):
    client = client_for(ESSLINGEN_HOST)
    solved = client.post(lottery_url, lottery_data(client, lottery_url, altcha=solved_payload(client)))
    data = lottery_data(client, lottery_url, email="moritz@example.org")
    client.post(lottery_url, data)
    replayed = client.post(lottery_url, {**data, "email": "anna@example.org"})
    assert "Ihre Anfrage ist eingegangen" in solved.content.decode()
    assert "abgelaufen oder beschädigt" in replayed.content.decode()
    assert sorted(LotteryEntry.objects.values_list("email", flat=True)) == ["max@example.org", "moritz@example.org"]


def test_the_lottery_without_any_bot_check_is_refused(now, lottery_url):
    client = client_for(ESSLINGEN_HOST)
    response = client.post(lottery_url, {"name": "Max Muster", "email": "max@example.org", "quantity": "1"})
    assert response.status_code == 200
    assert "Fehler" in response.content.decode()
    assert not LotteryEntry.objects.exists()


def test_the_lottery_without_javascript_allows_only_a_few_entries_per_hour_from_one_address(now, lottery_url, settings):
    settings.RATHAUS_APPOINTMENT_NOJS_HOLD_RATE = "1/h"
    client = client_for(ESSLINGEN_HOST)
    first = client.post(lottery_url, lottery_data(client, lottery_url))
    second = client.post(lottery_url, lottery_data(client, lottery_url, email="moritz@example.org"))
    assert (first.status_code, second.status_code) == (200, 429)
    assert LotteryEntry.objects.count() == 1


# --- A booking after an online application joins the case ----------------------------------------


@pytest.fixture
def application_case(esslingen, citizens_office):
    from rathaus.applications.tests.factories import SubmissionFactory
    from rathaus.cases.services import case_create_from_submission

    submission = SubmissionFactory(
        version__form__municipality=esslingen,
        version__form__responsible_unit=citizens_office,
        version__form__service__name="Bewohnerparkausweis",
    )
    return case_create_from_submission(submission=submission)


def sent_in_this_browser(client, submission) -> None:
    from rathaus.applications import access

    client.cookies[access.COOKIE_NAME] = access.signed_value({access.SUBMISSIONS: [str(submission.pk)]})


def hold_after_application(client, location, id_card, booking_day, submission_id):
    from .conftest import at

    url = reverse("appointments:contact", args=[location.slug])
    query = {"anliegen": f"{id_card.pk}:1", "beginn": at(booking_day, 9).isoformat(), "antrag": str(submission_id)}
    page = client.get(url, query)
    form = page.context["form"]
    data = {
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "form_token": form.initial["form_token"],
        "idempotency_key": form.initial["idempotency_key"],
    }
    client.post(url + "?" + "&".join(f"{key}={value.replace('+', '%2B')}" for key, value in query.items()), data)
    return page


def test_the_application_travels_from_the_first_step_to_the_times_of_a_day(
    now, location, id_card, counters, booking_day, application_case
):
    client = client_for(ESSLINGEN_HOST)
    submission_id = application_case.submission_id
    start = client.get(reverse("appointments:start"), {"antrag": str(submission_id)}).content.decode()
    assert f'name="antrag" value="{submission_id}"' in start
    chosen = client.get(
        reverse("appointments:start"), {"weiter": "1", f"anzahl_{id_card.pk}": "1", "antrag": str(submission_id)}
    )
    assert f"antrag={submission_id}" in chosen["Location"]
    day = client.get(
        reverse("appointments:day", args=[location.slug, booking_day.isoformat()]),
        {"anliegen": f"{id_card.pk}:1", "antrag": str(submission_id)},
    )
    assert f"antrag={submission_id}" in day.content.decode()


def test_a_booking_started_after_an_application_in_this_browser_joins_its_case(
    now, location, id_card, counters, booking_day, application_case
):
    client = client_for(ESSLINGEN_HOST)
    sent_in_this_browser(client, application_case.submission)

    page = hold_after_application(client, location, id_card, booking_day, application_case.submission_id)

    assert application_case.submission.reference in page.content.decode()
    [appointment] = application_case.appointments.all()
    assert appointment.state == "reserviert"


def test_the_account_that_sent_the_application_links_the_booking_from_another_browser(
    now, location, id_card, counters, booking_day, application_case, citizen
):
    submission = application_case.submission
    submission.user = citizen
    submission.save(update_fields=["user"])

    hold_after_application(client_for(ESSLINGEN_HOST, citizen), location, id_card, booking_day, submission.pk)

    assert application_case.appointments.count() == 1


def test_someone_elses_application_id_in_the_address_links_nothing_and_reveals_nothing(
    now, location, id_card, counters, booking_day, application_case, second_citizen
):
    from rathaus.appointments.models import Appointment

    submission = application_case.submission
    page = hold_after_application(client_for(ESSLINGEN_HOST), location, id_card, booking_day, submission.pk)
    hold_after_application(
        client_for(ESSLINGEN_HOST, second_citizen), location, id_card, booking_day + timedelta(days=1), submission.pk
    )

    assert submission.reference not in page.content.decode()
    assert Appointment.objects.count() == 2
    assert not application_case.appointments.exists()


def test_the_confirmation_page_of_an_application_passes_the_application_to_the_booking(
    esslingen, citizens_office, settings, tmp_path
):
    import json

    from rathaus.applications.demo import FORMS_FOLDER
    from rathaus.applications.models import Submission
    from rathaus.applications.services import form_create, form_publish
    from rathaus.applications.tests.test_views import _walk_to_check
    from rathaus.appointments.tests.factories import AppointmentServiceFactory
    from rathaus.catalogue.tests.factories import ServiceFactory

    settings.MEDIA_ROOT = tmp_path
    service = ServiceFactory(municipality=esslingen, slug="bewohnerparkausweis", name="Bewohnerparkausweis")
    service.responsible_units.add(citizens_office)
    definition = json.loads((FORMS_FOLDER / "bewohnerparkausweis.json").read_text(encoding="utf-8"))
    form_publish(form=form_create(municipality=esslingen, service=service, definition=definition))
    AppointmentServiceFactory(municipality=esslingen, service=service, in_person_required=True)
    client = client_for(ESSLINGEN_HOST)
    client.post(_walk_to_check(client, service, own_vehicle=True), {"declaration": "on"})
    submission = Submission.objects.get()
    page = client.get(reverse("applications:confirmation", args=[submission.pk])).content.decode()
    assert f"?leistung={service.slug}&amp;antrag={submission.pk}" in page


def test_the_citizen_and_the_clerk_see_the_appointment_on_the_case_page(
    now, location, id_card, counters, booking_day, application_case, citizen, clerk
):
    submission = application_case.submission
    submission.user = citizen
    submission.save(update_fields=["user"])
    application_case.applicant = citizen
    application_case.save(update_fields=["applicant"])
    hold_after_application(client_for(ESSLINGEN_HOST, citizen), location, id_card, booking_day, submission.pk)
    appointment = application_case.appointments.get()

    citizen_page = (
        client_for(ESSLINGEN_HOST, citizen)
        .get(reverse("cases:citizen_case", args=[application_case.pk]))
        .content.decode()
    )
    staff_page = (
        client_for(ESSLINGEN_HOST, clerk).get(reverse("cases:case", args=[application_case.pk])).content.decode()
    )

    assert "Termine zu diesem Antrag" in citizen_page
    assert "Termin verschieben oder absagen" in citizen_page
    assert appointment.code in staff_page
    assert "reserviert, noch nicht bestätigt" in staff_page


def test_a_case_without_appointments_says_so_to_staff_and_shows_nothing_to_the_citizen(
    application_case, citizen, clerk
):
    application_case.applicant = citizen
    application_case.save(update_fields=["applicant"])
    citizen_page = (
        client_for(ESSLINGEN_HOST, citizen)
        .get(reverse("cases:citizen_case", args=[application_case.pk]))
        .content.decode()
    )
    staff_page = (
        client_for(ESSLINGEN_HOST, clerk).get(reverse("cases:case", args=[application_case.pk])).content.decode()
    )
    assert "Termine zu diesem Antrag" not in citizen_page
    assert "Zu diesem Vorgang ist kein Termin gebucht." in staff_page
