"""The words the records use for their states: one StrEnum per column, used by the models (which
back each with a CHECK constraint), the services and the templates (registered as globals).

A StrEnum member equals its string, so rows written before these existed read the same.
"""
from __future__ import annotations

from enum import StrEnum


class AttemptStatus(StrEnum):
    """A quiz attempt is started, then submitted exactly once."""
    STARTED = "started"
    SUBMITTED = "submitted"


class QuizLayout(StrEnum):
    ONE_PAGE = "one-page"
    PAGED = "paged"


class RunStatus(StrEnum):
    """A play-through of a dilemma."""
    IN_PROGRESS = "in-progress"
    FINISHED = "finished"


class CertificateHow(StrEnum):
    """How the member completed the pathway a certificate is for."""
    ONLINE = "online"
    FACE_TO_FACE = "face-to-face"


class Answer(StrEnum):
    """A member's answer to a checklist question."""
    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    NOT_SURE = "not-sure"

    @property
    def label(self) -> str:
        return "Not sure" if self is Answer.NOT_SURE else self.value.capitalize()


class Priority(StrEnum):
    """The priority a member gives an action in their plan."""
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class TrainingStatus(StrEnum):
    """Where a member stands against their required training; reminders and the report use it."""
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    CURRENT = "current"
    DUE_SOON = "due soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# The roles a councillor can hold, in the council's words (their levels are in content/pathways.yaml).
ROLE_LABELS = {
    "member": "Member",
    "board": "Corporate parenting board or panel",
    "scrutiny": "Scrutiny",
    "home-visitor": "Visitor of children's homes",
    "lead-member": "Lead member",
    "chair": "Chair",
}


def sql_in(column: str, values: type[StrEnum]) -> str:
    """A CHECK constraint's condition: the column holds one of the enum's values."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


# Registered as template globals (app/formatting.py) so templates compare with names, not strings.
TEMPLATE_NAMES = {cls.__name__: cls for cls in (AttemptStatus, QuizLayout, RunStatus, CertificateHow,
                                                Answer, Priority, TrainingStatus)}
