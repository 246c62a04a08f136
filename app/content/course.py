"""The course: every content file, loaded and validated once into immutable objects.

load_course(root) reads content/, quizzes/ and scenarios/ under root. Each part has a loader;
a loader reads its files, reports problems as path:line: message, and adds what it built to the
CourseBuilder. Nothing is rendered on a request: module HTML is made here, once.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

from markupsafe import Markup

from app.content import markdown as md
from app.content import yamlsource
from app.content.checklists import Checklist, load_checklists
from app.content.common import LEVELS, check_link
from app.content.fields import Fields
from app.content.local import LOCAL_TOPICS, LocalFacts, local_box_html, read_local_file
from app.content.markdown import Heading
from app.content.pathways import Pathways, load_pathways
from app.content.problems import ContentInvalid, Problem, Reporter
from app.content.quizzes import QuestionBank, load_quizzes
from app.content.scenarios import Scenario, load_scenarios

__all__ = ["LEVELS", "Course", "CourseBuilder", "Heading", "Module", "Source", "build_course", "load_course"]

MODULE_KINDS = ("teaching", "reference")
TEACHING_WORDS = (800, 2500)
REQUIRED_SECTIONS = ("what-this-means-for-you", "questions-you-could-ask")
_LAW_AS_AT = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# What kind of document a source is. The first four are primary sources of law.
SOURCE_KINDS = ("act", "regulations", "statutory-guidance", "case-law", "guidance", "statistics",
                "inspection", "research", "source-document")
# How the sources page names each kind.
SOURCE_KIND_NAMES = {"act": "Act of Parliament", "regulations": "Regulations",
                     "statutory-guidance": "Statutory guidance", "case-law": "Court judgment",
                     "guidance": "Guidance", "statistics": "Official statistics",
                     "inspection": "Inspection report or framework", "research": "Research",
                     "source-document": "Document the course was written from"}
SOURCE_KIND_GROUPS = {"act": "Acts of Parliament", "regulations": "Regulations",
                      "statutory-guidance": "Statutory guidance", "case-law": "Court judgments",
                      "guidance": "Guidance", "statistics": "Official statistics",
                      "inspection": "Inspection reports and frameworks", "research": "Research",
                      "source-document": "Documents the course was written from"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    short: str
    publisher: str
    year: int | None
    seed: str | None
    kind: str | None = None
    url: str | None = None

    @property
    def kind_name(self) -> str:
        return SOURCE_KIND_NAMES.get(self.kind or "", "Other")

    @property
    def label(self) -> str:
        """How a citation names it: the short title, with the year unless the title has it."""
        if self.year and str(self.year) not in self.short:
            return f"{self.short}, {self.year}"
        return self.short


@dataclass(frozen=True)
class Principle:
    key: str
    letter: str
    short: str
    text: str


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    summary: str
    order: int
    kind: str
    levels: tuple[int, ...]
    minutes: int
    law_as_at: str
    law_checked_on: date | None
    law_checked_by: str | None
    sources: tuple[str, ...]
    learning_outcomes: tuple[str, ...]
    # The HTML, cut where the council's own facts go: html, topic, html, topic, ..., html.
    body: tuple[str, ...]
    headings: tuple[Heading, ...]
    word_count: int
    fingerprint: str
    path: str

    def html(self, local: LocalFacts, council: str) -> Markup:
        """The module's HTML with its "In <council>" boxes filled from local."""
        parts = [part if i % 2 == 0 else local_box_html(local, council, part)
                 for i, part in enumerate(self.body)]
        return Markup("".join(parts))  # nosec B704 - body sanitised by nh3; local_box_html escapes

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(h.anchor for h in self.headings)

    @property
    def contents(self) -> tuple[Heading, ...]:
        return tuple(h for h in self.headings if h.level == 2)

    @property
    def is_teaching(self) -> bool:
        return self.kind == "teaching"

    @property
    def law_as_at_words(self) -> str:
        year, month = self.law_as_at.split("-")
        return f"{_MONTHS[int(month) - 1]} {year}"

    @property
    def lowest_level(self) -> int:
        return min(self.levels)

    def serves_level(self, level: int) -> bool:
        return self.lowest_level <= level


