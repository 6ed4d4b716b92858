"""Staff pages for decision letters: draft, preview, submit, approve or return, send; the approval queue."""

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts.permissions import staff_required
from rathaus.municipalities.http import StaffRequest

from . import decisions, selectors
from . import workflow as flow
from .letters import LETTER_CONTENT_TYPE, letter_file_name, letter_pdf_render
from .models import Case, Decision
from .selectors import case_for_staff
from .services import CaseRefused, case_view_record, staff_role


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Entscheidung"), choices=Case.Outcome.choices, widget=forms.RadioSelect
    )
    fee = forms.DecimalField(
        label=gettext_lazy("Gebühr (Euro)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        localize=True,
        help_text=gettext_lazy("Zum Beispiel 25,00. Leer oder 0: keine Gebühr."),
    )
    letter_text = forms.CharField(
        label=gettext_lazy("Text des Bescheids"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy(
            "Leer lassen, um den Text aus der Vorlage der Leistung zu erzeugen. "
            "„Text aus der Vorlage erzeugen“ schreibt ihn neu; Ihre Änderungen gehen dabei verloren."
        ),
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Was soll geändert werden?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": gettext_lazy("Bitte schreiben Sie, was am Bescheid geändert werden soll.")},
    )


def _case_or_404(request: StaffRequest, case_id: UUID) -> Case:
    case = case_for_staff(municipality=request.municipality, membership=request.staff_membership, case_id=case_id)
    if case is None:
        raise Http404
    return case


def _decision_or_404(case: Case) -> Decision:
    decision = selectors.decision_of_case(case=case)
    if decision is None:
        raise Http404
    return decision


def _edit_url(case: Case) -> str:
    return reverse("cases:decision_edit", args=[case.pk])


def _case_url(case: Case) -> str:
    return reverse("cases:case", args=[case.pk])


def _may_decide(request: StaffRequest, case: Case) -> bool:
    workflow = flow.workflow_for(case.case_type)
    return workflow.transition_for(case.state, staff_role(request.staff_membership), "decision") is not None


def _render_edit(
    request: StaffRequest, case: Case, decision: Decision | None, form: DecisionForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "cases/decision/edit.html",
        {
            "case": case,
            "decision": decision,
            "form": form,
            "editable": decision is None or decision.state == Decision.State.DRAFT,
            "may_decide": _may_decide(request, case),
            "four_eyes": case.case_type.four_eyes,
            "may_approve": decision is not None
            and decisions.decision_may_approve(decision=decision, user=request.user),
        },
        status=status,
    )


def _save_draft(request: StaffRequest, case: Case, decision: Decision | None, data: dict[str, Any]) -> Decision:
    fee = data["fee"] or 0
    text = data["letter_text"].strip()
    if request.POST.get("action") == "generate" or not text:
        return decisions.decision_draft(case=case, actor=request.user, outcome=data["outcome"], fee=fee)
    if decision is None:
        decision = decisions.decision_draft(case=case, actor=request.user, outcome=data["outcome"], fee=fee)
    return decisions.decision_update_text(
        decision=decision, actor=request.user, letter_text=text, outcome=data["outcome"], fee=fee
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def decision_edit(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    decision = selectors.decision_of_case(case=case)
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                _save_draft(request, case, decision, form.cleaned_data)
            except CaseRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Der Entwurf des Bescheids ist gespeichert."))
                return redirect(_edit_url(case))
        return _render_edit(request, case, decision, form, status=400)
    initial: dict[str, Any] = {}
    if decision is not None:
        initial = {"outcome": decision.outcome, "fee": decision.fee, "letter_text": decision.letter_text}
    return _render_edit(request, case, decision, DecisionForm(initial=initial))


@staff_required()
@require_GET
def decision_preview(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    decision = _decision_or_404(case)
    case_view_record(case=case, actor=request.user, what="letter")
    if decision.state == Decision.State.SENT and decision.document:
        with decision.document.open("rb") as document:
            content = document.read()
    else:
        content = letter_pdf_render(decision=decision)
    response = HttpResponse(content, content_type=LETTER_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{letter_file_name(case)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required()
@require_POST
def decision_submit(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    decision = _decision_or_404(case)
    try:
        decisions.decision_submit_for_approval(decision=decision, actor=request.user)
    except CaseRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _(
                "Der Bescheid liegt zur Freigabe vor. Eine Kollegin oder ein Kollege der Stelle oder die Amtsleitung "
                "gibt ihn frei; dabei wird er versandt."
            ),
        )
    return redirect(_edit_url(case))


def _render_approval(
    request: StaffRequest, case: Case, decision: Decision, form: ReturnForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "cases/decision/approve.html",
        {
            "case": case,
            "decision": decision,
            "form": form,
            "may_approve": decisions.decision_may_approve(decision=decision, user=request.user),
            "is_author": request.user.pk in decisions.decision_authors(decision=decision),
        },
        status=status,
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def decision_approve(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    decision = _decision_or_404(case)
    if request.method == "GET":
        case_view_record(case=case, actor=request.user, what="letter")
        return _render_approval(request, case, decision, ReturnForm())
    try:
        decisions.decision_approve(decision=decision, approver=request.user)
    except CaseRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(reverse("cases:decision_approve", args=[case.pk]))
    messages.success(
        request,
        _(
            "Der Bescheid zum Vorgang %(reference)s ist freigegeben und in das Postfach der antragstellenden Person gelegt."
        )
        % {"reference": case.reference},
    )
    return redirect(_case_url(case))


@staff_required()
@require_POST
def decision_return(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    decision = _decision_or_404(case)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            decisions.decision_return(decision=decision, approver=request.user, note=form.cleaned_data["note"])
        except CaseRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("Der Bescheid zum Vorgang %(reference)s ist mit Ihrer Anmerkung zurückgegeben.")
                % {"reference": case.reference},
            )
            return redirect("cases:decision_approvals")
    return _render_approval(request, case, decision, form, status=400)


@staff_required()
@require_POST
def decision_send(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    decision = _decision_or_404(case)
    try:
        decisions.decision_send(decision=decision, actor=request.user)
    except CaseRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(_edit_url(case))
    messages.success(
        request,
        _("Der Bescheid ist versandt: Er liegt als PDF im Postfach der antragstellenden Person."),
    )
    return redirect(_case_url(case))


@staff_required()
@require_GET
def decision_approvals(request: StaffRequest) -> HttpResponse:
    waiting = selectors.decisions_awaiting_approval(
        municipality=request.municipality, membership=request.staff_membership
    )[:200]
    return render(request, "cases/decision/approvals.html", {"decisions": list(waiting)})
