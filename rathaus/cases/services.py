"""Writes on cases. Every service owns its transaction, records a case event and an audit entry."""

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import StaffMembership, User
from rathaus.applications.models import Submission
from rathaus.applications.services import reference_next
from rathaus.audit.services import audit_record
from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality
from rathaus.municipalities.working_days import working_days_after, working_days_between

from . import workflow as flow
from .models import Case, CaseEvent, CaseType


class CaseRefused(Exception):
    """The change is not allowed as things stand; the message says why, for the person who tried."""


# Case types -------------------------------------------------------------------------------------


def _default_unit(service: Service) -> Any:
    form = getattr(service, "application_form", None)
    if form is not None and form.responsible_unit_id is not None:
        return form.responsible_unit
    return service.responsible_units.order_by("name").first()


def _default_processing_days(service: Service) -> int:
    from rathaus.applications.selectors import published_version_for_service

    version = published_version_for_service(municipality=service.municipality, service=service)
    if version is not None and version.definition.get("processing_days"):
        return int(version.definition["processing_days"])
    return 20


def case_type_for_service(*, service: Service, responsible_unit: Any = None) -> CaseType:
    """The service's case type, created with defaults the first time a case of the service arrives
    (or an administrator saves its settings, naming the office in ``responsible_unit``)."""
    existing = CaseType.objects.filter(service=service).select_related("responsible_unit").first()
    if existing is not None:
        return existing
    unit = responsible_unit or _default_unit(service)
    if unit is None:
        raise CaseRefused(
            _("Für die Leistung „%(service)s“ ist keine bearbeitende Stelle hinterlegt.") % {"service": service.name}
        )
    try:
        with transaction.atomic():
            return CaseType.objects.create(
                municipality_id=service.municipality_id,
                service=service,
                responsible_unit=unit,
                processing_days=_default_processing_days(service),
            )
    except IntegrityError:
        return CaseType.objects.select_related("responsible_unit").get(service=service)


def case_type_update(*, case_type: CaseType, values: dict[str, Any], actor: User) -> CaseType:
    """Change a case type's settings; the workflow must pass ``workflow_errors``."""
    if values.get("workflow"):
        errors = flow.workflow_errors(values["workflow"])
        if errors:
            raise CaseRefused(" ".join(errors))
    with transaction.atomic():
        locked = CaseType.objects.select_for_update().get(pk=case_type.pk)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*values.keys(), "updated_at"])
        audit_record(
            municipality_id=locked.municipality_id,
            actor=actor,
            action="case_type.updated",
            object_type="case_type",
            object_id=locked.pk,
            details={"fields": sorted(values.keys())},
        )
    return locked


# Opening cases ----------------------------------------------------------------------------------


def _event(case: Case, kind: str, *, actor: User | None = None, public: bool = False, **fields: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor, public=public, **fields)


def _audit(case: Case, action: str, actor: User | None, *, reason: str = "", **details: Any) -> None:
    audit_record(
        municipality_id=case.municipality_id,
        actor=actor,
        action=action,
        object_type="case",
        object_id=case.pk,
        reason=reason,
        details=details,
    )


def _due_date(case_type: CaseType, received_at: datetime) -> Any:
    return working_days_after(timezone.localdate(received_at), case_type.processing_days)


def _applicant_from_answers(submission: Submission) -> dict[str, str]:
    """Name and address from the answers, found by the prefill sources the form's fields declare."""
    from rathaus.applications.definition import iter_fields

    found: dict[str, Any] = {}
    for page in submission.version.definition["pages"]:
        for field in iter_fields(page.get("fields", [])):
            source = field.get("prefill")
            value = submission.answers.get(field["key"])
            if source and value and source not in found:
                found[source] = value
    name = " ".join(str(found[key]) for key in ("given_name", "family_name") if found.get(key))
    address = found.get("address") or {}
    address_text = ""
    if isinstance(address, dict):
        address_text = ", ".join(
            part
            for part in (
                str(address.get("street", "")).strip(),
                " ".join(str(address.get(key, "")).strip() for key in ("postal_code", "city")).strip(),
            )
            if part
        )
    return {
        "applicant_name": name,
        "applicant_address": address_text,
        "applicant_phone": str(found.get("phone") or ""),
    }


