"""Protection of the booking against bots: ALTCHA proof-of-work, a slower no-JavaScript path, rate limits.

A hold is accepted through one of two gates:

- *Proof of work*: the browser (or an API client) solves an ALTCHA challenge (protocol v2, PBKDF2/SHA-256)
  fetched from ``/termine/altcha/``. The challenge is HMAC-signed with a key derived from ``SECRET_KEY`` and
  expires; each solved challenge is accepted once (its signature is remembered in the cache until it expires).
- *Patience* (no JavaScript): the contact form carries a signed issue time; the hold is accepted only
  ``RATHAUS_APPOINTMENT_NOJS_MIN_SECONDS`` after the form was issued, each form token once, and far fewer
  times per address and hour than with proof of work.

Settings (all optional, read here with their defaults):
``RATHAUS_APPOINTMENT_ALTCHA_COST`` (PBKDF2 iterations, 5000), ``RATHAUS_APPOINTMENT_ALTCHA_MAX_AGE`` (seconds, 1200),
``RATHAUS_APPOINTMENT_NOJS_MIN_SECONDS`` (8), ``RATHAUS_APPOINTMENT_HOLD_RATE`` (per IP with proof of work, "30/h"),
``RATHAUS_APPOINTMENT_NOJS_HOLD_RATE`` (per IP without, "5/h"), ``RATHAUS_APPOINTMENT_EMAIL_RATE`` (holds per
e-mail address, "10/h"), ``RATHAUS_APPOINTMENT_CHALLENGE_RATE`` (challenges per IP, "120/h"),
``RATHAUS_APPOINTMENT_AVAILABILITY_RATE`` (month, day and first-free pages and the availability API together,
per IP, "300/h").

Limits per IP count the address ``rathaus.portal.client_address`` gives django-ratelimit's ``key="ip"``:
``REMOTE_ADDR``, or behind the installation's own reverse proxies (``RATHAUS_TRUSTED_PROXIES``) the address the
outermost of them saw.
"""

import secrets
import time
from typing import Any

import altcha
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

ALGORITHM = "PBKDF2/SHA-256"
FORM_TOKEN_SALT = "rathaus.appointments.contact-form"
USED_PREFIX = "appointments:antibot:used:"

MISSING = _("Bitte bestätigen Sie vor dem Reservieren, dass Sie kein Programm sind (Prüfung „Ich bin kein Roboter“).")
INVALID = _(
    "Die Prüfung „Ich bin kein Roboter“ ist ungültig. Bitte laden Sie die Seite neu und versuchen Sie es erneut."
)
EXPIRED = _("Die Prüfung „Ich bin kein Roboter“ ist abgelaufen. Bitte bestätigen Sie erneut.")
REPLAYED = _("Diese Prüfung wurde schon einmal verwendet. Bitte bestätigen Sie erneut.")
TOO_FAST = _(
    "Ohne JavaScript prüfen wir anders: Bitte warten Sie nach dem Öffnen des Formulars einige Sekunden "
    "und senden Sie es dann erneut ab."
)
FORM_INVALID = _("Das Formular ist abgelaufen oder beschädigt. Bitte senden Sie es noch einmal ab.")
TOO_MANY = _(
    "Von Ihrem Anschluss oder für diese E-Mail-Adresse kamen gerade sehr viele Reservierungen. "
    "Bitte versuchen Sie es in einer Stunde erneut."
)
TOO_MANY_LOOKUPS = _(
    "Von Ihrem Anschluss kamen gerade sehr viele Abfragen nach freien Terminen. "
    "Bitte warten Sie einige Minuten und versuchen Sie es dann erneut."
)


class AntiBotRefused(Exception):
    """The request did not pass the bot protection; ``message`` is German and shown to the person."""

    def __init__(self, message: Any, *, status: int = 400) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.status = status


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def min_seconds_without_javascript() -> int:
    return int(_setting("RATHAUS_APPOINTMENT_NOJS_MIN_SECONDS", 8))


def _hmac_secret() -> str:
    # Derived, so a leaked challenge never reveals SECRET_KEY and rotating SECRET_KEY rotates this too.
    return salted_hmac("rathaus.appointments.altcha", "challenge", algorithm="sha256").hexdigest()


def _max_age() -> int:
    return int(_setting("RATHAUS_APPOINTMENT_ALTCHA_MAX_AGE", 1200))


# --- Proof of work -------------------------------------------------------------------------------


