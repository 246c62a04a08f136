"""`flask content check` passes on the repository and names the file and line of every problem."""
import re
import shutil
from pathlib import Path

import pytest

from app import create_app
from app.content import markdown as md
from app.content.course import build_course
from app.content.local import LocalFacts
from app.content.problems import ContentInvalid
from app.cli import check
from tests.conftest import REPO


@pytest.fixture
def course_copy(tmp_path) -> Path:
    for folder in ("content", "quizzes", "scenarios"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, count))


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def run_check(root: Path):
    from click.testing import CliRunner
    return CliRunner().invoke(check, ["--root", str(root)])


def test_repository_content_is_valid():
    result = run_check(REPO)
    assert result.exit_code == 0, result.output
    assert "Content is valid: 16 modules" in result.output


def test_the_course_is_complete():
    course, problems = build_course(REPO)
    assert problems == []
    assert len(course.modules) == 16
    assert len(course.question_bank.questions) >= 80
    assert len(course.scenarios) >= 12
    assert [len(c.questions) for c in course.checklists] == [9, 8, 7]
    glossary = course.module("glossary")
    assert sum(1 for h in glossary.headings if h.level == 3) >= 40
    for module in course.modules:
        assert module.law_as_at == "2026-11"
        if module.is_teaching:
            assert 800 <= module.word_count <= 2500, module.id
            assert len(course.question_bank.for_module(module.id)) >= 5, module.id


def test_broken_front_matter_names_the_file_and_line(course_copy):
    path = course_copy / "content" / "principles.md"
    edit(path, "title: ", 'title: "unclosed quote\n')
    result = run_check(course_copy)
    assert result.exit_code == 1
    assert re.search(r"content/principles\.md:\d+: front matter is not valid YAML", result.output)


def test_missing_front_matter(course_copy):
    path = course_copy / "content" / "principles.md"
    path.write_text("Just some text, no front matter.\n")
    result = run_check(course_copy)
    assert "content/principles.md:1: a module must start with front matter" in result.output


@pytest.mark.parametrize("old, new, message", [
    ("summary: ", "summry: ", "'summary' is missing"),
    ("minutes: ", "minutes: ten #", "'minutes' must be a whole number"),
    ("levels: ", "levels: [1, 4] #", "unknown level 4"),
    ("law_as_at: ", "law_as_at: November #", "'law_as_at' must be a year and month"),
    ("kind: ", "kind: lecture #", "'kind' must be one of teaching, reference"),
])
def test_front_matter_fields_are_checked(course_copy, old, new, message):
    path = course_copy / "content" / "education.md"
    expected_line = line_of(path, old.strip())
    edit(path, old, new)
    result = run_check(course_copy)
    assert result.exit_code == 1
    problem = next(line for line in result.output.splitlines() if message in line)
    if message != "'summary' is missing":
        assert problem.startswith(f"content/education.md:{expected_line}:"), problem


def test_duplicate_module_id(course_copy):
    shutil.copy(course_copy / "content" / "health.md", course_copy / "content" / "health-copy.md")
    result = run_check(course_copy)
    assert "content/health-copy.md:" in result.output
    assert "duplicate module id 'health'" in result.output


def test_broken_internal_link_and_unknown_source(course_copy):
    path = course_copy / "content" / "health.md"
    text = path.read_text()
    text += "\n\nSee [nowhere](no-such-module.md) and [bad anchor](education.md#no-such-section).{cite: no-such-source}\n"
    path.write_text(text)
    last = len(text.splitlines())
    result = run_check(course_copy)
    assert f"content/health.md:{last}: link 'no-such-module.md' points to a module that does not exist" in result.output
    assert "'education.md#no-such-section' points to a section that does not exist" in result.output
    assert "unknown source 'no-such-source'" in result.output


def test_app_refuses_to_start_with_invalid_content(course_copy):
    edit(course_copy / "content" / "principles.md", "title: ", 'title: "unclosed\n')
    with pytest.raises(ContentInvalid) as excinfo:
        create_app({"CONTENT_ROOT": str(course_copy)})
    assert "content/principles.md" in str(excinfo.value)


def test_not_utf8_is_reported(course_copy):
    (course_copy / "content" / "latin1.md").write_bytes("---\ntitle: caf\xe9\n---\n".encode("latin-1"))
    assert "content/latin1.md:1: the file is not UTF-8 text" in run_check(course_copy).output


def test_raw_html_in_markdown_is_escaped():
    html = md.render('Hello <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))')
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_headings_get_anchors_and_govuk_classes():
    html = md.render("## Section 20: accommodation\n\n### Children’s homes\n\ntext")
    assert 'id="section-20-accommodation"' in html and 'class="govuk-heading-l"' in html
    assert 'id="childrens-homes"' in html
    assert '<p class="govuk-body">text</p>' in html


