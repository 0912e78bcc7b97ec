"""make bench (CRM part): a 1,000,000-row HubSpot-style export into the lead log.

Generates (once, kept in bench/build/crm/) an export with 150 real HubSpot columns, then
measures wall time and peak memory (the child process's max RSS, from os.wait4) of:

- ``sla-workbook import EXPORT --map samples/crm-map.yaml --year 2027 --to LOG``: the CLI,
  start-up, date parsing in the map's time zone, mapping, summary and CSV included (the
  preset also reads "Number of times contacted": the log's attempts);
- the same import without follow-up columns (the map names the preset's date, segment
  and channel columns, no preset, so neither first contact nor attempts is read);
- the same import with first contact and attempts: the preset plus ``first_contact: Last
  Modified Date`` (the export has no "First outreach date"; any timestamp column costs the
  same) and ``--plan samples/plan.yaml`` for each channel's follow-up hours (worked);
- ``sla-workbook calibrate EXPORT --map samples/crm-map.yaml --plan samples/plan.yaml
  --as-of 2028-01-01 -o OUT``: the same pass plus customer dates, amounts, the windows,
  the estimates and the plan written (issue 11's target: within 2x the floor);
- DuckDB's own bare group-by on the same file (the floor): read_csv with all_varchar,
  group by the first 10 characters of the lead date, country and source, count(*);
- pandas.read_csv (the 3 columns only, as text) + groupby: the obvious alternative.

    python bench/crm.py [--rows 1000000] [--repeats 3] [--regen]

The export is generated with customer dates and deal amounts (for calibrate); one made
by an earlier version without them is regenerated.

Not part of `make test`. Results go to bench/crm-results.json and are printed as a table.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = HERE / "build" / "crm"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests.make_crm_exports import HUBSPOT_COLUMNS, hubspot_row  # noqa: E402

COLUMNS = HUBSPOT_COLUMNS[:150]
MAP = ROOT / "samples" / "crm-map.yaml"
PLAN = ROOT / "samples" / "plan.yaml"

FLOOR = """
import duckdb, sys
duckdb.sql(f'''
    SELECT left(coalesce(nullif("Became a Lead Date", ''), "Create Date"), 10) AS d,
           "Country/Region", "Original Source", count(*)
    FROM read_csv('{sys.argv[1]}', all_varchar = true)
    GROUP BY ALL''').fetchall()
