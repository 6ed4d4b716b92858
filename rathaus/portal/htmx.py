"""Requests that htmx sends for a whole page: the answer is that page, and a redirect becomes a page load.

A form step enhanced with htmx (``hx-post`` on its button, ``hx-target="body"``) posts in the background and
gets the next page as the answer, with its address for the browser's history (``HX-Push-Url``): one request per
step instead of the post and the redirect's GET. Without JavaScript the same view answers with the redirect.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

REDIRECTS = frozenset({301, 302, 303, 307, 308})


def from_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (a browser with JavaScript), not a plain form post or link."""
    return request.headers.get("HX-Request") == "true"


def pushed(response: HttpResponse, url: str) -> HttpResponse:
    """The next page, shown in answer to an htmx post, gets its own address in the browser's history.

    A page shown again with errors is answered without it and keeps the address of the page posted."""
    if response.status_code == 200:
        response["HX-Push-Url"] = url
    return response


def htmx_navigation(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For htmx, a redirect becomes ``HX-Redirect`` (htmx then loads that address as a whole page; the XHR
    would follow a redirect silently and leave the old address in the address bar). Cookies set on the
    redirect stay. Every answer varies on ``HX-Request``."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if from_htmx(request) and response.status_code in REDIRECTS:
            location = response["Location"]
            answer = HttpResponse(status=200)
            for header, value in response.items():
                if header.lower() not in ("location", "content-type", "content-length"):
                    answer[header] = value
            answer.cookies = response.cookies
            answer["HX-Redirect"] = location
            response = answer
        patch_vary_headers(response, ("HX-Request",))
        return response

    return wrapped
