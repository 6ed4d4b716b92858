"""Reads on cases. Every selector takes the municipality and the person; none trusts an id alone."""

from typing import Any

from django.db.models import Q, QuerySet

from rathaus.accounts.models import StaffMembership, User
from rathaus.municipalities.models import Municipality

from .models import Case, CaseEvent


def staff_unit_ids(membership: StaffMembership) -> list[int]:
    return [unit.pk for unit in membership.units.all()]


def cases_for_staff(*, municipality: Municipality, membership: StaffMembership) -> QuerySet[Case]:
    """The cases of the offices ``membership`` works in; other offices' cases are not there at all."""
    if membership.municipality_id != municipality.pk or not membership.is_active:
        return Case.objects.none()
    return Case.objects.filter(municipality=municipality, unit_id__in=staff_unit_ids(membership))


def case_for_staff(*, municipality: Municipality, membership: StaffMembership, case_id: Any) -> Case | None:
    return (
        cases_for_staff(municipality=municipality, membership=membership)
        .select_related("service", "unit", "case_type", "assignee", "applicant", "submission__version__form")
        .filter(pk=case_id)
        .first()
    )


def _citizen_filter(user: User) -> Q:
    """Cases the account filed, and cases opened for its verified e-mail address (by phone, letter...)."""
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values("email")
    return Q(applicant=user) | Q(applicant__isnull=True, applicant_email__in=verified)


def cases_for_citizen(*, municipality: Municipality, user: User) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    return (
        Case.objects.filter(municipality=municipality, anonymised_at__isnull=True)
        .filter(_citizen_filter(user))
        .select_related("service", "unit", "case_type")
        .order_by("-received_at")
    )


def case_for_citizen(*, municipality: Municipality, user: User, case_id: Any) -> Case | None:
    return cases_for_citizen(municipality=municipality, user=user).filter(pk=case_id).first()


def case_events(*, case: Case, public_only: bool) -> QuerySet[CaseEvent]:
    events = case.events.select_related("actor")
    return events.filter(public=True) if public_only else events


def colleagues_of_unit(*, case: Case) -> QuerySet[User]:
    """Staff who may be given the case: active members of its office."""
    return (
        User.objects.filter(
            staff_memberships__municipality_id=case.municipality_id,
            staff_memberships__is_active=True,
            staff_memberships__units=case.unit_id,
        )
        .distinct()
        .order_by("family_name", "given_name", "email")
    )
