"""Question statistics for officers: which questions the council's members get wrong, so officers
can choose the topics of the next face-to-face session (what Moodle's quiz statistics report
gives, for training needs rather than for test writers).

Per question, over every submitted assessment: how many answered it, the share of marks earned,
a discrimination index and the wrong option chosen most often; per module, the share of marks
earned. A figure is hidden until at least MIN_MEMBERS different members have answered, so that no
member's answers can be picked out.

The discrimination index is the correlation between the mark for the question and the mark for
the rest of the same attempt (Moodle's "discrimination index", as a number from -1 to 1). Near 0 or
below, members who did well overall did no better on this question: it may be misleading,
ambiguous or marked wrongly.
"""
from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from dataclasses import dataclass

from app.content.course import Course, Module
from app.data import question_statistics as data
from app.quizzes import scoring
from app.content.quizzes import Question

MIN_MEMBERS = 5


def answers_of(result: scoring.Result) -> list[data.Answer]:
    """The tallies' view of one marked attempt."""
    marked = result.marked
    total, n = result.total, len(marked)
    out = []
    for m in marked:
        rest = (total - m.mark) / (n - 1) if n > 1 else 0.0
        out.append(data.Answer(m.question.id, m.mark, rest,
                               tuple(sorted(m.chosen - m.question.correct_keys))))
    return out


def record(person_id: int, result: scoring.Result) -> None:
    data.record(person_id, answers_of(result))


def rebuild(course: Course) -> int:
    """Work the tallies out again from every submitted assessment; returns how many were read.
    For existing attempts after an upgrade, and after questions are rewritten."""
    bank = course.question_bank
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0, 0.0, 0.0, 0.0])
    answerers: set[tuple[str, int]] = set()
    wrong: dict[tuple[str, str], int] = defaultdict(int)
    count = 0
    for person_id, question_ids, answers in data.submitted_assessments():
        questions = [q for qid in question_ids if (q := bank.question(qid)) is not None]
        count += 1
        for a in answers_of(scoring.mark(questions, answers)):
            s = sums[a.question_id]
            s[0] += 1
            if (a.question_id, person_id) not in answerers:
                answerers.add((a.question_id, person_id))
                s[1] += 1
            s[2] += a.mark
            s[3] += a.rest
            s[4] += a.mark * a.rest
            s[5] += a.mark * a.mark
            s[6] += a.rest * a.rest
            for key in a.wrong:
                wrong[(a.question_id, key)] += 1
    data.replace_all((data.Tally(qid, int(s[0]), int(s[1]), *s[2:]) for qid, s in sums.items()),
                     answerers, wrong)
    return count


def discrimination(t: data.Tally) -> float | None:
    n = t.answers
    spread = (n * t.sum_xx - t.sum_x ** 2) * (n * t.sum_yy - t.sum_y ** 2)
    if n < 2 or spread <= 1e-12:
        return None  # everyone scored the same on the question or on the rest
    return max(-1.0, min(1.0, (n * t.sum_xy - t.sum_x * t.sum_y) / math.sqrt(spread)))


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    module: Module | None
    answers: int
    members: int
    share_correct: float | None
    discrimination: float | None
    wrong_answer: str | None
    wrong_picks: int

    @property
    def hidden(self) -> bool:
        return self.members < MIN_MEMBERS


@dataclass(frozen=True)
class ModuleRow:
    module: Module
    answers: int
    share_correct: float | None
    hidden: bool


@dataclass(frozen=True)
class Statistics:
    questions: tuple[QuestionRow, ...]  # hardest first; hidden ones last
    modules: tuple[ModuleRow, ...]      # lowest share first

    @property
    def shown(self) -> tuple[QuestionRow, ...]:
        return tuple(r for r in self.questions if not r.hidden)

    @property
    def hidden_count(self) -> int:
        return len(self.questions) - len(self.shown)


def wrong_answer_text(question: Question, key: str) -> str:
    if question.choices and len(key) >= 2:
        statement, choice = question.option(key[:-1]), question.choice(key[-1])
        if statement and choice:
            return f"{statement.text} → {choice.text}"
    option = question.option(key)
    return option.text if option else key


def statistics(course: Course) -> Statistics:
    bank = course.question_bank
    wrong = data.most_picked_wrong()
    rows = []
    for t in data.tallies():
        q = bank.question(t.question_id)
        if q is None:
            continue  # a question since taken out of the course
        key, picks = wrong.get(q.id, (None, 0))
        rows.append(QuestionRow(q, course.module(q.module), t.answers, t.members,
                                t.sum_x / t.answers if t.answers else None, discrimination(t),
                                wrong_answer_text(q, key) if key else None, picks))
    rows.sort(key=lambda r: (r.hidden, r.share_correct if r.share_correct is not None else 1, r.question.id))
    by_module: dict[str, list[QuestionRow]] = defaultdict(list)
    for r in rows:
        by_module[r.question.module].append(r)
    modules = []
    for m in course.modules:
        mine = by_module.get(m.id, [])
        answers = sum(r.answers for r in mine)
        marks = sum((r.share_correct or 0) * r.answers for r in mine)
        # Some question was answered by MIN_MEMBERS members, so the module was too.
        hidden = not any(not r.hidden for r in mine)
        if mine:
            modules.append(ModuleRow(m, answers, marks / answers if answers else None, hidden))
    modules.sort(key=lambda r: (r.hidden, r.share_correct if r.share_correct is not None else 1))
    return Statistics(tuple(rows), tuple(modules))


CSV_HEADINGS = ("Question id", "Module", "Question", "Answers", "Members", "Share correct (%)",
                "Discrimination index", "Most-chosen wrong answer", "Times chosen")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(stats: Statistics) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADINGS)
    for r in stats.questions:
        hidden = f"fewer than {MIN_MEMBERS} members"
        writer.writerow([
            r.question.id, _cell(r.module.title if r.module else r.question.module),
            _cell(r.question.prompt),
            hidden if r.hidden else r.answers, hidden if r.hidden else r.members,
            "" if r.hidden or r.share_correct is None else round(100 * r.share_correct),
            "" if r.hidden or r.discrimination is None else f"{r.discrimination:.2f}",
            "" if r.hidden or not r.wrong_answer else _cell(r.wrong_answer),
            "" if r.hidden or not r.wrong_answer else r.wrong_picks])
    return buffer.getvalue().encode("utf-8-sig")
