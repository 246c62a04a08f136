"""Markdown to GOV.UK-styled, sanitised HTML, with our two extensions:

- `{cite: key}` or `{cite: key, where}` after a fact: in a module, a superscript number, with a
  "Sources" list at the end of each section naming each source by its title and linking to its
  entry on the sources page; in dilemmas and quiz feedback, "(source: title, where)" in line;
- a line holding only `{local: topic}`: an "In our council" box from content/local.yaml.

Raw HTML in the Markdown is escaped by the parser, and the output is sanitised again with nh3,
so a content file can never put script into a page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.anchors import anchors_plugin

_NON_WORD = re.compile(r"[^a-z0-9]+")
_APOSTROPHE = re.compile(r"[’'`]")
# {cite: key} or {cite: key, where} (a section, regulation or page: "s22(3A)").
CITE = re.compile(r"\{cite:\s*([A-Za-z0-9_-]+)\s*(?:,\s*([^{}\n]+?))?\s*\}")
LOCAL_LINE = re.compile(r"^\{local:\s*([A-Za-z0-9_-]+)\s*\}$")
MODULE_LINK = re.compile(r"^([a-z0-9][a-z0-9-]*)\.md(?:#(.+))?$")


def slugify(text: str) -> str:
    """A heading's anchor: lower case, apostrophes dropped, other runs of non-alphanumerics as '-'."""
    return _NON_WORD.sub("-", _APOSTROPHE.sub("", text.lower())).strip("-")


_CLASSES = {
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "blockquote_open": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--l govuk-section-break--visible",
    "table_open": "govuk-table",
    "thead_open": "govuk-table__head",
    "tbody_open": "govuk-table__body",
    "tr_open": "govuk-table__row",
    "th_open": "govuk-table__header",
    "td_open": "govuk-table__cell",
}
_HEADING_CLASSES = {"h2": "govuk-heading-l", "h3": "govuk-heading-m", "h4": "govuk-heading-s",
                    "h5": "govuk-heading-s", "h6": "govuk-heading-s"}


def _cite_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    match = CITE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("cite", "", 0)
        token.meta = {"key": match.group(1), "where": match.group(2)}
    state.pos = match.end()
    return True


def _local_boxes(state: StateCore) -> None:
    tokens = state.tokens
    i = 0
    while i < len(tokens) - 2:
        opening, inline, closing = tokens[i], tokens[i + 1], tokens[i + 2]
        if (opening.type == "paragraph_open" and inline.type == "inline"
                and closing.type == "paragraph_close" and opening.level == 0):
            match = LOCAL_LINE.match(inline.content.strip())
            if match:
                box = Token("local_box", "", 0, map=opening.map, meta={"topic": match.group(1)})
                tokens[i : i + 3] = [box]
        i += 1


def _add_classes(state: StateCore) -> None:
    def visit(tokens: list[Token]) -> None:
        for token in tokens:
            css = _CLASSES.get(token.type)
            if token.type == "heading_open":
                css = _HEADING_CLASSES.get(token.tag)
            elif token.type == "link_open":
                css = "govuk-link"
            if css:
                token.attrSet("class", css)
            if token.type in ("th_open", "td_open") and token.attrGet("style"):
                token.attrs.pop("style")  # alignment styles would break the CSP
            if token.type == "th_open":
                token.attrSet("scope", "col")
            if token.children:
                visit(token.children)

    visit(state.tokens)


# Where a module's {local: topic} box goes, kept through sanitising as text no content can hold
# (content check refuses the private-use character), then cut out: see Module.html.
SLOT_MARK = "\ue000"
_SLOT = re.compile(SLOT_MARK + r"([a-z0-9-]+)" + SLOT_MARK)


def local_slot(topic: str) -> str:
    return f"{SLOT_MARK}{topic}{SLOT_MARK}" if re.fullmatch(r"[a-z0-9-]+", topic) else ""


def split_local_slots(html: str) -> tuple[str, ...]:
    """html, topic, html, topic, ..., html."""
    return tuple(_SLOT.split(html))


