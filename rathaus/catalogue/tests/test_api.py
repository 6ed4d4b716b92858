from decimal import Decimal

import pytest
import yaml
from django.urls import reverse
from openapi_spec_validator import validate

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.catalogue.models import OnlineService, Service, Topic

from .factories import OnlineServiceFactory, ServiceFactory, TopicFactory

ENDPOINTS = [
    ("api:service-list", []),
    ("api:service-detail", ["personalausweis"]),
    ("api:life-situation-list", []),
    ("api:service-search", []),
]
WRITE_METHODS = ["post", "put", "patch", "delete"]


@pytest.fixture
def catalogue(esslingen, musterhausen, citizens_office):
    """Esslingen's catalogue: an identity card with everything, an address registration, a hidden draft."""
    moving = TopicFactory(municipality=esslingen, slug="umzug", name="Umzug", name_en="Moving house")
    documents = TopicFactory(municipality=esslingen, slug="ausweise", name="Ausweise und Pässe")
    category = TopicFactory(municipality=esslingen, kind=Topic.Kind.CATEGORY, slug="buergerdienste", name="Bürger")
    identity_card = ServiceFactory(
        municipality=esslingen,
        slug="personalausweis",
        name="Personalausweis beantragen",
        name_en="Apply for an identity card",
        teaser="<p>Den Ausweis gibt es im Bürgeramt.</p>",
        teaser_en="<p>You get the card at the citizens' office.</p>",
        required_documents="<p>Ein biometrisches Passfoto</p>",
        required_documents_en="<p>A biometric passport photo</p>",
        fees="<p>37,00 Euro</p>",
        fee_min=Decimal("22.80"),
        fee_max=Decimal("37.00"),
        synonyms="Perso\nAusweis\n",
        leika_key="99102013104000",
        service_type="1",
        appointment_available=True,
    )
    identity_card.responsible_units.add(citizens_office)
    identity_card.topics.add(documents, category)
    OnlineServiceFactory(municipality=esslingen, name="Ausweis-Termin online", name_en="Book online").services.add(
        identity_card
    )
    OnlineServiceFactory(municipality=esslingen, name="Altes Portal", is_enabled=False).services.add(identity_card)
    registration = ServiceFactory(
        municipality=esslingen,
        slug="wohnsitz-anmelden",
        name="Wohnsitz anmelden",
        name_en="Register your address",
        synonyms="Ummelden",
    )
    registration.topics.add(moving)
    ServiceFactory(municipality=esslingen, slug="entwurf", name="Personalausweis verloren", is_published=False)
    ServiceFactory(municipality=musterhausen, slug="hundesteuer", name="Hundesteuer in Musterhausen")
    return esslingen


def _get(name, args=(), host=ESSLINGEN_HOST, **params):
    return client_for(host).get(reverse(name, args=args), params)


# Service list ---------------------------------------------------------------------------------


def test_service_list_shows_the_published_services_of_this_municipality(catalogue):
    data = _get("api:service-list").json()

    assert data["count"] == 2
    assert [service["slug"] for service in data["results"]] == ["personalausweis", "wohnsitz-anmelden"]


def test_service_list_entry_links_the_public_page_and_the_detail_endpoint(catalogue):
    entry = _get("api:service-list").json()["results"][0]

    assert entry == {
        "slug": "personalausweis",
        "name": "Personalausweis beantragen",
        "name_en": "Apply for an identity card",
        "teaser": "<p>Den Ausweis gibt es im Bürgeramt.</p>",
        "teaser_en": "<p>You get the card at the citizens' office.</p>",
        "leika_key": "99102013104000",
        "service_type": "1",
        "online_available": True,
        "url": f"http://{ESSLINGEN_HOST}{reverse('catalogue:service_detail', args=['personalausweis'])}",
        "api_url": f"http://{ESSLINGEN_HOST}{reverse('api:service-detail', args=['personalausweis'])}",
    }


def test_service_list_is_paginated_with_limit_and_offset(catalogue):
    data = _get("api:service-list", limit=1, offset=1).json()

    assert data["count"] == 2
    assert [service["slug"] for service in data["results"]] == ["wohnsitz-anmelden"]
    assert data["previous"] is not None


@pytest.mark.parametrize("limit", ["9223372036854775808", "100000000000000000000000", "5000"])
def test_service_list_caps_a_huge_limit_at_two_hundred_entries_instead_of_failing(esslingen, limit):
    ServiceFactory.create_batch(205, municipality=esslingen)

    response = _get("api:service-list", limit=limit)

    assert response.status_code == 200
    assert response.json()["count"] == 205
    assert len(response.json()["results"]) == 200


