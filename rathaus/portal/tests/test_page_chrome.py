"""Header and footer are kept as rendered fragments per process (templates/base.html, cache "chrome").

What they show must still follow the request: its language, who is signed in, the section of the
page, the page's own address, the search words, and the municipality as it is now.
"""

import pytest
from django.core.cache import caches

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for


def _fragments() -> int:
    return len(caches["chrome"]._cache)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_second_page_reuses_the_header_and_footer_fragments_of_the_first(esslingen):
    client = client_for(ESSLINGEN_HOST)

    client.get("/impressum/")
    kept = _fragments()
    client.get("/datenschutz/")

    assert kept >= 5
    assert _fragments() == kept


@pytest.mark.django_db
def test_the_language_link_and_barrier_report_carry_each_pages_own_address(esslingen):
    client = client_for(ESSLINGEN_HOST)

    first = client.get("/impressum/").content.decode()
    second = client.get("/datenschutz/?x=1").content.decode()

    assert "weiter=/impressum/" in first
    assert "seite=/impressum/" in first
    assert "weiter=/datenschutz/%3Fx%3D1" in second
    assert "seite=/datenschutz/" in second
    assert "/impressum/" not in second.split("</main>")[0].split("<main")[0]


@pytest.mark.django_db
def test_the_navigation_marks_the_section_of_the_page_shown(esslingen):
    client = client_for(ESSLINGEN_HOST)

    catalogue = client.get("/leistungen/").content.decode()
    home = client.get("/").content.decode()

    assert 'href="/leistungen/" aria-current="page"' in catalogue
    assert 'href="/" aria-current="page"' not in catalogue
    assert 'href="/" aria-current="page"' in home
    assert 'href="/leistungen/" aria-current="page"' not in home


@pytest.mark.django_db
def test_the_navigation_follows_signing_in_on_the_same_page(esslingen, citizen):
    anonymous = client_for(ESSLINGEN_HOST).get("/impressum/").content.decode()
    signed_in = client_for(ESSLINGEN_HOST, citizen).get("/impressum/").content.decode()

    assert "Anmelden" in anonymous and "Abmelden" not in anonymous
    assert "Abmelden" in signed_in and "Mein Konto" in signed_in and "Konto erstellen" not in signed_in


@pytest.mark.django_db
def test_the_administration_link_shows_for_staff_of_this_municipality_only(esslingen, citizen, clerk):
    for_citizen = client_for(ESSLINGEN_HOST, citizen).get("/impressum/").content.decode()
    for_clerk = client_for(ESSLINGEN_HOST, clerk).get("/impressum/").content.decode()
    for_citizen_again = client_for(ESSLINGEN_HOST, citizen).get("/impressum/").content.decode()

    assert ">Verwaltung</a>" in for_clerk
    assert ">Verwaltung</a>" not in for_citizen
    assert ">Verwaltung</a>" not in for_citizen_again


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "marked"),
    [("/", "/"), ("/aemter/", "/aemter/"), ("/termine/", "/termine/"), ("/maengelmelder/", "/maengelmelder/")],
)
def test_each_section_marks_its_own_navigation_entry_only(esslingen, path, marked):
    page = client_for(ESSLINGEN_HOST).get(path).content.decode()
    navigation = page.split('<nav class="rathaus-nav"')[1].split("</nav>")[0]

    assert navigation.count('aria-current="page"') == 1
    assert f'href="{marked}" aria-current="page"' in navigation


@pytest.mark.django_db
def test_english_and_german_headers_are_kept_apart(esslingen):
    client = client_for(ESSLINGEN_HOST)

    german = client.get("/impressum/").content.decode()
    client.get("/sprache/en/?weiter=/impressum/")
    english = client.get("/impressum/").content.decode()
    client.get("/sprache/de/?weiter=/impressum/")
    german_again = client.get("/impressum/").content.decode()

    assert "Zum Inhalt springen" in german and "Rechtliches" in german
    assert "Skip to content" in english and "Legal" in english and "Zum Inhalt springen" not in english
    assert german_again == german


@pytest.mark.django_db
def test_search_words_show_only_on_their_own_search_page(esslingen):
    client = client_for(ESSLINGEN_HOST)

    searched = client.get("/suche/?q=Hundesteuer").content.decode()
    other = client.get("/impressum/").content.decode()

    assert 'name="q" type="search" value="Hundesteuer"' in searched
    assert 'name="q" type="search" value=""' in other


@pytest.mark.django_db
def test_each_municipality_keeps_its_own_header_and_footer(esslingen, musterhausen):
    esslingen_page = client_for(ESSLINGEN_HOST).get("/impressum/").content.decode()
    musterhausen_page = client_for(MUSTERHAUSEN_HOST).get("/impressum/").content.decode()

    assert "Offizielle Website – Stadt Esslingen am Neckar" in esslingen_page
    assert "Offizielle Website – Gemeinde Musterhausen am Neckar" in musterhausen_page
    assert "Esslingen" not in musterhausen_page.split("<main")[0]


@pytest.mark.django_db
def test_a_changed_name_and_address_show_in_header_and_footer_at_once(esslingen, settings):
    settings.RATHAUS_MUNICIPALITY_CACHE_SECONDS = 0  # each request loads the municipality as stored
    client = client_for(ESSLINGEN_HOST)
    client.get("/impressum/")

    esslingen.name = "Große Kreisstadt Esslingen am Neckar"
    esslingen.phone = "0711 3512-0"
    esslingen.save()
    page = client.get("/impressum/").content.decode()

    header, footer = page.split("<main")[0], page.split("</main>")[1]
    assert "Offizielle Website – Große Kreisstadt Esslingen am Neckar" in header
    assert "Große Kreisstadt Esslingen am Neckar" in footer
    assert 'href="tel:07113512-0"' not in footer and 'href="tel:071135120"' in footer
