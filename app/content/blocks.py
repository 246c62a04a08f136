"""The text of every content file as blocks, each with the line it starts on.

The Markdown renderer keeps no line numbers, so the rules that must say path:line (citations,
links, local boxes, legal statements, close paraphrase) read the files through this small,
line-aware pass instead: a block is a paragraph, a list item, a table row, a heading, or one text
field of a quiz, scenario or checklist. Nothing here needs Flask or a loaded course.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from app.content import yamlsource

# {cite: key} or {cite: key, where} (a section, regulation or page: "s22(3A)").
CITE = re.compile(r"\{cite:\s*([A-Za-z0-9_-]+)\s*(?:,\s*([^{}\n]+?))?\s*\}")
LOCAL_LINE = re.compile(r"^\{local:\s*([A-Za-z0-9_-]+)\s*\}$")
# [text](target) but not an image; a title in quotes after the target is allowed.
LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MARKUP = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`")


@dataclass(frozen=True)
class Cite:
    key: str
    where: str | None
    line: int


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    line: int


@dataclass(frozen=True)
class Block:
    """One block of text. `line` is the file line its first text line stands on."""

    path: str
    line: int
    kind: str          # paragraph, list-item, table-row, table-header, heading, local, or a field name
    text: str          # the source text, Markdown markup and {cite: ...} markers included
    sources: tuple[str, ...] = ()   # sources the item carries outside its text (a quiz's `source`)
    label: str = ""    # what a writer knows the block by: a question id, a node id
    level: int = 0     # a heading's level
    quote: int = 0     # which '>' block quote of the text it stands in (1, 2, ...); 0 if none

    @property
    def cites(self) -> tuple[Cite, ...]:
        return tuple(Cite(m.group(1), m.group(2), self.line_at(m.start())) for m in CITE.finditer(self.text))

    @property
    def links(self) -> tuple[Link, ...]:
        return tuple(Link(m.group(1), m.group(2), self.line_at(m.start())) for m in LINK.finditer(self.text))

    @property
    def keys(self) -> tuple[str, ...]:
        """Every source the block carries: its {cite: ...} keys and the item's own source."""
        return tuple(c.key for c in self.cites) + self.sources

    @property
    def plain(self) -> str:
        return plain_text(self.text)

    def line_at(self, offset: int) -> int:
        return self.line + self.text.count("\n", 0, offset)

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def plain_text(text: str) -> str:
    """What a reader sees: markers, link targets and emphasis removed, whitespace collapsed."""
    text = CITE.sub("", text)
    text = LINK.sub(lambda m: m.group(1), text)
    text = _MARKUP.sub("", text)
    return " ".join(text.split())


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter, body, line number of the body's first line minus one)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 0
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 1
    return None, text, 0


# --- Markdown ----------------------------------------------------------------------------------

class _Splitter:
    """Cuts Markdown into blocks line by line; `first_line` is the file line of text line 0."""

    def __init__(self, path: str, first_line: int, **extra: Any):
        self.path = path
        self.first_line = first_line
        self.extra = extra
        self.blocks: list[Block] = []
        self.current: list[str] = []
        self.start = 0
        self.kind = "paragraph"
        self.quote = 0
        self.quotes = 0
        self.table_rows = 0

    def flush(self) -> None:
        if self.current:
            text = "\n".join(self.current).strip("\n")
            if text.strip():
                self.blocks.append(Block(self.path, self.first_line + self.start, self.kind, text,
                                         quote=self.quote, **self.extra))
        self.current = []

    def begin(self, index: int, kind: str, text: str) -> None:
        self.flush()
        self.start, self.kind = index, kind
        self.current = [text]

    def single(self, index: int, kind: str, text: str, level: int = 0) -> None:
        self.flush()
        self.blocks.append(Block(self.path, self.first_line + index, kind, text, quote=self.quote,
                                 level=level, **self.extra))

    def line(self, index: int, raw: str) -> None:
        quoted = bool(_QUOTE.match(raw))
        if quoted != bool(self.quote):
            self.flush()
            self.quotes += quoted
            self.quote = self.quotes if quoted else 0
        line = _QUOTE.sub("", raw) if quoted else raw
        stripped = line.strip()
        if not stripped:
            self.flush()
            self.table_rows = 0
            return
        heading = _HEADING.match(line)
        if heading:
            self.single(index, "heading", heading.group(2), len(heading.group(1)))
        elif LOCAL_LINE.match(stripped):
            self.single(index, "local", stripped)
        elif stripped.startswith("|"):
            if not _TABLE_RULE.match(stripped):
                self.single(index, "table-header" if self.table_rows == 0 else "table-row",
                            stripped)
            self.table_rows += 1
        elif _LIST_ITEM.match(line):
            self.begin(index, "list-item", _LIST_ITEM.sub("", line, count=1))
        elif self.current:
            self.current.append(stripped)  # a paragraph's next line, or a list item's continuation
        else:
            self.begin(index, "paragraph", stripped)


def markdown_blocks(text: str, path: str, first_line: int = 1, **extra: Any) -> list[Block]:
    """The blocks of a Markdown text whose first line is file line `first_line`."""
    splitter = _Splitter(path, first_line, **extra)
    fenced = False
    for index, raw in enumerate(text.split("\n")):
        if _FENCE.match(raw):
            fenced = not fenced
            splitter.flush()
            continue
        if not fenced:
            splitter.line(index, raw)
    splitter.flush()
    return splitter.blocks


def module_blocks(text: str, path: str) -> list[Block]:
    """A module file's body (after its front matter) as blocks with file lines."""
    _front, body, offset = split_front_matter(text)
    return markdown_blocks(body, path, first_line=offset + 1)


# --- YAML files -------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


class _YamlText:
    """Turns text fields of parsed YAML into blocks, finding the line each value starts on."""

    def __init__(self, path: str, raw: str):
        self.path = path
        self.lines = raw.split("\n")
        self.blocks: list[Block] = []

    def value_line(self, key_line: int, value: str) -> int:
        # A block scalar ('|' or '>') starts on the line after its key; a plain value on it.
        words = " ".join(value.split()[:4])
        for number in range(key_line, min(key_line + 3, len(self.lines)) + 1):
            if words and words in " ".join(self.lines[number - 1].split()):
                return number
        return key_line + 1 if self.lines[key_line - 1].rstrip().endswith(("|", ">", "|-", ">-")) \
            else key_line

    def field(self, mapping: Any, key: str, kind: str, markdown: bool = False, **extra: Any) -> None:
        if not isinstance(mapping, dict):
            return
        value = _text(mapping.get(key))
        if value is None:
            return
        key_line = mapping.line_of(key) if hasattr(mapping, "line_of") else 1
        line = self.value_line(key_line, value)
        if markdown:
            for block in markdown_blocks(value, self.path, line, **extra):
                self.blocks.append(Block(block.path, block.line, kind if block.kind == "paragraph"
                                         else f"{kind}/{block.kind}", block.text, block.sources,
                                         block.label, block.level, block.quote))
        else:
            self.blocks.append(Block(self.path, line, kind, value.strip(), **extra))

    def items(self, mapping: Any, key: str) -> list[tuple[int, Any]]:
        value = mapping.get(key) if isinstance(mapping, dict) else None
        if not isinstance(value, list):
            return []
        return list(zip(getattr(value, "item_lines", [1] * len(value)), value, strict=True))


def quiz_blocks(data: Any, path: str, raw: str) -> list[Block]:
    """Prompts, options, feedback and explanations of a quiz file."""
    out = _YamlText(path, raw)
    for _line, q in out.items(data, "questions"):
        if not isinstance(q, dict):
            continue
        qid = str(q.get("id", ""))
        source = (str(q["source"]),) if _text(q.get("source")) else ()
        # The question's source stands behind its prompt and options too, so that a prompt may
        # quote the Act it rests on (a principle's words, for example).
        out.field(q, "prompt", "quiz-prompt", sources=source, label=qid)
        for _oline, option in out.items(q, "options"):
            out.field(option, "text", "quiz-option", sources=source, label=qid)
            out.field(option, "feedback", "quiz-feedback", sources=source, label=qid)
        out.field(q, "explanation", "quiz-explanation", sources=source, label=qid)
    return out.blocks


def scenario_blocks(data: Any, path: str, raw: str) -> list[Block]:
    """Every text of a scenario: node text, choice labels and feedback, endings and debriefs."""
    out = _YamlText(path, raw)
    if not isinstance(data, dict):
        return []
    out.field(data, "summary", "scenario-summary")
    nodes = data.get("nodes")
    for node_id, node in (nodes.items() if isinstance(nodes, dict) else ()):
        label = str(node_id)
        out.field(node, "text", "scenario-text", markdown=True, label=label)
        for _cline, choice in out.items(node, "choices"):
            out.field(choice, "label", "scenario-choice", label=label)
            out.field(choice, "feedback", "scenario-feedback", markdown=True, label=label)
        debrief = node.get("debrief") if isinstance(node, dict) else None
        out.field(debrief, "summary", "scenario-debrief", markdown=True, label=label)
        points = debrief.get("key_points") if isinstance(debrief, dict) else None
        for pline, point in zip(getattr(points, "item_lines", []), points or (), strict=False):
            if _text(point):
                out.blocks.append(Block(path, out.value_line(pline, point), "scenario-key-point",
                                        point.strip(), label=label))
    return out.blocks


