"""Content files cannot put script into a page: classic XSS payloads in every content field.

The test copies content/, quizzes/ and scenarios/ to a temporary folder, writes a payload into
every text field (module Markdown and front matter, quiz prompts, options, feedback and
explanations, scenario text, labels, feedback and debriefs, checklists, sources, local facts),
builds the application on that copy, renders the pages and checks that no executable markup
came out. Officer-entered form fields are covered by the officers' tests.
"""
from __future__ import annotations

import shutil
from datetime import timedelta
from html.parser import HTMLParser
from itertools import cycle
from pathlib import Path

import pytest
import yaml
from markupsafe import Markup

from app import create_app
from app.auth.passwords import hash_password
from app.clock import now
from app.content import markdown as md
from app.content.course import build_course, split_front_matter
from app.content.local import LocalFacts
from app.extensions import db
from app.models import Councillor, CouncillorRole, QuizAttempt
from tests.conftest import PASSWORD, REPO, make_officer

PAYLOADS = [
    "<script>alert('xss1')</script>",
    "<img src=x onerror=alert('xss2')>",
    "<svg onload=alert('xss3')>",
    "\"><script>alert('xss4')</script>",
    "'><img src=x onerror=alert('xss5')>",
    "<a href=\"javascript:alert('xss6')\">click</a>",
    "<iframe src=\"javascript:alert('xss7')\"></iframe>",
    "<body onload=alert('xss8')>",
    "<IMG SRC=\"jav&#x09;ascript:alert('xss9');\">",
    "<details open ontoggle=alert('xss10')>",
    "<input autofocus onfocus=alert('xss11')>",
    "<object data=\"javascript:alert('xss12')\"></object>",
    "<embed src=\"javascript:alert('xss13')\">",
    "<form action=\"javascript:alert('xss14')\"><button>go</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('xss15')\">",
    "<base href=\"javascript:alert('xss16')//\">",
    "<style>@import 'javascript:alert(\"xss17\")';</style>",
    "<div style=\"background:url(javascript:alert('xss18'))\">x</div>",
    "<scr<script>ipt>alert('xss19')</scr</script>ipt>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss20')>",
    "<svg><script>alert('xss21')</script></svg>",
    "[click me](javascript:alert('xss22'))",
    "[click me](JaVaScRiPt:alert('xss23'))",
    "![img](x\" onerror=\"alert('xss24'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzMjUnKTwvc2NyaXB0Pg==)",
    "<a href=\"&#106;avascript:alert('xss26')\">x</a>",
    "{{ config.SECRET_KEY }} {% print('xss27') %}",
    "<<script>script>alert('xss28')<</script>/script>",
]
# Module bodies are checked for links (a javascript: link is refused outright, tested below),
# so they get the payloads that are not links.
NOT_LINKS = [p for p in PAYLOADS if not p.startswith(("[", "!["))]


class ExecutableMarkup(HTMLParser):
    """Collects every piece of markup a browser could run, or that the CSP would have to block."""

    BAD_TAGS = {"iframe", "object", "embed", "base", "style", "frame", "frameset", "applet", "link"}
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "background", "poster"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            src = attributes.get("src") or ""
            if not src.startswith("/static/"):
                self.found.append(f"<script> without a /static/ src: {attrs}")
            self._in_script = True
        if tag in self.BAD_TAGS and not (tag == "link" and attributes.get("rel") == "stylesheet"
                                         and (attributes.get("href") or "").startswith("/static/")):
            self.found.append(f"<{tag}> {attrs}")
        if tag == "meta" and "http-equiv" in attributes:
            self.found.append(f"<meta http-equiv> {attrs}")
        if tag == "form" and not (attributes.get("action") or "/").startswith("/"):
            self.found.append(f"<form> posting elsewhere: {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"event handler {name}= on <{tag}>")
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            if name in self.URL_ATTRIBUTES and value:
                scheme = "".join(ch for ch in value.lower() if ch > " ").split(":", 1)
                if len(scheme) == 2 and scheme[0] in ("javascript", "vbscript", "data"):
                    self.found.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"inline script: {data[:60]!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def executable_markup(html: str) -> list[str]:
    parser = ExecutableMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_checker_finds_what_it_looks_for():
    for payload in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                    '<a href=" jav\tascript:alert(1)">x</a>', '<div style="x">', "<iframe src=/x>"):
        assert executable_markup(payload), payload
    assert executable_markup('<script src="/static/js/init.js"></script><a href="/modules/x">ok</a>') == []


# --- writing the payloads into a copy of the content ------------------------------------------

def _append(value, payloads):
    return f"{value} {next(payloads)}" if isinstance(value, str) else value


def _dump(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000))


