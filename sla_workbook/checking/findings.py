"""Findings are data: a stable code, a severity, where, what, and the values involved.

``--format json`` prints exactly ``Report.to_dict()``; docs/validation.md lists every code
and docs/validation-report.schema.json describes the document.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    sheet: str | None
    cell: str | None  # A1 reference or range
    message: str
    expected: Any = None
    actual: Any = None

    def where(self) -> str:
        if self.sheet and self.cell:
            return f"'{self.sheet}'!{self.cell}"
        return f"'{self.sheet}'" if self.sheet else "workbook"


@dataclass
class Report:
    file: str
    kind: str
    template_version: str | None
    language: str | None
    sheets: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def valid(self) -> bool:
        return self.errors == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "template_version": self.template_version,
            "language": self.language,
            "sheets": self.sheets,
            "valid": self.valid,
            "summary": {"errors": self.errors, "warnings": self.warnings},
            "findings": [_jsonable(asdict(f)) for f in self.findings],
        }


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in d.items():
        if value is not None and not isinstance(value, str | int | float | bool):
            value = str(value)
        if isinstance(value, float) and value != value:  # NaN is not JSON
            value = None
        out[key] = value
    return out
