"""Acceptance 2, first half: known inputs and weights give the ranking documented in docs/roadmap.md."""

from datetime import date, timedelta

import pytest

from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.roadmap import scoring
from rathaus.roadmap.selectors import ranking
from rathaus.roadmap.services import roadmap_settings_save, service_volume_set

from .factories import ProjectFactory

TODAY = date(2026, 11, 25)
DEFAULT = scoring.Weights(benefit=3, hours=3, legal=2, effort=1, risk=1)


@pytest.fixture
def documented_projects(esslingen):
    """The three projects of the worked example in docs/roadmap.md."""
    return {
        "A": ProjectFactory(
            municipality=esslingen,
            title="Gewerbeanmeldung online",
            expected_volume=1000,
            minutes_saved_per_case=30,
            effort_days=40,
            risk=2,
        ),
        "B": ProjectFactory(
            municipality=esslingen,
            title="E-Rechnung",
            expected_volume=200,
            minutes_saved_per_case=30,
            effort_days=20,
            risk=1,
            legal_deadline=TODAY,
        ),
        "C": ProjectFactory(
            municipality=esslingen,
            title="XBau-Anbindung",
            expected_volume=600,
            minutes_saved_per_case=5,
            effort_days=80,
            risk=5,
        ),
    }


def _order(esslingen, weights):
    return [entry.item.project.title for entry in ranking(municipality=esslingen, weights=weights, today=TODAY)]


def test_documented_weights_give_the_documented_ranking_and_scores(esslingen, documented_projects):
    ranked = ranking(municipality=esslingen, weights=DEFAULT, today=TODAY)

    assert [entry.item.project.title for entry in ranked] == ["Gewerbeanmeldung online", "E-Rechnung", "XBau-Anbindung"]
    assert [round(entry.score, 4) for entry in ranked] == [5.4167, 2.3333, -0.5]
    first = ranked[0]
    assert first.raw == scoring.Criteria(benefit=1000, hours=500, legal=0, effort=40, risk=2)
    assert first.contributions == pytest.approx({"benefit": 3, "hours": 3, "legal": 0, "effort": -1 / 3, "risk": -0.25})
    assert sum(first.contributions.values()) == pytest.approx(first.score)


def test_a_higher_legal_weight_puts_the_project_with_the_deadline_first(esslingen, documented_projects):
    weights = scoring.Weights(benefit=3, hours=3, legal=10, effort=1, risk=1)

    assert _order(esslingen, weights) == ["E-Rechnung", "Gewerbeanmeldung online", "XBau-Anbindung"]


def test_ignoring_benefit_and_hours_ranks_by_urgency_effort_and_risk(esslingen, documented_projects):
    weights = scoring.Weights(benefit=0, hours=0, legal=2, effort=1, risk=1)

    assert _order(esslingen, weights) == ["E-Rechnung", "Gewerbeanmeldung online", "XBau-Anbindung"]


def test_saved_weights_are_the_ones_the_timetable_uses(esslingen, municipality_admin, documented_projects):
    settings = roadmap_settings_save(municipality=esslingen, actor=municipality_admin, weight_legal=10)

    assert settings.weight_legal == 10
    assert settings.weight_benefit == 3


def test_citizen_benefit_is_the_measured_or_assumed_volume_of_the_services(esslingen):
    measured = ServiceFactory(municipality=esslingen)
    assumed = ServiceFactory(municipality=esslingen)
    service_volume_set(municipality=esslingen, actor=None, service=assumed, yearly_volume=700, source="Statistik 2025")
    project = ProjectFactory(municipality=esslingen, minutes_saved_per_case=12)
    project.services.set([measured, assumed])

    [entry] = ranking(municipality=esslingen, weights=DEFAULT, today=TODAY)

    assert entry.item.volume == 700
    assert entry.item.hours_saved == 140
    assert {source.service.pk: (source.measured, source.assumed) for source in entry.item.sources} == {
        measured.pk: (0, None),
        assumed.pk: (0, 700),
    }


def test_normalising_equal_values_gives_zero_and_spreads_others_from_zero_to_one():
    assert scoring.normalise([5, 5, 5]) == [0, 0, 0]
    assert scoring.normalise([20, 80, 40]) == [0, 1, pytest.approx(1 / 3)]


def test_legal_urgency_grows_over_the_three_years_before_the_deadline():
    assert scoring.legal_urgency(None, TODAY) == 0
    assert scoring.legal_urgency(TODAY + timedelta(days=4 * 365), TODAY) == 0
    assert scoring.legal_urgency(TODAY + timedelta(days=95), TODAY) == 1000
    assert scoring.legal_urgency(TODAY - timedelta(days=10), TODAY) == 1095


def test_a_legal_obligation_without_a_deadline_counts_as_due_in_two_years():
    assert scoring.legal_urgency(None, TODAY, obligated=True) == 365
    assert scoring.legal_urgency(None, TODAY, obligated=True) == scoring.legal_urgency(
        TODAY + timedelta(days=2 * 365), TODAY
    )
    assert scoring.legal_urgency(None, TODAY, obligated=False) == 0
