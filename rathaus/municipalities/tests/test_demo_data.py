import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from rathaus.accounts.models import StaffMembership, User
from rathaus.municipalities.models import HostName, Municipality, OpeningHours, OrganisationalUnit


@pytest.mark.django_db
def test_demo_data_loads_esslingen_with_its_offices_and_a_second_municipality():
    call_command("load_demo_data", verbosity=0)

    esslingen = Municipality.objects.get(slug="esslingen")
    assert esslingen.ars == "081160019019"
    assert esslingen.organisational_units.filter(kind=OrganisationalUnit.Kind.CITIZENS_OFFICE).exists()
    assert esslingen.organisational_units.get(slug="tiefbauamt").opening_hours.exists()
    assert Municipality.objects.filter(slug="musterhausen").exists()
    assert HostName.objects.get(name="musterhausen.localhost").municipality.slug == "musterhausen"


@pytest.mark.django_db
def test_loading_the_demo_data_twice_changes_nothing():
    call_command("load_demo_data", "--with-demo-accounts", verbosity=0)
    counts = (
        Municipality.objects.count(),
        OrganisationalUnit.objects.count(),
        OpeningHours.objects.count(),
        User.objects.count(),
        StaffMembership.objects.count(),
    )

    call_command("load_demo_data", "--with-demo-accounts", verbosity=0)

    assert counts == (
        Municipality.objects.count(),
        OrganisationalUnit.objects.count(),
        OpeningHours.objects.count(),
        User.objects.count(),
        StaffMembership.objects.count(),
    )


@pytest.mark.django_db
@override_settings(RATHAUS_PRODUCTION=True)
def test_demo_accounts_are_refused_in_production():
    with pytest.raises(CommandError, match="refused in production"):
        call_command("load_demo_data", "--with-demo-accounts", verbosity=0)

    assert not User.objects.exists()
