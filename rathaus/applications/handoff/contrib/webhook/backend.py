"""POST the submission data to the administration's system, signed so the receiver can trust it."""

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.applications.selectors import submission_data

from ...base import HandoffBackend, HandoffError
from ...registry import register

if TYPE_CHECKING:
    from rathaus.applications.models import ApplicationForm, Handoff, Submission

TIMEOUT_SECONDS = 10


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """The value of X-Rathaus-Signature: HMAC-SHA256 over "<timestamp>.<body>"."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    # urllib would follow a redirect with a GET and drop the body; a moved receiver is a
    # configuration error for staff to fix, not something to guess around.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_RefuseRedirects)


def webhook_address_problem(url: str) -> str | None:
    """Why the worker must not post to this address, if it must not.

    A webhook is configured by a municipality's administrator but called from inside the hosting
    network; without this check it could reach the database, a metadata service or the intranet.
    Development and tests allow local receivers (``RATHAUS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES``).
    """
    parts = urlsplit(url)
    allow_private = settings.RATHAUS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        return _("Die Webhook-Adresse muss mit https:// beginnen.")
    if not parts.hostname:
        return _("Die Webhook-Adresse enthält keinen Servernamen.")
    if allow_private:
        return None
    try:
        resolved = {str(info[4][0]) for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError:
        return _("Der Server der Webhook-Adresse ist nicht bekannt.")
    for address in resolved:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            return _("Die Webhook-Adresse zeigt auf ein internes Netz (%(address)s).") % {"address": address}
    return None


@register
class WebhookHandoffBackend(HandoffBackend):
    key = "webhook"
    verbose_name = gettext_lazy("Webhook (HTTP POST an ein Fachverfahren)")

    def check_configuration(self, form: "ApplicationForm") -> list[str]:
        problems = []
        if not form.webhook_url:
            problems.append(_("Es ist keine Webhook-Adresse hinterlegt."))
        elif problem := webhook_address_problem(form.webhook_url):
            problems.append(problem)
        if not form.webhook_secret:
            problems.append(_("Es ist kein Webhook-Schlüssel zum Signieren hinterlegt."))
        return problems

    def deliver(self, submission: "Submission", handoff: "Handoff") -> None:
        form = submission.version.form
        if problem := webhook_address_problem(form.webhook_url):
            raise HandoffError(problem)
        body = json.dumps(submission_data(submission=submission), ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(  # noqa: S310 - scheme and address are checked above
            form.webhook_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "Rathaus-Uebergabe/1",
                "X-Rathaus-Delivery": str(handoff.id),
                "X-Rathaus-Timestamp": timestamp,
                "X-Rathaus-Signature": webhook_signature(secret=form.webhook_secret, timestamp=timestamp, body=body),
            },
        )
        try:
            response: IO[bytes] = _opener.open(request, timeout=TIMEOUT_SECONDS)
        except urllib.error.HTTPError as error:
            error.close()
            raise HandoffError(_("Antwort HTTP %(status)s") % {"status": error.code}) from error
        except urllib.error.URLError as error:
            raise HandoffError(_("Keine Verbindung: %(reason)s") % {"reason": error.reason}) from error
        except TimeoutError as error:
            raise HandoffError(_("Keine Antwort nach %(seconds)s Sekunden") % {"seconds": TIMEOUT_SECONDS}) from error
        except OSError as error:
            raise HandoffError(_("Verbindungsfehler: %(error)s") % {"error": error}) from error
        with response:
            status = getattr(response, "status", 0)
            if not 200 <= status < 300:
                raise HandoffError(_("Antwort HTTP %(status)s") % {"status": status})
