"""What the API answers has the shape its published OpenAPI schema says, refusals included.

Client generators build their types from the schema; an answer of another shape breaks them at the
first refusal. Each test asks a real endpoint and checks the body against the documented schema."""

import json
from typing import Any

import pytest
import yaml
from django.urls import reverse
from openapi_schema_validator import OAS30Validator

from conftest import ESSLINGEN_HOST, client_for


@pytest.fixture
def schema(esslingen) -> dict[str, Any]:
    return yaml.safe_load(client_for(ESSLINGEN_HOST).get(reverse("api:schema")).content)


def _inlined(node: Any, document: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].removeprefix("#/components/schemas/")
            return _inlined(document["components"]["schemas"][name], document)
        return {key: _inlined(value, document) for key, value in node.items()}
    if isinstance(node, list):
        return [_inlined(value, document) for value in node]
    return node


def _documented(document: dict[str, Any], path: str, method: str, status: int, media: str = "application/json"):
    response = document["paths"][path][method]["responses"][str(status)]
    return _inlined(response["content"][media]["schema"], document)


def _check(document: dict[str, Any], path: str, method: str, response, media: str = "application/json") -> Any:
    body = json.loads(response.content)
    OAS30Validator(_documented(document, path, method, response.status_code, media)).validate(body)
    return body


@pytest.mark.parametrize(
    ("path", "method", "data"),
    [
        ("/api/v1/appointments/availability/times/", "get", {"day": "2000-01-01", "items": "0"}),
        ("/api/v1/appointments/availability/days/", "get", {}),
        ("/api/v1/appointments/holds/", "post", {}),
        ("/api/v1/appointments/holds/", "post", {"location": "0", "items": [], "name": "", "email": "0@0.com"}),
        ("/api/v1/appointments/cancel/", "post", {}),
        ("/api/v1/appointments/cancel/", "post", {"token": "kein-gueltiger-link"}),
        ("/api/v1/services/", "get", {"sprache": "fr"}),
        ("/api/v1/search/", "get", {}),
    ],
)
def test_a_refused_request_is_answered_in_the_documented_shape(schema, path, method, data):
    client = client_for(ESSLINGEN_HOST)
    response = client.get(path, data) if method == "get" else client.post(path, data, content_type="application/json")

    assert response.status_code == 400
    body = _check(schema, path, method, response)
    assert body


def test_the_entry_point_answers_in_the_documented_shape(schema):
    body = _check(schema, "/api/v1/", "get", client_for(ESSLINGEN_HOST).get("/api/v1/"))

    assert body["services"].endswith("/api/v1/services/")


def test_opening_hours_are_local_times_as_documented(schema, citizens_office):
    citizens_office.opening_hours.create(weekday=0, opens="08:00", closes="12:30")

    body = _check(schema, "/api/v1/offices/", "get", client_for(ESSLINGEN_HOST).get("/api/v1/offices/"))

    hours = [entry for office in body["results"] for entry in office["opening_hours"]]
    assert {"weekday": 0, "opens": "08:00:00", "closes": "12:30:00"} in hours


def test_the_form_definition_schema_is_documented_with_its_media_type(schema):
    response = client_for(ESSLINGEN_HOST).get("/api/v1/schemas/form-definition.json")

    assert response["Content-Type"].startswith("application/schema+json")
    assert (
        "application/schema+json"
        in schema["paths"]["/api/v1/schemas/form-definition.json"]["get"]["responses"]["200"]["content"]
    )


def test_an_unknown_office_is_documented_as_404(schema):
    assert "404" in schema["paths"]["/api/v1/offices/{slug}/"]["get"]["responses"]
    assert client_for(ESSLINGEN_HOST).get("/api/v1/offices/gibt-es-nicht/").status_code == 404