@dataclass(frozen=True)
class Course:
    root: Path
    sources: Mapping[str, Source]
    principles: tuple[Principle, ...]
    modules: tuple[Module, ...]
    modules_by_id: Mapping[str, Module]
    checklists: tuple[Checklist, ...]
    question_bank: QuestionBank
    scenarios: Mapping[str, Scenario]
    pathways: Pathways

    @property
    def law_as_at(self) -> str:
        """The month the whole course states the law as at: its oldest module's."""
        return min(m.law_as_at for m in self.modules)

    @property
    def law_as_at_words(self) -> str:
        year, month = self.law_as_at.split("-")
        return f"{_MONTHS[int(month) - 1]} {year}"

    def module(self, module_id: str) -> Module | None:
        return self.modules_by_id.get(module_id)

    def modules_for_level(self, level: int) -> tuple[Module, ...]:
        return tuple(m for m in self.modules if m.serves_level(level))

    def sources_by_kind(self) -> list[tuple[str, list[Source]]]:
        """Every source under its kind, primary sources of law first, in the order of SOURCE_KINDS."""
        order = {kind: i for i, kind in enumerate(SOURCE_KINDS)}
        groups: dict[str, list[Source]] = {}
        for source in sorted(self.sources.values(), key=lambda s: order.get(s.kind or "", len(order))):
            groups.setdefault(SOURCE_KIND_GROUPS.get(source.kind or "", "Other sources"), []).append(source)
        return list(groups.items())

    def principle(self, key: str) -> Principle | None:
        return next((p for p in self.principles if p.key == key), None)



class CourseBuilder:
    """Mutable while loading; turned into a Course once every loader has run."""

    def __init__(self, root: Path, council_name: str):
        self.root = root
        self.council_name = council_name
        self.problems: list[Problem] = []
        self.sources: dict[str, Source] = {}
        self.principles: list[Principle] = []
        self.modules: dict[str, Module] = {}
        # Set by their loaders, in this order; the course is built only when all of them ran cleanly.
        self.checklists: tuple[Checklist, ...] = ()
        self.question_bank: QuestionBank | None = None
        self.scenarios: Mapping[str, Scenario] = MappingProxyType({})
        self.pathways: Pathways | None = None

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def reporter(self, path: Path, line_offset: int = 0) -> Reporter:
        return Reporter(self.rel(path), self.problems, line_offset)

    def read_yaml(self, path: Path, required: bool = True) -> Any:
        if not path.exists():
            if required:
                self.problems.append(Problem(self.rel(path), 1, "the file is missing"))
            return None
        try:
            return yamlsource.load(_read_text(path))
        except yamlsource.YamlProblem as exc:
            self.problems.append(Problem(self.rel(path), exc.line, exc.message))
        except UnicodeDecodeError:
            self.problems.append(Problem(self.rel(path), 1, "the file is not UTF-8 text"))
        return None

    def cite_label(self, key: str) -> str:
        source = self.sources.get(key)
        return source.label if source else key

    def render(self, text: str, report: Reporter, line: int, inline: bool = False) -> Markup:
        """Short course text (dilemmas, quiz feedback) as HTML, citations named by their titles."""
        for match in md.CITE.finditer(text):
            if match.group(1) not in self.sources:
                # A block of several lines ('text: |') starts on the line after its key.
                within = 1 + text.count("\n", 0, match.start()) if "\n" in text.strip() else 0
                report(line + within, f"unknown source {match.group(1)!r} in {{cite: ...}} "
                             f"(add it to content/sources.yaml)")
        context = md.RenderContext(cite_label=self.cite_label)
        html = md.render_inline(text, context) if inline else md.render(text, context)
        return Markup(html)  # nosec B704 - md.render and md.render_inline sanitise with nh3

    def build(self) -> Course:
        assert self.question_bank is not None and self.pathways is not None  # nosec B101 - set by their loaders
        modules = tuple(sorted(self.modules.values(), key=lambda m: (m.order, m.id)))
        return Course(
            root=self.root,
            sources=MappingProxyType(dict(self.sources)),
            principles=tuple(self.principles),
            modules=modules,
            modules_by_id=MappingProxyType({m.id: m for m in modules}),
            checklists=self.checklists,
            question_bank=self.question_bank,
            scenarios=self.scenarios,
            pathways=self.pathways,
        )


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


