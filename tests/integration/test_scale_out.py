"""Two application processes on different ports, one PostgreSQL database and one Redis: a member
signs in on one, submits a quiz on the other, and sees the result on the first.

Runs when PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379) answer, and is
skipped otherwise. It uses a database of its own (scaleout_cpt), never the shared `test` one.
"""
from __future__ import annotations

import json
import os
import re

import pytest

from bench import loadgen, servers
from bench.journeys import form_on_page
from bench.prepare import member_email

pytestmark = pytest.mark.slow

POSTGRES_SERVER = os.environ.get("SCALE_OUT_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("SCALE_OUT_REDIS", "redis://127.0.0.1:6379/11")


@pytest.fixture
def shared_stores():
    if not servers.postgres_answers(POSTGRES_SERVER + "/postgres"):
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    if not servers.redis_answers(REDIS_URL):
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    with servers.OwnPostgresDatabase(POSTGRES_SERVER, f"scaleout_cpt_{os.getpid()}") as database:
        yield database.url
    store.flushdb()


def test_two_processes_serve_one_member(shared_stores, tmp_path):
    env = servers.app_environment(shared_stores, tmp_path, REDIS_URL=REDIS_URL,
                                  SIGN_IN_RATE_LIMIT="6 per minute")
    forms_file = tmp_path / "attempts.json"
    servers.prepare_database(env, 2, True, "--attempts-from", "1", "--quizzes", "2",
                             "--attempts-file", str(forms_file))
    form = next(f for f in json.loads(forms_file.read_text()) if f["member"] == 1)

    with servers.Server("app:create_app()", env, workers=2) as one, \
            servers.Server("app:create_app()", env, workers=2) as two:
        assert one.port != two.port
        on_one = loadgen.Browser(one.base)
        on_one.sign_in(member_email(1), servers.BENCH_PASSWORD)
        # The same browser (its signed session cookie) goes to the other process.
        on_two = loadgen.Browser(two.base)
        on_two.cookies = on_one.cookies
        page = on_two.get(f"/attempts/{form['attempt_id']}")
        assert page.status == 200, "the second process did not accept the first one's session"
        answers = form_on_page(page, r"/attempts/\d+$")
        data = dict(form["fields"], csrf_token=[page.csrf()], action=["submit"])
        assert answers is not None
        review = on_two.post(f"/attempts/{form['attempt_id']}", data)
        assert review.status == 200 and "/review" in review.url
        score = re.search(r"(\d+)%", review.body).group(1)

        module = on_two.get("/modules/principles")
        assert "You have read this module" not in module.body
        on_two.submit(module, form_on_page(module, r"/read$"))

        # Back on the first process: the result and the module read are there.
        seen = on_one.get(f"/attempts/{form['attempt_id']}/review")
        assert seen.status == 200 and f"{score}%" in seen.body
        training = on_one.get("/my-training")
        assert training.status == 200
        assert "You have read this module" in on_one.get("/modules/principles").body

        # Sign-in attempts are counted in Redis, so the limit holds across both processes.
        statuses = []
        for n in range(8):
            b = loadgen.Browser((one if n % 2 else two).base)
            page = b.get("/sign-in")
            statuses.append(b.post("/sign-in", {"csrf_token": page.csrf(), "email": member_email(2),
                                                "password": "not the right password at all"},
                                   follow=False).status)
        assert 429 in statuses, f"no process refused the 7th attempt from one address: {statuses}"
    assert "Traceback" not in one.log_tail(10_000) + two.log_tail(10_000)
