"""Writes on Open311 clients: administrators issue and revoke API keys; the API notes their use."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.audit.services import audit_record
from rathaus.municipalities.models import Municipality
from rathaus.reports.models import Open311Client, Report
from rathaus.reports.services import report_create

from .forms import ServiceRequestInput

# Prefix that lets a leaked key be recognised in logs and secret scanners.
KEY_PREFIX = "r311_"


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def open311_client_create(
    *, municipality: Municipality, name: str, contact_email: str = "", actor: User
) -> tuple[Open311Client, str]:
    """Register an outside application; returns the client and its key, which is shown only this once."""
    api_key = new_api_key()
    with transaction.atomic():
        client = Open311Client.objects.create(
            municipality=municipality,
            name=name,
            contact_email=contact_email,
            api_key_hash=Open311Client.hash_api_key(api_key),
            api_key_prefix=api_key[:12],
            created_by=actor,
        )
        audit_record(
            municipality_id=municipality.pk,
            actor=actor,
            action="open311_client_created",
            object_type="open311_client",
            object_id=client.pk,
        )
    return client, api_key


def open311_client_revoke(*, client: Open311Client, actor: User) -> Open311Client:
    """Block the client's key for good; reports it already sent stay as they are."""
    with transaction.atomic():
        locked = Open311Client.objects.select_for_update().get(pk=client.pk)
        if not locked.is_active:
            return locked
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        audit_record(
            municipality_id=locked.municipality_id,
            actor=actor,
            action="open311_client_revoked",
            object_type="open311_client",
            object_id=locked.pk,
        )
    return locked


def open311_client_mark_used(*, client: Open311Client) -> None:
    """Remember when the key was last used, so administrators can spot keys nobody needs any more."""
    now = timezone.now()
    Open311Client.objects.filter(pk=client.pk).update(last_used_at=now)
    client.last_used_at = now


def service_request_create(
    *, municipality: Municipality, client: Open311Client, data: ServiceRequestInput, portal_url: str
) -> Report:
    """File a report that an Open311 client sent, through the Mängelmelder's own service (routing, case).

    The client is trusted by its key, so the report counts at once: there is nobody to click an e-mail link.
    """
    description = data.description or _("%(category)s (ohne Beschreibung gemeldet)") % {"category": data.category.name}
    if data.media_url:
        # Fetching foreign URLs from the server would open a door to its network; staff follow the link instead.
        description += "\n\n" + _("Bild der meldenden Anwendung: %(url)s") % {"url": data.media_url}
    location_description = _("Adress-ID: %(id)s") % {"id": data.address_id} if data.address_id else ""
    return report_create(
        municipality=municipality,
        category=data.category,
        description=description,
        lat=data.lat,
        lon=data.lon,
        address=data.address,
        location_description=location_description,
        answers=data.answers,
        reporter_name=data.name,
        reporter_email=data.email,
        reporter_phone=data.phone,
        source=Report.Source.OPEN311,
        api_client=client,
        portal_url=portal_url,
        needs_confirmation=False,
    )