# --- sources, principles and local facts -------------------------------------------------------

def load_sources(b: CourseBuilder) -> None:
    path = b.root / "content" / "sources.yaml"
    data = b.read_yaml(path)
    if data is None:
        return
    report = b.reporter(path)
    if not isinstance(data, dict):
        report(1, "sources.yaml must map each source key to its title, publisher and year")
        return
    for key, entry in data.items():
        f = Fields(entry, report, where=f"source {key!r}")
        title = f.text("title")
        if not f.ok or title is None:
            continue
        f.unknown_keys({"title", "short", "publisher", "year", "seed", "kind", "url"})
        year = f.integer("year", required=False, minimum=1900, maximum=2100)
        url = f.text("url", required=False)
        if url and not _URL.match(url):
            report(f.line_of("url"), f"source {key!r}: 'url' must be a web address starting https://")
            url = None
        b.sources[str(key)] = Source(str(key), title, f.text("short", required=False, default=title),
                                     f.text("publisher", default="") or "", year,
                                     f.text("seed", required=False),
                                     f.choice("kind", SOURCE_KINDS, required=False), url)


def load_principles(b: CourseBuilder) -> None:
    path = b.root / "content" / "principles.yaml"
    data = b.read_yaml(path)
    if data is None:
        return
    report = b.reporter(path)
    if not isinstance(data, list):
        report(1, "principles.yaml must be a list of the seven principles")
        return
    for _line, entry in zip(getattr(data, "item_lines", [1] * len(data)), data, strict=False):
        f = Fields(entry, report, where="principle")
        values = [f.identifier("key"), f.text("letter"), f.text("short"), f.text("text")]
        if all(values):
            b.principles.append(Principle(*values))
    if len(b.principles) != 7 and not b.problems:
        report(1, f"there must be seven principles, not {len(b.principles)}")


_URL = re.compile(r"^https?://[^\s<>\"']+$")


def load_local(b: CourseBuilder) -> None:
    # Checked here so that 'content check' and start-up refuse a bad file; the facts themselves
    # are read when a page is drawn (app.content.local), so edits show without a restart.
    path = b.root / "content" / "local.yaml"
    _facts, problems = read_local_file(path, b.rel(path))
    b.problems.extend(problems)


# --- modules -----------------------------------------------------------------------------------

@dataclass
class _ModuleDraft:
    path: Path
    rel: str
    offset: int
    meta: dict
    text: str
    rendered: md.Rendered

    @property
    def headings(self) -> tuple[Heading, ...]:
        return self.rendered.headings


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter, body, line number of the body's first line minus one)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 0
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 1
    return None, text, 0


