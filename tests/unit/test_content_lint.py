"""Item-writing lint: a quiz cannot be passed by picking the longest option, always answering
"False" or ticking all but the last option."""
from pathlib import Path

import pytest

from app.content import lint, thresholds

OPTION = "      - text: {text}\n        correct: {correct}\n        feedback: Because.\n"


def question(qid: str, qtype: str, options: list[tuple[str, bool]]) -> str:
    body = "".join(OPTION.format(text=t, correct="true" if c else "false") for t, c in options)
    return (f"  - id: {qid}\n    type: {qtype}\n    prompt: Which?\n    options:\n{body}"
            f"    explanation: Why.\n    source: cfa-2014\n")


def quiz_file(tmp_path: Path, name: str, questions: list[str], module: str | None = None) -> Path:
    path = tmp_path / name
    path.write_text(f"module: {module or Path(name).stem}\nquestions:\n" + "".join(questions))
    return path


def single(qid: str, correct_longest: bool) -> str:
    right = "A virtual school head for the council" if correct_longest else "A virtual head"
    return question(qid, "single", [("A designated teacher", False), (right, True),
                                    ("An independent reviewing officer", False)])


def true_false(qid: str, answer: bool) -> str:
    return question(qid, "true_false", [("True", answer), ("False", not answer)])


def messages(paths) -> list[str]:
    return [str(f) for f in lint.lint_files(paths)]


def test_right_answer_longest_in_too_many_questions_names_file_and_questions(tmp_path):
    path = quiz_file(tmp_path, "education.yaml",
                     [single("q1", True), single("q2", True), single("q3", True),
                      single("q4", False), single("q5", False)])
    found = messages([path])
    assert len(found) == 1
    assert found[0].startswith(f"{path}:3: the right answer is the longest option in 3 of 5")
    assert "q1, q2, q3" in found[0] and "q4" not in found[0]


def test_two_in_five_is_within_the_limit(tmp_path):
    assert thresholds.LONGEST_CORRECT_MAX_SHARE == 0.40
    path = quiz_file(tmp_path, "education.yaml",
                     [single("q1", True), single("q2", True), single("q3", False),
                      single("q4", False), single("q5", False)])
    assert messages([path]) == []


def test_a_tie_for_longest_counts_as_longest():
    item = lint.Item("q.yaml", 1, "tie", "single", "m", (("Same size", True), ("Same size", False)))
    assert lint.longest_is_correct(item)
    item = lint.Item("q.yaml", 1, "short", "single", "m", (("Short", True), ("Much longer", False)))
    assert not lint.longest_is_correct(item)


@pytest.mark.parametrize("answers, fails", [
    ([False, False, False], True),          # 100% one way
    ([True, False, False], False),          # 67%, but as even as three can be
    ([True, False, False, False], True),    # 75%
    ([True, True, False, False, False], False),  # 60%
    ([False], False),                       # one item cannot be balanced
    ([True, True, False, False, False, False, False], True),  # 71%, off by three
])
def test_true_false_answers_in_a_module_are_balanced(tmp_path, answers, fails):
    path = quiz_file(tmp_path, "health.yaml", [true_false(f"tf{i}", a) for i, a in enumerate(answers)])
    found = messages([path])
    assert bool(found) == fails, found
    if fails:
        assert "true/false answers in the module 'health' are 'False'" in found[0]
        assert found[0].startswith(f"{path}:")


def test_true_false_balance_counts_a_module_across_files(tmp_path):
    own = quiz_file(tmp_path, "health.yaml", [true_false("tf1", False), true_false("tf2", True)])
    local = quiz_file(tmp_path, "local.yaml", [true_false("tf3", False), true_false("tf4", False)],
                      module="health")
    found = messages([own, local])
    assert any("3 of 4 true/false answers in the module 'health'" in f for f in found), found


def test_one_item_per_module_cannot_hide_a_lean_across_the_bank(tmp_path):
    paths = [quiz_file(tmp_path, f"m{i}.yaml", [true_false(f"m{i}-tf", False)]) for i in range(4)]
    found = messages(paths)
    assert len(found) == 1 and "4 of 4 true/false answers across all the quizzes are 'False'" in found[0]


@pytest.mark.parametrize("options, message", [
    ([("A", True), ("B", True), ("C", False), ("D", False)], "every right option comes before every wrong one"),
    ([("A", True), ("B", True), ("C", True)], "every option is right"),
    ([("A", True), ("B", False), ("C", True), ("D", False)], None),
    ([("A", False), ("B", True), ("C", True)], None),
])
def test_multiple_answer_order(tmp_path, options, message):
    path = quiz_file(tmp_path, "placements.yaml", [question("multi-q", "multiple", options)])
    found = messages([path])
    if message is None:
        assert found == []
    else:
        assert found == [f"{path}:3: question 'multi-q': " + found[0].split("'multi-q': ", 1)[1]]
        assert message in found[0]


def test_the_command_prints_path_line_and_fails(tmp_path, capsys):
    path = quiz_file(tmp_path, "placements.yaml",
                     [question("multi-q", "multiple", [("A", True), ("B", False)])])
    assert lint.main([str(path)]) == 1
    assert capsys.readouterr().out.startswith(f"{path}:3: question 'multi-q'")
    good = quiz_file(tmp_path, "health.yaml", [true_false("tf", True)])
    assert lint.main([str(good)]) == 0


def test_a_broken_file_is_left_to_content_check(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("module: [\n")
    assert lint.lint_files([path]) == []
