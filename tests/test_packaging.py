"""The wheel carries what a non-editable install needs: templates, py.typed, the CLI entry point."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_templates_and_typing(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("sla_workbook-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (ROOT / "templates").iterdir():
        if template.suffix in {".yaml", ".csv", ".json"}:
            assert f"sla_workbook/templates/{template.name}" in names
    assert "sla_workbook/py.typed" in names
    # every module of every stage folder: a folder missing from pyproject's package list
    # installs fine in editable mode and breaks only a real install
    for module in (ROOT / "sla_workbook").rglob("*.py"):
        assert module.relative_to(ROOT).as_posix() in names, module
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "sla-workbook = sla_workbook.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_templates_are_package_resources() -> None:
    from importlib.resources import files

    example = files("sla_workbook.templates").joinpath("example-plan.yaml")
    assert "segments:" in example.read_text(encoding="utf-8")