def checklist_blocks(data: Any, path: str, raw: str) -> list[Block]:
    """Checklist titles, introductions, questions and help."""
    out = _YamlText(path, raw)
    for _line, checklist in zip(getattr(data, "item_lines", []), data or (), strict=False):
        if not isinstance(checklist, dict):
            continue
        source = (str(checklist["source"]),) if _text(checklist.get("source")) else ()
        out.field(checklist, "intro", "checklist-intro", sources=source)
        for _qline, q in out.items(checklist, "questions"):
            qid = str(q.get("id", "")) if isinstance(q, dict) else ""
            out.field(q, "text", "checklist-question", sources=source, label=qid)
            out.field(q, "help", "checklist-help", sources=source, label=qid)
    return out.blocks


def file_blocks(path: Path, display: str | None = None) -> list[Block]:
    """The blocks of any course file, chosen by where it lives: content/*.md, quizzes/*.yaml,
    scenarios/*.yaml, content/checklists.yaml. Other files have no course text."""
    name = display or str(path)
    raw = path.read_bytes().decode("utf-8-sig")
    if path.suffix == ".md":
        return module_blocks(raw, name)
    kind = path.parent.name if path.name != "checklists.yaml" else "checklists"
    if kind not in ("quizzes", "scenarios", "checklists") or path.name == "assessment.yaml":
        return []
    try:
        data = yamlsource.load(raw)
    except yamlsource.YamlProblem:
        return []  # content check reports the YAML itself
    reader = {"quizzes": quiz_blocks, "scenarios": scenario_blocks, "checklists": checklist_blocks}[kind]
    return reader(data, name, raw)


def course_files(root: Path) -> list[Path]:
    """Every file under root that holds course text, in a stable order."""
    files = sorted((root / "content").glob("*.md"))
    files += [root / "content" / "checklists.yaml"] if (root / "content" / "checklists.yaml").exists() else []
    files += sorted((root / "quizzes").glob("*.yaml")) + sorted((root / "scenarios").glob("*.yaml"))
    return [f for f in files if f.name != "assessment.yaml"]


def source_kinds(root: Path) -> dict[str, str | None]:
    """key -> kind from content/sources.yaml under root ({} when there is none or it is broken)."""
    path = root / "content" / "sources.yaml"
    try:
        data = yamlsource.load(path.read_bytes().decode("utf-8-sig")) if path.exists() else {}
    except (yamlsource.YamlProblem, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): (v.get("kind") if isinstance(v, dict) else None) for k, v in data.items()}


def course_root(path: Path) -> Path:
    """The folder holding content/, quizzes/ and scenarios/ that a file belongs to."""
    for parent in path.resolve().parents:
        if (parent / "content").is_dir() and (parent / "quizzes").is_dir():
            return parent
    return Path.cwd()


def iter_sentences(block: Block) -> Iterator[tuple[int, str]]:
    """(line, sentence) for each sentence of a block's plain text; table cells count as sentences."""
    if block.kind.endswith(("table-row", "table-header")):
        for cell in block.text.strip().strip("|").split("|"):
            for match in _SENTENCE.finditer(cell.strip()):
                if sentence := plain_text(match.group(0)):
                    yield block.line, sentence
        return
    # Markers and emphasis become spaces of the same length, so that "fact.{cite: x} Next" and
    # "**Heading?** Text" split as a reader would, and offsets still give lines.
    masked = _MARKUP.sub(_blank, CITE.sub(_blank, block.text))
    for match in _SENTENCE.finditer(masked):
        if sentence := plain_text(match.group(0)):
            yield block.line_at(match.start()), sentence


def _blank(match: re.Match) -> str:
    return " " * len(match.group(0))


# A sentence ends at . ! or ? followed by space and a capital, a quote or a digit, or at the end.
_SENTENCE = re.compile(r"\S.*?(?:[.!?][\"'’”)]*(?=\s+[\"'‘“(A-Z0-9])|$)", re.S)
