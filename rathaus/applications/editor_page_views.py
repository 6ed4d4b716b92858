"""Staff area: the form editor's pages and fields (add, edit, move, remove) and a page's branches.

Every change is made to the draft version only; see ``editor_views`` for the shared rules.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.accounts.permissions import staff_required
from rathaus.municipalities.http import StaffRequest

from . import editor, editor_conditions
from .editor_field_forms import FieldAddForm, FieldEditForm, posted_basics
from .editor_forms import TYPE_LABELS, BranchForm, PageAddForm, PageEditForm, ProblemForm
from .editor_views import (
    ADMIN,
    draft_required,
    edit_url,
    form_or_404,
    locked_keys,
    render_overview,
    store_definition,
)
from .models import ApplicationForm

MOVES = {"hoch": -1, "runter": 1}


def _page_or_404(definition: dict[str, Any], page_key: str) -> dict[str, Any]:
    try:
        return editor.page_get(definition, page_key)
    except KeyError as error:
        raise Http404 from error


def _field_or_404(definition: dict[str, Any], page_key: str, field_key: str) -> dict[str, Any]:
    try:
        return editor.field_get(definition, page_key, field_key)
    except KeyError as error:
        raise Http404 from error


def _page_edit_url(form: ApplicationForm, page_key: str, anchor: str = "") -> str:
    url = reverse("applications:staff_page_edit", args=[form.pk, page_key])
    return url + (f"#{anchor}" if anchor else "")


def _move(request: StaffRequest, form: ApplicationForm, change: Any, anchor: str) -> HttpResponse:
    """Store a move made from the overview; when refused, show the overview with the reasons."""
    problems = ProblemForm([])
    try:
        changed = change()
    except editor.EditRefused as refusal:
        problems.add_error(None, str(refusal))
    else:
        if store_definition(request, form, changed, problems):
            return redirect(edit_url(form, anchor))
    return render_overview(request, form, problems)


# Pages ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def page_add(request: StaffRequest, form_id: int) -> HttpResponse:
    form = form_or_404(request, form_id)
    draft = draft_required(request, form)
    if draft is None:
        return redirect(edit_url(form))
    add_form = PageAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and add_form.is_valid():
        changed = editor.page_add(draft.definition, title=add_form.cleaned_data["title"].strip())
        if store_definition(request, form, changed, add_form):
            messages.success(request, _("Die Seite ist angelegt. Fügen Sie jetzt Felder hinzu."))
            return redirect(_page_edit_url(form, changed["pages"][-1]["key"]))
    return render(
        request,
        "applications/staff/editor_page_add.html",
        {"application_form": form, "form": add_form},
        status=400 if add_form.errors else 200,
    )


def _branch_rows(definition: dict[str, Any], page: dict[str, Any]) -> list[dict[str, Any]]:
    titles = {other["key"]: other["title"] for other in definition["pages"]}
    return [
        {
            "index": index,
            "when": editor_conditions.describe_condition(branch["when"], definition),
            "goto": titles.get(branch["goto"], branch["goto"]),
        }
        for index, branch in enumerate(page.get("next", []))
    ]


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def page_edit(request: StaffRequest, form_id: int, page_key: str) -> HttpResponse:
    form = form_or_404(request, form_id)
    draft = draft_required(request, form)
    if draft is None:
        return redirect(edit_url(form))
    definition = draft.definition
    page = _page_or_404(definition, page_key)
    position = definition["pages"].index(page)
    posted = request.method == "POST"
    action = request.POST.get("aktion", "speichern") if posted else ""
    page_form = PageEditForm(
        request.POST if action == "speichern" else None,
        page=page,
        candidates=editor_conditions.condition_candidates(definition, page_key, include_own_page=False),
    )
    branch_form = BranchForm(
        request.POST if action == "verzweigung" else None,
        later_pages=definition["pages"][position + 1 :],
        candidates=editor_conditions.condition_candidates(definition, page_key, include_own_page=True),
    )
    problems = ProblemForm([])
    if action == "speichern" and page_form.is_valid():
        changed = editor.page_update(definition, page_key, page_form.changes())
        if store_definition(request, form, changed, page_form):
            messages.success(request, _("Die Seite ist gespeichert."))
            return redirect(edit_url(form, f"seite-{page_key}"))
    elif action == "verzweigung" and branch_form.is_valid():
        try:
            changed = editor.branch_add(
                definition, page_key, when=branch_form.cleaned_data["condition"], goto=branch_form.cleaned_data["goto"]
            )
        except editor.EditRefused as refusal:
            branch_form.add_error(None, str(refusal))
        else:
            if store_definition(request, form, changed, branch_form):
                messages.success(request, _("Die Verzweigung ist gespeichert."))
                return redirect(_page_edit_url(form, page_key, "verzweigungen"))
    elif action.startswith("verzweigung-entfernen:"):
        index = action.removeprefix("verzweigung-entfernen:")
        try:
            changed = editor.branch_remove(definition, page_key, int(index) if index.isdigit() else -1)
        except editor.EditRefused as refusal:
            problems.add_error(None, str(refusal))
        else:
            if store_definition(request, form, changed, problems):
                messages.success(request, _("Die Verzweigung ist entfernt."))
                return redirect(_page_edit_url(form, page_key, "verzweigungen"))
    bound = {"speichern": page_form, "verzweigung": branch_form}.get(action, problems)
    return render(
        request,
        "applications/staff/editor_page_edit.html",
        {
            "application_form": form,
            "page": page,
            "page_form": page_form,
            "branch_form": branch_form,
            "branches": _branch_rows(definition, page),
            "problems": problems,
            "has_later_pages": position + 1 < len(definition["pages"]),
            # The page title starts with "Fehler:" when the form that was sent has errors.
            "form": bound,
        },
        status=400 if bound.errors else 200,
    )


@staff_required(ADMIN)
@require_POST
def page_move(request: StaffRequest, form_id: int, page_key: str) -> HttpResponse:
    form = form_or_404(request, form_id)
    draft = draft_required(request, form)
    if draft is None:
        return redirect(edit_url(form))
    _page_or_404(draft.definition, page_key)
    offset = MOVES.get(request.POST.get("richtung", ""), 0)
    return _move(
        request, form, lambda: editor.page_move(draft.definition, page_key, offset=offset), f"seite-{page_key}"
    )


def _confirm_remove(
    request: StaffRequest, form: ApplicationForm, change: Any, context: dict[str, Any], success: str
) -> HttpResponse:
    """Ask before removing; a removal that would break the form is explained instead of offered."""
    problems = ProblemForm([])
    try:
        changed = change()
    except editor.EditRefused as refusal:
        problems.add_error(None, str(refusal))
    else:
        if request.method == "POST" and store_definition(request, form, changed, problems):
            messages.success(request, success)
            return redirect(edit_url(form))
    return render(
        request,
        "applications/staff/editor_confirm_remove.html",
        {**context, "application_form": form, "form": problems},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def page_remove(request: StaffRequest, form_id: int, page_key: str) -> HttpResponse:
    form = form_or_404(request, form_id)
    draft = draft_required(request, form)
    if draft is None:
        return redirect(edit_url(form))
    page = _page_or_404(draft.definition, page_key)
    return _confirm_remove(
        request,
        form,
        lambda: editor.page_remove(draft.definition, page_key),
        {"page": page, "fields": page.get("fields", [])},
        _("Die Seite ist entfernt."),
    )


# Fields ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def field_add(request: StaffRequest, form_id: int, page_key: str) -> HttpResponse:
    form = form_or_404(request, form_id)
    draft = draft_required(request, form)
    if draft is None:
        return redirect(edit_url(form))
    page = _page_or_404(draft.definition, page_key)
    add_form = FieldAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and add_form.is_valid():
        values = add_form.cleaned_data
        field = editor.new_field(values["type"], values["label"].strip(), editor.used_keys(draft.definition))
        changed = editor.field_add(draft.definition, page_key, field=field)
        if store_definition(request, form, changed, add_form):
            messages.success(request, _("Das Feld ist angelegt. Legen Sie jetzt die Einzelheiten fest."))
            return redirect("applications:staff_field_edit", form_id=form.pk, page_key=page_key, field_key=field["key"])
    return render(
        request,
        "applications/staff/editor_field_add.html",
        {"application_form": form, "page": page, "form": add_form},
        status=400 if add_form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def field_edit(request: StaffRequest, form_id: int, page_key: str, field_key: str) -> HttpResponse:
    form = form_or_404(request, form_id)
    draft = draft_required(request, form)
    if draft is None:
        return redirect(edit_url(form))
    definition = draft.definition
    page = _page_or_404(definition, page_key)
    field = _field_or_404(definition, page_key, field_key)
    posted = request.method == "POST"
    posted_type = request.POST.get("type", "")
    kind = posted_type if posted and posted_type in editor.FIELD_TYPES else field["type"]
    arguments: dict[str, Any] = {
        "field": field,
        "kind": kind,
        "candidates": editor_conditions.condition_candidates(
            definition, page_key, include_own_page=True, exclude=field_key
        ),
        "key_locked": field_key in locked_keys(form),
    }
    # The settings on the page belong to the type they were shown for, which need not be the stored one yet.
    shown_kind = request.POST.get("angezeigte_art", field["type"])
    type_changed = posted and (request.POST.get("aktion") == "typ" or kind != shown_kind)
    if type_changed:
        # Show the new type's settings with what was typed so far; nothing is saved yet.
        edit_form = FieldEditForm(extra_initial=posted_basics(request.POST), **arguments)
    else:
        edit_form = FieldEditForm(request.POST if posted else None, **arguments)
    if posted and not type_changed and edit_form.is_valid():
        try:
            changed = editor.field_update(definition, page_key, field_key, edit_form.changes())
        except editor.EditRefused as refusal:
            edit_form.add_error(None, str(refusal))
        else:
            if store_definition(request, form, changed, edit_form):
                messages.success(request, _("Das Feld ist gespeichert."))
                new_key = edit_form.cleaned_data.get("key") or field_key
                return redirect(edit_url(form, f"feld-{new_key}"))
    return render(
        request,
        "applications/staff/editor_field_edit.html",
        {
            "application_form": form,
            "page": page,
            "field": field,
            "kind_label": TYPE_LABELS.get(kind, kind),
            "type_changed": type_changed,
            "form": edit_form,
        },
        status=400 if edit_form.errors else 200,
    )


@staff_required(ADMIN)
@require_POST
def field_move(request: StaffRequest, form_id: int, page_key: str, field_key: str) -> HttpResponse:
    form = form_or_404(request, form_id)
    draft = draft_required(request, form)
    if draft is None:
        return redirect(edit_url(form))
    _field_or_404(draft.definition, page_key, field_key)
    offset = MOVES.get(request.POST.get("richtung", ""), 0)
    return _move(
        request,
        form,
        lambda: editor.field_move(draft.definition, page_key, field_key, offset=offset),
        f"feld-{field_key}",
    )


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def field_remove(request: StaffRequest, form_id: int, page_key: str, field_key: str) -> HttpResponse:
    form = form_or_404(request, form_id)
    draft = draft_required(request, form)
    if draft is None:
        return redirect(edit_url(form))
    page = _page_or_404(draft.definition, page_key)
    field = _field_or_404(draft.definition, page_key, field_key)
    return _confirm_remove(
        request,
        form,
        lambda: editor.field_remove(draft.definition, page_key, field_key),
        {"page": page, "field": field},
        _("Das Feld ist entfernt."),
    )
