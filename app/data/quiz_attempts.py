"""Reads of members' quiz attempts that the draw needs."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import QuizAttempt


def seen_question_ids(person_id: int, quiz_key: str) -> frozenset[str]:
    """Every question the member has been given in a submitted attempt at this quiz."""
    rows = db.session.scalars(select(QuizAttempt.question_ids).where(
        QuizAttempt.person_id == person_id, QuizAttempt.quiz == quiz_key,
        QuizAttempt.status == "submitted"))
    return frozenset(qid for ids in rows for qid in (ids or ()))
