"""Bad input never crashes anything: fuzzing the content parsers and the sign-in forms.

Each property runs a bounded number of examples so that the whole file stays quick; hypothesis
prints the smallest failing input when one breaks.
"""
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.auth import tokens
from app.content import markdown as md
from app.content import yamlsource
from app.content.course import build_course, split_front_matter
from app.content.problems import Problem
from app.extensions import db
from app.models import Person
from tests.conftest import REPO, make_councillor
from tests.integration.test_security_xss import executable_markup

FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SLOW_FUZZ = settings(FUZZ, max_examples=25)

# Text with the characters that matter to YAML, Markdown and HTML, plus anything at all.
SYNTAX = st.sampled_from(list("-:[]{}#&*!|>'\"%@`\n\t ,?<>=/\\") + ["---", "\n---\n", "{cite: x}",
                                                                    "{local: board}", "## ", "](", "\x00", "\ufeff"])
TEXT = st.one_of(st.text(max_size=300), st.lists(st.one_of(SYNTAX, st.text(max_size=8)), max_size=60).map("".join))


@FUZZ
@given(TEXT)
def test_yaml_loader_answers_with_a_value_or_a_located_problem(text):
    try:
        yamlsource.load(text)
    except yamlsource.YamlProblem as problem:
        assert problem.line >= 1 and problem.message


@FUZZ
@given(TEXT)
def test_front_matter_split_never_fails(text):
    front, body, offset = split_front_matter(text)
    if front is None:
        assert body == text and offset == 0
    else:
        assert offset >= 2 and body in text


@FUZZ
@given(TEXT)
def test_markdown_renders_anything_to_safe_html(text):
    for html in (md.render(text), md.render_inline(text)):
        assert isinstance(html, str)
        assert executable_markup(html) == []


@pytest.fixture(scope="module")
def small_tree(tmp_path_factory):
    """Enough of a course to load modules: sources, principles and one real module."""
    root = tmp_path_factory.mktemp("fuzz-course")
    (root / "content").mkdir()
    (root / "quizzes").mkdir()
    (root / "scenarios").mkdir()
    for name in ("sources.yaml", "principles.yaml", "glossary.md"):
        shutil.copy(REPO / "content" / name, root / "content" / name)
    return root


FRONT_KEYS = st.sampled_from(["id", "title", "summary", "order", "kind", "levels", "minutes",
                              "law_as_at", "sources", "learning_outcomes", "other"])
FRONT_VALUES = st.one_of(st.none(), st.integers(-5, 3000), st.text(max_size=20), st.booleans(),
                         st.lists(st.one_of(st.integers(-1, 5), st.text(max_size=10)), max_size=4))
MODULE = st.one_of(
    TEXT,
    st.tuples(st.dictionaries(FRONT_KEYS, FRONT_VALUES, max_size=11), TEXT).map(
        lambda pair: "---\n" + "".join(f"{k}: {v!r}\n" for k, v in pair[0].items()) + "---\n" + pair[1]),
    TEXT.map(lambda body: (REPO / "content" / "glossary.md").read_text().replace("---\n\n", "---\n\n" + body, 1)),
)


@SLOW_FUZZ
@given(module=MODULE, encoding=st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_a_fuzzed_module_file_gives_problems_not_a_crash(small_tree, module, encoding):
    path = small_tree / "content" / "zz-fuzzed.md"
    try:
        path.write_bytes(module.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(module.encode("utf-8", "surrogatepass"))
    course, problems = build_course(small_tree)
    assert all(isinstance(p, Problem) and p.line >= 0 and p.message for p in problems)
    # A course is built exactly when there is nothing to report.
    assert (course is None) == bool(problems)


# --- forms ------------------------------------------------------------------------------------

FORM_TEXT = st.text(max_size=400)  # includes NULs, emoji, right-to-left marks and so on


@SLOW_FUZZ
@given(email=FORM_TEXT, password=FORM_TEXT, next_url=FORM_TEXT)
def test_sign_in_form_never_fails_with_a_server_error(app, email, password, next_url):
    response = app.test_client().post("/sign-in", data={"email": email, "password": password},
                                      query_string={"next": next_url})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/") and not response.headers["Location"].startswith("//")


@FUZZ
@given(email=FORM_TEXT)
def test_reset_request_form_never_fails_with_a_server_error(app, email):
    response = app.test_client().post("/password-reset", data={"email": email})
    assert response.status_code in (200, 400)


@pytest.fixture
def reset_link(app):
    person_id = make_councillor(app)
    with app.test_request_context():
        return "/password-reset/" + tokens.make_token(db.session.get(Person, person_id), tokens.PASSWORD_RESET)


@SLOW_FUZZ
@given(password=FORM_TEXT, confirm=st.one_of(st.just(None), FORM_TEXT))
def test_new_password_form_never_fails_with_a_server_error(app, reset_link, password, confirm):
    data = {"password": password, "confirm": password if confirm is None else confirm}
    response = app.test_client().post(reset_link, data=data)
    # 302 when the password was accepted; after that the link is used up, and says so with a 400.
    assert response.status_code in (302, 400)


@FUZZ
@given(token=st.text(min_size=1, max_size=200).filter(lambda t: "/" not in t and t not in (".", "..")))
def test_any_link_token_gets_a_clear_refusal(app, token):
    for prefix in ("/password-reset/", "/invitation/"):
        response = app.test_client().get(prefix + token)
        assert response.status_code in (400, 404), (prefix, token)
