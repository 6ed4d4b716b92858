"""Per-address limits count the citizen's address, also behind the installation's own reverse proxies."""

import json

import pytest
from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.applications.demo import FORMS_FOLDER
from rathaus.applications.services import form_create, form_publish
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.portal.client_address import client_address


def _request(remote="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.RATHAUS_TRUSTED_PROXIES = 0

    assert client_address(_request(forwarded="203.0.113.7")) == "10.0.0.2"


def test_behind_one_proxy_the_address_it_saw_counts_and_what_the_client_sent_does_not(settings):
    settings.RATHAUS_TRUSTED_PROXIES = 1

    assert client_address(_request(forwarded="203.0.113.7")) == "203.0.113.7"
    assert client_address(_request(forwarded="198.51.100.1, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_outer_ones_entry_counts(settings):
    settings.RATHAUS_TRUSTED_PROXIES = 2

    assert client_address(_request(forwarded="198.51.100.1, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", [None, "", " , ", "kein-rechner", "203.0.113.7; DROP"])
def test_a_missing_or_malformed_header_falls_back_to_the_proxys_own_address(settings, forwarded):
    settings.RATHAUS_TRUSTED_PROXIES = 1

    assert client_address(_request(forwarded=forwarded)) == "10.0.0.2"


def test_an_ipv6_address_is_given_in_its_usual_form(settings):
    settings.RATHAUS_TRUSTED_PROXIES = 1

    assert client_address(_request(forwarded="2001:DB8:0:0::1")) == "2001:db8::1"


def test_an_ipv4_address_in_ipv6_form_is_given_as_ipv4_so_visitors_are_not_lumped_together(settings):
    settings.RATHAUS_TRUSTED_PROXIES = 0
    assert client_address(_request(remote="::ffff:203.0.113.7")) == "203.0.113.7"

    settings.RATHAUS_TRUSTED_PROXIES = 1
    assert client_address(_request(forwarded="::ffff:198.51.100.4")) == "198.51.100.4"


@pytest.mark.parametrize(
    ("forwarded", "address"), [("203.0.113.7:4711", "203.0.113.7"), ("[2001:db8::1]:4711", "2001:db8::1")]
)
def test_a_port_after_the_address_is_left_off(settings, forwarded, address):
    settings.RATHAUS_TRUSTED_PROXIES = 1

    assert client_address(_request(forwarded=forwarded)) == address


def test_without_a_usable_remote_address_the_error_names_the_setting(settings):
    settings.RATHAUS_TRUSTED_PROXIES = 0

    with pytest.raises(ImproperlyConfigured, match="RATHAUS_TRUSTED_PROXIES"):
        client_address(_request(remote=""))


def test_behind_a_proxy_on_a_unix_socket_the_forwarded_address_counts(settings):
    settings.RATHAUS_TRUSTED_PROXIES = 1

    assert client_address(_request(remote="", forwarded="203.0.113.7")) == "203.0.113.7"


def test_the_login_limits_count_the_same_address(settings):
    settings.RATHAUS_TRUSTED_PROXIES = 1

    assert get_adapter().get_client_ip(_request(forwarded="198.51.100.1, 203.0.113.7")) == "203.0.113.7"


@pytest.fixture
def parking_service(esslingen, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    service = ServiceFactory(municipality=esslingen, slug="bewohnerparkausweis", name="Bewohnerparkausweis")
    definition = json.loads((FORMS_FOLDER / "bewohnerparkausweis.json").read_text(encoding="utf-8"))
    form_publish(form=form_create(municipality=esslingen, service=service, definition=definition))
    return service


def _starts(client, service, forwarded, times):
    start = reverse("applications:start", args=[service.slug])
    return [
        client.post(start, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)["Location"] != start
        for _attempt in range(times)
    ]


def test_citizens_behind_the_same_proxy_are_limited_apart(parking_service, settings):
    settings.RATHAUS_TRUSTED_PROXIES = 1
    settings.RATHAUS_APPLICATION_START_RATE = "2/h"
    client = client_for(ESSLINGEN_HOST)

    first = _starts(client, parking_service, "203.0.113.7", 3)
    second = _starts(client, parking_service, "203.0.113.8", 1)

    assert first == [True, True, False]
    assert second == [True]


def test_a_forged_header_entry_does_not_escape_the_limit(parking_service, settings):
    settings.RATHAUS_TRUSTED_PROXIES = 1
    settings.RATHAUS_APPLICATION_START_RATE = "2/h"
    client = client_for(ESSLINGEN_HOST)

    started = [_starts(client, parking_service, f"198.51.100.{number}, 203.0.113.7", 1)[0] for number in range(3)]

    assert started == [True, True, False]
