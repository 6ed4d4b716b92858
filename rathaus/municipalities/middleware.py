"""Resolve the municipality once per request from the host name."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from .selectors import municipality_for_host

# Probes from load balancers use bare IPs or internal names; they need no municipality.
_PATHS_WITHOUT_MUNICIPALITY = ("/healthz", "/readyz", "/static/")


class MunicipalityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(_PATHS_WITHOUT_MUNICIPALITY):
            request.municipality = None  # type: ignore[attr-defined]
            return self.get_response(request)
        municipality = municipality_for_host(host=request.get_host())
        if municipality is None:
            body = render_to_string("municipalities/unknown_host.html", {"host": request.get_host()})
            return HttpResponse(body, status=404)
        request.municipality = municipality  # type: ignore[attr-defined]
        return self.get_response(request)