def _read_module(b: CourseBuilder, path: Path) -> _ModuleDraft | None:
    rel = b.rel(path)
    try:
        text = _read_text(path)
    except UnicodeDecodeError:
        b.problems.append(Problem(rel, 1, "the file is not UTF-8 text"))
        return None
    front, body, offset = split_front_matter(text)
    if front is None:
        b.problems.append(Problem(rel, 1, "a module must start with front matter between two '---' lines"))
        return None
    try:
        meta = yamlsource.load(front)
    except yamlsource.YamlProblem as exc:
        b.problems.append(Problem(rel, exc.line + 1, f"front matter is {exc.message}"))
        return None
    report = b.reporter(path, line_offset=1)
    f = Fields(meta, report, where="front matter")
    if not f.ok:
        return None
    # Rendered now, before its id is checked, because links between modules need every module's
    # heading ids; the course keeps the HTML, so no request renders Markdown.
    context = md.RenderContext(cite_label=b.cite_label, cite_style="notes")
    return _ModuleDraft(path, rel, offset, meta, body, md.render_module(body, context))


def _validate_body(b: CourseBuilder, draft: _ModuleDraft, module_id: str, kind: str,  # noqa: C901 - over the cap of 12 before the gate; split it when next changed
                   anchors_by_module: dict[str, frozenset[str]]) -> int:
    report = b.reporter(draft.path, line_offset=draft.offset + 1)
    words = draft.rendered.words
    for number, text in enumerate(draft.text.split("\n"), start=1):
        if md.SLOT_MARK in text:
            report(number - 1, "the text holds the private-use character U+E000, which the course "
                               "keeps for its own use: delete it")
    for item in md.check_source(draft.text):
        line = item.line - 1  # the reporter counts from the line before the body
        if item.kind == "h1":
            report(line, "use '##' for sections: the module title comes from the front matter")
        elif item.kind == "cite" and item.value not in b.sources:
            report(line, f"unknown source {item.value!r} in {{cite: ...}} "
                         f"(add it to content/sources.yaml)")
        elif item.kind == "local" and item.value not in LOCAL_TOPICS:
            report(line, f"unknown local topic {item.value!r} (expected one of: "
                         f"{', '.join(LOCAL_TOPICS)})")
        elif item.kind == "link":
            check_link(report, line, item.value, module_id, anchors_by_module)
        elif item.kind == "malformed":
            report(line, "a {cite: key} or {local: topic} here is malformed")
    if kind == "teaching":
        lo, hi = TEACHING_WORDS
        if not lo <= words <= hi:
            report(0, f"a teaching module has {lo}-{hi} words; this one has {words}")
        anchors = {h.anchor for h in draft.headings}
        for section in REQUIRED_SECTIONS:
            if section not in anchors:
                report(0, f"a teaching module needs a section '## {section.replace('-', ' ').capitalize()}'")
        if not any(h.text.lower().startswith("case study") for h in draft.headings):
            report(0, "a teaching module needs at least one case study under a heading starting 'Case study:'")
    return words


MODULE_FIELDS = {"id", "title", "summary", "order", "kind", "levels", "minutes", "law_as_at",
                 "law_checked_on", "law_checked_by", "sources", "learning_outcomes"}


