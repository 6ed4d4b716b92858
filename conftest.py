"""Shared personas and helpers for every test module.

Two municipalities (Esslingen and Musterhausen), each reachable under its own host name, and
the people who appear in permission tests: citizens, a clerk of the responsible office, a clerk
of another office, an office lead, a municipality administrator, and staff of the other town.
"""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.utils import translation

from rathaus.accounts.models import StaffMembership, User
from rathaus.accounts.services import staff_membership_grant, user_create
from rathaus.municipalities.tests.factories import (
    MunicipalityFactory,
    OrganisationalUnitFactory,
)

ESSLINGEN_HOST = "esslingen.localhost"
MUSTERHAUSEN_HOST = "musterhausen.localhost"
PASSWORD = "ein-sicheres-Passwort-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def make_esslingen(host: str):
    return MunicipalityFactory(
        slug="esslingen",
        name="Stadt Esslingen am Neckar",
        short_name="Esslingen am Neckar",
        ags="08116019",
        ars="081160019019",
        reference_prefix="ES",
        hosts=[host],
    )


def make_musterhausen(host: str):
    return MunicipalityFactory(
        slug="musterhausen",
        name="Gemeinde Musterhausen am Neckar",
        short_name="Musterhausen",
        ags="08999001",
        ars="089990000001",
        reference_prefix="MH",
        hosts=[host],
    )


def make_citizens_office(municipality):
    return OrganisationalUnitFactory(
        municipality=municipality, slug="buergeramt", name="Bürgeramt Esslingen", kind="buergerbuero"
    )


@pytest.fixture
def esslingen(db):
    return make_esslingen(ESSLINGEN_HOST)


@pytest.fixture
def musterhausen(db):
    return make_musterhausen(MUSTERHAUSEN_HOST)


@pytest.fixture
def citizens_office(esslingen):
    return make_citizens_office(esslingen)


@pytest.fixture
def civil_works_office(esslingen):
    return OrganisationalUnitFactory(municipality=esslingen, slug="tiefbauamt", name="Tiefbauamt")


@pytest.fixture
def musterhausen_office(musterhausen):
    return OrganisationalUnitFactory(municipality=musterhausen, slug="bauhof", name="Bauhof Musterhausen")


def _person(email: str, **profile) -> User:
    return user_create(email=email, password=PASSWORD, **profile)


def _staff(email: str, municipality, role: str, units=()) -> User:
    user = _person(email)
    staff_membership_grant(user=user, municipality=municipality, role=role, units=units)
    TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def citizen(esslingen):
    return _person("erika@example.org", given_name="Erika", family_name="Mustermann")


@pytest.fixture
def second_citizen(esslingen):
    return _person("max@example.org", given_name="Max", family_name="Muster")


@pytest.fixture
def clerk(esslingen, citizens_office):
    """A clerk of the Bürgeramt, the office responsible in most tests."""
    return _staff("clerk@esslingen.example.org", esslingen, StaffMembership.Role.CLERK, [citizens_office])


@pytest.fixture
def other_office_clerk(esslingen, civil_works_office):
    return _staff("tiefbau@esslingen.example.org", esslingen, StaffMembership.Role.CLERK, [civil_works_office])


@pytest.fixture
def office_lead(esslingen, citizens_office):
    return _staff("lead@esslingen.example.org", esslingen, StaffMembership.Role.OFFICE_LEAD, [citizens_office])


@pytest.fixture
def municipality_admin(esslingen):
    return _staff("admin@esslingen.example.org", esslingen, StaffMembership.Role.MUNICIPALITY_ADMIN)


@pytest.fixture
def musterhausen_admin(musterhausen, musterhausen_office):
    return _staff(
        "admin@musterhausen.example.org", musterhausen, StaffMembership.Role.MUNICIPALITY_ADMIN, [musterhausen_office]
    )


@pytest.fixture
def staff_without_mfa(esslingen, citizens_office):
    user = _person("ohne-mfa@esslingen.example.org")
    staff_membership_grant(user=user, municipality=esslingen, role=StaffMembership.Role.CLERK, units=[citizens_office])
    return user


def client_for(host: str, user: User | None = None) -> Client:
    """A test client that talks to ``host`` and, if given, is logged in as ``user`` with MFA done."""
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
        session = client.session
        session["account_authentication_methods"] = [{"method": "password"}, {"method": "mfa", "type": "totp"}]
        session.save()
    return client


@pytest.fixture
def esslingen_client(esslingen):
    return client_for(ESSLINGEN_HOST)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits, cached hosts and page fragments live in caches; no test may inherit another's."""
    from django.core.cache import cache, caches

    from rathaus.municipalities.selectors import forget_cached_hosts

    cache.clear()
    caches["chrome"].clear()
    forget_cached_hosts()
    yield


@pytest.fixture(autouse=True)
def _files_in_tmp_path(settings, tmp_path):
    """Uploaded and generated files of a test go to its own temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _german_by_default():
    """Each test starts in German: a request with the English cookie leaves English active in the thread."""
    translation.activate("de")
    yield
    translation.activate("de")


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that Django's SMTP backend sends to during the test.

    Yields an object whose ``messages`` holds each received e-mail parsed with the ``email`` package
    (and ``recipients`` the envelope recipients of each).
    """
    import socket
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class ReceivedMail:
        def __init__(self) -> None:
            self.messages: list = []
            self.recipients: list[list[str]] = []

        async def handle_DATA(self, server, session, envelope):
            content = envelope.original_content or envelope.content
            if isinstance(content, str):
                content = content.encode("utf-8")
            self.messages.append(message_from_bytes(content, policy=policy.default))
            self.recipients.append(list(envelope.rcpt_tos))
            return "250 Message accepted for delivery"

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    received = ReceivedMail()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield received
    finally:
        controller.stop()
