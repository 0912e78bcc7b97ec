"""The data flows one way: no stage imports a later one (docs/architecture.md).

Read from the source (every import, including those inside functions), and checked
again at run time the way click tests what importing it loads: importing an early
stage must not load a later one.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sla_workbook"

# In data-flow order. Top-level modules (errors, atomic, _version) are the common base;
# the package's __init__ and __main__ are the public facade and may import anything.
STAGES = ("model", "crm", "workbook", "reading", "checking", "update", "report", "cli")
FACADE = {"sla_workbook", "sla_workbook.__main__"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _rank(module: str) -> int:
    """-1 for the common base, else the stage's place in STAGES."""
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in STAGES:
        return STAGES.index(parts[1])
    return -1


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every sla_workbook import in a file."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if node.module is None or target.split(".")[-1] != (node.module or "").split(".")[-1]:
                # "from . import x": each name is a module of that package
                out += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                out.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
    return [(line, mod) for line, mod in out if mod.split(".")[0] == "sla_workbook"]


def test_the_stages_are_the_folders() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders <= set(STAGES), folders - set(STAGES)
    assert {"model", "workbook", "reading", "checking", "report", "cli"} <= folders


def test_no_stage_imports_a_later_one() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = _module_name(path)
        if here in FACADE:
            continue
        for line, target in _imports(path):
            if _rank(target) > _rank(here):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_relative_imports() -> None:
    """Guard against a checker that passes because it parses nothing."""
    found = {target for _, target in _imports(PACKAGE / "reading" / "reader.py")}
    assert "sla_workbook.workbook.layout" in found
    assert "sla_workbook.errors" in found
    assert _rank("sla_workbook.cli.main") > _rank("sla_workbook.model.engine") > -1


@pytest.mark.parametrize(
    ("module", "must_not_load"),
    [
        ("sla_workbook.model.engine", ("workbook", "reading", "checking", "report", "cli")),
        ("sla_workbook.crm.log_import", ("workbook", "reading", "checking", "report", "cli")),
        ("sla_workbook.workbook.generator", ("reading", "checking", "report", "cli")),
        ("sla_workbook.reading.reader", ("checking", "report", "cli")),
        ("sla_workbook.checking.validator", ("report", "cli")),
    ],
)
def test_importing_a_stage_loads_no_later_stage(
    module: str, must_not_load: tuple[str, ...]
) -> None:
    code = (
        f"import sys, {module}\n"
        "print('\\n'.join(m for m in sys.modules if m.startswith('sla_workbook.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert module in loaded
    late = [m for m in loaded if m.split(".")[1] in must_not_load]
    assert not late, late
