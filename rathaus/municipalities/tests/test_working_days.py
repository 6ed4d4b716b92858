"""Deadlines count Monday to Friday and skip Baden-Württemberg's public holidays."""

from datetime import date

from rathaus.municipalities.working_days import is_working_day, working_days_after, working_days_between


def test_a_deadline_skips_the_weekend():
    # Thursday 2026-11-19 + 3 working days: Friday, Monday, Tuesday.
    assert working_days_after(date(2026, 11, 19), 3) == date(2026, 11, 24)


def test_a_deadline_skips_christmas_and_new_year_and_epiphany():
    # Wed 23 Dec 2026: 24th (Thu) counts, 25th/26th are holidays, 28–31 count, 1 Jan holiday,
    # 2/3 Jan weekend, 4/5 Jan count, 6 Jan (Epiphany, a holiday in Baden-Württemberg) does not.
    assert working_days_after(date(2026, 12, 23), 7) == date(2027, 1, 5)
    assert working_days_after(date(2026, 12, 23), 8) == date(2027, 1, 7)


def test_corpus_christi_and_all_saints_are_holidays_in_baden_wuerttemberg():
    assert not is_working_day(date(2026, 6, 4))  # Fronleichnam
    assert not is_working_day(date(2026, 11, 1))  # Allerheiligen (a Sunday, too)
    assert not is_working_day(date(2027, 11, 1))  # Allerheiligen on a Monday
    assert is_working_day(date(2026, 10, 30))  # Reformationstag is not a holiday in BW


def test_working_days_between_counts_days_after_the_start_up_to_the_end():
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 23)) == 1  # Friday to Monday
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0
    assert working_days_between(date(2026, 11, 24), date(2026, 11, 23)) == 0
    assert working_days_between(date(2026, 12, 23), date(2027, 1, 7)) == 8
