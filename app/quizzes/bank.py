"""The question bank: quizzes/<module>.yaml, quizzes/local.yaml and quizzes/assessment.yaml."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from markupsafe import Markup

from app.content.fields import Fields
from app.quizzes.types import QUESTION_TYPES, QuestionType

OPTION_KEYS = "abcdefghij"
MIN_QUESTIONS_PER_TEACHING_MODULE = 5


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    correct: bool
    feedback: Markup


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: str
    options: tuple[Option, ...]
    explanation: Markup
    source: str
    module: str
    section: str | None
    origin: str | None
    local: bool

    @property
    def kind(self) -> type[QuestionType]:
        return QUESTION_TYPES[self.type]

    @property
    def correct_keys(self) -> frozenset[str]:
        return frozenset(o.key for o in self.options if o.correct)

    @property
    def option_keys(self) -> frozenset[str]:
        return frozenset(o.key for o in self.options)

    @property
    def display_prompt(self) -> str:
        """The prompt without a closing "Select all that apply.", which the form shows as a hint."""
        hint = self.kind.hint
        tail = "select all that apply."
        if hint and hint.lower().startswith(tail) and self.prompt.lower().endswith(tail):
            return self.prompt[: -len(tail)].rstrip()
        return self.prompt

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    def score(self, chosen: frozenset[str]) -> float:
        return self.kind.score(self.correct_keys, chosen)


@dataclass(frozen=True)
class AssessmentRules:
    title: str
    questions: int
    per_module_max: int
    retake_weight: int  # how many times likelier a missed module's questions are to be drawn


@dataclass(frozen=True)
class QuestionBank:
    questions: Mapping[str, Question]
    by_module: Mapping[str, tuple[Question, ...]]
    assessment: AssessmentRules

    def question(self, question_id: str) -> Question | None:
        return self.questions.get(question_id)

    def for_module(self, module_id: str) -> tuple[Question, ...]:
        return self.by_module.get(module_id, ())


QUESTION_FIELDS = {"id", "type", "prompt", "options", "explanation", "source", "section", "origin"}


def _load_file(b, path, questions: dict, origins: dict, local: bool) -> None:  # noqa: C901 - over the cap of 12 before the gate; split it when next changed
    data = b.read_yaml(path)
    if data is None:
        return
    report = b.reporter(path)
    f = Fields(data, report, where=path.name)
    if not f.ok:
        return
    f.unknown_keys({"module", "questions"})
    module_id = f.identifier("module")
    module = b.modules.get(module_id) if module_id else None
    if module_id and module is None:
        report(f.line_of("module"), f"unknown module {module_id!r} (no content/{module_id}.md)")
    if not local and module_id and module_id != path.stem:
        report(f.line_of("module"), f"'module' is {module_id!r} but the file is {path.name}")
    for _line, entry in f.items("questions"):
        q = Fields(entry, report, where="question")
        if not q.ok:
            continue
        q.unknown_keys(QUESTION_FIELDS)
        qid = q.identifier("id")
        if qid in questions or qid in origins:
            report(q.line_of("id"), f"duplicate question id {qid!r} (also in {origins.get(qid)})")
            qid = None
        qtype = q.choice("type", tuple(QUESTION_TYPES))
        prompt, explanation = q.text("prompt"), q.text("explanation")
        source = q.text("source")
        if source and source not in b.sources:
            report(q.line_of("source"), f"unknown source {source!r} (add it to content/sources.yaml)")
            source = None
        section = q.text("section", required=False)
        if section and module and section not in module.anchors:
            report(q.line_of("section"), f"'section' {section!r} is not a heading in {module_id}")
            section = None
        options: list[Option] = []
        raw: list[tuple[str, bool]] = []
        for i, (oline, opt) in enumerate(q.items("options")):
            of = Fields(opt, report, where="option")
            if not of.ok:
                continue
            # pin: true keeps an option (such as "None of these") last when options are shuffled.
            of.unknown_keys({"text", "correct", "feedback", "pin"})
            of.boolean("pin")
            text, feedback = of.text("text"), of.text("feedback")
            correct = of.boolean("correct")
            if i >= len(OPTION_KEYS):
                report(oline, f"a question has at most {len(OPTION_KEYS)} options")
                break
            if text is not None:
                raw.append((text, correct))
            if text is not None and feedback is not None:
                feedback_html = b.render(feedback, report, of.line_of("feedback"), inline=True)
                options.append(Option(OPTION_KEYS[i], text, correct, feedback_html))
        if qtype:
            QUESTION_TYPES[qtype].validate(raw, report, q.line_of("options"))
        if qid:
            origins[qid] = f"{b.rel(path)}:{q.line_of('id')}"
        if None in (qid, qtype, prompt, explanation, source, module) or len(options) != len(raw) or not options:
            continue
        explanation_html = b.render(explanation, report, q.line_of("explanation"), inline=True)
        questions[qid] = Question(qid, qtype, prompt, tuple(options), explanation_html, source, module.id, section,
                                  q.text("origin", required=False), local)


def load_quizzes(b) -> None:
    folder = b.root / "quizzes"
    questions: dict[str, Question] = {}
    origins: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "assessment.yaml":
            continue
        _load_file(b, path, questions, origins, local=path.name == "local.yaml")
    by_module: dict[str, list[Question]] = {}
    for question in questions.values():
        by_module.setdefault(question.module, []).append(question)
    for module in b.modules.values():
        count = len([q for q in by_module.get(module.id, []) if not q.local])
        if module.is_teaching and count < MIN_QUESTIONS_PER_TEACHING_MODULE:
            b.problems.append(_problem(b, folder / f"{module.id}.yaml",
                                       f"the teaching module {module.id!r} needs at least "
                                       f"{MIN_QUESTIONS_PER_TEACHING_MODULE} questions; it has {count}"))
    b.extras["question_bank"] = QuestionBank(
        MappingProxyType(questions),
        MappingProxyType({k: tuple(v) for k, v in by_module.items()}),
        _load_assessment(b, folder / "assessment.yaml"))


def _problem(b, path, message):
    from app.content.problems import Problem
    return Problem(b.rel(path), 1, message)


def _load_assessment(b, path) -> AssessmentRules:
    default = AssessmentRules("Test your knowledge", 20, 3, 3)
    data = b.read_yaml(path)
    if data is None:
        return default
    f = Fields(data, b.reporter(path), where="assessment.yaml")
    if not f.ok:
        return default
    f.unknown_keys({"title", "questions", "per_module_max", "retake_weight"})
    return AssessmentRules(
        f.text("title") or default.title,
        f.integer("questions", minimum=5, maximum=60) or default.questions,
        f.integer("per_module_max", minimum=1, maximum=20) or default.per_module_max,
        f.integer("retake_weight", required=False, minimum=1, maximum=10) or default.retake_weight,
    )
