"""`sla-workbook report`: the daily summary's figures (hand-worked), its formats and its CLI.

The browser test is in test_report_browser.py, the LibreOffice-filled workbooks in
test_report_filled.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sla_workbook import compute, load_plan, parse_plan
from sla_workbook.cli import main
from sla_workbook.report.daily import DailyReport, build, needed_per_day, status_of, with_period
from sla_workbook.report.daily_markdown import render_markdown
from sla_workbook.report.daily_text import WIDTH, render_text
from sla_workbook.report.daily_words import parse_num, rounded, words
from tests.plans import plan_dict
from tests.workbooks import make

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "plan.yaml"
SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text())


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def report_of(data: dict[str, Any], **period: Any) -> DailyReport:
    plan = with_period(parse_plan(data), period.get("month"), period.get("as_of"))
    doc = build(compute(plan), language=period.get("lang", "en"))
    jsonschema.validate(json.loads(json.dumps(doc.to_dict())), SCHEMA)
    return doc


def rows(doc: DailyReport) -> dict[str, Any]:
    return {r.name: r for r in [*doc.channels, *doc.teams]}


def log(*entries: tuple[str, str, int]) -> list[dict[str, Any]]:
    return [{"date": d, "segment": "North", "channel": c, "leads": n} for d, c, n in entries]


# BASE plan: January's SLA is 120 Marketing leads (100000 * 0.6 / 10000 / 0.05) and 20
# Sales leads (100000 * 0.4 / 10000 / 0.2); every other month's target is 0.

# -- hand-worked cases -----------------------------------------------------------------


def test_last_day_of_the_month() -> None:
    data = plan_dict(log=log(("2027-01-10", "Marketing", 60), ("2027-01-10", "Sales", 25)))
    doc = report_of(data, as_of=dt.date(2027, 1, 31))
    assert (doc.days_in_month, doc.days_elapsed, doc.days_left) == (31, 31, 0)
    mkt, sales = rows(doc)["Marketing"], rows(doc)["Sales"]
    # 60 of 120: 60 still needed, and no day left to spread them over
    assert (mkt.sla, mkt.mtd, mkt.plan_to_date, mkt.pace) == (120, 60, 120, 0.5)
    assert mkt.still_needed == 60 and mkt.needed_per_day is None
    assert "month-over" in mkt.notes and mkt.status == "behind"
    assert mkt.projected == 60 and mkt.projected_gap == -60
    # 25 of 20: nothing needed, 0 a day, ahead
    assert (sales.still_needed, sales.needed_per_day, sales.status) == (0, 0, "ahead")
    text = " ".join(render_text(doc).split())  # sentences are wrapped at 100 columns
    assert "the month is over [1]" in text and "[1] No day is left" in text


def test_asof_on_the_first() -> None:
    data = plan_dict(log=log(("2027-01-01", "Marketing", 5)))
    doc = report_of(data, as_of=dt.date(2027, 1, 1))
    assert (doc.days_elapsed, doc.days_left) == (1, 30)
    mkt, sales = rows(doc)["Marketing"], rows(doc)["Sales"]
    assert mkt.plan_to_date == pytest.approx(120 / 31)
    assert mkt.pace == pytest.approx(5 / (120 / 31)) and mkt.status == "ahead"
    assert mkt.still_needed == 115 and mkt.needed_per_day == 4  # 115 / 30 = 3.83 -> 4
    assert sales.mtd == 0 and sales.pace == 0 and sales.status == "behind"
    assert sales.needed_per_day == 1  # 20 / 30 = 0.67 -> 1
    assert sales.projected == 0


def test_month_with_no_log() -> None:
    doc = report_of(plan_dict(track={"month": 1}))
    assert doc.tracker_notes == ["no-asof"] and doc.as_of is None and doc.days_left is None
    mkt = rows(doc)["Marketing"]
    assert mkt.sla == 120  # the month's SLA is still shown
    assert [mkt.mtd, mkt.plan_to_date, mkt.pace, mkt.still_needed, mkt.needed_per_day] == [None] * 5
    assert mkt.status is None and doc.behind == []
    text = render_text(doc)
    assert "Marketing: SLA 120 leads for January; month to date n/a [1]." in " ".join(text.split())
    assert " 0 " not in text.split("Per channel and team")[1].split("Furthest")[0]
    # as of a date with nothing logged: 0 so far, everything still needed
    doc = report_of(plan_dict(), as_of=dt.date(2027, 1, 15))
    mkt = rows(doc)["Marketing"]
    assert (mkt.mtd, mkt.pace, mkt.status, mkt.still_needed) == (0, 0, "behind", 120)
    assert mkt.needed_per_day == 8  # 120 / 16 days left = 7.5 -> 8
    assert [(r.segment, r.channel) for r in doc.behind] == [
        ("North", "Marketing"),
        ("North", "Sales"),
    ]


def test_month_with_blank_sla() -> None:
    plan = parse_plan(plan_dict(log=log(("2027-01-05", "Marketing", 3))))
    targets = plan.targets.copy()
    targets["target"] = targets["target"].astype("Float64")
    targets.loc[targets["month"] == 1, "target"] = pd.NA
    plan = dataclasses.replace(plan, targets=targets, track_month=1)
    result = compute(plan)
    assert result.tracker["sla"].tolist()[:2] == [0, 0]  # the engine sums blanks as 0
    doc = build(result)
    jsonschema.validate(json.loads(json.dumps(doc.to_dict())), SCHEMA)
    for row in rows(doc).values():
        assert row.sla is None and row.plan_to_date is None and row.status is None
        assert "sla-blank" in row.notes
    assert rows(doc)["Marketing"].mtd == 3
    assert doc.unranked == 2 and doc.behind == []
    # no plan line at 0 for an SLA shown n/a; the actual leads are still drawn
    assert all(v is None for s in doc.series for v in s.daily_plan)
    assert doc.series[0].daily_actual[4] == 3
    text = render_text(doc)
    assert "Marketing [1]" in text and "[1] Every SLA cell summed here is blank" in text


def test_asof_outside_the_month_is_named() -> None:
    plan = dataclasses.replace(load_plan(SAMPLE), track_month=2)  # as of 12 January
    doc = build(compute(plan))
    assert doc.tracker_notes == ["asof-outside"] and doc.behind == []
    text = " ".join(render_text(doc).split())
    assert "February 2027: the as-of date is outside this month" in text
    assert "[1] The as-of date 12 January 2027 is not in the tracked month" in text
    # nothing could be ranked: n/a with the reason, not "nobody is behind"
    assert "Furthest behind plan to date n/a [1]" in text and "No Region" not in text
    es = " ".join(render_text(build(compute(plan), language="es")).split())
    assert "La fecha de corte 12 de enero de 2027 no está" in es


def test_a_plan_without_segments_shows_no_zero_sla() -> None:
    # a blank workbook: no segment row at all, so every SLA is a sum of nothing
    plan = parse_plan(plan_dict(track={"month": 1}))
    plan = dataclasses.replace(plan, segments=plan.segments.iloc[0:0])
    doc = build(compute(plan))
    jsonschema.validate(json.loads(json.dumps(doc.to_dict())), SCHEMA)
    for row in rows(doc).values():
        assert row.sla is None and "sla-blank" in row.notes
    assert "SLA n/a leads for January" in " ".join(render_text(doc).split())


def test_no_plan_to_date_is_not_a_failure() -> None:
    data = plan_dict(log=log(("2027-02-05", "Marketing", 4)), track={"month": 2})
    mkt = rows(report_of(data))["Marketing"]
    assert (mkt.sla, mkt.plan_to_date, mkt.pace, mkt.status) == (0, 0, None, None)
    assert mkt.still_needed == 0 and mkt.needed_per_day == 0 and "no-plan" in mkt.notes


def test_status_and_per_day_rules() -> None:
    assert [status_of(p) for p in (None, 0.0, 0.7999, 0.8, 0.9999, 1.0, 3.0)] == [
        None,
        "behind",
        "behind",
        "on_track",
        "on_track",
        "ahead",
        "ahead",
    ]
    assert needed_per_day(30, 10) == 3 and needed_per_day(31, 10) == 4
    assert needed_per_day(0.9 / 0.03 * 10, 10) == 30  # float noise does not round up
    assert needed_per_day(0, 0) == 0 and needed_per_day(5, 0) is None
    assert needed_per_day(None, 3) is None


def test_shortfall_ranking_top_five_in_plan_order() -> None:
    segments = [
        dict(plan_dict()["segments"][0], name=name, targets=[100000] + [0] * 11)
        for name in ("A", "B", "C", "D")
    ]
    entries = [{"date": "2027-01-10", "segment": "B", "channel": "Marketing", "leads": 30}]
    doc = report_of(
        plan_dict(segments=segments, log=entries, track={"month": 1, "asof": "2027-01-10"})
    )
    got = [(r.segment, r.channel) for r in doc.behind]
    # Marketing rows owe 120 * 10 / 31 = 38.7 each (B has 30: 8.7 short); Sales rows 6.5
    assert got == [
        ("A", "Marketing"),
        ("C", "Marketing"),
        ("D", "Marketing"),
        ("B", "Marketing"),
        ("A", "Sales"),
    ]
    assert doc.behind[0].shortfall == pytest.approx(120 * 10 / 31)


def test_override_changes_only_the_report(tmp_path: Path) -> None:
    plan = load_plan(SAMPLE)
    assert with_period(plan, 2, None).track_asof is None
    assert with_period(plan, None, dt.date(2027, 3, 4)).track_month == 3
    book = make(tmp_path, "s.xlsx", plan=plan, rows=3)
    before = book.read_bytes()
    code, out, err = run("report", str(book), "--as-of", "2027-01-20", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["month"], doc["as_of"], doc["days_left"]) == (1, "2027-01-20", 11)
    assert book.read_bytes() == before


# -- the figures are the engine's ------------------------------------------------------


def _floats(series: Any) -> np.ndarray:
    return series.to_numpy(dtype=float, na_value=np.nan)


def test_json_is_the_engine_tracker() -> None:
    code, out, _ = run("report", str(SAMPLE), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    tracker = compute(load_plan(SAMPLE)).tracker
    got = doc["channels"] + doc["teams"]
    assert [r["name"] for r in got] == tracker["name"].tolist()
    for column in ("sla", "mtd", "plan_to_date", "pace", "projected"):
        want = _floats(tracker[column])
        have = np.array([np.nan if r[column] is None else r[column] for r in got])
        np.testing.assert_array_equal(have, want, err_msg=column)
    assert doc["teams"][0]["share"] == pytest.approx(49 / 607)


def _md_tables(text: str) -> list[list[list[str]]]:
    """Every table of a Markdown document, as rows of cell texts (header first)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    tables: list[list[list[str]]] = []
    row: list[str] = []
    inside = False
    for tok in tokens:
        if tok.type in ("table_open", "table_close"):
            inside = tok.type == "table_open"
            if inside:
                tables.append([])
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and inside:
            row.append(_plain(tok))
        elif tok.type == "tr_close":
            tables[-1].append(row)
    return tables


def _plain(tok: Any) -> str:
    return "".join(c.content for c in tok.children or [] if c.type in ("text", "code_inline"))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_markdown_tables_read_back_to_the_json(lang: str) -> None:
    _, out, _ = run("report", str(SAMPLE), "--format", "json", "--lang", lang)
    doc = json.loads(out)
    _, md, _ = run("report", str(SAMPLE), "--format", "markdown", "--lang", lang)
    tables = _md_tables(md)
    # the sales side's table only when the engine's tracker has it (template version 2)
    assert len(tables) == (3 if doc["sales"] is None else 4)
    track, behind, ytd = tables[:3]
    w = words(lang)
    assert track[0][:4] == [w["col_channel"], w["col_sla"], w["col_mtd"], w["col_plan"]]
    by_label = {r[0]: r for r in track[1:]}
    team_words = {"marketing": w["team_marketing"], "sales": w["team_sales"]}
    expected = {r["name"]: r for r in doc["channels"]}
    expected.update({w["team_row"].format(team=team_words[r["name"]]): r for r in doc["teams"]})
    assert set(by_label) == set(expected)
    keys = ("sla", "mtd", "plan_to_date", "pace", "projected", "still_needed", "needed_per_day")
    for label, row in expected.items():
        for key, cell in zip(keys, by_label[label][1:], strict=False):
            value = parse_num(cell, lang)
            if key == "pace":
                assert value == pytest.approx(rounded(row[key] * 100) / 100), (label, key)
            else:
                assert value == rounded(row[key]), (label, key)
        assert by_label[label][-1] == w["status"][row["status"]]
    assert [(r[0], r[1]) for r in behind[1:]] == [
        (b["segment"], b["channel"]) for b in doc["behind"]
    ]
    for cells, b in zip(behind[1:], doc["behind"], strict=True):
        assert parse_num(cells[5], lang) == rounded(b["shortfall"])
    for cells, y in zip(ytd[1:], doc["year_to_date"], strict=True):
        assert parse_num(cells[1], lang) == y["actual"] and parse_num(cells[2], lang) == y["sla"]
    if doc["sales"] is not None:
        got = {r[0]: r for r in tables[3][1:]}
        for row in doc["sales"]:
            label = row["name"]
            if row["level"] == "team":
                label = w["team_row"].format(team=team_words[row["name"]])
            cells = got[label]
            shown = (cells[1], cells[2], cells[4], cells[5])
            keys = ("followup_rate", "followup_target", "attempts_per_lead", "attempts_target")
            for key, cell in zip(keys, shown, strict=True):
                value = row[key]
                if value is None:
                    assert parse_num(cell, lang) is None, (label, key)
                elif key.startswith("followup"):
                    assert parse_num(cell, lang) == pytest.approx(rounded(value * 100, 1) / 100)
                else:
                    assert parse_num(cell, lang) == pytest.approx(rounded(value, 1)), label


