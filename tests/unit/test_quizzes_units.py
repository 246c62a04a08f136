"""Scoring and the draw: plain functions, tested without a request."""
import random
import statistics
from collections import Counter
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.content.course import load_course
from app.quizzes import draw, scoring
from app.content.question_types import QUESTION_TYPES, MultipleAnswers, SingleAnswer, TrueFalse
from tests.conftest import REPO


@pytest.fixture(scope="module")
def course():
    return load_course(REPO, "Test Borough Council")


def fs(*keys):
    return frozenset(keys)


# --- scoring -----------------------------------------------------------------------------------

def test_single_answer_scores_one_only_for_the_right_option():
    assert SingleAnswer.score(fs("b"), fs("b")) == 1
    assert SingleAnswer.score(fs("b"), fs("a")) == 0
    assert SingleAnswer.score(fs("b"), fs()) == 0


def test_true_false_is_marked_like_a_single_answer():
    assert QUESTION_TYPES["true_false"] is TrueFalse
    assert TrueFalse.score(fs("a"), fs("a")) == 1
    assert TrueFalse.score(fs("a"), fs("b")) == 0


@pytest.mark.parametrize("chosen, expected", [
    (("a", "b", "c"), 1),            # every right option
    (("a", "b"), 2 / 3),             # two of three right options
    (("a",), 1 / 3),
    (("a", "b", "d"), 1 / 3),        # two right, one wrong: the wrong one takes one share away
    (("a", "d"), 0),                 # one right, one wrong
    (("a", "d", "e"), 0),            # more wrong than right never goes below zero
    (("a", "b", "c", "d", "e"), 1 / 3),  # ticking everything is not a free mark
    ((), 0),
])
def test_multiple_answers_give_partial_credit(chosen, expected):
    assert MultipleAnswers.score(fs("a", "b", "c"), frozenset(chosen)) == pytest.approx(expected)


def test_the_partial_credit_rule_is_written_for_members():
    assert "each wrong option you tick takes the same away" in MultipleAnswers.rule
    assert MultipleAnswers.hint.startswith("Select all that apply")


def test_percent_is_rounded_down_so_a_near_miss_is_not_a_pass():
    assert scoring.percent(15.9, 20) == 79
    assert scoring.percent(16, 20) == 80
    # 0.1 * 8 in floating point is 0.7999999...; it must still count as 80%.
    assert scoring.percent(sum([0.1] * 8), 1) == 80
    assert scoring.percent(0, 0) == 0
    assert scoring.has_passed(80, 80) and not scoring.has_passed(79, 80)


def test_mark_scores_real_questions_against_chosen_keys(course):
    bank = course.question_bank
    single = next(q for q in bank.questions.values() if q.type == "single")
    multiple = next(q for q in bank.questions.values()
                    if q.type == "multiple" and len(q.correct_keys) >= 2
                    and q.option_keys - q.correct_keys)
    wrong = sorted(single.option_keys - single.correct_keys)[0]
    one_right = sorted(multiple.correct_keys)[0]
    result = scoring.mark([single, multiple], {single.id: [wrong], multiple.id: [one_right]})
    assert [m.number for m in result.marked] == [1, 2]
    assert result.marked[0].outcome == "wrong"
    assert result.marked[1].outcome == "partly"
    assert result.marked[1].mark == pytest.approx(1 / len(multiple.correct_keys))
    assert result.percent == scoring.percent(1 / len(multiple.correct_keys), 2)
    assert [m.question.id for m in result.missed] == [single.id, multiple.id]
    right = scoring.mark([single, multiple], {single.id: list(single.correct_keys),
                                              multiple.id: list(multiple.correct_keys)})
    assert right.percent == 100 and right.missed == ()


def test_display_prompt_drops_the_instruction_the_hint_gives(course):
    multiple = next(q for q in course.question_bank.questions.values()
                    if q.type == "multiple" and q.prompt.endswith("Select all that apply."))
    assert not multiple.display_prompt.endswith("Select all that apply.")
    single = next(q for q in course.question_bank.questions.values() if q.type == "single")
    assert single.display_prompt == single.prompt


# --- the draw ----------------------------------------------------------------------------------

@pytest.mark.parametrize("level", [1, 2, 3])
def test_assessment_draw_follows_the_rules(course, level):
    rules = course.question_bank.assessment
    ids = draw.draw_assessment(course, level, random.Random(level))
    questions = [course.question_bank.question(i) for i in ids]
    assert len(ids) == rules.questions == 20
    assert len(set(ids)) == len(ids)
    for q in questions:
        assert course.module(q.module).serves_level(level), f"{q.id} is above level {level}"
    assert max(Counter(q.module for q in questions).values()) <= rules.per_module_max


def test_level_one_never_gets_targeted_modules(course):
    targeted = {m.id for m in course.modules if m.lowest_level > 1}
    assert targeted  # the course has some, or this test would prove nothing
    for seed in range(20):
        ids = draw.draw_assessment(course, 1, random.Random(seed))
        assert not {course.question_bank.question(i).module for i in ids} & targeted


