"""Writes on municipalities and their offices."""

from django.db import transaction

from .models import ImportedRecord, Municipality, OrganisationalUnit
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
    """Validate and store ``values`` on ``instance``; fields outside ``allowed`` are refused.

    On a record that came from a catalogue import, changed fields become local overrides, so the
    next import keeps them.
    """
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    for field, value in values.items():
        setattr(instance, field, value)
    instance.full_clean()
    update_fields = list(values)
    if isinstance(instance, ImportedRecord) and instance.is_imported:
        instance.mark_local_changes(values)
        update_fields.append("local_overrides")
    instance.save(update_fields=update_fields)


def unit_update_contact(*, unit: OrganisationalUnit, **values: object) -> OrganisationalUnit:
    """Change an office's public contact data; unknown fields are refused."""
    with transaction.atomic():
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