def case_create_from_submission(*, submission: Submission) -> Case:
    """The case of an online submission; calling it again returns the same case."""
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",), no_key=True)
            .select_related("version__form__service__municipality", "user", "municipality")
            .get(pk=submission.pk)
        )
        existing = Case.objects.filter(submission=locked).first()
        if existing is not None:
            return existing
        service = locked.version.form.service
        case_type = case_type_for_service(service=service)
        workflow = flow.workflow_for(case_type)
        user = locked.user
        applicant = _applicant_from_answers(locked)
        if not applicant["applicant_name"] and user is not None:
            applicant["applicant_name"] = user.get_full_name() if user.get_full_name() != user.email else ""
        channel = Case.Channel.ASSISTED if locked.channel == Submission.Channel.ASSISTED else Case.Channel.ONLINE
        case = Case.objects.create(
            municipality=locked.municipality,
            case_type=case_type,
            service=service,
            unit=case_type.responsible_unit,
            reference=locked.reference,
            submission=locked,
            channel=channel,
            applicant=user if channel == Case.Channel.ONLINE else None,
            applicant_email=locked.email,
            state=workflow.initial,
            received_at=locked.submitted_at,
            due_date=locked.due_date or _due_date(case_type, locked.submitted_at),
            # At the counter: the clerk who filled in the form for the applicant.
            created_by=locked.draft.assisted_by if channel == Case.Channel.ASSISTED and locked.draft else None,
            **applicant,
        )
        _event(case, CaseEvent.Kind.CREATED, public=True, state_to=case.state, data={"channel": channel})
        _audit(case, "case.created", None, channel=channel, submission=str(locked.pk))
        return case


def case_open(
    *,
    municipality: Municipality,
    service: Service,
    channel: str,
    actor: User,
    applicant_name: str,
    applicant_email: str = "",
    applicant_phone: str = "",
    applicant_address: str = "",
    description: str = "",
    received_at: datetime | None = None,
) -> Case:
    """Open a case by hand for a request that came by phone, letter, e-mail or at the counter."""
    if service.municipality_id != municipality.pk:
        raise CaseRefused(_("Diese Leistung gehört nicht zu dieser Kommune."))
    if channel in (Case.Channel.ONLINE, Case.Channel.ASSISTED):
        raise CaseRefused(_("Online-Anträge werden über das Antragsformular gestellt."))
    received_at = received_at or timezone.now()
    if received_at > timezone.now():
        raise CaseRefused(_("Das Eingangsdatum darf nicht in der Zukunft liegen."))
    with transaction.atomic():
        case_type = case_type_for_service(service=service)
        workflow = flow.workflow_for(case_type)
        case = Case.objects.create(
            municipality=municipality,
            case_type=case_type,
            service=service,
            unit=case_type.responsible_unit,
            reference=reference_next(municipality=municipality, year=timezone.localdate(received_at).year),
            channel=channel,
            applicant_name=applicant_name,
            applicant_email=applicant_email.lower(),
            applicant_phone=applicant_phone,
            applicant_address=applicant_address,
            description=description,
            state=workflow.initial,
            received_at=received_at,
            due_date=_due_date(case_type, received_at),
            created_by=actor,
        )
        _event(case, CaseEvent.Kind.CREATED, actor=actor, public=True, state_to=case.state, data={"channel": channel})
        _audit(case, "case.created", actor, channel=channel)
        return case


# Moving through the workflow ---------------------------------------------------------------------


def staff_role(membership: StaffMembership) -> str:
    """The workflow role a membership acts in."""
    return "office_lead" if membership.is_office_lead else "clerk"


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",), no_key=True).select_related("case_type").get(pk=case.pk)


def _enter_state(case: Case, target: str, workflow: flow.Workflow, now: datetime) -> list[str]:
    """Set ``case.state`` and keep the deadline, pause and decision dates in step; returns changed fields."""
    before = workflow.kind(case.state)
    after = workflow.kind(target)
    changed = ["state"]
    case.state = target
    if before == flow.PAUSED and after != flow.PAUSED and case.paused_at is not None:
        paused = working_days_between(timezone.localdate(case.paused_at), timezone.localdate(now))
        case.paused_working_days += paused
        if case.due_date is not None and paused:
            case.due_date = working_days_after(case.due_date, paused)
        case.paused_at = None
        changed += ["paused_at", "paused_working_days", "due_date"]
    if after == flow.PAUSED and before != flow.PAUSED:
        case.paused_at = now
        changed.append("paused_at")
    if after == flow.DECIDED and case.decided_at is None:
        case.decided_at = now
        changed.append("decided_at")
    if after == flow.CLOSED and case.closed_at is None:
        case.closed_at = now
        changed.append("closed_at")
    return changed


def case_transition(
    *,
    case: Case,
    transition_key: str,
    actor: User,
    role: str,
    via: str = "",
    reason: str = "",
    public_text: str = "",
) -> Case:
    """Take a workflow transition; refused when the case is not in a source state or ``role`` may not."""
    with transaction.atomic():
        locked = _lock(case)
        workflow = flow.workflow_for(locked.case_type)
        transition = workflow.transitions.get(transition_key)
        if transition is None or transition.via != via:
            raise CaseRefused(_("Diesen Schritt gibt es im Ablauf dieses Vorgangs nicht."))
        if locked.state not in transition.sources:
            raise CaseRefused(_("Dieser Schritt ist im jetzigen Stand des Vorgangs nicht möglich."))
        if role not in transition.roles:
            raise CaseRefused(_("Diesen Schritt dürfen Sie nicht ausführen."))
        return _apply_transition(locked, transition, workflow, actor=actor, reason=reason, public_text=public_text)


def _apply_transition(
    case: Case,
    transition: flow.Transition,
    workflow: flow.Workflow,
    *,
    actor: User | None,
    reason: str = "",
    public_text: str = "",
) -> Case:
    now = timezone.now()
    source = case.state
    changed = _enter_state(case, transition.target, workflow, now)
    case.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    _event(
        case,
        CaseEvent.Kind.TRANSITION,
        actor=actor,
        public=True,
        state_from=source,
        state_to=case.state,
        text=public_text,
        data={"transition": transition.key},
    )
    _audit(case, "case.transition", actor, reason=reason, transition=transition.key, source=source, target=case.state)
    return case


def case_transition_via(*, case: Case, via: str, role: str, actor: User | None, reason: str = "") -> Case:
    """Take the workflow's transition for ``via`` (request, reply, decision, withdrawal) from the current state.

    Call inside the transaction of the change that causes it (a request sent, a decision sent...).
    """
    locked = _lock(case)
    workflow = flow.workflow_for(locked.case_type)
    transition = workflow.transition_for(locked.state, role, via)
    if transition is None:
        raise CaseRefused(_("Dieser Schritt ist im jetzigen Stand des Vorgangs nicht möglich."))
    return _apply_transition(locked, transition, workflow, actor=actor, reason=reason)


def case_withdraw(*, case: Case, user: User) -> Case:
    """The citizen withdraws the application; possible until the decision."""
    with transaction.atomic():
        withdrawn = case_transition_via(case=case, via="withdrawal", role="citizen", actor=user)
        _event(withdrawn, CaseEvent.Kind.WITHDRAWN, actor=user, public=True)
        return withdrawn


# Assigning, notes, views ------------------------------------------------------------------------


def _check_assignee(case: Case, assignee: User | None) -> None:
    if assignee is None:
        return
    works_there = StaffMembership.objects.filter(
        user=assignee, municipality_id=case.municipality_id, is_active=True, units=case.unit_id
    ).exists()
    if not works_there:
        raise CaseRefused(_("Diese Person arbeitet nicht in der bearbeitenden Stelle des Vorgangs."))


def case_assign(*, case: Case, assignee: User | None, actor: User) -> Case:
    """Give the case to ``assignee`` (None: nobody) of the responsible office."""
    with transaction.atomic():
        locked = _lock(case)
        _check_assignee(locked, assignee)
        if locked.assignee_id == (assignee.pk if assignee else None):
            return locked
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
        _event(locked, CaseEvent.Kind.ASSIGNED, actor=actor, data={"assignee": assignee.pk if assignee else None})
        _audit(locked, "case.assigned", actor, assignee=assignee.pk if assignee else None)
        return locked


def cases_assign(*, cases: QuerySet[Case], assignee: User | None, actor: User) -> int:
    """Assign several cases at once (all or none); returns how many changed hands."""
    with transaction.atomic():
        changed = 0
        for case in cases.order_by("pk"):
            before = case.assignee_id
            updated = case_assign(case=case, assignee=assignee, actor=actor)
            changed += updated.assignee_id != before
        return changed


def case_note_add(*, case: Case, actor: User, text: str) -> CaseEvent:
    """An internal note: staff see it, the citizen never does."""
    text = text.strip()
    if not text:
        raise CaseRefused(_("Bitte schreiben Sie eine Notiz."))
    with transaction.atomic():
        event = _event(case, CaseEvent.Kind.NOTE, actor=actor, text=text)
        _audit(case, "case.note_added", actor, event=event.pk)
        return event


def case_mark_seen(*, case: Case, actor: User) -> None:
    """The clerk has seen the applicant's answer: the inbox marker goes."""
    Case.objects.filter(pk=case.pk, needs_attention=True).update(needs_attention=False, updated_at=timezone.now())


def case_view_record(*, case: Case, actor: User, what: str = "case", reason: str = "") -> None:
    """Record that a member of staff looked at the case's personal data (``what``: case, file, letter...)."""
    audit_record(
        municipality_id=case.municipality_id,
        actor=actor,
        action=f"{what}.viewed",
        object_type="case",
        object_id=case.pk,
        reason=reason,
    )
