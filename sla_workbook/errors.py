"""The exception tree. Each class carries the exit code the CLI returns for it.

Exit codes are part of the CLI contract (docs/cli.md), so scripts and CI jobs can
tell "your workbook has problems" from "you called me wrong" from "I cannot read that".
"""

from __future__ import annotations

from collections.abc import Sequence


class SlaWorkbookError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code = 1


class InputError(SlaWorkbookError):
    """An input file is missing, unreadable or malformed."""

    exit_code = 3


class PlanError(InputError):
    """A plan broke one or more rules; every broken rule is listed, not only the first."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(f"{source}: {p}" for p in self.problems))


class MapError(PlanError):
    """A CRM map file broke one or more rules; reported like a plan, every rule at once."""


class OutputError(SlaWorkbookError):
    """An output cannot be written (exists and no --force, or the folder is not writable)."""

    exit_code = 4
