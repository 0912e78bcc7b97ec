"""The report's source: a filled workbook of ours or a plan file with its log."""

from __future__ import annotations

from pathlib import Path

from ..model.plan import Plan

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls", ".xlsb")
PLAN_SUFFIXES = (".yaml", ".yml", ".json")


def load_source(path: str) -> tuple[Plan, str | None]:
    """The plan of a filled workbook (your sheets) or of a plan file with its log, and the
    workbook's language (None for a plan file). Workbooks are told by their extension or
    their zip/OLE header; anything else is read as a plan file."""
    p = Path(path)
    suffix = p.suffix.lower()
    is_workbook = suffix in WORKBOOK_SUFFIXES
    if not is_workbook and suffix not in PLAN_SUFFIXES and p.is_file():
        try:
            with p.open("rb") as fh:
                head = fh.read(4)
        except OSError:
            head = b""
        is_workbook = head in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
    if is_workbook:
        from ..reading.reader import read_workbook

        wb = read_workbook(p)
        return wb.yours.plan, wb.language
    from ..model.plan_file import load_plan

    return load_plan(path), None
