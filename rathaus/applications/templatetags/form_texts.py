"""Show texts of a form definition in the page's language."""

from typing import Any

from django import template
from django.utils import translation
from django.utils.safestring import SafeString

from rathaus.applications.engine import localised_html

register = template.Library()


@register.filter
def form_text(text: Any) -> SafeString | str:
    """A definition text in the current language, German marked lang="de" where it stands in."""
    return localised_html(text, translation.get_language() or "de")