def _inject_modules(root: Path, payloads) -> None:
    for path in sorted((root / "content").glob("*.md")):
        front, body, _ = split_front_matter(path.read_text(encoding="utf-8-sig"))
        meta = yaml.safe_load(front)
        meta["title"] = _append(meta["title"], payloads)
        meta["summary"] = _append(meta["summary"], payloads)
        meta["learning_outcomes"] = [_append(o, payloads) for o in meta["learning_outcomes"]]
        extra = "\n\n".join(NOT_LINKS) if meta.get("kind") == "reference" else next(payloads)
        if extra.startswith(("[", "!")):
            extra = NOT_LINKS[0]
        body = body.rstrip() + "\n\n" + extra + "\n\n- " + NOT_LINKS[1] + "\n\n> " + NOT_LINKS[2] + "\n"
        path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
                        + "---\n" + body)


def _inject_quizzes(root: Path, payloads) -> None:
    for path in sorted((root / "quizzes").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        if "questions" not in data or not isinstance(data["questions"], list):
            data["title"] = _append(data.get("title"), payloads)
            _dump(path, data)
            continue
        for question in data["questions"]:
            for key in ("prompt", "explanation"):
                question[key] = _append(question.get(key), payloads)
            for option in question.get("options", []):
                if question.get("type") != "true_false":
                    option["text"] = _append(option["text"], payloads)
                option["feedback"] = _append(option.get("feedback"), payloads)
        _dump(path, data)


def _inject_scenarios(root: Path, payloads) -> None:
    for path in sorted((root / "scenarios").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        data["title"] = _append(data["title"], payloads)
        data["summary"] = _append(data["summary"], payloads)
        for node in data["nodes"].values():
            node["text"] = _append(node.get("text"), payloads)
            for choice in node.get("choices", []):
                choice["label"] = _append(choice["label"], payloads)
                choice["feedback"] = _append(choice["feedback"], payloads)
            if "ending" in node:
                node["ending"]["title"] = _append(node["ending"]["title"], payloads)
            if "debrief" in node:
                debrief = node["debrief"]
                debrief["summary"] = _append(debrief["summary"], payloads)
                debrief["key_points"] = [_append(p, payloads) for p in debrief["key_points"]]
        _dump(path, data)


def _inject_content_yaml(root: Path, payloads) -> None:
    path = root / "content" / "checklists.yaml"
    checklists = yaml.safe_load(path.read_text())
    for checklist in checklists:
        for key in ("title", "intro"):
            checklist[key] = _append(checklist.get(key), payloads)
        for question in checklist["questions"]:
            question["text"] = _append(question["text"], payloads)
            question["help"] = _append(question.get("help"), payloads)
    _dump(path, checklists)

    path = root / "content" / "sources.yaml"
    sources = yaml.safe_load(path.read_text())
    for entry in sources.values():
        for key in ("title", "short", "publisher"):
            if key in entry:
                entry[key] = _append(entry[key], payloads)
    _dump(path, sources)

    path = root / "content" / "principles.yaml"
    principles = yaml.safe_load(path.read_text())
    for entry in principles:
        entry["short"] = _append(entry["short"], payloads)
        entry["text"] = _append(entry["text"], payloads)
    _dump(path, principles)

    path = root / "content" / "local.yaml"
    local = yaml.safe_load(path.read_text())
    local["figures_as_at"] = _append(str(local["figures_as_at"]), payloads)
    local["board"] = {"name": _append(local["board"]["name"], payloads),
                      "meets": _append(local["board"]["meets"], payloads)}
    for contact in local["contacts"]:
        contact["role"] = _append(contact["role"], payloads)
        contact["name"] = _append(contact["name"], payloads)
    _dump(path, local)


def _copy_content(target: Path) -> Path:
    for folder in ("content", "quizzes", "scenarios"):
        shutil.copytree(REPO / folder, target / folder)
    return target


@pytest.fixture(scope="module")
def poisoned_root(tmp_path_factory):
    root = _copy_content(tmp_path_factory.mktemp("poisoned"))
    payloads = cycle(PAYLOADS)
    _inject_modules(root, payloads)
    _inject_quizzes(root, payloads)
    _inject_scenarios(root, payloads)
    _inject_content_yaml(root, payloads)
    return root


@pytest.fixture
def poisoned_app(poisoned_root, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'xss.db'}",
                      "CONTENT_ROOT": str(poisoned_root), "SERVER_NAME": "training.test"})
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _markup_values(value, where="course", seen=None):
    """Every Markup (HTML that templates print unescaped) anywhere in the loaded course."""
    seen = seen if seen is not None else set()
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, Markup):
        yield where, str(value)
    elif isinstance(value, str) or value is None or isinstance(value, (int, float, Path)):
        return
    elif isinstance(value, dict) or hasattr(value, "items") and hasattr(value, "values"):
        for key, item in value.items():
            yield from _markup_values(item, f"{where}[{key!r}]", seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for i, item in enumerate(value):
            yield from _markup_values(item, f"{where}[{i}]", seen)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from _markup_values(getattr(value, name), f"{where}.{name}", seen)
    elif hasattr(value, "__dict__"):
        for name, item in vars(value).items():
            yield from _markup_values(item, f"{where}.{name}", seen)


def test_every_html_fragment_built_from_poisoned_content_is_safe(poisoned_root):
    course, problems = build_course(poisoned_root)
    assert problems == [], "the payloads made the content invalid:\n" + "\n".join(map(str, problems[:20]))
    fragments = list(_markup_values(course))
    assert len(fragments) > 500  # modules, feedback, explanations, scenario text, checklist help
    bad = [(where, found) for where, html in fragments if (found := executable_markup(html))]
    assert bad == []
    # The payloads did arrive, as harmless text.
    every = "".join(html for _, html in fragments)
    assert "&lt;script&gt;alert('xss1')&lt;/script&gt;" in every or "&lt;script&gt;alert(&#x27;xss1" in every


def _sign_in(app, email):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _pages(app, course):
    """Every page that shows content, with an attempt holding every question."""
    from tests.integration.test_access import SAMPLE_ARGUMENTS

    yield "/sources"
    for module in course.modules:
        yield f"/modules/{module.id}"
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static" and not (
                {"attempt_id", "run_id", "scenario_id", "node_id", "module_id"} & set(rule.arguments)):
            yield rule.build({a: SAMPLE_ARGUMENTS[a] for a in rule.arguments})[1]


