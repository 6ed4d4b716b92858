"""Staff area: the form editor for municipality administrators (forms, settings, preview, publish, JSON).

Plain forms and POST-redirect-GET throughout, so every step works without JavaScript. Each view
parses the input, changes the definition with a pure function from ``editor`` and stores it with
``services.form_draft_save``; a refused definition is shown in the error summary and not stored.
Pages and fields are edited in ``editor_page_views``.
"""

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts.models import StaffMembership
from rathaus.accounts.permissions import staff_required
from rathaus.catalogue import selectors as catalogue_selectors
from rathaus.municipalities import selectors as municipality_selectors
from rathaus.municipalities.http import StaffRequest

from . import editor, editor_conditions, selectors, services
from .definition import definition_errors, in_reading_order
from .editor_forms import (
    TYPE_LABELS,
    FormCreateForm,
    ImportForm,
    PageAddForm,
    ProblemForm,
    SettingsForm,
    settings_initial,
)
from .engine import condition_fields, localised_html
from .forms import PageForm
from .handoff import registry
from .models import ApplicationForm, FormVersion

ADMIN = StaffMembership.Role.MUNICIPALITY_ADMIN


# Shared by the editor's views -----------------------------------------------------------------


def form_or_404(request: StaffRequest, form_id: int) -> ApplicationForm:
    """The form ``form_id`` of the request's municipality; any other municipality's form is not found."""
    form = selectors.forms_of_municipality(municipality=request.municipality).filter(pk=form_id).first()
    if form is None:
        raise Http404
    return form


def _version_with_status(form: ApplicationForm, status: str) -> FormVersion | None:
    # forms_of_municipality prefetches the versions; reading them here costs no query.
    return next((version for version in form.versions.all() if version.status == status), None)


def draft_of(form: ApplicationForm) -> FormVersion | None:
    return _version_with_status(form, FormVersion.Status.DRAFT)


def published_of(form: ApplicationForm) -> FormVersion | None:
    return _version_with_status(form, FormVersion.Status.PUBLISHED)


def locked_keys(form: ApplicationForm) -> set[str]:
    """Keys of every version citizens could use: stored answers are named by them, so they stay."""
    keys: set[str] = set()
    for version in form.versions.all():
        if version.status != FormVersion.Status.DRAFT:
            keys |= editor.used_keys(version.definition)
    return keys


def edit_url(form: ApplicationForm, anchor: str = "") -> str:
    return reverse("applications:staff_form_edit", args=[form.pk]) + (f"#{anchor}" if anchor else "")


def store_definition(request: StaffRequest, form: ApplicationForm, definition: dict[str, Any], target: Form) -> bool:
    """Save ``definition`` as the draft; when refused, the reasons go to ``target``'s error summary."""
    try:
        services.form_draft_save(form=form, definition=definition, created_by=request.user)
    except ValidationError as error:
        target.add_error(None, error.messages)
        return False
    return True


def draft_required(request: StaffRequest, form: ApplicationForm) -> FormVersion | None:
    """The draft to change; without one the view sends the administrator back to start one."""
    draft = draft_of(form)
    if draft is None:
        messages.info(
            request, _("Legen Sie zuerst einen neuen Entwurf an; veröffentlichte Versionen ändern sich nicht.")
        )
    return draft


