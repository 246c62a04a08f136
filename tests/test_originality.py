"""Every sentence of the course is ours: no run of twelve or more words matches a source document."""
from pathlib import Path

import pytest

from app.content.originality import RUN_LENGTH, default_seed_dir, shared_runs, source_runs
from tests.conftest import REPO

SEEDS = default_seed_dir()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents (../shared/seeds) are not beside the repository")
def test_no_content_file_copies_a_source_document():
    runs = source_runs(SEEDS)
    # sources.yaml is the bibliography: its titles and addresses are meant to match what they cite.
    files = [p for folder in ("content", "quizzes", "scenarios") for p in sorted((REPO / folder).glob("*"))
             if p.suffix in (".md", ".yaml") and p.name != "sources.yaml"]
    assert len(files) > 30
    copied = [str(run) for path in files for run in shared_runs(path, runs)]
    assert copied == [], f"{len(copied)} run(s) of {RUN_LENGTH}+ words match a source:\n" + "\n".join(copied)


def test_the_checker_finds_a_copied_sentence(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    sentence = "every councillor shares the duty to act as a good parent would for children in care"
    (seeds / "source.txt").write_text(f"Introduction. {sentence.capitalize()}. The end.")
    ours = tmp_path / "module.md"
    ours.write_text(f"Line one.\nAs the guide says, {sentence}, always.\n")
    found = shared_runs(ours, source_runs(seeds))
    assert len(found) == 1 and found[0].line == 2
    ours.write_text("Line one.\nEvery councillor is a corporate parent to the children the council looks after.\n")
    assert shared_runs(ours, source_runs(seeds)) == []
