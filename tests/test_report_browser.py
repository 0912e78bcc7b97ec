"""The HTML report in a real browser: headless Chromium (Debian's `chromium`, installed by
`make test`) with the network pointed at a closed port, its DOM text, a screenshot, and
the print to PDF: one A4 landscape page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sla_workbook.cli import main
from tests.plans import plan_dict

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "plan.yaml"
A4_LANDSCAPE = (841.92, 594.96)  # points, as pdfinfo reports them


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Chromium is not installed: run `make test`, which installs it")
    return path


def browse(html: Path, *args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    """Chromium, headless, as root (--no-sandbox), with every request sent to a closed
    proxy port: a page that needs the network would show holes."""
    return subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            f"--user-data-dir={profile}",
            *args,
            html.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def write_report(tmp: Path, source: Path, *extra: str) -> Path:
    out = tmp / "report.html"
    result = CliRunner().invoke(main, ["report", str(source), "-o", str(out), "--force", *extra])
    assert result.exit_code == 0, result.stderr
    return out


def pdf_pages(pdf: Path) -> tuple[int, tuple[float, float]]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert size is not None
    return pages, (float(size.group(1)), float(size.group(2)))


def test_sample_report_in_chromium(tmp_path: Path) -> None:
    html = write_report(tmp_path, SAMPLE)
    doc = json.loads(CliRunner().invoke(main, ["report", str(SAMPLE), "--format", "json"]).stdout)
    dom = browse(html, "--dump-dom", profile=tmp_path / "p1").stdout
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))
    assert "January 2027, as of 12 January 2027: day 12 of 31, 19 left" in text
    assert "Marketing: 49 of 607 leads (8%), 21% of plan to date" in text
    assert "Sales: 9 of 228 leads (4%)" in text
    mkt = doc["teams"][0]
    assert f"needs {int(mkt['needed_per_day'])} a day for the 19 days left" in text
    shot = tmp_path / "wide.png"
    browse(html, f"--screenshot={shot}", "--window-size=1280,900", profile=tmp_path / "p2")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    phone = tmp_path / "phone.png"
    browse(html, f"--screenshot={phone}", "--window-size=390,844", profile=tmp_path / "p3")
    assert phone.stat().st_size > 10_000
    pdf = tmp_path / "report.pdf"
    browse(html, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", profile=tmp_path / "p4")
    pages, size = pdf_pages(pdf)
    assert pages == 1
    assert size == pytest.approx(A4_LANDSCAPE, abs=1)


def test_a_bigger_plan_in_spanish_still_prints_on_one_page(tmp_path: Path) -> None:
    channels = [{"name": f"Canal {i}", "team": "marketing"} for i in range(4)] + [
        {"name": "Outbound", "team": "sales"},
        {"name": "Partners", "team": "sales"},
    ]
    names = [c["name"] for c in channels]
    segment = plan_dict()["segments"][0]
    segments = [
        dict(
            segment,
            name=f"Región {s}",
            close_rate=dict.fromkeys(names, 0.05),
            channel_mix={n: (0.25 if i < 4 else 0.5) for i, n in enumerate(names)},
            targets=[100000 * (s + 1)] * 12,
        )
        for s in range(6)
    ]
    log = [
        {
            "date": f"2027-03-{d:02d}",
            "segment": f"Región {d % 6}",
            "channel": names[d % 6],
            "leads": d,
        }
        for d in range(1, 20)
    ]
    data = plan_dict(channels=channels, segments=segments, log=log, track={"month": 3})
    plan = tmp_path / "big.json"
    plan.write_text(json.dumps(data))
    html = write_report(tmp_path, plan, "--lang", "es")
    dom = browse(html, "--dump-dom", profile=tmp_path / "p1").stdout
    assert "Marzo de 2027" in dom and "Ventas:" in dom
    pdf = tmp_path / "big.pdf"
    browse(html, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", profile=tmp_path / "p2")
    assert pdf_pages(pdf)[0] == 1
