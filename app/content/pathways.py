"""Pathways (content/pathways.yaml): what a member must do to earn each certificate.

load_pathways(b) reads and checks the file with the rest of the course; what a member has done
towards a pathway is worked out in app/certificates/pathways.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

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

def load_pathways(b) -> None:  # noqa: C901 - over the cap of 12 before the gate; split it when next changed
    path = b.root / "content" / "pathways.yaml"
    data = b.read_yaml(path)
    if data is None:
        return
    report = b.reporter(path)
    top = Fields(data, report, where="pathways.yaml")
    if not top.ok:
        return
    top.unknown_keys({"roles", "pathways"})

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

    checklists = {c.level: c for c in b.checklists}
    scenarios = b.scenarios
    teaching = [m for m in b.modules.values() if m.is_teaching]
    built: dict[str, Pathway] = {}
    for _, entry in top.items("pathways"):
        f = Fields(entry, report, where="pathway")
        if not f.ok:
            continue
        f.unknown_keys(PATHWAY_FIELDS)
        # Missing values are reported by Fields; '' lets the checks below run, and nothing is kept.
        pid, title, summary = f.identifier("id") or "", f.text("title") or "", f.text("summary") or ""
        kind = f.choice("kind", PATHWAY_KINDS, required=False, default=LEVEL_KIND) or LEVEL_KIND
        if pid in built:
            report(f.line_of("id"), f"duplicate pathway id {pid!r}")
            continue
        counts = {key: f.integer(key, required=False, minimum=0, maximum=20, default=0) or 0
                  for key in ("dilemmas", "data_exercises", "new_dilemmas")}
        flags = {key: f.boolean(key) for key in ("assessment", "changes_page",
                                                 "assessment_only_for_returning")}
        if kind == REFRESHER_KIND:
            for key in ("level", "builds_on", "module_level", "checklists", "dilemmas", "data_exercises"):
                if key in f.mapping:
                    report(f.line_of(key), f"pathway {pid!r}: a refresher has no '{key}' "
                                           f"(it keeps the level of the certificate it renews)")
            if flags["assessment_only_for_returning"] and not flags["assessment"]:
                report(f.line_of("assessment_only_for_returning"),
                       f"pathway {pid!r}: an assessment-only route needs 'assessment: true'")
            if pid and title and summary:
                built[pid] = Pathway(pid, title, kind, summary, assessment=flags["assessment"],
                                     new_dilemmas=counts["new_dilemmas"],
                                     changes_page=flags["changes_page"],
                                     assessment_only_for_returning=flags["assessment_only_for_returning"])
            continue

        for key in ("new_dilemmas", "changes_page", "assessment_only_for_returning"):
            if key in f.mapping:
                report(f.line_of(key), f"pathway {pid!r}: '{key}' is for a refresher only")
        level = f.integer("level", minimum=1, maximum=3)
        module_level = f.integer("module_level", required=False, minimum=1, maximum=3)
        checklist_levels = []
        for line, item in f.items("checklists", required=False):
            if item not in checklists:
                report(line, f"pathway {pid!r}: there is no checklist for level {item!r}")
            else:
                checklist_levels.append(item)
        base = None
        builds_on = f.identifier("builds_on", required=False)
        if builds_on:
            base = built.get(builds_on)
            if base is None or base.is_refresher:
                report(f.line_of("builds_on"), f"pathway {pid!r} builds on {builds_on!r}, which is not "
                                               f"a level pathway defined above it")
                continue
            if level is not None and base.level is not None and level <= base.level:
                report(f.line_of("level"), f"pathway {pid!r} must be a higher level than {builds_on!r}")
        if level is not None and any(p.level == level for p in built.values()):
            report(f.line_of("level"), f"there is already a pathway for level {level}")
            continue
        modules = tuple(m.id for m in sorted(teaching, key=lambda m: (m.order, m.id))
                        if module_level is not None and m.lowest_level == module_level)
        if module_level is not None and not modules:
            report(f.line_of("module_level"), f"pathway {pid!r}: no teaching module is first needed "
                                              f"at level {module_level}")
        inherited = base or Pathway("", "", LEVEL_KIND, "")
        pathway = Pathway(
            pid, title, kind, summary, level=level, builds_on=builds_on,
            module_ids=inherited.module_ids + tuple(m for m in modules if m not in inherited.module_ids),
            checklist_levels=tuple(sorted(set(inherited.checklist_levels) | set(checklist_levels))),
            assessment=inherited.assessment or flags["assessment"],
            dilemmas=inherited.dilemmas + counts["dilemmas"],
            data_exercises=inherited.data_exercises + counts["data_exercises"])
        if pathway.data_exercises > pathway.dilemmas:
            report(f.line_of("data_exercises"), f"pathway {pid!r}: data exercises count towards "
                                                f"'dilemmas', so there cannot be more of them")
        if level is not None and scenarios:
            open_to = [s for s in scenarios.values() if s.serves_level(level)]
            if len(open_to) < pathway.dilemmas or \
                    sum(1 for s in open_to if s.kind == DATA_EXERCISE) < pathway.data_exercises:
                report(f.line_of("dilemmas"), f"pathway {pid!r} asks for more scenarios than there "
                                              f"are at level {level}")
        if pid and title and summary and level is not None:
            built[pid] = pathway

    if top.ok and "pathways" in data and not b.problems:
        for level in LEVELS:
            if not any(p.level == level for p in built.values()):
                report(top.line_of("pathways"), f"there is no pathway for level {level}")
        if sum(1 for p in built.values() if p.is_refresher) != 1:
            report(top.line_of("pathways"), "there must be exactly one refresher pathway")
    b.pathways = Pathways(MappingProxyType(role_levels), tuple(built.values()))