# Forms ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def form_list(request: StaffRequest) -> HttpResponse:
    municipality = request.municipality
    free_services = catalogue_selectors.staff_service_list(municipality=municipality).filter(
        application_form__isnull=True
    )
    create_form = FormCreateForm(request.POST if request.method == "POST" else None, services=free_services)
    if request.method == "POST" and create_form.is_valid():
        service = create_form.cleaned_data["service"]
        title = create_form.cleaned_data["title"] or service.name
        try:
            form = services.form_create(
                municipality=municipality,
                service=service,
                definition=editor.minimal_definition(title),
                created_by=request.user,
            )
        except ValidationError as error:
            create_form.add_error(None, error.messages)
        else:
            messages.success(request, _("Der Online-Antrag „%(title)s“ ist als Entwurf angelegt.") % {"title": title})
            return redirect("applications:staff_form_edit", form_id=form.pk)
    forms = selectors.forms_of_municipality(municipality=municipality).annotate(
        submission_count=Count("versions__submissions", distinct=True)
    )
    rows = [
        {"form": form, "latest": next(iter(form.versions.all()), None), "published": published_of(form)}
        for form in forms
    ]
    return render(
        request,
        "applications/staff/editor_form_list.html",
        {"rows": rows, "form": create_form, "has_free_services": free_services.exists()},
        status=400 if create_form.errors else 200,
    )


def _page_rows(definition: dict[str, Any]) -> list[dict[str, Any]]:
    titles = {page["key"]: page["title"] for page in definition["pages"]}
    return [
        {
            "page": page,
            "condition": editor_conditions.describe_condition(page.get("condition"), definition),
            "branches": [
                {
                    "when": editor_conditions.describe_condition(branch["when"], definition),
                    "goto": titles.get(branch["goto"]),
                }
                for branch in page.get("next", [])
            ],
            "fields": [
                {
                    "field": field,
                    "type_label": TYPE_LABELS.get(field["type"], field["type"]),
                    "condition": editor_conditions.describe_condition(field.get("condition"), definition),
                    "members": field.get("fields", []),
                }
                for field in page.get("fields", [])
            ],
        }
        for page in definition["pages"]
    ]


def _settings_problems(form: ApplicationForm) -> list[str]:
    return [
        problem
        for key in registry.keys_for(form.handoff_backends)
        for problem in registry.get(key).check_configuration(form)
    ]


def render_overview(request: StaffRequest, form: ApplicationForm, problems: Form | None = None) -> HttpResponse:
    """The form's overview, with the reasons a change from it was refused when there are any."""
    draft, published = draft_of(form), published_of(form)
    version = draft or published
    backends = dict(registry.choices())
    return render(
        request,
        "applications/staff/editor_form_edit.html",
        {
            "application_form": form,
            "draft": draft,
            "published": published,
            "version": version,
            "versions": list(form.versions.all()),
            "pages": _page_rows(version.definition) if version else [],
            "page_add_form": PageAddForm(),
            "backend_names": [backends.get(key, key) for key in registry.keys_for(form.handoff_backends)],
            "settings_problems": _settings_problems(form),
            "import_form": ImportForm(),
            "form": problems,
        },
        status=400 if problems is not None and problems.errors else 200,
    )


@require_GET
@staff_required(ADMIN)
def form_edit(request: StaffRequest, form_id: int) -> HttpResponse:
    return render_overview(request, form_or_404(request, form_id))


@staff_required(ADMIN)
@require_POST
def form_draft_create(request: StaffRequest, form_id: int) -> HttpResponse:
    form = form_or_404(request, form_id)
    published = published_of(form)
    if draft_of(form) is None and published is not None:
        services.form_draft_save(
            form=form, definition=published.definition, notes=list(published.notes), created_by=request.user
        )
        messages.success(request, _("Ein neuer Entwurf ist angelegt, als Kopie der veröffentlichten Version."))
    return redirect(edit_url(form))


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def form_settings(request: StaffRequest, form_id: int) -> HttpResponse:
    form = form_or_404(request, form_id)
    draft = draft_of(form)
    version = draft or published_of(form)
    definition = version.definition if version else editor.minimal_definition(form.service.name)
    settings_form = SettingsForm(
        request.POST if request.method == "POST" else None,
        initial=settings_initial(form, definition),
        application_form=form,
        units=municipality_selectors.unit_list(municipality=request.municipality),
        definition_editable=draft is not None,
    )
    if request.method == "POST" and settings_form.is_valid():
        with transaction.atomic():
            stored = True
            if draft is not None:
                changed = editor.settings_update(definition, settings_form.definition_changes())
                stored = store_definition(request, form, changed, settings_form)
            if stored:
                services.form_settings_update(form=form, values=settings_form.form_changes())
        if stored:
            messages.success(request, _("Die Einstellungen sind gespeichert."))
            return redirect(edit_url(form, "einstellungen"))
    return render(
        request,
        "applications/staff/editor_settings.html",
        {"application_form": form, "form": settings_form, "draft": draft},
        status=400 if settings_form.errors else 200,
    )


