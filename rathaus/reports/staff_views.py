"""Staff side of the Mängelmelder: the reports of one's offices, status and notes, moderation, merging duplicates,
and (for municipality administrators) categories and routing areas."""

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts.models import StaffMembership
from rathaus.accounts.permissions import staff_required
from rathaus.cases.services import staff_role
from rathaus.municipalities.http import StaffRequest

from . import questions, selectors, services
from .forms import (
    AreaAdminForm,
    CategoryAdminForm,
    MergeForm,
    ModerationForm,
    NoteForm,
    RouteForm,
    StaffFilterForm,
    StatusForm,
)
from .models import Report
from .views import _allow_tiles, map_settings

CLERK = StaffMembership.Role.CLERK
ADMIN = StaffMembership.Role.MUNICIPALITY_ADMIN
PAGE_SIZE = 50


def _report_or_404(request: StaffRequest, report_id: UUID) -> Report:
    report = selectors.report_for_staff(
        municipality=request.municipality, membership=request.staff_membership, report_id=report_id
    )
    if report is None:
        raise Http404
    return report


@staff_required(CLERK)
@require_GET
def report_list(request: StaffRequest) -> HttpResponse:
    municipality = request.municipality
    categories = list(selectors.categories_all(municipality=municipality))
    form = StaffFilterForm(request.GET or None, categories=categories)
    reports = selectors.reports_for_staff(municipality=municipality, membership=request.staff_membership)
    if form.is_valid():
        reports = selectors.staff_search(reports, query=form.cleaned_data["q"])
        status = form.cleaned_data["stand"]
        if status == "offen":
            reports = reports.exclude(status__in=Report.CLOSED_STATUSES).filter(confirmed_at__isnull=False)
        elif status == "unbestaetigt":
            reports = reports.filter(confirmed_at__isnull=True)
        elif status:
            reports = reports.filter(status=status)
        if form.cleaned_data["kategorie"]:
            reports = reports.filter(category_id=form.cleaned_data["kategorie"])
    page = Paginator(reports.order_by("-created_at"), PAGE_SIZE).get_page(request.GET.get("seite"))
    rows = [{"report": report, "due": selectors.report_due_date(report=report)} for report in page]
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "reports/staff/report_list.html",
        {"form": form, "page": page, "rows": rows, "querystring": query.urlencode(), "filtered": bool(request.GET)},
    )


def _detail(request: StaffRequest, report: Report, **forms: object) -> HttpResponse:
    context = {
        "report": report,
        "updates": selectors.report_updates(report=report),
        "due": selectors.report_due_date(report=report),
        "answers": questions.answers_display(report.category, report.answers),
        "subscribers": selectors.report_subscriber_count(report=report),
        "status_form": forms.get("status_form") or StatusForm(initial={"status": report.status}),
        "note_form": forms.get("note_form") or NoteForm(),
        "moderation_form": forms.get("moderation_form")
        or ModerationForm(
            initial={
                "public_description": report.public_description,
                # Offered from the typed address for staff to check; public only once they save it.
                "public_location": report.public_location or report.address,
                "is_public": report.is_public,
            }
        ),
        "merge_form": forms.get("merge_form") or MergeForm(),
        "route_form": forms.get("route_form")
        or RouteForm(municipality=request.municipality, initial={"office": report.office_id}),
        "map": map_settings(),
    }
    status = 400 if any(forms.values()) else 200
    return _allow_tiles(render(request, "reports/staff/report_detail.html", context, status=status))


@staff_required(CLERK)
@require_GET
def report_detail(request: StaffRequest, report_id: UUID) -> HttpResponse:
    return _detail(request, _report_or_404(request, report_id))


