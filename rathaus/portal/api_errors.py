"""Errors of the API in the visitor's language, for the one kind Django REST framework writes in English."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """As Django REST framework answers, but an unreadable body is named in German (or English).

    The parsers put the parser's own English message into ``detail`` ("JSON parse error - Expecting
    property name …"), which says nothing to a reader of the German API and shows its internals."""
    if isinstance(exc, ParseError):
        exc = ParseError(_("Der Inhalt der Anfrage ist nicht lesbar: Er passt nicht zu seinem Content-Type."))
    return exception_handler(exc, context)
