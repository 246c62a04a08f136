"""100 members at once on the mixed journey (sign in, read, quiz, dilemma, certificate) under
gunicorn on SQLite: no errors, no 5xx, no "database is locked"; prints throughput and latency.

LOAD_SECONDS sets how long the members keep going: 60 by default, the issue's figure, in CI too
(the whole CI run takes about six minutes, well inside its budget). LOAD_MEMBERS changes the 100.
"""
from __future__ import annotations

import os

import pytest

from bench import journeys, loadgen, servers

pytestmark = pytest.mark.slow

MEMBERS = int(os.environ.get("LOAD_MEMBERS", "100"))
SECONDS = float(os.environ.get("LOAD_SECONDS") or 60)
THINK = (0.5, 1.5)  # seconds a member spends on each page before the next request


def test_members_on_a_mixed_journey_see_no_errors(tmp_path, capsys):
    env = servers.app_environment(f"sqlite:///{tmp_path / 'load.db'}", tmp_path)
    servers.prepare_database(env, MEMBERS, True, "--certificates")
    journeys.MODULE_IDS[:] = sorted(p.stem for p in (servers.REPO / "content").glob("*.md"))
    journeys.skipped.clear()
    with servers.Server("app:create_app()", env) as server:
        summary, failures, samples = loadgen.run_members(MEMBERS, SECONDS, journeys.mixed_visit(THINK),
                                                         server.base)
        log = server.log_tail(1_000_000)
        rss = server.worker_rss_mb()
    steps = {s.label for s in samples}
    with capsys.disabled():
        print(f"\nload: {MEMBERS} members for {SECONDS:.0f} s: {summary.requests} requests, "
              f"{summary.per_second:.1f}/s, p50 {summary.p50_ms:.0f} ms, p95 {summary.p95_ms:.0f} ms, "
              f"p99 {summary.p99_ms:.0f} ms, {summary.errors} errors, {len(failures)} failed visits, "
              f"RSS per worker {[round(r) for r in rss]} MB")
    assert failures == [], f"visits failed: {sorted(set(failures))[:5]}"
    assert summary.errors == 0, summary.error_kinds
    assert not [s for s in summary.statuses if s >= 500 or s == 0]
    assert "database is locked" not in log
    assert "Traceback" not in log
    # Every part of the journey was exercised, so "no errors" covers all of it.
    assert {"POST /sign-in", "GET module page", "POST quiz submit", "POST dilemma choose",
            "GET certificate PDF"} <= steps, steps
    assert journeys.skipped == set()
