import pytest

from rathaus.catalogue import selectors
from rathaus.catalogue.search import normalise

from .factories import ServiceFactory


@pytest.fixture
def catalogue(esslingen, musterhausen):
    ServiceFactory(
        municipality=esslingen,
        slug="wohnsitz-anmelden",
        name="Wohnsitz anmelden",
        name_en="Register your address",
        teaser="<p>Nach dem Umzug melden Sie Ihre neue Wohnung an.</p>",
        synonyms="Ummelden\nUmzug melden",
    )
    ServiceFactory(
        municipality=esslingen,
        slug="personalausweis",
        name="Personalausweis beantragen",
        name_en="Apply for an identity card",
        synonyms="Perso\nAusweis",
    )
    ServiceFactory(municipality=esslingen, slug="fuehrungszeugnis", name="Führungszeugnis beantragen")
    ServiceFactory(municipality=esslingen, slug="hundesteuer", name="Hundesteuer: Hund anmelden")
    ServiceFactory(municipality=esslingen, slug="versteckt", name="Personalausweis verloren", is_published=False)
    ServiceFactory(municipality=musterhausen, slug="personalausweis", name="Personalausweis in Musterhausen")
    return esslingen


def _slugs(municipality, query, language="de"):
    return [
        service.slug
        for service in selectors.service_search(municipality=municipality, query=query, language=language).services
    ]


def test_normalising_stems_and_folds_umlauts():
    assert normalise("Anmeldung anmelden") == ["anmeld", "anmeld"]
    assert normalise("Führungszeugnis Fuehrungszeugnis") == ["fuhrungszeugnis", "fuhrungszeugnis"]
    assert normalise("Straße") == normalise("Strasse")


def test_search_finds_a_service_by_its_name(catalogue):
    assert _slugs(catalogue, "Personalausweis") == ["personalausweis"]


def test_search_finds_a_service_by_a_synonym(catalogue):
    assert _slugs(catalogue, "Perso") == ["personalausweis"]
    assert _slugs(catalogue, "Ummelden") == ["wohnsitz-anmelden"]


def test_search_matches_word_stems(catalogue):
    assert "wohnsitz-anmelden" in _slugs(catalogue, "Anmeldung")
    assert "hundesteuer" in _slugs(catalogue, "Anmeldung Hund")


def test_search_folds_umlauts_and_sharp_s(catalogue):
    assert _slugs(catalogue, "Fuehrungszeugnis") == ["fuehrungszeugnis"]
    assert _slugs(catalogue, "fuhrungszeugnis") == ["fuehrungszeugnis"]


def test_search_needs_every_word(catalogue):
    assert _slugs(catalogue, "Personalausweis Hund") == []


def test_search_forgives_one_typo(catalogue):
    result = selectors.service_search(municipality=catalogue, query="Persnalausweis", language="de")
    assert [service.slug for service in result.services] == ["personalausweis"]
    assert result.spelling_corrected


def test_search_in_english_uses_the_english_names(catalogue):
    assert _slugs(catalogue, "identity card", language="en") == ["personalausweis"]


def test_search_never_shows_unpublished_services_or_other_municipalities(catalogue, musterhausen):
    assert _slugs(catalogue, "Personalausweis verloren") == []
    assert _slugs(musterhausen, "Personalausweis") == ["personalausweis"]
    assert selectors.service_search(municipality=musterhausen, query="Perso", language="de").services[0].name == (
        "Personalausweis in Musterhausen"
    )


@pytest.mark.parametrize("query", ["", "   ", "&|!:*()'\"", "a" * 500, "Perso\x00nal"])
def test_search_survives_odd_input(catalogue, query):
    selectors.service_search(municipality=catalogue, query=query, language="de")
