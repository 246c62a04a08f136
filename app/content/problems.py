"""What is wrong with a content file, said as path:line: message."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(RuntimeError):
    """Raised at start-up when any content file is invalid; the message names every file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        listing = "\n".join(f"  {p}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(
            f"The course content has {len(self.problems)} problem(s); the application will not start "
            f"until they are fixed (run 'flask --app app content check'):\n{listing}{more}"
        )


class Reporter:
    """Collects problems for one file, turning YAML line numbers into file line numbers."""

    def __init__(self, path: str, problems: list[Problem], line_offset: int = 0):
        self.path = path
        self.problems = problems
        self.line_offset = line_offset

    def __call__(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line + self.line_offset, message))
