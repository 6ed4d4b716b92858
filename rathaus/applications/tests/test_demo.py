"""The demo forms of Esslingen: valid, published, reachable from their service pages, and every page renders."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.applications.demo import FORMS_FOLDER, load_forms
from rathaus.applications.forms import PageForm
from rathaus.applications.models import FormVersion
from rathaus.catalogue.demo import load_catalogue

DEMO_SERVICES = {
    "bewohnerparkausweis",
    "hund-anmelden",
    "hund-abmelden",
    "sperrmuell-anmelden",
    "gewerbe-anmelden",
    "meldebescheinigung",
    "halteverbot-umzug",
}


@pytest.fixture
def demo_forms(esslingen, citizens_office):
    load_catalogue(esslingen)
    load_forms(esslingen)
    return esslingen


def test_the_demo_covers_the_services_the_city_asked_for():
    assert {path.stem for path in FORMS_FOLDER.glob("*.json")} == DEMO_SERVICES


def test_loading_twice_publishes_each_form_once(demo_forms):
    load_forms(demo_forms)

    published = FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED)
    assert sorted(published.values_list("form__service__slug", flat=True)) == sorted(DEMO_SERVICES)
    assert FormVersion.objects.count() == len(DEMO_SERVICES)


@pytest.mark.parametrize("slug", sorted(DEMO_SERVICES))
def test_each_demo_form_starts_from_its_service_page_and_every_page_renders(demo_forms, slug):
    client = client_for(ESSLINGEN_HOST)
    start_url = reverse("applications:start", args=[slug])

    assert start_url in client.get(reverse("catalogue:service_detail", args=[slug])).content.decode()
    assert client.get(start_url).status_code == 200
    version = FormVersion.objects.get(form__service__slug=slug, status=FormVersion.Status.PUBLISHED)
    for page in version.definition["pages"]:
        form = PageForm(definition=version.definition, page=page, answers={}, language="de")
        html = render_to_string("applications/_page_fields.html", {"form": form})
        assert page.get("kind") == "exit" or "<input" in html or "<textarea" in html or "<select" in html