"""

PANDAS = """
import pandas as pd, sys
cols = ["Create Date", "Became a Lead Date", "Country/Region", "Original Source"]
df = pd.read_csv(sys.argv[1], usecols=cols, dtype=str, keep_default_na=False)
day = df["Became a Lead Date"].where(df["Became a Lead Date"] != "", df["Create Date"]).str[:10]
df.assign(d=day).groupby(["d", "Country/Region", "Original Source"]).size()
"""


def generate(path: Path, rows: int) -> None:
    """Rows as the tests' generator makes them; a pool of 5,000 repeats with new ids and
    times, so generation takes seconds rather than minutes while every row differs."""
    rng = random.Random(1)
    pool = [hubspot_row(rng, i, 2027, COLUMNS) for i in range(5000)]
    won = random.Random(2)
    for row in pool:  # a fifth became customers within 60 days, with an amount
        customer = won.random() < 0.2
        row["Became a Customer Date"] = str(won.randint(1, 60)) if customer else ""
        row["Recent Deal Amount"] = f"{won.uniform(5000, 40000):.2f}" if customer else ""
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        minutes = 365 * 24 * 60
        for i in range(rows):
            row = dict(pool[i % len(pool)])
            row["Record ID"] = str(51_000_000 + i)
            t = (i * 7919) % minutes
            stamp = f"2027-{_month_day(t // 1440)} {t // 60 % 24:02d}:{t % 60:02d}"
            row["Create Date"] = stamp
            if row["Became a Lead Date"]:
                row["Became a Lead Date"] = stamp
            if row["Became a Customer Date"]:
                later = t + int(row["Became a Customer Date"]) * 1440
                row["Became a Customer Date"] = (
                    f"{2027 + later // minutes}-{_month_day(later % minutes // 1440)} "
                    f"{later // 60 % 24:02d}:{later % 60:02d}"
                )
            writer.writerow([row[c] for c in COLUMNS])
    tmp.replace(path)


def _has_customers(path: Path) -> bool:
    """Does the export carry customer dates (an older bench export does not)?"""
    with path.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
        where = header.index("Became a Customer Date")
        return any(row[where] for row, _ in zip(csv.reader(fh), range(2000), strict=False))


def _month_day(day_of_year: int) -> str:
    import datetime as dt

    return (dt.date(2027, 1, 1) + dt.timedelta(days=day_of_year)).strftime("%m-%d")


def follow_up_maps() -> tuple[Path, Path]:
    """Maps for the follow-up cases, from samples/crm-map.yaml: (none, first contact)."""
    import yaml

    base = yaml.safe_load(MAP.read_text(encoding="utf-8"))
    bare = {
        "columns": {
            "date": ["Became a Lead Date", "Create Date"],
            "segment": "Country/Region",
            "channel": "Original Source",
        },
        **{k: v for k, v in base.items() if k != "preset"},
    }
    first = {**base, "columns": {"first_contact": "Last Modified Date"}}
    paths = BUILD / "map-no-followup.yaml", BUILD / "map-first-contact.yaml"
    for path, data in zip(paths, (bare, first), strict=True):
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return paths


def measure(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err[-500:]}")
    return wall, usage.ru_maxrss / 1024  # Linux reports KB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--regen", action="store_true", help="generate the export again")
    args = ap.parse_args()
    BUILD.mkdir(parents=True, exist_ok=True)
    export = BUILD / f"hubspot-{args.rows}.csv"
    if args.regen or not export.exists() or not _has_customers(export):
        print(f"generating {export} ...", file=sys.stderr)
        t = time.perf_counter()
        generate(export, args.rows)
        print(f"  {time.perf_counter() - t:.1f} s", file=sys.stderr)
    log = BUILD / "log.csv"
    calibrated = BUILD / "plan-calibrated.yaml"
    no_followup, first_contact = follow_up_maps()
    cases = {
        "sla-workbook import": [
            str(BIN / "sla-workbook"), "import", str(export), "--map", str(MAP),
            "--year", "2027", "--to", str(log), "--force",
        ],
        "import, no follow-up columns": [
            str(BIN / "sla-workbook"), "import", str(export), "--map", str(no_followup),
            "--year", "2027", "--to", str(log), "--force",
        ],
        "import, first contact + attempts": [
            str(BIN / "sla-workbook"), "import", str(export), "--map", str(first_contact),
            "--year", "2027", "--plan", str(PLAN), "--to", str(log), "--force",
        ],
        "sla-workbook calibrate": [
            str(BIN / "sla-workbook"), "calibrate", str(export), "--map", str(MAP),
            "--plan", str(PLAN), "--as-of", "2028-01-01", "-o", str(calibrated), "--force",
        ],
        "duckdb floor": [sys.executable, "-c", FLOOR, str(export)],
        "pandas read_csv + groupby": [sys.executable, "-c", PANDAS, str(export)],
    }  # fmt: skip
    results: dict[str, Any] = {
        "rows": args.rows,
        "columns": len(COLUMNS),
        "file_mb": export.stat().st_size / 2**20,
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(args.repeats):  # interleaved, so a busy moment hits every case alike
        for name, cmd in cases.items():
            runs[name].append(measure(cmd))
            print(f"{name}: {runs[name][-1][0]:.2f} s", file=sys.stderr)
    for name, done in runs.items():
        results[name] = {
            "wall": statistics.median(r[0] for r in done),
            "peak_mb": max(r[1] for r in done),
            "runs": [round(r[0], 3) for r in done],
        }
    (HERE / "crm-results.json").write_text(json.dumps(results, indent=2))
    print(report(results))


def report(r: dict[str, Any]) -> str:
    floor = r["duckdb floor"]["wall"]
    lines = [
        f"CRM import: {r['rows']:,} rows x {r['columns']} columns ({r['file_mb']:.0f} MB CSV)",
        f"  {'case':<34} {'wall':>8}  {'ratio':>6}  {'peak memory':>11}",
    ]
    for name in (
        "sla-workbook import",
        "import, no follow-up columns",
        "import, first contact + attempts",
        "sla-workbook calibrate",
        "duckdb floor",
        "pandas read_csv + groupby",
    ):
        if name not in r:
            continue
        x = r[name]
        lines.append(
            f"  {name:<34} {x['wall']:7.2f}s  {x['wall'] / floor:5.2f}x  {x['peak_mb']:8.0f} MB"
        )
    lines.append("  targets: import within 1.5x the floor, calibrate within 2x, peak memory < 1 GB")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
