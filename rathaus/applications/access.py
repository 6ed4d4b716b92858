"""Which drafts and submissions without an account this browser may open.

A citizen without an account owns what was started, resumed or sent in this browser. The ids travel in one
signed, HTTP-only cookie rather than in the database session: a whole journey without an account then reads and
writes no session row, which every page of every application would otherwise pay for. The cookie lives as long
as a session (``SESSION_COOKIE_AGE``); after that, the e-mailed resume link opens the draft again. Ids are only
half of the check: every read still filters by the municipality, and drafts or submissions with an account
belong to that account alone.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.core import signing
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "rathaus_antraege"
SALT = "rathaus.applications.access"
DRAFTS = "entwuerfe"
SUBMISSIONS = "eingereicht"
KEEP = 20  # the newest few of each kind are enough to come back to

_CACHE_ATTRIBUTE = "_rathaus_application_access"
_FORGET_ATTRIBUTE = "_rathaus_application_access_forget"


def _held(request: HttpRequest) -> dict[str, list[str]]:
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    held: dict[str, list[str]] = {DRAFTS: [], SUBMISSIONS: []}
    raw = request.COOKIES.get(COOKIE_NAME)
    if raw:
        try:
            value: Any = signing.loads(raw, salt=SALT, max_age=settings.SESSION_COOKIE_AGE)
        except signing.BadSignature:  # also expired: a forged or stale cookie grants nothing
            value = {}
        if isinstance(value, dict):
            for kind in held:
                ids = value.get(kind)
                if isinstance(ids, list):
                    held[kind] = [str(object_id) for object_id in ids][-KEEP:]
    setattr(request, _CACHE_ATTRIBUTE, held)
    return held


def holds(request: HttpRequest, kind: str, object_id: Any) -> bool:
    """Whether this browser started (or resumed, or sent) the draft or submission ``object_id``."""
    return str(object_id) in _held(request)[kind]


def signed_value(held: dict[str, list[str]]) -> str:
    return signing.dumps(held, salt=SALT, compress=True)


def remember(request: HttpRequest, response: HttpResponse, kind: str, object_id: Any) -> HttpResponse:
    """Let this browser open ``object_id`` from now on; returns ``response`` carrying the renewed cookie."""
    held = {key: list(ids) for key, ids in _held(request).items()}
    if str(object_id) not in held[kind]:
        held[kind] = [*held[kind], str(object_id)][-KEEP:]
    setattr(request, _CACHE_ATTRIBUTE, held)
    response.set_cookie(
        COOKIE_NAME,
        signed_value(held),
        max_age=settings.SESSION_COOKIE_AGE,
        domain=settings.SESSION_COOKIE_DOMAIN,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@receiver(user_logged_out, dispatch_uid="rathaus-applications-forget-on-logout")
def _forget_on_logout(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None:
        setattr(request, _FORGET_ATTRIBUTE, True)
        setattr(request, _CACHE_ATTRIBUTE, {DRAFTS: [], SUBMISSIONS: []})


class ForgetOnLogoutMiddleware:
    """Logging out (or deleting one's account) ends this browser's access, as flushing the session used to.

    This matters at the counter: a clerk's browser holds the submissions made there on citizens' behalf.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _FORGET_ATTRIBUTE, False) and COOKIE_NAME in request.COOKIES:
            response.delete_cookie(COOKIE_NAME, domain=settings.SESSION_COOKIE_DOMAIN, samesite="Lax")
        return response
