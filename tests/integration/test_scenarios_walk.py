"""Walking a dilemma and drawing its chart: plain functions, no request and no database."""
from types import MappingProxyType

import pytest
from markupsafe import Markup

from app.content.course import Principle
from app.scenarios import chart, walk
from app.content.scenarios import Choice, Ending, Node, Scenario

PRINCIPLES = (
    Principle("best-interests", "a", "Best interests and well-being", ""),
    Principle("express-views", "b", "Encourage them to speak", ""),
    Principle("safe-and-stable", "f", "Safety and stability", ""),
)


def _ending(node_id, title, outcome="good"):
    return Node(node_id, Markup(f"<p>{title}</p>"), (),
                Ending(title, outcome, Markup("<p>Weigh this.</p>"), (Markup("A point"),), ()))


def _choice(index, nxt, serves=(), neglects=()):
    return Choice(index, f"Choice {index} to {nxt}", nxt, Markup(f"<p>Went to {nxt}</p>"),
                  tuple(serves), tuple(neglects))


def small_scenario(with_loop=False):
    """start -> (ask | ignore); ask -> (good | mixed); ignore -> (mixed | poor [| start])."""
    ignore_choices = [_choice(0, "mixed", serves=["safe-and-stable"]),
                      _choice(1, "poor", neglects=["best-interests", "safe-and-stable"])]
    if with_loop:
        ignore_choices.append(_choice(2, "start", serves=["express-views"]))
    nodes = {
        "start": Node("start", Markup("<p>Start</p>"), (
            _choice(0, "ask", serves=["best-interests", "express-views"]),
            _choice(1, "ignore", neglects=["best-interests"]),
        ), None),
        "ask": Node("ask", Markup("<p>Ask</p>"), (
            _choice(0, "good", serves=["best-interests"]),
            _choice(1, "mixed", serves=["express-views"], neglects=["safe-and-stable"]),
        ), None),
        "ignore": Node("ignore", Markup("<p>Ignore</p>"), tuple(ignore_choices), None),
        "good": _ending("good", "Good end"),
        "mixed": _ending("mixed", "Mixed end", "mixed"),
        "poor": _ending("poor", "Poor end", "poor"),
    }
    return Scenario("small", "Small", "A small test dilemma", "dilemma", (1, 2, 3), 5, (), (),
                    "start", MappingProxyType(nodes), 2)


def test_a_new_path_is_at_the_start():
    here = walk.position(small_scenario(), [])
    assert here.node.id == "start" and here.steps == () and here.decision_number == 1
    assert here.last_choice is None and not here.is_ending and here.intact


def test_choose_moves_along_the_graph_to_an_ending():
    s = small_scenario()
    path = walk.choose(s, [], 0, at_step=0, at_node="start")
    assert path == (0,)
    here = walk.position(s, path)
    assert here.node.id == "ask" and here.last_choice.next == "ask"
    path = walk.choose(s, path, "1", at_step="1", at_node="ask")  # as a form sends it
    here = walk.position(s, path)
    assert here.is_ending and here.node.id == "mixed"
    assert [step.node.id for step in here.steps] == ["start", "ask"]
    assert [step.number for step in here.steps] == [1, 2]


@pytest.mark.parametrize("bad", [2, -1, "2", "-1", "x", "1.0", "99999999", True, 0.5])
def test_a_choice_not_offered_is_refused(bad):
    with pytest.raises(walk.ChoiceNotOffered):
        walk.choose(small_scenario(), [], bad, at_step=0)


@pytest.mark.parametrize("nothing", [None, "", "  "])
def test_choosing_nothing_is_refused(nothing):
    with pytest.raises(walk.NothingChosen) as refused:
        walk.choose(small_scenario(), [], nothing, at_step=0)
    assert refused.value.message == "Select what you would do"


@pytest.mark.parametrize("at_step, at_node", [(0, "ask"), (2, None), ("", None), (None, None),
                                              ("one", None), (1, "start")])
def test_a_form_made_for_another_step_is_refused(at_step, at_node):
    # The member is at 'ask' (one decision made); a form from the start page is stale.
    with pytest.raises(walk.OutOfStep):
        walk.choose(small_scenario(), [0], 0, at_step=at_step, at_node=at_node)


def test_no_choice_can_be_made_at_an_ending():
    with pytest.raises(walk.AtAnEnding):
        walk.choose(small_scenario(), [0, 0], 0, at_step=2)


def test_already_chosen_spots_a_repeated_submission():
    s = small_scenario()
    assert walk.already_chosen(s, [0, 1], "0", "0")
    assert walk.already_chosen(s, [0, 1], 1, 1)
    assert not walk.already_chosen(s, [0, 1], "1", "0")   # a different answer to question 1
    assert not walk.already_chosen(s, [0, 1], "0", "2")   # a step not yet taken
    assert not walk.already_chosen(s, [0], "x", "0")


