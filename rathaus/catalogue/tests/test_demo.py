import json

import pytest
from django.core.management import call_command

from rathaus.catalogue import selectors
from rathaus.catalogue.demo import DATA_FILE
from rathaus.catalogue.models import OnlineService, Service, ServiceSearchEntry, Topic
from rathaus.municipalities.models import Municipality


@pytest.fixture(scope="module")
def demo_data():
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def test_the_demo_catalogue_references_only_offices_and_topics_that_exist(demo_data):
    offices = {
        entry["slug"]
        for entry in json.loads(
            (DATA_FILE.parent.parent.parent / "municipalities" / "demo_data" / "esslingen_offices.json").read_text()
        )
    }
    life_situations = {entry["slug"] for entry in demo_data["life_situations"]}
    categories = {entry["slug"] for entry in demo_data["categories"]}
    slugs = [entry["slug"] for entry in demo_data["services"]]
    assert len(slugs) == len(set(slugs)) >= 40
    for entry in demo_data["services"]:
        assert entry["offices"] and set(entry["offices"]) <= offices, entry["slug"]
        assert entry["life_situations"] and set(entry["life_situations"]) <= life_situations, entry["slug"]
        assert set(entry.get("categories", [])) <= categories, entry["slug"]
        assert not entry["leika_key"] or (entry["leika_key"].isdigit() and len(entry["leika_key"]) == 14), entry["slug"]


@pytest.mark.django_db
def test_the_demo_catalogue_loads_searchable_services_grouped_by_life_situation():
    call_command("load_demo_data", verbosity=0)
    esslingen = Municipality.objects.get(slug="esslingen")

    assert Service.objects.filter(municipality=esslingen).count() >= 40
    assert Topic.objects.filter(municipality=esslingen, kind=Topic.Kind.LIFE_SITUATION).count() >= 8
    assert OnlineService.objects.filter(municipality=esslingen).exists()
    assert ServiceSearchEntry.objects.filter(municipality=esslingen, language="de").count() >= 40
    names = [
        service.name
        for service in selectors.service_search(municipality=esslingen, query="Perso", language="de").services
    ]
    assert any("Personalausweis" in name for name in names)
    names = [
        service.name
        for service in selectors.service_search(municipality=esslingen, query="Ummelden", language="de").services
    ]
    assert any("Wohnsitz" in name for name in names)


@pytest.mark.django_db
def test_loading_the_demo_catalogue_twice_changes_nothing():
    call_command("load_demo_data", verbosity=0)
    counts = (
        Service.objects.count(),
        Topic.objects.count(),
        OnlineService.objects.count(),
        ServiceSearchEntry.objects.count(),
    )
    call_command("load_demo_data", verbosity=0)
    assert counts == (
        Service.objects.count(),
        Topic.objects.count(),
        OnlineService.objects.count(),
        ServiceSearchEntry.objects.count(),
    )
