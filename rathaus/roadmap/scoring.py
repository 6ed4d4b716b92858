"""The transparent priority score of the roadmap.

Each criterion is normalised to 0–1 across the projects being ranked (min–max):

    normalised = (value − smallest) / (largest − smallest), and 0 for every project if all values are equal.

The score is the weighted sum, with effort and risk counting against a project:

    score = w_benefit·n_benefit + w_hours·n_hours + w_legal·n_legal − w_effort·n_effort − w_risk·n_risk

Every ranking shows each term (the contribution) so nobody has to trust a black box. docs/roadmap.md
has a worked example.
"""

from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from django.utils.translation import gettext_lazy as _

Item = TypeVar("Item")

# Legal urgency grows linearly over the last three years before the deadline.
LEGAL_HORIZON_DAYS = 3 * 365
# An obligation without a deadline counts as if due in two years: a third of the full urgency.
UNDATED_OBLIGATION_DAYS_LEFT = 2 * 365

CRITERIA = ("benefit", "hours", "legal", "effort", "risk")
SIGN = {"benefit": 1, "hours": 1, "legal": 1, "effort": -1, "risk": -1}
LABELS = {
    "benefit": _("Nutzen (Fälle je Jahr)"),
    "hours": _("Eingesparte Stunden je Jahr"),
    "legal": _("Rechtliche Dringlichkeit"),
    "effort": _("Aufwand (Personentage)"),
    "risk": _("Risiko"),
}


@dataclass(frozen=True)
class Weights:
    benefit: float
    hours: float
    legal: float
    effort: float
    risk: float

    def of(self, criterion: str) -> float:
        return float(getattr(self, criterion))


@dataclass(frozen=True)
class Criteria:
    """The raw values of one project, in their own units."""

    benefit: float
    hours: float
    legal: float
    effort: float
    risk: float

    def of(self, criterion: str) -> float:
        return float(getattr(self, criterion))


@dataclass(frozen=True)
class Ranked(Generic[Item]):
    item: Item
    raw: Criteria
    normalised: dict[str, float]
    contributions: dict[str, float]
    score: float
    rank: int

    @property
    def terms(self) -> list[tuple[str, float, float, float]]:
        """(criterion, raw value, normalised value, contribution) in the order of ``CRITERIA``."""
        return [
            (criterion, self.raw.of(criterion), self.normalised[criterion], self.contributions[criterion])
            for criterion in CRITERIA
        ]


def legal_urgency(deadline: date | None, today: date, *, obligated: bool = False) -> float:
    """Days of the three-year horizon already used up: 0 far ahead, 1095 when due or late.

    A legal obligation without a deadline still binds: it counts as if due at the end of the horizon's
    second year (``UNDATED_OBLIGATION_DAYS_LEFT``), i.e. 365. Without an obligation and deadline: 0.
    """
    if deadline is None:
        return float(LEGAL_HORIZON_DAYS - UNDATED_OBLIGATION_DAYS_LEFT) if obligated else 0.0
    days_left = max(0, (deadline - today).days)
    return float(max(0, LEGAL_HORIZON_DAYS - days_left))


def normalise(values: list[float]) -> list[float]:
    """Min–max normalisation to 0–1; all zero when the values do not differ (the criterion cannot decide)."""
    if not values:
        return []
    smallest, largest = min(values), max(values)
    if largest == smallest:
        return [0.0 for _value in values]
    return [(value - smallest) / (largest - smallest) for value in values]


def rank(items: list[tuple[Item, Criteria]], weights: Weights) -> list[Ranked[Item]]:
    """The items by descending score; equal scores keep the order they were given in."""
    columns = {criterion: normalise([raw.of(criterion) for _item, raw in items]) for criterion in CRITERIA}
    scored = []
    for index, (item, raw) in enumerate(items):
        normalised = {criterion: columns[criterion][index] for criterion in CRITERIA}
        contributions = {
            criterion: SIGN[criterion] * weights.of(criterion) * normalised[criterion] for criterion in CRITERIA
        }
        scored.append((index, item, raw, normalised, contributions, sum(contributions.values())))
    scored.sort(key=lambda row: (-round(row[5], 9), row[0]))
    return [
        Ranked(item=item, raw=raw, normalised=normalised, contributions=contributions, score=score, rank=position + 1)
        for position, (_index, item, raw, normalised, contributions, score) in enumerate(scored)
    ]
