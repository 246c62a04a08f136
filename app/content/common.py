"""What every content loader shares: the three levels, and how a link to a module is checked."""
from __future__ import annotations

from app.content import markdown as md

LEVELS = {1: "Universal", 2: "Targeted", 3: "Specialist"}


def check_link(report, line: int, href: str, module_id: str,
               anchors_by_module: dict[str, frozenset[str]]) -> None:
    """Report a link that is neither a web address nor an existing module and section."""
    if href.startswith(("https://", "http://", "mailto:")):
        return
    if href.startswith("#"):
        target, anchor = module_id, href[1:]
    else:
        match = md.MODULE_LINK.match(href)
        if not match:
            report(line, f"link {href!r} is neither a web address nor a module "
                         f"(write other-module.md#section)")
            return
        target, anchor = match.group(1), match.group(2)
    if target not in anchors_by_module:
        report(line, f"link {href!r} points to a module that does not exist ({target!r})")
    elif anchor and anchor not in anchors_by_module[target]:
        report(line, f"link {href!r} points to a section that does not exist in {target!r}")
