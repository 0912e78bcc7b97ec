"""``sla-workbook calibrate`` through click's runner: the plan round trip (compute,
generate --plan, validate), JSON plans, --into a filled workbook, errors and exit codes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from sla_workbook import compute, load_plan
from sla_workbook.cli import main
from sla_workbook.crm.calibrate import calibrate
from sla_workbook.reading.reader import read_workbook

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "samples" / "hubspot-contacts.csv"
MAP = ROOT / "samples" / "crm-map.yaml"
PLAN = ROOT / "samples" / "plan.yaml"
AS_OF = ("--as-of", "2028-01-01", "--months", "12")


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_plan_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "calibrated.yaml"
    code, text, err = run("calibrate", EXPORT, "--map", MAP, "--plan", PLAN, *AS_OF, "-o", out)
    assert code == 0, err
    assert err == f"wrote {out}\n"
    assert "close rate" in text and "warning(s):" in text
    plan = load_plan(out)
    cal = calibrate(EXPORT, MAP, PLAN, as_of=dt.date(2028, 1, 1), months=12)
    prices = dict(zip(plan.segments["segment"], plan.segments["avg_price"], strict=True))
    for e in cal.values("avg_price"):
        assert prices[e.segment] == e.value
    rates = plan.channel_inputs.set_index(["segment", "channel"])["close_rate"]
    for e in cal.values("close_rate"):
        assert rates[(e.segment, e.channel)] == e.value
    # everything else unchanged: targets, log, tracker, comments
    before = load_plan(PLAN)
    assert plan.targets.equals(before.targets) and plan.log.equals(before.log)
    assert plan.track_asof == before.track_asof
    written = out.read_text()
    assert "# Leads delivered so far" in written and "-- average deal size (step 2)" in written
    assert "95% CI" in written and "calibrated 2028-01-01" in written
    # each comment names the value it replaced: the user's own "60%" is now history
    line = next(x for x in written.splitlines() if "marketing_share" in x)
    assert "calibrated 2028-01-01 (was 0.6000): n=11 deals" in line
    assert line.endswith("-- 60% of revenue is marketing-sourced (step 3)")
    # the calibrated plan computes, generates, and validates
    assert compute(plan).sla["leads"].notna().all()
    code, _, err = run("compute", out)
    assert code == 0, err
    book = tmp_path / "book.xlsx"
    code, _, err = run("generate", book, "--plan", out)
    assert code == 0, err
    code, report, _ = run("validate", book)
    assert code == 0, report


def test_json_output_is_the_api_result(tmp_path: Path) -> None:
    out = tmp_path / "c.yaml"
    code, text, _ = run(
        "calibrate", EXPORT, "--map", MAP, "--plan", PLAN, *AS_OF, "-o", out, "--format", "json"
    )
    assert code == 0
    got = json.loads(text)
    cal = calibrate(EXPORT, MAP, str(PLAN), as_of=dt.date(2028, 1, 1), months=12)
    expected = json.loads(json.dumps(cal.to_dict()))
    assert got["output"] == {"path": str(out), "kind": "yaml", "values": 21}
    got["output"] = None
    assert got == expected
    value = got["values"][0]
    assert {"previous", "new", "change", "n", "interval", "source", "note"} <= set(value)


def test_json_plans_stay_json(tmp_path: Path) -> None:
    plan = load_plan(PLAN)
    assert plan.year == 2027
    raw = {
        "year": 2027,
        "channels": [
            {"name": n, "team": t}
            for n, t in (("Inbound", "marketing"), ("Events", "marketing"), ("Outbound", "sales"))
        ],
        "segments": [
            {
                "name": s,
                "avg_price": 1000,
                "marketing_share": 0.5,
                "targets": [1000] * 12,
                "close_rate": {"Inbound": 0.1, "Events": 0.1, "Outbound": 0.1},
                "channel_mix": {"Inbound": 0.5, "Events": 0.5},
            }
            for s in ("North America", "EMEA", "APAC")
        ],
    }
    src = tmp_path / "plan.json"
    src.write_text(json.dumps(raw))
    code, _, err = run(
        "calibrate", EXPORT, "--map", MAP, "--plan", src, *AS_OF, "-o", tmp_path / "c.yaml"
    )
    assert code == 2 and "the plan is JSON" in err
    out = tmp_path / "c.json"
    code, _, err = run("calibrate", EXPORT, "--map", MAP, "--plan", src, *AS_OF, "-o", out)
    assert code == 0, err
    data = json.loads(out.read_text())
    assert list(data) == list(raw) and data["segments"][0]["targets"] == [1000] * 12
    assert data["segments"][0]["avg_price"] != 1000
    load_plan(out)


def test_into_a_filled_workbook(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    assert run("generate", book, "--plan", PLAN)[0] == 0
    before = book.read_bytes()
    new = tmp_path / "new.xlsx"
    code, text, err = run(
        "calibrate", EXPORT, "--map", MAP, "--into", book, "--out", new, *AS_OF, "--format", "json"
    )
    assert code == 0, err
    assert book.read_bytes() == before  # never changed
    got = json.loads(text)
    assert got["output"]["kind"] == "workbook" and got["output"]["lost"] == []
    # the workbook's inputs are the calibrated plan's
    yaml_out = tmp_path / "c.yaml"
    assert run("calibrate", EXPORT, "--map", MAP, "--plan", PLAN, *AS_OF, "-o", yaml_out)[0] == 0
    wb = read_workbook(new)
    ours, theirs = wb.yours.plan, load_plan(yaml_out)
    assert ours.segments.equals(theirs.segments)
    assert ours.channel_inputs.equals(theirs.channel_inputs)
    assert ours.targets.equals(theirs.targets)
    assert len(ours.log) == len(theirs.log)
    code, report, _ = run("validate", new)
    assert code == 0, report


def test_into_a_blank_workbook_fills_a_single_channel_mix(tmp_path: Path) -> None:
    """A blank book's sales team has one channel whose mix cell is empty; calibrate writes
    1 there (the spec's W = 1), so the mix is not reported missing afterwards."""
    book = tmp_path / "blank.xlsx"
    channels = ["--channel", "Inbound=marketing", "--channel", "Events=marketing"]
    channels += ["--channel", "Outbound=sales"]
    segments = ["--segments", "North America,EMEA,APAC", "--year", "2027"]
    assert run("generate", book, *segments, *channels)[0] == 0
    new = tmp_path / "new.xlsx"
    code, _, err = run("calibrate", EXPORT, "--map", MAP, "--into", book, "--out", new, *AS_OF)
    assert code == 0, err
    mix = read_workbook(new).yours.plan.channel_inputs
    assert (mix.loc[mix["channel"] == "Outbound", "mix"] == 1.0).all()
    code, out, _ = run("validate", new, "--format", "json")
    findings = json.loads(out)["findings"]
    assert not [f for f in findings if f["code"] == "input-missing" and "mix" in f["message"]]


def test_into_refuses_a_loss(tmp_path: Path) -> None:
    import openpyxl

    book = tmp_path / "book.xlsx"
    assert run("generate", book, "--plan", PLAN)[0] == 0
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("My notes")["A1"] = "keep me"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    new = tmp_path / "new.xlsx"
    code, _, err = run("calibrate", EXPORT, "--map", MAP, "--into", edited, "--out", new, *AS_OF)
    assert code == 1 and "My notes" in err and not new.exists()
    code, _, err = run(
        "calibrate", EXPORT, "--map", MAP, "--into", edited, "--out", new, *AS_OF, "--force"
    )
    assert code == 0 and new.exists() and "warning: not carried over" in err


def test_kept_values_are_not_counted_as_calibrated(tmp_path: Path) -> None:
    """Three months of the sample: some rates keep the plan's value (no leads); the count
    of calibrated values leaves them out, and their comment says kept, without 'was'."""
    out = tmp_path / "c.yaml"
    code, text, err = run(
        "calibrate", EXPORT, "--map", MAP, "--plan", PLAN, "--as-of", "2028-01-01",
        "--months", "3", "-o", out, "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    got = json.loads(text)
    kept = [v for v in got["values"] if v["source"] == "plan"]
    assert kept and got["output"]["values"] == len(got["values"]) - len(kept)
    assert "calibrated 2028-01-01: kept (no leads in the window)" in out.read_text()


def test_usage_errors_and_exit_codes(tmp_path: Path) -> None:
    out = tmp_path / "o.yaml"
    base = ("calibrate", EXPORT, "--map", MAP)
    code, _, err = run(*base, *AS_OF, "-o", out)
    assert code == 2 and "--plan PLAN" in err
    code, _, err = run(*base, "--plan", PLAN, *AS_OF)
    assert code == 2 and "-o OUT" in err
    code, _, err = run(*base, "--plan", PLAN, "--as-of", "1/1/2028", "-o", out)
    assert code == 2 and "is not a date" in err
    code, _, err = run(*base, "--plan", PLAN, *AS_OF, "--cohort-lag", "400", "-o", out)
    assert code == 2 and "--cohort-lag" in err
    code, _, err = run(*base, "--plan", PLAN, *AS_OF, "-o", PLAN)
    assert code == 4 and "is also an input" in err
    code, _, err = run(
        "calibrate", tmp_path / "nope.csv", "--map", MAP, "--plan", PLAN, *AS_OF, "-o", out
    )
    assert code == 2 and err == f"error: {tmp_path / 'nope.csv'}: no such file\n"
    bad_plan = tmp_path / "bad.yaml"
    bad_plan.write_text("year: 2027\nsegments: []\n")
    code, _, err = run(*base, "--plan", bad_plan, *AS_OF, "-o", out)
    assert code == 2 and err.startswith(f"error: {bad_plan}: ")
    assert "Traceback" not in err
    out.write_text("x")
    code, _, err = run(*base, "--plan", PLAN, *AS_OF, "-o", out)
    assert code == 4 and "already exists" in err


def test_help_loads_neither_pandas_nor_duckdb() -> None:
    code = (
        "import sys\n"
        "from sla_workbook.cli import main\n"
        "try:\n    main(['calibrate', '--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'pandas' not in sys.modules and 'duckdb' not in sys.modules\n"
        "assert 'ruamel' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_readme_tour_line() -> None:
    readme = (ROOT / "README.md").read_text()
    assert (
        "sla-workbook calibrate samples/hubspot-contacts.csv --map samples/crm-map.yaml \\\n"
        "    --plan samples/plan.yaml --as-of 2028-01-01 --months 12 -o out/plan-calibrated.yaml"
    ) in readme