@staff_required(CLERK)
@require_POST
def report_status(request: StaffRequest, report_id: UUID) -> HttpResponse:
    report = _report_or_404(request, report_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.report_status_change(
                report=report,
                status=form.cleaned_data["status"],
                actor=request.user,
                role=staff_role(request.staff_membership),
                public_text=form.cleaned_data["public_text"],
                planned_for=form.cleaned_data["planned_for"],
                reason=form.cleaned_data["reason"],
                forwarded_to=form.cleaned_data["forwarded_to"],
            )
        except services.ReportRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Der Stand ist geändert. Wer die Meldung verfolgt, bekommt eine E-Mail."))
            return redirect("reports:staff_report", report.pk)
    return _detail(request, report, status_form=form)


@staff_required(CLERK)
@require_POST
def report_note(request: StaffRequest, report_id: UUID) -> HttpResponse:
    report = _report_or_404(request, report_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.report_note_add(
            report=report, actor=request.user, text=form.cleaned_data["text"], public=form.cleaned_data["public"]
        )
        messages.success(request, _("Der Eintrag ist gespeichert."))
        return redirect("reports:staff_report", report.pk)
    return _detail(request, report, note_form=form)


@staff_required(CLERK)
@require_POST
def report_moderate(request: StaffRequest, report_id: UUID) -> HttpResponse:
    report = _report_or_404(request, report_id)
    form = ModerationForm(request.POST)
    if form.is_valid():
        services.report_moderate(
            report=report,
            actor=request.user,
            public_description=form.cleaned_data["public_description"],
            public_location=form.cleaned_data["public_location"],
            is_public=form.cleaned_data["is_public"],
        )
        messages.success(request, _("Die öffentlichen Angaben sind gespeichert."))
        return redirect("reports:staff_report", report.pk)
    return _detail(request, report, moderation_form=form)


@staff_required(CLERK)
@require_POST
def photo_visibility(request: StaffRequest, report_id: UUID, photo_id: int) -> HttpResponse:
    report = _report_or_404(request, report_id)
    photo = report.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    hidden = request.POST.get("hidden") == "1"
    services.photo_set_hidden(photo=photo, actor=request.user, hidden=hidden)
    messages.success(request, _("Das Foto ist verborgen.") if hidden else _("Das Foto ist wieder öffentlich."))
    return redirect("reports:staff_report", report.pk)


@staff_required(CLERK)
@require_GET
def photo_file(request: StaffRequest, report_id: UUID, photo_id: int) -> FileResponse:
    report = _report_or_404(request, report_id)
    photo = report.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required(CLERK)
@require_POST
def report_merge(request: StaffRequest, report_id: UUID) -> HttpResponse:
    report = _report_or_404(request, report_id)
    form = MergeForm(request.POST)
    if form.is_valid():
        master = selectors.report_for_staff(
            municipality=request.municipality,
            membership=request.staff_membership,
            report_id=form.cleaned_data["master"],
        )
        if master is None:
            form.add_error("master", _("Eine Meldung mit dieser Kennung gibt es in Ihren Stellen nicht."))
        else:
            try:
                services.report_merge(duplicate=report, master=master, actor=request.user)
            except services.ReportRefused as error:
                form.add_error("master", str(error))
            else:
                messages.success(request, _("Die Meldung ist mit der Hauptmeldung zusammengeführt."))
                return redirect("reports:staff_report", master.pk)
    return _detail(request, report, merge_form=form)


@staff_required(CLERK)
@require_POST
def report_route(request: StaffRequest, report_id: UUID) -> HttpResponse:
    report = _report_or_404(request, report_id)
    form = RouteForm(request.POST, municipality=request.municipality)
    if form.is_valid():
        try:
            services.report_route(
                report=report, office=form.cleaned_data["office"], actor=request.user, note=form.cleaned_data["note"]
            )
        except services.ReportRefused as error:
            form.add_error("office", str(error))
        else:
            messages.success(
                request,
                _("Die Meldung und ihr Vorgang liegen jetzt bei: %(office)s.")
                % {"office": form.cleaned_data["office"].name},
            )
            still_mine = selectors.report_for_staff(
                municipality=request.municipality, membership=request.staff_membership, report_id=report.pk
            )
            return redirect("reports:staff_report", report.pk) if still_mine else redirect("reports:staff_list")
    return _detail(request, report, route_form=form)


# Categories and areas (municipality administrators) -----------------------------------------------------


@staff_required(ADMIN)
@require_GET
def category_list(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "reports/staff/category_list.html",
        {"categories": selectors.categories_all(municipality=request.municipality)},
    )


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def category_edit(request: StaffRequest, category_id: int | None = None) -> HttpResponse:
    municipality = request.municipality
    category = None
    if category_id is not None:
        category = selectors.category_get(municipality=municipality, category_id=category_id)
        if category is None:
            raise Http404
    form = CategoryAdminForm(request.POST or None, instance=category, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(
                municipality=municipality, actor=request.user, values=form.values(), category=category
            )
        except services.ReportRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Die Kategorie ist gespeichert."))
            return redirect("reports:staff_category_list")
    return render(request, "reports/staff/category_form.html", {"form": form, "category": category})


@staff_required(ADMIN)
@require_GET
def area_list(request: StaffRequest) -> HttpResponse:
    return render(
        request, "reports/staff/area_list.html", {"areas": selectors.areas_all(municipality=request.municipality)}
    )


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def area_edit(request: StaffRequest, area_id: int | None = None) -> HttpResponse:
    municipality = request.municipality
    area = None
    if area_id is not None:
        area = selectors.area_get(municipality=municipality, area_id=area_id)
        if area is None:
            raise Http404
    form = AreaAdminForm(request.POST or None, municipality=municipality, area=area)
    if request.method == "POST" and form.is_valid():
        try:
            services.area_save(
                municipality=municipality,
                actor=request.user,
                name=form.cleaned_data["name"],
                office=form.cleaned_data["office"],
                polygon=form.cleaned_data["polygon"],
                priority=form.cleaned_data["priority"],
                categories=list(form.cleaned_data["categories"]),
                area=area,
            )
        except services.ReportRefused as error:
            form.add_error("polygon", str(error))
        else:
            messages.success(request, _("Das Gebiet ist gespeichert."))
            return redirect("reports:staff_area_list")
    return _allow_tiles(
        render(request, "reports/staff/area_form.html", {"form": form, "area": area, "map": map_settings()})
    )
