"""Fixtures shared by the cases tests."""

from datetime import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def freezer_at(monkeypatch):
    """Call with an aware datetime to make ``timezone.now()`` (and so every date the code takes) return it."""

    def freeze(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze
