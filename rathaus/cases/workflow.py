"""Case workflows: states, transitions and who may take them, stored per case type as JSON.

A state has a ``kind``: ``open`` (the deadline runs), ``paused`` (waiting for the applicant; the
deadline stops), ``decided`` and ``closed``. Transitions marked ``via`` are not buttons of their
own: they happen through a request for information, a decision letter or the citizen's withdrawal.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.translation import gettext_lazy as _

OPEN, PAUSED, DECIDED, CLOSED = "open", "paused", "decided", "closed"
KINDS = (OPEN, PAUSED, DECIDED, CLOSED)
ROLES = ("clerk", "office_lead", "citizen")

RECEIVED = "eingegangen"
IN_PROGRESS = "in_bearbeitung"
WAITING = "rueckfrage"
DECIDED_STATE = "entschieden"
CLOSED_STATE = "abgeschlossen"
WITHDRAWN = "zurueckgezogen"

DEFAULT_WORKFLOW: dict[str, Any] = {
    "initial": RECEIVED,
    "states": [
        {"key": RECEIVED, "label": "Eingegangen", "label_en": "Received", "kind": OPEN},
        {"key": IN_PROGRESS, "label": "In Bearbeitung", "label_en": "In progress", "kind": OPEN},
        {
            "key": WAITING,
            "label": "Rückfrage beim Antragsteller",
            "label_en": "Waiting for the applicant",
            "kind": PAUSED,
        },
        {"key": DECIDED_STATE, "label": "Entschieden", "label_en": "Decided", "kind": DECIDED},
        {"key": CLOSED_STATE, "label": "Abgeschlossen", "label_en": "Closed", "kind": CLOSED},
        {"key": WITHDRAWN, "label": "Zurückgezogen", "label_en": "Withdrawn", "kind": CLOSED},
    ],
    "transitions": [
        {
            "key": "bearbeitung_beginnen",
            "label": "Bearbeitung beginnen",
            "label_en": "Start processing",
            "from": [RECEIVED],
            "to": IN_PROGRESS,
            "roles": ["clerk", "office_lead"],
        },
        {
            "key": "rueckfrage",
            "label": "Rückfrage stellen",
            "label_en": "Ask the applicant",
            "from": [RECEIVED, IN_PROGRESS],
            "to": WAITING,
            "roles": ["clerk", "office_lead"],
            "via": "request",
        },
        {
            "key": "antwort_erhalten",
            "label": "Antwort erhalten",
            "label_en": "Answer received",
            "from": [WAITING],
            "to": IN_PROGRESS,
            "roles": ["citizen", "clerk", "office_lead"],
            "via": "reply",
        },
        {
            "key": "entscheiden",
            "label": "Bescheid erstellen",
            "label_en": "Write the decision",
            "from": [RECEIVED, IN_PROGRESS],
            "to": DECIDED_STATE,
            "roles": ["clerk", "office_lead"],
            "via": "decision",
        },
        {
            "key": "abschliessen",
            "label": "Vorgang abschließen",
            "label_en": "Close the case",
            "from": [DECIDED_STATE],
            "to": CLOSED_STATE,
            "roles": ["clerk", "office_lead"],
        },
        {
            "key": "zurueckziehen",
            "label": "Antrag zurückziehen",
            "label_en": "Withdraw the application",
            "from": [RECEIVED, IN_PROGRESS, WAITING],
            "to": WITHDRAWN,
            "roles": ["citizen"],
            "via": "withdrawal",
        },
    ],
}


class WorkflowError(ValueError):
    """A workflow definition that cannot work; the message says why, for an administrator."""


@dataclass(frozen=True)
class State:
    key: str
    label: str
    label_en: str
    kind: str


@dataclass(frozen=True)
class Transition:
    key: str
    label: str
    label_en: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    via: str


class Workflow:
    """A validated workflow definition with lookups by key."""

    def __init__(self, definition: dict[str, Any]) -> None:
        errors = workflow_errors(definition)
        if errors:
            raise WorkflowError(" ".join(errors))
        self.initial: str = definition["initial"]
        self.states = {
            item["key"]: State(item["key"], item["label"], item.get("label_en", ""), item["kind"])
            for item in definition["states"]
        }
        self.transitions = {
            item["key"]: Transition(
                item["key"],
                item["label"],
                item.get("label_en", ""),
                tuple(item["from"]),
                item["to"],
                tuple(item["roles"]),
                item.get("via", ""),
            )
            for item in definition["transitions"]
        }

    def state(self, key: str) -> State:
        return self.states[key]

    def kind(self, key: str) -> str:
        state = self.states.get(key)
        return state.kind if state else CLOSED

    def keys_of_kind(self, *kinds: str) -> list[str]:
        return [key for key, state in self.states.items() if state.kind in kinds]

    def available(self, state: str, role: str, *, via: str = "") -> list[Transition]:
        """Transitions out of ``state`` that ``role`` may take through ``via`` ('' = the plain buttons)."""
        return [
            transition
            for transition in self.transitions.values()
            if state in transition.sources and role in transition.roles and transition.via == via
        ]

    def transition_for(self, state: str, role: str, via: str) -> Transition | None:
        options = self.available(state, role, via=via)
        return options[0] if options else None


def workflow_errors(definition: Any) -> list[str]:
    """Every reason why ``definition`` is not a usable workflow, in German for administrators."""
    errors: list[str] = []
    if not isinstance(definition, dict):
        return [str(_("Der Ablauf muss ein JSON-Objekt sein."))]
    states = definition.get("states")
    transitions = definition.get("transitions")
    if not isinstance(states, list) or not states:
        return [str(_("Der Ablauf braucht eine Liste von Zuständen („states“)."))]
    if not isinstance(transitions, list):
        return [str(_("Der Ablauf braucht eine Liste von Übergängen („transitions“)."))]
    keys: set[str] = set()
    for state in states:
        if not isinstance(state, dict) or not isinstance(state.get("key"), str) or not state.get("label"):
            errors.append(str(_("Jeder Zustand braucht „key“ und „label“.")))
            continue
        if state["key"] in keys:
            errors.append(str(_("Der Zustand „%(key)s“ ist doppelt.") % {"key": state["key"]}))
        keys.add(state["key"])
        if state.get("kind") not in KINDS:
            errors.append(
                str(_("Zustand „%(key)s“: „kind“ muss open, paused, decided oder closed sein.") % {"key": state["key"]})
            )
    if definition.get("initial") not in keys:
        errors.append(str(_("Der Anfangszustand („initial“) muss einer der Zustände sein.")))
    transition_keys: set[str] = set()
    for transition in transitions:
        if not isinstance(transition, dict) or not isinstance(transition.get("key"), str):
            errors.append(str(_("Jeder Übergang braucht einen „key“.")))
            continue
        key = transition["key"]
        if key in transition_keys:
            errors.append(str(_("Der Übergang „%(key)s“ ist doppelt.") % {"key": key}))
        transition_keys.add(key)
        sources = transition.get("from")
        if not isinstance(sources, list) or not sources or any(source not in keys for source in sources):
            errors.append(str(_("Übergang „%(key)s“: „from“ nennt unbekannte Zustände.") % {"key": key}))
        if transition.get("to") not in keys:
            errors.append(str(_("Übergang „%(key)s“: „to“ ist kein bekannter Zustand.") % {"key": key}))
        roles = transition.get("roles")
        if not isinstance(roles, list) or not roles or any(role not in ROLES for role in roles):
            errors.append(
                str(_("Übergang „%(key)s“: „roles“ darf nur clerk, office_lead und citizen nennen.") % {"key": key})
            )
        if not transition.get("label"):
            errors.append(str(_("Übergang „%(key)s“ braucht ein „label“.") % {"key": key}))
    for via in ("request", "reply", "decision", "withdrawal"):
        if not any(isinstance(item, dict) and item.get("via") == via for item in transitions):
            errors.append(
                str(
                    _("Es fehlt ein Übergang mit „via“: „%(via)s“ (Rückfrage, Antwort, Bescheid, Rücknahme).")
                    % {"via": via}
                )
            )
    return errors


@cache
def default_workflow() -> Workflow:
    """The default workflow, checked once per process; most case types use it."""
    return Workflow(DEFAULT_WORKFLOW)


def workflow_for(case_type: Any) -> Workflow:
    return Workflow(case_type.workflow) if case_type.workflow else default_workflow()
