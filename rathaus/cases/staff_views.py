"""Staff side of cases: the office inbox, the case page, opening a case by hand and the assisted channel."""

from datetime import datetime, time
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts.models import StaffMembership, User
from rathaus.accounts.permissions import staff_required
from rathaus.applications import selectors as application_selectors
from rathaus.applications import services as application_services
from rathaus.applications.engine import journey
from rathaus.applications.models import Submission
from rathaus.catalogue.models import Service
from rathaus.municipalities.http import StaffRequest

from . import inbox, selectors, services
from . import workflow as flow
from .forms import CaseOpenForm, InboxFilterForm, NoteForm, TransitionForm, person_label
from .models import Case

CLERK = StaffMembership.Role.CLERK
PAGE_SIZE = 50


def _case_or_404(request: StaffRequest, case_id: UUID) -> Case:
    case = selectors.case_for_staff(
        municipality=request.municipality, membership=request.staff_membership, case_id=case_id
    )
    if case is None:
        raise Http404
    return case


def _back_to_case(case: Case, anchor: str = "") -> HttpResponse:
    return redirect(reverse("cases:case", args=[case.pk]) + anchor)


# Inbox ----------------------------------------------------------------------------------------


@require_GET
@staff_required(CLERK)
def inbox_view(request: StaffRequest) -> HttpResponse:
    scope = inbox.inbox_scope(municipality=request.municipality, membership=request.staff_membership)
    colleagues = list(selectors.colleagues_of_units(municipality=request.municipality, unit_ids=scope.unit_ids))
    form = InboxFilterForm(
        request.GET or None,
        states=scope.state_choices(),
        services=[case_type.service for case_type in scope.case_types],
        colleagues=colleagues,
    )
    filters = form.filters()
    cases = inbox.inbox_cases(scope=scope, filters=filters, user=request.user)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("seite"))
    today = timezone.localdate()
    rows = []
    for case in page.object_list:
        workflow = scope.workflow(case.case_type_id)
        state = workflow.states.get(case.state)
        rows.append(
            {
                "case": case,
                "state_label": state.label if state else case.state,
                "overdue": inbox.case_is_overdue(case, workflow, today),
            }
        )
    return render(
        request,
        "cases/staff/inbox.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filtered": any(value for key, value in request.GET.items() if key not in ("seite", "sortierung")),
            "colleagues": [(colleague.pk, person_label(colleague)) for colleague in colleagues],
            "querystring": request.GET.urlencode(),
        },
    )


def _inbox_redirect(request: StaffRequest) -> HttpResponse:
    # Only the query string comes back from the form, so the redirect cannot leave the inbox.
    query = QueryDict(request.POST.get("filter", "")).urlencode()
    return redirect(reverse("cases:inbox") + (f"?{query}" if query else ""))


def _assignee_from(value: str, allowed: list[User], me: User) -> tuple[bool, User | None]:
    """(valid, person) for a chosen assignee: a colleague's id, "ich" or "niemand"."""
    if value == inbox.ASSIGNEE_NOBODY:
        return True, None
    if value == inbox.ASSIGNEE_ME:
        value = str(me.pk)
    for person in allowed:
        if str(person.pk) == value:
            return True, person
    return False, None


@staff_required(CLERK)
@require_POST
def bulk_assign(request: StaffRequest) -> HttpResponse:
    scope = inbox.inbox_scope(municipality=request.municipality, membership=request.staff_membership)
    single = request.POST.get("mir_zuweisen", "")
    raw_ids = [single] if single else request.POST.getlist("vorgang")
    try:
        case_ids = {UUID(raw_id) for raw_id in raw_ids}
    except ValueError as error:
        raise Http404 from error
    if not case_ids:
        messages.error(request, _("Bitte wählen Sie mindestens einen Vorgang aus."))
        return _inbox_redirect(request)
    colleagues = list(selectors.colleagues_of_units(municipality=request.municipality, unit_ids=scope.unit_ids))
    valid, assignee = _assignee_from(
        inbox.ASSIGNEE_ME if single else request.POST.get("zustaendig_neu", ""), colleagues, request.user
    )
    if not valid:
        messages.error(request, _("Bitte wählen Sie eine Person aus Ihren Organisationseinheiten."))
        return _inbox_redirect(request)
    cases = selectors.cases_for_staff(municipality=request.municipality, membership=request.staff_membership).filter(
        pk__in=case_ids
    )
    if cases.count() != len(case_ids):
        messages.error(
            request,
            _("Mindestens einer der Vorgänge gehört nicht zu Ihren Organisationseinheiten. Es wurde nichts geändert."),
        )
        return _inbox_redirect(request)
    try:
        changed = services.cases_assign(cases=cases, assignee=assignee, actor=request.user)
    except services.CaseRefused as refusal:
        messages.error(request, _("%(reason)s Es wurde nichts geändert.") % {"reason": refusal})
        return _inbox_redirect(request)
    if assignee is None:
        text = ngettext(
            "Bei %(count)d Vorgang wurde die Zuweisung aufgehoben.",
            "Bei %(count)d Vorgängen wurde die Zuweisung aufgehoben.",
            changed,
        ) % {"count": changed}
    else:
        text = ngettext(
            "%(count)d Vorgang wurde %(person)s zugewiesen.",
            "%(count)d Vorgänge wurden %(person)s zugewiesen.",
            changed,
        ) % {"count": changed, "person": assignee.get_full_name()}
    messages.success(request, text)
    return _inbox_redirect(request)