# Preview, publish -----------------------------------------------------------------------------


@require_GET
@staff_required(ADMIN)
def form_preview(request: StaffRequest, form_id: int, page_key: str | None = None) -> HttpResponse:
    form = form_or_404(request, form_id)
    version = draft_of(form) or published_of(form)
    if version is None:
        raise Http404
    definition = version.definition
    pages = definition["pages"]
    position = next((index for index, page in enumerate(pages) if page["key"] == page_key), None)
    if page_key is not None and position is None:
        raise Http404
    position = position or 0
    page = pages[position]
    language = translation.get_language() or "de"
    page_form = PageForm(definition=definition, page=page, answers={}, language=language)
    shown = {block["key"] for block in page_form.blocks}
    return render(
        request,
        "applications/staff/editor_preview.html",
        {
            "application_form": form,
            "version": version,
            "page_form": page_form,
            "page": page,
            "pages": pages,
            "position": position,
            "previous_page": pages[position - 1] if position else None,
            "next_page": pages[position + 1] if position + 1 < len(pages) else None,
            "form_title": localised_html(definition["title"], language),
            "page_title": localised_html(page["title"], language),
            "page_intro": localised_html(page.get("intro"), language),
            "page_condition": editor_conditions.describe_condition(page.get("condition"), definition),
            "hidden_fields": [
                {
                    "label": field["label"],
                    "condition": editor_conditions.describe_condition(field.get("condition"), definition),
                }
                for field in page.get("fields", [])
                if field["key"] not in shown and condition_fields(field.get("condition"))
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def form_publish(request: StaffRequest, form_id: int) -> HttpResponse:
    form = form_or_404(request, form_id)
    draft = draft_required(request, form)
    if draft is None:
        return redirect(edit_url(form))
    problems = ProblemForm(definition_errors(draft.definition))
    if request.method == "POST" and not problems.errors:
        try:
            version = services.form_publish(form=form)
        except ValidationError as error:
            problems.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("Version %(number)s ist veröffentlicht. Bürgerinnen und Bürger können sie jetzt nutzen.")
                % {"number": version.number},
            )
            return redirect(edit_url(form))
    return render(
        request,
        "applications/staff/editor_publish.html",
        {"application_form": form, "draft": draft, "published": published_of(form), "form": problems},
        status=400 if problems.errors else 200,
    )


# JSON export and import -----------------------------------------------------------------------


@require_GET
@staff_required(ADMIN)
def form_export(request: StaffRequest, form_id: int) -> HttpResponse:
    form = form_or_404(request, form_id)
    version = draft_of(form) or published_of(form)
    if version is None:
        raise Http404
    response = HttpResponse(
        json.dumps(in_reading_order(version.definition), ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{form.service.slug}-v{version.number}.json"'
    return response


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def form_import(request: StaffRequest, form_id: int) -> HttpResponse:
    form = form_or_404(request, form_id)
    posted = request.method == "POST"
    import_form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and import_form.is_valid():
        try:
            services.form_draft_save(
                form=form,
                definition=import_form.definition,
                origin=FormVersion.Origin.JSON,
                notes=[],
                created_by=request.user,
            )
        except ValidationError as error:
            import_form.add_error(None, error.messages)
        else:
            messages.success(request, _("Die Datei ist als neuer Entwurf übernommen."))
            return redirect(edit_url(form))
    return render(
        request,
        "applications/staff/editor_import.html",
        {"application_form": form, "form": import_form},
        status=400 if import_form.errors else 200,
    )
