"""Demo cases for Esslingen: every state of the default workflow, several channels, a few overdue.

``demo_data/esslingen_cases.json`` holds case types (the demo offices as responsible units) and
cases with fictional people at Esslingen addresses. Dates are relative to the day of loading, so
a fresh demo always has recent, open and overdue cases. Three online applications are submitted
through the real application services (draft, pages, submit) on the demo forms.

Loading is repeatable: cases are found again by their reference (``ES-DEMO-…``) and online
applications by the applicant's e-mail address and service; nothing is created twice. Cases are
given to the demo clerk and the demo office lead when those accounts exist (``--with-demo-accounts``).
"""

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from rathaus.accounts.models import StaffMembership, User
from rathaus.applications.models import Submission
from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit
from rathaus.municipalities.working_days import working_days_after

from . import workflow as flow
from .models import Case, CaseEvent, CaseType
from .services import _audit, _event, case_assign, case_create_from_submission

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "esslingen_cases.json"
DEMO_STAFF = {"clerk": "sachbearbeitung@esslingen.example.org", "lead": "amtsleitung@esslingen.example.org"}
CITY = "Esslingen am Neckar"

# The transitions of the default workflow that lead from "eingegangen" to each state.
PATHS: dict[str, list[str]] = {
    flow.RECEIVED: [],
    flow.IN_PROGRESS: ["bearbeitung_beginnen"],
    flow.WAITING: ["bearbeitung_beginnen", "rueckfrage"],
    flow.DECIDED_STATE: ["bearbeitung_beginnen", "entscheiden"],
    flow.CLOSED_STATE: ["bearbeitung_beginnen", "entscheiden", "abschliessen"],
    flow.WITHDRAWN: ["zurueckziehen"],
}
DECISION_TEXT: dict[str, str] = {
    Case.Outcome.APPROVED: "Dem Antrag wird entsprochen.",
    Case.Outcome.PARTLY_APPROVED: "Dem Antrag wird teilweise entsprochen; die Gründe stehen im Bescheid.",
    Case.Outcome.REJECTED: "Der Antrag wird abgelehnt; die Gründe stehen im Bescheid.",
}


def _working_day_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _moment(today: date, days_ago: int, minutes: int) -> datetime:
    """A moment during office hours ``days_ago`` calendar days before ``today`` (weekends move to Friday)."""
    day = _working_day_before(today - timedelta(days=days_ago))
    return timezone.make_aware(datetime.combine(day, time(8, 0)) + timedelta(minutes=minutes % 480))


def _staff(municipality: Municipality) -> dict[str, User]:
    users = User.objects.filter(email__in=DEMO_STAFF.values(), staff_memberships__municipality=municipality)
    by_email = {user.email: user for user in users}
    return {role: by_email[email] for role, email in DEMO_STAFF.items() if email in by_email}


def _works_in(user: User | None, unit_id: int) -> bool:
    return user is not None and StaffMembership.objects.filter(user=user, is_active=True, units=unit_id).exists()


def _case_types(municipality: Municipality, entries: list[dict[str, Any]]) -> dict[str, CaseType]:
    """The demo services' case types; an existing case type keeps what an administrator set."""
    units = {unit.slug: unit for unit in OrganisationalUnit.objects.filter(municipality=municipality)}
    services = {service.slug: service for service in Service.objects.filter(municipality=municipality)}
    case_types: dict[str, CaseType] = {}
    for entry in entries:
        service = services.get(entry["service"])
        unit = units.get(entry["unit"])
        if service is None or unit is None:
            continue
        case_type, _created = CaseType.objects.get_or_create(
            service=service,
            defaults={
                "municipality": municipality,
                "responsible_unit": unit,
                "processing_days": entry["processing_days"],
                "four_eyes": entry.get("four_eyes", False),
            },
        )
        case_types[service.slug] = case_type
    return case_types


def _backdate(event: CaseEvent, moment: datetime) -> None:
    CaseEvent.objects.filter(pk=event.pk).update(created_at=moment)