# -- formats and the command line ------------------------------------------------------


def test_text_fits_100_columns_with_long_names() -> None:
    long = "A very long channel name that goes on and on"
    data = plan_dict(
        channels=[{"name": long, "team": "marketing"}, {"name": "Sales", "team": "sales"}],
        segments=[dict(plan_dict()["segments"][0], close_rate={long: 0.05, "Sales": 0.2})],
        log=[{"date": "2027-01-03", "segment": "North", "channel": long, "leads": 2}],
        track={"month": 1},
    )
    for lang in ("en", "es"):
        text = render_text(report_of(data, lang=lang))
        assert max(len(line) for line in text.splitlines()) <= WIDTH
        assert "A very long channel name" in text


def test_spanish_words() -> None:
    code, out, _ = run("report", str(SAMPLE), "--lang", "es")
    assert code == 0
    assert "Ventas: 9 de 228 leads" in out and "Enero de 2027" in out and "retrasado" in out
    for english in ("behind", "Per channel", "Year to date", " short", "left"):
        assert english not in out


def test_workbook_source_uses_its_language(tmp_path: Path) -> None:
    from sla_workbook.workbook.generator import GenerateOptions, generate

    book = generate(
        tmp_path / "es.xlsx", GenerateOptions(lang="es", plan=load_plan(SAMPLE), rows=3)
    )
    code, out, err = run("report", str(book))
    assert code == 0, err
    assert "Ventas: 9 de 228 leads" in out
    assert "Sales: 9 of 228" in run("report", str(book), "--lang", "en")[1]


