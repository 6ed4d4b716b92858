"""Staff area: the service catalogue (services, online offers, XZuFi imports) for municipality administrators."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts.models import StaffMembership
from rathaus.accounts.permissions import staff_required
from rathaus.municipalities.http import StaffRequest

from . import selectors, services
from .forms import SERVICE_FIELD_GROUPS, CatalogueUploadForm, FeedForm, ServiceForm
from .models import ImportRun, OnlineService, Service
from .templatetags.catalogue import fee_range
from .views import DETAIL_MODULES

ADMIN = StaffMembership.Role.MUNICIPALITY_ADMIN
PAGE_SIZE = 50

_IMPORT_KINDS = {
    "leistung": gettext_lazy("Leistung"),
    "organisationseinheit": gettext_lazy("Organisationseinheit"),
    "onlinedienst": gettext_lazy("Online-Dienst"),
}
_IMPORT_OUTCOMES = {
    "neu": gettext_lazy("neu"),
    "geändert": gettext_lazy("geändert"),
    "unverändert": gettext_lazy("unverändert"),
    "übersprungen": gettext_lazy("übersprungen"),
}


def _service_or_404(request: StaffRequest, slug: str) -> Service:
    try:
        return selectors.staff_service_get(municipality=request.municipality, slug=slug)
    except Service.DoesNotExist as error:
        raise Http404 from error


# Services ------------------------------------------------------------------------------------


@require_GET
@staff_required(ADMIN)
def service_list(request: StaffRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:200]
    found = selectors.staff_service_list(municipality=request.municipality, query=search).annotate(
        online_service_count=Count("online_services")
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(request, "catalogue/staff/service_list.html", {"page": page, "search": search})


def _field_groups(form: ServiceForm, service: Service | None) -> list[dict[str, Any]]:
    """The form's fields under their headings, each with what the last import delivered for it."""
    groups = []
    for heading, names in SERVICE_FIELD_GROUPS:
        rows = []
        for name in names:
            imported = service is not None and service.is_imported and name in service.imported_values
            rows.append(
                {
                    "field": form[name],
                    "imported": imported,
                    "imported_value": service.imported_values.get(name) if imported and service else None,
                    "overridden": imported and service is not None and name in service.local_overrides,
                }
            )
        groups.append({"heading": heading, "rows": rows})
    return groups


def _preview_sections(form: ServiceForm, suffix: str) -> list[tuple[str, str, str]]:
    """Heading, sanitised HTML and fee amount of each section, in the order of the public page."""
    values = form.cleaned_data
    amount = fee_range(form.instance) if not suffix or values.get(f"fees{suffix}") else ""
    sections = []
    if values.get(f"required_documents{suffix}"):
        sections.append((_("Erforderliche Unterlagen"), values[f"required_documents{suffix}"], ""))
    if values.get(f"fees{suffix}") or amount:
        sections.append((_("Kosten"), values.get(f"fees{suffix}", ""), amount))
    for _anchor, heading, field in DETAIL_MODULES:
        if values.get(f"{field}{suffix}"):
            sections.append((str(heading), values[f"{field}{suffix}"], ""))
    return sections


def _preview(form: ServiceForm) -> dict[str, Any]:
    """How the public page will look with the form's (sanitised) values, in German and, if given, English."""
    values = form.cleaned_data
    preview: dict[str, Any] = {
        "name": values["name"],
        "teaser": values["teaser"],
        "short_text": values["short_text"],
        "sections": _preview_sections(form, ""),
        "name_en": values["name_en"],
        "teaser_en": values["teaser_en"],
        "short_text_en": values["short_text_en"],
        "sections_en": _preview_sections(form, "_en"),
    }
    preview["has_english"] = any(preview[key] for key in ("name_en", "teaser_en", "short_text_en", "sections_en"))
    return preview


