"""Demo data: Esslingen am Neckar with its real offices, and the fictional Musterhausen to show separation.

Esslingen's offices come from demo_data/*.json (facts gathered from public sources, texts our own;
opening hours there are examples where the city publishes none). Musterhausen's official keys lie
in Regierungsbezirk 9, which does not exist in Baden-Württemberg, so they can never collide with a
real municipality.
"""

import json
from datetime import date, time
from pathlib import Path
from typing import Any

from django.db import transaction

from .models import HostName, Municipality, OpeningHours, OrganisationalUnit

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_PASSWORD = "Rathaus-Demo-2026"
# Published on purpose so that testers can add it to an authenticator app; demo only.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

ESSLINGEN_HOSTS = ["esslingen.localhost", "localhost", "127.0.0.1"]
MUSTERHAUSEN_HOSTS = ["musterhausen.localhost"]


def _time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


@transaction.atomic
def _upsert_municipality(slug: str, hosts: list[str], values: dict[str, Any]) -> Municipality:
    municipality, _created = Municipality.objects.update_or_create(slug=slug, defaults=values)
    for host in hosts:
        HostName.objects.update_or_create(name=host, defaults={"municipality": municipality})
    return municipality


@transaction.atomic
def _upsert_unit(municipality: Municipality, entry: dict[str, Any]) -> OrganisationalUnit:
    unit, _created = OrganisationalUnit.objects.update_or_create(
        municipality=municipality,
        slug=entry["slug"],
        defaults={
            "name": entry["name"],
            "kind": entry["kind"],
            "description": entry.get("description_de", ""),
            "description_en": entry.get("description_en", ""),
            "street": entry["street"],
            "postal_code": entry["postal_code"],
            "city": entry["city"],
            "phone": entry.get("phone", ""),
            "email": entry.get("email", ""),
            "accessibility": entry.get("accessibility_de", ""),
            "accessibility_en": entry.get("accessibility_en", ""),
            "opening_hours_note": entry.get("opening_hours_note_de", "")[:300],
            "opening_hours_note_en": entry.get("opening_hours_note_en", "")[:300],
        },
    )
    unit.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(unit=unit, weekday=hours["weekday"], opens=_time(hours["opens"]), closes=_time(hours["closes"]))
        for hours in entry.get("opening_hours", [])
    )
    return unit


def load_municipalities() -> list[Municipality]:
    city = json.loads((DATA_DIR / "esslingen_municipality.json").read_text(encoding="utf-8"))
    esslingen = _upsert_municipality(
        "esslingen",
        ESSLINGEN_HOSTS,
        {
            "name": city["name"],
            "short_name": "Esslingen am Neckar",
            "ags": city["ags"],
            "ars": city["ars"],
            "reference_prefix": "ES",
            "accent_colour": "#A4161A",
            "street": city["street"],
            "postal_code": city["postal_code"],
            "city": city["city"],
            "phone": city["phone"],
            "email": city["email"],
            "website": city["website"],
            "represented_by": city["represented_by_de"],
            "supervisory_authority": city["supervisory_authority_de"],
            "vat_id": city.get("vat_id", ""),
            "data_protection_officer": "Datenschutzbeauftragte der Stadt Esslingen am Neckar, Rathausplatz 2, 73728 Esslingen am Neckar",
            "data_protection_email": "datenschutz@esslingen.de",
            "accessibility_contact_email": "barrierefreiheit@esslingen.de",
            "accessibility_statement_date": date(2026, 11, 24),
        },
    )
    for entry in json.loads((DATA_DIR / "esslingen_offices.json").read_text(encoding="utf-8")):
        _upsert_unit(esslingen, entry)

    musterhausen = _upsert_municipality(
        "musterhausen",
        MUSTERHAUSEN_HOSTS,
        {
            "name": "Gemeinde Musterhausen am Neckar",
            "short_name": "Musterhausen (Demo)",
            "ags": "08999001",
            "ars": "089990000001",
            "reference_prefix": "MH",
            "accent_colour": "#1D5E3B",
            "street": "Marktplatz 1",
            "postal_code": "73999",
            "city": "Musterhausen am Neckar",
            "phone": "+49 7000 1234-0",
            "email": "rathaus@musterhausen.example.org",
            "website": "",
            "represented_by": "Bürgermeisterin (Demo-Gemeinde)",
            "supervisory_authority": "Landratsamt (Demo)",
            "data_protection_officer": "Datenschutzbeauftragte der Gemeinde Musterhausen, Marktplatz 1",
            "data_protection_email": "datenschutz@musterhausen.example.org",
            "accessibility_contact_email": "barrierefreiheit@musterhausen.example.org",
            "accessibility_statement_date": date(2026, 11, 24),
        },
    )
    weekdays = [{"weekday": day, "opens": "08:30", "closes": "12:00"} for day in range(5)] + [
        {"weekday": 3, "opens": "14:00", "closes": "18:00"}
    ]
    for entry in [
        {
            "slug": "buergerbuero",
            "name": "Bürgerbüro im Rathaus Musterhausen",
            "kind": "buergerbuero",
            "description_de": "Hier melden Sie Ihren Wohnsitz an, beantragen Ausweise und bekommen Auskünfte. Dies ist eine Demo-Gemeinde.",
            "description_en": "Register your address, apply for ID documents and get information here. This is a demo municipality.",
            "street": "Marktplatz 1",
            "postal_code": "73999",
            "city": "Musterhausen am Neckar",
            "phone": "+49 7000 1234-10",
            "email": "buergerbuero@musterhausen.example.org",
            "accessibility_de": "Eingang ebenerdig, Aufzug im Haus.",
            "accessibility_en": "Step-free entrance, lift in the building.",
            "opening_hours": weekdays,
        },
        {
            "slug": "bauhof",
            "name": "Bauhof Musterhausen",
            "kind": "stelle",
            "description_de": "Der Bauhof pflegt Straßen, Wege und Grünflächen der Gemeinde.",
            "description_en": "The municipal depot maintains roads, paths and green spaces.",
            "street": "Industriestraße 7",
            "postal_code": "73999",
            "city": "Musterhausen am Neckar",
            "phone": "+49 7000 1234-50",
            "email": "bauhof@musterhausen.example.org",
            "opening_hours": [{"weekday": day, "opens": "07:00", "closes": "15:30"} for day in range(5)],
        },
    ]:
        _upsert_unit(musterhausen, entry)
    return [esslingen, musterhausen]


