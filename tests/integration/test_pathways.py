"""Pathways are data: content/pathways.yaml is checked like the rest of the course, and its rules
say which requirements a member's evidence meets."""
import shutil
from datetime import date
from pathlib import Path

import pytest

from app.certificates.pathways import AssessmentResult, Cycle, Evidence, FinishedRun, evaluate
from app.content.course import build_course
from app.models import Councillor, CouncillorRole
from app.roles import ROLE_LEVELS, level_for_roles, required_level
from app.extensions import db
from tests.conftest import REPO, make_councillor
from tests.integration.test_content_check import edit, line_of, run_check


@pytest.fixture(scope="module")
def course():
    course, problems = build_course(REPO)
    assert problems == []
    return course


@pytest.fixture
def course_copy(tmp_path) -> Path:
    for folder in ("content", "quizzes", "scenarios"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path


# --- the file -----------------------------------------------------------------------------------

def test_the_repository_pathways_load(course):
    pathways = course.pathways
    assert [p.id for p in pathways.pathways] == ["induction", "targeted", "specialist", "refresher"]
    induction, targeted, specialist = (pathways.for_level(n) for n in (1, 2, 3))
    assert induction.assessment and induction.dilemmas == 2 and induction.checklist_levels == (1,)
    assert set(induction.module_ids) == {m.id for m in course.modules if m.is_teaching and m.lowest_level == 1}
    # Targeted is induction plus its own: level 2 modules and checklist, two more dilemmas, a data exercise.
    assert set(induction.module_ids) < set(targeted.module_ids)
    assert "education" in targeted.module_ids and "education" not in induction.module_ids
    assert targeted.checklist_levels == (1, 2) and targeted.dilemmas == 4 and targeted.data_exercises == 1
    assert specialist.checklist_levels == (1, 2, 3) and "partners" in specialist.module_ids
    assert "glossary" not in specialist.module_ids   # reference modules are not set reading
    refresher = pathways.refresher
    assert refresher.assessment and refresher.new_dilemmas == 1 and refresher.changes_page
    assert refresher.assessment_only_for_returning


def test_role_levels_come_from_the_file(app, course):
    assert course.pathways.role_levels["board"] == 2 and course.pathways.role_levels["chair"] == 3
    pid = make_councillor(app)
    with app.app_context():
        assert ROLE_LEVELS["lead-member"] == 3
        assert level_for_roles([]) == 1 and level_for_roles(["scrutiny", "member"]) == 2
        person = db.session.get(Councillor, pid)
        assert required_level(person) == 1
        db.session.add(CouncillorRole(person_id=pid, role="chair"))
        db.session.commit()
        db.session.refresh(person)
        assert required_level(person) == 3


@pytest.mark.parametrize("old, new, needle, message", [
    ("  board: 2 ", "  board: 5 ", "board: 5", "role 'board': the level must be 1, 2 or 3"),
    ("  chair: 3\n", "  chair: 3\n  mayor: 1\n", "mayor: 1", "unknown role 'mayor'"),
    ("    builds_on: induction\n", "    builds_on: nowhere\n", "builds_on: nowhere", "builds on 'nowhere'"),
    ("    checklists: [3]\n", "    checklists: [4]\n", "checklists: [4]", "there is no checklist for level 4"),
    ("    dilemmas: 2\n    data_exercises: 1\n", "    dilemmas: 2\n    data_exercises: 9\n",
     "data_exercises: 9", "data exercises count towards 'dilemmas'"),
    ("    new_dilemmas: 1 ", "    new_dilemmas: lots ", "new_dilemmas: lots", "'new_dilemmas' must be a whole number"),
    ("    module_level: 3\n", "    module_level: 3\n    colour: blue\n", "colour: blue", "'colour' is not a field we know"),
    ("  - id: specialist\n", "  - id: targeted  # again\n", "# again", "duplicate pathway id 'targeted'"),
])
def test_a_bad_pathway_file_is_reported_with_its_line(course_copy, old, new, needle, message):
    path = course_copy / "content" / "pathways.yaml"
    edit(path, old, new)
    result = run_check(course_copy)
    assert result.exit_code != 0
    expected = f"content/pathways.yaml:{line_of(path, needle)}: "
    assert any(line.startswith(expected) and message in line for line in result.output.splitlines()), result.output


def test_a_missing_pathway_file_is_reported(course_copy):
    (course_copy / "content" / "pathways.yaml").unlink()
    result = run_check(course_copy)
    assert result.exit_code != 0
    assert "content/pathways.yaml:1: the file is missing" in result.output


def test_every_level_needs_a_pathway(course_copy):
    path = course_copy / "content" / "pathways.yaml"
    text = path.read_text()
    start, end = text.index("  - id: specialist"), text.index("  # For a member whose certificate is due")
    path.write_text(text[:start] + text[end:])
    result = run_check(course_copy)
    assert result.exit_code != 0 and "there is no pathway for level 3" in result.output


# --- the rules ----------------------------------------------------------------------------------

def _everything_for(course, pathway, **overrides):
    checklist_ids = {q.id for c in course.checklists if c.level in pathway.checklist_levels for q in c.questions}
    data = [s for s in course.scenarios.values() if s.kind == "data-exercise"]
    dilemmas = [s for s in course.scenarios.values() if s.kind == "dilemma"]
    runs = [FinishedRun(s.id, date(2026, 6, 1)) for s in (data[:pathway.data_exercises]
                                                          + dilemmas[:pathway.dilemmas - pathway.data_exercises])]
    values = dict(reads=frozenset(pathway.module_ids), answered=frozenset(checklist_ids),
                  assessments=(AssessmentResult(date(2026, 6, 1), 85, True, ()),), runs=tuple(runs))
    values.update(overrides)
    return Evidence(**values)


def test_induction_is_complete_with_everything_it_asks_for(course):
    induction = course.pathways.for_level(1)
    progress = evaluate(induction, _everything_for(course, induction), course)
    assert progress.complete and progress.score_percent == 85
    assert [r.key for r in progress.requirements] == ["modules", "checklist-1", "assessment", "dilemmas"]


@pytest.mark.parametrize("missing", ["reads", "answered", "assessments", "runs"])
def test_induction_is_not_complete_without_each_part(course, missing):
    induction = course.pathways.for_level(1)
    evidence = _everything_for(course, induction, **{missing: type(getattr(Evidence(), missing))()})
    progress = evaluate(induction, evidence, course)
    assert not progress.complete
    assert len(progress.left) == 1


def test_a_failed_assessment_does_not_count_but_its_score_shows(course):
    induction = course.pathways.for_level(1)
    evidence = _everything_for(course, induction, assessments=(AssessmentResult(date(2026, 6, 1), 60, False, ()),))
    progress = evaluate(induction, evidence, course)
    assert not progress.complete
    assert progress.left[0].key == "assessment" and progress.left[0].hint == "Best score 60%"


def test_one_dilemma_finished_twice_counts_once(course):
    induction = course.pathways.for_level(1)
    runs = (FinishedRun("school-exclusion", date(2026, 6, 1)), FinishedRun("school-exclusion", date(2026, 6, 2)))
    progress = evaluate(induction, _everything_for(course, induction, runs=runs), course)
    assert [r.key for r in progress.left] == ["dilemmas"]
    assert progress.left[0].hint == "1 of 2 finished"


def test_targeted_needs_a_data_exercise(course):
    targeted = course.pathways.for_level(2)
    dilemmas = [s.id for s in course.scenarios.values() if s.kind == "dilemma"][:4]
    evidence = _everything_for(course, targeted, runs=tuple(FinishedRun(s, date(2026, 6, 1)) for s in dilemmas))
    progress = evaluate(targeted, evidence, course)
    assert [r.key for r in progress.left] == ["data-exercises"]
    assert evaluate(targeted, _everything_for(course, targeted), course).complete


def test_the_next_unread_module_is_where_the_task_links(course):
    induction = course.pathways.for_level(1)
    evidence = _everything_for(course, induction, reads=frozenset(induction.module_ids[:2]))
    left = evaluate(induction, evidence, course).left
    assert left[0].target == f"module:{induction.module_ids[2]}"
    assert left[0].hint == f"2 of {len(induction.module_ids)} read"


# --- the refresher ------------------------------------------------------------------------------

def _question_ids(course, n=3):
    return tuple(list(course.question_bank.questions)[:n])


def test_the_refresher_counts_only_what_was_done_since_the_cycle_began(course):
    refresher = course.pathways.refresher
    cycle = Cycle(certificate_id=7, level=1, completed_on=date(2024, 3, 1))
    old = Evidence(assessments=(AssessmentResult(date(2024, 3, 1), 90, True, _question_ids(course)),),
                   runs=(FinishedRun("school-exclusion", date(2024, 2, 1)),))
    progress = evaluate(refresher, old, course, cycle)
    assert not progress.complete
    assert {r.key for r in progress.left} == {"assessment", "new-dilemmas", "changes"}

    done = Evidence(
        assessments=old.assessments + (AssessmentResult(date(2026, 1, 10), 88, True, _question_ids(course)),),
        runs=old.runs + (FinishedRun("school-exclusion", date(2026, 1, 11)),   # done before: does not count
                         FinishedRun("child-confides", date(2026, 1, 12))),
        acknowledged=frozenset({7}))
    progress = evaluate(refresher, done, course, cycle)
    assert progress.complete and progress.route == "full" and progress.score_percent == 88


def test_a_dilemma_done_before_the_cycle_is_not_new(course):
    refresher = course.pathways.refresher
    cycle = Cycle(7, 1, date(2024, 3, 1))
    evidence = Evidence(assessments=(AssessmentResult(date(2026, 1, 10), 88, True, _question_ids(course)),),
                        runs=(FinishedRun("school-exclusion", date(2024, 2, 1)),
                              FinishedRun("school-exclusion", date(2026, 1, 11))),
                        acknowledged=frozenset({7}))
    progress = evaluate(refresher, evidence, course, cycle)
    assert [r.key for r in progress.left] == ["new-dilemmas"]


def test_an_assessment_on_content_that_has_since_gone_does_not_count(course):
    refresher = course.pathways.refresher
    cycle = Cycle(7, 1, date(2024, 3, 1))
    stale = AssessmentResult(date(2026, 1, 10), 95, True, ("a-question-since-removed",))
    progress = evaluate(refresher, Evidence(assessments=(stale,), acknowledged=frozenset({7}),
                                            runs=(FinishedRun("child-confides", date(2026, 1, 12)),)), course, cycle)
    assert [r.key for r in progress.left] == ["assessment"]


def test_the_changes_page_must_be_confirmed_for_this_cycle(course):
    refresher = course.pathways.refresher
    evidence = Evidence(assessments=(AssessmentResult(date(2026, 1, 10), 88, True, _question_ids(course)),),
                        runs=(FinishedRun("child-confides", date(2026, 1, 12)),),
                        acknowledged=frozenset({3}))   # confirmed in an earlier cycle
    progress = evaluate(refresher, evidence, course, Cycle(7, 1, date(2024, 3, 1)))
    assert [r.key for r in progress.left] == ["changes"]


def test_a_returning_member_may_renew_with_the_assessment_alone(course):
    refresher = course.pathways.refresher
    passed = Evidence(assessments=(AssessmentResult(date(2026, 6, 10), 82, True, _question_ids(course)),))
    staying = evaluate(refresher, passed, course, Cycle(7, 1, date(2025, 3, 1), returning=False))
    assert not staying.complete
    returning = evaluate(refresher, passed, course, Cycle(7, 1, date(2025, 3, 1), returning=True))
    assert returning.complete and returning.route == "assessment-only"
    failed = Evidence(assessments=(AssessmentResult(date(2026, 6, 10), 50, False, _question_ids(course)),))
    assert not evaluate(refresher, failed, course, Cycle(7, 1, date(2025, 3, 1), returning=True)).complete


def test_a_refresher_needs_a_certificate_to_renew(course):
    progress = evaluate(course.pathways.refresher, Evidence(), course, None)
    assert not progress.complete
