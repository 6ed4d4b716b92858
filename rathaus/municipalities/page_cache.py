"""A short-lived, per-process cache of public pages as anonymous visitors see them.

Public pages (start page, offices, imprint) are the same for every anonymous visitor of one
municipality in one language, and they are most of the traffic. Keeping the rendered page for
a minute in each web process saves the queries and the template rendering; middleware (security
headers, language) still runs for every request. Changes made through the services clear this
process's copy at once; other processes catch up within ``RATHAUS_PAGE_CACHE_SECONDS``.
"""

import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

_MAX_ENTRIES = 1024
_pages: "OrderedDict[tuple[int, str, str], tuple[float, bytes, str]]" = OrderedDict()


def _is_anonymous_first_visit(request: HttpRequest) -> bool:
    # Without a session cookie there is no login and no pending message; checking the cookie
    # avoids loading a session just to find that out.
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def anonymous_page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view`` from the page cache for anonymous visitors; store fresh 200 responses."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        timeout = settings.RATHAUS_PAGE_CACHE_SECONDS
        municipality = getattr(request, "municipality", None)
        if not timeout or municipality is None or not _is_anonymous_first_visit(request):
            return view(request, *args, **kwargs)
        key = (municipality.pk, translation.get_language(), request.get_full_path())
        now = time.monotonic()
        cached = _pages.get(key)
        if cached is not None and cached[0] > now:
            return HttpResponse(cached[1], content_type=cached[2])
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            _pages[key] = (now + timeout, response.content, response["Content-Type"])
            _pages.move_to_end(key)
            while len(_pages) > _MAX_ENTRIES:
                _pages.popitem(last=False)
        return response

    return wrapped


def forget_cached_pages() -> None:
    _pages.clear()
