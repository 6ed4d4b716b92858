from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.catalogue.models import Topic

from .factories import OnlineServiceFactory, ServiceFactory, TopicFactory


@pytest.fixture
def identity_card(esslingen, citizens_office):
    service = ServiceFactory(
        municipality=esslingen,
        slug="personalausweis",
        name="Personalausweis beantragen",
        name_en="Apply for an identity card",
        teaser="<p>Den Ausweis beantragen Sie persönlich.</p>",
        required_documents="<ul><li>Biometrisches Passfoto</li><li>Alter Ausweis</li></ul>",
        procedure="<ol><li>Termin buchen</li></ol>",
        legal_basis="<ul><li>Personalausweisgesetz</li></ul>",
        fees="<p>Unter 24 Jahren 22,80 Euro.</p>",
        fee_min=Decimal("22.80"),
        fee_max=Decimal("37.00"),
        synonyms="Perso",
        appointment_available=True,
    )
    service.responsible_units.add(citizens_office)
    online = OnlineServiceFactory(municipality=esslingen, name="Ausweis online vorbereiten")
    online.services.add(service)
    return service


def _get(url, host=ESSLINGEN_HOST, **params):
    return client_for(host).get(url, params)


def test_the_detail_page_shows_every_module_and_the_office(identity_card):
    response = _get(reverse("catalogue:service_detail", args=["personalausweis"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Personalausweis beantragen" in page
    assert 'type="checkbox" id="unterlage-1"' in page and "Biometrisches Passfoto" in page
    assert "22,80 Euro bis 37,00 Euro" in page
    assert "Personalausweisgesetz" in page
    assert "Bürgeramt Esslingen" in page
    assert "Online beantragen" in page
    assert "https://www.service-bw.de/" in page
    assert "Termin" in page


def test_a_switched_off_online_offer_disappears_from_the_page(identity_card):
    identity_card.online_services.update(is_enabled=False)
    page = _get(reverse("catalogue:service_detail", args=["personalausweis"])).content.decode()
    assert "Online beantragen" not in page


def test_english_readers_get_english_names_and_german_texts_marked_as_german(identity_card):
    with translation.override("en"):
        url = reverse("catalogue:service_detail", args=["personalausweis"])
    client = client_for(ESSLINGEN_HOST)
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "Apply for an identity card" in page
    assert '<div class="kern-body rathaus-lead" lang="de">' in page


def test_an_unpublished_service_is_not_found(identity_card):
    identity_card.is_published = False
    identity_card.save()
    assert _get(reverse("catalogue:service_detail", args=["personalausweis"])).status_code == 404


def test_another_municipalitys_service_is_not_found_under_this_host(identity_card, musterhausen):
    response = _get(reverse("catalogue:service_detail", args=["personalausweis"]), host=MUSTERHAUSEN_HOST)
    assert response.status_code == 404


def test_the_index_lists_services_a_to_z_and_life_situations(identity_card, esslingen):
    moving = TopicFactory(municipality=esslingen, slug="umzug", name="Umzug")
    ServiceFactory(municipality=esslingen, slug="ummelden", name="Ärztliches Attest", teaser="").topics.add(moving)
    page = _get(reverse("catalogue:service_index")).content.decode()
    assert 'href="#buchstabe-A"' in page and 'href="#buchstabe-P"' in page
    assert "Umzug" in page
    assert "online möglich" in page


def test_search_lists_matching_services_with_teaser_and_online_badge(identity_card):
    response = _get(reverse("catalogue:service_search"), q="Perso")
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 Leistung gefunden" in page
    assert "Den Ausweis beantragen Sie persönlich." in page
    assert "online möglich" in page


def test_search_without_a_term_answers_with_an_error_summary(esslingen):
    response = _get(reverse("catalogue:service_search"), q="  ")
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Fehler:" in page
    assert "Bitte geben Sie einen Suchbegriff ein." in page


def test_search_refuses_an_overlong_term(esslingen):
    response = _get(reverse("catalogue:service_search"), q="x" * 201)
    assert response.status_code == 400
    assert "höchstens 200 Zeichen" in response.content.decode()


def test_the_site_search_finds_services_and_offices(identity_card):
    page = _get(reverse("portal:search"), q="Personalausweis").content.decode()
    assert "Personalausweis beantragen" in page


def test_a_life_situation_page_lists_its_services(identity_card, esslingen):
    topic = TopicFactory(
        municipality=esslingen, slug="reisen", name="Reisen und Ausweise", kind=Topic.Kind.LIFE_SITUATION
    )
    identity_card.topics.add(topic)
    page = _get(reverse("catalogue:life_situation_detail", args=["reisen"])).content.decode()
    assert "Personalausweis beantragen" in page
    assert "Reisen und Ausweise" in _get(reverse("catalogue:life_situation_list")).content.decode()


def test_an_unknown_life_situation_is_not_found(esslingen):
    assert _get(reverse("catalogue:life_situation_detail", args=["gibt-es-nicht"])).status_code == 404


def test_the_office_page_lists_the_services_offered_there(identity_card):
    page = _get(reverse("municipalities:unit_detail", args=["buergeramt"])).content.decode()
    assert "Leistungen dieser Stelle" in page
    assert "Personalausweis beantragen" in page
    assert "rathaus-today" in page


@pytest.mark.parametrize(
    "url_name", ["catalogue:service_index", "catalogue:service_search", "catalogue:life_situation_list"]
)
def test_public_catalogue_pages_refuse_writes(esslingen, url_name):
    response = client_for(ESSLINGEN_HOST).post(reverse(url_name))
    assert response.status_code in (403, 405)
