"""Finds where our content copies or closely paraphrases the source documents.

The course must be written in our own words: facts carry over, sentences do not. Three checks:

- an exact run of RUN_LENGTH or more words that also stands in a source document;
- a sentence that keeps a source sentence's distinctive wording: its "shared wording" score is
  PARAPHRASE_SENTENCE_SCORE or more (see `shared_wording`);
- a passage that follows a source passage sentence by sentence at a lower score.

Statute may be quoted (Open Government Licence): text in quotation marks, or in a '>' block
quote, within a block that cites a source of kind `act` or `regulations` is left out.

Runs as a script (python -m app.content.originality FILE...) and prints path:line: message.
"""
from __future__ import annotations

import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from rapidfuzz import process
from rapidfuzz.distance import Indel

from app.content import thresholds as t
from app.content.blocks import (Block, course_files, course_root, file_blocks, iter_sentences,
                                 markdown_blocks, source_kinds)

RUN_LENGTH = 12
NOT_COMPARED = ("sources.yaml", "principles.yaml")
QUOTABLE_KINDS = ("act", "regulations")
_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHES = re.compile(r"[’'`]")
# "Children and Social Work Act 2017", "The Care Planning, Placement and Case Review (England)
# Regulations 2010": a statute's title is a fact, not phrasing, so it is left out of comparisons.
_STATUTE_TITLE = re.compile(r"\b(?:[A-Z][\w’'()]*,?\s+(?:(?:and|of|for|the|in|on|to)\s+)*)+"
                            r"(?:Act|Regulations)\s+(?:19|20)\d\d\b")
# A document's title in italics (*Working Together to Safeguard Children 2023*) names it: it is
# a fact, not phrasing. Longer italic stretches are not titles and are compared as usual.
_TITLE = re.compile(r"(?<![*\w])([*_])(?=\S)((?:(?!\1).){1,160}?)(?<=\S)\1(?![*\w])")
# “...”, "..." and ‘...’ (a closing ’ followed by a letter is an apostrophe, not a quote).
_INDEXED = 3  # a word of this weight or more (in fewer than about 250 source sentences) is uncommon
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|‘.*?’(?![\w])", re.S)


def normalise(text: str) -> str:
    text = _STATUTE_TITLE.sub(" act ", text)
    return " ".join(_WORD.findall(_APOSTROPHES.sub("", text.lower())))


# --- exact runs -------------------------------------------------------------------------------

