"""Rich text in service descriptions: a safe HTML subset, plain text for search, checklists."""

import html
import re

import nh3
from django.utils.html import linebreaks

# What editors and XZuFi sources may use: paragraphs, lists, emphasis and links. Headings are
# dropped (their text stays) because the page supplies the heading structure around each module.
ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "abbr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
_TAG = re.compile(r"<[^>]+>")
_LIST_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL)
_SPACES = re.compile(r"\s+")


def sanitise_html(value: str) -> str:
    """Keep only the safe subset of HTML; plain text becomes paragraphs."""
    value = (value or "").strip()
    if not value:
        return ""
    if not _TAG.search(value):
        value = linebreaks(value, autoescape=True)
    cleaned = nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return cleaned.strip()


def plain_text(value: str) -> str:
    """The words of an HTML fragment without markup, on one line."""
    text = html.unescape(_TAG.sub(" ", value or ""))
    return _SPACES.sub(" ", text).strip()


def checklist_items(value: str) -> list[str]:
    """The list items of an HTML fragment as plain text, e.g. the documents to bring."""
    return [item for item in (plain_text(match) for match in _LIST_ITEM.findall(value or "")) if item]
