"""The citizen's journey through an online application, page by page, without a browser."""

import io
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.applications.demo import FORMS_FOLDER
from rathaus.applications.models import ApplicationForm, Draft, Submission
from rathaus.applications.services import form_create, form_publish
from rathaus.catalogue.tests.factories import ServiceFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def parking_service(esslingen, citizens_office):
    service = ServiceFactory(municipality=esslingen, slug="bewohnerparkausweis", name="Bewohnerparkausweis")
    service.responsible_units.add(citizens_office)
    definition = json.loads((FORMS_FOLDER / "bewohnerparkausweis.json").read_text(encoding="utf-8"))
    form = form_create(municipality=esslingen, service=service, definition=definition)
    form_publish(form=form)
    return service


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "erklaerung.png"
    return buffer


def _start(client, service) -> str:
    response = client.post(reverse("applications:start", args=[service.slug]))
    assert response.status_code == 302
    return response["Location"]


def _answer(client, url: str, data: dict, **extra):
    return client.post(url, {"aktion": "weiter", **data}, **extra)


APPLICANT = {
    "vorname": "Erika",
    "nachname": "Mustermann",
    "email": "erika@example.org",
    "telefon": "0711 123456",
    "anschrift__street": "Marktplatz",
    "anschrift__house_number": "1",
    "anschrift__postal_code": "73728",
    "anschrift__city": "Esslingen am Neckar",
}


def _walk_to_check(client, service, *, own_vehicle: bool) -> str:
    url = _start(client, service)
    url = _answer(client, url, {"hauptwohnsitz_esslingen": "ja"})["Location"]
    url = _answer(client, url, APPLICANT)["Location"]
    vehicle = {
        "kennzeichen": "ES-AB 123",
        "fahrzeug_art": "pkw",
        "fahrzeug_auf_antragsteller": "ja" if own_vehicle else "nein",
    }
    url = _answer(client, url, vehicle)["Location"]
    if not own_vehicle:
        url = _answer(client, url, {"ueberlassung_grund": "firmenwagen", "ueberlassungserklaerung": _png()})["Location"]
    start = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = _answer(client, url, {"zone": "a", "beginn": start, "laufzeit": "2"})
    return response["Location"]


def test_service_page_offers_the_online_application(parking_service):
    response = client_for(ESSLINGEN_HOST).get(reverse("catalogue:service_detail", args=[parking_service.slug]))

    assert reverse("applications:start", args=[parking_service.slug]) in response.content.decode()


def test_citizen_walks_through_a_branch_with_an_upload_and_submits(parking_service):
    client = client_for(ESSLINGEN_HOST)
    check_url = _walk_to_check(client, parking_service, own_vehicle=False)
    assert check_url.endswith("/pruefen/")

    page = client.get(check_url).content.decode()
    assert "erklaerung.png" in page
    assert "300,00" in page

    response = client.post(check_url, {"declaration": "on"})
    submission = Submission.objects.get()
    assert response["Location"] == reverse("applications:confirmation", args=[submission.pk])
    assert submission.reference.startswith("ES-")
    assert submission.answers["ueberlassung_grund"] == "firmenwagen"
    assert submission.answers["anschrift"]["postal_code"] == "73728"
    assert str(submission.fee_total) == "300.00"
    assert submission.uploads.count() == 1
    confirmation = client.get(response["Location"]).content.decode()
    assert submission.reference in confirmation


def test_answers_of_a_branch_not_taken_are_not_submitted(parking_service):
    client = client_for(ESSLINGEN_HOST)
    _walk_to_check(client, parking_service, own_vehicle=False)
    draft = Draft.objects.get()
    vehicle_url = reverse("applications:page", args=[draft.pk, "fahrzeug"])
    _answer(
        client,
        vehicle_url + "?zurueck=pruefen",
        {"kennzeichen": "ES-AB 123", "fahrzeug_art": "pkw", "fahrzeug_auf_antragsteller": "ja"},
    )

    client.post(reverse("applications:check", args=[draft.pk]), {"declaration": "on"})

    assert "ueberlassung_grund" not in Submission.objects.get().answers


