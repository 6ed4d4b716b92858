from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

_POLICY = "camera=(), microphone=(), geolocation=(self), payment=(), usb=(), interest-cohort=()"


class RefuseNulMiddleware:
    """Refuse an address whose path or query holds a NUL character, before any view reads it.

    PostgreSQL cannot store or compare text with NUL, so a ``?q=%00`` that a view passed on to a query
    was a server error there (and harmless on SQLite). Django's forms refuse NUL in their fields;
    the query string and path are read raw in many places, so they are checked once, here, on the
    raw query string: no parsing, nothing for a clean request to pay. The API answers in JSON;
    Open311 refuses such input itself, in its own error format."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if ("%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path) and not request.path.startswith(
            "/open311/"
        ):
            message = translation.gettext("Die Adresse enthält ein Nullzeichen, das hier nicht erlaubt ist.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            raise BadRequest(message)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Switch off browser features the portal never uses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", _POLICY)
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """German unless the visitor chose another language with the switch in the header.

    The browser's Accept-Language is ignored on purpose: a town hall portal speaks German first,
    and shared or borrowed devices often carry someone else's language setting.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
