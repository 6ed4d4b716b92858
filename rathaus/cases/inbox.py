"""The office inbox: the cases of the clerk's offices, filtered, searched and sorted.

Every query starts from ``selectors.cases_for_staff`` (the clerk's offices only) and keeps to the
inbox indexes of ``Case``: (unit, received_at), (unit, state, received_at), (unit, due_date) and
(assignee, received_at). Nothing here reads all cases of the municipality.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from rathaus.accounts.models import StaffMembership, User
from rathaus.municipalities.models import Municipality

from . import selectors
from . import workflow as flow
from .models import Case, CaseType

ASSIGNEE_ME = "ich"
ASSIGNEE_NOBODY = "niemand"

SORT_NEWEST = "neueste"
SORT_OLDEST = "aelteste"
SORT_DUE = "frist"
SORT_REFERENCE = "aktenzeichen"

_ORDERINGS: dict[str, list[Any]] = {
    SORT_NEWEST: ["-received_at", "-id"],
    SORT_OLDEST: ["received_at", "id"],
    SORT_DUE: [F("due_date").asc(nulls_last=True), "received_at", "id"],
    SORT_REFERENCE: ["reference"],
}


@dataclass
class InboxFilters:
    """What the clerk asked for; empty values mean "no restriction"."""

    search: str = ""
    state: str = ""
    service_id: int | None = None
    assignee: str = ""
    overdue: bool = False
    received_from: date | None = None
    received_to: date | None = None
    sort: str = SORT_NEWEST


@dataclass
class InboxScope:
    """The offices a clerk works in, with the case types processed there and their workflows."""

    municipality: Municipality
    membership: StaffMembership
    unit_ids: list[int]
    case_types: list[CaseType]
    workflows: dict[int, flow.Workflow] = field(default_factory=dict)

    def state_choices(self) -> list[tuple[str, str]]:
        """Every state of the offices' workflows once, in workflow order."""
        seen: dict[str, str] = {}
        for workflow in [flow.default_workflow(), *self.workflows.values()]:
            for key, state in workflow.states.items():
                seen.setdefault(key, state.label)
        return list(seen.items())

    def open_states(self) -> list[str]:
        """States in which the deadline runs (not paused, decided or closed)."""
        keys: set[str] = set()
        for workflow in [flow.default_workflow(), *self.workflows.values()]:
            keys.update(workflow.keys_of_kind(flow.OPEN))
        return sorted(keys)

    def workflow(self, case_type_id: int) -> flow.Workflow:
        return self.workflows.get(case_type_id) or flow.default_workflow()


def inbox_scope(*, municipality: Municipality, membership: StaffMembership) -> InboxScope:
    unit_ids = selectors.staff_unit_ids(membership) if membership.municipality_id == municipality.pk else []
    case_types = list(selectors.case_types_of_units(municipality=municipality, unit_ids=unit_ids))
    return InboxScope(
        municipality=municipality,
        membership=membership,
        unit_ids=unit_ids,
        case_types=case_types,
        workflows={case_type.pk: flow.workflow_for(case_type) for case_type in case_types},
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def inbox_cases(*, scope: InboxScope, filters: InboxFilters, user: User) -> QuerySet[Case]:
    """The inbox's cases for ``filters``, sorted, with what a row shows already joined."""
    cases = selectors.cases_for_staff(municipality=scope.municipality, membership=scope.membership)
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.service_id:
        cases = cases.filter(service_id=filters.service_id)
    if filters.assignee == ASSIGNEE_ME:
        cases = cases.filter(assignee=user)
    elif filters.assignee == ASSIGNEE_NOBODY:
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        cases = cases.filter(assignee_id=int(filters.assignee))
    if filters.overdue:
        cases = cases.filter(state__in=scope.open_states(), due_date__lt=timezone.localdate())
    if filters.received_from:
        cases = cases.filter(received_at__gte=_day_start(filters.received_from))
    if filters.received_to:
        cases = cases.filter(received_at__lt=_day_start(filters.received_to) + timedelta(days=1))
    search = filters.search.strip()
    if search:
        cases = cases.filter(
            Q(reference__icontains=search) | Q(applicant_name__icontains=search) | Q(applicant_email__icontains=search)
        )
    ordering = _ORDERINGS.get(filters.sort, _ORDERINGS[SORT_NEWEST])
    return cases.select_related("service", "assignee").order_by(*ordering)


def case_is_overdue(case: Case, workflow: flow.Workflow, today: date | None = None) -> bool:
    """The deadline has passed while the case is in a state where it runs."""
    today = today or timezone.localdate()
    return case.due_date is not None and case.due_date < today and workflow.kind(case.state) == flow.OPEN
