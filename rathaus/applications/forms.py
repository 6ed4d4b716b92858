"""Django forms built from a form definition: one form per page of an application.

Every answer becomes an ordinary Django field, so the shared field template, the error summary
(with links to each field) and "Fehler:" in the page title work as on every other page.
Required checks are done here rather than by Django, because whether a field counts depends on
conditions that may read answers given on the same page.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from .engine import condition_fields, condition_holds, localise, localised_html, rule_errors
from .models import Upload
from .uploads import KIND_LABELS, CheckedUpload, UploadRefused, upload_check, upload_check_size

MAX_GROUP_ITEMS = 50
DEFAULT_MAX_SIZE_MB = 10
DEFAULT_ACCEPT = ["pdf", "jpeg", "png"]
ADDRESS_PARTS = [
    ("street", gettext_lazy("Straße"), 150),
    ("house_number", gettext_lazy("Hausnummer"), 20),
    ("addition", gettext_lazy("Adresszusatz"), 100),
    ("postal_code", gettext_lazy("Postleitzahl"), 5),
    ("city", gettext_lazy("Ort"), 100),
]
postal_code_validator = RegexValidator(
    r"^(0[1-9]\d{3}|[1-9]\d{4})$", gettext_lazy("Geben Sie eine deutsche Postleitzahl mit fünf Ziffern ein.")
)
phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()/-]{4,29}$",
    gettext_lazy("Geben Sie eine Telefonnummer nur mit Ziffern, Leerzeichen und + ( ) / - ein."),
)
YES, NO = "ja", "nein"


class IbanField(forms.CharField):
    default_error_messages = {
        "invalid": gettext_lazy("Geben Sie eine gültige IBAN ein, z. B. DE02 1203 0000 0000 2020 51.")
    }

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if not value:
            return ""
        try:
            return str(IBAN(value).compact)
        except SchwiftyException as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class UploadField(forms.Field):
    """Takes files as they come; the page form checks them by content with `upload_check`."""

    def clean(self, value: Any) -> Any:
        return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class BoundedDateField(forms.DateField):
    """A date within days relative to today, e.g. not in the past or at most 90 days ahead."""

    def __init__(self, *, bounds: tuple[Any, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.earliest, self.latest = bounds
        if self.earliest:
            self.widget.attrs["min"] = self.earliest.isoformat()
        if self.latest:
            self.widget.attrs["max"] = self.latest.isoformat()

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and self.earliest and value < self.earliest:
            raise forms.ValidationError(
                _("Das Datum darf frühestens der %(date)s sein.")
                % {"date": formats.date_format(self.earliest, "SHORT_DATE_FORMAT")}
            )
        if value and self.latest and value > self.latest:
            raise forms.ValidationError(
                _("Das Datum darf spätestens der %(date)s sein.")
                % {"date": formats.date_format(self.latest, "SHORT_DATE_FORMAT")}
            )


def required_message(definition: dict[str, Any]) -> str:
    if definition["type"] in ("choice", "multichoice", "yesno"):
        return _("Wählen Sie eine Antwort aus.")
    if definition["type"] == "file":
        return _("Laden Sie eine Datei hoch.")
    return _("Geben Sie eine Antwort ein.")


def _date_bounds(definition: dict[str, Any]) -> tuple[Any, Any]:
    today = timezone.localdate()
    earliest = today + timedelta(days=definition["min_days"]) if "min_days" in definition else None
    latest = today + timedelta(days=definition["max_days"]) if "max_days" in definition else None
    return earliest, latest


def _choices(definition: dict[str, Any], language: str) -> list[tuple[str, Any]]:
    return [(option["value"], localised_html(option["label"], language)) for option in definition.get("options", [])]


def _help(definition: dict[str, Any], language: str, extra: str = "") -> Any:
    help_text = localised_html(definition.get("help"), language)
    if extra:
        return format_html("{} {}", help_text, extra) if help_text else extra
    return help_text


def build_field(definition: dict[str, Any], language: str) -> forms.Field:
    """The Django field asking one question of the definition."""
    kind = definition["type"]
    label = localised_html(definition["label"], language)
    common: dict[str, Any] = {
        "label": label,
        "required": bool(definition.get("required")),
        "help_text": _help(definition, language),
        "error_messages": {"required": required_message(definition)},
    }
    if kind in ("text", "textarea"):
        validators = []
        if definition.get("pattern"):
            message = localise(definition.get("pattern_message"), language)[0] or _(
                "Die Eingabe hat nicht die erwartete Form."
            )
            validators.append(RegexValidator(definition["pattern"], message))
        return forms.CharField(
            min_length=definition.get("min_length"),
            max_length=definition.get("max_length", 10000 if kind == "textarea" else 500),
            widget=forms.Textarea(attrs={"rows": 5}) if kind == "textarea" else forms.TextInput(),
            validators=validators,
            **common,
        )
    if kind in ("number", "money"):
        places = 2 if kind == "money" else definition.get("decimal_places", 0)
        lowest = Decimal(str(definition["min"])) if "min" in definition else None
        highest = Decimal(str(definition["max"])) if "max" in definition else None
        if kind == "money":
            common["help_text"] = _help(definition, language, _("Betrag in Euro, z. B. 12,50."))
        if places == 0:
            return forms.IntegerField(min_value=lowest, max_value=highest, localize=True, **common)  # type: ignore[arg-type]
        return forms.DecimalField(
            decimal_places=places, max_digits=12, localize=True, min_value=lowest, max_value=highest, **common
        )
    if kind == "date":
        return BoundedDateField(bounds=_date_bounds(definition), widget=DateInput(), **common)
    if kind == "email":
        return forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common)
    if kind == "phone":
        return forms.CharField(
            max_length=30, validators=[phone_validator], widget=forms.TextInput(attrs={"type": "tel"}), **common
        )
    if kind == "iban":
        return IbanField(max_length=42, **common)
    if kind == "choice":
        widget = forms.Select() if definition.get("widget") == "select" else forms.RadioSelect()
        choices = _choices(definition, language)
        if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
            choices = [("", _("Bitte auswählen")), *choices]
        return forms.ChoiceField(choices=choices, widget=widget, **common)
    if kind == "multichoice":
        return forms.MultipleChoiceField(
            choices=_choices(definition, language), widget=forms.CheckboxSelectMultiple(), **common
        )
    if kind == "yesno":
        return forms.ChoiceField(choices=[(YES, _("Ja")), (NO, _("Nein"))], widget=forms.RadioSelect(), **common)
    raise ValueError(f"no single Django field for type {kind}")


def _to_answer(definition: dict[str, Any], value: Any) -> Any:
    """A cleaned Django value as it is stored in the JSON answers."""
    if value in (None, "", []):
        return None
    kind = definition["type"]
    if kind == "date":
        return value.isoformat()
    if kind == "money":
        return str(Decimal(value).quantize(Decimal("0.01")))
    if kind == "number":
        return value if isinstance(value, int) else str(value.normalize())
    if kind == "yesno":
        return value == YES
    return value


def _to_initial(definition: dict[str, Any], value: Any) -> Any:
    """A stored answer as the initial value of its field."""
    if value is None:
        return None
    kind = definition["type"]
    if kind == "yesno":
        return YES if value else NO
    if kind in ("number", "money"):
        return Decimal(str(value))
    return value


class PageForm(forms.Form):
    """The questions of one page, validated against the definition and the answers given so far."""

    def __init__(
        self,
        *,
        definition: dict[str, Any],
        page: dict[str, Any],
        answers: dict[str, Any],
        language: str,
        uploads: list[Upload] | None = None,
        group_sizes: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.definition = definition
        self.page = page
        self.answers = answers
        self.language = language
        self.uploads = uploads or []
        self.group_sizes = group_sizes or {}
        self.checked_uploads: dict[str, list[CheckedUpload]] = {}
        self.blocks: list[dict[str, Any]] = []
        own_keys = {field["key"] for field in page.get("fields", [])}
        self.own_keys = own_keys
        for field in page.get("fields", []):
            condition = field.get("condition")
            # A condition on an earlier page decides now; one on this page is decided after posting.
            if condition_fields(condition) & own_keys:
                self._add_block(field, depends_on_page=True)
            elif condition_holds(condition, answers):
                self._add_block(field, depends_on_page=False)
        for block in self.blocks:
            # Bound fields per block, so the template needs no search through all fields of the form.
            block["fields"] = [self[name] for name in block.get("names", [])]
            for item in block.get("items", []):
                item["fields"] = [self[name] for name in item["names"]]

    # Building -----------------------------------------------------------------------------

    def _add_block(self, definition: dict[str, Any], *, depends_on_page: bool) -> None:
        kind = definition["type"]
        key = definition["key"]
        block: dict[str, Any] = {"kind": kind, "definition": definition, "key": key, "conditional": depends_on_page}
        block["label"] = localised_html(definition["label"], self.language)
        block["help"] = localised_html(definition.get("help"), self.language)
        block["required"] = definition.get("required", False)
        if kind == "info":
            block["text"] = localised_html(definition.get("text"), self.language)
        elif kind == "address":
            block["names"] = self._add_address(definition)
        elif kind == "group":
            block["items"] = self._add_group(definition)
            block["item_label"] = localise(definition.get("item_label"), self.language)[0] or _("Eintrag")
            block["can_add"] = len(block["items"]) < definition.get("max_items", MAX_GROUP_ITEMS)
            block["can_remove"] = len(block["items"]) > max(definition.get("min_items", 0), 1)
        elif kind == "file":
            block["names"] = [key]
            accept = definition.get("accept", DEFAULT_ACCEPT)
            hint = _("Erlaubt: %(kinds)s, höchstens %(size)s MB je Datei.") % {
                "kinds": ", ".join(KIND_LABELS[kind_name] for kind_name in accept),
                "size": formats.number_format(definition.get("max_size_mb", DEFAULT_MAX_SIZE_MB), use_l10n=True),
            }
            max_files = definition.get("max_files", 1)
            self.fields[key] = UploadField(
                label=block["label"],
                required=block["required"],
                help_text=_help(definition, self.language, hint),
                widget=MultipleFileInput(attrs={"accept": _accept_attribute(accept)})
                if max_files > 1
                else forms.FileInput(attrs={"accept": _accept_attribute(accept)}),
            )
            block["existing"] = [upload for upload in self.uploads if str(upload.pk) in (self.answers.get(key) or [])]
        else:
            self.fields[key] = build_field(definition, self.language)
            self.initial[key] = _to_initial(definition, self.answers.get(key))
            block["names"] = [key]
        self.blocks.append(block)

    def _add_address(self, definition: dict[str, Any]) -> list[str]:
        return self._address_fields(
            prefix=definition["key"],
            required=bool(definition.get("required")),
            stored=self.answers.get(definition["key"]) or {},
            label_prefix="",
        )

    def _address_fields(self, *, prefix: str, required: bool, stored: dict[str, Any], label_prefix: str) -> list[str]:
        names = []
        for part, label, max_length in ADDRESS_PARTS:
            name = f"{prefix}__{part}"
            field = forms.CharField(
                label=f"{label_prefix}{label}",
                required=required and part != "addition",
                max_length=max_length,
                error_messages={"required": _("Geben Sie %(part)s an.") % {"part": label}},
            )
            if part == "postal_code":
                field.validators.append(postal_code_validator)
                field.widget.attrs.update({"inputmode": "numeric", "autocomplete": "postal-code"})
            self.fields[name] = field
            self.initial[name] = stored.get(part)
            names.append(name)
        return names

    def _item_count(self, definition: dict[str, Any]) -> int:
        key = definition["key"]
        stored = self.answers.get(key) or []
        count = self.group_sizes.get(key, len(stored))
        lowest = max(definition.get("min_items", 0), 1)
        return min(max(count, lowest), definition.get("max_items", MAX_GROUP_ITEMS), MAX_GROUP_ITEMS)

    def _add_group(self, definition: dict[str, Any]) -> list[dict[str, Any]]:
        items = []
        stored = self.answers.get(definition["key"]) or []
        item_label = localise(definition.get("item_label"), self.language)[0] or _("Eintrag")
        for index in range(self._item_count(definition)):
            item_answers = stored[index] if index < len(stored) else {}
            names: list[str] = []
            for member in definition.get("fields", []):
                if member["type"] == "info":
                    continue
                name = f"{definition['key']}__{index}__{member['key']}"
                if member["type"] == "address":
                    names += self._address_fields(
                        prefix=name,
                        required=bool(member.get("required")),
                        stored=item_answers.get(member["key"]) or {},
                        label_prefix=f"{item_label} {index + 1}: ",
                    )
                    continue
                field = build_field(member, self.language)
                field.label = format_html("{} {}: {}", item_label, index + 1, field.label)
                self.fields[name] = field
                self.initial[name] = _to_initial(member, item_answers.get(member["key"]))
                names.append(name)
            items.append({"number": index + 1, "index": index, "names": names})
        return items

    # Validating ---------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.page_answers = self._collect(cleaned)
        merged = {**self.answers, **self.page_answers}
        for block in self.blocks:
            definition = block["definition"]
            if not condition_holds(definition.get("condition"), merged):
                self.page_answers[block["key"]] = None
                for name in block.get("names", []):
                    self.errors.pop(name, None)
                for item in block.get("items", []):
                    for name in item["names"]:
                        self.errors.pop(name, None)
                continue
            self._check_required(block, merged)
        if not self.errors:
            for field_key, message in rule_errors(self.definition, merged, self.page["key"]):
                text = localise(message, self.language)[0]
                target = field_key if field_key in self.fields else None
                if target is None and field_key:
                    target = next((name for name in self.fields if name.startswith(f"{field_key}__")), None)
                self.add_error(target, text)
        return cleaned

    def _check_required(self, block: dict[str, Any], merged: dict[str, Any]) -> None:
        definition = block["definition"]
        kind = block["kind"]
        if kind == "address":
            value = self.page_answers.get(block["key"])
            if definition.get("required") or value:
                for name in block["names"]:
                    part = name.rsplit("__", 1)[1]
                    if part != "addition" and not (value or {}).get(part) and name not in self.errors:
                        self.add_error(name, _("Geben Sie %(part)s an.") % {"part": self.fields[name].label})
            return
        if kind == "group":
            for item, values in zip(block["items"], self.page_answers.get(block["key"]) or [], strict=False):
                for member in definition.get("fields", []):
                    if condition_holds(member.get("condition"), merged, values):
                        continue
                    # A member hidden by its condition is not asked, so nothing about it can be wrong.
                    prefix = f"{block['key']}__{item['index']}__{member['key']}"
                    for name in item["names"]:
                        if name == prefix or name.startswith(prefix + "__"):
                            self.errors.pop(name, None)
            return
        if kind == "info" or not definition.get("required"):
            return
        if self.page_answers.get(block["key"]) in (None, "", []) and block["key"] not in self.errors:
            self.add_error(block["key"], required_message(definition))

    def _collect(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The page's answers in their stored form; files are checked and kept aside for storing."""
        answers: dict[str, Any] = {}
        for block in self.blocks:
            definition = block["definition"]
            key = block["key"]
            if block["kind"] == "info":
                continue
            if block["kind"] == "address":
                answers[key] = _address_answer(cleaned, key)
            elif block["kind"] == "group":
                answers[key] = [
                    {
                        member["key"]: _member_answer(member, cleaned, f"{key}__{item['index']}__{member['key']}")
                        for member in definition.get("fields", [])
                        if member["type"] != "info"
                    }
                    for item in block["items"]
                ]
            elif block["kind"] == "file":
                answers[key] = self._collect_files(block)
            else:
                value = cleaned.get(key)
                answers[key] = _to_answer(definition, value.strip() if isinstance(value, str) else value)
        return answers

    def _collect_files(self, block: dict[str, Any]) -> list[str]:
        definition = block["definition"]
        key = block["key"]
        kept = [str(upload.pk) for upload in block["existing"]]
        new_files = self.files.getlist(key) if self.files else []
        checked = []
        max_size_mb = definition.get("max_size_mb", DEFAULT_MAX_SIZE_MB)
        for uploaded in new_files:
            try:
                # By its announced size first: an oversized file is never read into memory.
                upload_check_size(name=uploaded.name or "", size=uploaded.size or 0, max_size_mb=max_size_mb)
                checked.append(
                    upload_check(
                        name=uploaded.name or "",
                        data=uploaded.read(),
                        accept=definition.get("accept", DEFAULT_ACCEPT),
                        max_size_mb=max_size_mb,
                    )
                )
            except UploadRefused as refusal:
                self.add_error(key, str(refusal))
        if len(kept) + len(checked) > definition.get("max_files", 1):
            self.add_error(
                key,
                _("Sie können hier höchstens %(count)s Dateien hochladen.") % {"count": definition.get("max_files", 1)},
            )
            checked = []
        self.checked_uploads[key] = checked
        # Placeholders stand for files not yet stored, so "required" sees them.
        return kept + [f"neu:{index}" for index in range(len(checked))]


def _address_answer(cleaned: dict[str, Any], prefix: str) -> dict[str, str] | None:
    parts = {part: (cleaned.get(f"{prefix}__{part}") or "").strip() for part, _label, _length in ADDRESS_PARTS}
    return parts if any(parts.values()) else None


def _member_answer(member: dict[str, Any], cleaned: dict[str, Any], name: str) -> Any:
    if member["type"] == "address":
        return _address_answer(cleaned, name)
    return _to_answer(member, cleaned.get(name))


def _accept_attribute(kinds: list[str]) -> str:
    types = {"pdf": ".pdf,application/pdf", "jpeg": ".jpg,.jpeg,image/jpeg", "png": ".png,image/png"}
    return ",".join(types[kind] for kind in kinds)


class SaveForLaterForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Ihre E-Mail-Adresse"),
        max_length=254,
        help_text=gettext_lazy("Wir senden Ihnen einen Link, mit dem Sie den Antrag später fortsetzen."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class DeclarationForm(forms.Form):
    declaration = forms.BooleanField(
        label=gettext_lazy("Ich bestätige die Erklärung."),
        error_messages={"required": gettext_lazy("Bestätigen Sie die Erklärung, um den Antrag abzusenden.")},
    )
