"""Public pages of the service catalogue: search, A–Z, life situations, service descriptions."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from rathaus.applications.selectors import published_version_for_service
from rathaus.municipalities.http import MunicipalityRequest
from rathaus.municipalities.page_cache import anonymous_page_cache
from rathaus.municipalities.selectors import unit_opening_days

from . import selectors
from .forms import ServiceSearchForm
from .models import Service, Topic

# The description modules in reading order: anchor, heading, field. Documents and fees have
# their own sections on the page.
DETAIL_MODULES = [
    ("beschreibung", _("Beschreibung"), "full_text"),
    ("voraussetzungen", _("Voraussetzungen"), "prerequisites"),
    ("ablauf", _("So läuft es ab"), "procedure"),
    ("fristen", _("Fristen"), "deadlines"),
    ("bearbeitungsdauer", _("Bearbeitungsdauer"), "processing_time"),
    ("formulare", _("Formulare"), "forms"),
    ("hinweise", _("Hinweise"), "hints"),
    ("rechtsgrundlagen", _("Rechtsgrundlagen"), "legal_basis"),
    ("rechtsbehelf", _("Rechtsbehelf"), "legal_remedy"),
    ("weitere-informationen", _("Weiterführende Informationen"), "further_information"),
]


@require_GET
@anonymous_page_cache
def service_index(request: MunicipalityRequest) -> HttpResponse:
    language = translation.get_language() or "de"
    context = {
        "form": ServiceSearchForm(),
        "life_situations": selectors.topic_list(municipality=request.municipality, kind=Topic.Kind.LIFE_SITUATION),
        "initials": selectors.services_by_initial(municipality=request.municipality, language=language),
    }
    return render(request, "catalogue/service_index.html", context)


@require_GET
def service_search(request: MunicipalityRequest) -> HttpResponse:
    form = ServiceSearchForm(request.GET)
    if not form.is_valid():
        return render(request, "catalogue/service_search.html", {"form": form, "query": ""}, status=400)
    query = form.cleaned_data["q"]
    search = selectors.service_search(
        municipality=request.municipality, query=query, language=translation.get_language() or "de"
    )
    context = {
        "form": form,
        "query": query,
        "services": search.services,
        "spelling_corrected": search.spelling_corrected,
    }
    return render(request, "catalogue/service_search.html", context)


@require_GET
@anonymous_page_cache
def service_detail(request: MunicipalityRequest, slug: str) -> HttpResponse:
    try:
        service = selectors.service_get(municipality=request.municipality, slug=slug)
    except Service.DoesNotExist as error:
        raise Http404 from error
    now = timezone.localtime()
    offices = [
        {"unit": unit, "days": unit_opening_days(unit=unit, today=now)} for unit in service.responsible_units.all()
    ]
    topics = [topic for topic in service.topics.all() if topic.kind == Topic.Kind.LIFE_SITUATION]
    modules = [(anchor, heading, field) for anchor, heading, field in DETAIL_MODULES if getattr(service, field)]
    context = {
        "service": service,
        "offices": offices,
        "topics": topics,
        "modules": modules,
        "application": published_version_for_service(municipality=request.municipality, service=service),
    }
    return render(request, "catalogue/service_detail.html", context)


@require_GET
@anonymous_page_cache
def life_situation_list(request: MunicipalityRequest) -> HttpResponse:
    topics = selectors.topic_list(municipality=request.municipality, kind=Topic.Kind.LIFE_SITUATION)
    return render(request, "catalogue/life_situation_list.html", {"topics": topics})


@require_GET
@anonymous_page_cache
def life_situation_detail(request: MunicipalityRequest, slug: str) -> HttpResponse:
    try:
        topic = selectors.topic_get(municipality=request.municipality, kind=Topic.Kind.LIFE_SITUATION, slug=slug)
    except Topic.DoesNotExist as error:
        raise Http404 from error
    services = selectors.services_for_topic(municipality=request.municipality, topic=topic)
    return render(request, "catalogue/life_situation_detail.html", {"topic": topic, "services": services})