def altcha_challenge() -> dict[str, Any]:
    """A fresh signed challenge in the JSON form the ALTCHA widget (v3, protocol v2) expects."""
    challenge = altcha.create_challenge(
        ALGORITHM,
        int(_setting("RATHAUS_APPOINTMENT_ALTCHA_COST", 5000)),
        expires_at=int(time.time()) + _max_age(),
        hmac_secret=_hmac_secret(),
    )
    return challenge.to_dict()  # type: ignore[no-any-return]


def altcha_verify(payload: str) -> None:
    """Accept a solved challenge once; raise AntiBotRefused for a missing, forged, expired or reused one."""
    if not payload:
        raise AntiBotRefused(MISSING)
    if len(payload) > 4000:
        raise AntiBotRefused(INVALID)
    try:
        result = altcha.verify_solution(payload, _hmac_secret())
    except (ValueError, TypeError, KeyError, AttributeError):
        raise AntiBotRefused(INVALID) from None
    if result.expired:
        raise AntiBotRefused(EXPIRED)
    if not result.verified:
        raise AntiBotRefused(INVALID)
    parsed = altcha.Payload.from_base64(payload)
    signature = parsed.challenge.signature or ""
    # cache.add is atomic: of two requests with the same solution, only one gets True.
    if not cache.add(USED_PREFIX + signature, 1, timeout=_max_age() + 60):
        raise AntiBotRefused(REPLAYED)


def altcha_solve_for_tests(challenge: dict[str, Any]) -> str:
    """Solve a challenge in Python, as a bot with CPU to spare would; for tests and API clients' examples."""
    parsed = altcha.Challenge.from_dict(challenge)
    solution = altcha.solve_challenge(parsed)
    if solution is None:  # pragma: no cover - only on a timeout of 90 s
        raise RuntimeError("ALTCHA challenge not solved")
    return altcha.Payload(parsed, solution).to_base64()  # type: ignore[no-any-return]


# --- Without JavaScript ------------------------------------------------------------------------


def form_token() -> str:
    """A signed token with the time the contact form was issued; goes into a hidden field."""
    return signing.dumps({"issued": time.time(), "nonce": secrets.token_hex(8)}, salt=FORM_TOKEN_SALT)


def form_token_verify(token: str, *, now: float | None = None) -> None:
    """Accept a form token once, and only after the waiting time has passed."""
    now = time.time() if now is None else now
    try:
        data = signing.loads(token, salt=FORM_TOKEN_SALT, max_age=6 * 3600)
        issued = float(data["issued"])
        nonce = str(data["nonce"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise AntiBotRefused(FORM_INVALID) from None
    if now - issued < min_seconds_without_javascript():
        raise AntiBotRefused(TOO_FAST)
    if not cache.add(USED_PREFIX + "form:" + nonce, 1, timeout=6 * 3600):
        raise AntiBotRefused(FORM_INVALID)


# --- Rate limits -------------------------------------------------------------------------------


def _limited(request: HttpRequest, *, group: str, key: Any, rate: str) -> bool:
    return bool(is_ratelimited(request, group=group, key=key, rate=rate, increment=True))


def hold_rate_limit(request: HttpRequest, *, email: str, proof_of_work: bool) -> None:
    """Count one hold attempt against the address and the e-mail; refuse (429) over the limit."""
    if proof_of_work:
        group, rate = "appointments.hold", str(_setting("RATHAUS_APPOINTMENT_HOLD_RATE", "30/h"))
    else:
        group, rate = "appointments.hold-nojs", str(_setting("RATHAUS_APPOINTMENT_NOJS_HOLD_RATE", "5/h"))
    by_ip = _limited(request, group=group, key="ip", rate=rate)
    normalised = email.strip().lower()
    by_email = _limited(
        request,
        group="appointments.hold-email",
        key=lambda group, request: normalised,
        rate=str(_setting("RATHAUS_APPOINTMENT_EMAIL_RATE", "10/h")),
    )
    if by_ip or by_email:
        raise AntiBotRefused(TOO_MANY, status=429)


def challenge_rate_limited(request: HttpRequest) -> bool:
    return _limited(
        request,
        group="appointments.altcha",
        key="ip",
        rate=str(_setting("RATHAUS_APPOINTMENT_CHALLENGE_RATE", "120/h")),
    )


def availability_rate_limited(request: HttpRequest) -> bool:
    """Count one look at free times; True over the limit.

    Free times are computed on demand, so a script polling them in a loop costs the server and serves resellers
    who watch for freed times; people choosing a day stay far below the limit.
    """
    return _limited(
        request,
        group="appointments.availability",
        key="ip",
        rate=str(_setting("RATHAUS_APPOINTMENT_AVAILABILITY_RATE", "300/h")),
    )