# --- quizzes ---------------------------------------------------------------------------------

QUIZ = """module: education
questions:
  - id: {qid}
    type: {qtype}
    prompt: Which is right?
    options:
      - text: This one
        correct: {first}
        feedback: Because.
      - text: That one
        correct: {second}
        feedback: {feedback}
    explanation: Why.
    source: {source}
"""


def quiz_problem(course_copy, **kwargs):
    values = dict(qid="extra-q", qtype="single", first="true", second="false", feedback="Because not.",
                  source="cfa-2014")
    values.update(kwargs)
    path = course_copy / "quizzes" / "local.yaml"
    path.write_text(QUIZ.format(**values))
    return run_check(course_copy).output


@pytest.mark.parametrize("kwargs, message", [
    (dict(first="false"), "quizzes/local.yaml:6: no option is marked 'correct: true'"),
    (dict(second="true"), "quizzes/local.yaml:6: a single-answer question has exactly one correct option, not 2"),
    (dict(feedback="''"), "quizzes/local.yaml:12: option: 'feedback' is missing"),
    (dict(source="nowhere"), "quizzes/local.yaml:14: unknown source 'nowhere'"),
    (dict(qid="education-virtual-school-head-role"), "duplicate question id"),
    (dict(qtype="essay"), "quizzes/local.yaml:4: question: 'type' must be one of single, multiple, true_false"),
])
def test_quiz_problems_are_reported_with_lines(course_copy, kwargs, message):
    if "duplicate" in message:
        existing = next(q for q in build_course(REPO)[0].question_bank.questions.values()
                        if q.module == "education")
        kwargs["qid"] = existing.id
    output = quiz_problem(course_copy, **kwargs)
    assert message in output, output


def test_quiz_for_unknown_module(course_copy):
    path = course_copy / "quizzes" / "local.yaml"
    path.write_text(QUIZ.format(qid="x-q", qtype="single", first="true", second="false",
                                feedback="No.", source="cfa-2014").replace("module: education", "module: astronomy"))
    assert "quizzes/local.yaml:1: unknown module 'astronomy'" in run_check(course_copy).output


# --- scenarios -------------------------------------------------------------------------------

SCENARIO = """id: test-dilemma
title: A test dilemma
summary: For the checker.
kind: dilemma
levels: [1]
minutes: 5
sources: [training-resource-2013]
start: start
nodes:
  start:
    text: First.
    choices:
      - label: Go on
        next: second
        feedback: On we go.
        serves: [best-interests]
  second:
    text: Second.
    choices:
      - label: Go on again
        next: third
        feedback: Again.
        serves: [express-views]
      - label: Stop
        next: end-poor
        feedback: Stopped.
        neglects: [high-aspirations]
  third:
    text: Third.
    choices:
      - label: Finish well
        next: end-good
        feedback: Done.
        serves: [safe-and-stable]
      - label: Finish so-so
        next: end-mixed
        feedback: Meh.
        serves: [access-services]
  end-good:
    ending: {title: Good, outcome: good}
    text: Good end.
    debrief: {summary: Weigh this., key_points: [One]}
  end-mixed:
    ending: {title: Mixed, outcome: mixed}
    text: Mixed end.
    debrief: {summary: Weigh that., key_points: [Two]}
  end-poor:
    ending: {title: Poor, outcome: poor}
    text: Poor end.
    debrief: {summary: Weigh more., key_points: [Three]}
"""


def scenario_output(course_copy, text):
    (course_copy / "scenarios" / "test-dilemma.yaml").write_text(text)
    return run_check(course_copy).output


def test_a_valid_scenario_passes(course_copy):
    output = scenario_output(course_copy, SCENARIO)
    assert "Content is valid" in output, output


@pytest.mark.parametrize("old, new, message", [
    ("next: third", "next: thrid", "scenarios/test-dilemma.yaml:21: choice 1 of node 'second' points to a node that does not exist: 'thrid'"),
    ("  end-poor:\n", "  orphan:\n    text: Alone.\n    ending: {title: O, outcome: poor}\n    debrief: {summary: S, key_points: [K]}\n  end-poor:\n", "node 'orphan' cannot be reached from the start"),
    ("    debrief: {summary: Weigh this., key_points: [One]}\n", "", "scenarios/test-dilemma.yaml:39: ending 'end-good' has no 'debrief'"),
    ("        feedback: On we go.\n", "", "'feedback' is missing"),
    ("        serves: [best-interests]\n", "", "choice 1 of node 'start' has no principle tags"),
    ("serves: [express-views]", "serves: [kindness]", "unknown principle 'kindness'"),
])
def test_scenario_problems_are_reported(course_copy, old, new, message):
    assert old in SCENARIO
    output = scenario_output(course_copy, SCENARIO.replace(old, new, 1))
    assert message in output, output


