"""A registry of everything the product stores about a person.

Each domain registers one provider: what it exports for "Meine Daten herunterladen", what it
must keep by law when an account is deleted, and how it erases or anonymises the rest. A
domain that stores personal data and registers nothing here is a bug.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class PersonalDataProvider:
    key: str
    export: Callable[["User"], Any]
    erase: Callable[["User"], str]
    # Plain-German sentence for the deletion page: what is kept and why; empty when nothing is.
    retention_notice: Callable[["User"], str]


_providers: dict[str, PersonalDataProvider] = {}


def register(provider: PersonalDataProvider) -> None:
    _providers[provider.key] = provider


def providers() -> list[PersonalDataProvider]:
    return list(_providers.values())


def register_builtin_providers() -> None:
    from . import personal_data_accounts

    register(personal_data_accounts.provider)
