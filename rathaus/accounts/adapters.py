"""Tie allauth to the product: e-mails carry the municipality's name as sender and in the text."""

from types import SimpleNamespace
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from rathaus.municipalities.selectors import municipality_sender
from rathaus.portal.client_address import client_address


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # Login, sign-up and password-reset limits count the same address as every other per-address limit.
        return client_address(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = context.get("request") or getattr(self, "request", None)
        municipality = getattr(request, "municipality", None)
        context.setdefault("municipality", municipality)
        if municipality is not None and request is not None:
            # allauth's texts name the "site": that is the municipality's portal, not a host name.
            context["current_site"] = SimpleNamespace(name=municipality.name, domain=request.get_host())
        super().send_mail(template_prefix, email, context)

    def get_from_email(self) -> str:
        request: HttpRequest | None = getattr(self, "request", None)
        municipality = getattr(request, "municipality", None)
        if municipality is not None:
            return municipality_sender(municipality=municipality)
        return super().get_from_email()
