"""Form fields are rendered from Django's Jinja2 widget templates, with the same markup as before."""

import re

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.forms.renderers import DjangoTemplates, get_default_renderer

from rathaus.portal.form_renderer import FormRenderer


class _EveryKind(forms.Form):
    name = forms.CharField(max_length=40, help_text="Wie im Ausweis")
    note = forms.CharField(widget=forms.Textarea, required=False)
    count = forms.IntegerField(min_value=1, max_value=9)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(choices=[("pkw", "Pkw"), ("krad", "Motorrad")], widget=forms.RadioSelect)
    extras = forms.MultipleChoiceField(
        choices=[("a", "Anhänger"), ("b", "Dachbox")], widget=forms.CheckboxSelectMultiple, required=False
    )
    zone = forms.ChoiceField(choices=[("", "Bitte wählen"), ("a", "Zone A <Altstadt>")])
    agreed = forms.BooleanField()
    plan = forms.FileField(required=False)
    vehicles = forms.MultipleChoiceField(choices=[("pkw", "Pkw"), ("lkw", "Lkw")], required=False)
    step = forms.CharField(widget=forms.HiddenInput, required=False)
    consent = forms.NullBooleanField()
    born = forms.DateField(widget=forms.SelectDateWidget(years=[2000, 2001]), required=False)
    pickup = forms.SplitDateTimeField(required=False)


def _markup(renderer, data=None) -> str:
    form = _EveryKind(data=data, renderer=renderer)
    if data is not None:
        form.is_valid()
    parts = []
    for field in form:
        parts.append(field.as_widget(attrs={"class": "kern-form-input__input"}))
        if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            parts.extend(option.tag() for option in field.subwidgets)
    # The whole form too: labels, help texts, error lists.
    parts.append(str(form))
    # Both template languages differ only in whitespace between tags.
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", "".join(parts)))


def test_every_kind_of_field_renders_the_same_markup_as_with_django_templates():
    assert _markup(FormRenderer()) == _markup(DjangoTemplates())


def test_fields_with_errors_render_the_same_markup_as_with_django_templates():
    data = {"name": "", "count": "12", "zone": "x", "kind": "bus"}

    assert _markup(FormRenderer(), data) == _markup(DjangoTemplates(), data)


def test_labels_and_values_are_escaped():
    markup = _markup(FormRenderer(), {"name": '"><script>alert(1)</script>'})

    assert "<script>" not in markup
    assert "Zone A &lt;Altstadt&gt;" in markup


def test_a_widget_django_ships_without_jinja2_template_comes_from_the_django_engine():
    html = AdminDateWidget().render("day", None, renderer=FormRenderer())

    assert html == AdminDateWidget().render("day", None, renderer=DjangoTemplates())
    assert 'class="vDateField"' in html


def test_a_jinja2_widget_including_a_template_only_the_django_engine_has_renders_with_that_engine():
    widget = forms.MultiWidget([forms.TextInput(), AdminDateWidget()])

    html = widget.render("period", ["Vormittag", None], renderer=FormRenderer())

    assert html == widget.render("period", ["Vormittag", None], renderer=DjangoTemplates())
    assert 'class="vDateField"' in html


def test_the_project_renders_its_forms_with_it():
    assert isinstance(get_default_renderer(), FormRenderer)
