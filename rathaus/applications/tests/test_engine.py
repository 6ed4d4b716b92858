"""The form engine's rules: conditions, the path through the pages, pruned answers, fees and checks."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from rathaus.applications.definition import definition_errors
from rathaus.applications.engine import (
    answer_rows,
    answers_on_path,
    condition_holds,
    fee_lines,
    fee_total,
    first_open_page,
    journey,
    rule_errors,
)

DOG_TAX = {
    "schema_version": 1,
    "title": "Hundesteuer",
    "pages": [
        {
            "key": "wohnort",
            "title": "Wohnort",
            "fields": [{"key": "in_esslingen", "type": "yesno", "label": "Wohnen Sie in Esslingen?", "required": True}],
            "next": [{"when": {"field": "in_esslingen", "op": "eq", "value": False}, "goto": "ende"}],
        },
        {
            "key": "hunde",
            "title": "Ihre Hunde",
            "fields": [
                {
                    "key": "hunde",
                    "type": "group",
                    "label": "Hunde",
                    "min_items": 1,
                    "fields": [
                        {"key": "name", "type": "text", "label": "Name", "required": True},
                        {"key": "rasse", "type": "choice", "label": "Rasse", "options": [{"value": "x", "label": "X"}]},
                    ],
                }
            ],
        },
        {
            "key": "zeitraum",
            "title": "Zeitraum",
            "condition": {"field": "hunde", "op": "answered"},
            "fields": [
                {"key": "von", "type": "date", "label": "Von"},
                {"key": "bis", "type": "date", "label": "Bis"},
                {"key": "betrag", "type": "money", "label": "Betrag", "condition": {"field": "von", "op": "answered"}},
            ],
        },
        {"key": "ende", "title": "Nicht möglich", "kind": "exit", "intro": "Nur für Esslingen."},
    ],
    "rules": [
        {
            "when": {"field": "bis", "op": "lt", "value": {"field": "von"}},
            "message": "Ende vor Beginn",
            "page": "zeitraum",
            "field": "bis",
        }
    ],
    "fees": [
        {"label": "Hund", "amount": "132.00", "per": "hunde"},
        {"label": "Zuschlag", "amount": "10.50", "when": {"field": "betrag", "op": "gt", "value": "100"}},
    ],
}


def test_the_dog_tax_example_is_a_valid_definition():
    assert definition_errors(DOG_TAX) == []


def test_a_branch_leads_to_the_exit_page_and_the_journey_stops_there():
    path = journey(DOG_TAX, {"in_esslingen": False})

    assert [page["key"] for page in path] == ["wohnort", "ende"]


def test_a_page_with_an_unmet_condition_is_skipped_and_the_exit_page_is_never_reached_in_order():
    path = journey(DOG_TAX, {"in_esslingen": True})

    assert [page["key"] for page in path] == ["wohnort", "hunde"]


def test_the_path_grows_as_answers_meet_conditions():
    path = journey(DOG_TAX, {"in_esslingen": True, "hunde": [{"name": "Bello"}]})

    assert [page["key"] for page in path] == ["wohnort", "hunde", "zeitraum"]


def test_answers_on_pages_left_behind_are_dropped():
    answers = {"in_esslingen": False, "hunde": [{"name": "Bello"}], "von": "2026-12-01"}

    assert answers_on_path(DOG_TAX, answers) == {"in_esslingen": False}


def test_conditions_compare_dates_numbers_and_other_answers():
    answers = {"von": "2026-12-10", "bis": "2026-12-01", "betrag": "120.00", "liste": ["a", "b"]}

    assert condition_holds({"field": "bis", "op": "lt", "value": {"field": "von"}}, answers)
    assert condition_holds({"field": "betrag", "op": "gt", "value": 99.5}, answers)
    assert not condition_holds({"field": "betrag", "op": "gt", "value": "abc"}, answers)
    assert condition_holds({"field": "liste", "op": "contains", "value": "b"}, answers)
    assert condition_holds({"field": "fehlt", "op": "not_answered"}, answers)
    assert condition_holds(
        {"any": [{"field": "fehlt", "op": "answered"}, {"not": {"field": "von", "op": "eq", "value": "x"}}]}, answers
    )


def test_a_date_condition_can_be_relative_to_today():
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    assert condition_holds({"field": "datum", "op": "gt", "value": {"today_plus_days": 0}}, {"datum": tomorrow})
    assert not condition_holds({"field": "datum", "op": "gt", "value": {"today_plus_days": 2}}, {"datum": tomorrow})


def test_a_cross_field_rule_reports_its_message_on_its_page():
    errors = rule_errors(DOG_TAX, {"von": "2026-12-10", "bis": "2026-12-01"}, "zeitraum")

    assert errors == [("bis", "Ende vor Beginn")]
    assert rule_errors(DOG_TAX, {"von": "2026-12-10", "bis": "2026-12-01"}, "hunde") == []


def test_fees_multiply_by_the_number_of_group_items_and_count_only_when_their_condition_holds():
    lines = fee_lines(DOG_TAX, {"hunde": [{"name": "Bello"}, {"name": "Luna"}], "betrag": "150.00"})

    assert [(line.quantity, line.total) for line in lines] == [(2, Decimal("264.00")), (1, Decimal("10.50"))]
    assert fee_total(lines) == Decimal("274.50")


def test_the_first_open_page_is_an_unvisited_page_or_one_with_a_missing_required_answer():
    assert first_open_page(DOG_TAX, {}, [])["key"] == "wohnort"
    assert first_open_page(DOG_TAX, {"in_esslingen": True}, ["wohnort"])["key"] == "hunde"
    answers = {"in_esslingen": True, "hunde": [{"name": "Bello"}]}
    assert first_open_page(DOG_TAX, answers, ["wohnort", "hunde", "zeitraum"]) is None
    assert first_open_page(DOG_TAX, {"in_esslingen": None}, ["wohnort"])["key"] == "wohnort"


def test_answer_rows_read_group_items_choices_and_money_in_german():
    rows = answer_rows(
        DOG_TAX,
        {"in_esslingen": True, "hunde": [{"name": "Bello", "rasse": "x"}], "von": "2026-12-01", "betrag": "1234.50"},
        "de",
    )

    by_key = {row.field_key: row for row in rows}
    assert by_key["in_esslingen"].value == "Ja"
    assert [member.value for member in by_key["hunde"].items[0]] == ["Bello", "X"]
    assert by_key["von"].value == "01.12.2026"
    assert by_key["betrag"].value == "1.234,50 Euro"


def test_definition_errors_name_duplicate_keys_backward_branches_and_unknown_fields():
    broken = {
        "schema_version": 1,
        "title": "Kaputt",
        "pages": [
            {"key": "eins", "title": "Eins", "fields": [{"key": "a", "type": "text", "label": "A"}]},
            {
                "key": "zwei",
                "title": "Zwei",
                "fields": [
                    {"key": "a", "type": "text", "label": "A", "condition": {"field": "gibtsnicht", "op": "answered"}}
                ],
                "next": [{"when": {"field": "a", "op": "answered"}, "goto": "eins"}],
            },
        ],
        "fees": [{"label": "X", "amount": "1.00", "per": "auch_nicht"}],
    }

    errors = " | ".join(definition_errors(broken))

    assert "„a“ kommt mehrfach vor" in errors
    assert "nur zu einer späteren Seite" in errors
    assert "„gibtsnicht“" in errors
    assert "„auch_nicht“" in errors


def test_definition_errors_report_schema_violations_with_their_place():
    errors = definition_errors({"schema_version": 1, "title": "X", "pages": [{"key": "Ungültig!", "title": "T"}]})

    assert errors and errors[0].startswith("pages/0/key")


def test_the_schema_is_published_under_the_api(esslingen_client):
    response = esslingen_client.get("/api/v1/schemas/form-definition.json")

    assert response.status_code == 200
    assert response.json()["$defs"]["field"]["properties"]["type"]["enum"][0] == "text"