def _render_service_form(
    request: StaffRequest, form: ServiceForm, service: Service | None, title_name: str = ""
) -> HttpResponse:
    preview = _preview(form) if form.is_bound and form.is_valid() else None
    return render(
        request,
        "catalogue/staff/service_form.html",
        {
            "form": form,
            "service": service,
            "title_name": title_name,
            "groups": _field_groups(form, service),
            "preview": preview,
            "overridden_labels": [
                form.fields[name].label if name in form.fields else name
                for name in (service.local_overrides if service else [])
            ],
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def service_create(request: StaffRequest) -> HttpResponse:
    form = ServiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and request.POST.get("aktion") != "vorschau":
        service = services.service_create(municipality=request.municipality, values=form.cleaned_data)
        messages.success(request, _("Die Leistung „%(name)s“ wurde angelegt.") % {"name": service.name})
        return redirect("catalogue:staff_service_list")
    return _render_service_form(request, form, None)


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def service_edit(request: StaffRequest, slug: str) -> HttpResponse:
    service = _service_or_404(request, slug)
    title_name = service.name
    # Validating a ModelForm writes its values onto the instance; compare against the stored ones.
    stored = {name: getattr(service, name) for name in ServiceForm.Meta.fields}
    form = ServiceForm(request.POST if request.method == "POST" else None, instance=service)
    if request.method == "POST" and form.is_valid() and request.POST.get("aktion") != "vorschau":
        changed = {name: value for name, value in form.cleaned_data.items() if value != stored[name]}
        if changed:
            services.service_update(service=service, values=changed)
        messages.success(request, _("Die Leistung „%(name)s“ wurde gespeichert.") % {"name": service.name})
        return redirect("catalogue:staff_service_list")
    return _render_service_form(request, form, service, title_name)


@staff_required(ADMIN)
@require_POST
def service_reset(request: StaffRequest, slug: str) -> HttpResponse:
    # The staff check comes first so that people without access learn nothing about the method.
    service = _service_or_404(request, slug)
    if not service.is_imported:
        messages.info(request, _("Diese Leistung stammt nicht aus einem Import; es gibt nichts zurückzusetzen."))
    else:
        services.service_reset_to_imported(service=service)
        messages.success(
            request,
            _("Die lokalen Änderungen an „%(name)s“ sind verworfen; es gilt wieder die importierte Beschreibung.")
            % {"name": service.name},
        )
    return redirect("catalogue:staff_service_edit", slug=service.slug)


# Online services -----------------------------------------------------------------------------


@require_GET
@staff_required(ADMIN)
def online_service_list(request: StaffRequest) -> HttpResponse:
    online_services = selectors.online_service_list(municipality=request.municipality)
    return render(request, "catalogue/staff/online_service_list.html", {"online_services": online_services})


@staff_required(ADMIN)
@require_POST
def online_service_toggle(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        online_service = selectors.online_service_get(municipality=request.municipality, pk=pk)
    except OnlineService.DoesNotExist as error:
        raise Http404 from error
    # The button says which state it asks for, so a second click (or a resent form) changes nothing.
    wanted = request.POST.get("angeboten")
    if wanted not in ("ja", "nein"):
        messages.error(request, _("Bitte wählen Sie, ob der Online-Dienst angeboten wird."))
        return redirect("catalogue:staff_online_service_list")
    services.online_service_set_enabled(online_service=online_service, is_enabled=wanted == "ja")
    if wanted == "ja":
        messages.success(request, _("„%(name)s“ ist eingeschaltet.") % {"name": online_service.name})
    else:
        messages.success(
            request,
            _("„%(name)s“ ist ausgeschaltet und erscheint nicht mehr im Portal.") % {"name": online_service.name},
        )
    return redirect("catalogue:staff_online_service_list")


# Imports -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def import_list(request: StaffRequest) -> HttpResponse:
    municipality = request.municipality
    feed = selectors.feed_for(municipality=municipality)
    action = request.POST.get("aktion") if request.method == "POST" else None
    feed_form = FeedForm(request.POST if action == "quelle" else None, instance=feed, prefix="quelle")
    upload_form = CatalogueUploadForm(
        request.POST if action == "importieren" else None,
        request.FILES if action == "importieren" else None,
        prefix="import",
    )
    failed_run = None
    if action == "quelle" and feed_form.is_valid():
        feed = services.feed_configure(
            municipality=municipality,
            url=feed_form.cleaned_data["url"],
            interval_hours=feed_form.cleaned_data["interval_hours"],
            is_enabled=feed_form.cleaned_data["is_enabled"],
        )
        if feed.is_enabled:
            messages.success(request, _("Die Quelle ist gespeichert. Der erste Import ist eingeplant."))
        else:
            messages.success(request, _("Die Quelle ist gespeichert. Regelmäßige Importe sind ausgeschaltet."))
        return redirect("catalogue:staff_import_list")
    if action == "importieren" and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        try:
            run = services.catalogue_import(
                municipality=municipality,
                source=upload.name or "upload.xml",
                trigger=ImportRun.Trigger.STAFF,
                data=upload.read(),
            )
        except services.CatalogueImportError as error:
            failed_run = error.run
            upload_form.add_error(
                "file",
                _("Die Datei konnte nicht importiert werden: %(error)s Der Katalog ist unverändert.")
                % {"error": error},
            )
        else:
            messages.success(
                request,
                _(
                    "Der Katalog ist importiert: %(created)d neu, %(updated)d geändert, "
                    "%(unchanged)d unverändert, %(skipped)d übersprungen."
                )
                % {"created": run.created, "updated": run.updated, "unchanged": run.unchanged, "skipped": run.skipped},
            )
            return redirect("catalogue:staff_import_detail", pk=run.pk)
    posted_form = {"quelle": feed_form, "importieren": upload_form}.get(action or "")
    page = Paginator(selectors.import_run_list(municipality=municipality), PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(
        request,
        "catalogue/staff/import_list.html",
        {
            "page": page,
            "feed": feed,
            "feed_form": feed_form,
            "upload_form": upload_form,
            "failed_run": failed_run,
            # The page title starts with "Fehler:" when the submitted form has errors.
            "form": posted_form,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@staff_required(ADMIN)
def import_detail(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        run = selectors.import_run_get(municipality=request.municipality, pk=pk)
    except ImportRun.DoesNotExist as error:
        raise Http404 from error
    details = [
        {
            **detail,
            "kind_label": _IMPORT_KINDS.get(detail.get("kind", ""), detail.get("kind", "")),
            "outcome_label": _IMPORT_OUTCOMES.get(detail.get("outcome", ""), detail.get("outcome", "")),
        }
        for detail in run.details
    ]
    return render(request, "catalogue/staff/import_detail.html", {"run": run, "details": details})
