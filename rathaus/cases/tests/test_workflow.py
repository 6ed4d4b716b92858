"""Workflow definitions are checked before a case type may use them."""

import copy

from rathaus.cases.workflow import DEFAULT_WORKFLOW, Workflow, workflow_errors


def test_the_default_workflow_is_valid_and_pauses_only_while_waiting_for_the_applicant():
    workflow = Workflow(DEFAULT_WORKFLOW)

    assert workflow_errors(DEFAULT_WORKFLOW) == []
    assert workflow.keys_of_kind("paused") == ["rueckfrage"]
    assert [transition.key for transition in workflow.available("eingegangen", "clerk")] == ["bearbeitung_beginnen"]
    assert workflow.transition_for("in_bearbeitung", "citizen", "withdrawal").target == "zurueckgezogen"
    assert workflow.transition_for("entschieden", "citizen", "withdrawal") is None


def test_a_workflow_with_unknown_states_roles_or_missing_steps_is_explained():
    broken = copy.deepcopy(DEFAULT_WORKFLOW)
    broken["initial"] = "neu"
    broken["transitions"][0]["to"] = "irgendwo"
    broken["transitions"][0]["roles"] = ["hausmeister"]
    broken["transitions"] = [item for item in broken["transitions"] if item.get("via") != "withdrawal"]

    errors = " ".join(workflow_errors(broken))

    assert "Anfangszustand" in errors
    assert "„to“ ist kein bekannter Zustand" in errors
    assert "„roles“" in errors
    assert "withdrawal" in errors


def test_something_that_is_not_a_workflow_is_refused_with_a_sentence():
    assert workflow_errors([]) == ["Der Ablauf muss ein JSON-Objekt sein."]
    assert "Zuständen" in workflow_errors({"states": [], "transitions": []})[0]
