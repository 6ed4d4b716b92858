"""References like ES-2026-000123 count per municipality and year, one statement per number."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rathaus.applications.models import ReferenceSequence
from rathaus.applications.services import reference_next


def test_references_of_a_year_count_up_from_one(esslingen):
    first = reference_next(municipality=esslingen, year=2026)
    second = reference_next(municipality=esslingen, year=2026)

    assert (first, second) == (
        f"{esslingen.reference_prefix}-2026-000001",
        f"{esslingen.reference_prefix}-2026-000002",
    )


def test_a_new_year_starts_again_at_one_and_keeps_the_old_years_count(esslingen):
    reference_next(municipality=esslingen, year=2026)
    reference_next(municipality=esslingen, year=2026)

    assert reference_next(municipality=esslingen, year=2027).endswith("-2027-000001")
    assert ReferenceSequence.objects.get(municipality=esslingen, year=2026).last_number == 2


def test_each_municipality_counts_on_its_own(esslingen, musterhausen):
    reference_next(municipality=esslingen, year=2026)

    assert reference_next(municipality=musterhausen, year=2026).endswith("-2026-000001")


def test_a_number_after_the_first_of_the_year_takes_one_statement(esslingen):
    reference_next(municipality=esslingen, year=2026)
    with CaptureQueriesContext(connection) as queries:
        reference_next(municipality=esslingen, year=2026)

    assert len(queries) == 1