def test_pages_built_from_poisoned_content_carry_no_script(poisoned_app):
    app = poisoned_app
    course = app.extensions["course"]
    with app.app_context():
        member = Councillor(name="Councillor Pat Jones", email="pat.jones@example.gov.uk",
                            password_hash=hash_password(PASSWORD))
        db.session.add(member)
        db.session.flush()
        db.session.add(CouncillorRole(person_id=member.id, role="chair"))  # level 3: every module
        question_ids = list(course.question_bank.questions)
        answers = {qid: [course.question_bank.questions[qid].options[0].key] for qid in question_ids}
        open_attempt = QuizAttempt(person_id=member.id, quiz="assessment", layout="one-page",
                                   question_ids=question_ids, answers={})
        done = QuizAttempt(person_id=member.id, quiz="module:education", layout="one-page",
                           status="submitted", question_ids=question_ids, answers=answers,
                           score_percent=10, passed=False, submitted_at=now(),
                           started_at=now() - timedelta(minutes=5))
        db.session.add_all([open_attempt, done])
        db.session.commit()
        attempt_ids = (open_attempt.id, done.id)
    make_officer(app)
    councillor = _sign_in(app, "pat.jones@example.gov.uk")
    officer = _sign_in(app, "sam.officer@example.gov.uk")

    pages = [(councillor, url) for url in _pages(app, course)]
    pages += [(officer, url) for url in _pages(app, course)]
    pages += [(councillor, f"/attempts/{attempt_ids[0]}"), (councillor, f"/attempts/{attempt_ids[1]}/review")]
    for scenario_id, scenario in course.scenarios.items():
        pages.append((councillor, f"/dilemmas/{scenario_id}"))
        for node_id, node in scenario.nodes.items():
            reveal = "debrief" if node.is_ending else "all"
            pages.append((officer, f"/dilemmas/{scenario_id}/workshop/{node_id}?reveal={reveal}"))
    rendered, bad = 0, []
    escaped_payload_seen = False
    for client, url in pages:
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        rendered += 1
        bad += [(url, found) for found in executable_markup(html)]
        assert "test-secret-key" not in html, url  # no template evaluated content as Jinja
        escaped_payload_seen |= "onerror=alert(" in html.replace("&#39;", "'") and "&lt;img" in html
    assert bad == []
    assert escaped_payload_seen, "no payload reached a page: is the injection still working?"
    assert rendered >= 60, rendered


def test_a_javascript_link_in_a_module_never_becomes_a_link(tmp_path):
    root = _copy_content(tmp_path)
    path = root / "content" / "glossary.md"
    path.write_text(path.read_text() + "\n\n[click me](javascript:alert(1)) [again](JAVASCRIPT:alert(2))\n")
    course, problems = build_course(root)
    assert problems == []
    html = str(course.module("glossary").html(LocalFacts(), "C"))
    assert "[click me](javascript:alert(1))" in html  # left as plain text
    assert executable_markup(html) == [] and 'href="javascript' not in html.lower()


def test_a_javascript_address_in_local_facts_is_refused(tmp_path):
    root = _copy_content(tmp_path)
    path = root / "content" / "local.yaml"
    local = yaml.safe_load(path.read_text())
    local["pledge_url"] = "javascript:alert(1)//https://example.gov.uk"
    local["local_offer_url"] = "https://example.gov.uk/\"onmouseover=\"alert(1)"
    _dump(path, local)
    _, problems = build_course(root)
    assert {p.message.split("'")[1] for p in problems if "local.yaml" in str(p)} >= {"pledge_url", "local_offer_url"}


def test_markdown_renderer_strips_every_payload():
    for payload in PAYLOADS:
        for html in (md.render(payload), md.render_inline(payload), md.render(f"## {payload}\n\n> {payload}")):
            assert executable_markup(html) == [], (payload, html)