def test_dead_end_and_trap_are_reported(course_copy):
    text = SCENARIO.replace("""      - label: Finish so-so
        next: end-mixed""", """      - label: Wander
        next: loop-a""")
    text += """  loop-a:
    text: Round.
    choices:
      - {label: Round, next: loop-b, feedback: Again, serves: [best-interests]}
  loop-b:
    text: And round.
    choices:
      - {label: Back, next: loop-a, feedback: Again, serves: [best-interests]}
  dead-end:
    text: Nothing here.
"""
    text = text.replace("next: end-poor", "next: dead-end", 1)
    output = scenario_output(course_copy, text)
    assert "node 'loop-a' is in a loop with no way out to an ending" in output
    assert "node 'dead-end' has no way forward" in output


def test_a_broken_debrief_on_the_first_node_is_reported_not_a_crash(course_copy):
    # The loader once reused the previous node's choices here, and crashed when there was none.
    text = SCENARIO.replace("nodes:\n", "nodes:\n  end-zero:\n    ending: {title: Z, outcome: good}\n"
                                         "    text: Zero.\n    debrief: [not, a, mapping]\n", 1)
    output = scenario_output(course_copy, text)
    assert "scenarios/test-dilemma.yaml:13: debrief of ending 'end-zero' must be a mapping" in output, output
    assert "Traceback" not in output and "Error" not in output


def test_too_few_endings_and_decisions(course_copy):
    text = """id: test-dilemma
title: T
summary: S
kind: dilemma
levels: [1]
minutes: 5
sources: [training-resource-2013]
start: start
nodes:
  start:
    text: Only.
    choices:
      - {label: End, next: end, feedback: F, serves: [best-interests]}
  end:
    ending: {title: E, outcome: good}
    text: End.
    debrief: {summary: S, key_points: [K]}
"""
    output = scenario_output(course_copy, text)
    assert "needs at least 3 distinct endings" in output
    assert "the longest path has 1 decision point(s)" in output


def test_a_citation_can_name_the_section_it_rests_on(course_copy):
    module = course_copy / "content" / "legal-framework.md"
    edit(module, "[sufficiency duty](glossary.md#sufficiency-duty).{cite: children-act-1989} |",
         "[sufficiency duty](glossary.md#sufficiency-duty).{cite: children-act-1989, s20(8)} |")
    course, problems = build_course(course_copy)
    assert problems == []
    html = course.module("legal-framework").html(LocalFacts(), "C")
    assert 'href="/sources#children-act-1989">Children Act 1989</a>, s20(8)</li>' in html


def test_a_source_kind_and_address_are_checked(course_copy):
    sources = course_copy / "content" / "sources.yaml"
    edit(sources, "  year: 2017\n  kind: act\n  url: https://www.legislation.gov.uk/ukpga/2017/16/section/1\n",
         "  year: 2017\n  kind: statute\n  url: www.legislation.gov.uk\n")
    _, problems = build_course(course_copy)
    messages = [f"{p.path}:{p.line}: {p.message}" for p in problems]
    assert any("'kind' must be one of act, regulations" in m for m in messages), messages
    assert any("'url' must be a web address" in m for m in messages), messages


def test_a_module_records_when_its_law_was_checked(course_copy):
    module = course_copy / "content" / "education.md"
    edit(module, "law_checked_on: 2026-11-28\n", "law_checked_on: 28/11/2026\n")
    _, problems = build_course(course_copy)
    assert [(p.path, p.message) for p in problems] == [
        ("content/education.md", "'law_checked_on' must be a date like 2026-11-28, not '28/11/2026'")]


def test_flask_content_check_reports_bad_content_instead_of_dying_of_it(course_copy):
    # The whole command as an author types it: the app is built by the flask command itself.
    import os
    import subprocess  # nosec B404 - our own flask command, fixed arguments
    import sys

    edit(course_copy / "content" / "principles.md", "title: ", 'title: "unclosed\n')
    env = {**os.environ, "CONTENT_ROOT": str(course_copy), "APP_CONFIG": "development"}
    flask = [sys.executable, "-m", "flask", "--app", "app", "content", "check", "--root", str(course_copy)]
    result = subprocess.run(flask, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)  # nosec B603
    assert result.returncode == 1, result.stderr
    assert "content/principles.md:" in result.stdout and "Traceback" not in result.stderr
    # With the same content, the app itself still refuses to start.
    with pytest.raises(ContentInvalid):
        create_app({"CONTENT_ROOT": str(course_copy)})