def test_service_list_gives_an_empty_page_for_an_offset_beyond_the_end(catalogue):
    response = _get("api:service-list", offset="9223372036854775808")

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("name", ["api:office-list", "api:life-situation-list"])
def test_other_lists_cap_a_limit_beyond_the_database_integers_too(catalogue, name):
    response = _get(name, limit="9223372036854775808")

    assert response.status_code == 200


def test_service_list_marks_a_service_without_enabled_online_offer_as_offline(catalogue):
    entries = {entry["slug"]: entry for entry in _get("api:service-list").json()["results"]}

    assert entries["wohnsitz-anmelden"]["online_available"] is False


def test_service_list_searches_with_q(catalogue):
    data = _get("api:service-list", q="Ummelden").json()

    assert [service["slug"] for service in data["results"]] == ["wohnsitz-anmelden"]


def test_service_list_searches_in_english_with_sprache_en(catalogue):
    data = _get("api:service-list", q="identity card", sprache="en").json()

    assert [service["slug"] for service in data["results"]] == ["personalausweis"]


def test_service_list_narrows_to_one_life_situation(catalogue):
    data = _get("api:service-list", lebenslage="umzug").json()

    assert [service["slug"] for service in data["results"]] == ["wohnsitz-anmelden"]


def test_service_list_combines_search_and_life_situation(catalogue):
    assert _get("api:service-list", q="Perso", lebenslage="umzug").json()["results"] == []
    data = _get("api:service-list", q="Perso", lebenslage="ausweise").json()
    assert [service["slug"] for service in data["results"]] == ["personalausweis"]


def test_service_list_answers_404_for_an_unknown_life_situation(catalogue):
    response = _get("api:service-list", lebenslage="gibt-es-nicht")

    assert response.status_code == 404
    assert response.json()["detail"] == "Diese Lebenslage gibt es hier nicht."


def test_service_list_answers_404_for_a_category_given_as_life_situation(catalogue):
    assert _get("api:service-list", lebenslage="buergerdienste").status_code == 404


def test_service_list_refuses_an_unknown_language_in_german(catalogue):
    response = _get("api:service-list", q="Perso", sprache="fr")

    assert response.status_code == 400
    assert response.json() == {"sprache": ["„fr“ ist keine unterstützte Sprache. Erlaubt sind „de“ und „en“."]}


def test_service_list_refuses_an_overlong_search_term(catalogue):
    response = _get("api:service-list", q="a" * 201)

    assert response.status_code == 400
    assert response.json() == {"q": ["Der Suchbegriff darf höchstens 200 Zeichen lang sein."]}


def test_service_list_hides_unpublished_services(catalogue):
    slugs = [service["slug"] for service in _get("api:service-list").json()["results"]]
    found = [service["slug"] for service in _get("api:service-list", q="verloren").json()["results"]]

    assert "entwurf" not in slugs
    assert found == []


def test_service_list_of_another_host_shows_only_that_municipalitys_services(catalogue):
    data = _get("api:service-list", host=MUSTERHAUSEN_HOST).json()

    assert [service["slug"] for service in data["results"]] == ["hundesteuer"]


def test_service_list_under_esslingen_hides_musterhausens_services(catalogue):
    slugs = [service["slug"] for service in _get("api:service-list").json()["results"]]
    found = _get("api:service-list", q="Hundesteuer").json()["results"]

    assert "hundesteuer" not in slugs
    assert found == []


# Service detail -------------------------------------------------------------------------------


def test_service_detail_holds_every_text_module_in_german_and_english(catalogue):
    data = _get("api:service-detail", ["personalausweis"]).json()

    assert data["name"] == "Personalausweis beantragen"
    assert data["name_en"] == "Apply for an identity card"
    assert data["required_documents"] == "<p>Ein biometrisches Passfoto</p>"
    assert data["required_documents_en"] == "<p>A biometric passport photo</p>"
    assert data["fees"] == "<p>37,00 Euro</p>"
    for module in ("short_text", "full_text", "prerequisites", "procedure", "deadlines", "processing_time"):
        assert data[module] == ""
        assert data[f"{module}_en"] == ""
    for module in ("legal_basis", "legal_remedy", "forms", "further_information", "hints", "responsible_note"):
        assert module in data
        assert f"{module}_en" in data


