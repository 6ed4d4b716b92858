"""The citizen's postbox: messages and documents between the administration and the applicant."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.applications.storage import private_files
from rathaus.cases.models import Case
from rathaus.municipalities.models import Municipality


class Message(models.Model):
    """A message in a case's thread; ``read_at`` is the read receipt staff see."""

    class Direction(models.TextChoices):
        TO_CITIZEN = "an_buerger", _("an die antragstellende Person")
        FROM_CITIZEN = "von_buerger", _("von der antragstellenden Person")

    class Kind(models.TextChoices):
        MESSAGE = "nachricht", _("Nachricht")
        REQUEST = "rueckfrage", _("Rückfrage")
        REPLY = "antwort", _("Antwort")
        DECISION = "bescheid", _("Bescheid")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="postbox_messages")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.MESSAGE)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("Betreff"), max_length=200)
    body = models.TextField(_("Nachricht"))
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies", verbose_name=_("Antwort auf")
    )
    answered_at = models.DateTimeField(
        _("beantwortet am"), null=True, blank=True, help_text=_("Für Rückfragen: wann die Antwort kam.")
    )
    created_at = models.DateTimeField(_("gesendet am"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelesen am"), null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["case", "created_at"], name="message_thread")]

    def __str__(self) -> str:
        return self.subject


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"postbox/{instance.message.municipality_id}/{instance.id}/{filename}"


class Attachment(models.Model):
    """A file sent with a message: an uploaded document or a decision letter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_files, max_length=300)
    name = models.CharField(_("Dateiname"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name
