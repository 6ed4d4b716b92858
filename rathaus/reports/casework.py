"""Reports as cases: the "Mängelmeldung" service and case type per municipality, whose workflow mirrors the
report statuses, so that every confirmed report lies in the responsible office's inbox.

The report's transitions are marked ``via: "report"`` (or ``"reopen"``): the case page shows no buttons for them,
status changes go through the report's staff page, which keeps report and case in step.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rathaus.applications.services import reference_next
from rathaus.audit.services import audit_record
from rathaus.cases import workflow as flow
from rathaus.cases.models import Case, CaseEvent, CaseType
from rathaus.cases.services import case_transition, case_transition_via
from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit
from rathaus.municipalities.working_days import working_days_after

from .models import Report

SERVICE_SLUG = "maengelmeldung"
STAFF_ROLES = ["clerk", "office_lead"]
WAITING = "rueckfrage"
Status = Report.Status

_OPEN_STATES = [Status.REPORTED, Status.CHECKING, Status.IN_PROGRESS, Status.PLANNED, Status.REOPENED]
_CLOSED_STATES = [Status.DONE, Status.DONE_WITHOUT_ACTION, Status.FORWARDED]
_ALL_STATES = [*_OPEN_STATES, WAITING, *_CLOSED_STATES]


def transition_key(status: str) -> str:
    return f"meldung_{status}"


REPORT_WORKFLOW: dict[str, Any] = {
    "initial": Status.REPORTED.value,
    "states": [
        *(
            {"key": status.value, "label": str(status.label), "kind": flow.OPEN}
            for status in (Status.REPORTED, Status.CHECKING, Status.IN_PROGRESS, Status.PLANNED, Status.REOPENED)
        ),
        {"key": WAITING, "label": "Rückfrage bei der meldenden Person", "kind": flow.PAUSED},
        *(
            {"key": status.value, "label": str(status.label), "kind": flow.CLOSED}
            for status in (Status.DONE, Status.DONE_WITHOUT_ACTION, Status.FORWARDED)
        ),
    ],
    "transitions": [
        *(
            {
                "key": transition_key(status.value),
                "label": str(status.label),
                "from": [state for state in _ALL_STATES if state != status],
                "to": status.value,
                "roles": STAFF_ROLES,
                "via": "report",
            }
            for status in Status
        ),
        {
            "key": "nicht_behoben",
            "label": "Nicht behoben gemeldet",
            "from": list(_CLOSED_STATES),
            "to": Status.REOPENED.value,
            "roles": ["citizen"],
            "via": "reopen",
        },
        # The case engine wants these four; a report rarely needs them, but they must lead somewhere sensible.
        {
            "key": "rueckfrage",
            "label": "Rückfrage stellen",
            "from": list(_OPEN_STATES),
            "to": WAITING,
            "roles": STAFF_ROLES,
            "via": "request",
        },
        {
            "key": "antwort_erhalten",
            "label": "Antwort erhalten",
            "from": [WAITING],
            "to": Status.IN_PROGRESS.value,
            "roles": ["citizen", *STAFF_ROLES],
            "via": "reply",
        },
        {
            "key": "entscheiden",
            "label": "Bescheid erstellen",
            "from": list(_OPEN_STATES),
            "to": Status.DONE.value,
            "roles": STAFF_ROLES,
            "via": "decision",
        },
        {
            "key": "zurueckziehen",
            "label": "Meldung zurückziehen",
            "from": [WAITING],
            "to": Status.DONE_WITHOUT_ACTION.value,
            "roles": ["citizen"],
            "via": "withdrawal",
        },
    ],
}


def report_service(*, municipality: Municipality) -> Service:
    """The catalogue entry that report cases belong to; unpublished, the Mängelmelder is its front door."""
    service, _created = Service.objects.get_or_create(
        municipality=municipality,
        slug=SERVICE_SLUG,
        defaults={
            "name": "Mängel im öffentlichen Raum melden",
            "name_en": "Report a problem in a public space",
            "short_text": "Schlaglöcher, defekte Straßenlampen, wilder Müll: melden Sie es im Mängelmelder.",
            "is_published": False,
        },
    )
    return service


def report_case_type(*, municipality: Municipality, office: OrganisationalUnit) -> CaseType:
    """The municipality's case type for reports, created with the report workflow the first time."""
    service = report_service(municipality=municipality)
    existing = CaseType.objects.filter(service=service).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return CaseType.objects.create(
                municipality=municipality,
                service=service,
                responsible_unit=office,
                workflow=REPORT_WORKFLOW,
                processing_days=5,
                reminder_days=1,
                retention_days=365,
            )
    except IntegrityError:
        return CaseType.objects.get(service=service)


