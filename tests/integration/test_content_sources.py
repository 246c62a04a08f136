"""Citations read as sources: compact numbered notes in modules, real titles everywhere, a sources page with kinds and addresses."""
import re
import shutil

import pytest

from app.content import current_course
from app.content.course import build_course
from app.content.local import LocalFacts
from tests.conftest import REPO

KEY = re.compile(r"\b[a-z]+(?:-[a-z0-9]+)+-(?:19|20)\d\d\b")  # a source key such as training-resource-2013


@pytest.fixture(scope="module")
def course():
    course, problems = build_course(REPO, "Test Council")
    assert problems == []
    return course


def _sections(html: str) -> list[str]:
    return re.split(r"<h2 ", html)


def test_a_module_cites_with_numbers_and_lists_its_sources_at_the_end_of_each_section(course):
    module = course.module("legal-framework")
    html = str(module.html(LocalFacts(), "Test Council"))
    assert "(source:" not in html and "{cite" not in html
    numbers = [int(n) for n in re.findall(r'<sup class="app-cite">.*?(\d+)<span', html)]
    notes = [int(n) for n in re.findall(r'<li id="source-(\d+)">', html)]
    assert numbers and sorted(set(numbers)) == notes == list(range(1, len(notes) + 1))
    for section in _sections(html):
        cited = set(re.findall(r'<sup class="app-cite">.*?(\d+)<span', section))
        listed = set(re.findall(r'<li id="source-(\d+)">', section))
        assert listed <= cited, "a section lists only sources cited in it"
    # Each note names the source by title, links to its entry, and keeps the section cited.
    assert ('<li id="source-1"><a class="govuk-link" href="/sources#children-act-1989">Children Act 1989</a>'
            in html)
    assert re.search(r'href="/sources#children-act-1989">Children Act 1989</a>, s\d+', html)


def test_citations_cost_no_tab_stops_in_the_text(course):
    html = str(course.module("corporate-parent").html(LocalFacts(), "Test Council"))
    marks = re.findall(r'<sup class="app-cite">(.*?)</sup>', html)
    assert len(marks) > 20 and not any("<a " in m for m in marks)
    # Fewer links than the old "(source: ...)" after each sentence: one per distinct source and place.
    assert len(re.findall(r'<li id="source-', html)) < len(marks)


def test_a_year_already_in_the_title_is_not_repeated(course):
    assert course.sources["cswa-2017"].label == "Children and Social Work Act 2017"
    assert course.sources["lga-resource-pack"].label == "LGA corporate parenting resource pack, 2017"
    html = str(course.module("principles").html(LocalFacts(), "C"))
    assert "2017, 2017" not in html


def test_dilemmas_name_sources_by_title_never_by_key(course):
    texts = []
    for scenario in course.scenarios.values():
        for node in scenario.nodes.values():
            texts.append(str(node.html))
            texts += [str(c.feedback) for c in node.choices]
            if node.ending:
                texts += [str(node.ending.summary)] + [str(p) for p in node.ending.key_points]
    html = "\n".join(texts)
    shown = re.findall(r'\(source: <a class="govuk-link" href="/sources#[^"]+">([^<]+)</a>\)', html)
    assert len(shown) > 100
    assert "training-resource-2013" not in shown and not any(KEY.fullmatch(s) for s in shown)
    assert "Corporate parenting resource materials (about 2013)" in shown


def test_an_unknown_source_in_a_dilemma_is_reported_with_its_line(tmp_path):
    for folder in ("content", "quizzes", "scenarios"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    path = tmp_path / "scenarios" / "child-confides.yaml"
    text = path.read_text()
    assert "{cite: training-resource-2013}" in text
    path.write_text(text.replace("{cite: training-resource-2013}", "{cite: no-such-source}", 1))
    line = next(i for i, text in enumerate(path.read_text().split("\n"), 1) if "no-such-source" in text)
    _, problems = build_course(tmp_path)
    assert [(p.path, p.message) for p in problems] == [
        ("scenarios/child-confides.yaml",
         "unknown source 'no-such-source' in {cite: ...} (add it to content/sources.yaml)")]
    assert problems[0].line == line


def test_the_sources_page_shows_each_source_kind_and_address(app, client):
    page = client.get("/sources").get_data(as_text=True)
    with app.app_context():
        sources = current_course().sources
    assert page.index("Acts of Parliament") < page.index("Documents the course was written from")
    for key, source in sources.items():
        entry = page.split(f'id="{key}"')[1].split('class="app-source"')[0]
        assert source.kind_name in entry, key
        if source.url:
            assert f'href="{source.url}"' in entry.replace("&amp;", "&"), key
        else:
            assert "Not published online" in entry, key
