"""The demo cases of Esslingen: loaded by load_demo_data, repeatable, consistent with the workflow."""

import json

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from rathaus.accounts.models import StaffMembership
from rathaus.applications.models import Submission
from rathaus.cases import workflow as flow
from rathaus.cases.demo import DATA_FILE, DEMO_STAFF
from rathaus.cases.models import Case, CaseEvent, CaseType
from rathaus.municipalities.models import Municipality


@pytest.fixture
def demo(db):
    call_command("load_demo_data", "--with-demo-accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Municipality.objects.get(slug="esslingen")


def _demo_cases(municipality):
    # Defect reports are cases too, with their own workflow, demo and tests (rathaus/reports).
    return Case.objects.filter(municipality=municipality, report__isnull=True)


def _snapshot():
    return {
        "cases": sorted(Case.objects.values_list("reference", "state", "assignee_id", "received_at")),
        "events": CaseEvent.objects.count(),
        "submissions": Submission.objects.count(),
        "case_types": CaseType.objects.count(),
    }


def test_loading_the_demo_twice_creates_no_duplicates(demo):
    before = _snapshot()

    call_command("load_demo_data", "--with-demo-accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert _snapshot() == before
    assert not Case.objects.values("reference").annotate(count=Count("pk")).filter(count__gt=1).exists()


def test_esslingen_gets_25_to_40_demo_cases_and_musterhausen_none(demo):
    assert 25 <= _demo_cases(demo).count() <= 40
    assert not Case.objects.exclude(municipality=demo).exists()


def test_every_demo_case_is_in_a_valid_workflow_state(demo):
    today = timezone.localdate()
    for case in _demo_cases(demo).select_related("case_type"):
        workflow = flow.workflow_for(case.case_type)
        assert case.state in workflow.states, case.reference
        kind = workflow.kind(case.state)
        assert (case.paused_at is not None) == (kind == flow.PAUSED), case.reference
        if kind in (flow.OPEN, flow.PAUSED):
            assert case.decided_at is None and case.closed_at is None and not case.outcome, case.reference
        if kind == flow.DECIDED:
            assert case.decided_at is not None and case.outcome and case.closed_at is None, case.reference
        if kind == flow.CLOSED:
            assert case.closed_at is not None, case.reference
            assert case.received_at <= case.closed_at <= timezone.now(), case.reference
        assert case.received_at.date() <= today
        assert case.due_date is not None and case.due_date >= timezone.localdate(case.received_at)
        assert case.unit_id == case.case_type.responsible_unit_id
        events = list(case.events.order_by("created_at", "id"))
        assert events[0].kind == CaseEvent.Kind.CREATED, case.reference
        transitions = [event for event in events if event.kind == CaseEvent.Kind.TRANSITION]
        assert (transitions[-1].state_to if transitions else workflow.initial) == case.state, case.reference
        # Every step is one the workflow has, from the state the case was in.
        state = workflow.initial
        for event in transitions:
            transition = workflow.transitions[event.data["transition"]]
            assert event.state_from == state and state in transition.sources, case.reference
            state = transition.target


def test_demo_covers_every_state_several_channels_and_overdue_cases(demo):
    cases = _demo_cases(demo)
    workflow = flow.Workflow(flow.DEFAULT_WORKFLOW)

    assert set(cases.values_list("state", flat=True)) == set(workflow.states)
    assert {"online", "telefon", "brief", "schalter", "email"} <= set(cases.values_list("channel", flat=True))
    overdue = cases.filter(state__in=workflow.keys_of_kind(flow.OPEN), due_date__lt=timezone.localdate())
    assert overdue.count() >= 3
    assert set(cases.exclude(outcome="").values_list("outcome", flat=True)) == set(Case.Outcome.values)


def test_online_demo_cases_come_from_real_submissions(demo):
    online = _demo_cases(demo).filter(channel=Case.Channel.ONLINE).select_related("submission")

    assert online.count() == len(json.loads(DATA_FILE.read_text(encoding="utf-8"))["online"])
    for case in online:
        assert case.submission is not None
        assert case.reference == case.submission.reference
        assert case.applicant_name and case.applicant_address.endswith("Esslingen am Neckar")


def test_demo_case_types_have_the_demo_offices_as_responsible_units(demo):
    for entry in json.loads(DATA_FILE.read_text(encoding="utf-8"))["case_types"]:
        case_type = CaseType.objects.select_related("responsible_unit").get(
            municipality=demo, service__slug=entry["service"]
        )
        assert case_type.responsible_unit.slug == entry["unit"]


def test_demo_cases_go_to_demo_staff_who_work_in_the_cases_office(demo):
    clerk_cases = Case.objects.filter(municipality=demo, assignee__email=DEMO_STAFF["clerk"])
    lead_cases = Case.objects.filter(municipality=demo, assignee__email=DEMO_STAFF["lead"])

    assert clerk_cases.count() >= 5
    assert lead_cases.count() >= 3
    for case in Case.objects.filter(municipality=demo, assignee__isnull=False):
        assert StaffMembership.objects.filter(user=case.assignee, units=case.unit, is_active=True).exists()


def test_demo_without_accounts_leaves_cases_unassigned_until_the_accounts_exist(db):
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Case.objects.filter(assignee__isnull=False).exists()

    call_command("load_demo_data", "--with-demo-accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Case.objects.filter(assignee__email=DEMO_STAFF["clerk"]).count() >= 5
