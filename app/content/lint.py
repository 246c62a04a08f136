"""Item-writing lint: no quiz may be passed by test-wiseness instead of knowledge.

A member who has read nothing can still score well when the right answer is usually the longest
option, when true/false answers lean one way, or when a multiple-answer question lists its right
options first. Each rule here reports path:line: message naming the file and the question id.
The limits are in app/content/thresholds.py.

Runs as a script on quiz files: python -m app.content.lint quizzes/*.yaml
"""
from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from app.content import thresholds as t
from app.content import yamlsource


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Item:
    """One question as the lint sees it: its options' texts and which are right, in file order."""

    path: str
    line: int
    id: str
    type: str
    module: str
    options: tuple[tuple[str, bool], ...]

    @property
    def correct(self) -> tuple[int, ...]:
        return tuple(i for i, (_, right) in enumerate(self.options) if right)

    @property
    def answer(self) -> str | None:
        """A true/false question's right answer, 'true' or 'false'."""
        right = [text.strip().lower() for text, ok in self.options if ok]
        return right[0] if len(right) == 1 and right[0] in ("true", "false") else None


def items_from(data: Any, path: str) -> list[Item]:
    """The questions of one parsed quiz file; shapes the loader would reject are skipped here."""
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return []
    module = str(data.get("module") or Path(path).stem)
    questions = data["questions"]
    out = []
    for line, q in zip(getattr(questions, "item_lines", [1] * len(questions)), questions, strict=True):
        if not isinstance(q, dict) or not isinstance(q.get("options"), list):
            continue
        options = tuple((str(o.get("text", "")).strip(), o.get("correct") is True)
                        for o in q["options"] if isinstance(o, dict))
        out.append(Item(path, q.line_of("id") if hasattr(q, "line_of") else line,
                        str(q.get("id", "?")), str(q.get("type", "")), module, options))
    return out


def _percent(share: float) -> str:
    return f"{round(100 * share)}%"


def longest_is_correct(item: Item) -> bool:
    """The right option is the longest, or tied longest, of a single-answer question."""
    lengths = [len(text) for text, _ in item.options]
    return len(item.correct) == 1 and bool(lengths) and lengths[item.correct[0]] == max(lengths)


def check_longest(items: Sequence[Item]) -> list[Finding]:
    """Per quiz file: the right answer may be the longest option in at most 40% of its
    single-answer questions."""
    single = [i for i in items if i.type == "single" and len(i.correct) == 1]
    longest = [i for i in single if longest_is_correct(i)]
    if not single or len(longest) / len(single) <= t.LONGEST_CORRECT_MAX_SHARE:
        return []
    ids = ", ".join(i.id for i in longest)
    return [Finding(single[0].path, longest[0].line, (
        f"the right answer is the longest option in {len(longest)} of {len(single)} single-answer "
        f"questions ({_percent(len(longest) / len(single))}; at most "
        f"{_percent(t.LONGEST_CORRECT_MAX_SHARE)}): a member who picks the longest option passes "
        f"without reading. Shorten the right answer or lengthen the others in: {ids}"))]


def _lean(items: Sequence[Item]) -> tuple[str, int, int] | None:
    """('true' or 'false', how many, of how many) when the answers lean too far one way."""
    answers = [i.answer for i in items if i.answer]
    if not answers:
        return None
    trues = answers.count("true")
    way, most = ("true", trues) if trues * 2 >= len(answers) else ("false", len(answers) - trues)
    off_by_one = 2 * most - len(answers) <= 1  # as even as an odd number allows
    if most / len(answers) <= t.TRUE_FALSE_MAX_SHARE or off_by_one:
        return None
    return way, most, len(answers)


def check_true_false(items: Sequence[Item], scope: str) -> list[Finding]:
    """Per module (and over the whole bank): at most 65% of true/false answers may go one way."""
    lean = _lean(items)
    if lean is None:
        return []
    way, most, total = lean
    leaning = [i for i in items if i.answer == way]
    return [Finding(leaning[0].path, leaning[0].line, (
        f"{most} of {total} true/false answers {scope} are '{way.capitalize()}' "
        f"({_percent(most / total)}; at most {_percent(t.TRUE_FALSE_MAX_SHARE)} may go one way): "
        f"\"always {way.capitalize()}\" would score well. Turn some round: "
        f"{', '.join(i.id for i in leaning)}"))]


def check_multiple_order(item: Item) -> list[Finding]:
    """A multiple-answer question must not list every right option before every wrong one, and
    must have a wrong option (or ticking everything scores full marks)."""
    if item.type != "multiple" or not item.correct:
        return []
    wrong = [i for i in range(len(item.options)) if i not in item.correct]
    if not wrong:
        return [Finding(item.path, item.line, f"question {item.id!r}: every option is right, so "
                                              f"ticking them all scores full marks; add a wrong one")]
    if max(item.correct) < min(wrong):
        return [Finding(item.path, item.line, (
            f"question {item.id!r}: every right option comes before every wrong one, so \"tick "
            f"all but the last\" scores well; mix the wrong options in among the right ones"))]
    return []


def lint_items(by_file: dict[str, list[Item]]) -> list[Finding]:
    """Every rule over the quiz files given: per file, per module, over all of them."""
    findings: list[Finding] = []
    by_module: dict[str, list[Item]] = defaultdict(list)
    for items in by_file.values():
        findings += check_longest(items)
        for item in items:
            findings += check_multiple_order(item)
            by_module[item.module].append(item)
    for module, items in sorted(by_module.items()):
        findings += check_true_false(items, f"in the module {module!r}")
    every = [i for items in by_file.values() for i in items]
    if len(by_module) > 1:
        # One item per module can each pass while the bank as a whole leans one way.
        findings += check_true_false(every, "across all the quizzes")
    return sorted(set(findings), key=lambda f: (f.path, f.line, f.message))


def lint_files(paths: Iterable[Path], display: dict[Path, str] | None = None) -> list[Finding]:
    by_file: dict[str, list[Item]] = {}
    for path in paths:
        if path.name == "assessment.yaml":
            continue
        name = (display or {}).get(path, str(path))
        try:
            data = yamlsource.load(path.read_bytes().decode("utf-8-sig"))
        except (yamlsource.YamlProblem, UnicodeDecodeError):
            continue  # content check reports the file itself
        by_file[name] = items_from(data, name)
    return lint_items(by_file)


def main(argv: list[str]) -> int:
    findings = lint_files([Path(a) for a in argv])
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
