"""The levels 1-3 responsibility checklists (content/checklists.yaml)."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from app.content import markdown as md
from app.content.common import LEVELS, check_link
from app.content.fields import Fields


@dataclass(frozen=True)
class ChecklistQuestion:
    id: str
    text: str
    help_html: Markup


@dataclass(frozen=True)
class Checklist:
    level: int
    title: str
    intro: str
    source: str
    questions: tuple[ChecklistQuestion, ...]

    def question(self, question_id: str) -> ChecklistQuestion | None:
        return next((q for q in self.questions if q.id == question_id), None)


def load_checklists(b) -> None:  # noqa: C901 - over the cap of 12 before the gate; split it when next changed

    path = b.root / "content" / "checklists.yaml"
    data = b.read_yaml(path)
    if data is None:
        b.checklists = ()
        return
    report = b.reporter(path)
    checklists: list[Checklist] = []
    seen_ids: set[str] = set()
    anchors = {m.id: m.anchors for m in b.modules.values()}
    if not isinstance(data, list):
        report(1, "checklists.yaml must be a list with one checklist per level")
        data = []
    for _, entry in zip(getattr(data, "item_lines", []), data, strict=False):
        f = Fields(entry, report, where="checklist")
        if not f.ok:
            continue
        f.unknown_keys({"level", "title", "intro", "source", "questions"})
        level = f.integer("level", minimum=1, maximum=3)
        title, intro = f.text("title"), f.text("intro")
        source = f.text("source")
        if source and source not in b.sources:
            report(f.line_of("source"), f"unknown source {source!r}")
        if level in {c.level for c in checklists}:
            report(f.line_of("level"), f"there is already a checklist for level {level}")
        questions = []
        for _, q in f.items("questions"):
            qf = Fields(q, report, where="checklist question")
            qid, text = qf.identifier("id"), qf.text("text")
            help_text = qf.text("help", required=False, default="") or ""
            if qid in seen_ids:
                report(qf.line_of("id"), f"duplicate checklist question id {qid!r}")
                continue
            for href in md.links(help_text):
                check_link(report, qf.line_of("help"), href, "", anchors)
            if qid and text:
                seen_ids.add(qid)
                questions.append(ChecklistQuestion(qid, text, Markup(md.render_inline(help_text))))  # nosec B704 - render_inline sanitises with nh3
        if level in LEVELS and title and intro and source and questions:
            checklists.append(Checklist(level, title, intro, source, tuple(questions)))
    b.checklists = tuple(sorted(checklists, key=lambda c: c.level))