def test_back_goes_one_step_and_stops_at_the_start():
    assert walk.back([0, 1]) == (0,)
    assert walk.back([0]) == ()
    assert walk.back([]) == ()


def test_restart_empties_the_path():
    assert walk.restart([0, 1]) == ()


def test_a_path_that_no_longer_fits_stops_at_its_last_valid_node():
    s = small_scenario()
    here = walk.position(s, [1, 5, 0])
    assert here.node.id == "ignore" and here.path == (1,) and not here.intact
    here = walk.position(s, [0, 0, 0])  # beyond an ending
    assert here.node.id == "good" and here.path == (0, 0) and not here.intact
    here = walk.position(s, ["0"])      # only whole numbers are indexes
    assert here.node.id == "start" and not here.intact


def test_tally_counts_principles_served_and_neglected_along_the_path():
    s = small_scenario()
    steps = walk.position(s, [0, 1]).steps
    tallies = walk.tally(PRINCIPLES, steps)
    assert [(t.key, t.served, t.neglected) for t in tallies] == [
        ("best-interests", 1, 0), ("express-views", 2, 0), ("safe-and-stable", 0, 1)]
    assert [t.net for t in tallies] == [1, 2, -1]
    tallies = walk.tally(PRINCIPLES, walk.position(s, [1, 1]).steps)
    assert [(t.served, t.neglected) for t in tallies] == [(0, 2), (0, 0), (0, 1)]
    assert all(t.served == t.neglected == 0 for t in walk.tally(PRINCIPLES, ()))


def test_all_paths_reach_an_ending_and_take_every_choice():
    s = small_scenario()
    paths = walk.all_paths(s)
    assert sorted(paths) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert all(walk.position(s, p).is_ending for p in paths)


def test_all_paths_follow_a_loop_once_and_stay_finite():
    s = small_scenario(with_loop=True)
    paths = walk.all_paths(s)
    assert (1, 2, 0, 0) in paths  # round the loop once, then on to an ending
    assert all(walk.position(s, p).is_ending and walk.position(s, p).intact for p in paths)
    taken = {(step.node.id, step.choice.index) for p in paths for step in walk.position(s, p).steps}
    every = {(n.id, c.index) for n in s.nodes.values() for c in n.choices}
    assert taken == every


def test_every_repository_dilemma_has_paths_covering_every_choice(app):
    from app.content import current_course

    with app.app_context():
        scenarios = current_course().scenarios
    assert len(scenarios) >= 12
    for s in scenarios.values():
        paths = walk.all_paths(s)
        assert paths, s.id
        ends = {walk.position(s, p).node.id for p in paths}
        assert ends == {n.id for n in s.endings}, s.id
        taken = {(st.node.id, st.choice.index) for p in paths for st in walk.position(s, p).steps}
        assert taken == {(n.id, c.index) for n in s.nodes.values() for c in n.choices}, s.id


def test_chart_draws_a_bar_for_each_count_with_a_title_and_description():
    tallies = walk.tally(PRINCIPLES, walk.position(small_scenario(), [0, 1]).steps)
    svg = str(chart.principle_chart(tallies, chart_id="c1"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">' in svg and '<desc id="c1-desc">' in svg
    assert svg.count("<rect") == 3  # a. served, b. served, f. neglected
    assert svg.count(f'fill="{chart.NEGLECTED_COLOUR}"/>') == 1
    assert "style=" not in svg and "<script" not in svg
    assert "a. Best interests and well-being" in svg
    # The longest bar is the largest count; others are in proportion.
    assert f'width="{chart.MAX_BAR:.1f}"' in svg and f'width="{chart.MAX_BAR / 2:.1f}"' in svg


def test_chart_describes_what_it_shows():
    tallies = walk.tally(PRINCIPLES, walk.position(small_scenario(), [1, 1]).steps)
    assert chart.describe(tallies) == "Neglected most often: Best interests and well-being (2 times)."
    tallies = walk.tally(PRINCIPLES, walk.position(small_scenario(), [0, 0]).steps)
    assert chart.describe(tallies) == ("Served most often: Best interests and well-being (2 times). "
                                       "No principle was neglected.")
    assert "None of your choices" in chart.describe(walk.tally(PRINCIPLES, ()))


def test_chart_escapes_text():
    evil = (walk.PrincipleTally("x", "a", "<script>alert(1)</script>", 1, 0),)
    svg = str(chart.principle_chart(evil, chart_id='"><script>'))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
