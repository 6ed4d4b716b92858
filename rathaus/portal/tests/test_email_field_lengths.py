"""Every e-mail field of a form or an API serializer refuses what the database cannot store.

Django's e-mail validator accepts addresses of up to 320 characters, but every model keeps them in
254 (``models.EmailField``). A longer address that a form let through made PostgreSQL refuse the
insert ("value too long"), a server error instead of a message at the field.
"""

import importlib
import pkgutil
from collections.abc import Iterator

from django import forms
from rest_framework import serializers

import rathaus

STORED_LENGTH = 254


def _project_modules() -> None:
    for module in pkgutil.walk_packages(rathaus.__path__, prefix="rathaus."):
        if ".tests" in module.name or ".migrations" in module.name or module.name.endswith(".demo_data"):
            continue
        importlib.import_module(module.name)


def _subclasses(base: type) -> Iterator[type]:
    for subclass in base.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _email_fields() -> list[tuple[str, int | None]]:
    _project_modules()
    found = []
    for form in set(_subclasses(forms.BaseForm)):
        if form.__module__.startswith("rathaus."):
            for name, field in form.base_fields.items():
                if isinstance(field, forms.EmailField):
                    found.append((f"{form.__module__}.{form.__qualname__}.{name}", field.max_length))
    for serializer in set(_subclasses(serializers.Serializer)):
        if serializer.__module__.startswith("rathaus."):
            for name, field in serializer._declared_fields.items():
                if isinstance(field, serializers.EmailField):
                    found.append((f"{serializer.__module__}.{serializer.__qualname__}.{name}", field.max_length))
    return found


def test_every_email_field_of_the_project_takes_at_most_what_a_model_stores():
    fields = _email_fields()

    assert len(fields) >= 10, fields
    too_long = [(name, length) for name, length in fields if length is None or length > STORED_LENGTH]
    assert too_long == []


def test_a_form_email_field_refuses_an_address_of_255_characters_with_a_message():
    from rathaus.reports.forms import ContactForm

    local = "a" * 64
    address = f"{local}@{'b' * 60}.{'c' * 60}.{'d' * 60}.{'e' * 10}.de"
    assert 255 <= len(address) <= 320

    field = ContactForm.base_fields["email"]
    try:
        field.clean(address)
    except forms.ValidationError as error:
        assert "254" in " ".join(error.messages)
    else:
        raise AssertionError("an address longer than 254 characters was accepted")
