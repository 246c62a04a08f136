"""Changing the Markdown renderer must not move a heading id or an internal link.

tests/fixtures/module_anchors.json was written from the markdown-it renderer before the switch to
Python-Markdown (regenerate only on purpose, after a content change: python -m
tests.unit.test_content_render_stable). Other modules, quizzes, dilemmas and bookmarks link to these ids.
"""
import json
import re
import sys

import pytest

from app.content.course import build_course
from app.content.local import LocalFacts
from tests.conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "module_anchors.json"
_HEADING = re.compile(r'<h([2-6])\b[^>]*?\bid="([^"]*)"')
_LINK = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"')


def anchors_and_links(course) -> dict:
    out = {}
    for module in course.modules:
        html = str(module.html(LocalFacts(), "Test Council"))
        out[module.id] = {
            "headings": [f"h{level}#{anchor}" for level, anchor in _HEADING.findall(html)],
            "internal_links": [h for h in _LINK.findall(html) if h.startswith(("/modules", "#"))],
            "words": module.word_count,
        }
    return out


@pytest.fixture(scope="module")
def course():
    course, problems = build_course(REPO, "Test Council")
    assert problems == []
    return course


def test_heading_ids_and_internal_links_are_as_before(course):
    before = json.loads(FIXTURE.read_text())
    now = anchors_and_links(course)
    assert sorted(now) == sorted(before)
    for module_id, was in before.items():
        assert now[module_id]["headings"] == was["headings"], module_id
        assert now[module_id]["internal_links"] == was["internal_links"], module_id


def test_word_counts_are_as_before(course):
    # Teaching modules must stay within 800-2,500 words; a renderer that counted differently would
    # move modules across the limit without a word changing.
    before = json.loads(FIXTURE.read_text())
    now = anchors_and_links(course)
    assert {m: v["words"] for m, v in now.items()} == {m: v["words"] for m, v in before.items()}


if __name__ == "__main__":
    found, problems = build_course(REPO, "Test Council")
    if found is None:
        sys.exit("\n".join(map(str, problems)))
    FIXTURE.write_text(json.dumps(anchors_and_links(found), indent=1, sort_keys=True) + "\n")
    print(f"wrote {FIXTURE}")
