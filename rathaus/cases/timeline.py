"""The citizen's view of a case in plain German: where it stands, what happened and what comes next.

Staff vocabulary ("Rückfrage beim Antragsteller", "via reply") is translated here into sentences
addressed to the citizen. Custom workflows fall back to their own state labels.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import workflow as flow
from .models import Case, CaseEvent

# Transitions that always come with an event of their own (REQUEST, ANSWER, WITHDRAWN), which
# tells the citizen more; the bare state change is then left out so nothing is said twice.
_DESCRIBED_ELSEWHERE = ("request", "reply", "withdrawal")


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    text: str


@dataclass(frozen=True)
class NextStep:
    text: str
    expected: str


def _workflow_label(case: Case, workflow: flow.Workflow, state_key: str) -> str:
    state = workflow.states.get(state_key)
    if state is None:
        return state_key
    if translation.get_language() == "en" and state.label_en:
        return state.label_en
    return state.label


def outcome_label(case: Case) -> str:
    return str(Case.Outcome(case.outcome).label) if case.outcome in Case.Outcome.values else ""


def state_text(case: Case, workflow: flow.Workflow | None = None) -> str:
    """The current state of ``case`` as the citizen reads it, e.g. "Wartet auf Ihre Antwort"."""
    workflow = workflow or flow.workflow_for(case.case_type)
    known = {
        flow.RECEIVED: _("Eingegangen"),
        flow.IN_PROGRESS: _("In Bearbeitung"),
        flow.WAITING: _("Wartet auf Ihre Antwort"),
        flow.CLOSED_STATE: _("Abgeschlossen"),
        flow.WITHDRAWN: _("Zurückgezogen"),
    }
    kind = workflow.kind(case.state)
    if kind == flow.DECIDED or case.state == flow.DECIDED_STATE:
        outcome = outcome_label(case)
        return _("Entschieden: %(outcome)s") % {"outcome": outcome} if outcome else _("Entschieden")
    if case.state in known and case.state in workflow.states:
        return str(known[case.state])
    if kind == flow.PAUSED:
        return _("Wartet auf Ihre Antwort")
    return _workflow_label(case, workflow, case.state)


def _transition_text(case: Case, event: CaseEvent, workflow: flow.Workflow) -> str | None:
    transition = workflow.transitions.get(str(event.data.get("transition", "")))
    if transition is not None and transition.via in _DESCRIBED_ELSEWHERE:
        return None
    target = event.state_to
    kind = workflow.kind(target)
    if kind == flow.DECIDED:
        outcome = outcome_label(case)
        return (
            _("Entscheidung: %(outcome)s") % {"outcome": outcome}
            if outcome
            else _("Wir haben über Ihren Antrag entschieden.")
        )
    if target == flow.IN_PROGRESS or (kind == flow.OPEN and event.state_from == workflow.initial):
        return _("Wir bearbeiten Ihren Antrag.")
    if kind == flow.PAUSED:
        return _("Wir haben Ihnen eine Rückfrage gestellt. Die Bearbeitungsfrist ruht, bis Sie antworten.")
    if target == flow.WITHDRAWN:
        return _("Sie haben Ihren Antrag zurückgezogen.")
    if kind == flow.CLOSED:
        return _("Ihr Vorgang ist abgeschlossen.")
    return _("Neuer Stand: %(state)s") % {"state": _workflow_label(case, workflow, target)}


def event_text(case: Case, event: CaseEvent, workflow: flow.Workflow | None = None) -> str | None:
    """One public event in plain German, or None when it adds nothing for the citizen."""
    workflow = workflow or flow.workflow_for(case.case_type)
    kind = event.kind
    if kind == CaseEvent.Kind.CREATED:
        if event.data.get("channel") in (Case.Channel.ONLINE, Case.Channel.ASSISTED, ""):
            return _("Ihr Antrag ist eingegangen.")
        return _("Ihr Anliegen ist bei uns eingegangen.")
    if kind == CaseEvent.Kind.TRANSITION:
        return _transition_text(case, event, workflow)
    texts = {
        CaseEvent.Kind.REQUEST: _(
            "Wir haben Ihnen eine Rückfrage gestellt. Die Bearbeitungsfrist ruht, bis Sie antworten."
        ),
        CaseEvent.Kind.ANSWER: _(
            "Ihre Antwort auf unsere Rückfrage ist eingegangen. Wir bearbeiten Ihren Antrag weiter."
        ),
        CaseEvent.Kind.MESSAGE_SENT: _("Wir haben Ihnen eine Nachricht geschickt."),
        CaseEvent.Kind.MESSAGE_RECEIVED: _("Ihre Nachricht ist bei uns eingegangen."),
        CaseEvent.Kind.DECISION_SENT: _("Der Bescheid liegt in Ihrem Postfach."),
        CaseEvent.Kind.WITHDRAWN: _("Sie haben Ihren Antrag zurückgezogen."),
    }
    if kind in texts:
        return str(texts[CaseEvent.Kind(kind)])
    # Staff-only kinds are never public; anything else made public is named, not explained.
    return str(CaseEvent.Kind(kind).label) if kind in CaseEvent.Kind.values else None


def timeline(case: Case, events: Iterable[CaseEvent]) -> list[TimelineEntry]:
    """The public events of ``case``, oldest first, each as a sentence for the citizen."""
    workflow = flow.workflow_for(case.case_type)
    entries = []
    for event in events:
        if not event.public:
            continue
        text = event_text(case, event, workflow)
        if text:
            entries.append(TimelineEntry(when=event.created_at, text=text))
    return entries


def next_step(case: Case, workflow: flow.Workflow | None = None) -> NextStep | None:
    """What happens next and when, or None once nothing more happens."""
    workflow = workflow or flow.workflow_for(case.case_type)
    kind = workflow.kind(case.state)
    expected = _expected_by(case.due_date)
    if kind == flow.PAUSED:
        return NextStep(
            text=_(
                "Bitte beantworten Sie unsere Rückfrage in Ihrem Postfach. Danach bearbeiten wir Ihren Antrag weiter."
            ),
            expected=_("Die Bearbeitungsfrist ruht. Sie läuft weiter, sobald Sie geantwortet haben."),
        )
    if kind == flow.OPEN:
        if case.state == workflow.initial:
            text = _(
                "Ihr Antrag wartet auf die Bearbeitung. Wir melden uns in Ihrem Postfach, wenn wir etwas brauchen."
            )
        else:
            text = _(
                "Wir prüfen Ihren Antrag. Sobald es Neuigkeiten gibt, finden Sie eine Nachricht in Ihrem Postfach."
            )
        return NextStep(text=text, expected=expected)
    if kind == flow.DECIDED:
        return NextStep(
            text=_("Über Ihren Antrag ist entschieden. Den Bescheid finden Sie in Ihrem Postfach."), expected=""
        )
    return None


def _expected_by(due_date: date | None) -> str:
    if due_date is None:
        return ""
    return _("Voraussichtlich bis zum %(date)s.") % {"date": date_format(due_date, "SHORT_DATE_FORMAT")}
