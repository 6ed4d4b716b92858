"""What online applications store about a person: drafts in progress and submitted applications."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.accounts.models import User
from rathaus.accounts.personal_data import PersonalDataProvider

from .models import Draft, Submission


def _export(user: User) -> dict[str, Any]:
    return {
        "drafts": [
            {
                "municipality": draft.municipality.name,
                "service": draft.version.form.service.name,
                "answers": draft.answers,
                "updated_at": draft.updated_at.isoformat(),
                "expires_at": draft.expires_at.isoformat(),
            }
            for draft in Draft.objects.filter(user=user, submission__isnull=True).select_related(
                "municipality", "version__form__service"
            )
        ],
        "submissions": [
            {
                "municipality": submission.municipality.name,
                "service": submission.version.form.service.name,
                "reference": submission.reference,
                "submitted_at": submission.submitted_at.isoformat(),
                "channel": submission.channel,
                "answers": submission.answers,
                "fee_total": str(submission.fee_total),
            }
            for submission in Submission.objects.filter(user=user)
            .select_related("municipality", "version__form__service")
            .order_by("submitted_at")
        ],
    }


def _erase(user: User) -> str:
    # Drafts go with the account (their foreign key cascades). Submitted applications are records
    # of the administration: they stay, without the link to the account, until their retention ends.
    drafts = Draft.objects.filter(user=user, submission__isnull=True).count()
    submissions = Submission.objects.filter(user=user).update(user=None)
    return ngettext(
        "%(drafts)d Antragsentwurf gelöscht, %(submissions)d eingereichte Anträge vom Konto getrennt.",
        "%(drafts)d Antragsentwürfe gelöscht, %(submissions)d eingereichte Anträge vom Konto getrennt.",
        drafts,
    ) % {"drafts": drafts, "submissions": submissions}


def _retention_notice(user: User) -> str:
    if not Submission.objects.filter(user=user).exists():
        return ""
    return _(
        "Ihre eingereichten Anträge bleiben bei der Verwaltung, bis die Aufbewahrungsfrist nach Abschluss "
        "des Verfahrens abläuft. Sie sind dann nicht mehr mit Ihrem Konto verbunden."
    )


provider = PersonalDataProvider(key="applications", export=_export, erase=_erase, retention_notice=_retention_notice)
