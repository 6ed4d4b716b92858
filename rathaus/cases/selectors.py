"""Reads on cases. Every selector takes the municipality and the person; none trusts an id alone."""

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from rathaus.accounts.models import StaffMembership, User
from rathaus.applications.models import Upload
from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

from .models import Case, CaseEvent, CaseType, Decision


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


def colleagues_of_units(*, municipality: Municipality, unit_ids: list[int]) -> QuerySet[User]:
    """Staff who work in any of these offices: the people a case of the inbox may be given to."""
    return (
        User.objects.filter(
            staff_memberships__municipality=municipality,
            staff_memberships__is_active=True,
            staff_memberships__units__in=unit_ids,
        )
        .distinct()
        .order_by("family_name", "given_name", "email")
    )


def case_types_of_units(*, municipality: Municipality, unit_ids: list[int]) -> QuerySet[CaseType]:
    """The case types processed in these offices, with their services (for filters and workflows)."""
    return (
        CaseType.objects.filter(municipality=municipality, responsible_unit_id__in=unit_ids)
        .select_related("service")
        .order_by("service__name")
    )


def services_for_manual_case(*, municipality: Municipality, unit_ids: list[int]) -> list[Service]:
    """Published services whose cases would land in one of these offices.

    The office is the case type's, or for a service without one yet the office a new case type
    would get (the online form's office, else the first responsible office by name).
    """
    services = (
        Service.objects.filter(municipality=municipality, is_published=True)
        .select_related("case_type", "application_form")
        .prefetch_related(Prefetch("responsible_units", queryset=OrganisationalUnit.objects.order_by("name")))
        .order_by("name")
    )
    wanted = set(unit_ids)
    found = []
    for service in services:
        case_type = getattr(service, "case_type", None)
        form = getattr(service, "application_form", None)
        if case_type is not None:
            unit_id = case_type.responsible_unit_id
        elif form is not None and form.responsible_unit_id is not None:
            unit_id = form.responsible_unit_id
        else:
            units = list(service.responsible_units.all())
            unit_id = units[0].pk if units else None
        if unit_id in wanted:
            found.append(service)
    return found


def case_files(*, case: Case) -> QuerySet[Upload]:
    """The files submitted with the case's online application."""
    if case.submission_id is None:
        return Upload.objects.none()
    return Upload.objects.filter(submission_id=case.submission_id, municipality_id=case.municipality_id)


def case_messages(*, case: Case) -> QuerySet[Any]:
    """The case's message thread with the applicant, oldest first, with attachments."""
    from rathaus.postbox.models import Message

    return (
        Message.objects.filter(case=case, municipality_id=case.municipality_id)
        .select_related("sender")
        .prefetch_related("attachments")
        .order_by("created_at")
    )


def decisions_awaiting_approval(*, municipality: Municipality, membership: StaffMembership) -> QuerySet[Decision]:
    """Decisions in the person's offices waiting for a second pair of eyes, without those they wrote."""
    wrote = CaseEvent.objects.filter(
        case_id=OuterRef("case_id"), kind=CaseEvent.Kind.DECISION_DRAFTED, actor=membership.user
    )
    return (
        Decision.objects.filter(
            state=Decision.State.AWAITING_APPROVAL,
            case__in=cases_for_staff(municipality=municipality, membership=membership),
        )
        .exclude(drafted_by=membership.user)
        .exclude(Exists(wrote))
        .select_related("case__service", "drafted_by")
        .order_by("approval_requested_at", "pk")
    )


def decision_of_case(*, case: Case) -> Decision | None:
    return Decision.objects.filter(case=case).select_related("drafted_by", "approved_by").first()
