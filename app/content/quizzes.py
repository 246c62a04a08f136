"""The question bank: quizzes/<module>.yaml, quizzes/local.yaml and quizzes/assessment.yaml."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any, Mapping, Sequence

from markupsafe import Markup, escape

from app.content import lint
from app.content.fields import Fields
from app.content.problems import Problem
from app.content.question_types import QUESTION_TYPES, QuestionType

OPTION_KEYS = "abcdefghij"
CHOICE_KEYS = "123456789"  # a matching question's answers to choose from; digits, so never a letter
MIN_QUESTIONS_PER_TEACHING_MODULE = 5


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    correct: bool
    feedback: Markup
    pin: bool = False         # stays last, in file order, when options are shuffled
    match: str | None = None  # matching questions: the key of the choice this statement goes with


@dataclass(frozen=True)
class Choice:
    """One of the answers a matching question's statements are matched to."""

    key: str
    text: str


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
    choices: tuple[Choice, ...] = ()
    # Asks the member to recognise one of the seven principles from the Act's words, or to match
    # a situation to the principle it engages; every assessment draws at least one.
    principles: bool = False
    needs: tuple[str, ...] = ()  # local questions: the content/local.yaml facts the prompt uses

    @property
    def kind(self) -> type[QuestionType]:
        return QUESTION_TYPES[self.type]

    @cached_property
    def correct_keys(self) -> frozenset[str]:
        """The answer tokens that earn the mark: option keys, or for matching one statement key
        plus choice key per statement ("a3")."""
        if self.choices:
            return frozenset(f"{o.key}{o.match}" for o in self.options)
        return frozenset(o.key for o in self.options if o.correct)

    @cached_property
    def option_keys(self) -> frozenset[str]:
        if self.choices:
            return frozenset(f"{o.key}{c.key}" for o in self.options for c in self.choices)
        return frozenset(o.key for o in self.options)

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)

    def in_order(self, order: Sequence[str] | None) -> Question:
        """This question with its options (and choices) in the order an attempt stored; keys
        the order does not name keep their file order at the end, so an edit never hides one."""
        if not order:
            return self
        rank = {key: i for i, key in enumerate(order)}

        def arranged(items):
            return tuple(sorted(items, key=lambda o: rank.get(o.key, len(rank))))
        return replace(self, options=arranged(self.options), choices=arranged(self.choices))

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

    def waiting_for_figures(self, figures: Mapping[str, str]) -> tuple[str, ...]:
        """The council's own questions left out until it gives the figures they need."""
        return tuple(q.id for q in self.questions.values() if q.local and not ready(q, figures))

    def question(self, question_id: str) -> Question | None:
        return self.questions.get(question_id)

    def for_module(self, module_id: str) -> tuple[Question, ...]:
        return self.by_module.get(module_id, ())


QUESTION_FIELDS = {"id", "type", "prompt", "options", "choices", "explanation", "source", "section",
                   "origin", "principles", "needs"}


@dataclass(frozen=True)
class _QuizFile:
    """One quiz file being read: what every question in it is checked against."""

    b: Any
    path: Any
    report: Any
    local: bool
    module_id: str | None
    module: Any


def _load_file(b, path, questions: dict, origins: dict, local: bool) -> None:
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
    quiz = _QuizFile(b, path, report, local, module_id, module)
    for _line, entry in f.items("questions"):
        _load_question(quiz, entry, questions, origins)


def _load_question(quiz: _QuizFile, entry, questions: dict, origins: dict) -> None:
    b, report, local, module = quiz.b, quiz.report, quiz.local, quiz.module
    q = Fields(entry, report, where="question")
    if not q.ok:
        return
    q.unknown_keys(QUESTION_FIELDS)
    qid = _question_id(q, questions, origins, report)
    qtype = q.choice("type", tuple(QUESTION_TYPES))
    prompt, explanation = q.text("prompt"), q.text("explanation")
    source = _question_source(q, b, report)
    section = _question_section(q, quiz)
    choices = _matching_choices(q, qtype, entry, report)
    choice_texts = {c.text: c.key for c in choices}
    principles = q.boolean("principles")
    needs = _question_needs(q, entry, local, report)
    options, raw = _options(b, q, qtype, choice_texts, report)
    _check_answers(q, qtype, raw, choices, report)
    if qid:
        origins[qid] = f"{b.rel(quiz.path)}:{q.line_of('id')}"
    if None in (qid, qtype, prompt, explanation, source, module) or len(options) != len(raw) or not options:
        return
    explanation_html = b.render(explanation, report, q.line_of("explanation"), inline=True)
    question = Question(qid, qtype, prompt, tuple(options), explanation_html, source, module.id, section,
                        q.text("origin", required=False), local, choices=tuple(choices),
                        principles=principles, needs=tuple(needs))
    if local:
        _check_placeholders(question, report, q.line_of("id"))
    questions[qid] = question


def _question_id(q: Fields, questions: dict, origins: dict, report) -> str | None:
    qid = q.identifier("id")
    if qid in questions or qid in origins:
        report(q.line_of("id"), f"duplicate question id {qid!r} (also in {origins.get(qid)})")
        return None
    return qid


def _question_source(q: Fields, b, report) -> str | None:
    source = q.text("source")
    if source and source not in b.sources:
        report(q.line_of("source"), f"unknown source {source!r} (add it to content/sources.yaml)")
        return None
    return source


def _question_section(q: Fields, quiz: _QuizFile) -> str | None:
    section = q.text("section", required=False)
    if section and quiz.module and section not in quiz.module.anchors:
        quiz.report(q.line_of("section"), f"'section' {section!r} is not a heading in {quiz.module_id}")
        return None
    return section


