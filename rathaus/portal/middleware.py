from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_POLICY = "camera=(), microphone=(), geolocation=(self), payment=(), usb=(), interest-cohort=()"


class PermissionsPolicyMiddleware:
    """Switch off browser features the portal never uses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", _POLICY)
        return response
