"""Forms of the postbox: the citizen's reply and the clerk's message or request for information."""

from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.applications.uploads import (
    CONTENT_TYPES,
    KIND_EXTENSIONS,
    KIND_LABELS,
    CheckedUpload,
    UploadRefused,
    upload_check,
    upload_check_size,
)

from .services import MAX_ATTACHMENTS

ACCEPT = ("pdf", "jpeg", "png")
MAX_SIZE_MB = 10


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.Field):
    """Takes the files as they come; the form checks each by its content with ``upload_check``."""

    widget = MultipleFileInput

    def clean(self, value: Any) -> Any:
        return value


def _accept_attribute() -> str:
    types = [CONTENT_TYPES[kind] for kind in ACCEPT]
    extensions = [f".{extension}" for kind in ACCEPT for extension in KIND_EXTENSIONS[kind]]
    return ",".join(types + extensions)


def _attachments_hint() -> str:
    return _("Bis zu %(count)s Dateien im Format %(kinds)s, höchstens %(size)s MB je Datei.") % {
        "count": MAX_ATTACHMENTS,
        "kinds": ", ".join(KIND_LABELS[kind] for kind in ACCEPT),
        "size": formats.number_format(MAX_SIZE_MB, use_l10n=True),
    }


class _WithAttachments(forms.Form):
    attachments = AttachmentsField(label=gettext_lazy("Dateien anhängen"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attachments"]
        field.help_text = _attachments_hint()
        field.widget = MultipleFileInput(attrs={"accept": _accept_attribute()})
        self.checked_attachments: list[CheckedUpload] = []

    def clean_attachments(self) -> list[CheckedUpload]:
        files = self.files.getlist(self.add_prefix("attachments")) if self.files else []
        files = [uploaded for uploaded in files if uploaded]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("Sie können höchstens %(count)s Dateien anhängen.") % {"count": MAX_ATTACHMENTS}, code="too_many"
            )
        checked: list[CheckedUpload] = []
        refusals: list[str] = []
        for uploaded in files:
            try:
                # By its announced size first: an oversized file is never read into memory.
                upload_check_size(name=uploaded.name or "", size=uploaded.size or 0, max_size_mb=MAX_SIZE_MB)
                checked.append(
                    upload_check(name=uploaded.name or "", data=uploaded.read(), accept=ACCEPT, max_size_mb=MAX_SIZE_MB)
                )
            except UploadRefused as refusal:
                refusals.append(str(refusal))
        if refusals:
            raise forms.ValidationError(refusals)
        self.checked_attachments = checked
        return checked

    def attachment_tuples(self) -> list[tuple[str, str, bytes]]:
        return [(upload.file_name, upload.content_type, upload.content) for upload in self.checked_attachments]


class ReplyForm(_WithAttachments):
    body = forms.CharField(
        label=gettext_lazy("Ihre Antwort"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        error_messages={"required": gettext_lazy("Bitte schreiben Sie eine Antwort.")},
    )

    field_order = ["body", "attachments"]


class StaffMessageForm(_WithAttachments):
    subject = forms.CharField(
        label=gettext_lazy("Betreff"),
        max_length=200,
        error_messages={"required": gettext_lazy("Bitte geben Sie einen Betreff ein.")},
    )
    body = forms.CharField(
        label=gettext_lazy("Nachricht"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=10000,
        error_messages={"required": gettext_lazy("Bitte schreiben Sie eine Nachricht.")},
    )

    field_order = ["subject", "body", "attachments"]


class StaffRequestForm(StaffMessageForm):
    body = forms.CharField(
        label=gettext_lazy("Was brauchen Sie von der antragstellenden Person?"),
        help_text=gettext_lazy(
            "Schreiben Sie, welche Unterlage oder Angabe fehlt. Bis zur Antwort ruht die Bearbeitungsfrist."
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=10000,
        error_messages={"required": gettext_lazy("Bitte schreiben Sie, was fehlt.")},
    )
