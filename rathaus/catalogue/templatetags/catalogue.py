"""Template helpers for catalogue texts in the reader's language."""

from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from rathaus.catalogue.text import checklist_items, plain_text

register = template.Library()


@dataclass(frozen=True)
class LocalisedText:
    text: str
    # The language the text is actually in; differs from the page's when a translation is missing.
    language: str

    def __bool__(self) -> bool:
        return bool(self.text)

    def __str__(self) -> str:
        return self.text


@register.simple_tag
def localised(record: object, field: str) -> LocalisedText:
    """``record.<field>_en`` on English pages when it exists, otherwise the German ``record.<field>``."""
    if translation.get_language() == "en":
        english = getattr(record, f"{field}_en", "")
        if english:
            return LocalisedText(english, "en")
    return LocalisedText(getattr(record, field, "") or "", "de")


@register.filter
def as_plain_text(value: object) -> str:
    return plain_text(str(value))


@register.filter
def checklist(value: object) -> list[str]:
    return checklist_items(str(value))


def _euro(amount: Decimal) -> str:
    return _("%(amount)s Euro") % {"amount": number_format(amount, decimal_pos=2, use_l10n=True)}


@register.filter
def fee_range(service: object) -> str:
    """The structured fee in words: free, a fixed amount, or a range."""
    minimum: Decimal | None = getattr(service, "fee_min", None)
    maximum: Decimal | None = getattr(service, "fee_max", None)
    if minimum is None and maximum is None:
        return ""
    if maximum is None or minimum == maximum:
        amount = minimum if minimum is not None else maximum
        return _("gebührenfrei") if amount == 0 else _euro(amount)  # type: ignore[arg-type]
    if minimum is None or minimum == 0:
        return _("bis %(amount)s") % {"amount": _euro(maximum)}
    return _("%(minimum)s bis %(maximum)s") % {"minimum": _euro(minimum), "maximum": _euro(maximum)}