def _create_case(
    municipality: Municipality, case_type: CaseType, entry: dict[str, Any], index: int, staff: dict[str, User]
) -> Case:
    today = timezone.localdate()
    now = timezone.now()
    workflow = flow.workflow_for(case_type)
    received_at = _moment(today, entry["received"], 37 * index)

    def after(days_ago: int | None, minutes: int, earliest: datetime) -> datetime:
        moment = _moment(today, days_ago, 37 * index + minutes) if days_ago is not None else earliest
        return min(max(moment, earliest + timedelta(minutes=20)), now)

    assignee = staff.get(entry.get("assign", ""))
    if not _works_in(assignee, case_type.responsible_unit_id):
        assignee = None
    clerk = staff.get("clerk") if _works_in(staff.get("clerk"), case_type.responsible_unit_id) else None
    state = entry["state"]
    started_at = after(max(entry["received"] - 1, 0), 90, received_at)
    decided_at = (
        after(entry.get("decided"), 240, started_at) if workflow.kind(state) in (flow.DECIDED, flow.CLOSED) else None
    )
    if state == flow.WITHDRAWN:
        decided_at = None
    closed_at = (
        after(entry.get("closed"), 300, decided_at or received_at) if workflow.kind(state) == flow.CLOSED else None
    )
    paused_at = after(entry.get("paused"), 120, started_at) if state == flow.WAITING else None
    case = Case.objects.create(
        municipality=municipality,
        case_type=case_type,
        service=case_type.service,
        unit=case_type.responsible_unit,
        reference=entry["reference"],
        channel=entry["channel"],
        applicant_name=entry["name"],
        applicant_email=entry["email"],
        applicant_phone=entry["phone"],
        applicant_address=entry["address"],
        description=entry["description"],
        state=state,
        outcome=entry.get("outcome", ""),
        assignee=assignee,
        created_by=clerk,
        received_at=received_at,
        due_date=working_days_after(timezone.localdate(received_at), case_type.processing_days),
        paused_at=paused_at,
        decided_at=decided_at,
        closed_at=closed_at,
    )
    created = _event(
        case, CaseEvent.Kind.CREATED, actor=clerk, public=True, state_to=flow.RECEIVED, data={"channel": case.channel}
    )
    _backdate(created, received_at)
    if assignee is not None:
        assigned = _event(case, CaseEvent.Kind.ASSIGNED, actor=assignee, data={"assignee": assignee.pk})
        _backdate(assigned, min(received_at + timedelta(minutes=45), now))
    moments = {
        "bearbeitung_beginnen": started_at,
        "rueckfrage": paused_at,
        "entscheiden": decided_at,
        "abschliessen": closed_at,
        "zurueckziehen": closed_at,
    }
    source = flow.RECEIVED
    for key in PATHS[state]:
        transition = workflow.transitions[key]
        citizen = transition.via == "withdrawal"
        text = DECISION_TEXT.get(case.outcome, "") if transition.via == "decision" else ""
        event = _event(
            case,
            CaseEvent.Kind.TRANSITION,
            actor=None if citizen else assignee,
            public=True,
            state_from=source,
            state_to=transition.target,
            text=text,
            data={"transition": key},
        )
        _backdate(event, moments[key] or now)
        if citizen:
            _backdate(_event(case, CaseEvent.Kind.WITHDRAWN, public=True), moments[key] or now)
        source = transition.target
    if entry.get("note"):
        note = _event(case, CaseEvent.Kind.NOTE, actor=assignee or clerk, text=entry["note"])
        _backdate(note, after(max(entry["received"] - 2, 0), 150, started_at))
    _audit(case, "case.created", clerk, channel=case.channel, demo=True)
    return case


# Online applications ----------------------------------------------------------------------------