def test_draw_is_shuffled_and_repeatable_with_a_seed(course):
    first = draw.draw_assessment(course, 3, random.Random(7))
    assert draw.draw_assessment(course, 3, random.Random(7)) == first
    assert draw.draw_assessment(course, 3, random.Random(8)) != first
    # Not grouped by module in course order, as an unshuffled draw would be.
    orders = [course.module(course.question_bank.question(i).module).order for i in first]
    assert orders != sorted(orders)
    # Different seeds start the attempt with questions from different modules.
    openers = {course.question_bank.question(draw.draw_assessment(course, 3, random.Random(seed))[0]).module
               for seed in range(30)}
    assert len(openers) > 5


@pytest.mark.parametrize("level", [1, 2, 3])
def test_every_draw_at_every_level_asks_about_the_seven_principles(course, level):
    principles = {q.id for q in course.question_bank.questions.values() if q.principles}
    assert len(principles) >= 5 and any(course.question_bank.question(i).type == "matching"
                                        for i in principles)
    for seed in range(200):
        assert set(draw.draw_assessment(course, level, random.Random(seed))) & principles, seed


def test_local_questions_are_drawn_like_any_other_never_forced(course):
    local = {q.id for q in course.question_bank.questions.values() if q.local}
    assert local
    figures = {name: "50%" for q in course.question_bank.questions.values() for name in q.needs}
    with_local = sum(bool(set(draw.draw_assessment(course, 2, random.Random(seed),
                                                   figures=figures)) & local)
                     for seed in range(200))
    # 3 of about 120 level 2 questions: some draws have one, most do not.
    assert 0 < with_local < 150
    for seed in range(20):
        # Level 1 modules have no local questions.
        assert not set(draw.draw_assessment(course, 1, random.Random(seed))) & local


def test_retake_leans_towards_the_missed_modules(course):
    missed = frozenset({"partners", "health"})

    def from_missed(seed, lean):
        ids = draw.draw_assessment(course, 3, random.Random(seed), missed if lean else frozenset())
        return sum(1 for i in ids if course.question_bank.question(i).module in missed)

    fresh = [from_missed(seed, False) for seed in range(300)]
    retake = [from_missed(seed, True) for seed in range(300)]
    # With 14 modules a fresh draw gives these two about 20 * 2 / 14 = 2.9 questions; weighting
    # them three times pushes them near their cap of 6.
    assert 2 <= statistics.mean(fresh) <= 3.5
    assert statistics.mean(retake) >= 4.5
    assert statistics.mean(retake) - statistics.mean(fresh) >= 1.5
    assert max(retake) <= 2 * course.question_bank.assessment.per_module_max


def test_weighted_draw_picks_in_proportion_to_weight():
    heavy = SimpleNamespace(id="heavy", module="a", local=False)
    light = SimpleNamespace(id="light", module="b", local=False)
    rng = random.Random(2026)
    picks = Counter(draw.weighted_draw([heavy, light], 1, rng,
                                       weight=lambda q: 3 if q is heavy else 1)[0].id
                    for _ in range(4000))
    assert picks["heavy"] / 4000 == pytest.approx(0.75, abs=0.03)


def test_weighted_draw_keeps_the_cap_even_when_short():
    pool = [SimpleNamespace(id=f"a{i}", module="a", local=False) for i in range(5)]
    pool.append(SimpleNamespace(id="b0", module="b", local=False))
    chosen = draw.weighted_draw(pool, 5, random.Random(1), cap=2)
    assert Counter(q.module for q in chosen) == {"a": 2, "b": 1}


def test_module_quiz_draw_takes_six_of_its_own_questions(course):
    ids = draw.draw_module_quiz(course, "principles", random.Random(3))
    assert len(ids) == draw.module_quiz_size(course, "principles") == 6
    assert {course.question_bank.question(i).module for i in ids} == {"principles"}
    assert draw.module_quiz_size(course, "glossary") == 0


def test_module_quiz_retake_leans_towards_missed_questions(course):
    questions = course.question_bank.for_module("care-leavers")
    assert len(questions) >= 8  # room to lean: the quiz takes six
    missed = frozenset(q.id for q in questions[:2])

    def drawn(seed, lean):
        ids = draw.draw_module_quiz(course, "care-leavers", random.Random(seed),
                                    missed if lean else frozenset())
        return len(set(ids) & missed)

    fresh = statistics.mean(drawn(s, False) for s in range(300))
    lean = statistics.mean(drawn(s, True) for s in range(300))
    assert lean > fresh + 0.2


keys = st.frozensets(st.sampled_from("abcdefghij"))


@given(correct=keys.filter(bool), chosen=keys)
def test_every_mark_is_between_nought_and_one(correct, chosen):
    for kind in QUESTION_TYPES.values():
        assert 0 <= kind.score(correct, chosen) <= 1
    assert MultipleAnswers.score(correct, correct) == 1
    # Ticking one more wrong option never raises the mark.
    extra = frozenset("abcdefghij") - correct - chosen
    if extra:
        assert MultipleAnswers.score(correct, chosen | {min(extra)}) <= MultipleAnswers.score(correct, chosen)
