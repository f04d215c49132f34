"""Errors a user can act on: one line per problem, naming file, key or row, value, expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one input file."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        where = f" [{self.where}]" if self.where else ""
        return f"{self.file}{where}: {self.message}"


class InputError(Exception):
    """Bad input: one or more problems, each naming the file, key or row, and value."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class SolveError(Exception):
    """The solver did not return an optimal solution; nothing is written."""

    exit_code = 3

    def __init__(self, status: str, message: str, diagnosis: list[str] | None = None):
        self.status = status
        self.diagnosis = diagnosis or []
        super().__init__(message)


def did_you_mean(word: str, options: list[str] | tuple[str, ...]) -> str:
    """A ' (did you mean X?)' hint for a misspelt key, or ''."""
    import difflib

    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
