"""Demo data: a small council whose members are at every stage, so the report has something to say.

Everything here is invented. It is loaded by `flask demo load` (and the README's run command)
and never by the tests' fixtures.
"""
from __future__ import annotations

from datetime import date

from app.auth.passwords import hash_password
from app.extensions import db
from app.models import Councillor, CouncillorRole, ModuleRead, Officer, Person

DEMO_PASSWORD = "corporate parent demo"
DEMO_COUNCILLOR = ("Councillor Alex Demo", "councillor@example.gov.uk")
DEMO_OFFICER = ("Sam Officer", "officer@example.gov.uk")

# Elected at the May 2022 and May 2026 elections, or at an October 2026 by-election.
# name, ward, party, roles, elected on, face-to-face completion (pathway, date) or None, modules read
MEMBERS = [
    ("Councillor Priya Shah", "Abbey", "Labour", ["lead-member"], date(2022, 5, 5), ("specialist", date(2025, 6, 12)), 0),
    ("Councillor Tom Bright", "Castle", "Conservative", ["board", "chair"], date(2022, 5, 5), ("specialist", date(2024, 2, 29)), 0),
    ("Councillor Ann Okafor", "Riverside", "Liberal Democrat", ["board"], date(2022, 5, 5), ("targeted", date(2025, 1, 14)), 0),
    ("Councillor Dylan Hughes", "Mill End", "Green", ["scrutiny"], date(2022, 5, 5), ("targeted", date(2025, 9, 30)), 0),
    ("Councillor Grace Moore", "Abbey", "Independent", ["member"], date(2026, 10, 15), None, 5),
    ("Councillor Hamid Aziz", "Northgate", "Labour", ["member"], date(2026, 10, 15), None, 0),
    ("Councillor Ellen Price", "Castle", "Conservative", ["home-visitor"], date(2026, 5, 7), None, 2),
    ("Councillor Joe Lin", "Mill End", "Labour", ["member"], date(2022, 5, 5), ("induction", date(2024, 11, 20)), 0),
    ("Councillor Maria Costa", "Northgate", "Liberal Democrat", ["member"], date(2022, 5, 5), ("induction", date(2025, 3, 3)), 0),
]


def _email(name: str) -> str:
    return name.removeprefix("Councillor ").lower().replace(" ", ".") + "@example.gov.uk"


def load() -> list[str]:
    """Add whatever demo people are missing; returns the emails added. Safe to run again."""
    from app.certificates.issuing import record_face_to_face
    from app.content import current_course

    added: list[str] = []
    if Person.by_email(DEMO_COUNCILLOR[1]) is None:
        db.session.add(Councillor(name=DEMO_COUNCILLOR[0], email=DEMO_COUNCILLOR[1], ward="Riverside",
                                  party="Independent", elected_on=date(2026, 10, 15),
                                  password_hash=hash_password(DEMO_PASSWORD),
                                  roles=[CouncillorRole(role="member")]))
        added.append(DEMO_COUNCILLOR[1])
    if Person.by_email(DEMO_OFFICER[1]) is None:
        db.session.add(Officer(name=DEMO_OFFICER[0], email=DEMO_OFFICER[1],
                               password_hash=hash_password(DEMO_PASSWORD)))
        added.append(DEMO_OFFICER[1])
    db.session.commit()
    officer = Person.by_email(DEMO_OFFICER[1])
    modules = current_course().modules
    for name, ward, party, roles, elected_on, completion, reads in MEMBERS:
        email = _email(name)
        if Person.by_email(email) is not None:
            continue
        person = Councillor(name=name, email=email, ward=ward, party=party, elected_on=elected_on,
                            roles=[CouncillorRole(role=r, assigned_on=elected_on) for r in roles])
        db.session.add(person)
        db.session.flush()
        for module in modules[:reads]:
            db.session.add(ModuleRead(person_id=person.id, module_id=module.id,
                                      content_fingerprint=module.fingerprint))
        db.session.commit()
        if completion:
            record_face_to_face(email, completion[0], completion[1], officer.id)
            _practice_assessments(person, len(added))
        added.append(email)
    return added


def _practice_assessments(person: Councillor, seed: int) -> None:
    """Five submitted assessments by a member already trained face to face, answered by chance
    with some questions harder than others, so the officers' question statistics have figures to
    show (and some they hide). They score about 55%, well below the pass mark."""
    import random

    from app.content import current_course
    from app.quizzes import attempts

    course = current_course()
    rng = random.Random(2026 + seed)
    quiz = attempts.assessment_quiz(course)
    for _ in range(5):
        attempt, _resumed = attempts.start(course, person, quiz, "one-page", 80, rng)
        answers = {}
        for q in attempts.questions_of(course, attempt):
            hard = random.Random(q.id).random()  # the same questions are hard for everyone
            if rng.random() < 0.85 - 0.6 * hard:
                answers[q.id] = sorted(q.correct_keys)
            elif q.choices:
                answers[q.id] = [f"{o.key}{rng.choice(q.choices).key}" for o in q.options]
            else:
                wrong = [o.key for o in q.options if not o.correct]
                answers[q.id] = [wrong[0] if rng.random() < 0.6 else rng.choice(wrong)]
        attempts.submit(course, person.id, attempt.id, answers)
