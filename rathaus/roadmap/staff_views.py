"""Staff pages: the management figures (Kennzahlen), the roadmap ranking with what-if, projects and the timetable."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts.models import StaffMembership
from rathaus.accounts.permissions import staff_required
from rathaus.catalogue.models import Service
from rathaus.municipalities.http import StaffRequest

from . import charts, selectors, services
from .figures import Figures, figures_for, period_of_months
from .forms import (
    FiguresFilterForm,
    MilestoneForm,
    PhaseForm,
    ProjectForm,
    ServiceVolumeForm,
    SettingsForm,
    WeightsForm,
)
from .models import Milestone, Phase, Project
from .scoring import LABELS
from .tables import csv_response, figure_tables, ranking_table, timetable_ical, timetable_table

LEAD = StaffMembership.Role.OFFICE_LEAD
ADMIN = StaffMembership.Role.MUNICIPALITY_ADMIN


def _figures(request: StaffRequest) -> tuple[FiguresFilterForm, Figures]:
    form = FiguresFilterForm(request.GET or None, municipality=request.municipality)
    period = period_of_months(form.months_value())
    return form, figures_for(municipality=request.municipality, period=period, service=form.service_value())


# Figures -------------------------------------------------------------------------------------------


@staff_required(LEAD)
@require_GET
def figures_dashboard(request: StaffRequest) -> HttpResponse:
    form, figures = _figures(request)
    return render(
        request,
        "roadmap/staff/figures.html",
        {
            "filter_form": form,
            "figures": figures,
            "tables": figure_tables(figures),
            "chart": charts.stacked_bars(figures.months),
            "csv_url_name": "roadmap:figures_csv",
            "query": request.GET.urlencode(),
        },
    )


@staff_required(LEAD)
@require_GET
def figures_csv(request: StaffRequest) -> HttpResponse:
    _form, figures = _figures(request)
    table = next((table for table in figure_tables(figures) if table.key == request.GET.get("table")), None)
    if table is None:
        raise Http404
    return csv_response(table, f"kennzahlen-{table.key}-{timezone.localdate().isoformat()}.csv")


# Ranking and weights -----------------------------------------------------------------------------------


def _weights_from(request: StaffRequest) -> tuple[WeightsForm, bool]:
    """The saved weights, or those in the query string for a what-if (never saved from here)."""
    saved = selectors.settings_for(municipality=request.municipality)
    if any(name in request.GET for name in WeightsForm.Meta.fields):
        form = WeightsForm(request.GET, instance=selectors.settings_for(municipality=request.municipality))
        if form.is_valid():
            return form, True
        return form, False
    return WeightsForm(instance=saved), False


@staff_required(LEAD)
@require_GET
def overview(request: StaffRequest) -> HttpResponse:
    form, preview = _weights_from(request)
    settings = (
        form.instance
        if form.is_bound and form.is_valid()
        else selectors.settings_for(municipality=request.municipality)
    )
    ranked = selectors.ranking(municipality=request.municipality, weights=selectors.weights_of(settings))
    return render(
        request,
        "roadmap/staff/overview.html",
        {
            "form": form,
            "preview": preview,
            "weights": settings,
            "ranked": ranked,
            "labels": LABELS,
            "suggestions": selectors.suggestions(municipality=request.municipality),
            "query": request.GET.urlencode(),
            "done": selectors.projects_for(municipality=request.municipality).filter(status=Project.Status.DONE),
        },
    )


@staff_required(LEAD)
@require_GET
def ranking_csv(request: StaffRequest) -> HttpResponse:
    form, _preview = _weights_from(request)
    settings = (
        form.instance
        if form.is_bound and form.is_valid()
        else selectors.settings_for(municipality=request.municipality)
    )
    ranked = selectors.ranking(municipality=request.municipality, weights=selectors.weights_of(settings))
    return csv_response(ranking_table(ranked), f"roadmap-rangfolge-{timezone.localdate().isoformat()}.csv")


@staff_required(ADMIN)
@require_POST
def weights_save(request: StaffRequest) -> HttpResponse:
    form = WeightsForm(request.POST, instance=selectors.settings_for(municipality=request.municipality))
    if not form.is_valid():
        messages.error(request, _("Die Gewichte müssen ganze Zahlen von 0 bis 10 sein."))
        return redirect("roadmap:overview")
    services.roadmap_settings_save(municipality=request.municipality, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Die Gewichte sind gespeichert."))
    return redirect("roadmap:overview")


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def settings_view(request: StaffRequest) -> HttpResponse:
    current = selectors.settings_for(municipality=request.municipality)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.roadmap_settings_save(municipality=request.municipality, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Die Einstellungen der Roadmap sind gespeichert."))
        return redirect("roadmap:settings")
    return render(request, "roadmap/staff/settings.html", {"form": form})


# Projects -----------------------------------------------------------------------------------------------


def _project_or_404(request: StaffRequest, project_id: int) -> Project:
    project = selectors.project_get(municipality=request.municipality, project_id=project_id)
    if project is None:
        raise Http404
    return project


# The milestone and phase forms share the page with the project form: prefixes keep their field ids apart.
MILESTONE_PREFIX = "meilenstein"
PHASE_PREFIX = "phase"


def _project_page(
    request: StaffRequest,
    form: ProjectForm,
    project: Project | None,
    milestone_form: MilestoneForm | None = None,
    phase_form: PhaseForm | None = None,
) -> HttpResponse:
    figures = selectors.project_figures(municipality=request.municipality, projects=[project])[0] if project else None
    return render(
        request,
        "roadmap/staff/project_form.html",
        {
            "form": form,
            "project": project,
            "milestone_form": milestone_form or MilestoneForm(prefix=MILESTONE_PREFIX),
            "phase_form": phase_form or PhaseForm(prefix=PHASE_PREFIX),
            "phases": list(project.phases.all()) if project else [],
            "project_figures": figures,
        },
    )


def _save_project(request: StaffRequest, form: ProjectForm, project: Project | None) -> HttpResponse | None:
    try:
        saved = services.project_save(
            municipality=request.municipality, actor=request.user, project=project, **form.cleaned_data
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(request, _("Das Projekt „%(title)s“ ist gespeichert.") % {"title": saved.title})
    return redirect("roadmap:project_edit", saved.pk)


@staff_required(LEAD)
@require_http_methods(["GET", "POST"])
def project_create(request: StaffRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        response = _save_project(request, form, None)
        if response is not None:
            return response
    return _project_page(request, form, None)


@staff_required(LEAD)
@require_http_methods(["GET", "POST"])
def project_edit(request: StaffRequest, project_id: int) -> HttpResponse:
    project = _project_or_404(request, project_id)
    form = ProjectForm(request.POST or None, instance=project, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        response = _save_project(request, form, project)
        if response is not None:
            return response
    return _project_page(request, form, project)


@staff_required(LEAD)
@require_POST
def project_delete(request: StaffRequest, project_id: int) -> HttpResponse:
    project = _project_or_404(request, project_id)
    title = project.title
    services.project_delete(municipality=request.municipality, actor=request.user, project=project)
    messages.success(request, _("Das Projekt „%(title)s“ ist gelöscht.") % {"title": title})
    return redirect("roadmap:overview")


@staff_required(LEAD)
@require_POST
def milestone_add(request: StaffRequest, project_id: int) -> HttpResponse:
    project = _project_or_404(request, project_id)
    milestone_form = MilestoneForm(request.POST, prefix=MILESTONE_PREFIX)
    if milestone_form.is_valid():
        services.milestone_add(
            municipality=request.municipality, actor=request.user, project=project, **milestone_form.cleaned_data
        )
        messages.success(request, _("Der Meilenstein ist eingetragen."))
        return redirect("roadmap:project_edit", project.pk)
    form = ProjectForm(instance=project, municipality=request.municipality)
    return _project_page(request, form, project, milestone_form)


@staff_required(LEAD)
@require_POST
def milestone_delete(request: StaffRequest, project_id: int, milestone_id: int) -> HttpResponse:
    project = _project_or_404(request, project_id)
    milestone = Milestone.objects.filter(project=project, pk=milestone_id).select_related("project").first()
    if milestone is None:
        raise Http404
    services.milestone_delete(municipality=request.municipality, actor=request.user, milestone=milestone)
    messages.success(request, _("Der Meilenstein ist gelöscht."))
    return redirect("roadmap:project_edit", project.pk)


@staff_required(LEAD)
@require_POST
def phase_add(request: StaffRequest, project_id: int) -> HttpResponse:
    project = _project_or_404(request, project_id)
    phase_form = PhaseForm(request.POST, prefix=PHASE_PREFIX)
    if phase_form.is_valid():
        try:
            services.phase_add(
                municipality=request.municipality, actor=request.user, project=project, **phase_form.cleaned_data
            )
        except ValidationError as error:
            phase_form.add_error("effort_percent", error)
        else:
            messages.success(request, _("Die Phase ist eingetragen."))
            return redirect("roadmap:project_edit", project.pk)
    form = ProjectForm(instance=project, municipality=request.municipality)
    return _project_page(request, form, project, phase_form=phase_form)


@staff_required(LEAD)
@require_POST
def phase_delete(request: StaffRequest, project_id: int, phase_id: int) -> HttpResponse:
    project = _project_or_404(request, project_id)
    phase = Phase.objects.filter(project=project, pk=phase_id).select_related("project").first()
    if phase is None:
        raise Http404
    services.phase_delete(municipality=request.municipality, actor=request.user, phase=phase)
    messages.success(request, _("Die Phase ist gelöscht."))
    return redirect("roadmap:project_edit", project.pk)


@staff_required(LEAD)
@require_POST
def suggestion_create(request: StaffRequest, service_id: int) -> HttpResponse:
    service = Service.objects.filter(municipality=request.municipality, pk=service_id).first()
    if service is None:
        raise Http404
    project = services.project_create_from_service(
        municipality=request.municipality, actor=request.user, service=service
    )
    messages.success(
        request,
        _("Das Projekt „%(title)s“ ist angelegt. Ergänzen Sie Aufwand, Risiko und Nutzen.") % {"title": project.title},
    )
    return redirect("roadmap:project_edit", project.pk)


# Volumes --------------------------------------------------------------------------------------------------


@staff_required(LEAD)
@require_GET
def volumes(request: StaffRequest) -> HttpResponse:
    affected = list(
        Service.objects.filter(municipality=request.municipality, roadmap_projects__isnull=False)
        .distinct()
        .order_by("name")
    )
    sources = selectors.service_volumes(municipality=request.municipality, services=affected)
    rows = [
        (
            sources[service.pk],
            ServiceVolumeForm(
                initial={"yearly_volume": sources[service.pk].assumed, "source": sources[service.pk].assumption_source},
                prefix=f"leistung-{service.pk}",
            ),
        )
        for service in affected
    ]
    return render(request, "roadmap/staff/volumes.html", {"rows": rows})


@staff_required(LEAD)
@require_POST
def volume_save(request: StaffRequest, service_id: int) -> HttpResponse:
    service = Service.objects.filter(municipality=request.municipality, pk=service_id).first()
    if service is None:
        raise Http404
    form = ServiceVolumeForm(request.POST, prefix=f"leistung-{service.pk}")
    if not form.is_valid():
        messages.error(request, _("Die Fallzahl muss eine ganze Zahl ab 0 sein."))
        return redirect("roadmap:volumes")
    services.service_volume_set(
        municipality=request.municipality,
        actor=request.user,
        service=service,
        yearly_volume=form.cleaned_data["yearly_volume"],
        source=form.cleaned_data["source"],
    )
    messages.success(request, _("Die Fallzahl für „%(service)s“ ist gespeichert.") % {"service": service.name})
    return redirect("roadmap:volumes")


# Timetable ------------------------------------------------------------------------------------------------


def timetable_context(timetable: selectors.Timetable) -> dict[str, Any]:
    return {"timetable": timetable, "gantt": charts.gantt(timetable), "table": timetable_table(timetable)}


@staff_required(LEAD)
@require_GET
def timeline(request: StaffRequest) -> HttpResponse:
    timetable = selectors.timetable(municipality=request.municipality)
    return render(request, "roadmap/staff/timeline.html", timetable_context(timetable))


@staff_required(LEAD)
@require_GET
def timeline_csv(request: StaffRequest) -> HttpResponse:
    timetable = selectors.timetable(municipality=request.municipality)
    return csv_response(timetable_table(timetable), f"roadmap-zeitplan-{timezone.localdate().isoformat()}.csv")


@staff_required(LEAD)
@require_GET
def timeline_ical(request: StaffRequest) -> HttpResponse:
    timetable = selectors.timetable(municipality=request.municipality)
    response = HttpResponse(
        timetable_ical(timetable, host=request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="roadmap-zeitplan.ics"'
    return response
