"""sla-workbook: the marketing/sales lead SLA as an engine, a workbook generator and a validator.

The public API is what ``__all__`` lists. Heavy modules (pandas) load on first use,
so importing the package, or running ``sla-workbook --help``, stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import InputError, MapError, OutputError, PlanError, SlaWorkbookError

if TYPE_CHECKING:
    from .checking.findings import Finding, Report
    from .checking.validator import validate
    from .crm.log_import import ImportResult, import_log
    from .crm.map_file import load_map
    from .model.engine import compute
    from .model.plan import Plan, SlaResult
    from .model.plan_file import load_plan, parse_plan
    from .reading.reader import Workbook, read_workbook
    from .workbook.generator import GenerateOptions, generate

__all__ = [
    "Finding",
    "GenerateOptions",
    "ImportResult",
    "InputError",
    "MapError",
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
    "import_log",
    "load_map",
    "load_plan",
    "parse_plan",
    "read_workbook",
    "validate",
]

_LAZY = {
    "compute": ("model.engine", "compute"),
    "Plan": ("model.plan", "Plan"),
    "SlaResult": ("model.plan", "SlaResult"),
    "load_plan": ("model.plan_file", "load_plan"),
    "parse_plan": ("model.plan_file", "parse_plan"),
    "Finding": ("checking.findings", "Finding"),
    "Report": ("checking.findings", "Report"),
    "GenerateOptions": ("workbook.generator", "GenerateOptions"),
    "generate": ("workbook.generator", "generate"),
    "Workbook": ("reading.reader", "Workbook"),
    "read_workbook": ("reading.reader", "read_workbook"),
    "validate": ("checking.validator", "validate"),
    "ImportResult": ("crm.log_import", "ImportResult"),
    "import_log": ("crm.log_import", "import_log"),
    "load_map": ("crm.map_file", "load_map"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        module, attr = _LAZY[name]
        return getattr(import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
