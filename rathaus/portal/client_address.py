"""The address a request came from, as the per-address limits count it (django-ratelimit's and allauth's).

Without a reverse proxy that is ``REMOTE_ADDR``. Behind one, ``REMOTE_ADDR`` is the proxy's own address, and every
citizen would share one limit. ``RATHAUS_TRUSTED_PROXIES`` says how many proxies in front of the application are
the installation's own; each of them appends the address it received the request from to ``X-Forwarded-For`` (or
the outermost one writes the header afresh). The entry that many places from the right is the address the
outermost own proxy saw: everything to its left was sent by the client and can be forged, so it is never used.
When the header has fewer entries than that, or the entry is no address, the proxies are not set up as described
and ``REMOTE_ADDR`` counts (one limit for all, never one that a client can choose).

An IPv4 address in IPv6 form (``::ffff:203.0.113.7``, from a server listening on both) is given as IPv4: the
IPv6 prefix mask the limits apply would otherwise put every IPv4 visitor under one key. A port some load balancers
write after the address (``203.0.113.7:4711``, ``[2001:db8::1]:4711``) is left off.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


def _address(raw: str) -> str | None:
    text = raw.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def client_address(request: HttpRequest) -> str:
    proxies = settings.RATHAUS_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [entry for entry in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if entry.strip()]
        seen = _address(forwarded[-proxies]) if len(forwarded) >= proxies else None
        if seen is not None:
            return seen
    remote = _address(str(request.META.get("REMOTE_ADDR", "")))
    if remote is None:
        raise ImproperlyConfigured(
            "REMOTE_ADDR holds no IP address (an application server on a Unix socket?), so the per-address limits "
            "cannot count visitors. Serve over TCP, or set RATHAUS_TRUSTED_PROXIES to the number of the "
            "installation's own proxies, which write X-Forwarded-For."
        )
    return remote
