"""sla-workbook: the marketing/sales lead SLA as an engine, a workbook generator and a validator.

The public API is what ``__all__`` lists. Heavy modules (pandas) load on first use,
so importing the package, or running ``sla-workbook --help``, stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import InputError, OutputError, PlanError, SlaWorkbookError

if TYPE_CHECKING:
    from .engine import compute
    from .findings import Finding, Report
    from .generator import GenerateOptions, generate
    from .model import Plan, SlaResult
    from .plan_file import load_plan, parse_plan
    from .reader import Workbook, read_workbook
    from .validator import validate

__all__ = [
    "Finding",
    "GenerateOptions",
    "InputError",
    "OutputError",
    "Plan",
    "PlanError",
    "Report",
    "SlaResult",
    "SlaWorkbookError",
    "Workbook",
    "__version__",
    "compute",
    "generate",
    "load_plan",
    "parse_plan",
    "read_workbook",
    "validate",
]

_LAZY = {
    "compute": ("engine", "compute"),
    "Plan": ("model", "Plan"),
    "SlaResult": ("model", "SlaResult"),
    "load_plan": ("plan_file", "load_plan"),
    "parse_plan": ("plan_file", "parse_plan"),
    "Finding": ("findings", "Finding"),
    "Report": ("findings", "Report"),
    "GenerateOptions": ("generator", "GenerateOptions"),
    "generate": ("generator", "generate"),
    "Workbook": ("reader", "Workbook"),
    "read_workbook": ("reader", "read_workbook"),
    "validate": ("validator", "validate"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        module, attr = _LAZY[name]
        return getattr(import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