def _case_description(report: Report) -> str:
    lines = [f"Mängelmeldung: {report.category.name}", "", report.description]
    place = ", ".join(part for part in (report.address, report.location_description) if part)
    if place:
        lines += ["", f"Ort: {place}"]
    if report.lat is not None and report.lon is not None:
        lines.append(f"Koordinaten: {report.lat:.6f}, {report.lon:.6f}")
    return "\n".join(lines)


def case_for_report(*, report: Report) -> Case:
    """Open the case of a confirmed report in its office's inbox (call inside the report's transaction)."""
    if report.case_id is not None:
        return Case.objects.get(pk=report.case_id)
    case_type = report_case_type(municipality=report.municipality, office=report.office)
    received_at = timezone.now()
    case = Case.objects.create(
        municipality=report.municipality,
        case_type=case_type,
        service=case_type.service,
        unit=report.office,
        reference=reference_next(municipality=report.municipality, year=timezone.localdate(received_at).year),
        channel=Case.Channel.ONLINE,
        applicant_name=report.reporter_name,
        applicant_email=report.reporter_email,
        applicant_phone=report.reporter_phone,
        applicant_address=report.address,
        description=_case_description(report),
        state=report.status,
        received_at=received_at,
        due_date=working_days_after(timezone.localdate(received_at), report.category.response_days),
    )
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.CREATED, public=True, state_to=case.state, data={"report": str(report.pk)}
    )
    audit_record(
        municipality_id=case.municipality_id,
        actor=None,
        action="case.created",
        object_type="case",
        object_id=case.pk,
        details={"channel": "maengelmelder", "report": str(report.pk)},
    )
    report.case = case
    report.save(update_fields=["case", "updated_at"])
    return case


def case_follow_status(*, report: Report, actor: Any, role: str) -> None:
    """Move the report's case to the report's new status (inside the report's transaction)."""
    if report.case_id is None:
        return
    case = Case.objects.get(pk=report.case_id)
    if case.state == report.status:
        return
    case_transition(case=case, transition_key=transition_key(report.status), actor=actor, role=role, via="report")
    if report.is_open:
        # The case engine sets closed_at on closing but never clears it; a reopened case is not closed.
        Case.objects.filter(pk=case.pk).update(closed_at=None)


def case_reopen(*, report: Report) -> None:
    """The citizen says "not fixed": the case goes back to the office's inbox, marked for attention."""
    if report.case_id is None:
        return
    case = Case.objects.get(pk=report.case_id)
    if case.state != report.status:
        case_transition_via(case=case, via="reopen", role="citizen", actor=None)
    Case.objects.filter(pk=case.pk).update(needs_attention=True, closed_at=None, updated_at=timezone.now())


def case_move(*, report: Report, office: OrganisationalUnit, actor: Any) -> None:
    """The report went to another office: its case follows into that office's inbox, unassigned."""
    if report.case_id is None:
        return
    Case.objects.filter(pk=report.case_id).update(unit=office, assignee=None, updated_at=timezone.now())
    CaseEvent.objects.create(
        case_id=report.case_id, kind=CaseEvent.Kind.NOTE, actor=actor, text=f"Weitergegeben an: {office.name}"
    )