@dataclass
class RenderContext:
    """What rendering needs from the rest of the course."""

    cite_label: Callable[[str], str] = lambda key: key
    # "notes": numbered superscripts and a Sources list per section (modules); "inline": in line.
    cite_style: str = "inline"
    local_box: Callable[[str], str] = lambda topic: ""
    # Rendered once at start-up, outside any request, so links are root-relative paths.
    module_href: Callable[[str, str | None], str] = lambda module_id, anchor: (
        f"/modules/{module_id}#{anchor}" if anchor else f"/modules/{module_id}")
    sources_href: str = "/sources"
    problems: list = field(default_factory=list)


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.inline.ruler.before("emphasis", "cite", _cite_rule)
    md.core.ruler.after("inline", "local_boxes", _local_boxes)
    md.core.ruler.push("govuk_classes", _add_classes)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify)

    def render_cite(self, tokens, idx, options, env):
        context: RenderContext = env["context"]
        key = tokens[idx].meta["key"]
        where = tokens[idx].meta.get("where")
        if context.cite_style == "notes":
            return _note_mark(env, key, where)
        label = escapeHtml(context.cite_label(key) + (f", {where}" if where else ""))
        return (f' <span class="app-cite">(source: <a class="govuk-link" '
                f'href="{context.sources_href}#{escapeHtml(key)}">{label}</a>)</span>')

    def render_heading_open(self, tokens, idx, options, env):
        # A section's Sources list closes the section, just before the next '##'.
        before = _flush_notes(env) if tokens[idx].tag == "h2" else ""
        return before + self.renderToken(tokens, idx, options, env)

    def render_local_box(self, tokens, idx, options, env):
        return env["context"].local_box(tokens[idx].meta["topic"])

    def render_link_open(self, tokens, idx, options, env):
        token = tokens[idx]
        href = token.attrGet("href") or ""
        match = MODULE_LINK.match(href)
        if match:
            token.attrSet("href", env["context"].module_href(match.group(1), match.group(2)))
        return self.renderToken(tokens, idx, options, env)

    def render_table_open(self, tokens, idx, options, env):
        # A wide table scrolls inside its own focusable box instead of the whole page on a phone.
        return ('<div class="app-table-container" role="region" aria-label="Table" tabindex="0">'
                + self.renderToken(tokens, idx, options, env))

    def render_table_close(self, tokens, idx, options, env):
        return self.renderToken(tokens, idx, options, env) + "</div>"

    md.add_render_rule("cite", render_cite)
    md.add_render_rule("local_box", render_local_box)
    md.add_render_rule("heading_open", render_heading_open)
    md.add_render_rule("link_open", render_link_open)
    md.add_render_rule("table_open", render_table_open)
    md.add_render_rule("table_close", render_table_close)
    return md


def _note_mark(env: dict, key: str, where: str | None) -> str:
    """A superscript note number; one number per source and place cited, across the module.

    Not a link: a page with hundreds of citations would otherwise cost a keyboard user a tab
    stop for each. The Sources list at the end of the section links to each source.
    """
    numbers: dict = env.setdefault("notes", {})
    number = numbers.get((key, where))
    if number is None:
        number = numbers[(key, where)] = len(numbers) + 1
        env.setdefault("pending_notes", []).append((number, key, where))
    return (f'<sup class="app-cite"><span class="govuk-visually-hidden"> (source </span>{number}'
            f'<span class="govuk-visually-hidden">)</span></sup>')


def _flush_notes(env: dict) -> str:
    pending = env.get("pending_notes") or []
    if not pending:
        return ""
    context: RenderContext = env["context"]
    items = "".join(
        f'<li id="source-{number}"><a class="govuk-link" href="{context.sources_href}#{escapeHtml(key)}">'
        f'{escapeHtml(context.cite_label(key))}</a>{escapeHtml(", " + where) if where else ""}</li>'
        for number, key, where in pending)
    env["pending_notes"] = []
    return (f'<div class="app-notes"><p class="govuk-body-s app-notes__title">Sources</p>'
            f'<ol class="govuk-list govuk-list--number govuk-body-s" start="{pending[0][0]}">'
            f'{items}</ol></div>')


PARSER = _build_parser()

_ALLOWED_TAGS = {"a", "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code",
                 "pre", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "div",
                 "span", "dl", "dt", "dd", "sup"}
_ALLOWED_ATTRIBUTES = {"*": {"class", "id"}, "a": {"href"}, "th": {"scope"}, "ol": {"start"},
                       "div": {"role", "aria-label", "tabindex"}}


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel=None)


def parse(text: str) -> list[Token]:
    return PARSER.parse(text, {"context": RenderContext()})


def render_tokens(tokens: list[Token], context: RenderContext) -> str:
    env = {"context": context}
    html = PARSER.renderer.render(tokens, PARSER.options, env)
    return sanitise(html + _flush_notes(env))


def render(text: str, context: RenderContext | None = None) -> str:
    context = context or RenderContext()
    env = {"context": context}
    html = PARSER.render(text, env)
    return sanitise(html + _flush_notes(env))


def render_inline(text: str, context: RenderContext | None = None) -> str:
    """Short text such as quiz feedback: emphasis and links, no blocks."""
    return sanitise(PARSER.renderInline(text, {"context": context or RenderContext()}))


def walk(tokens: list[Token]):
    """Every token with the line of the block it stands in (0-based), inline children included."""
    for token in tokens:
        line = token.map[0] if token.map else None
        yield token, line
        for child in token.children or ():
            yield child, line
            if child.type in ("softbreak", "hardbreak") and line is not None:
                line += 1


def plain_text(tokens: list[Token]) -> str:
    return " ".join(t.content for t, _ in walk(tokens) if t.type == "text")


def escape(text: str) -> str:
    return escapeHtml(text)