def _posted_answers(entry: dict[str, Any], today: date) -> dict[str, Any]:
    """What the applicant would post on the pages of the demo form, all pages in one dict."""
    address = {
        "street": entry["street"],
        "house_number": entry["house_number"],
        "addition": "",
        "postal_code": entry["postal_code"],
        "city": CITY,
    }
    posted: dict[str, Any] = {
        "vorname": entry["given_name"],
        "nachname": entry["family_name"],
        "email": entry["email"],
        "telefon": entry["phone"],
        "geburtsname": "",
        "geburtsdatum": entry["birth_date"],
        # Meldebescheinigung: registered in Esslingen and applying for oneself.
        "gemeldet_esslingen": "ja",
        "fuer_sich_selbst": "ja",
        # Halteverbot für den Umzug: in three weeks, in front of the house, the removal firm puts up the signs.
        "strassenseite": "hausseite",
        "laenge": "15",
        "von": (today + timedelta(days=21)).isoformat(),
        "bis": (today + timedelta(days=21)).isoformat(),
        "uhrzeit_von": "07:00",
        "uhrzeit_bis": "16:00",
        "fahrzeug": "lkw_75",
        "schilder": "selbst",
        **entry["answers"],
    }
    for prefix in ("anschrift", "zone_anschrift"):
        for part, value in address.items():
            posted[f"{prefix}__{part}"] = value
    return posted


def _submit_online(municipality: Municipality, entry: dict[str, Any]) -> Submission:
    """Fill and submit a demo form the way the pages do: each page's form, then the submission."""
    from rathaus.applications.engine import first_open_page
    from rathaus.applications.forms import PageForm
    from rathaus.applications.selectors import published_version_for_service
    from rathaus.applications.services import application_submit, draft_save_page, draft_start

    service = Service.objects.get(municipality=municipality, slug=entry["form"])
    version = published_version_for_service(municipality=municipality, service=service)
    if version is None:
        raise ValueError(f"demo form {entry['form']!r} is not published")
    definition = version.definition
    posted = _posted_answers(entry, timezone.localdate())
    draft = draft_start(version=version, user=None)
    for _attempt in range(len(definition["pages"])):
        page = first_open_page(definition, draft.answers, draft.visited_pages)
        if page is None:
            break
        if page.get("kind") == "exit":
            raise ValueError(f"demo answers for {entry['form']!r} lead to the exit page {page['key']!r}")
        form = PageForm(definition=definition, page=page, answers=draft.answers, language="de", data=posted)
        if not form.is_valid():
            raise ValueError(f"demo answers for {entry['form']!r}, page {page['key']!r}: {form.errors.as_json()}")
        draft = draft_save_page(draft=draft, page_key=page["key"], answers=form.page_answers)
    host = municipality.host_names.order_by("pk").values_list("name", flat=True).first()
    return application_submit(draft=draft, language="de", portal_url=f"https://{host}/" if host else "")


def _online_cases(municipality: Municipality, entries: list[dict[str, Any]], staff: dict[str, User]) -> int:
    count = 0
    for entry in entries:
        submission = (
            Submission.objects.filter(
                municipality=municipality, email=entry["email"], version__form__service__slug=entry["form"]
            )
            .order_by("submitted_at")
            .first()
        )
        if submission is None:
            submission = _submit_online(municipality, entry)
        case = case_create_from_submission(submission=submission)
        assignee = staff.get(entry.get("assign", ""))
        if case.assignee_id is None and _works_in(assignee, case.unit_id) and assignee is not None:
            case_assign(case=case, assignee=assignee, actor=assignee)
        count += 1
    return count


def load_cases(municipality: Municipality, data_file: Path = DATA_FILE) -> int:
    """Create the demo cases of ``municipality`` that do not exist yet; returns how many demo cases there are."""
    data = json.loads(data_file.read_text(encoding="utf-8"))
    staff = _staff(municipality)
    case_types = _case_types(municipality, data["case_types"])
    count = 0
    for index, entry in enumerate(data["cases"]):
        case_type = case_types.get(entry["service"])
        if case_type is None:
            continue
        with transaction.atomic():
            existing = Case.objects.filter(municipality=municipality, reference=entry["reference"]).first()
            if existing is None:
                _create_case(municipality, case_type, entry, index, staff)
            elif existing.assignee_id is None and entry.get("assign"):
                assignee = staff.get(entry["assign"])
                if assignee is not None and _works_in(assignee, existing.unit_id):
                    case_assign(case=existing, assignee=assignee, actor=assignee)
        count += 1
    return count + _online_cases(municipality, data["online"], staff)
