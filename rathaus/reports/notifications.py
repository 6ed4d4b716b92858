"""E-mails of the Mängelmelder. They name the category and the status, never another person's data."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from rathaus.municipalities.models import HostName
from rathaus.municipalities.selectors import municipality_sender

from . import links
from .models import Report, ReportSubscription, ReportUpdate


def portal_url(report: Report) -> str:
    """Where links in e-mails point: the host the report was made on, else the municipality's first host."""
    if report.portal_url:
        return report.portal_url.rstrip("/")
    host = HostName.objects.filter(municipality_id=report.municipality_id).order_by("name").first()
    if host is None:
        return ""
    local = settings.DEBUG or host.name == "localhost" or host.name.endswith(".localhost")
    return f"{'http' if local else 'https'}://{host.name}"


def _send(report: Report, subject: str, template: str, to: str, context: dict[str, object]) -> None:
    with override("de"):
        body = render_to_string(
            f"reports/email/{template}",
            {"municipality": report.municipality, "report": report, "base": portal_url(report), **context},
        )
        EmailMessage(
            subject=subject, body=body, from_email=municipality_sender(municipality=report.municipality), to=[to]
        ).send()


def _report(report_id: str) -> Report | None:
    return Report.objects.select_related("municipality", "category").filter(pk=report_id).first()


def report_send_confirmation(*, report_id: str) -> bool:
    report = _report(report_id)
    if report is None or report.confirmed_at is not None or not report.reporter_email:
        return False
    _send(
        report,
        _("Bitte bestätigen Sie Ihre Meldung"),
        "confirm_report.txt",
        report.reporter_email,
        {"confirm_path": links.confirm_path(report)},
    )
    return True


def report_send_receipt(*, report_id: str) -> bool:
    report = _report(report_id)
    if report is None or not report.reporter_email:
        return False
    _send(
        report,
        _("Ihre Meldung ist eingegangen"),
        "receipt.txt",
        report.reporter_email,
        {"report_path": links.report_path(report)},
    )
    return True


def subscription_send_confirmation(*, subscription_id: int) -> bool:
    subscription = (
        ReportSubscription.objects.select_related("report__municipality", "report__category")
        .filter(pk=subscription_id, confirmed_at=None)
        .first()
    )
    if subscription is None:
        return False
    _send(
        subscription.report,
        _("Bitte bestätigen Sie Ihre E-Mail-Adresse"),
        "confirm_subscription.txt",
        subscription.email,
        {
            "confirm_path": links.subscription_confirm_path(subscription),
            "report_path": links.report_path(subscription.report),
        },
    )
    return True


def report_notify_subscribers(*, update_id: int) -> int:
    now = timezone.now()
    # Claimed before sending, so two runs at once cannot both send.
    if not ReportUpdate.objects.filter(pk=update_id, public=True, notified_at=None).update(notified_at=now):
        return 0
    update = ReportUpdate.objects.select_related("report__municipality", "report__category").get(pk=update_id)
    report = update.report
    subscriptions = report.subscriptions.filter(confirmed_at__isnull=False).order_by("pk")
    # The status this update announces: the report may have moved on before the e-mail goes out.
    status = update.status_to if update.status_to in Report.Status.values else report.status
    closed = status in Report.CLOSED_STATUSES and not report.is_open and update.kind == ReportUpdate.Kind.STATUS
    sent = 0
    for subscription in subscriptions:
        _send(
            report,
            _("Neuigkeiten zu Ihrer Meldung"),
            "update.txt",
            subscription.email,
            {
                "update": update,
                "status": status,
                "status_label": Report.Status(status).label,
                "report_path": links.report_path(report),
                "reopen_path": links.reopen_path(report) if closed else "",
                "unsubscribe_path": links.unsubscribe_path(subscription),
            },
        )
        sent += 1
    return sent
