"""Markdown to GOV.UK-styled, sanitised HTML: Python-Markdown with its standard extensions
(`toc` for heading ids, `tables`, `attr_list`, `def_list`) and two small extensions of our own:

- `{cite: key}` or `{cite: key, where}` after a fact: in a module, a superscript number, with a
  "Sources" list at the end of each section naming each source by its title and linking to its
  entry on the sources page; in dilemmas and quiz feedback, "(source: title, where)" in line;
- a line holding only `{local: topic}`: an "In our council" box, filled when the page is drawn.

Raw HTML in the Markdown is not passed through (Python-Markdown's HTML processors are removed,
so it is escaped as text), and the output is sanitised again with nh3, so a content file can
never put script into a page.

Python-Markdown keeps no source lines, so `check_source` reads the text line by line for what
`content check` reports as path:line (unknown sources and local topics, bad links, '#' titles).
"""
from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from html import escape as _escape_html
from typing import Callable, Iterator

import markdown
import nh3
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

_NON_WORD = re.compile(r"[^a-z0-9]+")
_APOSTROPHE = re.compile(r"[’'`]")
# {cite: key} or {cite: key, where} (a section, regulation or page: "s22(3A)").
CITE = re.compile(r"\{cite:\s*([A-Za-z0-9_-]+)\s*(?:,\s*([^{}\n]+?))?\s*\}")
LOCAL_LINE = re.compile(r"^\{local:\s*([A-Za-z0-9_-]+)\s*\}$")
MODULE_LINK = re.compile(r"^([a-z0-9][a-z0-9-]*)\.md(?:#(.+))?$")
# An inline link or image in the source: [text](href "title").
_SOURCE_LINK = re.compile(r"(!?)\[((?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]\(\s*<?([^\s)>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
# Schemes CommonMark renderers refuse to link, as markdown-it did before us.
_BAD_HREF = re.compile(r"^\s*(?:javascript|vbscript|file|data):", re.IGNORECASE)


def slugify(text: str, separator: str = "-") -> str:
    """A heading's anchor: lower case, apostrophes dropped, other runs of non-alphanumerics as '-'."""
    return _NON_WORD.sub("-", _APOSTROPHE.sub("", text.lower())).strip("-")


_CLASSES = {
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--l govuk-section-break--visible",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "a": "govuk-link",
    "h2": "govuk-heading-l", "h3": "govuk-heading-m", "h4": "govuk-heading-s",
    "h5": "govuk-heading-s", "h6": "govuk-heading-s",
}

# Where a module's {local: topic} box goes, kept through sanitising as text no content can hold
# (content check refuses the private-use character), then cut out: see Module.html.
SLOT_MARK = "\ue000"
_SLOT = re.compile(r'<div class="app-local-slot">' + SLOT_MARK + r"([a-z0-9-]+)" + SLOT_MARK + "</div>")


def split_local_slots(html: str) -> tuple[str, ...]:
    """html, topic, html, topic, ..., html."""
    return tuple(_SLOT.split(html))


@dataclass
class RenderContext:
    """What rendering needs from the rest of the course."""

    cite_label: Callable[[str], str] = lambda key: key
    # "notes": numbered superscripts and a Sources list per section (modules); "inline": in line.
    cite_style: str = "inline"
    # Rendered once at start-up, outside any request, so links are root-relative paths.
    module_href: Callable[[str, str | None], str] = lambda module_id, anchor: (
        f"/modules/{module_id}#{anchor}" if anchor else f"/modules/{module_id}")
    sources_href: str = "/sources"
    problems: list = field(default_factory=list)


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    text: str


@dataclass
class Rendered:
    html: str
    headings: tuple[Heading, ...]
    words: int


# --- our extensions ----------------------------------------------------------------------------

class _CiteInline(InlineProcessor):
    """{cite: key, where} becomes a <cite> placeholder; _Citations turns it into notes or text."""

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's name
        el = etree.Element("cite", {"key": m.group(1)})
        if m.group(2):
            el.set("where", m.group(2))
        return el, m.start(0), m.end(0)


class _LocalBlock(BlockProcessor):
    """A paragraph holding only {local: topic} becomes the slot its box is drawn into."""

    def test(self, parent, block):
        return bool(LOCAL_LINE.match(block.strip()))

    def run(self, parent, blocks):
        topic = LOCAL_LINE.match(blocks.pop(0).strip()).group(1)
        slot = etree.SubElement(parent, "div", {"class": "app-local-slot"})
        slot.text = f"{SLOT_MARK}{topic}{SLOT_MARK}" if re.fullmatch(r"[a-z0-9-]+", topic) else ""


class _GovukTree(Treeprocessor):
    """GOV.UK classes, module links made site paths, unsafe links left as text, tables wrapped."""

    def __init__(self, md, context: Callable[[], RenderContext]):
        super().__init__(md)
        self.context = context

    def run(self, root):
        context = self.context()
        for parent in list(root.iter()):
            for index, el in enumerate(list(parent)):
                if el.tag == "a" and not self._link(el, context):
                    self._unlink(parent, index, el)
                elif el.tag == "table":
                    # A wide table scrolls inside its own focusable box, not the whole page, on a phone.
                    box = etree.Element("div", {"class": "app-table-container", "role": "region",
                                                "aria-label": "Table", "tabindex": "0"})
                    box.tail, el.tail = el.tail, None
                    parent.remove(el)
                    box.append(el)
                    parent.insert(index, box)
        for el in root.iter():
            css = _CLASSES.get(el.tag)
            if css and "class" not in el.attrib:
                el.set("class", css)
            if el.tag in ("th", "td"):
                el.attrib.pop("style", None)  # alignment styles would break the CSP
                el.attrib.pop("align", None)
            if el.tag == "th":
                el.set("scope", "col")
            if el.tag in ("h5", "h6"):
                el.attrib.pop("id", None)  # sections are linked to down to '####'

    @staticmethod
    def _link(el, context: RenderContext) -> bool:
        href = el.get("href", "")
        if _BAD_HREF.match(href):
            return False
        match = MODULE_LINK.match(href)
        if match:
            el.set("href", context.module_href(match.group(1), match.group(2)))
        return True

    @staticmethod
    def _unlink(parent, index: int, el) -> None:
        # As CommonMark does: a javascript: or data: link stays the text it was written as.
        text = etree.Element("span")
        text.text = f"[{''.join(el.itertext())}]({el.get('href', '')})"
        text.tail = el.tail
        parent.remove(el)
        parent.insert(index, text)


class _Citations(Treeprocessor):
    """Numbers the citations in reading order and ends each '##' section with its Sources list."""

    def __init__(self, md, context: Callable[[], RenderContext]):
        super().__init__(md)
        self.context = context

    def run(self, root):
        context = self.context()
        if context.cite_style != "notes":
            for el in root.iter("cite"):
                self._inline(el, context)
            return
        numbers: dict[tuple[str, str | None], int] = {}
        pending: list[tuple[int, str, str | None]] = []
        for child in list(root):
            if child.tag == "h2" and pending:
                root.insert(list(root).index(child), self._notes(pending, context))
                pending = []
            for el in child.iter("cite"):
                key, where = el.get("key", ""), el.get("where")
                number = numbers.get((key, where))
                if number is None:
                    number = numbers[(key, where)] = len(numbers) + 1
                    pending.append((number, key, where))
                self._mark(el, number)
        if pending:
            root.append(self._notes(pending, context))

    @staticmethod
    def _inline(el, context: RenderContext) -> None:
        key, where = el.attrib.pop("key", ""), el.attrib.pop("where", None)
        el.tag = "span"
        el.set("class", "app-cite")
        el.text = " (source: "
        link = etree.SubElement(el, "a", {"class": "govuk-link", "href": f"{context.sources_href}#{key}"})
        link.text = context.cite_label(key) + (f", {where}" if where else "")
        link.tail = ")"

    @staticmethod
    def _mark(el, number: int) -> None:
        # Not a link: a page with hundreds of citations would otherwise cost a keyboard user a tab
        # stop for each. The Sources list at the end of the section links to each source.
        el.attrib.clear()
        el.tag = "sup"
        el.set("class", "app-cite")
        before = etree.SubElement(el, "span", {"class": "govuk-visually-hidden"})
        before.text = " (source "
        before.tail = str(number)
        after = etree.SubElement(el, "span", {"class": "govuk-visually-hidden"})
        after.text = ")"

    @staticmethod
    def _notes(pending, context: RenderContext):
        box = etree.Element("div", {"class": "app-notes"})
        title = etree.SubElement(box, "p", {"class": "govuk-body-s app-notes__title"})
        title.text = "Sources"
        items = etree.SubElement(box, "ol", {"class": "govuk-list govuk-list--number govuk-body-s",
                                             "start": str(pending[0][0])})
        for number, key, where in pending:
            item = etree.SubElement(items, "li", {"id": f"source-{number}"})
            link = etree.SubElement(item, "a", {"class": "govuk-link", "href": f"{context.sources_href}#{key}"})
            link.text = context.cite_label(key)
            if where:
                link.tail = f", {where}"
        return box


class _Outline(Treeprocessor):
    """The headings (after toc gave them ids) and the word count, for the course to keep."""

    def run(self, root):
        headings = []
        for el in root.iter():
            if isinstance(el.tag, str) and re.fullmatch(r"h[1-6]", el.tag):
                headings.append(Heading(int(el.tag[1]), el.get("id", ""), " ".join("".join(el.itertext()).split())))
        self.md.outline = tuple(headings)
        self.md.words = len(" ".join(_words(root)).split())


def _words(el) -> Iterator[str]:
    # The reader's words: not code, not citations, not the council's box.
    if el.tag not in ("code", "cite") and el.get("class") != "app-local-slot" and el.text:
        yield el.text
    for child in el:
        yield from _words(child)
        if child.tail:
            yield child.tail


class CourseExtension(Extension):
    def __init__(self, context: Callable[[], RenderContext]):
        super().__init__()
        self.context = context

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # No raw HTML: written '<script>' stays text, as CommonMark's html: false did.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(_CiteInline(CITE.pattern, md), "cite", 200)
        md.parser.blockprocessors.register(_LocalBlock(md.parser), "local", 200)
        # toc (priority 5) has given headings their ids before these run.
        md.treeprocessors.register(_Outline(md), "outline", 4)
        md.treeprocessors.register(_Citations(md, self.context), "citations", 3)
        md.treeprocessors.register(_GovukTree(md, self.context), "govuk", 2)


class _Renderer:
    """A Python-Markdown instance; they are not thread-safe, so each thread has its own."""

    def __init__(self, context: RenderContext | None = None):
        self.context = context or RenderContext()
        self.md = markdown.Markdown(extensions=[
            "tables", "attr_list", "def_list",
            TocExtension(slugify=slugify, marker="", toc_depth="2-4"),
            CourseExtension(lambda: self.context)])

    def convert(self, text: str) -> Rendered:
        self.md.reset()
        self.md.outline, self.md.words = (), 0  # empty text runs no processor
        html = self.md.convert(text)
        return Rendered(html, self.md.outline, self.md.words)


_ALLOWED_TAGS = {"a", "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code",
                 "pre", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "div",
                 "span", "dl", "dt", "dd", "sup"}
_ALLOWED_ATTRIBUTES = {"*": {"class", "id"}, "a": {"href"}, "th": {"scope"}, "ol": {"start"},
                       "div": {"role", "aria-label", "tabindex"}}


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel=None)


