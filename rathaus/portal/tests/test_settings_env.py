"""Numbers read from the environment are checked where they are read, not where they first do harm."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import env_int


def test_an_unset_or_blank_number_takes_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RATHAUS_TEST_NUMBER", raising=False)
    assert env_int("RATHAUS_TEST_NUMBER", 60, minimum=1) == 60
    monkeypatch.setenv("RATHAUS_TEST_NUMBER", "  ")
    assert env_int("RATHAUS_TEST_NUMBER", 60, minimum=1) == 60


def test_a_number_within_its_bounds_is_taken_including_the_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in (("1", 1), (" 42 ", 42), ("65535", 65535)):
        monkeypatch.setenv("RATHAUS_TEST_NUMBER", raw)
        assert env_int("RATHAUS_TEST_NUMBER", 25, minimum=1, maximum=65535) == expected


def test_a_number_below_its_minimum_is_refused_with_the_variable_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATHAUS_TEST_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match=r"^RATHAUS_TEST_NUMBER must be at least 1, not 0\.$"):
        env_int("RATHAUS_TEST_NUMBER", 60, minimum=1)
    monkeypatch.setenv("RATHAUS_TEST_NUMBER", "-5")
    with pytest.raises(ImproperlyConfigured, match="must be at least 0, not -5"):
        env_int("RATHAUS_TEST_NUMBER", 0, minimum=0)


def test_a_number_above_its_maximum_is_refused_with_the_variable_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATHAUS_TEST_NUMBER", "70000")
    with pytest.raises(ImproperlyConfigured, match=r"^RATHAUS_TEST_NUMBER must be at most 65535, not 70000\.$"):
        env_int("RATHAUS_TEST_NUMBER", 25, minimum=1, maximum=65535)


def test_a_number_without_bounds_may_be_negative(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATHAUS_TEST_NUMBER", "-3")
    assert env_int("RATHAUS_TEST_NUMBER", 0) == -3


def test_something_that_is_not_a_whole_number_is_still_refused_as_such(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATHAUS_TEST_NUMBER", "1.5")
    with pytest.raises(ImproperlyConfigured, match=r"must be a whole number, not '1\.5'"):
        env_int("RATHAUS_TEST_NUMBER", 60, minimum=1)
