"""The form renderer: Django's own form and widget templates in their Jinja2 versions, everything else as before.

Django ships each of its form and widget templates twice, for its own template language and for Jinja2, with the
same markup. The Jinja2 versions render several times faster, and every field of every page goes through them.
A template Django does not ship for Jinja2 (the admin's widgets, for instance) comes from the Django engine, also
when a Jinja2 template includes it (a multi-widget with an admin date widget, a custom option template): the
whole widget is then rendered by the Django engine. Choice labels are strings in this project; Jinja2 would not
localise a number or date used as a label, as the Django engine does.
"""

from typing import Any

import jinja2
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist


class _JinjaWithFallback:
    def __init__(self, template: Any, name: str, renderer: "FormRenderer") -> None:
        self.template = template
        self.name = name
        self.renderer = renderer

    def render(self, context: Any = None, request: Any = None) -> Any:
        try:
            return self.template.render(context, request)
        except jinja2.TemplateNotFound:
            return self.renderer.django.get_template(self.name).render(context, request)


class FormRenderer(BaseRenderer):
    """Renders with Django's Jinja2 form templates where they exist, else with its own engine's."""

    def __init__(self) -> None:
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return _JinjaWithFallback(self.jinja2.get_template(template_name), template_name, self)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
