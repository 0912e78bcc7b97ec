"""A bounded, seeded run of the fuzzer (tests/fuzz.py), and every crash it ever found."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fuzz import REGRESSIONS, check, fuzz

SECONDS = float(os.environ.get("SLA_FUZZ_SECONDS", "45"))


def test_seeded_fuzz_run_never_crashes(tmp_path: Path) -> None:
    stats = fuzz(SECONDS, seed=1, folder=tmp_path, save=False)
    assert stats["tried"] >= 30  # type: ignore[operator]
    assert stats["crashes"] == []
    outcomes = stats["outcomes"]
    assert set(outcomes) <= {0, 1, 2}  # type: ignore[arg-type]
    assert outcomes.get(2, 0) > 0  # type: ignore[attr-defined]  # damage was noticed


@pytest.mark.parametrize(
    "case",
    sorted(p.name for p in REGRESSIONS.glob("*") if p.suffix in {".xlsx", ".ods"})
    or ["(none yet)"],
)
def test_fuzz_regressions(case: str) -> None:
    if case == "(none yet)":
        assert not any(REGRESSIONS.glob("*.xls*"))  # the folder is simply empty so far
        return
    _code, problem = check(REGRESSIONS / case)
    assert problem == "", problem