_THREAD = threading.local()


def _renderer(context: RenderContext) -> _Renderer:
    # Building an instance costs more than a short text's conversion: reuse one per thread.
    renderer = getattr(_THREAD, "renderer", None)
    if renderer is None:
        renderer = _THREAD.renderer = _Renderer()
    renderer.context = context
    return renderer


def render_module(text: str, context: RenderContext) -> Rendered:
    """A module's body: sanitised HTML, its headings with their ids, and its word count."""
    rendered = _renderer(context).convert(text)
    return Rendered(sanitise(rendered.html), rendered.headings, rendered.words)


# One line with nothing Markdown would act on: most quiz and dilemma feedback. Python-Markdown
# takes milliseconds to say so, which made start-up three times slower than this shortcut.
_PLAIN = re.compile(r"(?![#>:=+*-]|\d+[.)])[^*_\[\]`\\<>&{}!|~\n]*")


def render(text: str, context: RenderContext | None = None) -> str:
    if _PLAIN.fullmatch(text.strip()) and not text.startswith((" ", "\t")):  # not code either
        return sanitise(f'<p class="govuk-body">{text.strip()}</p>') if text.strip() else ""
    return sanitise(_renderer(context or RenderContext()).convert(text).html)


def render_inline(text: str, context: RenderContext | None = None) -> str:
    """Short text such as quiz feedback: emphasis and links, no blocks."""
    html = render(text, context).strip()
    # One paragraph comes back as its contents; anything longer keeps its blocks.
    match = re.fullmatch(r'<p class="govuk-body">(.*)</p>', html, re.DOTALL)
    return match.group(1) if match and "<p" not in match.group(1) else html


