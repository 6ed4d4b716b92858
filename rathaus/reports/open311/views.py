"""Open311 GeoReport v2 for each municipality, under /open311/v2/ of its host.

Reads are open to anyone and show only what the public map shows; POST requests needs an API key
that the municipality's administrators issued. The format is the file suffix (``.xml`` or
``.json``); errors come back as the specification's ``errors`` list in that format.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from rathaus.municipalities.http import MunicipalityRequest
from rathaus.reports.models import Category, Open311Client, Report
from rathaus.reports.services import ReportRefused

from . import documents, forms, selectors, services
from .formats import Format, render, render_errors, xml_text_allowed
from .forms import Open311Error

OpenView = Callable[..., HttpResponse]


def _rate(name: str, default: str) -> Callable[[str, Any], str]:
    return lambda group, request: getattr(settings, name, default)


def _posted_key(group: str, request: MunicipalityRequest) -> str:
    return Open311Client.hash_api_key(forms.first_value(request.POST, "api_key"))


def _limited(request: MunicipalityRequest) -> bool:
    """Per address for every call, and per API key as well for POST (a client app sends for many phones)."""
    if request.method == "POST":
        return is_ratelimited(
            request,
            group="open311-post-ip",
            key="ip",
            rate=_rate("RATHAUS_OPEN311_POST_RATE_PER_IP", "600/h"),
            increment=True,
        ) or is_ratelimited(
            request,
            group="open311-post-key",
            key=_posted_key,
            rate=_rate("RATHAUS_OPEN311_POST_RATE_PER_KEY", "600/h"),
            increment=True,
        )
    return is_ratelimited(
        request,
        group="open311-read",
        key="ip",
        rate=_rate("RATHAUS_OPEN311_READ_RATE", "120/m"),
        increment=True,
    )


def _has_control_characters(request: MunicipalityRequest, path_values: dict[str, Any]) -> bool:
    """Whether a parameter holds a character that neither XML nor PostgreSQL text can carry (NUL and the like)."""
    given = [value for value in path_values.values() if isinstance(value, str)]
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            given.append(key)
            given.extend(values)
    return not all(xml_text_allowed(value) for value in given)


def _refuse_unreadable_or_limited(request: MunicipalityRequest, path_values: dict[str, Any]) -> None:
    """``Open311Error`` for a body that can't be read, a client over its rate limit, or control characters.

    The body is parsed first, so that a malformed one is refused before it is counted."""
    try:
        request.POST  # noqa: B018 - parses the body
    except (MultiPartParserError, SuspiciousOperation) as error:
        raise Open311Error(
            400, _("Der Inhalt der Anfrage ist nicht lesbar (application/x-www-form-urlencoded erwartet).")
        ) from error
    if _limited(request):
        raise Open311Error(429, _("Zu viele Anfragen in kurzer Zeit. Bitte versuchen Sie es später erneut."))
    if _has_control_characters(request, path_values):
        raise Open311Error(400, _("Die Anfrage enthält Steuerzeichen, die in keinem Parameter erlaubt sind."))


def open311_view(*methods: str) -> Callable[[OpenView], OpenView]:
    """Common frame: format from the suffix, allowed methods, rate limit, and errors as the spec shapes them."""

    def decorator(view: OpenView) -> OpenView:
        @wraps(view)
        def wrapped(request: MunicipalityRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            response_format = Format(fmt)
            if request.method not in methods:
                response = render_errors(
                    response_format,
                    [(405, _("Diese Adresse nimmt nur %(methods)s an.") % {"methods": ", ".join(methods)})],
                    status=405,
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                _refuse_unreadable_or_limited(request, kwargs)
                return view(request, response_format, *args, **kwargs)
            except Open311Error as error:
                return render_errors(response_format, error.errors, status=error.status)

        # API key instead of a session: a CSRF token means nothing to a client app.
        return csrf_exempt(wrapped)

    return decorator


def _category(request: MunicipalityRequest, service_code: str) -> Category:
    try:
        return selectors.service_get(municipality=request.municipality, service_code=service_code)
    except Category.DoesNotExist as error:
        raise Open311Error(
            404, _("Die Kategorie service_code=%(code)s gibt es hier nicht.") % {"code": service_code}
        ) from error


@open311_view("GET")
def discovery(request: MunicipalityRequest, fmt: Format) -> HttpResponse:
    """Service discovery: where the GeoReport v2 endpoint of this municipality is and what it speaks."""
    municipality = request.municipality
    latest = selectors.service_list(municipality=municipality).order_by("-updated_at").first()
    changeset = latest.updated_at if latest else timezone.now()
    contact = _("%(name)s, %(url)s") % {"name": municipality.name, "url": request.build_absolute_uri("/")}
    document = documents.discovery_document(
        contact=contact, base_url=request.build_absolute_uri("/open311/v2/"), changeset=changeset
    )
    return render(fmt, "discovery", document)


@open311_view("GET")
def service_list(request: MunicipalityRequest, fmt: Format) -> HttpResponse:
    """GET services: the report categories of this municipality."""
    categories = selectors.service_list(municipality=request.municipality)
    return render(fmt, "services", [documents.service_document(category) for category in categories])


@open311_view("GET")
def service_definition(request: MunicipalityRequest, fmt: Format, service_code: str) -> HttpResponse:
    """GET services/{service_code}: the extra questions of a category as attributes."""
    category = _category(request, service_code)
    return render(fmt, "service_definition", documents.service_definition_document(category))


def _client(request: MunicipalityRequest) -> Open311Client:
    api_key = forms.first_value(request.POST, "api_key")
    if not api_key:
        raise Open311Error(403, _("api_key fehlt. Einen Schlüssel vergibt die Verwaltung der Kommune."))
    client = selectors.open311_client_for_key(municipality=request.municipality, api_key=api_key)
    if client is None:
        raise Open311Error(403, _("api_key ist ungültig oder gesperrt."))
    return client


def _create(request: MunicipalityRequest, fmt: Format) -> HttpResponse:
    client = _client(request)
    service_code = forms.first_value(request.POST, "service_code")
    if not service_code:
        raise Open311Error(400, _("service_code fehlt."))
    category = _category(request, service_code)
    checked = forms.service_request_input(category=category, data=request.POST)
    services.open311_client_mark_used(client=client)
    try:
        report = services.service_request_create(
            municipality=request.municipality, client=client, data=checked, portal_url=request.build_absolute_uri("/")
        )
    except ReportRefused as error:
        raise Open311Error(400, str(error)) from error
    return render(fmt, "service_requests", documents.created_document(report))


def _absolute(request: MunicipalityRequest) -> Callable[[str], str]:
    return request.build_absolute_uri


def _listed(request: MunicipalityRequest, fmt: Format, reports: list[Report]) -> HttpResponse:
    build = _absolute(request)
    return render(
        fmt, "service_requests", [documents.request_document(report, build_absolute_uri=build) for report in reports]
    )


@open311_view("GET", "POST")
def service_requests(request: MunicipalityRequest, fmt: Format) -> HttpResponse:
    """GET requests (filtered, newest first, at most 1,000) and POST requests (a new report, with api_key)."""
    if request.method == "POST":
        return _create(request, fmt)
    query = forms.request_query(data=request.GET, now=timezone.now())
    if query.ids is not None:
        reports = list(selectors.service_requests_by_id(municipality=request.municipality, ids=list(query.ids)))
        return _listed(request, fmt, reports[: forms.MAX_RESULTS])
    assert query.start is not None and query.end is not None
    reports = selectors.service_requests_filtered(
        municipality=request.municipality,
        service_codes=query.service_codes,
        statuses=forms.status_filter(query.statuses) if query.statuses else None,
        start=query.start,
        end=query.end,
        limit=forms.MAX_RESULTS,
    )
    return _listed(request, fmt, reports)


@open311_view("GET")
def service_request_detail(request: MunicipalityRequest, fmt: Format, service_request_id: str) -> HttpResponse:
    """GET requests/{service_request_id}: one public report."""
    ids = forms.service_request_ids(service_request_id)
    reports = list(selectors.service_requests_by_id(municipality=request.municipality, ids=list(ids)))
    if not reports:
        raise Open311Error(
            404,
            _("Eine Meldung service_request_id=%(id)s gibt es hier nicht.") % {"id": service_request_id},
        )
    return _listed(request, fmt, reports[:1])


@open311_view("GET")
def token_detail(request: MunicipalityRequest, fmt: Format, token: str) -> HttpResponse:
    """GET tokens/{token}: the service_request_id that belongs to a token."""
    try:
        report = selectors.service_request_for_token(municipality=request.municipality, token=token)
    except Report.DoesNotExist as error:
        raise Open311Error(404, _("Diesen token gibt es hier nicht.")) from error
    return render(fmt, "service_requests", documents.token_document(report))


@csrf_exempt
def not_found(request: MunicipalityRequest, rest: str = "") -> HttpResponse:
    """Anything else under /open311/v2/, including an unknown format suffix: 404 in XML, the required format."""
    fmt = Format.JSON if rest.endswith(".json") else Format.XML
    return render_errors(
        fmt,
        [(404, _("Diese Adresse gibt es nicht. Formate: .xml oder .json, z. B. /open311/v2/services.xml."))],
        status=404,
    )
