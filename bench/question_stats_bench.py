"""How fast are the officers' question statistics for every councillor in England?

Builds 17,000 councillors (bench/report_bench.py's generator) and 200,000 submitted assessments
whose answers come from members of differing ability, in a temporary SQLite database; counts them
into the tallies with `rebuild` (what `flask quizzes rebuild-statistics` does after an upgrade);
then prints how long the page, the CSV and one more submission's tallies take. A benchmark prints
figures; it is not a timed test. Goal: the page in 0.5 s or less.

    .venv/bin/python bench/question_stats_bench.py [--members 17000] [--attempts 200000]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from app import create_app  # noqa: E402
from app.content import current_course  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import QuizAttempt  # noqa: E402
from app.quizzes import scoring, statistics  # noqa: E402
from bench.report_bench import PASSWORD, TODAY, build_data, timed  # noqa: E402


def answer(q, ability: float, rng: random.Random) -> list[str]:
    if rng.random() < ability * (0.5 + q.id.__hash__() % 50 / 100):
        return sorted(q.correct_keys)
    wrong = sorted(q.option_keys - q.correct_keys) or sorted(q.correct_keys)
    if q.choices:
        return [f"{o.key}{rng.choice([c.key for c in q.choices])}" for o in q.options]
    return [wrong[min(int(rng.expovariate(1.5)), len(wrong) - 1)]]


def build_attempts(members: int, attempts: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    questions = [q for q in current_course().question_bank.questions.values() if not q.local]
    ability = [rng.betavariate(5, 2) for _ in range(members + 1)]
    now = datetime(2026, 10, 1)
    rows = []
    for _ in range(attempts):
        pid = rng.randrange(1, members + 1)
        drawn = rng.sample(questions, 20)
        answers = {q.id: answer(q, ability[pid], rng) for q in drawn}
        result = scoring.mark(drawn, answers)
        rows.append({"person_id": pid, "quiz": "assessment", "status": "submitted", "layout": "one-page",
                     "question_ids": [q.id for q in drawn], "answers": answers,
                     "score_percent": result.percent, "passed": result.percent >= 80, "pass_mark": 80,
                     "started_at": now, "submitted_at": now})
        if len(rows) == 10_000:
            db.session.execute(insert(QuizAttempt), rows)
            rows = []
    if rows:
        db.session.execute(insert(QuizAttempt), rows)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=17_000)
    parser.add_argument("--attempts", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "CONTENT_ROOT": str(ROOT),
                          "BASE_URL": "http://bench.test", "TODAY": TODAY})
        with app.app_context():
            db.create_all()
            start = time.perf_counter()
            build_data(args.members, 1)  # one empty attempt: the generator cannot insert none
            build_attempts(args.members, args.attempts)
            print(f"Built {args.members:,} members and {args.attempts:,} submitted assessments in "
                  f"{time.perf_counter() - start:.1f} s (SQLite, {path})\n")

        def rebuild():
            with app.app_context():
                count = statistics.rebuild(current_course())
                db.session.commit()
                return count
        start = time.perf_counter()
        count = rebuild()
        print(f"rebuild-statistics over {count:,} assessments: {time.perf_counter() - start:.1f} s "
              f"(once, after an upgrade)\n")

        def compute():
            with app.app_context():
                return statistics.statistics(current_course())
        s = compute()
        print(f"{len(s.questions)} questions ({s.hidden_count} hidden), {len(s.modules)} modules; "
              f"hardest: {s.shown[0].question.id} {s.shown[0].share_correct:.0%}\n")
        timed(app, "statistics() (no HTTP)", lambda: compute() and b"")

        client = app.test_client()
        assert client.post("/sign-in", data={"email": "officer@bench.example",
                                             "password": PASSWORD}).status_code == 302
        for label, url in (("GET /officers/question-statistics", "/officers/question-statistics"),
                           ("GET /officers/question-statistics.csv", "/officers/question-statistics.csv")):
            def get(url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response.data
            get()  # the first request loads the course and templates
            timed(app, label, get)

        def one_more():
            with app.app_context():
                course = current_course()
                questions = list(course.question_bank.questions.values())[:20]
                result = scoring.mark(questions, {q.id: sorted(q.correct_keys) for q in questions[:12]})
                statistics.record(1, result)
                db.session.commit()
            return b""
        timed(app, "tallies for one more submission", one_more)


if __name__ == "__main__":
    main()