def _matching_choices(q: Fields, qtype, entry, report) -> tuple[Choice, ...]:
    if qtype == "matching":
        return _choices(q, report)
    if "choices" in entry:
        report(q.line_of("choices"), "only a matching question has 'choices'")
    return ()


def _question_needs(q: Fields, entry, local: bool, report):
    needs = q.text_list("needs", required=False, what="fact") if local else ()
    if needs == () and "needs" in entry and not local:
        report(q.line_of("needs"), "only questions in quizzes/local.yaml have 'needs'")
    return needs


def _options(b, q: Fields, qtype, choice_texts: dict[str, str], report) -> tuple[list[Option], list[tuple[str, bool]]]:
    """The question's options, and (text, counts as an answer) for every option with text."""
    options: list[Option] = []
    raw: list[tuple[str, bool]] = []
    for i, (oline, opt) in enumerate(q.items("options")):
        of = Fields(opt, report, where="option")
        if not of.ok:
            continue
        # pin: true keeps an option (such as "None of these") last when options are shuffled.
        of.unknown_keys({"text", "correct", "feedback", "pin", "match"})
        pin = of.boolean("pin")
        text, feedback = of.text("text"), of.text("feedback")
        correct = of.boolean("correct")
        match = _match_key(of, choice_texts, report) if qtype == "matching" else None
        if i >= len(OPTION_KEYS):
            report(oline, f"a question has at most {len(OPTION_KEYS)} options")
            break
        if text is not None:
            raw.append((text, correct or match is not None))
        if text is not None and feedback is not None:
            feedback_html = b.render(feedback, report, of.line_of("feedback"), inline=True)
            options.append(Option(OPTION_KEYS[i], text, correct, feedback_html, pin=pin, match=match))
    return options, raw


def _check_answers(q: Fields, qtype, raw: list[tuple[str, bool]], choices, report) -> None:
    if qtype:
        QUESTION_TYPES[qtype].validate(raw, report, q.line_of("options"))
    if qtype == "matching" and len(choices) < 2:
        report(q.line_of("type"), "a matching question needs 'choices': at least two answers "
                                  "to match its statements to")


def _choices(q: Fields, report) -> tuple[Choice, ...]:
    out: list[Choice] = []
    for line, text in q.items("choices"):
        if not isinstance(text, str) or not text.strip():
            report(line, "each of 'choices' is a line of text")
        elif len(out) >= len(CHOICE_KEYS):
            report(line, f"a matching question has at most {len(CHOICE_KEYS)} choices")
            break
        else:
            out.append(Choice(CHOICE_KEYS[len(out)], text.strip()))
    return tuple(out)


def _match_key(of: Fields, choice_texts: dict[str, str], report) -> str | None:
    match = of.text("match")
    if match is None:
        return None
    if match not in choice_texts:
        report(of.line_of("match"), f"'match' {match!r} is not one of the question's choices")
        return None
    return choice_texts[match]


_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


def _placeholders(question: Question) -> set[str]:
    texts = [question.prompt, str(question.explanation)] + [
        t for o in question.options for t in (o.text, str(o.feedback))]
    return {name for t in texts for name in _PLACEHOLDER.findall(t)}


def _check_placeholders(question: Question, report, line: int) -> None:
    for name in sorted(_placeholders(question) - set(question.needs) - {"council"}):
        report(line, f"local question {question.id!r} uses {{{name}}} but does not list it "
                     f"under 'needs'")


def ready(question: Question, figures: Mapping[str, str]) -> bool:
    """A council's own question may be drawn only once every figure it needs is given."""
    return all(figures.get(name) for name in question.needs)


def fill_local(question: Question, figures: Mapping[str, str], council: str) -> Question:
    """A local question with the council's figures in place of its {placeholders} ({council} is
    the council's name); a figure not given stays as its placeholder. Other questions as they are.
    Figures are written by officers, so they are escaped."""
    if not question.local:
        return question
    plain = {**figures, "council": council}  # prompts and option texts are escaped when shown
    html = {k: str(escape(v)) for k, v in plain.items()}

    def fill(text: str, values: Mapping[str, str]) -> str:
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    return replace(
        question, prompt=fill(question.prompt, plain),
        explanation=Markup(fill(str(question.explanation), html)),  # nosec B704 - sanitised at load; figures escaped
        options=tuple(replace(o, text=fill(o.text, plain),
                              feedback=Markup(fill(str(o.feedback), html)))  # nosec B704 - as above
                      for o in question.options))


def load_quizzes(b) -> None:
    folder = b.root / "quizzes"
    questions: dict[str, Question] = {}
    origins: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "assessment.yaml":
            continue
        _load_file(b, path, questions, origins, local=path.name == "local.yaml")
    _lint_item_writing(b, sorted(folder.glob("*.yaml")))
    by_module: dict[str, list[Question]] = {}
    for question in questions.values():
        by_module.setdefault(question.module, []).append(question)
    for module in b.modules.values():
        count = len([q for q in by_module.get(module.id, []) if not q.local])
        if module.is_teaching and count < MIN_QUESTIONS_PER_TEACHING_MODULE:
            b.problems.append(_problem(b, folder / f"{module.id}.yaml",
                                       f"the teaching module {module.id!r} needs at least "
                                       f"{MIN_QUESTIONS_PER_TEACHING_MODULE} questions; it has {count}"))
    b.question_bank = QuestionBank(
        MappingProxyType(questions),
        MappingProxyType({k: tuple(v) for k, v in by_module.items()}),
        _load_assessment(b, folder / "assessment.yaml"))


def _lint_item_writing(b, paths) -> None:
    """A quiz that test-wiseness can pass fails content check like any other error."""
    for finding in lint.lint_files(paths, display={p: b.rel(p) for p in paths}):
        b.problems.append(Problem(finding.path, finding.line, finding.message))


def _problem(b, path, message):
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
