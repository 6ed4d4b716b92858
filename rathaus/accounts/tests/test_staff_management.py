from django.core import mail
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.accounts.models import StaffMembership, User


def _invite(client, **data):
    return client.post(reverse("staff_members:invite"), data)


def test_admin_invites_a_new_person_who_gets_an_account_and_a_password_link(
    municipality_admin, citizens_office, django_capture_on_commit_callbacks
):
    client = client_for(ESSLINGEN_HOST, municipality_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(
            client, email="Neue.Kollegin@Esslingen.example.org", role="clerk", units=[citizens_office.pk]
        )

    membership = StaffMembership.objects.get(user__email="neue.kollegin@esslingen.example.org")
    assert response.status_code == 302
    assert membership.role == "clerk"
    assert list(membership.units.all()) == [citizens_office]
    assert not membership.user.has_usable_password()
    assert mail.outbox[0].to == ["neue.kollegin@esslingen.example.org"]
    assert mail.outbox[0].from_email.startswith("Stadt Esslingen am Neckar <")
    assert "http://esslingen.localhost/konto/password/reset/key/" in mail.outbox[0].body
    assert "http://esslingen.localhost/verwaltung/" in mail.outbox[0].body


def test_existing_citizen_becomes_staff_without_a_new_account(
    municipality_admin, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(ESSLINGEN_HOST, municipality_admin), email=citizen.email, role="office_lead")

    assert User.objects.filter(email=citizen.email).count() == 1
    assert StaffMembership.objects.get(user=citizen).role == "office_lead"
    assert "password/reset/key" not in mail.outbox[0].body


def test_inviting_someone_who_already_works_here_is_refused(municipality_admin, clerk):
    response = _invite(client_for(ESSLINGEN_HOST, municipality_admin), email=clerk.email, role="office_lead")

    assert response.status_code == 400
    assert "arbeitet bereits für Ihre Kommune" in response.content.decode()
    assert StaffMembership.objects.get(user=clerk).role == "clerk"


def test_offices_of_another_municipality_cannot_be_assigned(municipality_admin, musterhausen_office):
    response = _invite(
        client_for(ESSLINGEN_HOST, municipality_admin),
        email="x@example.org",
        role="clerk",
        units=[musterhausen_office.pk],
    )

    assert response.status_code == 400
    assert not User.objects.filter(email="x@example.org").exists()


def test_the_last_administrator_cannot_demote_themselves(municipality_admin):
    membership = StaffMembership.objects.get(user=municipality_admin)

    response = client_for(ESSLINGEN_HOST, municipality_admin).post(
        reverse("staff_members:edit", args=[membership.pk]), {"role": "clerk", "is_active": "on"}
    )

    membership.refresh_from_db()
    assert response.status_code == 400
    assert "mindestens eine aktive Administratorin" in response.content.decode()
    assert membership.role == "municipality_admin"


def test_deactivated_staff_member_loses_access_at_once(municipality_admin, clerk):
    membership = StaffMembership.objects.get(user=clerk)

    client_for(ESSLINGEN_HOST, municipality_admin).post(
        reverse("staff_members:edit", args=[membership.pk]), {"role": "clerk"}
    )

    assert client_for(ESSLINGEN_HOST, clerk).get(reverse("portal:staff_dashboard")).status_code == 403


def test_admin_cannot_open_a_membership_of_another_municipality(municipality_admin, musterhausen_admin):
    other = StaffMembership.objects.get(user=musterhausen_admin)

    response = client_for(ESSLINGEN_HOST, municipality_admin).get(reverse("staff_members:edit", args=[other.pk]))

    assert response.status_code == 404


def test_staff_list_shows_only_this_municipalitys_staff(municipality_admin, clerk, musterhausen_admin):
    body = client_for(ESSLINGEN_HOST, municipality_admin).get(reverse("staff_members:list")).content.decode()

    assert clerk.email in body
    assert musterhausen_admin.email not in body
