"""A member who reads nothing cannot pass: each naive strategy passes in at most 1% of 10,000
assessments per level, drawn, shuffled and marked by the real functions (bench/testwiseness.py
prints the same figures with the mean scores)."""
import pytest

from app.content.course import load_course
from bench.testwiseness import STRATEGIES, simulate
from tests.conftest import REPO

DRAWS = 10_000


@pytest.mark.parametrize("level", [1, 2, 3])
def test_no_naive_strategy_passes_more_than_one_draw_in_a_hundred(level):
    course = load_course(REPO)
    outcomes = simulate(course, level, DRAWS, pass_mark=80)
    assert {o.strategy for o in outcomes} == set(STRATEGIES)
    assert all(o.draws == DRAWS for o in outcomes)
    for o in outcomes:
        assert o.pass_rate <= 0.01, f"level {level}: {o.strategy} passes {o.pass_rate:.2%}"
        # Well short of the pass mark on average, not just unlucky.
        assert o.mean_percent < 60, f"level {level}: {o.strategy} averages {o.mean_percent:.0f}%"


def test_the_simulation_would_catch_a_giveaway():
    """With the right answer always shown first (no shuffle), "always first" passes: the test
    can fail."""
    from app.quizzes import draw
    course = load_course(REPO)
    unshuffled = draw.option_orders

    def right_first(questions, rng):
        return {q.id: sorted((o.key for o in q.options), key=lambda k: k not in q.correct_keys)
                for q in questions if not q.choices and q.type != "true_false"}
    draw.option_orders = right_first
    try:
        outcomes = {o.strategy: o for o in simulate(course, 1, 300, pass_mark=80)}
    finally:
        draw.option_orders = unshuffled
    assert outcomes["always first"].mean_percent > outcomes["uniformly random"].mean_percent + 30
