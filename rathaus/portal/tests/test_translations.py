import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for

ROOT = Path(__file__).resolve().parents[3]


def test_english_catalogue_has_no_missing_or_fuzzy_entry():
    result = subprocess.run(
        [sys.executable, str(ROOT / "locale" / "check_complete.py"), str(ROOT / "locale/en/LC_MESSAGES/django.po")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_english_catalogue_covers_every_string_in_the_code(tmp_path):
    """makemessages on a copy must add nothing that is not already translated."""
    import shutil

    from django.core.management import call_command

    copy = tmp_path / "django.po"
    shutil.copy(ROOT / "locale/en/LC_MESSAGES/django.po", copy)
    call_command(
        "makemessages",
        locale=["en"],
        ignore_patterns=[".venv", "node_modules", "staticfiles", "tests"],
        no_obsolete=True,
        verbosity=0,
    )
    try:
        result = subprocess.run(
            [sys.executable, str(ROOT / "locale" / "check_complete.py"), str(ROOT / "locale/en/LC_MESSAGES/django.po")],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        shutil.copy(copy, ROOT / "locale/en/LC_MESSAGES/django.po")

    assert result.returncode == 0, "strings without English translation:\n" + result.stdout


def test_english_start_page_and_account_pages_speak_english(esslingen):
    client = client_for(ESSLINGEN_HOST)
    client.get(reverse("portal:switch_language", args=["en"]), {"weiter": "/"})

    home = client.get("/").content.decode()
    login = client.get(reverse("account_login")).content.decode()

    assert '<html lang="en">' in home
    assert "Offices and opening hours" in home
    assert "Ämter und Öffnungszeiten" not in home
    assert "Sign In" in login or "Sign in" in login


def test_browser_language_alone_does_not_switch_the_portal_to_english(esslingen):
    body = client_for(ESSLINGEN_HOST).get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="de">' in body


def test_german_texts_of_the_account_library_address_people_formally():
    """Every German allauth text must use "Sie"; our catalogue in locale/de overrides the informal ones."""
    import re
    import sys as system

    import allauth
    from django.utils import translation

    system.path.insert(0, str(ROOT / "locale"))
    from check_complete import parse_po

    allauth_catalogue = Path(allauth.__file__).parent / "locale/de/LC_MESSAGES/django.po"
    informal = re.compile(r"\b(du|dein\w*|dich|dir|gib|versuche)\b", re.IGNORECASE)
    offenders = []
    with translation.override("de"):
        for entry in parse_po(allauth_catalogue):
            if not entry.msgid or entry.msgid_plural:
                continue
            text = (
                translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)
            )
            if informal.search(text):
                offenders.append(text)

    assert offenders == []


def test_language_switch_returns_to_the_same_page(esslingen):
    response = client_for(ESSLINGEN_HOST).get(reverse("portal:switch_language", args=["en"]), {"weiter": "/impressum/"})

    assert response.status_code == 302
    assert response["Location"] == "/impressum/"
    assert response.cookies["django_language"].value == "en"


def test_language_switch_refuses_to_redirect_to_another_site(esslingen):
    response = client_for(ESSLINGEN_HOST).get(
        reverse("portal:switch_language", args=["en"]), {"weiter": "https://boese.example.org/"}
    )

    assert response["Location"] == "/"


def test_unknown_language_is_not_found(esslingen):
    assert client_for(ESSLINGEN_HOST).get(reverse("portal:switch_language", args=["fr"])).status_code == 404


@pytest.mark.parametrize("target", ["abc", "0", "-1", "0001-01-01", "impressum", "portal:home"])
def test_language_switch_takes_only_a_path_of_this_site_and_goes_home_otherwise(esslingen, target):
    response = client_for(ESSLINGEN_HOST).get(reverse("portal:switch_language", args=["en"]), {"weiter": target})

    assert response.status_code == 302
    assert response["Location"] == "/"
