"""The officers' question statistics: which questions and modules members find hardest."""
from __future__ import annotations

from flask import Response, render_template

from app.auth.access import officer
from app.content import current_course
from app.officers import bp
from app.quizzes import statistics


@bp.route("/question-statistics")
@officer
def question_statistics():
    return render_template("officers/question_statistics.html",
                           stats=statistics.statistics(current_course()),
                           min_members=statistics.MIN_MEMBERS)


@bp.route("/question-statistics.csv")
@officer
def question_statistics_csv():
    return Response(statistics.to_csv(statistics.statistics(current_course())),
                    mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="question-statistics.csv"'})
