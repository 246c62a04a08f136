"""Councillors' names: the display name as the council writes it, and a name to sort by."""
from __future__ import annotations

import re

# Longest first, so "County Councillor" is taken whole rather than leaving "County".
TITLES = ("county councillor", "borough councillor", "city councillor", "district councillor",
          "councillor", "cllr.", "cllr", "the right worshipful", "the worshipful", "the rt hon", "rt hon",
          "right honourable", "the lord mayor", "lord mayor", "deputy mayor", "mayor", "alderman",
          "sir", "dame", "lord", "lady", "dr.", "dr", "professor", "prof.", "prof", "reverend", "rev.",
          "rev", "mr.", "mr", "mrs.", "mrs", "ms.", "ms", "miss", "mx.", "mx")
POSTNOMINALS = re.compile(r"(,?\s+(MBE|OBE|CBE|JP|DL|MP|KC|QC|BEM|FRSA|CC|LLB|BA|MA|MSc|PhD))+\s*$")


def sort_name(display_name: str) -> str:
    """The name without titles before it or honours after it, to sort by: 'Cllr Dr Ann Lee OBE' -> 'Ann Lee'."""
    name = " ".join(display_name.split())
    changed = True
    while changed:
        changed = False
        lower = name.lower()
        for title in TITLES:
            if lower.startswith(title + " "):
                name = name[len(title) + 1:].lstrip()
                changed = True
                break
    name = POSTNOMINALS.sub("", name)
    return name or " ".join(display_name.split())
