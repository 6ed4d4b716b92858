"""Public pages of the portal frame and the operational probes."""

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from rathaus.catalogue import selectors as catalogue_selectors
from rathaus.municipalities import selectors as municipality_selectors
from rathaus.municipalities.http import MunicipalityRequest
from rathaus.municipalities.page_cache import anonymous_page_cache

from . import services
from .forms import AccessibilityFeedbackForm, SiteSearchForm


@require_GET
@anonymous_page_cache
def home(request: MunicipalityRequest) -> HttpResponse:
    citizen_offices = municipality_selectors.citizens_offices_today(
        municipality=request.municipality,
        weekday=timezone.localdate().weekday(),
    )
    return render(request, "portal/home.html", {"citizen_offices": citizen_offices})


@require_GET
@anonymous_page_cache
def imprint(request: MunicipalityRequest) -> HttpResponse:
    return render(request, "portal/imprint.html")


@require_GET
@anonymous_page_cache
def privacy(request: MunicipalityRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="5/10m", method="POST", block=False)
def accessibility(request: MunicipalityRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        form = AccessibilityFeedbackForm(request.POST)
        form.is_valid()
        form.add_error(
            None,
            _("Von Ihrem Anschluss kamen gerade viele Rückmeldungen. Bitte versuchen Sie es in zehn Minuten erneut."),
        )
        return render(request, "portal/accessibility.html", {"form": form}, status=429)
    form = AccessibilityFeedbackForm(
        request.POST if request.method == "POST" else None, initial={"page_url": request.GET.get("seite", "")}
    )
    if request.method == "POST" and form.is_valid():
        services.accessibility_feedback_submit(
            municipality=request.municipality,
            user=request.user if request.user.is_authenticated else None,
            **form.cleaned_data,
        )
        messages.success(request, _("Vielen Dank. Ihre Rückmeldung ist bei uns eingegangen."))
        return redirect("portal:accessibility_thanks")
    return render(request, "portal/accessibility.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def accessibility_thanks(request: MunicipalityRequest) -> HttpResponse:
    return render(request, "portal/accessibility_thanks.html")


@require_GET
def search(request: MunicipalityRequest) -> HttpResponse:
    form = SiteSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    units = municipality_selectors.unit_search(municipality=request.municipality, query=query) if query else []
    search = (
        catalogue_selectors.service_search(
            municipality=request.municipality, query=query, language=translation.get_language() or "de", limit=20
        )
        if query
        else None
    )
    context = {"form": form, "query": query, "units": units, "services": search.services if search else []}
    return render(request, "portal/search.html", context)


@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request: MunicipalityRequest) -> HttpResponse:
    municipality = request.municipality
    css = f":root {{ --rathaus-accent: {municipality.accent_colour}; }}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")


@require_GET
def switch_language(request: HttpRequest, language: str) -> HttpResponse:
    """Remember the chosen language and return to the page the visitor came from.

    A plain link rather than a form: public pages then carry no per-visitor token and can be
    cached, and a changed language preference is harmless even if someone else triggers it.
    """
    if language not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("weiter", "/")
    # Only a path of this site: redirect() would read anything else without a slash as the name of a URL.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive and answers."""
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """The database and the task queue are reachable."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {error.__class__.__name__}"
    try:
        from django_tasks import default_task_backend

        checks["tasks"] = _task_queue_state(default_task_backend)
    except Exception as error:  # noqa: BLE001
        checks["tasks"] = f"error: {error.__class__.__name__}"
    ready = all(value.startswith("ok") for value in checks.values())
    return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)


def _task_queue_state(backend: object) -> str:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if isinstance(backend, DatabaseBackend):
        waiting = DBTaskResult.objects.ready().count()
        return f"ok ({waiting} waiting)"
    return f"ok ({backend.__class__.__name__})"
