"""Bring a database to the head migration and add councillors for benchmarks and tests.

    python -m bench.prepare --members 100 [--reset] [--attempts-from N --attempts-file F]
        [--certificates]

DATABASE_URL and the other settings come from the environment. Members are
bench-1@example.gov.uk ... bench-N@example.gov.uk with servers.BENCH_PASSWORD.
--attempts-from N opens a quiz attempt at every quiz for members N..--members, and writes to
--attempts-file, as JSON, the form each one would post to submit it.
--certificates gives every member an induction certificate, so a journey can download its PDF.
"""
from __future__ import annotations

import argparse
import json
from datetime import date, timedelta

from sqlalchemy import insert, select

from bench.servers import BENCH_PASSWORD


def member_email(n: int) -> str:
    return f"bench-{n}@example.gov.uk"


def _open_attempts(app, first: int, last: int, limit: int = 0) -> list[dict]:
    from app.content import current_course
    from app.extensions import db
    from app.models import Person
    from app.quizzes import attempts

    course = current_course()
    quizzes = [attempts.assessment_quiz(course)] + [
        q for m in course.modules if (q := attempts.module_quiz(course, m.id)) is not None]
    quizzes = quizzes[:limit] if limit else quizzes
    forms = []
    for n in range(first, last + 1):
        person = Person.by_email(member_email(n))
        for quiz in quizzes:
            try:
                attempt, _ = attempts.start(course, person, quiz, "one-page",
                                            app.config["PASS_MARK_PERCENT"])
            except LookupError:
                continue  # a quiz with no questions to draw
            fields = {}
            for q in attempts.questions_of(course, attempt):
                if q.choices:  # matching: one field per statement, each naming a choice
                    fields.update({f"{attempts.field_id(q)}.{o.key}": [q.choices[0].key] for o in q.options})
                else:
                    fields[attempts.field_id(q)] = [q.options[0].key]
            forms.append({"member": n, "attempt_id": attempt.id, "fields": fields})
    db.session.commit()
    return forms


def _certificates(person_ids: list[int]) -> None:
    from app.certificates.codes import new_code
    from app.extensions import db
    from app.models import Certificate

    today = date.today()
    db.session.execute(insert(Certificate), [
        {"person_id": pid, "pathway_id": "induction", "level": 1, "completed_on": today,
         "refresher_due": today + timedelta(days=730), "score_percent": 90, "code": new_code(),
         "how": "online"} for pid in person_ids])
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--reset", action="store_true", help="drop every table first")
    parser.add_argument("--attempts-from", type=int, default=0)
    parser.add_argument("--attempts-file")
    parser.add_argument("--quizzes", type=int, default=0, help="open only the first N quizzes")
    parser.add_argument("--certificates", action="store_true")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from app.auth.passwords import hash_password
    from app.extensions import db
    from app.models import Councillor, Person

    app = create_app()
    with app.app_context(), app.test_request_context("/", method="POST"):
        if args.reset:
            db.drop_all()
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        existing = set(db.session.scalars(select(Person.email)))
        password_hash = hash_password(BENCH_PASSWORD)  # hashed once: argon2 is slow on purpose
        rows = [{"kind": "councillor", "name": f"Councillor Bench {n}", "email": member_email(n),
                 "password_hash": password_hash, "active": True, "session_version": 1,
                 "failed_sign_ins": 0}
                for n in range(1, args.members + 1) if member_email(n) not in existing]
        if rows:
            db.session.execute(insert(Councillor), rows)
        db.session.commit()
        if args.certificates:
            ids = list(db.session.scalars(select(Person.id).where(Person.email.in_(
                [member_email(n) for n in range(1, args.members + 1)]))))
            try:
                _certificates(ids)
            except ImportError:
                pass  # certificates not built yet: the journey skips the PDF
        if args.attempts_from and args.attempts_file:
            try:
                forms = _open_attempts(app, args.attempts_from, args.members, args.quizzes)
            except ImportError:
                forms = []  # quizzes not built yet
            with open(args.attempts_file, "w") as f:
                json.dump(forms, f)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
