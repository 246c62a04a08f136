"""Pathways (content/pathways.yaml): what a member must do to earn each certificate.

load_pathways(b) reads and checks the file with the rest of the course; what a member has done
towards a pathway is worked out in app/certificates/pathways.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from app.content.common import LEVELS
from app.content.fields import Fields
from app.vocabulary import ROLE_LABELS

LEVEL_KIND = "level"
REFRESHER_KIND = "refresher"
PATHWAY_KINDS = (LEVEL_KIND, REFRESHER_KIND)
PATHWAY_FIELDS = {"id", "title", "kind", "level", "summary", "builds_on", "module_level",
                  "checklists", "assessment", "dilemmas", "data_exercises", "new_dilemmas",
                  "changes_page", "assessment_only_for_returning"}
DATA_EXERCISE = "data-exercise"


@dataclass(frozen=True)
class Pathway:
    id: str
    title: str
    kind: str
    summary: str
    level: int | None = None                 # level pathways only; a refresher keeps the level held
    builds_on: str | None = None
    module_ids: tuple[str, ...] = ()         # every module needed, including the pathways built on
    checklist_levels: tuple[int, ...] = ()
    assessment: bool = False
    dilemmas: int = 0                        # distinct scenarios finished, in total
    data_exercises: int = 0                  # of which data exercises
    new_dilemmas: int = 0                    # refresher: scenarios never finished before the cycle
    changes_page: bool = False
    assessment_only_for_returning: bool = False

    @property
    def is_refresher(self) -> bool:
        return self.kind == REFRESHER_KIND

    @property
    def name(self) -> str:
        """'Induction (level 1)', as a member and a certificate say it."""
        return f"{self.title} (level {self.level})" if self.level else self.title


@dataclass(frozen=True)
class Pathways:
    role_levels: Mapping[str, int]
    pathways: tuple[Pathway, ...]

    def get(self, pathway_id: str) -> Pathway | None:
        return next((p for p in self.pathways if p.id == pathway_id), None)

    def for_level(self, level: int) -> Pathway:
        return next(p for p in self.pathways if p.kind == LEVEL_KIND and p.level == level)

    @property
    def refresher(self) -> Pathway:
        return next(p for p in self.pathways if p.is_refresher)

    def level_of_roles(self, roles) -> int:
        """The highest level any of the roles needs; every member needs level 1."""
        return max((self.role_levels.get(role, 1) for role in roles), default=1)


# --- loading ----------------------------------------------------------------------------------

def load_pathways(b) -> None:
    path = b.root / "content" / "pathways.yaml"
    data = b.read_yaml(path)
    if data is None:
        return
    report = b.reporter(path)
    top = Fields(data, report, where="pathways.yaml")
    if not top.ok:
        return
    top.unknown_keys({"roles", "pathways"})
    role_levels = _role_levels(data, report)
    source = _PathwaySource(report, {c.level: c for c in b.checklists}, b.scenarios,
                            [m for m in b.modules.values() if m.is_teaching])
    for _, entry in top.items("pathways"):
        _load_pathway(source, entry)
    if top.ok and "pathways" in data and not b.problems:
        _check_the_set(top, source.built, report)
    b.pathways = Pathways(MappingProxyType(role_levels), tuple(source.built.values()))


def _role_levels(data, report) -> dict[str, int]:
    role_levels: dict[str, int] = {}
    roles = Fields(data.get("roles"), report, where="'roles'")
    for role, level in roles.mapping.items():
        if role not in ROLE_LABELS:
            report(roles.line_of(role), f"unknown role {role!r} (roles are: {', '.join(ROLE_LABELS)})")
        elif isinstance(level, bool) or level not in LEVELS:
            report(roles.line_of(role), f"role {role!r}: the level must be 1, 2 or 3, not {level!r}")
        else:
            role_levels[role] = level
    if roles.ok:
        for role in ROLE_LABELS:
            if role not in roles.mapping:
                report(roles.line, f"'roles' must give a level for every role; {role!r} is missing")
    return role_levels


@dataclass
class _PathwaySource:
    """What each pathway in the file is checked against, and the pathways built so far."""

    report: Any
    checklists: dict[int, Any]
    scenarios: Mapping[str, Any]
    teaching: list[Any]
    built: dict[str, Pathway] = field(default_factory=dict)


@dataclass(frozen=True)
class _Entry:
    """One pathway's fields as read; missing text is '' so the other checks still run."""

    f: Fields
    id: str
    title: str
    summary: str
    kind: str
    counts: dict[str, int]
    flags: dict[str, bool]

    @property
    def named(self) -> bool:
        return bool(self.id and self.title and self.summary)


def _load_pathway(source: _PathwaySource, entry) -> None:
    report = source.report
    f = Fields(entry, report, where="pathway")
    if not f.ok:
        return
    f.unknown_keys(PATHWAY_FIELDS)
    # Missing values are reported by Fields; '' lets the checks below run, and nothing is kept.
    pid, title, summary = f.identifier("id") or "", f.text("title") or "", f.text("summary") or ""
    kind = f.choice("kind", PATHWAY_KINDS, required=False, default=LEVEL_KIND) or LEVEL_KIND
    if pid in source.built:
        report(f.line_of("id"), f"duplicate pathway id {pid!r}")
        return
    e = _Entry(f, pid, title, summary, kind, _counts(f), _flags(f))
    pathway = _refresher(e, report) if kind == REFRESHER_KIND else _level_pathway(source, e)
    if pathway is not None:
        source.built[pid] = pathway


