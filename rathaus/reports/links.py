"""Signed links in e-mails: confirming a report or a subscription, and saying "nicht behoben" after closure."""

from typing import Any

from django.core import signing
from django.urls import reverse

from .models import Report, ReportSubscription

_SALT = "rathaus.reports."
CONFIRM_MAX_AGE = 14 * 24 * 3600
REOPEN_MAX_AGE = 90 * 24 * 3600


def _dumps(value: str, purpose: str) -> str:
    return signing.dumps(value, salt=_SALT + purpose)


def _loads(token: str, purpose: str, max_age: int) -> Any:
    try:
        return signing.loads(token, salt=_SALT + purpose, max_age=max_age)
    except signing.BadSignature:
        return None


def confirm_token(report: Report) -> str:
    return _dumps(str(report.pk), "confirm")


def report_id_from_confirm_token(token: str) -> str | None:
    value = _loads(token, "confirm", CONFIRM_MAX_AGE)
    return value if isinstance(value, str) else None


def reopen_token(report: Report) -> str:
    return _dumps(str(report.pk), "reopen")


def report_id_from_reopen_token(token: str) -> str | None:
    value = _loads(token, "reopen", REOPEN_MAX_AGE)
    return value if isinstance(value, str) else None


def subscription_confirm_token(subscription: ReportSubscription) -> str:
    return _dumps(subscription.token, "subscription")


def subscription_token_from_confirm_token(token: str) -> str | None:
    value = _loads(token, "subscription", CONFIRM_MAX_AGE)
    return value if isinstance(value, str) else None


def confirm_path(report: Report) -> str:
    return reverse("reports:confirm", args=[confirm_token(report)])


def reopen_path(report: Report) -> str:
    return reverse("reports:reopen", args=[report.pk, reopen_token(report)])


def subscription_confirm_path(subscription: ReportSubscription) -> str:
    return reverse("reports:subscription_confirm", args=[subscription_confirm_token(subscription)])


def unsubscribe_path(subscription: ReportSubscription) -> str:
    return reverse("reports:unsubscribe", args=[subscription.token])


def report_path(report: Report) -> str:
    return reverse("reports:report", args=[report.pk])
