"""'What if...?' dilemmas: scenarios/<id>.yaml loaded and checked as graphs."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from markupsafe import Markup

from app.content import markdown as md
from app.content.common import check_link
from app.content.fields import Fields

SCENARIO_KINDS = ("dilemma", "data-exercise")
OUTCOMES = ("good", "mixed", "poor")
MIN_DECISIONS = 3
MIN_ENDINGS = 3


@dataclass(frozen=True)
class Choice:
    index: int
    label: str
    next: str
    feedback: Markup
    serves: tuple[str, ...]
    neglects: tuple[str, ...]


@dataclass(frozen=True)
class Ending:
    title: str
    outcome: str
    summary: Markup
    key_points: tuple[Markup, ...]
    read_more: tuple[tuple[str, str], ...]  # (href, link text)


@dataclass(frozen=True)
class Node:
    id: str
    html: Markup
    choices: tuple[Choice, ...]
    ending: Ending | None

    @property
    def is_ending(self) -> bool:
        return self.ending is not None


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    summary: str
    kind: str
    levels: tuple[int, ...]
    minutes: int
    sources: tuple[str, ...]
    modules: tuple[str, ...]
    start: str
    nodes: Mapping[str, Node]
    longest_path_decisions: int

    def node(self, node_id: str) -> Node | None:
        return self.nodes.get(node_id)

    @property
    def endings(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes.values() if n.is_ending)

    def serves_level(self, level: int) -> bool:
        return min(self.levels) <= level


SCENARIO_FIELDS = {"id", "title", "summary", "kind", "levels", "minutes", "sources", "modules",
                   "start", "nodes"}


def _read_more(b, report, line, items, anchors) -> tuple[tuple[str, str], ...]:

    out = []
    for item in items or ():
        if not isinstance(item, str):
            report(line, "'read_more' items must be links like education.md#exclusions")
            continue
        check_link(report, line, item, "", anchors)
        match = md.MODULE_LINK.match(item)
        module = b.modules.get(match.group(1)) if match else None
        if module:
            anchor = match.group(2)
            heading = next((h.text for h in module.headings if h.anchor == anchor), None)
            label = f"{module.title}: {heading}" if heading else module.title
            out.append((f"/modules/{module.id}" + (f"#{anchor}" if anchor else ""), label))
    return tuple(out)


@dataclass(frozen=True)
class _ScenarioFile:
    """One scenario file being read: what its nodes and choices are checked against."""

    b: Any
    report: Any
    raw_nodes: Any
    principles: frozenset[str]
    anchors: Mapping[str, Any]


def _scenario_file(b, report, raw_nodes) -> _ScenarioFile:
    return _ScenarioFile(b, report, raw_nodes, frozenset(p.key for p in b.principles),
                         {m.id: m.anchors for m in b.modules.values()})


def _load_scenario(b, path, seen: dict) -> Scenario | None:
    data = b.read_yaml(path)
    if data is None:
        return None
    report = b.reporter(path)
    f = Fields(data, report, where=path.name)
    if not f.ok:
        return None
    f.unknown_keys(SCENARIO_FIELDS)
    sid = _scenario_id(f, path, seen, report)
    title, summary = f.text("title"), f.text("summary")
    kind = f.choice("kind", SCENARIO_KINDS)
    levels = _levels(f, report)
    minutes = f.integer("minutes", minimum=1, maximum=120)
    sources = f.text_list("sources", allowed=set(b.sources), what="source")
    modules = f.text_list("modules", required=False, allowed=set(b.modules), what="module")
    start = f.text("start")
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, dict) or not raw_nodes:
        report(f.line_of("nodes"), "'nodes' must map each node id to its text and choices")
        return None
    nodes, edges = _load_nodes(_scenario_file(b, report, raw_nodes))
    if start and start not in raw_nodes:
        report(f.line_of("start"), f"'start' names a node that does not exist: {start!r}")
        return None
    if not start:
        return None
    decisions = _check_graph(report, raw_nodes, edges, start)
    _check_size(f, report, raw_nodes, decisions)
    if None in (sid, title, summary, kind, minutes) or not levels or len(nodes) != len(raw_nodes):
        return None
    seen[sid] = path
    return Scenario(sid, title, summary, kind, levels, minutes, sources, modules, start,
                    MappingProxyType(nodes), decisions)


def _scenario_id(f: Fields, path, seen: dict, report) -> str | None:
    sid = f.identifier("id")
    if sid and sid != path.stem:
        report(f.line_of("id"), f"'id' is {sid!r} but the file is {path.name}: they must match")
    if sid in seen:
        report(f.line_of("id"), f"duplicate scenario id {sid!r}")
    return sid


def _levels(f: Fields, report) -> tuple[int, ...]:
    return tuple(sorted({lvl for line, lvl in f.items("levels")
                         if lvl in (1, 2, 3) or report(line, f"unknown level {lvl!r}")}))


def _load_nodes(sf: _ScenarioFile) -> tuple[dict[str, Node], dict[str, list[tuple[str, int]]]]:
    """The nodes that could be built, and every node's links onward as (node id, line)."""
    nodes: dict[str, Node] = {}
    edges: dict[str, list[tuple[str, int]]] = {}
    for node_id, entry in sf.raw_nodes.items():
        node = _load_node(sf, node_id, entry, edges)
        if node is not None:
            nodes[node_id] = node
    return nodes, edges


