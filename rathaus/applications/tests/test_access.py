"""A browser without an account opens its own drafts and submissions through a signed cookie, not a session row."""

import json

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.applications import access
from rathaus.applications.demo import FORMS_FOLDER
from rathaus.applications.models import Draft
from rathaus.applications.services import form_create, form_publish
from rathaus.catalogue.tests.factories import ServiceFactory


@pytest.fixture
def parking_service(esslingen, citizens_office):
    service = ServiceFactory(municipality=esslingen, slug="bewohnerparkausweis", name="Bewohnerparkausweis")
    definition = json.loads((FORMS_FOLDER / "bewohnerparkausweis.json").read_text(encoding="utf-8"))
    form_publish(form=form_create(municipality=esslingen, service=service, definition=definition))
    return service


def _start(client, service) -> str:
    response = client.post(reverse("applications:start", args=[service.slug]))
    assert response.status_code == 302
    return response["Location"]


def test_starting_without_an_account_sets_a_signed_http_only_cookie_and_no_session(parking_service):
    client = client_for(ESSLINGEN_HOST)
    url = _start(client, parking_service)

    cookie = client.cookies[access.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    held = signing.loads(cookie.value, salt=access.SALT)
    assert held[access.DRAFTS] == [str(Draft.objects.get().pk)]
    assert client.get(url).status_code == 200
    assert not Session.objects.exists()


def test_a_forged_cookie_opens_nothing(parking_service):
    url = _start(client_for(ESSLINGEN_HOST), parking_service)
    draft_id = str(Draft.objects.get().pk)
    stranger = client_for(ESSLINGEN_HOST)
    forged = signing.dumps({access.DRAFTS: [draft_id]}, salt="a-different-salt", compress=True)
    stranger.cookies[access.COOKIE_NAME] = forged

    assert stranger.get(url).status_code == 404


def test_an_expired_cookie_opens_nothing(parking_service, settings):
    url = _start(client_for(ESSLINGEN_HOST), parking_service)
    stranger = client_for(ESSLINGEN_HOST)
    stranger.cookies[access.COOKIE_NAME] = access.signed_value({access.DRAFTS: [str(Draft.objects.get().pk)]})
    assert stranger.get(url).status_code == 200

    settings.SESSION_COOKIE_AGE = -1
    assert stranger.get(url).status_code == 404


def test_a_cookie_of_the_wrong_shape_is_ignored(parking_service):
    url = _start(client_for(ESSLINGEN_HOST), parking_service)
    stranger = client_for(ESSLINGEN_HOST)
    stranger.cookies[access.COOKIE_NAME] = access.signed_value(["not", "a", "mapping"])  # type: ignore[arg-type]

    assert stranger.get(url).status_code == 404


def test_a_second_draft_keeps_the_first_one_reachable(parking_service):
    client = client_for(ESSLINGEN_HOST)
    first = _start(client, parking_service)
    second = _start(client, parking_service)

    assert first != second
    assert client.get(first).status_code == 200
    assert client.get(second).status_code == 200


def test_only_the_newest_drafts_are_kept_in_the_cookie(parking_service):
    client = client_for(ESSLINGEN_HOST)
    urls = [_start(client, parking_service) for _ in range(access.KEEP + 1)]

    assert client.get(urls[0]).status_code == 404
    assert client.get(urls[-1]).status_code == 200


def test_the_cookie_is_secure_where_the_session_cookie_is(parking_service, settings):
    settings.SESSION_COOKIE_SECURE = True
    client = client_for(ESSLINGEN_HOST)
    _start(client, parking_service)

    assert client.cookies[access.COOKIE_NAME]["secure"]


@pytest.fixture
def sent_without_account(esslingen, citizens_office):
    from rathaus.applications.tests.factories import SubmissionFactory

    return SubmissionFactory(
        version__form__municipality=esslingen,
        version__form__responsible_unit=citizens_office,
        version__form__service__name="Bewohnerparkausweis",
        user=None,
    )


def test_logging_out_ends_the_browsers_access_to_what_was_sent_in_it(sent_without_account, citizen):
    # E.g. a clerk at the counter who submitted on a citizen's behalf, then logged out.
    client = client_for(ESSLINGEN_HOST, citizen)
    client.cookies[access.COOKIE_NAME] = access.signed_value({access.SUBMISSIONS: [str(sent_without_account.pk)]})
    confirmation = reverse("applications:confirmation", args=[sent_without_account.pk])
    assert client.get(confirmation).status_code == 200

    response = client.post(reverse("account_logout"))

    assert response.cookies[access.COOKIE_NAME]["max-age"] == 0
    assert client.get(confirmation).status_code == 404


def test_the_confirmation_is_kept_by_no_cache(sent_without_account):
    client = client_for(ESSLINGEN_HOST)
    client.cookies[access.COOKIE_NAME] = access.signed_value({access.SUBMISSIONS: [str(sent_without_account.pk)]})
    response = client.get(reverse("applications:confirmation", args=[sent_without_account.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_submission_with_an_account_is_not_put_in_the_cookie(parking_service, citizen):
    from rathaus.applications.tests.test_views import _walk_to_check

    client = client_for(ESSLINGEN_HOST, citizen)
    response = client.post(_walk_to_check(client, parking_service, own_vehicle=True), {"declaration": "on"})

    assert response.status_code == 302
    assert access.COOKIE_NAME not in client.cookies
    assert client.get(response["Location"]).status_code == 200
