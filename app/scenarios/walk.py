"""Walking a dilemma: where a path of choices leads, and how it changes. No database, no request.

A path is the list of choice indexes taken from the start node; the node a member is at is found
by walking it, so a stored path can never disagree with a stored "current node".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from app.content.scenarios import Choice, Node, Scenario


class ChoiceRefused(Exception):
    """A choice that cannot be applied to the path; the message says why, for the member."""

    message = "That choice could not be recorded."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        if message:
            self.message = message


class NothingChosen(ChoiceRefused):
    message = "Select what you would do"


class ChoiceNotOffered(ChoiceRefused):
    message = "Select one of the choices shown on this page"


class OutOfStep(ChoiceRefused):
    """The form was made for another point in the dilemma (back button, second tab)."""

    message = ("You had already moved on from that question, so your choice was not recorded. "
               "To change an earlier answer, use ‘Go back one step’.")


class AtAnEnding(ChoiceRefused):
    message = "This dilemma has ended: there are no more choices to make."


@dataclass(frozen=True)
class Step:
    """One decision taken: the node the member was at and the choice they made there."""

    number: int
    node: Node
    choice: Choice


@dataclass(frozen=True)
class Position:
    scenario: Scenario
    path: tuple[int, ...]
    steps: tuple[Step, ...]
    node: Node
    # False when a stored path no longer fits the content (a dilemma was edited since).
    intact: bool = True

    @property
    def is_ending(self) -> bool:
        return self.node.is_ending

    @property
    def last_choice(self) -> Choice | None:
        return self.steps[-1].choice if self.steps else None

    @property
    def decision_number(self) -> int:
        return len(self.path) + 1


def position(scenario: Scenario, path: Iterable[int]) -> Position:
    """Walk the path from the start; a path that no longer fits stops at its last valid node."""
    node = scenario.nodes[scenario.start]
    steps: list[Step] = []
    intact = True
    for index in path:
        if node.is_ending or not isinstance(index, int) or isinstance(index, bool) \
                or not 0 <= index < len(node.choices):
            intact = False
            break
        choice = node.choices[index]
        steps.append(Step(len(steps) + 1, node, choice))
        node = scenario.nodes[choice.next]
    return Position(scenario, tuple(s.choice.index for s in steps), tuple(steps), node, intact)


def _parse_index(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdecimal() and len(raw.strip()) < 6:
        return int(raw.strip())
    return None


def choose(scenario: Scenario, path: Sequence[int], choice, at_step,
           at_node: str | None = None) -> tuple[int, ...]:
    """The path after taking `choice` (an index, or the form's text) at the current node.

    at_step (and at_node, when given) say where the form was made for; they must match where the
    path leads now, so a stale form can never add a choice to the wrong node.
    """
    here = position(scenario, path)
    if _parse_index(at_step) != len(here.path) or (at_node is not None and at_node != here.node.id):
        raise OutOfStep()
    if here.is_ending:
        raise AtAnEnding()
    if choice is None or (isinstance(choice, str) and not choice.strip()):
        raise NothingChosen()
    index = _parse_index(choice)
    if index is None or not 0 <= index < len(here.node.choices):
        raise ChoiceNotOffered()
    return here.path + (index,)


def already_chosen(scenario: Scenario, path: Sequence[int], choice, at_step) -> bool:
    """Whether this exact choice at this step is already on the path: a repeated submission."""
    step, index = _parse_index(at_step), _parse_index(choice)
    here = position(scenario, path)
    return step is not None and index is not None and step < len(here.path) \
        and here.path[step] == index


def back(path: Sequence[int]) -> tuple[int, ...]:
    """One decision back; at the start there is nowhere further back to go."""
    return tuple(path[:-1])


def restart(path: Sequence[int]) -> tuple[int, ...]:
    return ()


@dataclass(frozen=True)
class PrincipleTally:
    key: str
    letter: str
    short: str
    served: int
    neglected: int

    @property
    def net(self) -> int:
        return self.served - self.neglected


def tally(principles: Iterable, steps: Iterable[Step]) -> tuple[PrincipleTally, ...]:
    """How often the member's choices served or neglected each principle, in the Act's order."""
    steps = tuple(steps)
    return tuple(
        PrincipleTally(p.key, p.letter, p.short,
                       served=sum(1 for s in steps if p.key in s.choice.serves),
                       neglected=sum(1 for s in steps if p.key in s.choice.neglects))
        for p in principles)


def all_paths(scenario: Scenario) -> list[tuple[int, ...]]:
    """Every way through the dilemma from the start to an ending.

    A loop is followed at most once round (no choice is taken twice on one path), so the list is
    finite and still takes every choice in the graph at least once.
    """
    found: list[tuple[int, ...]] = []

    def walk(node: Node, path: tuple[int, ...], used: frozenset[tuple[str, int]]) -> None:
        if node.is_ending:
            found.append(path)
            return
        for choice in node.choices:
            edge = (node.id, choice.index)
            if edge not in used:
                walk(scenario.nodes[choice.next], path + (choice.index,), used | {edge})

    walk(scenario.nodes[scenario.start], (), frozenset())
    return found