def test_replaying_the_final_post_creates_no_second_submission(parking_service):
    client = client_for(ESSLINGEN_HOST)
    check_url = _walk_to_check(client, parking_service, own_vehicle=True)

    first = client.post(check_url, {"declaration": "on"})
    second = client.post(check_url, {"declaration": "on"})

    assert Submission.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_validation_error_keeps_the_answers_and_names_the_field(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)
    url = _answer(client, url, {"hauptwohnsitz_esslingen": "ja"})["Location"]

    response = _answer(client, url, {**APPLICANT, "anschrift__postal_code": "7372", "vorname": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Fehler:" in page
    assert 'href="#id_vorname"' in page
    assert 'href="#id_anschrift__postal_code"' in page
    assert 'value="Mustermann"' in page


def test_the_exit_page_ends_the_journey(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)

    exit_url = _answer(client, url, {"hauptwohnsitz_esslingen": "nein"})["Location"]

    assert exit_url.endswith("/nicht_moeglich/")
    assert "nicht online" in client.get(exit_url).content.decode()
    draft = Draft.objects.get()
    assert client.get(reverse("applications:check", args=[draft.pk]))["Location"] == exit_url


def test_pages_cannot_be_skipped(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)
    draft = Draft.objects.get()

    response = client.get(reverse("applications:page", args=[draft.pk, "zone"]))

    assert response["Location"] == url


def test_logged_in_citizen_gets_answers_prefilled_from_the_account(parking_service, citizen):
    citizen.street = "Rathausplatz 2"
    citizen.postal_code = "73728"
    citizen.city = "Esslingen am Neckar"
    citizen.save()
    client = client_for(ESSLINGEN_HOST, citizen)
    url = _start(client, parking_service)
    url = _answer(client, url, {"hauptwohnsitz_esslingen": "ja"})["Location"]

    page = client.get(url).content.decode()

    assert 'value="Erika"' in page
    assert 'value="Rathausplatz"' in page
    assert 'value="2"' in page


def test_another_visitor_cannot_open_someone_elses_draft(parking_service):
    owner = client_for(ESSLINGEN_HOST)
    url = _start(owner, parking_service)

    assert client_for(ESSLINGEN_HOST).get(url).status_code == 404


def test_another_citizen_cannot_open_a_logged_in_citizens_draft(parking_service, citizen, second_citizen):
    url = _start(client_for(ESSLINGEN_HOST, citizen), parking_service)

    assert client_for(ESSLINGEN_HOST, second_citizen).get(url).status_code == 404


def test_a_draft_is_not_found_under_another_municipality(parking_service, musterhausen):
    url = _start(client_for(ESSLINGEN_HOST), parking_service)

    assert client_for(MUSTERHAUSEN_HOST).get(url).status_code == 404


def test_another_visitor_cannot_see_a_confirmation_or_receipt(parking_service):
    client = client_for(ESSLINGEN_HOST)
    client.post(_walk_to_check(client, parking_service, own_vehicle=True), {"declaration": "on"})
    submission = Submission.objects.get()

    stranger = client_for(ESSLINGEN_HOST)
    assert stranger.get(reverse("applications:confirmation", args=[submission.pk])).status_code == 404
    assert stranger.get(reverse("applications:receipt", args=[submission.pk])).status_code == 404


def test_saving_for_later_sends_a_resume_link_that_opens_the_draft_elsewhere(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)
    url = _answer(client, url, {"hauptwohnsitz_esslingen": "ja"})["Location"]
    save = client.post(url, {**APPLICANT, "aktion": "speichern"})
    assert save["Location"].endswith("/speichern/")

    client.post(save["Location"], {"email": "erika@example.org"})

    link = next(line for line in mail.outbox[-1].body.splitlines() if "/antraege/fortsetzen/" in line)
    elsewhere = client_for(ESSLINGEN_HOST)
    resumed = elsewhere.get(link.replace("http://esslingen.localhost", ""))
    assert resumed["Location"] == url
    assert 'value="Erika"' in elsewhere.get(resumed["Location"]).content.decode()


def test_an_expired_resume_link_is_refused_with_an_explanation(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)
    client.post(reverse("applications:save", args=[Draft.objects.get().pk]), {"email": "erika@example.org"})
    Draft.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/antraege/fortsetzen/" in line)

    response = client_for(ESSLINGEN_HOST).get(link.replace("http://esslingen.localhost", ""))

    assert response.status_code == 404
    assert "gilt nicht mehr" in response.content.decode()
    assert url


def test_a_form_that_needs_an_account_sends_visitors_to_the_login(parking_service):
    ApplicationForm.objects.update(access=ApplicationForm.Access.LOGIN)

    response = client_for(ESSLINGEN_HOST).get(reverse("applications:start", args=[parking_service.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_form_that_needs_a_higher_trust_level_explains_why_an_account_is_not_enough(parking_service, citizen):
    ApplicationForm.objects.update(
        access=ApplicationForm.Access.TRUST_LEVEL, minimum_trust_level=ApplicationForm.TrustLevel.SUBSTANTIAL
    )

    response = client_for(ESSLINGEN_HOST, citizen).get(reverse("applications:start", args=[parking_service.slug]))

    assert response.status_code == 403
    assert "Vertrauensniveau" in response.content.decode()


def test_my_applications_lists_drafts_and_submissions_of_the_citizen_only(parking_service, citizen, second_citizen):
    client = client_for(ESSLINGEN_HOST, citizen)
    client.post(_walk_to_check(client, parking_service, own_vehicle=True), {"declaration": "on"})
    _start(client, parking_service)
    reference = Submission.objects.get().reference

    own = client.get(reverse("applications:my_applications")).content.decode()
    other = client_for(ESSLINGEN_HOST, second_citizen).get(reverse("applications:my_applications")).content.decode()

    assert reference in own
    assert "Noch nicht abgeschickt" in own and "Bewohnerparkausweis" in own
    assert reference not in other


def test_my_applications_needs_a_login(esslingen):
    response = client_for(ESSLINGEN_HOST).get(reverse("applications:my_applications"))

    assert response.status_code == 302


BULKY_WASTE = {
    "schema_version": 1,
    "title": "Sperrmüll",
    "pages": [
        {
            "key": "gegenstaende",
            "title": "Was holen wir ab?",
            "fields": [
                {
                    "key": "teile",
                    "type": "group",
                    "label": "Gegenstände",
                    "item_label": "Gegenstand",
                    "max_items": 3,
                    "fields": [
                        {"key": "art", "type": "text", "label": "Art", "required": True},
                        {"key": "anzahl", "type": "number", "label": "Anzahl", "min": 1, "max": 20},
                    ],
                },
                {"key": "elektro", "type": "yesno", "label": "Sind Elektrogeräte dabei?", "required": True},
                {
                    "key": "elektro_art",
                    "type": "text",
                    "label": "Welche Elektrogeräte?",
                    "required": True,
                    "condition": {"field": "elektro", "op": "eq", "value": True},
                },
            ],
        }
    ],
}


@pytest.fixture
def bulky_waste_service(esslingen):
    service = ServiceFactory(municipality=esslingen, slug="sperrmuell-anmelden", name="Sperrmüll anmelden")
    form_publish(form=form_create(municipality=esslingen, service=service, definition=BULKY_WASTE))
    return service


def test_group_items_are_added_and_removed_without_javascript(bulky_waste_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, bulky_waste_service)

    added = client.post(url, {"teile__count": "1", "teile__0__art": "Sofa", "aktion": "hinzufuegen:teile"})
    assert added["Location"] == url + "#teile-2"
    page = client.get(url).content.decode()
    assert 'value="Sofa"' in page and 'name="teile__1__art"' in page

    client.post(
        url, {"teile__count": "2", "teile__0__art": "Sofa", "teile__1__art": "Schrank", "aktion": "entfernen:teile:0"}
    )
    assert Draft.objects.get().answers["teile"] == [{"art": "Schrank", "anzahl": None}]


def test_a_field_shown_by_an_answer_on_the_same_page_is_required_only_then(bulky_waste_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, bulky_waste_service)

    with_electronics = _answer(client, url, {"teile__count": "1", "teile__0__art": "Sofa", "elektro": "ja"})
    without = _answer(client, url, {"teile__count": "1", "teile__0__art": "Sofa", "elektro": "nein"})

    assert with_electronics.status_code == 200
    assert "Welche Elektrogeräte?" in with_electronics.content.decode()
    assert without.status_code == 302


def test_a_number_out_of_range_in_a_group_item_is_named_with_its_item(bulky_waste_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, bulky_waste_service)

    response = _answer(
        client, url, {"teile__count": "1", "teile__0__art": "Sofa", "teile__0__anzahl": "99", "elektro": "nein"}
    )

    assert response.status_code == 200
    assert "Gegenstand 1: Anzahl" in response.content.decode()


def test_english_pages_use_the_forms_english_texts_and_mark_german_ones(parking_service, settings):
    client = client_for(ESSLINGEN_HOST)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = _start(client, parking_service)
    url = _answer(client, url, {"hauptwohnsitz_esslingen": "ja"})["Location"]

    page = client.get(url).content.decode()

    assert '<html lang="en"' in page
    assert "First name" in page


def test_a_german_text_without_translation_is_marked_as_german_on_english_pages(bulky_waste_service, settings):
    client = client_for(ESSLINGEN_HOST)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(_start(client, bulky_waste_service)).content.decode()

    assert '<span lang="de">Sind Elektrogeräte dabei?</span>' in page


def test_receipts_and_attachments_have_no_public_address(parking_service):
    client = client_for(ESSLINGEN_HOST)
    client.post(_walk_to_check(client, parking_service, own_vehicle=False), {"declaration": "on"})
    submission = Submission.objects.get()

    for stored in (submission.receipt, submission.uploads.get().file):
        assert client_for(ESSLINGEN_HOST).get("/media/" + stored.name).status_code == 404
        with pytest.raises(ValueError):
            stored.url  # noqa: B018


def test_too_many_resume_links_from_one_address_are_refused(parking_service, settings):
    settings.RATHAUS_RESUME_LINK_RATE = "2/h"
    client = client_for(ESSLINGEN_HOST)
    _start(client, parking_service)
    save_url = reverse("applications:save", args=[Draft.objects.get().pk])

    statuses = [client.post(save_url, {"email": "erika@example.org"}).status_code for _attempt in range(3)]

    assert statuses == [200, 200, 429]
    assert len(mail.outbox) == 2


def test_removing_a_file_with_a_malformed_id_is_not_found(bulky_waste_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, bulky_waste_service)

    response = client.post(url, {"teile__count": "1", "aktion": "datei-entfernen:teile:kein-uuid"})

    assert response.status_code == 404


@pytest.mark.parametrize("view", ["applications:check", "applications:save", "applications:resume_own"])
def test_a_stranger_cannot_use_someone_elses_draft(parking_service, view):
    _start(client_for(ESSLINGEN_HOST), parking_service)
    draft = Draft.objects.get()

    assert client_for(ESSLINGEN_HOST).get(reverse(view, args=[draft.pk])).status_code == 404


def test_a_stranger_cannot_discard_someone_elses_draft(parking_service):
    _start(client_for(ESSLINGEN_HOST), parking_service)
    draft = Draft.objects.get()

    response = client_for(ESSLINGEN_HOST).post(reverse("applications:discard", args=[draft.pk]))

    assert response.status_code == 404
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_two_municipalities_with_the_same_prefix_both_get_their_first_reference(parking_service, musterhausen):
    from rathaus.applications.services import application_submit
    from rathaus.applications.tests.factories import DraftFactory, FormVersionFactory

    musterhausen.reference_prefix = "ES"
    musterhausen.save()
    client = client_for(ESSLINGEN_HOST)
    client.post(_walk_to_check(client, parking_service, own_vehicle=True), {"declaration": "on"})
    other_version = FormVersionFactory(form__municipality=musterhausen, form__service__municipality=musterhausen)
    other_draft = DraftFactory(version=other_version, visited_pages=["person", "anliegen"])

    other = application_submit(draft=other_draft, language="de", portal_url="http://musterhausen.localhost/")

    assert other.reference == Submission.objects.get(municipality__slug="esslingen").reference
    assert other.municipality == musterhausen


def test_a_draft_with_missing_required_answers_cannot_be_submitted(parking_service):
    from rathaus.applications.services import SubmissionRefused, application_submit

    client = client_for(ESSLINGEN_HOST)
    _start(client, parking_service)

    with pytest.raises(SubmissionRefused):
        application_submit(draft=Draft.objects.get(), language="de", portal_url="http://esslingen.localhost/")
    assert not Submission.objects.exists()


def test_after_submitting_the_draft_keeps_no_answers_or_unused_files(parking_service):
    client = client_for(ESSLINGEN_HOST)
    check_url = _walk_to_check(client, parking_service, own_vehicle=False)
    draft = Draft.objects.get()
    _answer(
        client,
        reverse("applications:page", args=[draft.pk, "fahrzeug"]) + "?zurueck=pruefen",
        {"kennzeichen": "ES-AB 123", "fahrzeug_art": "pkw", "fahrzeug_auf_antragsteller": "ja"},
    )

    client.post(check_url, {"declaration": "on"})

    draft.refresh_from_db()
    assert draft.answers == {}
    assert not draft.uploads.exists()


def test_a_german_label_inside_a_group_is_marked_not_escaped_on_english_pages(bulky_waste_service, settings):
    client = client_for(ESSLINGEN_HOST)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(_start(client, bulky_waste_service)).content.decode()

    assert '<span lang="de">Art</span>' in page
    assert "&lt;span" not in page


def test_only_a_page_that_asks_for_a_file_posts_multipart(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)
    first = client.get(url).content.decode()
    url = _answer(client, url, {"hauptwohnsitz_esslingen": "ja"})["Location"]
    url = _answer(client, url, APPLICANT)["Location"]
    url = _answer(
        client, url, {"kennzeichen": "ES-AB 123", "fahrzeug_art": "pkw", "fahrzeug_auf_antragsteller": "nein"}
    )["Location"]
    upload_page = client.get(url).content.decode()

    assert 'enctype="multipart/form-data"' not in first
    assert 'enctype="multipart/form-data"' in upload_page


def test_answers_posted_urlencoded_are_saved_like_multipart_ones(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)

    response = client.post(
        url,
        "hauptwohnsitz_esslingen=ja&aktion=weiter",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 302
    assert Draft.objects.get().answers["hauptwohnsitz_esslingen"] is True


def test_the_start_page_offers_a_version_published_by_another_process_at_once(parking_service):
    from rathaus.applications.models import FormVersion

    client = client_for(ESSLINGEN_HOST)
    start = reverse("applications:start", args=[parking_service.slug])
    old = FormVersion.objects.get(form__service=parking_service)
    new = FormVersion.objects.create(
        form=old.form,
        number=old.number + 1,
        definition={**old.definition, "title": {"de": "Bewohnerparkausweis, neue Fassung"}},
    )
    client.get(start)
    # As another process publishes: no signal reaches this one.
    FormVersion.objects.filter(pk=old.pk).update(status=FormVersion.Status.RETIRED)
    FormVersion.objects.filter(pk=new.pk).update(status=FormVersion.Status.PUBLISHED)

    page = client.get(start).content.decode()

    assert "Bewohnerparkausweis, neue Fassung" in page


def test_the_start_page_of_a_service_withdrawn_by_another_process_is_not_found_at_once(parking_service):
    from rathaus.catalogue.models import Service

    client = client_for(ESSLINGEN_HOST)
    start = reverse("applications:start", args=[parking_service.slug])
    assert client.get(start).status_code == 200
    Service.objects.filter(pk=parking_service.pk).update(is_published=False)

    assert client.get(start).status_code == 404


def test_each_answer_on_the_check_page_links_to_its_own_page_and_field(parking_service):
    client = client_for(ESSLINGEN_HOST)
    check_url = _walk_to_check(client, parking_service, own_vehicle=True)
    draft = Draft.objects.get()

    page = client.get(check_url).content.decode()

    vehicle = reverse("applications:page", args=[draft.pk, "fahrzeug"])
    applicant = reverse("applications:page", args=[draft.pk, "antragsteller"])
    assert f'href="{vehicle}?zurueck=pruefen#kennzeichen"' in page
    assert f'href="{applicant}?zurueck=pruefen#vorname"' in page


# With JavaScript: htmx posts "Weiter" and gets the next page as the answer ------------------------------------

HTMX = {"HTTP_HX_REQUEST": "true"}


def _page_key(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_with_htmx_starting_answers_with_the_first_page_and_its_address(parking_service):
    client = client_for(ESSLINGEN_HOST)

    response = client.post(reverse("applications:start", args=[parking_service.slug]), **HTMX)

    draft = Draft.objects.get()
    first = reverse("applications:page", args=[draft.pk, "wohnsitz"])
    assert response.status_code == 200
    assert response["HX-Push-Url"] == first
    assert "Schritt 1 von" in response.content.decode()
    assert f'hx-post="{first}"' in response.content.decode()
    # The page came in the answer; the draft still belongs to this browser alone.
    assert client.get(first).status_code == 200
    assert client_for(ESSLINGEN_HOST).get(first).status_code == 404


def test_with_htmx_a_page_answers_with_the_next_page_after_saving(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)

    response = _answer(client, url, {"hauptwohnsitz_esslingen": "ja"}, **HTMX)

    draft = Draft.objects.get()
    next_url = reverse("applications:page", args=[draft.pk, "antragsteller"])
    assert response.status_code == 200
    assert response["HX-Push-Url"] == next_url
    assert "HX-Request" in response["Vary"]
    page = response.content.decode()
    assert "Schritt 2 von" in page
    assert f'action="{next_url}"' in page
    # The language switch and "Barriere melden" name the page shown, not the page posted.
    assert f"?weiter={next_url}" in page and f"?seite={next_url}" in page
    assert draft.answers["hauptwohnsitz_esslingen"] is True
    assert draft.visited_pages == [_page_key(url)]


def test_with_htmx_the_last_page_answers_with_the_check_page(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)
    url = _answer(client, url, {"hauptwohnsitz_esslingen": "ja"})["Location"]
    url = _answer(client, url, APPLICANT)["Location"]
    url = _answer(client, url, {"kennzeichen": "ES-AB 123", "fahrzeug_art": "pkw", "fahrzeug_auf_antragsteller": "ja"})[
        "Location"
    ]
    start = (timezone.localdate() + timedelta(days=3)).isoformat()

    response = _answer(client, url, {"zone": "a", "beginn": start, "laufzeit": "2"}, **HTMX)

    check_url = reverse("applications:check", args=[Draft.objects.get().pk])
    assert response["HX-Push-Url"] == check_url
    assert 'name="declaration"' in response.content.decode()
    assert client.post(check_url, {"declaration": "on"}).status_code == 302
    assert Submission.objects.count() == 1


def test_with_htmx_an_answer_from_the_check_page_goes_back_to_the_check_page(parking_service):
    client = client_for(ESSLINGEN_HOST)
    check_url = _walk_to_check(client, parking_service, own_vehicle=True)
    draft = Draft.objects.get()
    change = reverse("applications:page", args=[draft.pk, "antragsteller"]) + "?zurueck=pruefen"

    response = _answer(client, change, {**APPLICANT, "nachname": "Musterfrau"}, **HTMX)

    assert response["HX-Push-Url"] == check_url
    assert "Musterfrau" in response.content.decode()


def test_with_htmx_a_page_with_errors_is_shown_again_without_a_new_address(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)
    url = _answer(client, url, {"hauptwohnsitz_esslingen": "ja"})["Location"]

    response = _answer(client, url, {**APPLICANT, "anschrift__postal_code": "7372"}, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "HX-Push-Url" not in response
    assert 'id="fehler"' in page and "Mustermann" in page
    assert "<title>Fehler: " in page


def test_with_htmx_saving_for_later_loads_the_save_page_whole(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)

    response = client.post(url, {"hauptwohnsitz_esslingen": "ja", "aktion": "speichern"}, **HTMX)

    draft = Draft.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("applications:save", args=[draft.pk])
    assert "Location" not in response
    assert response.content == b""
    assert draft.answers["hauptwohnsitz_esslingen"] is True


def test_with_htmx_a_page_of_a_submitted_draft_leads_to_the_confirmation(parking_service):
    client = client_for(ESSLINGEN_HOST)
    check_url = _walk_to_check(client, parking_service, own_vehicle=True)
    client.post(check_url, {"declaration": "on"})
    submission = Submission.objects.get()
    page = reverse("applications:page", args=[submission.draft_id, "wohnsitz"])

    response = _answer(client, page, {"hauptwohnsitz_esslingen": "nein"}, **HTMX)

    assert response["HX-Redirect"] == reverse("applications:confirmation", args=[submission.pk])
    assert Submission.objects.get().answers["hauptwohnsitz_esslingen"] is True


def test_with_htmx_a_page_saved_while_another_tab_submits_leads_to_the_confirmation(parking_service, monkeypatch):
    from rathaus.applications import services

    client = client_for(ESSLINGEN_HOST)
    _walk_to_check(client, parking_service, own_vehicle=True)
    page = reverse("applications:page", args=[Draft.objects.get().pk, "antragsteller"])
    saving = services.draft_save_page

    def submitted_meanwhile(**arguments):
        # The other tab's submit lands between this page's read of the draft and its save.
        services.application_submit(draft=Draft.objects.get(), language="de", portal_url="https://esslingen.localhost/")
        return saving(**arguments)

    monkeypatch.setattr(services, "draft_save_page", submitted_meanwhile)

    response = _answer(client, page, APPLICANT, **HTMX)

    submission = Submission.objects.get()
    assert response["HX-Redirect"] == reverse("applications:confirmation", args=[submission.pk])
    assert "HX-Push-Url" not in response


def test_with_htmx_a_page_after_an_unanswered_one_loads_that_page_and_saves_nothing(parking_service):
    client = client_for(ESSLINGEN_HOST)
    first = _start(client, parking_service)
    later = reverse("applications:page", args=[Draft.objects.get().pk, "antragsteller"])

    response = _answer(client, later, APPLICANT, **HTMX)

    assert response["HX-Redirect"] == first
    assert Draft.objects.get().answers == {}


def test_with_htmx_a_start_over_the_address_limit_loads_the_start_page_with_the_message(parking_service, settings):
    settings.RATHAUS_APPLICATION_START_RATE = "1/h"
    client = client_for(ESSLINGEN_HOST)
    start = reverse("applications:start", args=[parking_service.slug])
    assert client.post(start, **HTMX).status_code == 200

    response = client.post(start, **HTMX)

    assert response["HX-Redirect"] == start
    assert Draft.objects.count() == 1
    assert "sehr viele Anfragen" in client.get(start).content.decode()


def test_with_htmx_a_stranger_cannot_post_into_someone_elses_draft(parking_service):
    url = _start(client_for(ESSLINGEN_HOST), parking_service)

    response = _answer(client_for(ESSLINGEN_HOST), url, {"hauptwohnsitz_esslingen": "nein"}, **HTMX)

    assert response.status_code == 404
    assert Draft.objects.get().answers == {}


def test_without_htmx_the_answers_vary_on_the_header_too(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)

    response = _answer(client, url, {"hauptwohnsitz_esslingen": "ja"})

    assert response.status_code == 302
    assert "HX-Request" in response["Vary"]
    assert "HX-Push-Url" not in response and "HX-Redirect" not in response


def test_with_htmx_submitting_answers_with_the_confirmation_that_no_cache_keeps(parking_service):
    client = client_for(ESSLINGEN_HOST)
    check_url = _walk_to_check(client, parking_service, own_vehicle=True)

    response = client.post(check_url, {"declaration": "on"}, **HTMX)

    submission = Submission.objects.get()
    confirmation = reverse("applications:confirmation", args=[submission.pk])
    assert response.status_code == 200
    assert response["HX-Push-Url"] == confirmation
    assert submission.reference in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # The browser may open the confirmation again by its address; a replayed post makes no second submission.
    assert client.get(confirmation).status_code == 200
    replayed = client.post(check_url, {"declaration": "on"}, **HTMX)
    assert replayed["HX-Redirect"] == confirmation
    assert Submission.objects.count() == 1


def test_with_htmx_a_missing_declaration_shows_the_check_page_again_with_the_error(parking_service):
    client = client_for(ESSLINGEN_HOST)
    check_url = _walk_to_check(client, parking_service, own_vehicle=True)

    response = client.post(check_url, {}, **HTMX)

    assert response.status_code == 200
    assert "HX-Push-Url" not in response
    assert 'id="fehler"' in response.content.decode()
    assert not Submission.objects.exists()
