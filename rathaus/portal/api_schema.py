"""Shapes of API answers that no serializer describes, for the OpenAPI schema (drf-spectacular)."""

from typing import Any

# A 400 as the API gives it: a refusal names its reason in "detail"; input that does not validate names
# each parameter or field with its messages (a list of texts, or of objects for the entries of a list).
INPUT_ERROR: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "Grund der Ablehnung."}},
    "additionalProperties": {
        "description": "Meldungen zu diesem Parameter oder Feld: eine Liste von Texten (bei einer Liste von"
        " Einträgen je Eintrag ein Objekt), bei einem verschachtelten Feld ein Objekt in derselben Form.",
        "oneOf": [{"type": "array", "items": {}}, {"type": "object"}],
    },
    "example": {"q": ["Bitte geben Sie einen Suchbegriff ein."]},
}

# The entry point: every link of version 1 by name.
LINKS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"type": "string", "format": "uri"},
    "example": {"services": "https://esslingen.example.org/api/v1/services/"},
}

# A clock time of day as the API writes it, without a time zone (local time of the municipality).
LOCAL_TIME: dict[str, Any] = {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "08:00:00"}
