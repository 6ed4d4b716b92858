import json

from django.urls import reverse

from conftest import ESSLINGEN_HOST, PASSWORD, client_for
from rathaus.accounts.models import User


def test_my_account_requires_login(esslingen):
    response = client_for(ESSLINGEN_HOST).get(reverse("accounts:overview"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_form_errors_are_shown_with_a_summary(citizen):
    response = client_for(ESSLINGEN_HOST, citizen).post(
        reverse("accounts:profile"), {"postal_code": "123", "date_of_birth": "gestern"}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "Es gibt ein Problem" in body
    assert "Eine Postleitzahl hat genau 5 Ziffern." in body


def test_data_download_is_a_json_attachment_of_the_own_data_only(citizen, second_citizen):
    response = client_for(ESSLINGEN_HOST, citizen).post(reverse("accounts:data_export"))

    document = json.loads(response.content)
    assert response["Content-Disposition"].startswith('attachment; filename="meine-daten-')
    assert document["data"]["account"]["email"] == citizen.email
    assert second_citizen.email not in response.content.decode()


def test_data_download_needs_a_post_so_links_cannot_trigger_it(citizen):
    response = client_for(ESSLINGEN_HOST, citizen).get(reverse("accounts:data_export"))

    assert response["Content-Type"].startswith("text/html")


def test_account_deletion_needs_explicit_confirmation(citizen):
    response = client_for(ESSLINGEN_HOST, citizen).post(reverse("accounts:delete"), {})

    assert response.status_code == 400
    assert User.objects.filter(pk=citizen.pk).exists()


def test_citizen_deletes_the_account_and_is_logged_out(citizen):
    client = client_for(ESSLINGEN_HOST, citizen)

    response = client.post(reverse("accounts:delete"), {"confirm": "on"})

    assert response["Location"] == reverse("accounts:deleted")
    assert not User.objects.filter(pk=citizen.pk).exists()
    assert client.get(reverse("accounts:overview")).status_code == 302


def test_staff_member_is_refused_self_deletion(clerk):
    response = client_for(ESSLINGEN_HOST, clerk).post(reverse("accounts:delete"), {"confirm": "on"})

    assert response.status_code == 403
    assert User.objects.filter(pk=clerk.pk).exists()


def test_login_failures_are_rate_limited(citizen, esslingen):
    client = client_for(ESSLINGEN_HOST)
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": citizen.email, "password": "falsch"})

    blocked = client.post(reverse("account_login"), {"login": citizen.email, "password": PASSWORD})

    assert "Zu viele gescheiterte Anmeldeversuche. Bitte versuchen Sie es später erneut." in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_language_switch_renders_the_portal_in_english(esslingen):
    client = client_for(ESSLINGEN_HOST)

    client.get(reverse("portal:switch_language", args=["en"]), {"weiter": "/"})
    body = client.get("/").content.decode()

    assert '<html lang="en">' in body
    assert "Offices and opening hours" in body
