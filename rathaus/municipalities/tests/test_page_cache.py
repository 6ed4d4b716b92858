import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.municipalities.page_cache import forget_cached_pages
from rathaus.municipalities.services import unit_update_contact


@pytest.fixture(autouse=True)
def _page_cache_on():
    forget_cached_pages()
    with override_settings(RATHAUS_PAGE_CACHE_SECONDS=60):
        yield
    forget_cached_pages()


def test_second_anonymous_visit_of_the_start_page_needs_no_query_for_the_page(citizens_office):
    client = client_for(ESSLINGEN_HOST)
    first = client.get("/")

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/")

    assert second.content == first.content
    page_queries = [query["sql"] for query in queries if "organisationalunit" in query["sql"]]
    assert page_queries == []


def test_each_municipality_and_language_has_its_own_cached_page(esslingen, musterhausen):
    esslingen_page = client_for(ESSLINGEN_HOST).get("/").content.decode()
    musterhausen_page = client_for(MUSTERHAUSEN_HOST).get("/").content.decode()
    english = client_for(ESSLINGEN_HOST)
    english.cookies["django_language"] = "en"

    assert "Musterhausen" not in esslingen_page
    assert "Musterhausen" in musterhausen_page
    assert '<html lang="en">' in english.get("/").content.decode()


def test_logged_in_visitors_never_get_the_anonymous_copy(citizen):
    client_for(ESSLINGEN_HOST).get("/")

    page = client_for(ESSLINGEN_HOST, citizen).get("/").content.decode()

    assert "Mein Konto" in page


def test_changed_office_shows_at_once(citizens_office, django_capture_on_commit_callbacks):
    client = client_for(ESSLINGEN_HOST)
    client.get(f"/aemter/{citizens_office.slug}/")

    with django_capture_on_commit_callbacks(execute=True):
        unit_update_contact(unit=citizens_office, phone="+49 711 3512-9999")

    assert "+49 711 3512-9999" in client.get(f"/aemter/{citizens_office.slug}/").content.decode()


def test_pages_with_a_form_token_are_not_cached(esslingen):
    client = client_for(ESSLINGEN_HOST)
    client.get("/barrierefreiheit/")
    client.cookies.clear()

    first = client_for(ESSLINGEN_HOST).get("/barrierefreiheit/").content
    second = client_for(ESSLINGEN_HOST).get("/barrierefreiheit/").content

    assert first != second  # each visitor gets an own CSRF token