def test_service_detail_gives_fees_as_decimal_strings_and_synonyms_as_a_list(catalogue):
    data = _get("api:service-detail", ["personalausweis"]).json()

    assert data["fee_min"] == "22.80"
    assert data["fee_max"] == "37.00"
    assert data["synonyms"] == ["Perso", "Ausweis"]
    assert data["leika_key"] == "99102013104000"
    assert data["service_type"] == "1"
    assert data["appointment_available"] is True
    assert data["written_form_required"] is False


def test_service_detail_gives_empty_fees_as_null(catalogue):
    data = _get("api:service-detail", ["wohnsitz-anmelden"]).json()

    assert data["fee_min"] is None
    assert data["fee_max"] is None
    assert data["synonyms"] == ["Ummelden"]


def test_service_detail_links_the_responsible_office(catalogue, citizens_office):
    data = _get("api:service-detail", ["personalausweis"]).json()

    assert data["responsible_offices"] == [
        {
            "slug": "buergeramt",
            "name": "Bürgeramt Esslingen",
            "api_url": f"http://{ESSLINGEN_HOST}{reverse('api:office-detail', args=['buergeramt'])}",
        }
    ]


def test_service_detail_shows_only_enabled_online_services(catalogue):
    data = _get("api:service-detail", ["personalausweis"]).json()

    assert data["online_services"] == [
        {
            "name": "Ausweis-Termin online",
            "name_en": "Book online",
            "url": "https://www.service-bw.de/",
            "trust_level": OnlineService.TrustLevel.SUBSTANTIAL.value,
        }
    ]


def test_service_whose_only_online_service_is_disabled_is_not_online_available(catalogue):
    OnlineService.objects.filter(is_enabled=True).update(is_enabled=False)

    data = _get("api:service-detail", ["personalausweis"]).json()

    assert data["online_services"] == []
    assert data["online_available"] is False


def test_service_detail_lists_life_situations_but_not_categories(catalogue):
    data = _get("api:service-detail", ["personalausweis"]).json()

    assert data["life_situations"] == [{"slug": "ausweise", "name": "Ausweise und Pässe"}]


def test_unpublished_service_is_not_found(catalogue):
    response = _get("api:service-detail", ["entwurf"])

    assert response.status_code == 404
    assert response.json()["detail"] == "Diese Leistung gibt es hier nicht."


def test_unknown_service_is_not_found(catalogue):
    assert _get("api:service-detail", ["gibt-es-nicht"]).status_code == 404


def test_service_of_another_municipality_is_not_found_under_esslingens_host(catalogue):
    assert _get("api:service-detail", ["hundesteuer"]).status_code == 404
    assert _get("api:service-detail", ["hundesteuer"], host=MUSTERHAUSEN_HOST).status_code == 200


# Life situations ------------------------------------------------------------------------------


def test_life_situation_list_counts_published_services(catalogue):
    data = _get("api:life-situation-list").json()

    assert data["results"] == [
        {
            "slug": "ausweise",
            "name": "Ausweise und Pässe",
            "name_en": "",
            "description": "",
            "description_en": "",
            "service_count": 1,
        },
        {
            "slug": "umzug",
            "name": "Umzug",
            "name_en": "Moving house",
            "description": "",
            "description_en": "",
            "service_count": 1,
        },
    ]


def test_life_situation_list_leaves_out_topics_without_published_services(catalogue):
    TopicFactory(municipality=catalogue, slug="leer", name="Leer").services.add(
        Service.objects.get(municipality=catalogue, slug="entwurf")
    )

    slugs = [topic["slug"] for topic in _get("api:life-situation-list").json()["results"]]

    assert "leer" not in slugs


def test_life_situation_list_of_musterhausen_does_not_show_esslingens(catalogue):
    assert _get("api:life-situation-list", host=MUSTERHAUSEN_HOST).json()["results"] == []


# Search ---------------------------------------------------------------------------------------


def test_search_finds_a_service_by_its_synonym(catalogue):
    data = _get("api:service-search", q="Perso").json()

    assert data["query"] == "Perso"
    assert data["spelling_corrected"] is False
    assert [service["slug"] for service in data["results"]] == ["personalausweis"]
    assert data["results"][0]["api_url"].endswith(reverse("api:service-detail", args=["personalausweis"]))


def test_search_forgives_a_typo_and_says_so(catalogue):
    data = _get("api:service-search", q="Persnalausweis").json()

    assert data["spelling_corrected"] is True
    assert [service["slug"] for service in data["results"]] == ["personalausweis"]


