import pytest
from django.test import override_settings

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for


def test_each_host_shows_its_own_municipality(esslingen, musterhausen):
    assert "Esslingen am Neckar" in client_for(ESSLINGEN_HOST).get("/").content.decode()
    assert "Musterhausen" in client_for(MUSTERHAUSEN_HOST).get("/").content.decode()


@pytest.mark.django_db
def test_unknown_host_without_default_gets_a_clear_not_found_page(esslingen):
    response = client_for("fremd.localhost").get("/")

    assert response.status_code == 404
    assert "gehört zu keiner Kommune" in response.content.decode()


@override_settings(RATHAUS_DEFAULT_MUNICIPALITY="esslingen")
def test_unknown_host_falls_back_to_the_configured_default_municipality(esslingen):
    response = client_for("fremd.localhost").get("/")

    assert response.status_code == 200
    assert "Esslingen am Neckar" in response.content.decode()


def test_inactive_municipality_is_not_served(esslingen):
    esslingen.is_active = False
    esslingen.save(update_fields=["is_active"])

    assert client_for(ESSLINGEN_HOST).get("/").status_code == 404


@pytest.mark.django_db
def test_health_probe_needs_no_municipality():
    client = client_for("localhost")

    assert client.get("/").status_code == 404
    assert client.get("/healthz").status_code == 200


@override_settings(RATHAUS_MUNICIPALITY_CACHE_SECONDS=60)
def test_changed_settings_show_at_once_despite_the_host_cache(esslingen, django_capture_on_commit_callbacks):
    from rathaus.municipalities.selectors import forget_cached_hosts
    from rathaus.municipalities.services import municipality_update_settings

    forget_cached_hosts()
    client_for(ESSLINGEN_HOST).get("/")
    with django_capture_on_commit_callbacks(execute=True):
        municipality_update_settings(municipality=esslingen, short_name="Esslingen (neu)")

    assert "Esslingen (neu)" in client_for(ESSLINGEN_HOST).get("/").content.decode()
    forget_cached_hosts()
