"""Whole pages requested by htmx: redirects become page loads, and answers vary on the header."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.test import RequestFactory

from rathaus.portal.htmx import from_htmx, htmx_navigation, pushed


def _redirect_with_cookie(request):
    response = redirect("/antraege/x/speichern/")
    response.set_cookie("zugang", "signiert", httponly=True)
    response["Cache-Control"] = "private"
    return response


def test_for_htmx_a_redirect_becomes_a_page_load_and_keeps_its_cookies():
    request = RequestFactory().post("/antraege/x/seite/", HTTP_HX_REQUEST="true")

    response = htmx_navigation(_redirect_with_cookie)(request)

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/antraege/x/speichern/"
    assert "Location" not in response
    assert response.cookies["zugang"].value == "signiert"
    assert response.cookies["zugang"]["httponly"]
    assert response["Cache-Control"] == "private"
    assert response["Vary"] == "HX-Request"


def test_without_htmx_a_redirect_stays_a_redirect():
    request = RequestFactory().post("/antraege/x/seite/")

    response = htmx_navigation(_redirect_with_cookie)(request)

    assert response.status_code == 302
    assert response["Location"] == "/antraege/x/speichern/"
    assert "HX-Redirect" not in response
    assert response["Vary"] == "HX-Request"


def test_only_the_header_htmx_sends_counts_as_htmx():
    factory = RequestFactory()

    assert from_htmx(factory.get("/", HTTP_HX_REQUEST="true"))
    assert not from_htmx(factory.get("/"))
    assert not from_htmx(factory.get("/", HTTP_HX_REQUEST="false"))


def test_only_a_page_shown_gets_an_address_in_the_history():
    assert pushed(HttpResponse("Seite"), "/antraege/x/zwei/")["HX-Push-Url"] == "/antraege/x/zwei/"
    assert "HX-Push-Url" not in pushed(redirect("/antraege/x/eins/"), "/antraege/x/zwei/")