def test_search_in_english(catalogue):
    data = _get("api:service-search", q="address", sprache="en").json()

    assert [service["slug"] for service in data["results"]] == ["wohnsitz-anmelden"]


def test_search_shows_at_most_twenty_results(esslingen):
    for number in range(25):
        ServiceFactory(municipality=esslingen, name=f"Bescheinigung {number}")

    data = _get("api:service-search", q="Bescheinigung").json()

    assert len(data["results"]) == 20


def test_search_never_shows_unpublished_services_or_other_municipalities(catalogue):
    assert _get("api:service-search", q="verloren").json()["results"] == []
    assert _get("api:service-search", q="Hundesteuer").json()["results"] == []


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}])
def test_search_without_a_term_asks_for_one_in_german(catalogue, params):
    response = _get("api:service-search", **params)

    assert response.status_code == 400
    assert response.json() == {"q": ["Bitte geben Sie einen Suchbegriff an."]}


def test_search_refuses_an_overlong_term(catalogue):
    response = _get("api:service-search", q="a" * 201)

    assert response.status_code == 400
    assert response.json() == {"q": ["Der Suchbegriff darf höchstens 200 Zeichen lang sein."]}


def test_search_refuses_an_unknown_language_in_german(catalogue):
    response = _get("api:service-search", q="Perso", sprache="fr")

    assert response.status_code == 400
    assert response.json() == {"sprache": ["„fr“ ist keine unterstützte Sprache. Erlaubt sind „de“ und „en“."]}


# Refusals: the catalogue API is read-only for everybody ----------------------------------------


@pytest.mark.parametrize("method", WRITE_METHODS)
@pytest.mark.parametrize(("name", "args"), ENDPOINTS)
def test_catalogue_endpoints_refuse_writes_from_anonymous_visitors(catalogue, name, args, method):
    client = client_for(ESSLINGEN_HOST)

    response = getattr(client, method)(reverse(name, args=args), {"name": "Geändert"}, content_type="application/json")

    assert response.status_code in (403, 405)
    assert not Service.objects.filter(name="Geändert").exists()
    assert Service.objects.filter(slug="personalausweis").exists()


@pytest.mark.parametrize("method", WRITE_METHODS)
@pytest.mark.parametrize(("name", "args"), ENDPOINTS)
def test_catalogue_endpoints_refuse_writes_from_a_municipality_administrator(
    catalogue, municipality_admin, name, args, method
):
    client = client_for(ESSLINGEN_HOST, municipality_admin)

    response = getattr(client, method)(reverse(name, args=args), {"name": "Geändert"}, content_type="application/json")

    assert response.status_code in (403, 405)
    assert not Service.objects.filter(name="Geändert").exists()
    assert Service.objects.filter(slug="personalausweis").exists()


# Root and schema ------------------------------------------------------------------------------


def test_api_root_links_the_catalogue_endpoints(esslingen):
    data = client_for(ESSLINGEN_HOST).get(reverse("api:root"), HTTP_ACCEPT="application/json").json()

    assert set(data) == {
        "municipality",
        "offices",
        "services",
        "life_situations",
        "search",
        "schema",
        "documentation",
        "form_definition_schema",
    }
    assert data["services"] == f"http://{ESSLINGEN_HOST}{reverse('api:service-list')}"
    assert data["life_situations"] == f"http://{ESSLINGEN_HOST}{reverse('api:life-situation-list')}"
    assert data["search"] == f"http://{ESSLINGEN_HOST}{reverse('api:service-search')}"


def test_openapi_schema_documents_the_catalogue_endpoints_and_is_valid(esslingen):
    response = client_for(ESSLINGEN_HOST).get(reverse("api:schema"))

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    paths = schema["paths"]
    for path in ("/api/v1/services/", "/api/v1/services/{slug}/", "/api/v1/life-situations/", "/api/v1/search/"):
        assert set(paths[path]) == {"get"}, path
    list_parameters = {parameter["name"] for parameter in paths["/api/v1/services/"]["get"]["parameters"]}
    assert {"q", "sprache", "lebenslage", "limit", "offset"} <= list_parameters
    search_parameters = {parameter["name"]: parameter for parameter in paths["/api/v1/search/"]["get"]["parameters"]}
    assert search_parameters["q"]["required"] is True
    assert search_parameters["sprache"]["schema"]["enum"] == ["de", "en"]
