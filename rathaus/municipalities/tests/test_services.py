import pytest
from django.core.exceptions import ValidationError

from rathaus.municipalities.models import contrast_with_white
from rathaus.municipalities.services import municipality_update_settings, unit_update_contact


def test_contrast_of_known_colours_matches_wcag():
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#FFFFFF") == pytest.approx(1.0)


def test_too_light_accent_colour_is_refused_and_the_old_one_kept(esslingen):
    old = esslingen.accent_colour

    with pytest.raises(ValidationError) as error:
        municipality_update_settings(municipality=esslingen, accent_colour="#FFD700")

    esslingen.refresh_from_db()
    assert "zu hell" in str(error.value)
    assert esslingen.accent_colour == old


def test_dark_accent_colour_is_accepted(esslingen):
    municipality_update_settings(municipality=esslingen, accent_colour="#A4161A")

    esslingen.refresh_from_db()
    assert esslingen.accent_colour == "#A4161A"


def test_settings_service_refuses_fields_that_are_not_editable(esslingen):
    with pytest.raises(ValueError, match="ars"):
        municipality_update_settings(municipality=esslingen, ars="081160019999")


def test_office_service_refuses_to_move_an_office_to_another_municipality(citizens_office, musterhausen):
    with pytest.raises(ValueError, match="municipality"):
        unit_update_contact(unit=citizens_office, municipality=musterhausen)
