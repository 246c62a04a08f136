"""Members' play-throughs of the dilemmas: finding, starting and listing runs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import Person, ScenarioRun
from app.vocabulary import RunStatus


def owned(person_id: int, run_id: int, for_update: bool = False) -> ScenarioRun | None:
    """The run if it is this person's, otherwise None: another member's run is never found."""
    query = select(ScenarioRun).where(ScenarioRun.id == run_id, ScenarioRun.person_id == person_id)
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def open_run(person_id: int, scenario_id: str) -> ScenarioRun | None:
    return db.session.scalars(
        select(ScenarioRun).where(ScenarioRun.person_id == person_id, ScenarioRun.scenario_id == scenario_id,
                                  ScenarioRun.status == RunStatus.IN_PROGRESS)
        .order_by(ScenarioRun.id.desc())).first()


def lock_member(person_id: int) -> None:
    """Lock the person's row until commit, so two requests cannot both start a run."""
    db.session.execute(select(Person.id).where(Person.id == person_id).with_for_update())


def new_run(person_id: int, scenario_id: str, first_event: dict, started_at: datetime) -> ScenarioRun:
    run = ScenarioRun(person_id=person_id, scenario_id=scenario_id, status=RunStatus.IN_PROGRESS,
                      path=[], events=[first_event], started_at=started_at)
    db.session.add(run)
    return run


# Built once: My training runs it on every visit, and building it costs about as much as running it.
_MEMBERS_RUNS = (select(ScenarioRun.id, ScenarioRun.scenario_id, ScenarioRun.status)
                 .where(ScenarioRun.person_id == bindparam("person_id")).order_by(ScenarioRun.id))


def ids_and_statuses(person_id: int) -> list[tuple[int, str, str]]:
    """(run id, scenario id, status) of every run of the member's, oldest first."""
    return [(run_id, scenario_id, status) for run_id, scenario_id, status
            in db.session.execute(_MEMBERS_RUNS, {"person_id": person_id})]
