"""Question statistics for officers: per question and module, hidden below five members, CSV."""
import csv
import io
import random
import statistics as pystats

import pytest
from sqlalchemy import delete

from app.content import current_course
from app.data import question_statistics as data
from app.extensions import db
from app.models import Person, QuestionTally
from app.quizzes import attempts
from app.quizzes import statistics as stats
from tests.conftest import make_councillor, make_officer

URL = "/officers/question-statistics"


def take_assessment(app, person_id: int, question_ids: list[str], right: set[str],
                    wrong_key: dict[str, str] | None = None) -> None:
    """The member submits an assessment of these questions, right on those in `right`."""
    with app.test_request_context():
        course = current_course()
        person = db.session.get(Person, person_id)
        attempt, _ = attempts.start(course, person, attempts.assessment_quiz(course), "one-page", 80,
                                    random.Random(person_id))
        attempt.question_ids = question_ids
        db.session.commit()
        bank = course.question_bank
        answers = {}
        for qid in question_ids:
            q = bank.question(qid)
            wrong = sorted(q.option_keys - q.correct_keys)
            answers[qid] = sorted(q.correct_keys) if qid in right else [
                (wrong_key or {}).get(qid, wrong[0])]
        attempts.submit(course, person_id, attempt.id, answers)


@pytest.fixture
def council(app):
    """Seven members: the first question answered by all, the second by four only."""
    with app.test_request_context():
        bank = current_course().question_bank
        singles = sorted(q.id for q in bank.questions.values() if q.type == "single" and not q.local)
    common, rare = singles[0], singles[1]
    fillers = singles[2:40]
    members = [make_councillor(app, name=f"Councillor {n}", email=f"member{n}@example.gov.uk")
               for n in range(7)]
    for n, pid in enumerate(members):
        qids = [common] + ([rare] if n < 4 else []) + fillers[:19 - (1 if n < 4 else 0)]
        # The stronger members (higher n) get more right, and the common question right too.
        right = set(fillers[: 5 + 2 * n]) | ({common} if n >= 3 else set())
        take_assessment(app, pid, qids, right)
    return {"common": common, "rare": rare, "members": members}


def test_only_officers_see_the_statistics(app, client, auth, councillor):
    assert client.get(URL).status_code in (302, 401)
    auth.sign_in()
    assert client.get(URL).status_code == 403
    assert client.get(URL + ".csv").status_code == 403
    auth.sign_out()
    make_officer(app)
    auth.sign_in(email="sam.officer@example.gov.uk")
    page = client.get(URL)
    assert page.status_code == 200
    assert "No member has submitted an assessment yet." in page.get_data(as_text=True)
    assert "Question statistics" in client.get("/officers/").get_data(as_text=True)


def test_figures_per_question_and_module_and_small_counts_hidden(app, client, auth, council):
    make_officer(app)
    auth.sign_in(email="sam.officer@example.gov.uk")
    page = client.get(URL).get_data(as_text=True)
    with app.app_context():
        s = stats.statistics(current_course())
    row = next(r for r in s.questions if r.question.id == council["common"])
    assert (row.members, row.answers, row.hidden) == (7, 7, False)
    assert row.share_correct == pytest.approx(4 / 7)
    # Members who did better on the rest got this one right: a positive discrimination.
    assert row.discrimination is not None and row.discrimination > 0.5
    wrong = next(o for o in row.question.options if not o.correct)
    assert row.wrong_answer == wrong.text and row.wrong_picks == 3
    rare = next(r for r in s.questions if r.question.id == council["rare"])
    assert rare.members == 4 and rare.hidden
    assert row.question.display_prompt in page and "57%" in page
    assert rare.question.display_prompt not in page
    assert "have been answered by fewer than 5 members" in page or \
        "has been answered by fewer than 5 members" in page
    module_row = next(m for m in s.modules if m.module.id == row.question.module)
    assert not module_row.hidden and module_row.share_correct is not None
    assert 'class="govuk-table app-table--stack"' in page  # stacks into label: value lines on a phone


def test_csv_download(app, client, auth, council):
    make_officer(app)
    auth.sign_in(email="sam.officer@example.gov.uk")
    response = client.get(URL + ".csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:6] == ["Question id", "Module", "Question", "Answers", "Members", "Share correct (%)"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id[council["common"]][3:6] == ["7", "7", "57"]
    assert by_id[council["rare"]][3] == "fewer than 5 members" and by_id[council["rare"]][5] == ""


def test_rebuilding_gives_the_same_tallies_as_recording_each_submission(app, council):
    with app.app_context():
        before = sorted(data.tallies(), key=lambda t: t.question_id)
        db.session.execute(delete(QuestionTally))
        db.session.commit()
        assert stats.rebuild(current_course()) == 7
        db.session.commit()
        after = sorted(data.tallies(), key=lambda t: t.question_id)
    assert [(t.question_id, t.answers, t.members) for t in after] == \
        [(t.question_id, t.answers, t.members) for t in before]
    for a, b in zip(after, before, strict=True):
        assert a.sum_xy == pytest.approx(b.sum_xy) and a.sum_yy == pytest.approx(b.sum_yy)


def test_discrimination_is_the_correlation_of_question_and_rest():
    rng = random.Random(4)
    x = [float(rng.random() < 0.6) for _ in range(50)]
    y = [min(1.0, max(0.0, 0.4 * xi + rng.random() * 0.6)) for xi in x]
    t = data.Tally("q", len(x), len(x), sum(x), sum(y), sum(a * b for a, b in zip(x, y, strict=True)),
                   sum(a * a for a in x), sum(b * b for b in y))
    assert stats.discrimination(t) == pytest.approx(pystats.correlation(x, y))
    same = data.Tally("q", 5, 5, 5, 2.5, 2.5, 5, 1.25)
    assert stats.discrimination(same) is None  # everyone right: nothing to tell apart


def test_a_member_answering_again_adds_answers_and_wrong_picks_but_is_one_member(app, council):
    member, common = council["members"][0], council["common"]  # member 0 got the common question wrong
    with app.app_context():
        before = {t.question_id: t for t in data.tallies()}
        picks_before = data.most_picked_wrong()[common][1]
    take_assessment(app, member, [common, council["rare"]], right=set())
    with app.app_context():
        after = {t.question_id: t for t in data.tallies()}
        picks_after = data.most_picked_wrong()[common][1]
    assert (after[common].answers, after[common].members) == (before[common].answers + 1, before[common].members)
    assert picks_after == picks_before + 1