def words_with_lines(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        for word in _WORD.findall(_APOSTROPHES.sub("", line.lower())):
            out.append((word, lineno))
    return out


def source_runs(seed_dir: Path, length: int = RUN_LENGTH) -> set[int]:
    runs: set[int] = set()
    for path in sorted(seed_dir.glob("*.txt")):
        words = [w for w, _ in words_with_lines(_read(path))]
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


def shared_runs(path: Path, runs: set[int], length: int = RUN_LENGTH,
                kinds: Mapping[str, str | None] | None = None) -> list[SharedRun]:
    tokens = words_with_lines(path.read_text(encoding="utf-8"))
    # Statute quoted under its citation is allowed here too, as in the sentence checks below.
    quoted = _quoted_statute(path, tokens, source_kinds(course_root(path)) if kinds is None else kinds)
    found: list[SharedRun] = []
    i = 0
    while i <= len(tokens) - length:
        window = tuple(w for w, _ in tokens[i : i + length])
        if hash(window) in runs and not quoted.intersection(range(i, i + length)):
            found.append(SharedRun(path, tokens[i][1], " ".join(window)))
            i += length  # one report per overlapping stretch is enough to find it
        else:
            i += 1
    return found


def _quoted_statute(path: Path, tokens: list[tuple[str, int]],
                    kinds: Mapping[str, str | None]) -> set[int]:
    """Indexes of the tokens that stand in statute quoted under an act's or regulations' citation."""
    blocks = file_blocks(path) if path.suffix in (".md", ".yaml") else []
    group_keys: dict[tuple, set] = {}
    for block in blocks:
        if block.quote:
            group_keys.setdefault((block.path, block.quote), set()).update(block.keys)
    skip: set[int] = set()
    for block in blocks:
        if not _quotable(block, kinds, group_keys):
            continue
        parts = [block.text] if block.quote else [m.group(0) for m in _QUOTED.finditer(block.text)]
        for part in parts:
            words = tuple(_WORD.findall(_APOSTROPHES.sub("", part.lower())))
            n = len(words)
            for i in range(len(tokens) - n + 1):
                if n and tokens[i][1] >= block.line and tuple(w for w, _ in tokens[i:i + n]) == words:
                    skip.update(range(i, i + n))
                    break
    return skip


# --- close paraphrase -------------------------------------------------------------------------

@dataclass(frozen=True)
class SeedSentence:
    file: str
    line: int
    index: int      # its position among the file's sentences, for "in the same order"
    text: str


class Seeds:
    """The source documents' sentences, ready to compare.

    Each word is weighted by how rare it is in the sources (inverse document frequency), so that
    sharing "children in care and care leavers" counts for little and sharing "drowning in data"
    counts for a lot. rapidfuzz has no weighted comparison, so a word becomes one private
    character repeated by its weight: the Indel similarity of two such strings is then the
    weighted share of words the sentences have in common in the same order.
    """

    def __init__(self, sentences: Sequence[SeedSentence]):
        self.sentences = tuple(sentences)
        normalised = [normalise(s.text) for s in self.sentences]
        frequency = Counter(w for n in normalised for w in set(n.split()))
        total = len(normalised) + 1
        self._weights = {w: max(1, round(math.log(total / (1 + c)))) for w, c in frequency.items()}
        self._unseen = max(1, round(math.log(total)))
        self._codes: dict[str, str] = {}
        self._encoded = [self.encode(n) for n in normalised]
        # Comparing with every source sentence is slow (about 30 s for the course); a sentence
        # that shares no uncommon word with ours cannot score enough to matter, so only those
        # that do are compared (measured on the course: the same findings in a third of the time).
        self._postings: dict[str, list[int]] = {}
        for index, n in enumerate(normalised):
            for word in set(n.split()):
                if self._weights[word] >= _INDEXED:
                    self._postings.setdefault(word, []).append(index)

    @classmethod
    def from_folder(cls, seed_dir: Path) -> Seeds:
        sentences = []
        for path in sorted(seed_dir.glob("*.txt")):
            index = 0
            # Source text wraps its lines; a paragraph is a run of lines, as in Markdown.
            for block in markdown_blocks(_read(path), path.name):
                for line, sentence in iter_sentences(block):
                    if len(sentence.split()) >= 6:
                        sentences.append(SeedSentence(path.name, line, index, sentence))
                        index += 1
        return cls(sentences)

    def encode(self, normalised: str) -> str:
        out = []
        for word in normalised.split():
            code = self._codes.setdefault(word, chr(0xE000 + len(self._codes)))  # private use area
            out.append(code * self._weights.get(word, self._unseen))
        return "".join(out)

    def best(self, text: str, cutoff: float, limit: int = 3) -> list[tuple[float, SeedSentence]]:
        """The seed sentences sharing at least `cutoff` (0-100) of the text's wording, best first."""
        normalised = normalise(text)
        candidates = {i: self._encoded[i] for w in set(normalised.split()) for i in self._postings.get(w, ())}
        if not candidates:
            return []
        hits = process.extract(self.encode(normalised), candidates,
                               scorer=Indel.normalized_similarity, score_cutoff=cutoff / 100,
                               limit=limit)
        return [(100 * score, self.sentences[index]) for _, score, index in hits]


def shared_wording(a: str, b: str, seeds: Seeds) -> float:
    """0-100: the rarity-weighted share of words two sentences have in common, in order."""
    return 100 * Indel.normalized_similarity(seeds.encode(normalise(a)), seeds.encode(normalise(b)))


@dataclass(frozen=True)
class Paraphrase:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class _Sentence:
    path: str
    line: int
    text: str


def _quotable(block: Block, kinds: Mapping[str, str | None], group_keys: Mapping[tuple, set]) -> bool:
    keys = set(block.keys) | group_keys.get((block.path, block.quote), set()) if block.quote else set(block.keys)
    return any(kinds.get(k) in QUOTABLE_KINDS for k in keys)


def our_sentences(blocks: Iterable[Block], kinds: Mapping[str, str | None]) -> list[_Sentence]:
    """Every sentence a reader sees, in file order, with statute quoted under an act's citation
    left out."""
    blocks = list(blocks)
    group_keys: dict[tuple, set] = {}
    for block in blocks:
        if block.quote:
            group_keys.setdefault((block.path, block.quote), set()).update(block.keys)
    out = []
    for block in blocks:
        if block.kind in ("heading", "local"):
            continue
        quotable = _quotable(block, kinds, group_keys)
        if quotable and block.quote:
            continue  # a block quote of the statute it cites
        text = _TITLE.sub(lambda m: " " * len(m.group(0)) if len(m.group(2).split()) <= 15 else m.group(0),
                          block.text)
        if text != block.text:
            block = Block(block.path, block.line, block.kind, text, block.sources, block.label,
                          block.level, block.quote)
        if quotable:
            block = Block(block.path, block.line, block.kind, _QUOTED.sub(_blank_quote, block.text),
                          block.sources, block.label, block.level, block.quote)
        out.extend(_Sentence(block.path, line, text) for line, text in iter_sentences(block))
    return out


def _blank_quote(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _excerpt(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def close_paraphrases(sentences: Sequence[_Sentence], seeds: Seeds) -> list[Paraphrase]:
    """Sentences that keep a source sentence's wording, and passages that follow a source
    passage sentence by sentence."""
    found: list[Paraphrase] = []
    matches: list[list[tuple[float, SeedSentence]]] = []
    for s in sentences:
        words = len(normalise(s.text).split())
        hits = seeds.best(s.text, t.PARAPHRASE_PASSAGE_SCORE, limit=5) if words >= 6 else []
        matches.append(hits)
        if words >= t.PARAPHRASE_MIN_WORDS and hits and hits[0][0] >= t.PARAPHRASE_SENTENCE_SCORE:
            score, seed = hits[0]
            found.append(Paraphrase(s.path, s.line, (
                f"this sentence keeps the wording of a source document (score {score:.0f}, limit "
                f"{t.PARAPHRASE_SENTENCE_SCORE}): \"{_excerpt(s.text)}\" is close to {seed.file}:"
                f"{seed.line} \"{_excerpt(seed.text)}\" - say it in your own words")))
    flagged = {(p.path, p.line) for p in found}
    found.extend(p for p in _passages(sentences, matches) if (p.path, p.line) not in flagged)
    return found


def _passages(sentences: Sequence[_Sentence], matches: Sequence[list]) -> list[Paraphrase]:
    """Chains of our sentences that match one source file's sentences in the same order, each
    step within the spans the thresholds allow; the longest chains, not overlapping, are reported."""
    # chain[i][k]: (length, previous (i, k)) of the best chain ending in match k of sentence i.
    chain: list[list[tuple[int, tuple[int, int] | None]]] = []
    for i, hits in enumerate(matches):
        row = []
        for _score, seed in hits:
            best: tuple[int, tuple[int, int] | None] = (1, None)
            for j in range(max(0, i - t.PARAPHRASE_PASSAGE_SPAN), i):
                if sentences[j].path != sentences[i].path:
                    continue
                for k, (_s, prev) in enumerate(matches[j]):
                    if prev.file == seed.file and prev.index < seed.index <= prev.index + t.PARAPHRASE_SEED_SPAN \
                            and chain[j][k][0] + 1 > best[0]:
                        best = (chain[j][k][0] + 1, (j, k))
            row.append(best)
        chain.append(row)
    ends = sorted(((length, i, k) for i, row in enumerate(chain) for k, (length, _) in enumerate(row)
                   if length >= t.PARAPHRASE_PASSAGE_SENTENCES), reverse=True)
    used: set[int] = set()
    out: list[Paraphrase] = []
    for _length, i, k in ends:
        steps = _walk_back(chain, i, k)
        if used & {j for j, _ in steps}:
            continue
        used.update(j for j, _ in steps)
        out.append(_passage(sentences, matches, steps))
    return out


def _walk_back(chain: list, i: int, k: int) -> list[tuple[int, int]]:
    steps = []
    here: tuple[int, int] | None = (i, k)
    while here is not None:
        steps.append(here)
        here = chain[here[0]][here[1]][1]
    return steps[::-1]


def _passage(sentences: Sequence[_Sentence], matches: Sequence[list], steps: list) -> Paraphrase:
    first, last = sentences[steps[0][0]], sentences[steps[-1][0]]
    seeds = [matches[i][k][1] for i, k in steps]
    scores = [matches[i][k][0] for i, k in steps]
    return Paraphrase(first.path, first.line, (
        f"lines {first.line}-{last.line} follow {seeds[0].file}:{seeds[0].line}-{seeds[-1].line} "
        f"sentence by sentence ({len(steps)} sentences in the same order, scores {min(scores):.0f} "
        f"to {max(scores):.0f}): rewrite the passage in your own words and order"))


# --- the course, from the command line ---------------------------------------------------------

def default_seed_dir() -> Path:
    return Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def check_files(paths: Sequence[Path], seed_dir: Path, root: Path | None = None) -> list[str]:
    """Every exact run and close paraphrase in the files, as path:line: message."""
    # Two files are meant to match what they name, and the course test leaves them out too:
    # content/sources.yaml, the bibliography (a document's title and address), and
    # content/principles.yaml, section 1(1) of the 2017 Act word for word (review A4).
    paths = [p for p in paths if not (p.name in NOT_COMPARED and p.parent.name == "content")]
    if not paths:
        return []
    root = root or course_root(paths[0])
    seeds, runs = Seeds.from_folder(seed_dir), source_runs(seed_dir)
    blocks = [b for p in paths for b in file_blocks(p, _display(p, root))]
    problems = [str(SharedRun(Path(_display(p, root)), r.line, r.words))
                for p in paths for r in shared_runs(p, runs)]
    problems += [str(p) for p in close_paraphrases(our_sentences(blocks, source_kinds(root)), seeds)]
    return sorted(problems, key=_position)


def _position(problem: str) -> tuple[str, int]:
    path, line, _ = problem.split(":", 2)
    return path, int(line)


def check_course(root: Path, seed_dir: Path) -> list[str]:
    return check_files(course_files(root), seed_dir, root)


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def main(argv: list[str]) -> int:
    seed_dir = default_seed_dir()
    if not seed_dir.is_dir():
        print(f"no source documents at {seed_dir}", file=sys.stderr)
        return 2
    problems = check_files([Path(a) for a in argv], seed_dir)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
