"""The address a request came from, as the per-address rate limits count it.

Without a reverse proxy that is ``REMOTE_ADDR``. Behind one, ``REMOTE_ADDR`` is the proxy's own address, and every
citizen would share one limit. ``RATHAUS_TRUSTED_PROXIES`` says how many proxies in front of the application are
the installation's own; each of them appends the address it received the request from to ``X-Forwarded-For``.
The entry that many places from the right is the address the outermost own proxy saw: everything to its left
was sent by the client and can be forged, so it is never used. When the header has fewer entries than that, or
the entry is no address, the proxy is not set up as described and ``REMOTE_ADDR`` counts (one limit for all,
never one that a client can choose).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.RATHAUS_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [entry.strip() for entry in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
