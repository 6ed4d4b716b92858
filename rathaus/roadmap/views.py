"""Public pages: "Rathaus in Zahlen" (figures without personal data) and the roadmap, if switched on."""

import dataclasses
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from rathaus.municipalities.http import MunicipalityRequest

from . import charts, selectors
from .figures import figures_for, period_of_months
from .forms import FiguresFilterForm
from .models import Project
from .staff_views import timetable_context
from .tables import SMALL_COUNT, csv_response, figure_tables, public_suppression

# Anyone may open the public figures; computing them takes a hundred queries (availability of every
# bookable service), so each combination is computed at most every five minutes.
PUBLIC_CACHE_SECONDS = 300


def _public_figures(request: MunicipalityRequest, form: FiguresFilterForm) -> dict[str, Any]:
    months, service = form.months_value(), form.service_value()
    key = (
        f"roadmap:public-figures:{request.municipality.pk}:{months}:{service.pk if service else '-'}:"
        f"{translation.get_language()}"
    )
    context: dict[str, Any] | None = cache.get(key)
    if context is None:
        figures = figures_for(municipality=request.municipality, period=period_of_months(months), service=service)
        context = {
            "figures": figures,
            "tables": figure_tables(figures, public=True),
            "chart": charts.stacked_bars(
                figures.months, hidden_below=SMALL_COUNT, hidden=public_suppression(figures).month_cells
            ),
        }
        cache.set(key, context, PUBLIC_CACHE_SECONDS)
    return context


@require_GET
def public_figures(request: MunicipalityRequest) -> HttpResponse:
    form = FiguresFilterForm(request.GET or None, municipality=request.municipality)
    return render(
        request,
        "roadmap/public/figures.html",
        {
            **_public_figures(request, form),
            "filter_form": form,
            "csv_url_name": "roadmap:public_figures_csv",
            "query": request.GET.urlencode(),
            "public": True,
            "public_roadmap": selectors.settings_for(municipality=request.municipality).public_roadmap,
        },
    )


@require_GET
def public_figures_csv(request: MunicipalityRequest) -> HttpResponse:
    form = FiguresFilterForm(request.GET or None, municipality=request.municipality)
    tables = _public_figures(request, form)["tables"]
    table = next((table for table in tables if table.key == request.GET.get("table")), None)
    if table is None:
        raise Http404
    return csv_response(table, f"rathaus-in-zahlen-{table.key}-{timezone.localdate().isoformat()}.csv")


@require_GET
def public_roadmap(request: MunicipalityRequest) -> HttpResponse:
    settings = selectors.settings_for(municipality=request.municipality)
    if not settings.public_roadmap:
        raise Http404
    timetable = selectors.timetable(municipality=request.municipality, settings=settings)
    # Ideas are internal until someone decides on them; the plan around them stays as it is.
    public = dataclasses.replace(
        timetable,
        planned=[planned for planned in timetable.planned if planned.project.status != Project.Status.IDEA],
        unscheduled=[],
    )
    return render(request, "roadmap/public/roadmap.html", timetable_context(public))