def _load_node(sf: _ScenarioFile, node_id: str, entry, edges: dict) -> Node | None:
    nf = Fields(entry, sf.report, where=f"node {node_id!r}")
    if not nf.ok:
        return None
    nf.unknown_keys({"text", "choices", "ending", "debrief"})
    text = nf.text("text")
    edges[node_id] = []
    ending, choices = None, ()
    if "ending" in nf.mapping:
        ending = _load_ending(sf, nf, node_id)
    else:
        choices = _load_choices(sf, nf, node_id, edges[node_id])
    if text is None:
        return None
    return Node(node_id, sf.b.render(text, sf.report, nf.line_of("text")), choices, ending)


def _load_ending(sf: _ScenarioFile, nf: Fields, node_id: str) -> Ending | None:
    report = sf.report
    ef = Fields(nf.mapping.get("ending"), report, where=f"ending {node_id!r}")
    df = Fields(nf.mapping.get("debrief"), report, where=f"debrief of ending {node_id!r}") \
        if nf.mapping.get("debrief") is not None else None
    if df is None:
        report(sf.raw_nodes.line_of(node_id), f"ending {node_id!r} has no 'debrief'")
    if "choices" in nf.mapping:
        report(nf.line_of("choices"), f"ending {node_id!r} cannot also have choices")
    etitle, outcome = ef.text("title"), ef.choice("outcome", OUTCOMES)
    if df is None or not df.ok:
        return None
    return _debrief(sf, df, etitle, outcome)


def _debrief(sf: _ScenarioFile, df: Fields, etitle: str | None, outcome: str | None) -> Ending | None:
    b, report = sf.b, sf.report
    dsummary = df.text("summary")
    points = df.text_list("key_points")
    more = _read_more(b, report, df.line_of("read_more"), df.mapping.get("read_more"), sf.anchors)
    if not (etitle and outcome and dsummary and points):
        return None
    return Ending(etitle, outcome, b.render(dsummary, report, df.line_of("summary")),
                  tuple(b.render(p, report, df.line_of("key_points"), inline=True) for p in points), more)


def _load_choices(sf: _ScenarioFile, nf: Fields, node_id: str, onward: list) -> tuple[Choice, ...]:
    choices = []
    items = nf.items("choices")
    for index, (cline, c) in enumerate(items):
        choice = _load_choice(sf, node_id, index, cline, c, onward)
        if choice is not None:
            choices.append(choice)
    if not items:
        sf.report(sf.raw_nodes.line_of(node_id), f"node {node_id!r} has no way forward: give it 'choices' or "
                                                 f"make it an ending")
    return tuple(choices)


