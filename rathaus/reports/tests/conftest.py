"""Fixtures of the Mängelmelder tests: Esslingen's road-damage category in the Tiefbauamt."""

import io

import pytest
from PIL import Image

from rathaus.reports.tests.factories import CategoryFactory


@pytest.fixture(autouse=True)
def _commit_runs_side_effects(monkeypatch):
    """Tests run inside one transaction that never commits; run on-commit work (e-mails) at once instead."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda callback, using=None, robust=False: callback())


@pytest.fixture
def road_damage(esslingen, civil_works_office):
    return CategoryFactory(
        municipality=esslingen,
        service_code="strassenschaden",
        name="Straßenschaden",
        office=civil_works_office,
        response_days=5,
        questions=[
            {
                "code": "groesse",
                "label": "Wie groß ist der Schaden?",
                "datatype": "singlevaluelist",
                "required": False,
                "values": [{"key": "klein", "name": "kleiner als ein Teller"}, {"key": "gross", "name": "größer"}],
            }
        ],
    )


@pytest.fixture
def street_lighting(esslingen, civil_works_office):
    return CategoryFactory(
        municipality=esslingen, service_code="strassenbeleuchtung", name="Straßenbeleuchtung", office=civil_works_office
    )


@pytest.fixture
def tiefbau_clerk(other_office_clerk):
    """A clerk of the Tiefbauamt, the office responsible for road damage."""
    return other_office_clerk


@pytest.fixture
def buergeramt_clerk(clerk):
    """A clerk of the Bürgeramt, which has nothing to do with road damage."""
    return clerk


def jpeg_with_gps() -> bytes:
    """A JPEG with EXIF (camera, date) and a GPS block, as a phone writes it."""
    image = Image.new("RGB", (2400, 1800), (120, 110, 100))
    exif = Image.Exif()
    exif[0x010F] = "Beispielkamera"  # Make
    exif[0x0132] = "2026:05:04 10:11:12"  # DateTime
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (48.0, 44.0, 30.0)
    gps[3] = "E"
    gps[4] = (9.0, 18.0, 29.0)
    buffer = io.BytesIO()
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,44.5N"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    image.save(buffer, format="JPEG", exif=exif.tobytes(), comment=b"secret comment", xmp=xmp)
    return buffer.getvalue()


@pytest.fixture
def gps_photo() -> bytes:
    return jpeg_with_gps()
