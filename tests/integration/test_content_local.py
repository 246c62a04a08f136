"""The council's own facts are filled in when a module page is drawn, from a provider the app can replace."""
import shutil

from app.content import set_local_facts
from app.content.course import build_course
from app.content.local import Contact, LocalFacts, LocalFile
from tests.conftest import REPO


def test_a_replaced_provider_shows_on_the_next_page_without_a_restart(app, client, auth, councillor):
    auth.sign_in()
    page = client.get("/modules/corporate-parent").get_data(as_text=True)
    assert "looked after 612 children" in page  # the demo figure in content/local.yaml
    facts = {"now": LocalFacts(children_in_care=598, figures_as_at="1 October 2026")}
    set_local_facts(app, lambda: facts["now"])
    page = client.get("/modules/corporate-parent").get_data(as_text=True)
    assert "looked after 598 children on 1 October 2026" in page and "612" not in page
    facts["now"] = LocalFacts(contacts=(Contact("Lead member", "Councillor Alex <b>New</b>", None),))
    assert "Councillor Alex &lt;b&gt;New&lt;/b&gt;" in client.get("/modules/keeping-safe").get_data(as_text=True)
    page = client.get("/modules/corporate-parent").get_data(as_text=True)
    assert "Nationally, 81,770 children were looked after" in page  # no local figure: the national one


def test_the_default_provider_reads_local_yaml_again_when_it_changes(tmp_path):
    path = tmp_path / "local.yaml"
    path.write_text("children_in_care: 10\n")
    provider = LocalFile(path)
    assert provider().children_in_care == 10
    path.write_text("children_in_care: 1200\nboard: {name: Children's Board}\n")
    assert provider().children_in_care == 1200 and provider().board_name == "Children's Board"
    path.write_text("children_in_care: lots\n")  # broken while running: the last good facts stay
    assert provider().children_in_care == 1200
    path.unlink()
    assert provider() == LocalFacts()


def test_modules_keep_a_place_for_each_local_box_not_the_facts(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "quizzes", tmp_path / "quizzes")
    shutil.copytree(REPO / "scenarios", tmp_path / "scenarios")
    course, problems = build_course(tmp_path, "Test Council")
    assert problems == []
    module = course.module("corporate-parent")
    assert "612" not in "".join(module.body)
    html = module.html(LocalFacts(children_in_care=7), "Test Council")
    assert "In Test Council" in html and "Test Council looked after 7 children." in html
    assert "\ue000" not in html


def test_content_may_not_hold_the_slot_mark(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "quizzes", tmp_path / "quizzes")
    shutil.copytree(REPO / "scenarios", tmp_path / "scenarios")
    path = tmp_path / "content" / "glossary.md"
    lines = path.read_text().split("\n")
    lines[-2] += " \ue000board\ue000"
    path.write_text("\n".join(lines))
    _, problems = build_course(tmp_path)
    assert [(p.path, p.line) for p in problems] == [("content/glossary.md", len(lines) - 1)]
    assert "U+E000" in problems[0].message