def _load_choice(sf: _ScenarioFile, node_id: str, index: int, cline: int, c, onward: list) -> Choice | None:
    report = sf.report
    where = f"choice {index + 1} of node {node_id!r}"
    cf = Fields(c, report, where=where)
    if not cf.ok:
        return None
    cf.unknown_keys({"label", "next", "feedback", "serves", "neglects"})
    label, nxt, feedback = cf.text("label"), cf.text("next"), cf.text("feedback")
    serves = cf.text_list("serves", required=False, allowed=sf.principles, what="principle")
    neglects = cf.text_list("neglects", required=False, allowed=sf.principles, what="principle")
    _check_principle_tags(cf, cline, where, serves, neglects, report)
    if nxt is not None and nxt not in sf.raw_nodes:
        report(cf.line_of("next"), f"{where} points to a node that does not exist: {nxt!r}")
        nxt = None
    if nxt:
        onward.append((nxt, cf.line_of("next")))
    if not (label and nxt and feedback):
        return None
    return Choice(index, label, nxt, sf.b.render(feedback, report, cf.line_of("feedback")), serves, neglects)


def _check_principle_tags(cf: Fields, cline: int, where: str, serves, neglects, report) -> None:
    if not serves and not neglects and not ("serves" in cf.mapping or "neglects" in cf.mapping):
        report(cline, f"{where} has no principle tags ('serves' or 'neglects')")
    elif not serves and not neglects:
        report(cline, f"{where} has empty principle tags")


def _check_size(f: Fields, report, raw_nodes, decisions: int) -> None:
    ending_ids = [n for n in raw_nodes if isinstance(raw_nodes[n], dict) and "ending" in raw_nodes[n]]
    if len(ending_ids) < MIN_ENDINGS:
        report(f.line_of("nodes"), f"a dilemma needs at least {MIN_ENDINGS} distinct endings; "
                                   f"this one has {len(ending_ids)}")
    if decisions < MIN_DECISIONS:
        report(f.line_of("start"), f"the longest path has {decisions} decision point(s); a dilemma "
                                   f"needs at least {MIN_DECISIONS}")


def _check_graph(report, raw_nodes, edges, start) -> int:
    """Reports unreachable nodes and traps; returns the decisions on the longest simple path."""
    reachable = _reachable_from(start, edges)
    for node_id in raw_nodes:
        if node_id not in reachable:
            report(raw_nodes.line_of(node_id), f"node {node_id!r} cannot be reached from the start")
    can_finish = _can_reach_an_ending(raw_nodes, edges)
    for node_id in reachable:
        if node_id not in can_finish and edges.get(node_id):
            report(raw_nodes.line_of(node_id), f"node {node_id!r} is in a loop with no way out to "
                                               f"an ending")
    return _longest_path_decisions(start, edges)


def _reachable_from(start: str, edges) -> set[str]:
    reachable, stack = {start}, [start]
    while stack:
        for nxt, _ in edges.get(stack.pop(), []):
            if nxt not in reachable:
                reachable.add(nxt)
                stack.append(nxt)
    return reachable


def _can_reach_an_ending(raw_nodes, edges) -> set[str]:
    """Nodes that can reach an ending, found backwards from the endings."""
    endings = {n for n in raw_nodes if isinstance(raw_nodes[n], dict) and "ending" in raw_nodes[n]}
    reverse: dict[str, set[str]] = {}
    for src, outs in edges.items():
        for dst, _ in outs:
            reverse.setdefault(dst, set()).add(src)
    can_finish, stack = set(endings), list(endings)
    while stack:
        for src in reverse.get(stack.pop(), ()):
            if src not in can_finish:
                can_finish.add(src)
                stack.append(src)
    return can_finish


def _longest_path_decisions(start: str, edges) -> int:
    longest = 0

    def dfs(node: str, on_path: set[str], depth: int) -> None:
        nonlocal longest
        longest = max(longest, depth)
        for nxt, _ in edges.get(node, []):
            if nxt not in on_path:
                on_path.add(nxt)
                dfs(nxt, on_path, depth + 1)
                on_path.discard(nxt)

    dfs(start, {start}, 0)
    return longest


def load_scenarios(b) -> None:
    seen: dict = {}
    scenarios = [s for p in sorted((b.root / "scenarios").glob("*.yaml"))
                 if (s := _load_scenario(b, p, seen))]
    b.scenarios = MappingProxyType({s.id: s for s in scenarios})
