"""Writes on municipalities and their offices."""

from django.db import transaction

from .models import Municipality, OrganisationalUnit
from .page_cache import forget_cached_pages
from .selectors import forget_cached_hosts

UNIT_CONTACT_FIELDS = (
    "description",
    "description_en",
    "street",
    "postal_code",
    "city",
    "phone",
    "email",
    "accessibility",
    "accessibility_en",
    "opening_hours_note",
    "opening_hours_note_en",
)

MUNICIPALITY_SETTINGS_FIELDS = (
    "short_name",
    "accent_colour",
    "street",
    "postal_code",
    "city",
    "phone",
    "email",
    "website",
    "represented_by",
    "supervisory_authority",
    "vat_id",
    "data_protection_officer",
    "data_protection_email",
    "accessibility_contact_email",
    "accessibility_statement_date",
)


def _save_fields(
    instance: Municipality | OrganisationalUnit, allowed: tuple[str, ...], values: dict[str, object]
) -> None:
    """Validate and store ``values`` on ``instance``; fields outside ``allowed`` are refused."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    for field, value in values.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save(update_fields=list(values))


def unit_update_contact(*, unit: OrganisationalUnit, **values: object) -> OrganisationalUnit:
    """Change an office's public contact data; unknown fields are refused.

    For an office that came from a catalogue import, fields that now differ from the imported
    value become local overrides, so the next import keeps them.
    """
    with transaction.atomic():
        if unit.is_imported:
            overrides = set(unit.local_overrides)
            for field, value in values.items():
                if field in unit.imported_values and unit.imported_values[field] != value:
                    overrides.add(field)
                elif field in unit.imported_values:
                    overrides.discard(field)
            unit.local_overrides = sorted(overrides)
            values = {**values, "local_overrides": unit.local_overrides}
            _save_fields(unit, (*UNIT_CONTACT_FIELDS, "local_overrides"), values)
        else:
            _save_fields(unit, UNIT_CONTACT_FIELDS, values)
        transaction.on_commit(forget_cached_pages)
    return unit


def municipality_update_settings(*, municipality: Municipality, **values: object) -> Municipality:
    """Change branding, contact and imprint data of a municipality; unknown fields are refused."""
    with transaction.atomic():
        _save_fields(municipality, MUNICIPALITY_SETTINGS_FIELDS, values)
        transaction.on_commit(forget_cached_hosts)
        transaction.on_commit(forget_cached_pages)
    return municipality
