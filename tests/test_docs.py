"""Docs that promise things code must keep: every finding code is documented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_finding_code_is_documented() -> None:
    source = "".join(
        (ROOT / "sla_workbook" / "checking" / name).read_text()
        for name in ("input_checks.py", "validator.py")
    )
    # every hyphenated lower-case string literal in these modules is a finding code
    codes = set(re.findall(r'"([a-z0-9]+(?:-[a-z0-9]+)+)"', source))
    assert len(codes) >= 25
    documented = set(
        re.findall(r"^\| `([a-z0-9-]+)` \|", (ROOT / "docs" / "validation.md").read_text(), re.M)
    )
    assert codes <= documented, codes - documented
