"""Finds runs of words that our content shares with the source documents.

The course must be written in our own words: facts carry over, sentences do not.
A run of RUN_LENGTH or more words that also stands in a source document is reported
with the file and line where it starts, so a writer can rephrase it.

Runs as a script too (no Flask needed): python app/content/originality.py FILE...
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

RUN_LENGTH = 12
_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHES = re.compile(r"[’'`]")


def words_with_lines(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        for word in _WORD.findall(_APOSTROPHES.sub("", line.lower())):
            out.append((word, lineno))
    return out


def source_runs(seed_dir: Path, length: int = RUN_LENGTH) -> set[int]:
    runs: set[int] = set()
    for path in sorted(seed_dir.glob("*.txt")):
        words = [w for w, _ in words_with_lines(path.read_text(encoding="utf-8", errors="replace"))]
        for i in range(len(words) - length + 1):
            runs.add(hash(tuple(words[i : i + length])))
    return runs


@dataclass(frozen=True)
class SharedRun:
    path: Path
    line: int
    words: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {RUN_LENGTH}+ words match a source document: \"{self.words} ...\""


def shared_runs(path: Path, runs: set[int], length: int = RUN_LENGTH) -> list[SharedRun]:
    tokens = words_with_lines(path.read_text(encoding="utf-8"))
    found: list[SharedRun] = []
    i = 0
    while i <= len(tokens) - length:
        window = tuple(w for w, _ in tokens[i : i + length])
        if hash(window) in runs:
            found.append(SharedRun(path, tokens[i][1], " ".join(window)))
            i += length  # one report per overlapping stretch is enough to find it
        else:
            i += 1
    return found


def default_seed_dir() -> Path:
    return Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def main(argv: list[str]) -> int:
    seed_dir = default_seed_dir()
    if not seed_dir.is_dir():
        print(f"no source documents at {seed_dir}", file=sys.stderr)
        return 2
    runs = source_runs(seed_dir)
    problems = [p for arg in argv for p in shared_runs(Path(arg), runs)]
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