# --- what content check reads from the source, with lines --------------------------------------

@dataclass(frozen=True)
class SourceItem:
    line: int  # 1-based, within the text given
    kind: str  # "h1", "cite", "local", "link", "malformed"
    value: str


def check_source(text: str) -> Iterator[SourceItem]:
    """Citations, local boxes, links and stray '#' titles, each with the line it is on."""
    fenced = False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if fenced or line.startswith("    "):
            continue
        if re.match(r"^ {0,3}#(?!#)\s", line):
            yield SourceItem(number, "h1", line)
        local = LOCAL_LINE.match(line.strip())
        rest = line
        if local:
            yield SourceItem(number, "local", local.group(1))
            rest = ""
        for match in CITE.finditer(rest):
            yield SourceItem(number, "cite", match.group(1))
        rest = CITE.sub("", rest)
        if "{cite" in rest or "{local" in rest:
            yield SourceItem(number, "malformed", line)
        for match in _SOURCE_LINK.finditer(line):
            if not match.group(1) and not _BAD_HREF.match(match.group(3)):
                yield SourceItem(number, "link", match.group(3))


def links(text: str) -> list[str]:
    return [item.value for item in check_source(text) if item.kind == "link"]


def escape(text: str) -> str:
    return _escape_html(text, quote=True)