def _counts(f: Fields) -> dict[str, int]:
    return {key: f.integer(key, required=False, minimum=0, maximum=20, default=0) or 0
            for key in ("dilemmas", "data_exercises", "new_dilemmas")}


def _flags(f: Fields) -> dict[str, bool]:
    return {key: f.boolean(key) for key in ("assessment", "changes_page", "assessment_only_for_returning")}


def _refresher(e: _Entry, report) -> Pathway | None:
    f, pid = e.f, e.id
    for key in ("level", "builds_on", "module_level", "checklists", "dilemmas", "data_exercises"):
        if key in f.mapping:
            report(f.line_of(key), f"pathway {pid!r}: a refresher has no '{key}' "
                                   f"(it keeps the level of the certificate it renews)")
    if e.flags["assessment_only_for_returning"] and not e.flags["assessment"]:
        report(f.line_of("assessment_only_for_returning"),
               f"pathway {pid!r}: an assessment-only route needs 'assessment: true'")
    if not e.named:
        return None
    return Pathway(pid, e.title, e.kind, e.summary, assessment=e.flags["assessment"],
                   new_dilemmas=e.counts["new_dilemmas"], changes_page=e.flags["changes_page"],
                   assessment_only_for_returning=e.flags["assessment_only_for_returning"])


def _level_pathway(source: _PathwaySource, e: _Entry) -> Pathway | None:
    f, pid, report = e.f, e.id, source.report
    for key in ("new_dilemmas", "changes_page", "assessment_only_for_returning"):
        if key in f.mapping:
            report(f.line_of(key), f"pathway {pid!r}: '{key}' is for a refresher only")
    level = f.integer("level", minimum=1, maximum=3)
    module_level = f.integer("module_level", required=False, minimum=1, maximum=3)
    checklist_levels = _checklist_levels(source, f, pid)
    builds_on = f.identifier("builds_on", required=False)
    base, base_ok = _base(source, f, pid, builds_on, level)
    if not base_ok:
        return None
    if level is not None and any(p.level == level for p in source.built.values()):
        report(f.line_of("level"), f"there is already a pathway for level {level}")
        return None
    modules = _modules_first_needed_at(source, f, pid, module_level)
    inherited = base or Pathway("", "", LEVEL_KIND, "")
    pathway = Pathway(
        pid, e.title, e.kind, e.summary, level=level, builds_on=builds_on,
        module_ids=inherited.module_ids + tuple(m for m in modules if m not in inherited.module_ids),
        checklist_levels=tuple(sorted(set(inherited.checklist_levels) | set(checklist_levels))),
        assessment=inherited.assessment or e.flags["assessment"],
        dilemmas=inherited.dilemmas + e.counts["dilemmas"],
        data_exercises=inherited.data_exercises + e.counts["data_exercises"])
    _check_scenario_counts(source, f, pathway)
    if not e.named or level is None:
        return None
    return pathway


def _checklist_levels(source: _PathwaySource, f: Fields, pid: str) -> list[int]:
    checklist_levels = []
    for line, item in f.items("checklists", required=False):
        if item not in source.checklists:
            source.report(line, f"pathway {pid!r}: there is no checklist for level {item!r}")
        else:
            checklist_levels.append(item)
    return checklist_levels


def _base(source: _PathwaySource, f: Fields, pid: str, builds_on: str | None,
          level: int | None) -> tuple[Pathway | None, bool]:
    """The pathway this one builds on, and False when it names one that cannot be built on."""
    if not builds_on:
        return None, True
    base = source.built.get(builds_on)
    if base is None or base.is_refresher:
        source.report(f.line_of("builds_on"), f"pathway {pid!r} builds on {builds_on!r}, which is not "
                                              f"a level pathway defined above it")
        return None, False
    if level is not None and base.level is not None and level <= base.level:
        source.report(f.line_of("level"), f"pathway {pid!r} must be a higher level than {builds_on!r}")
    return base, True


def _modules_first_needed_at(source: _PathwaySource, f: Fields, pid: str,
                             module_level: int | None) -> tuple[str, ...]:
    modules = tuple(m.id for m in sorted(source.teaching, key=lambda m: (m.order, m.id))
                    if module_level is not None and m.lowest_level == module_level)
    if module_level is not None and not modules:
        source.report(f.line_of("module_level"), f"pathway {pid!r}: no teaching module is first needed "
                                                 f"at level {module_level}")
    return modules


def _check_scenario_counts(source: _PathwaySource, f: Fields, pathway: Pathway) -> None:
    pid, level = pathway.id, pathway.level
    if pathway.data_exercises > pathway.dilemmas:
        source.report(f.line_of("data_exercises"), f"pathway {pid!r}: data exercises count towards "
                                                   f"'dilemmas', so there cannot be more of them")
    if level is not None and source.scenarios:
        open_to = [s for s in source.scenarios.values() if s.serves_level(level)]
        if len(open_to) < pathway.dilemmas or \
                sum(1 for s in open_to if s.kind == DATA_EXERCISE) < pathway.data_exercises:
            source.report(f.line_of("dilemmas"), f"pathway {pid!r} asks for more scenarios than there "
                                                 f"are at level {level}")


def _check_the_set(top: Fields, built: dict[str, Pathway], report) -> None:
    """Every level has its pathway, and there is one refresher."""
    for level in LEVELS:
        if not any(p.level == level for p in built.values()):
            report(top.line_of("pathways"), f"there is no pathway for level {level}")
    if sum(1 for p in built.values() if p.is_refresher) != 1:
        report(top.line_of("pathways"), "there must be exactly one refresher pathway")