def load_modules(b: CourseBuilder) -> None:
    folder = b.root / "content"
    drafts = [d for p in sorted(folder.glob("*.md")) if (d := _read_module(b, p))]
    seen: dict[str, str] = {}
    ids: dict[int, str] = {}
    for draft in drafts:
        report = b.reporter(draft.path, line_offset=1)
        f = Fields(draft.meta, report, where="front matter")
        f.unknown_keys(MODULE_FIELDS)
        module_id = f.identifier("id")
        if module_id and module_id != draft.path.stem:
            report(f.line_of("id"), f"'id' is {module_id!r} but the file is {draft.path.name}: "
                                    f"they must match")
        if module_id in seen:
            report(f.line_of("id"), f"duplicate module id {module_id!r} (also in {seen[module_id]})")
            module_id = None
        if module_id:
            seen[module_id] = draft.rel
        ids[id(draft)] = module_id
    anchors = {ids[id(d)]: frozenset(h.anchor for h in d.headings) for d in drafts if ids[id(d)]}

    for draft in drafts:
        module_id = ids[id(draft)]
        report = b.reporter(draft.path, line_offset=1)
        f = Fields(draft.meta, report, where="front matter")
        title, summary = f.text("title"), f.text("summary")
        order = f.integer("order", minimum=1)
        kind = f.choice("kind", MODULE_KINDS)
        levels = _levels(f, report)
        minutes = f.integer("minutes", minimum=1, maximum=120)
        law_as_at = _law_as_at(f, report)
        law_checked_on = _law_checked_on(f, report)
        sources = f.text_list("sources", allowed=set(b.sources), what="source")
        outcomes = f.text_list("learning_outcomes")
        words = _validate_body(b, draft, module_id or draft.path.stem, kind or "reference", anchors)
        if None in (module_id, title, summary, order, kind, minutes, law_as_at) or not levels \
                or not outcomes:
            continue
        b.modules[module_id] = Module(
            id=module_id, title=title, summary=summary, order=order, kind=kind,
            levels=levels, minutes=minutes, law_as_at=law_as_at, law_checked_on=law_checked_on,
            law_checked_by=f.text("law_checked_by", required=False), sources=sources,
            learning_outcomes=outcomes,
            body=md.split_local_slots(draft.rendered.html),
            headings=draft.headings, word_count=words,
            fingerprint=hashlib.sha256(draft.text.encode()).hexdigest(), path=draft.rel)


def _levels(f: Fields, report) -> tuple[int, ...]:
    out = []
    for line, item in f.items("levels"):
        if isinstance(item, bool) or item not in LEVELS:
            report(line, f"'levels': unknown level {item!r} (levels are 1, 2 and 3)")
        else:
            out.append(item)
    return tuple(sorted(set(out)))


def _law_checked_on(f: Fields, report) -> date | None:
    value = f.text("law_checked_on", required=False)
    if not value:
        return None
    try:
        if _DATE.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    report(f.line_of("law_checked_on"), f"'law_checked_on' must be a date like 2026-11-28, not {value!r}")
    return None


def _law_as_at(f: Fields, report) -> str | None:
    value = f.text("law_as_at")
    if value is None:
        return None
    match = _LAW_AS_AT.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        report(f.line_of("law_as_at"), f"'law_as_at' must be a year and month like 2026-11, not {value!r}")
        return None
    return value


# --- the whole course --------------------------------------------------------------------------

Loader = Callable[[CourseBuilder], None]


def _loaders() -> list[Loader]:
    # Later parts need earlier ones: modules need sources; quizzes and scenarios need modules;
    # pathways need checklists and scenarios.
    return [load_sources, load_principles, load_local, load_modules, load_checklists,
            load_quizzes, load_scenarios, load_pathways]


def build_course(root: Path, council_name: str = "the council") -> tuple[Course | None, list[Problem]]:
    builder = CourseBuilder(Path(root).resolve(), council_name)
    for folder in ("content", "quizzes", "scenarios"):
        if not (builder.root / folder).is_dir():
            builder.problems.append(Problem(folder, 1, f"the folder {folder}/ is missing under {builder.root}"))
    if builder.problems:
        return None, builder.problems
    for loader in _loaders():
        loader(builder)
    return (None if builder.problems else builder.build()), sorted(builder.problems)


def _signature(root: Path) -> tuple:
    files = []
    for folder in ("content", "quizzes", "scenarios"):
        for p in sorted((root / folder).rglob("*")):
            if p.is_file():
                st = p.stat()
                files.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(files)


_CACHE: dict[tuple, Course] = {}


def load_course(root: Path, council_name: str = "the council") -> Course:
    """The validated course; raises ContentInvalid naming every bad file and line.

    Loading is cached on the files' sizes and times, so tests and reloads do the work once.
    """
    root = Path(root).resolve()
    key = (root, council_name, _signature(root))
    if key in _CACHE:
        return _CACHE[key]
    course, problems = build_course(root, council_name)
    if problems or course is None:
        raise ContentInvalid(problems)
    _CACHE.clear()
    _CACHE[key] = course
    return course

