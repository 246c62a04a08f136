"""A member's runs through the dilemmas: the rules; app/data/scenario_runs.py finds and adds rows.

A run is in progress until it reaches an ending, then finished for good: replaying a dilemma
starts a new run, so a finished run (which certificates and reports count) never changes back.
Each change is one transaction, made after a state check on the run's row (locked on
PostgreSQL; SQLite already takes the write lock at the start of every transaction).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping

from app import clock
from app.content.scenarios import Scenario
from app.data import scenario_runs as runs_data
from app.extensions import db
from app.scenarios import walk
from app.vocabulary import RunStatus

if TYPE_CHECKING:
    from app.models import Person, ScenarioRun

IN_PROGRESS, FINISHED = RunStatus.IN_PROGRESS, RunStatus.FINISHED
REFLECTION_MAX = 5000


def _event(action: str, **detail) -> dict:
    return {"action": action, "at": clock.now().isoformat(timespec="seconds"), **detail}


def owned_run(person: Person, run_id: int, for_update: bool = False) -> ScenarioRun | None:
    """The run if it is this person's, otherwise None: another member's run is never found."""
    return runs_data.owned(person.id, run_id, for_update)


def open_run(person: Person, scenario_id: str) -> ScenarioRun | None:
    return runs_data.open_run(person.id, scenario_id)


def start(person: Person, scenario: Scenario) -> ScenarioRun:
    """The member's run in progress for this dilemma, or a new one: a double click makes one."""
    # Lock the person's row so that two requests at once cannot both find no run and add one.
    runs_data.lock_member(person.id)
    run = open_run(person, scenario.id)
    if run is None:
        run = runs_data.new_run(person.id, scenario.id, _event("start"), clock.now())
    db.session.commit()
    return run


@dataclass(frozen=True)
class Outcome:
    """What became of a submission: recorded, a harmless repeat, or refused (with why)."""

    recorded: bool
    refused: walk.ChoiceRefused | None = None

    @property
    def repeat(self) -> bool:
        return not self.recorded and self.refused is None


def _save_path(run: ScenarioRun, scenario: Scenario, path: tuple[int, ...], event: dict) -> None:
    here = walk.position(scenario, path)
    # New lists, not changes in place: SQLAlchemy saves a JSON column when it is reassigned.
    run.path = list(here.path)
    run.events = [*(run.events or []), event]
    if here.is_ending:
        run.status, run.ending_node, run.finished_at = FINISHED, here.node.id, clock.now()


def choose(run: ScenarioRun, scenario: Scenario, choice, at_step, at_node) -> Outcome:
    """Take a choice on an in-progress run, if the form was made for where the run is now."""
    if run.status != IN_PROGRESS:
        db.session.rollback()
        if walk.already_chosen(scenario, run.path, choice, at_step):
            return Outcome(False)
        return Outcome(False, walk.AtAnEnding())
    if walk.already_chosen(scenario, run.path, choice, at_step):
        db.session.rollback()
        return Outcome(False)
    try:
        path = walk.choose(scenario, run.path, choice, at_step, at_node)
    except walk.ChoiceRefused as refused:
        db.session.rollback()
        return Outcome(False, refused)
    here = walk.position(scenario, run.path)
    _save_path(run, scenario, path, _event("choose", node=here.node.id, choice=path[-1]))
    db.session.commit()
    return Outcome(True)


def back(run: ScenarioRun, scenario: Scenario, at_step) -> Outcome:
    """Undo the last decision; a repeated or stale 'back' (double click) changes nothing."""
    here = walk.position(scenario, run.path)
    if run.status != IN_PROGRESS or not here.path or str(at_step) != str(len(here.path)):
        db.session.rollback()
        return Outcome(False)
    _save_path(run, scenario, walk.back(here.path), _event("back", node=here.node.id))
    db.session.commit()
    return Outcome(True)


def restart(run: ScenarioRun, scenario: Scenario) -> Outcome:
    """Back to the start of the dilemma, keeping the record of every step taken so far."""
    if run.status != IN_PROGRESS or not run.path:
        db.session.rollback()
        return Outcome(False)
    here = walk.position(scenario, run.path)
    _save_path(run, scenario, walk.restart(here.path), _event("restart", node=here.node.id))
    db.session.commit()
    return Outcome(True)


def save_reflection(run: ScenarioRun, text: str | None) -> None:
    text = (text or "").strip()
    run.reflection = text or None
    db.session.commit()


# --- progress, for the list of dilemmas and My training ---------------------------------------

@dataclass(frozen=True)
class DilemmaStatus:
    scenario: Scenario
    finished: bool
    open_run_id: int | None
    last_finished_run_id: int | None

    @property
    def in_progress(self) -> bool:
        return self.open_run_id is not None

    @property
    def label(self) -> str:
        if self.finished:
            return "Done"
        return "In progress" if self.in_progress else "Not started"


def statuses(person: Person, scenarios: Iterable[Scenario]) -> tuple[DilemmaStatus, ...]:
    rows = runs_data.ids_and_statuses(person.id)
    open_runs: dict[str, int] = {}
    finished: dict[str, int] = {}
    for run_id, scenario_id, status in rows:
        (finished if status == FINISHED else open_runs)[scenario_id] = run_id
    return tuple(DilemmaStatus(s, s.id in finished, open_runs.get(s.id), finished.get(s.id))
                 for s in scenarios)


def for_level(scenarios: Mapping[str, Scenario], level: int) -> tuple[Scenario, ...]:
    # Dilemmas before data exercises, each group in the order of their files.
    found = [s for s in scenarios.values() if s.serves_level(level)]
    return tuple(sorted(found, key=lambda s: (s.kind != "dilemma", s.id)))


@dataclass(frozen=True)
class Summary:
    statuses: tuple[DilemmaStatus, ...]

    def _count(self, kind: str | None, which: str) -> int:
        return sum(1 for s in self.statuses if (kind is None or s.scenario.kind == kind)
                   and (s.finished if which == "done" else (s.in_progress and not s.finished)))

    @property
    def total(self) -> int:
        return len(self.statuses)

    @property
    def done(self) -> int:
        return self._count(None, "done")

    @property
    def in_progress(self) -> int:
        return self._count(None, IN_PROGRESS)

    @property
    def data_exercises(self) -> int:
        return sum(1 for s in self.statuses if s.scenario.kind == "data-exercise")

    @property
    def data_exercises_done(self) -> int:
        return self._count("data-exercise", "done")

    @property
    def next_open(self) -> DilemmaStatus | None:
        return next((s for s in self.statuses if s.in_progress and not s.finished), None)


def summary(person: Person, scenarios: Mapping[str, Scenario], level: int) -> Summary:
    return Summary(statuses(person, for_level(scenarios, level)))
