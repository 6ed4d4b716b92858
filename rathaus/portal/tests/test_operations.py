"""Probes, API schema and security headers."""

import pytest
import yaml
from django.urls import reverse
from openapi_spec_validator import validate

from conftest import ESSLINGEN_HOST, client_for


@pytest.mark.django_db
def test_healthz_answers_ok():
    response = client_for("localhost").get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_readyz_reports_database_and_task_queue():
    response = client_for("localhost").get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"].keys() == {"database", "tasks"}
    assert response.json()["ready"] is True


def test_openapi_schema_is_valid_openapi_3(esslingen):
    response = client_for(ESSLINGEN_HOST).get(reverse("api:schema"))

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate(schema)
    assert "/api/v1/offices/" in schema["paths"]


def test_api_documentation_page_is_served(esslingen):
    assert client_for(ESSLINGEN_HOST).get(reverse("api:docs")).status_code == 200


def test_pages_carry_security_headers_without_inline_scripts(esslingen):
    response = client_for(ESSLINGEN_HOST).get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_contain_no_inline_script(esslingen):
    body = client_for(ESSLINGEN_HOST).get("/").content.decode()

    assert "<script>" not in body
    assert "onclick=" not in body


def test_theme_stylesheet_carries_the_municipalitys_accent_colour(esslingen):
    response = client_for(ESSLINGEN_HOST).get(reverse("portal:theme"))

    assert response["Content-Type"].startswith("text/css")
    assert esslingen.accent_colour in response.content.decode()


def _directives(policy: str) -> dict[str, set[str]]:
    parts = [directive.split() for directive in policy.split(";") if directive.strip()]
    return {name: set(values) for name, *values in parts}


def test_only_the_api_documentation_allows_inline_styles_and_no_page_allows_inline_scripts(esslingen):
    docs = _directives(client_for(ESSLINGEN_HOST).get(reverse("api:docs"))["Content-Security-Policy"])
    page = _directives(client_for(ESSLINGEN_HOST).get("/")["Content-Security-Policy"])

    assert docs["style-src"] == {"'self'", "'unsafe-inline'"}
    assert docs["script-src"] == {"'self'"}
    assert page["style-src"] == {"'self'"}
    assert page["script-src"] == {"'self'"}