def test_markdown_file_writes_its_charts(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    code, _, err = run("report", str(SAMPLE), "-o", str(out))
    assert code == 0, err
    text = out.read_text()
    assert "![Cumulative leads in January vs plan](report-daily.png)" in text
    for name in ("report-daily.png", "report-monthly.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the same rules as generate: no replacing without --force, for the charts too
    (tmp_path / "report.md").unlink()
    code, _, err = run("report", str(SAMPLE), "-o", str(out))
    assert code == 4 and "report-daily.png: already exists (use --force" in err
    assert not out.exists()
    assert run("report", str(SAMPLE), "-o", str(out), "--force")[0] == 0


def test_output_rules_and_one_line_errors(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert run("report", str(SAMPLE), "-o", str(out))[0] == 0
    json.loads(out.read_text())  # the format follows -o's extension
    code, _, err = run("report", str(SAMPLE), "-o", str(out))
    assert code == 4 and err.count("\n") == 1 and "already exists" in err
    code, _, err = run("report", str(SAMPLE), "-o", str(SAMPLE), "--force")
    assert code == 4 and "is also an input file" in err
    code, _, err = run("report", str(tmp_path / "missing.xlsx"))
    assert code == 3 and err.startswith("error: ") and "missing.xlsx" in err
    code, _, err = run("report", str(SAMPLE), "--month", "2", "--as-of", "2027-01-04")
    assert code == 2 and "not in month 2" in err
    code, _, err = run("report", str(SAMPLE), "--as-of", "2026-01-04")
    assert code == 2 and "plan year 2027" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: 2027\nsegments: []\n")
    code, _, err = run("report", str(bad))
    assert code == 3 and "bad.yaml" in err and "Traceback" not in err


def test_without_matplotlib_html_fails_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    code, out, err = run("report", str(SAMPLE), "--format", "html")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "pip install 'sla-workbook[report]'" in err
    code, _, err = run("report", str(SAMPLE), "-o", str(tmp_path / "r.md"))
    assert code == 2 and "matplotlib" in err and not (tmp_path / "r.md").exists()
    # formats without charts still work
    assert run("report", str(SAMPLE), "--format", "markdown")[0] == 0
    assert run("report", str(SAMPLE))[0] == 0


def test_html_is_self_contained() -> None:
    code, html, _ = run("report", str(SAMPLE), "--format", "html")
    assert code == 0
    assert html.count("<svg") == 2 and "<script" not in html.lower()
    for remote in ('src="http', 'href="http', "@import", "<link", "<img", "<iframe"):
        assert remote not in html
    assert re.findall(r"url\((?!#)", html) == []  # only the SVGs' own clip paths
    assert "@page{size:A4 landscape" in html and "@media (max-width:" in html
    # each chart has a title, axis labels and a legend, in the report's language
    for lang, want in (
        ("en", ["Cumulative leads in January vs plan", "Monthly SLA vs actual leads, 2027"]),
        ("es", ["Leads acumulados en enero frente al plan", "SLA mensual frente a leads"]),
    ):
        page = run("report", str(SAMPLE), "--format", "html", "--lang", lang)[1]
        w = words(lang)
        charts = page.split("<svg")[1:]
        for chart, title in zip(charts, want, strict=True):
            assert title in chart and f">{w['chart_leads']}<" in chart.replace(" <", "<")
            assert w["chart_actual"].format(team=w["team_sales"]) in chart
        assert f"{w['chart_day']}" in charts[0]


# -- the sales side (template version 2) -----------------------------------------------


def _with_sales(values: dict[str, list[float | None]]) -> DailyReport:
    result = compute(load_plan(SAMPLE))
    tracker = result.tracker.assign(**{k: pd.array(v, dtype="Float64") for k, v in values.items()})
    return build(dataclasses.replace(result, tracker=tracker))


def test_sales_side_shown_when_the_tracker_has_it() -> None:
    na = None
    doc = _with_sales(
        {
            "followup_rate": [0.9, 0.5, 0.7, 0.8, 0.7],
            "followup_target": [0.8, 0.8, na, 0.8, 0.8],
            "attempts_per_lead": [3.0, 2.0, 4.0, 2.5, 4.0],
            "attempts_target": [3.0, 3.0, 3.0, 3.0, 3.0],
        }
    )
    jsonschema.validate(json.loads(json.dumps(doc.to_dict())), SCHEMA)
    assert doc.sales is not None
    by_name = {r.name: r for r in doc.sales}
    assert (by_name["Inbound"].followup_status, by_name["Inbound"].attempts_status) == (
        "met",
        "met",
    )
    assert by_name["Events"].followup_status == "not_met"
    assert (
        by_name["Outbound"].followup_status is None and "sales-blank" in by_name["Outbound"].notes
    )
    text = render_text(doc)
    assert "Sales side: follow-up, month to date" in text
    line = next(ln for ln in text.splitlines() if ln.startswith("Outbound [1]"))
    assert "n/a" in line and "70.0%" in line and "4.0" in line
    md = render_markdown(doc)
    assert "## Sales side" in md and len(_md_tables(md)) == 4


def test_sales_side_met_is_compared_at_six_decimals() -> None:
    # a leads-weighted team target of 0.8 may be computed as 0.7999999999999999 and a rate
    # as 0.8000000000000002 the other way: the engine and the workbook round to 6 decimals
    doc = _with_sales(
        {
            "followup_rate": [0.7999999999999999, 0.8, 0.8, 0.8, 0.8],
            "followup_target": [0.8, 0.8000000000000002, 0.8, 0.8, 0.8],
            "attempts_per_lead": [3.0, 3.0, 2.9999994, 3.0, 3.0],
            "attempts_target": [3.0, 3.0, 3.0, 3.0, 3.0],
        }
    )
    assert doc.sales is not None
    by_name = {r.name: r for r in doc.sales}
    assert by_name["Inbound"].followup_status == "met"
    assert by_name["Events"].followup_status == "met"
    assert by_name["Outbound"].attempts_status == "not_met"  # 2.999999 at 6 decimals


def test_sales_side_left_out_when_absent_or_blank() -> None:
    doc = _with_sales(
        {
            c: [None] * 5
            for c in ("followup_rate", "followup_target", "attempts_per_lead", "attempts_target")
        }
    )
    assert doc.sales is None and "Sales side" not in render_text(doc)
    plain = build(compute(load_plan(SAMPLE)))
    if "followup_rate" not in compute(load_plan(SAMPLE)).tracker.columns:
        assert plain.sales is None


def test_report_strings_match_across_languages() -> None:
    en, es = words("en"), words("es")
    assert set(en) == set(es) and set(en["notes"]) == set(es["notes"])
    assert set(en["status"]) == set(es["status"])
