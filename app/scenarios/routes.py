"""'What if...?' dilemmas: the list, playing a run, the debrief, and the workshop view."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.auth.access import officer, signed_in
from app.certificates import completion
from app.content import current_course
from app.roles import LEVEL_NAMES, required_level
from app.scenarios import bp, chart, runs, walk
from app.scenarios.forms import ChoiceForm, ReflectionForm, StepForm
from app.vocabulary import RunStatus
from app.content.scenarios import Scenario


def _scenario_or_404(scenario_id: str) -> Scenario:
    scenario = current_course().scenarios.get(scenario_id)
    if scenario is None:
        abort(404)
    return scenario


def _run_or_404(scenario: Scenario, run_id: int, for_update: bool = False):
    run = runs.owned_run(current_user, run_id, for_update=for_update)
    if run is None or run.scenario_id != scenario.id:
        abort(404)
    return run


def _to_run(scenario: Scenario, run, anchor: str | None = None):
    return redirect(url_for("scenarios.play", scenario_id=scenario.id, run_id=run.id,
                            _anchor=anchor), 303)


@bp.route("/dilemmas")
@signed_in
def index():
    level = required_level(current_user)
    return render_template("scenarios/index.html",
                           summary=runs.summary(current_user, current_course().scenarios, level),
                           level_name=LEVEL_NAMES[level])


@bp.route("/dilemmas/<scenario_id>")
@signed_in
def overview(scenario_id: str):
    scenario = _scenario_or_404(scenario_id)
    status = runs.statuses(current_user, (scenario,))[0]
    return render_template("scenarios/overview.html", scenario=scenario, status=status,
                           form=FlaskForm())


@bp.route("/dilemmas/<scenario_id>/start", methods=["POST"])
@signed_in
def start(scenario_id: str):
    scenario = _scenario_or_404(scenario_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    run = runs.start(current_user, scenario)
    current_app.logger.info("dilemma run person_id=%s run_id=%s", current_user.id, run.id)
    return _to_run(scenario, run)


def _render_run(scenario: Scenario, run, status: int = 200, form: ChoiceForm | None = None,
                notice: str | None = None,
                reflection_form: ReflectionForm | None = None):
    here = walk.position(scenario, run.path)
    if run.status == runs.FINISHED:
        ending = here.node if here.is_ending else scenario.node(run.ending_node or "")
        tallies = walk.tally(current_course().principles, here.steps)
        if reflection_form is None:
            reflection_form = ReflectionForm(formdata=None, reflection=run.reflection)
        return render_template(
            "scenarios/debrief.html", scenario=scenario, run=run, here=here,
            ending=ending if ending is not None and ending.is_ending else None,
            tallies=tallies, chart=chart.principle_chart(tallies), notice=notice,
            read_more=_read_more(scenario, ending),
            form=reflection_form, start_form=FlaskForm()), status
    # After "Go back one step" the choice the member had made is ticked again (review m8).
    was = request.args.get("was", "")
    previous = int(was) if was.isdecimal() and int(was) < len(here.node.choices) else None
    return render_template(
        "scenarios/play.html", scenario=scenario, run=run, here=here, previous_choice=previous,
        form=form or ChoiceForm(formdata=None), notice=notice), status


def _read_more(scenario: Scenario, ending) -> list[tuple[str, str]]:
    """The ending's own links, then any related module they do not already point into."""
    links = list(ending.ending.read_more) if ending is not None and ending.is_ending else []
    linked = {href.split("#")[0] for href, _ in links}
    for module_id in scenario.modules:
        module = current_course().module(module_id)
        href = url_for("learning.module", module_id=module_id)
        if module is not None and href not in linked:
            links.append((href, module.title))
    return links


@bp.route("/dilemmas/<scenario_id>/runs/<int:run_id>")
@signed_in
def play(scenario_id: str, run_id: int):
    scenario = _scenario_or_404(scenario_id)
    return _render_run(scenario, _run_or_404(scenario, run_id))


