"""make bench: how fast generate, read, validate and the workbook itself are, against floors.

Builds its inputs in bench/build/, times every case several times in one run, and prints
a table of medians with ratios against baselines measured side by side (python start-up,
XlsxWriter writing the same cell count without formulas, python-calamine reading every
cell, in this process and as a fresh process like the CLI). Results also go to
bench/results.json. Not part of `make test`.

    python bench/run.py [--repeats 3] [--sizes typical,large] [--no-scaling] [--no-lo]
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = HERE / "build"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.plans import bench_plan  # noqa: E402

SIZES = {"typical": (6, 2, 1_000), "mid": (100, 4, 5_000), "large": (500, 4, 50_000)}
SCALING = (50, 100, 200, 500)


def timed(fn: Callable[[], Any], repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def run(cmd: list[str], ok: tuple[int, ...] = (0,)) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-500:]}")


def cli(*args: str) -> list[str]:
    return [str(BIN / "sla-workbook"), *args]


def cell_count(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return sum(
        sum(1 for row in wb.get_sheet_by_name(n).to_python() for v in row if v != "")
        for n in wb.sheet_names
    )


def xlsxwriter_floor(path: Path, cells: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    width = 20
    for i in range(cells):
        ws.write_number(i // width, i % width, float(i))
    wb.close()


def calamine_read(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return sum(len(wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names)


CALAMINE_PROCESS = (
    "import sys\n"
    "from python_calamine import CalamineWorkbook\n"
    "wb = CalamineWorkbook.from_path(sys.argv[1])\n"
    "print(sum(len(wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names))\n"
)


def calamine_process(path: Path) -> None:
    """The floor for a CLI command: a fresh Python reading every value with calamine."""
    run([sys.executable, "-c", CALAMINE_PROCESS, str(path)])


def openpyxl_read(path: Path, data_only: bool) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    n = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for _ in row)
    wb.close()
    return n


def build(name: str, segments: int, channels: int, log_rows: int) -> dict[str, Path]:
    """Plan file, generated workbook, LibreOffice-saved copy, openpyxl-saved copy."""
    import openpyxl
    import yaml

    folder = BUILD / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    plan = folder / "plan.yaml"
    data = bench_plan(segments, channels, log_rows)
    # A large lead log lives in a CSV next to the plan (as a CRM export would), not inline.
    with (folder / "log.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["date", "segment", "channel", "leads"])
        writer.writeheader()
        writer.writerows(data.pop("log"))
    data["log"] = "log.csv"
    plan.write_text(yaml.safe_dump(data, sort_keys=False))
    generated = folder / "generated.xlsx"
    run(cli("generate", str(generated), "--plan", str(plan), "--log-rows", str(log_rows)))
    lo_dir = folder / "lo"
    sys.path.insert(0, str(ROOT / "tests"))
    from tests.spreadsheet_programs import libreoffice_convert_many

    (lo,) = libreoffice_convert_many([generated], lo_dir)
    no_values = folder / "openpyxl.xlsx"
    openpyxl.load_workbook(lo).save(no_values)
    return {"plan": plan, "generated": generated, "lo": lo, "openpyxl": no_values}


def lo_recalc(path: Path, repeats: int) -> tuple[float, float]:
    script = HERE / "uno_recalc.py"
    out = subprocess.run(
        ["/usr/bin/python3", str(script), str(path), str(repeats)],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return statistics.median(data["load"]), statistics.median(data["recalc"])


def gnumeric(path: Path, recalc: bool) -> None:
    args = [
        "ssconvert",
        *(["--recalc"] if recalc else []),
        str(path),
        str(path.with_suffix(".gn.xlsx")),
    ]
    run(args)


def measure_size(
    name: str, files: dict[str, Path], repeats: int, with_lo: bool
) -> dict[str, float]:
    from sla_workbook import compute, load_plan, read_workbook

    plan = load_plan(files["plan"])
    cells = cell_count(files["lo"])
    floor_out = files["generated"].with_name("floor.xlsx")
    r: dict[str, float] = {"cells": float(cells)}
    r["generate_plan"] = timed(
        lambda: run(
            cli("generate", str(files["generated"]), "--plan", str(files["plan"]), "--force")
        ),
        repeats,
    )
    r["xlsxwriter_floor"] = timed(lambda: xlsxwriter_floor(floor_out, cells), repeats)
    r["validate_lo"] = timed(lambda: run(cli("validate", str(files["lo"])), ok=(0, 1)), repeats)
    r["validate_openpyxl"] = timed(
        lambda: run(cli("validate", str(files["openpyxl"])), ok=(0, 1)), repeats
    )
    r["read_workbook"] = timed(lambda: read_workbook(files["lo"]), repeats)
    r["engine"] = timed(lambda: compute(plan), repeats)
    r["calamine_floor"] = timed(lambda: calamine_read(files["lo"]), repeats)
    r["calamine_process"] = timed(lambda: calamine_process(files["lo"]), repeats)
    r["openpyxl_values"] = timed(lambda: openpyxl_read(files["lo"], True), repeats)
    r["openpyxl_formulas"] = timed(lambda: openpyxl_read(files["lo"], False), repeats)
    if with_lo:
        r["lo_load"], r["lo_recalc"] = lo_recalc(files["lo"], max(1, min(repeats, 3)))
        r["gnumeric_load"] = timed(lambda: gnumeric(files["lo"], False), 1)
        r["gnumeric_recalc"] = timed(lambda: gnumeric(files["lo"], True), 1)
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sizes", default="typical,mid,large")
    ap.add_argument("--no-scaling", action="store_true")
    ap.add_argument("--no-lo", action="store_true", help="skip spreadsheet recalculation timings")
    args = ap.parse_args()
    BUILD.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    results["startup"] = {
        "python_pass": timed(lambda: run([sys.executable, "-c", "pass"]), 5),
        "help": timed(lambda: run(cli("--help")), 5),
    }
    results["generate_blank"] = timed(
        lambda: run(cli("generate", str(BUILD / "blank.xlsx"), "--force")), args.repeats
    )
    sample = BUILD / "sample.xlsx"
    run(cli("generate", str(sample), "--plan", str(ROOT / "samples" / "plan.yaml"), "--force"))
    results["validate_sample"] = timed(
        lambda: run(cli("validate", str(sample)), ok=(0, 1)), args.repeats
    )
    for name in args.sizes.split(","):
        s, k, c = SIZES[name]
        print(f"building {name} ({s} x {k}, {c} log rows)...", file=sys.stderr)
        files = build(name, s, k, c)
        results[name] = measure_size(
            name, files, args.repeats if name != "large" else 1, not args.no_lo
        )
    if not args.no_scaling:
        results["scaling"] = {}
        for s in SCALING:
            print(f"scaling: {s} segments...", file=sys.stderr)
            files = build(f"scale{s}", s, 4, s * 20)
            from sla_workbook import read_workbook

            results["scaling"][s] = {
                "validate_lo": timed(
                    lambda f=files: run(cli("validate", str(f["lo"])), ok=(0, 1)), 1
                ),
                "generate_plan": timed(
                    lambda f=files: run(
                        cli("generate", str(f["generated"]), "--plan", str(f["plan"]), "--force")
                    ),
                    1,
                ),
                "read_workbook": timed(lambda f=files: read_workbook(f["lo"]), 1),
                "log_rows": s * 20,
            }
    (HERE / "results.json").write_text(json.dumps(results, indent=2))
    print(report(results))


def report(r: dict[str, Any]) -> str:
    lines = []
    st = r["startup"]
    lines.append("Start-up")
    lines.append(f"  python -c pass        {st['python_pass']:8.3f} s")
    lines.append(
        f"  sla-workbook --help   {st['help']:8.3f} s   "
        f"ratio {st['help'] / st['python_pass']:5.1f}x  (target <= 4x)"
    )
    lines.append(f"  generate (blank)      {r['generate_blank']:8.3f} s")
    lines.append(
        f"  validate (the sample) {r['validate_sample']:8.3f} s   "
        "(samples/plan.yaml as generated; target <= 0.6 s)"
    )
    for name in SIZES:
        if name not in r:
            continue
        x = r[name]
        lines.append("")
        lines.append(
            f"{name}: {SIZES[name][0]} segments x {SIZES[name][1]} channels, "
            f"{SIZES[name][2]} log rows ({x['cells']:.0f} non-empty cells)"
        )
        rows = [
            (
                "generate --plan (CLI)",
                x["generate_plan"],
                x["xlsxwriter_floor"],
                "XlsxWriter floor",
                2,
            ),
            (
                "validate, LO-saved (CLI)",
                x["validate_lo"],
                x["calamine_process"],
                "calamine process",
                6,
            ),
            (
                "validate, LO-saved (CLI)",
                x["validate_lo"],
                x["calamine_floor"],
                "calamine floor",
                3,
            ),
            (
                "validate, openpyxl-saved",
                x["validate_openpyxl"],
                x["calamine_floor"],
                "calamine floor",
                None,
            ),
            ("read_workbook", x["read_workbook"], x["calamine_floor"], "calamine floor", None),
            ("engine compute", x["engine"], None, "", None),
            (
                "openpyxl read_only values",
                x["openpyxl_values"],
                x["calamine_floor"],
                "calamine floor",
                None,
            ),
            (
                "openpyxl read_only formulas",
                x["openpyxl_formulas"],
                x["calamine_floor"],
                "calamine floor",
                None,
            ),
            ("XlsxWriter floor", x["xlsxwriter_floor"], None, "", None),
            ("calamine floor", x["calamine_floor"], None, "", None),
            ("calamine, fresh process", x["calamine_process"], None, "", None),
        ]
        for label, value, base, base_name, target in rows:
            ratio = f"{value / base:6.1f}x {base_name}" if base else ""
            goal = f" (target <= {target}x)" if target else ""
            lines.append(f"  {label:<28} {value:8.3f} s  {ratio}{goal}")
        if "lo_recalc" in x:
            lines.append(f"  LibreOffice load             {x['lo_load']:8.3f} s")
            lines.append(f"  LibreOffice calculateAll()   {x['lo_recalc']:8.3f} s")
            lines.append(f"  Gnumeric ssconvert           {x['gnumeric_load']:8.3f} s")
            lines.append(
                f"  Gnumeric ssconvert --recalc  {x['gnumeric_recalc']:8.3f} s  "
                f"(recalc share {(x['gnumeric_recalc'] - x['gnumeric_load']):.3f} s)"
            )
    if "scaling" in r:
        lines.append("")
        lines.append("Scaling (4 channels, 20 log rows per segment)")
        lines.append("  segments  generate  read_workbook  validate")
        for s, x in r["scaling"].items():
            lines.append(
                f"  {s:>8}  {x['generate_plan']:8.3f}  {x['read_workbook']:13.3f}  "
                f"{x['validate_lo']:8.3f}"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
