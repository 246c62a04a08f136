"""'What if...?' dilemmas: scenarios/<id>.yaml loaded and checked as graphs."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

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


def _load_scenario(b, path, seen: dict) -> Scenario | None:  # noqa: C901 - over the cap of 12 before the gate; split it when next changed
    data = b.read_yaml(path)
    if data is None:
        return None
    report = b.reporter(path)
    f = Fields(data, report, where=path.name)
    if not f.ok:
        return None
    f.unknown_keys(SCENARIO_FIELDS)
    principles = {p.key for p in b.principles}
    anchors = {m.id: m.anchors for m in b.modules.values()}
    sid = f.identifier("id")
    if sid and sid != path.stem:
        report(f.line_of("id"), f"'id' is {sid!r} but the file is {path.name}: they must match")
    if sid in seen:
        report(f.line_of("id"), f"duplicate scenario id {sid!r}")
    title, summary = f.text("title"), f.text("summary")
    kind = f.choice("kind", SCENARIO_KINDS)
    levels = tuple(sorted({lvl for line, lvl in f.items("levels")
                           if lvl in (1, 2, 3) or report(line, f"unknown level {lvl!r}")}))
    minutes = f.integer("minutes", minimum=1, maximum=120)
    sources = f.text_list("sources", allowed=set(b.sources), what="source")
    modules = f.text_list("modules", required=False, allowed=set(b.modules), what="module")
    start = f.text("start")
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, dict) or not raw_nodes:
        report(f.line_of("nodes"), "'nodes' must map each node id to its text and choices")
        return None
    nodes: dict[str, Node] = {}
    edges: dict[str, list[tuple[str, int]]] = {}
    for node_id, entry in raw_nodes.items():
        node_line = raw_nodes.line_of(node_id)
        nf = Fields(entry, report, where=f"node {node_id!r}")
        if not nf.ok:
            continue
        nf.unknown_keys({"text", "choices", "ending", "debrief"})
        text = nf.text("text")
        ending = None
        if "ending" in nf.mapping:
            ef = Fields(nf.mapping.get("ending"), report, where=f"ending {node_id!r}")
            df = Fields(nf.mapping.get("debrief"), report, where=f"debrief of ending {node_id!r}") \
                if nf.mapping.get("debrief") is not None else None
            if df is None:
                report(node_line, f"ending {node_id!r} has no 'debrief'")
            if "choices" in nf.mapping:
                report(nf.line_of("choices"), f"ending {node_id!r} cannot also have choices")
            etitle, outcome = ef.text("title"), ef.choice("outcome", OUTCOMES)
            if df is not None and df.ok:
                dsummary = df.text("summary")
                points = df.text_list("key_points")
                more = _read_more(b, report, df.line_of("read_more"),
                                  df.mapping.get("read_more"), anchors)
                if etitle and outcome and dsummary and points:
                    ending = Ending(etitle, outcome, b.render(dsummary, report, df.line_of("summary")),
                                    tuple(b.render(p, report, df.line_of("key_points"), inline=True)
                                          for p in points), more)
            edges[node_id] = []
        else:
            choices = []
            edges[node_id] = []
            items = nf.items("choices")
            if not items and nf.ok and "choices" not in nf.mapping:
                pass  # reported by items() as missing
            for index, (cline, c) in enumerate(items):
                cf = Fields(c, report, where=f"choice {index + 1} of node {node_id!r}")
                if not cf.ok:
                    continue
                cf.unknown_keys({"label", "next", "feedback", "serves", "neglects"})
                label, nxt, feedback = cf.text("label"), cf.text("next"), cf.text("feedback")
                serves = cf.text_list("serves", required=False, allowed=principles, what="principle")
                neglects = cf.text_list("neglects", required=False, allowed=principles, what="principle")
                if not serves and not neglects and not ("serves" in cf.mapping or "neglects" in cf.mapping):
                    report(cline, f"choice {index + 1} of node {node_id!r} has no principle tags "
                                  f"('serves' or 'neglects')")
                elif not serves and not neglects:
                    report(cline, f"choice {index + 1} of node {node_id!r} has empty principle tags")
                if nxt is not None and nxt not in raw_nodes:
                    report(cf.line_of("next"), f"choice {index + 1} of node {node_id!r} points to "
                                               f"a node that does not exist: {nxt!r}")
                    nxt = None
                if nxt:
                    edges[node_id].append((nxt, cf.line_of("next")))
                if label and nxt and feedback:
                    choices.append(Choice(index, label, nxt, b.render(feedback, report, cf.line_of("feedback")),
                                          serves, neglects))
            if not items:
                report(node_line, f"node {node_id!r} has no way forward: give it 'choices' or "
                                  f"make it an ending")
        if text is not None:
            nodes[node_id] = Node(node_id, b.render(text, report, nf.line_of("text")), tuple(choices) if ending is None
                                  else (), ending)
    if start and start not in raw_nodes:
        report(f.line_of("start"), f"'start' names a node that does not exist: {start!r}")
        return None
    if not start:
        return None
    decisions = _check_graph(report, raw_nodes, edges, start)
    ending_ids = [n for n in raw_nodes if isinstance(raw_nodes[n], dict) and "ending" in raw_nodes[n]]
    if len(ending_ids) < MIN_ENDINGS:
        report(f.line_of("nodes"), f"a dilemma needs at least {MIN_ENDINGS} distinct endings; "
                                   f"this one has {len(ending_ids)}")
    if decisions < MIN_DECISIONS:
        report(f.line_of("start"), f"the longest path has {decisions} decision point(s); a dilemma "
                                   f"needs at least {MIN_DECISIONS}")
    if None in (sid, title, summary, kind, minutes) or not levels or len(nodes) != len(raw_nodes):
        return None
    seen[sid] = path
    return Scenario(sid, title, summary, kind, levels, minutes, sources, modules, start,
                    MappingProxyType(nodes), decisions)


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