def load_accounts() -> list[str]:
    """Demo accounts with published passwords: one citizen, staff in both towns, one platform operator."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from rathaus.accounts.models import StaffMembership, User
    from rathaus.accounts.services import staff_membership_grant, user_create

    esslingen = Municipality.objects.get(slug="esslingen")
    musterhausen = Municipality.objects.get(slug="musterhausen")
    citizens_office = OrganisationalUnit.objects.get(municipality=esslingen, slug="buergeramt-esslingen")
    civil_works = OrganisationalUnit.objects.get(municipality=esslingen, slug="tiefbauamt")
    people: list[tuple[str, dict[str, Any], tuple[Municipality, str, list[OrganisationalUnit]] | None]] = [
        (
            "buerger@example.org",
            {
                "given_name": "Erika",
                "family_name": "Mustermann",
                "street": "Pliensaustraße 12",
                "postal_code": "73728",
                "city": "Esslingen am Neckar",
                "date_of_birth": date(1984, 8, 12),
            },
            None,
        ),
        (
            "sachbearbeitung@esslingen.example.org",
            {"given_name": "Jonas", "family_name": "Keller"},
            (esslingen, StaffMembership.Role.CLERK, [citizens_office]),
        ),
        (
            "amtsleitung@esslingen.example.org",
            {"given_name": "Aylin", "family_name": "Demir"},
            (esslingen, StaffMembership.Role.OFFICE_LEAD, [civil_works]),
        ),
        (
            "admin@esslingen.example.org",
            {"given_name": "Sabine", "family_name": "Roth"},
            (esslingen, StaffMembership.Role.MUNICIPALITY_ADMIN, []),
        ),
        (
            "verwaltung@musterhausen.example.org",
            {"given_name": "Paul", "family_name": "Brenner"},
            (musterhausen, StaffMembership.Role.MUNICIPALITY_ADMIN, []),
        ),
    ]
    lines = []
    for email, profile, membership in people:
        user = User.objects.filter(email=email).first() or user_create(email=email, password=DEMO_PASSWORD, **profile)
        if membership is not None:
            municipality, role, units = membership
            staff_membership_grant(user=user, municipality=municipality, role=role, units=units)
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
        lines.append(
            f"Demo-Konto {email} / {DEMO_PASSWORD}"
            + (" (TOTP-Geheimnis " + DEMO_TOTP_SECRET + ")" if membership else "")
        )
    if not User.objects.filter(email="betrieb@rathaus.example.org").exists():
        from allauth.account.models import EmailAddress

        operator = User.objects.create_superuser(email="betrieb@rathaus.example.org", password=DEMO_PASSWORD)
        EmailAddress.objects.create(user=operator, email=operator.email, verified=True, primary=True)
        TOTP.activate(operator, DEMO_TOTP_SECRET)
    lines.append(
        f"Plattformbetrieb betrieb@rathaus.example.org / {DEMO_PASSWORD} (TOTP-Geheimnis {DEMO_TOTP_SECRET}; Administration unter /plattform/admin/)"
    )
    return lines
