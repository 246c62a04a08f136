"""Legal statements rest on primary sources.

A block of course text that states law must cite the law itself, so that a councillor (or the
council's lawyer) can check it: an Act, regulations, statutory guidance or a court judgment, not
a training pack or a research note. The rule is mechanical so that `content check` can apply it:

- a block states law when it names an Act or Regulations with a year ("Children Act 1989",
  "the 2017 Act"), a section or regulation by number ("section 22", "s22(3A)", "regulation 44",
  "reg 43(3)"), or "statutory guidance";
- a block is a paragraph, list item or table row of a module, a quiz question's explanation, or
  a paragraph of a scenario's text, feedback or debrief; headings, table headers, questions
  (every sentence ends in "?"), quiz prompts and options are not statements and are not checked;
- such a block carries at least one `{cite: key}` (a quiz explanation: also its question's
  `source`; a '>' block quote: any citation in the quote) whose source's kind is primary.

Runs as a script: python -m app.content.citations content/*.md quizzes/*.yaml scenarios/*.yaml
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from app.content.blocks import Block, course_root, file_blocks, plain_text, source_kinds

PRIMARY_KINDS = ("act", "regulations", "statutory-guidance", "case-law")

_LAW = re.compile(
    r"\b(?:Act|Regulations)\s+(?:18|19|20)\d\d\b"                  # Children Act 1989
    r"|\b(?:18|19|20)\d\d\s+(?:Act|Regulations)\b"                 # the 2017 Act
    r"|\b(?:[Ss]ections?|[Rr]egulations?|[Rr]egs?\.?)\s+\d+[A-Z]{0,2}\b"  # section 22, reg 43
    r"|(?<![\w’'.])ss?\.?\s?\d+[A-Z]{0,2}(?:\(\w{1,4}\))*(?![\w%])"  # s22(3A), ss5
    r"|\b[Ss]tatutory\s+guidance\b")

CHECKED_KINDS = ("paragraph", "list-item", "table-row", "quiz-explanation", "scenario-text",
                 "scenario-text/list-item", "scenario-text/table-row", "scenario-feedback",
                 "scenario-feedback/list-item", "scenario-debrief", "scenario-debrief/list-item",
                 "scenario-key-point")


@dataclass(frozen=True)
class Unsupported:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def names_law(text: str) -> str | None:
    """The words that make a text a statement of law, or None."""
    match = _LAW.search(plain_text(text))
    return match.group(0) if match else None


def is_question(text: str) -> bool:
    plain = plain_text(text).rstrip(" )\"'’”")
    return plain.endswith("?") and not re.search(r"[.!](\s|$)", plain)


def _describe(keys: Sequence[str], kinds: Mapping[str, str | None]) -> str:
    if not keys:
        return "it cites nothing"
    named = [f"{k} ({kinds.get(k) or 'no kind'})" for k in dict.fromkeys(keys)]
    return "it cites only " + ", ".join(named)


def unsupported(blocks: Iterable[Block], kinds: Mapping[str, str | None]) -> list[Unsupported]:
    """Blocks that state law without citing a primary source."""
    blocks = list(blocks)
    quote_keys: dict[tuple[str, int], list[str]] = {}
    for block in blocks:
        if block.quote:
            quote_keys.setdefault((block.path, block.quote), []).extend(block.keys)
    out = []
    for block in blocks:
        if block.kind not in CHECKED_KINDS or is_question(block.text):
            continue
        law = names_law(block.text)
        if law is None:
            continue
        keys = list(block.keys) + (quote_keys.get((block.path, block.quote), []) if block.quote else [])
        if any(kinds.get(k) in PRIMARY_KINDS for k in keys):
            continue
        where = f" (question {block.label!r})" if block.kind.startswith("quiz") else \
            f" (node {block.label!r})" if block.label else ""
        out.append(Unsupported(block.path, block.line, (
            f"this {block.kind.split('/')[0].replace('-', ' ')}{where} states law (it names "
            f"\"{law}\") but {_describe(keys, kinds)}: cite the Act, regulations, statutory "
            f"guidance or judgment it rests on, e.g. {{cite: children-act-1989, s22}}")))
    return out


def check_files(paths: Sequence[Path], root: Path | None = None) -> list[Unsupported]:
    if not paths:
        return []
    root = root or course_root(paths[0])
    blocks = [b for p in paths for b in file_blocks(p)]
    return unsupported(blocks, source_kinds(root))


def main(argv: list[str]) -> int:
    found = check_files([Path(a) for a in argv])
    for problem in found:
        print(problem)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