@bp.route("/dilemmas/<scenario_id>/runs/<int:run_id>/choose", methods=["POST"])
@signed_in
def choose(scenario_id: str, run_id: int):
    scenario = _scenario_or_404(scenario_id)
    form = ChoiceForm()
    if not form.validate_on_submit():
        abort(400)
    run = _run_or_404(scenario, run_id, for_update=True)
    outcome = runs.choose(run, scenario, request.form.get("choice"), form.step.data, form.node.data)
    if outcome.refused is None:
        if run.status != RunStatus.FINISHED:
            return _to_run(scenario, run)
        # Reaching an ending may finish the member's last required dilemma.
        return completion.or_certificate(_to_run(scenario, run), finished=url_for(
            "scenarios.play", scenario_id=scenario.id, run_id=run.id))
    if isinstance(outcome.refused, (walk.NothingChosen, walk.ChoiceNotOffered)):
        form.choice.errors = [outcome.refused.message]
        return _render_run(scenario, run, 400, form=form)
    return _render_run(scenario, run, 409, notice=outcome.refused.message)


@bp.route("/dilemmas/<scenario_id>/runs/<int:run_id>/back", methods=["POST"])
@signed_in
def back(scenario_id: str, run_id: int):
    scenario = _scenario_or_404(scenario_id)
    form = StepForm()
    if not form.validate_on_submit():
        abort(400)
    run = _run_or_404(scenario, run_id, for_update=True)
    undone = walk.position(scenario, run.path).path[-1:] or (None,)
    if runs.back(run, scenario, form.step.data).recorded:
        return redirect(url_for("scenarios.play", scenario_id=scenario.id, run_id=run.id, was=undone[0]), 303)
    return _to_run(scenario, run)


@bp.route("/dilemmas/<scenario_id>/runs/<int:run_id>/restart", methods=["POST"])
@signed_in
def restart(scenario_id: str, run_id: int):
    scenario = _scenario_or_404(scenario_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    run = _run_or_404(scenario, run_id, for_update=True)
    runs.restart(run, scenario)
    return _to_run(scenario, run)


@bp.route("/dilemmas/<scenario_id>/runs/<int:run_id>/reflection", methods=["POST"])
@signed_in
def reflection(scenario_id: str, run_id: int):
    scenario = _scenario_or_404(scenario_id)
    run = _run_or_404(scenario, run_id, for_update=True)
    form = ReflectionForm()
    if not form.validate_on_submit():
        if not form.errors:
            abort(400)
        return _render_run(scenario, run, 400, reflection_form=form)
    runs.save_reflection(run, form.reflection.data)
    flash("Your reflection has been saved. Only you can see it.", "success")
    return _to_run(scenario, run)


# --- the workshop view: a facilitator leads a group through a dilemma on a projector ------------

@bp.route("/dilemmas/<scenario_id>/workshop")
@officer
def workshop(scenario_id: str):
    scenario = _scenario_or_404(scenario_id)
    return render_template("scenarios/workshop_start.html", scenario=scenario)


@bp.route("/dilemmas/<scenario_id>/workshop/<node_id>")
@officer
def workshop_node(scenario_id: str, node_id: str):
    scenario = _scenario_or_404(scenario_id)
    node = scenario.node(node_id)
    if node is None:
        abort(404)
    reveal = request.args.get("reveal", "")
    if node.is_ending:
        if reveal not in ("", "debrief"):
            abort(400)
        revealed = {"debrief"} if reveal else set()
    elif reveal == "all":
        revealed = {c.index for c in node.choices}
    elif reveal == "":
        revealed = set()
    elif reveal.isdecimal() and 1 <= int(reveal) <= len(node.choices):
        revealed = {int(reveal) - 1}
    else:
        abort(400)
    return render_template("scenarios/workshop_node.html", scenario=scenario, node=node,
                           revealed=revealed)