# The case page --------------------------------------------------------------------------------


def _timeline(case: Case, workflow: flow.Workflow) -> list[dict[str, Any]]:
    def label(key: str) -> str:
        state = workflow.states.get(key)
        return state.label if state else key

    return [
        {
            "event": event,
            "state_from": label(event.state_from) if event.state_from else "",
            "state_to": label(event.state_to) if event.state_to else "",
        }
        for event in selectors.case_events(case=case, public_only=False)
    ]


@require_GET
@staff_required(CLERK)
def case_detail(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    services.case_view_record(case=case, actor=request.user, what="case")
    if case.needs_attention and case.assignee_id in (None, request.user.pk):
        services.case_mark_seen(case=case, actor=request.user)
    workflow = flow.workflow_for(case.case_type)
    role = services.staff_role(request.staff_membership)
    state = workflow.states.get(case.state)
    submission = case.submission
    return render(
        request,
        "cases/staff/case.html",
        {
            "case": case,
            "state_label": state.label if state else case.state,
            "overdue": inbox.case_is_overdue(case, workflow),
            "paused": workflow.kind(case.state) == flow.PAUSED,
            "closed": workflow.kind(case.state) in (flow.DECIDED, flow.CLOSED),
            "submission": submission,
            "answer_rows": application_selectors.submission_answer_rows(submission=submission) if submission else [],
            "files": list(selectors.case_files(case=case)),
            "timeline": _timeline(case, workflow),
            "thread": list(selectors.case_messages(case=case)),
            "colleagues": [(person.pk, person_label(person)) for person in selectors.colleagues_of_unit(case=case)],
            "transitions": workflow.available(case.state, role),
            "request_url": reverse("postbox:staff_request", args=[case.pk])
            if workflow.available(case.state, role, via="request")
            else "",
            "decision_url": reverse("cases:decision_edit", args=[case.pk])
            if workflow.available(case.state, role, via="decision")
            else "",
            "message_url": reverse("postbox:staff_message", args=[case.pk]),
            "note_form": NoteForm(),
        },
    )


@staff_required(CLERK)
@require_POST
def case_note(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte schreiben Sie eine Notiz (höchstens 5000 Zeichen)."))
        return _back_to_case(case, "#notiz")
    try:
        services.case_note_add(case=case, actor=request.user, text=form.cleaned_data["text"])
    except services.CaseRefused as refusal:
        messages.error(request, str(refusal))
        return _back_to_case(case, "#notiz")
    messages.success(request, _("Die Notiz wurde gespeichert."))
    return _back_to_case(case, "#verlauf")


@staff_required(CLERK)
@require_POST
def case_assign(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    valid, assignee = _assignee_from(
        request.POST.get("zustaendig", ""), list(selectors.colleagues_of_unit(case=case)), request.user
    )
    if not valid:
        messages.error(request, _("Bitte wählen Sie eine Person aus der bearbeitenden Stelle."))
        return _back_to_case(case, "#zuweisung")
    try:
        services.case_assign(case=case, assignee=assignee, actor=request.user)
    except services.CaseRefused as refusal:
        messages.error(request, str(refusal))
        return _back_to_case(case, "#zuweisung")
    if assignee is None:
        messages.success(request, _("Der Vorgang ist niemandem mehr zugewiesen."))
    else:
        messages.success(
            request, _("Der Vorgang ist jetzt %(person)s zugewiesen.") % {"person": assignee.get_full_name()}
        )
    return _back_to_case(case)


@staff_required(CLERK)
@require_POST
def case_transition(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dieser Schritt ist nicht möglich."))
        return _back_to_case(case)
    try:
        changed = services.case_transition(
            case=case,
            transition_key=form.cleaned_data["transition"],
            actor=request.user,
            role=services.staff_role(request.staff_membership),
            reason=form.cleaned_data["reason"],
        )
    except services.CaseRefused as refusal:
        messages.error(request, str(refusal))
        return _back_to_case(case)
    state = flow.workflow_for(changed.case_type).states.get(changed.state)
    messages.success(
        request, _("Der Vorgang hat jetzt den Stand „%(state)s“.") % {"state": state.label if state else changed.state}
    )
    return _back_to_case(case)


@require_GET
@staff_required(CLERK)
def case_file(request: StaffRequest, case_id: UUID, upload_id: UUID) -> FileResponse:
    case = _case_or_404(request, case_id)
    upload = selectors.case_files(case=case).filter(pk=upload_id).first()
    if upload is None:
        raise Http404
    services.case_view_record(case=case, actor=request.user, what="file")
    response = FileResponse(
        upload.file.open("rb"), as_attachment=True, filename=upload.file_name, content_type=upload.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_required(CLERK)
def case_receipt(request: StaffRequest, case_id: UUID) -> FileResponse:
    case = _case_or_404(request, case_id)
    if case.submission is None or not case.submission.receipt:
        raise Http404
    services.case_view_record(case=case, actor=request.user, what="file")
    response = FileResponse(
        case.submission.receipt.open("rb"),
        as_attachment=True,
        filename=f"Empfangsbestaetigung-{case.reference}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# Opening a case by hand -----------------------------------------------------------------------


def _received_at(received_on: Any) -> datetime | None:
    if received_on == timezone.localdate():
        return None  # now
    # Only the day is known for a letter or a call noted later; midday keeps it on that day in any view.
    return timezone.make_aware(datetime.combine(received_on, time(12, 0)))


@staff_required(CLERK)
@require_http_methods(["GET", "POST"])
def case_open(request: StaffRequest) -> HttpResponse:
    unit_ids = selectors.staff_unit_ids(request.staff_membership)
    offered = selectors.services_for_manual_case(municipality=request.municipality, unit_ids=unit_ids)
    form = CaseOpenForm(request.POST if request.method == "POST" else None, services=offered)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            case_type = services.case_type_for_service(service=values["service"])
            if case_type.responsible_unit_id not in unit_ids:
                raise services.CaseRefused(
                    _(
                        "Diese Leistung bearbeitet „%(unit)s“. Dort arbeiten Sie nicht; bitte wenden Sie sich an diese Stelle."
                    )
                    % {"unit": case_type.responsible_unit.name}
                )
            case = services.case_open(
                municipality=request.municipality,
                service=values["service"],
                channel=values["channel"],
                actor=request.user,
                applicant_name=values["applicant_name"],
                applicant_email=values["applicant_email"],
                applicant_phone=values["applicant_phone"],
                applicant_address=values["applicant_address"],
                description=values["description"],
                received_at=_received_at(values["received_on"]),
            )
        except services.CaseRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Der Vorgang %(reference)s wurde angelegt.") % {"reference": case.reference})
            return redirect("cases:case", case.pk)
    return render(
        request,
        "cases/staff/case_open.html",
        {"form": form, "has_services": bool(offered)},
        status=400 if form.errors else 200,
    )


# Assisted channel: a clerk fills in the online form for someone at the counter ---------------------------


@staff_required(CLERK)
@require_http_methods(["GET", "POST"])
def assisted_start(request: StaffRequest) -> HttpResponse:
    online = application_selectors.services_with_online_application(municipality=request.municipality)
    offered = Service.objects.filter(municipality=request.municipality, is_published=True, pk__in=online).order_by(
        "name"
    )
    if request.method == "POST":
        chosen = request.POST.get("leistung", "")
        service = offered.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        if service is None:
            raise Http404
        version = application_selectors.published_version_for_service(
            municipality=request.municipality, service=service
        )
        if version is None:
            raise Http404
        draft = application_services.draft_start(
            version=version, user=request.user, channel=Submission.Channel.ASSISTED, assisted_by=request.user
        )
        first_page = journey(version.definition, draft.answers)[0]["key"]
        return redirect("applications:page", draft.pk, first_page)
    return render(request, "cases/staff/assisted_start.html", {"services": offered})
