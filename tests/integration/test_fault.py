"""Pull the plug in the middle of quiz submissions: nothing acknowledged is lost, nothing is
half-written, and the service starts again on the same database.

gunicorn with several workers on a file SQLite database (WAL); 50 members submit quiz attempts
at once; the server and its workers get SIGKILL mid-stream, like a power cut.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench import loadgen, servers
from bench.prepare import member_email

pytestmark = pytest.mark.slow

MEMBERS = 50
QUIZZES = 4  # open attempts per member: the assessment and three module quizzes


def _sign_in(base, member):
    b = loadgen.Browser(base, timeout=120)
    token = b.sign_in(member_email(member), servers.BENCH_PASSWORD).csrf()
    return b, token


def _submit_all(browser, token, forms, acknowledged, refused, stop):
    """One member submits each open attempt in turn, until the server goes away."""
    try:
        for form in forms:
            if stop.is_set():
                return
            response = browser.post(f"/attempts/{form['attempt_id']}",
                                    dict(form["fields"], csrf_token=[token], action=["submit"]),
                                    follow=False)
            if response.status in (302, 303) and "/review" in response.headers.get("Location", ""):
                acknowledged.append(form["attempt_id"])
            else:
                refused.append((form["attempt_id"], response.status))
    except loadgen.LoadError:
        return  # the server was killed under us: what matters is what it had acknowledged
    finally:
        browser.close()


def _rows(db_path):
    connection = sqlite3.connect(db_path, timeout=10)
    try:
        return connection.execute(
            "SELECT id, status, score_percent, passed, submitted_at, question_ids, answers "
            "FROM quiz_attempts").fetchall()
    finally:
        connection.close()


def test_sigkill_mid_submission_loses_nothing_acknowledged(tmp_path):
    db_path = tmp_path / "fault.db"
    env = servers.app_environment(f"sqlite:///{db_path}", tmp_path)
    forms_file = tmp_path / "attempts.json"
    servers.prepare_database(env, MEMBERS, True, "--attempts-from", "1", "--quizzes", str(QUIZZES),
                             "--attempts-file", str(forms_file))
    forms = json.loads(forms_file.read_text())
    assert len(forms) == MEMBERS * QUIZZES
    by_member: dict[int, list[dict]] = {}
    for form in forms:
        by_member.setdefault(form["member"], []).append(form)

    server = servers.Server("app:create_app()", env, workers=3).start()
    acknowledged: list[int] = []
    refused: list[tuple[int, int]] = []
    stop = threading.Event()
    try:
        # Sign everyone in first (argon2 is slow on purpose), then submit all at once.
        with ThreadPoolExecutor(8) as pool:
            sessions = dict(zip(by_member, pool.map(lambda n: _sign_in(server.base, n), by_member), strict=False))
        threads = [threading.Thread(target=_submit_all,
                                    args=(*sessions[n], mine, acknowledged, refused, stop))
                   for n, mine in by_member.items()]
        for t in threads:
            t.start()
        # Kill once some submissions are in, while the rest are still arriving.
        deadline = time.monotonic() + 60
        while len(acknowledged) < len(forms) // 4 and time.monotonic() < deadline:
            time.sleep(0.005)
        server.kill()
        stop.set()
        for t in threads:
            t.join(30)
    finally:
        server.stop()

    assert refused == [], f"submissions refused before the kill: {refused[:5]}"
    assert 0 < len(acknowledged) < len(forms), "the kill did not land in the middle of the run"

    rows = {row[0]: row for row in _rows(db_path)}
    for attempt_id in acknowledged:
        _, status, score, passed, submitted_at, question_ids, answers = rows[attempt_id]
        assert status == "submitted", f"acknowledged attempt {attempt_id} was lost"
        assert score is not None and passed is not None and submitted_at is not None
        assert set(json.loads(answers)) == set(json.loads(question_ids)), "answers incomplete"
    for _, status, score, passed, submitted_at, question_ids, answers in rows.values():
        # Every row is wholly before or wholly after its submission: never in between.
        assert status in ("started", "submitted")
        if status == "started":
            assert score is None and passed is None and submitted_at is None
        else:
            assert score is not None and passed is not None and submitted_at is not None
            assert set(json.loads(answers)) == set(json.loads(question_ids))

    # Restarted on the same database, the service reads what was saved and takes new work.
    with servers.Server("app:create_app()", env, workers=2) as again:
        b = loadgen.Browser(again.base)
        first = acknowledged[0]
        member = next(f["member"] for f in forms if f["attempt_id"] == first)
        b.sign_in(member_email(member), servers.BENCH_PASSWORD)
        review = b.get(f"/attempts/{first}/review")
        assert review.status == 200
        assert f"{rows[first][2]}%" in review.body
        open_one = next((f for f in forms if rows[f["attempt_id"]][1] == "started"), None)
        if open_one is not None:
            b2 = loadgen.Browser(again.base)
            token = b2.sign_in(member_email(open_one["member"]), servers.BENCH_PASSWORD).csrf()
            response = b2.post(f"/attempts/{open_one['attempt_id']}",
                               dict(open_one["fields"], csrf_token=[token], action=["submit"]),
                               follow=False)
            assert response.status in (302, 303)
        assert "database is locked" not in again.log_tail(10_000)
    assert "database is locked" not in server.log_tail(10_000)
