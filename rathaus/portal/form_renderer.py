"""The form renderer: Django's own form and widget templates in their Jinja2 versions, everything else as before.

Django ships each of its form and widget templates twice, for its own template language and for Jinja2, with the
same markup. The Jinja2 versions render several times faster, and every field of every page goes through them.
Templates Django does not ship for Jinja2 (the admin's widgets, for instance) still come from the Django engine.
"""

from typing import Any

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist


class FormRenderer(BaseRenderer):
    def __init__(self) -> None:
        self._jinja2 = Jinja2()
        self._django = DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return self._jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
