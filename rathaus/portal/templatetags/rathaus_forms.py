"""Render Django form fields with KERN UX classes and the ARIA links between label, hint and error."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_CHECK_WIDGETS = (forms.CheckboxInput,)
_CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, _CHECK_WIDGETS)


@register.filter
def is_choice_list(field: BoundField) -> bool:
    return isinstance(field.field.widget, _CHOICE_WIDGETS)


@register.filter
def is_select(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.Select) and not isinstance(field.field.widget, _CHOICE_WIDGETS)


@register.filter
def kern_widget(field: BoundField) -> SafeString:
    widget = field.field.widget
    # Placeholders vanish while typing and are often mistaken for filled-in values; labels and hints say it all.
    widget.attrs.pop("placeholder", None)
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if isinstance(widget, _CHECK_WIDGETS):
        attrs["class"] = "kern-form-check__checkbox" + (" kern-form-check__checkbox--error" if field.errors else "")
    elif isinstance(widget, forms.Select):
        attrs["class"] = "kern-form-input__select" + (" kern-form-input__select--error" if field.errors else "")
    else:
        attrs["class"] = "kern-form-input__input" + (" kern-form-input__input--error" if field.errors else "")
    return field.as_widget(attrs=attrs)
