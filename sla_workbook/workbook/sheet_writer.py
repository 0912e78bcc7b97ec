"""Puts one sheet pair (targets + SLA) into an XlsxWriter workbook.

Cell positions: layout.py. Formula text: formulas.py. Cached values: sheet_values.py.
Looks: styles.py. This module walks the blocks and writes each cell once.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from ..model.plan import Plan, SlaResult
from . import data_validation
from .charts import add_charts
from .dates import serial
from .formulas import Formulas
from .layout import (
    S_CHANNEL_ROW,
    S_TEAM_ROW,
    T_HEADER,
    T_YEAR,
    TRACK_NAMES,
    TRACK_ROWS_V1,
    Block,
    Layout,
    build_layout,
    public_block,
    public_names,
)
from .sheet_values import SheetInputs, block_values, sheet_inputs

if TYPE_CHECKING:
    from .generator import Filled
from .strings import strings, team_words
from .styles import Styles
from .widths import fit_columns


def _q(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


class _Pair:
    def __init__(
        self,
        wb: Any,
        ws_t: Any,
        ws_s: Any,
        *,
        prefix: str,
        plan: Plan,
        result: SlaResult,
        n_rows: int,
        log_rows: int,
        lang: str,
        example: bool,
        currency: str,
        sheet_names: tuple[str, str],
        filled: Filled | None = None,
    ) -> None:
        self.wb, self.ws_t, self.ws_s = wb, ws_t, ws_s
        self.prefix, self.lang, self.example = prefix, lang, example
        self.text = strings(lang)
        self.words = team_words(lang)
        self.label = plan.segment_label
        self.filled = filled
        self.inp: SheetInputs = filled.inputs if filled else sheet_inputs(plan, n_rows)
        version = filled.version if filled else 2
        self.layout: Layout = build_layout(n_rows, len(self.inp.channels), log_rows, version)
        self.f = Formulas(self.layout, sheet_names[0], self.words["marketing"], self.words["sales"])
        self.values = block_values(self.inp, result, self.layout, self.words)
        self.st = Styles(
            wb,
            currency,
            self.text["check_format"],
            self.text["elapsed_format"],
            self.text["met_format"],
        )
        self.currency = currency
        self.sheet_names = sheet_names
        for ws in (ws_t, ws_s):
            # XlsxWriter runs ~30 regex substitutions per formula to add _xlfn. prefixes
            # to dynamic-array functions; ours use none (ALLOWED_FUNCTIONS, checked by a
            # test), so that is pure cost: 60% of generate time. Skipping it is safe: if
            # XlsxWriter renames this private hook, the override is merely unused.
            ws._prepare_formula = _prepare_formula

    # -- small writers ----------------------------------------------------------------
    def ws(self, b: Block) -> Any:
        return self.ws_t if b.role == "targets" else self.ws_s

    def formula_block(self, name: str, style: Any) -> None:
        """Every formula cell of a block, with its engine value cached (formulas.for_cell)."""
        b = self.layout[name]
        ws, vals = self.ws(b), self.values[name]
        for i in range(b.nrows):
            for j in range(b.ncols):
                formula = self.f.for_cell(name, i, j)
                if formula is not None:
                    ws.write_formula(b.row + i, b.col + j, formula, style, vals[i][j])

    def input_cell(self, ws: Any, row: int, col: int, value: Any, number: str) -> None:
        style = self.st.get("input", number)
        if self.filled is not None:  # a workbook rewritten: every input exactly as typed
            role = "targets" if ws is self.ws_t else "sla"
            value, formula = self.filled.typed.get((role, row, col), (None, None))
            if formula is not None:
                ws.write_formula(row, col, "=" + formula, style, _cached(value))
                return
            if isinstance(value, bool):
                ws.write_boolean(row, col, value, style)
                return
            if value is not None and not isinstance(value, int | float | str):
                value = str(value)  # an error value typed as a constant: kept as its text
        if value is None or (isinstance(value, float) and math.isnan(value)):
            ws.write_blank(row, col, None, style)
        elif isinstance(value, str):
            ws.write_string(row, col, value, style)  # user text is data, never a formula
        elif isinstance(value, dt.date):
            ws.write_number(row, col, serial(value), style)
        else:
            ws.write_number(row, col, float(value), style)

    def input_block(self, name: str, values: list[list[Any]], number: str) -> None:
        b = self.layout[name]
        for i in range(b.nrows):
            for j in range(b.ncols):
                self.input_cell(self.ws(b), b.row + i, b.col + j, values[i][j], number)

    def note(self, ws: Any, row: int, col: int, key: str) -> None:
        text = self.text["notes"][key].format(currency=self.currency, label=self.label.lower())
        ws.write_comment(row, col, text, {"x_scale": 2, "y_scale": 1.3, "font_size": 9})

    def add_data_validation(self) -> None:
        words = [self.words["marketing"], self.words["sales"]]
        rules = data_validation.rules(self.layout, words, self.sheet_names[0])
        for name, options in rules.items():
            if name not in self.layout.blocks:
                continue
            b = self.layout[name]
            last_row, last_col = b.row + b.nrows - 1, b.col + b.ncols - 1
            self.ws(b).data_validation(b.row, b.col, last_row, last_col, options)

    def define_names(self) -> None:
        for name in public_names(self.layout):
            b = public_block(self.layout, name)
            sheet = self.sheet_names[0 if b.role == "targets" else 1]
            self.wb.define_name(f"{self.prefix}{name}", f"={_q(sheet)}!{b.range_ref()}")

    def write(self) -> None:
        self.write_targets()
        self.write_sla_top()
        self.write_tables()
        self.write_tracker()
        self.write_log()
        add_charts(self.wb, self.ws_s, self.layout, self.sheet_names[1], self.text, self.words)
        if self.layout.version >= 2:
            from .followup_writer import write_followup

            write_followup(self)
        self.define_names()
        self.add_data_validation()
        for ws in (self.ws_t, self.ws_s):
            ws.protect("", {"format_columns": True, "format_rows": True})
            ws.set_landscape()
            ws.fit_to_pages(1, 0)
            ws.set_paper(9)
        # Print what a reader needs; the lead log (far right) stays on screen only.
        bottom = self.layout.marks["bottom"][0]
        self.ws_s.print_area(0, 0, bottom, max(self.layout["mix_ok"].col + 1, 17))
        self.ws_t.print_area(0, 0, self.layout["target_month_total"].row, 13)
        # Last: it measures every written cell and the print area. Months share one width.
        for ws, months in (
            (self.ws_t, self.layout["targets"]),
            (self.ws_s, self.layout["sla_leads"]),
        ):
            fit_columns(ws, self.st.number_formats, [range(months.col, months.col + 12)])
        if self.filled is not None:  # the user's own column widths, carried over
            for (role, col), width in self.filled.widths.items():
                ws = self.ws_t if role == "targets" else self.ws_s
                fitted = getattr(ws.col_info.get(col), "width", None) or 0  # in pixels
                if int(width * 7 + 0.5) + 5 > fitted:  # wider where the user widened
                    ws.set_column(col, col, width)

    def banner(self, ws: Any, last_col: int) -> None:
        """The example banner, its fill under the whole text (blank cells it runs over)."""
        ws.write_string(2, 0, self.text["example_banner"], self.st.get("banner"))
        for col in range(1, last_col + 1):
            ws.write_blank(2, col, None, self.st.get("banner"))

    # -- targets sheet ----------------------------------------------------------------
    def write_targets(self) -> None:
        ws, st, tx = self.ws_t, self.st, self.text
        ws.write_string(0, 0, tx["targets_title"], st.get("title"))
        ws.write_string(1, 0, tx["targets_intro"].format(label=self.label.lower()), st.get("intro"))
        if self.example:
            self.banner(ws, 13)
        ws.write_string(T_YEAR[0], 0, tx["year"], st.get("label"))
        self.input_cell(ws, *T_YEAR, self.inp.year, "year")
        self.note(ws, T_YEAR[0], 0, "year")
        head = st.get("header")
        ws.write_string(T_HEADER, 0, self.label, head)
        for m, name in enumerate(tx["months"]):
            ws.write_string(T_HEADER, 1 + m, name, head)
        ws.write_string(T_HEADER, 13, tx["year_total"], head)
        self.note(ws, T_HEADER, 0, "segments")
        self.note(ws, T_HEADER, 1, "targets")
        n = self.layout.n
        self.input_block("segments", [[name] for name in self.inp.names], "text")
        self.input_block("targets", self.inp.targets.tolist(), "money")
        self.formula_block("target_row_total", st.get("output", "money"))
        ws.write_string(T_HEADER + 1 + n, 0, tx["total"], st.get("total"))
        self.formula_block("target_month_total", st.get("total", "money"))
        ws.freeze_panes(T_HEADER + 1, 1)
        ws.repeat_rows(T_HEADER)

    # -- SLA sheet: channels and assumptions ------------------------------------------
    def write_sla_top(self) -> None:
        ws, st, tx, lay, k = self.ws_s, self.st, self.text, self.layout, self.layout.k
        ws.write_string(0, 0, tx["sla_title"], st.get("title"))
        ws.write_string(1, 0, tx["sla_intro"], st.get("intro"))
        if self.example:
            self.banner(ws, 16)
        ws.write_string(S_CHANNEL_ROW - 1, 0, tx["channels"], st.get("section"))
        ws.write_string(S_CHANNEL_ROW, 0, tx["channel"], st.get("label"))
        ws.write_string(S_TEAM_ROW, 0, tx["team"], st.get("label"))
        self.note(ws, S_CHANNEL_ROW, 0, "channels")
        self.note(ws, S_TEAM_ROW, 0, "channel_team")
        self.input_block("channels", [self.inp.channels], "text")
        self.input_block("channel_team", [[self.words.get(t, "") for t in self.inp.teams]], "text")

        assume_header = lay.marks["assume_header"][0]  # version 2 moves it down
        title = tx["assumptions"].format(label=self.label.lower())
        ws.write_string(assume_header - 1, 0, title, st.get("section"))
        head = st.get("header")
        detail = assume_header + 1
        for col, key in ((1, "avg_price"), (2, "marketing_share"), (3, "sales_share")):
            ws.write_string(detail, col, tx[key], head)
            ws.write_string(assume_header, col, "", head)
        ws.write_string(assume_header, 0, "", head)
        ws.write_string(detail, 0, self.label, head)
        self.note(ws, detail, 1, "avg_price")
        self.note(ws, detail, 2, "marketing_share")
        groups = (
            ("close_rate", "close_rate"),
            ("channel_mix", "channel_mix"),
            ("revenue_share", "revenue_share"),
            ("lead_value", "lead_value"),
        )
        for block, key in groups:
            b = lay[block]
            if k > 1:
                ws.merge_range(assume_header, b.col, assume_header, b.col + k - 1, tx[key], head)
            else:
                ws.write_string(assume_header, b.col, tx[key], head)
            for j in range(k):
                src = lay["channels"].ref(0, j, abs_row=True, abs_col=True)
                ws.write_formula(
                    detail, b.col + j, f'=IF({src}="","",{src})', head, self.inp.channels[j]
                )
        self.note(ws, detail, lay["close_rate"].col, "close_rate")
        self.note(ws, detail, lay["channel_mix"].col, "channel_mix")
        mo = lay["mix_ok"]
        ws.merge_range(assume_header, mo.col, assume_header, mo.col + 1, tx["mix_check"], head)
        ws.write_string(detail, mo.col, self.words["marketing"], head)
        ws.write_string(detail, mo.col + 1, self.words["sales"], head)

        out = st.get("output", "money")
        self.formula_block("assume_segment", st.get("label"))
        self.input_block("avg_price", [[v] for v in self.inp.price], "money")
        self.input_block("marketing_share", [[v] for v in self.inp.mshare], "percent")
        self.formula_block("sales_share", st.get("output", "percent"))
        self.input_block("close_rate", self.inp.rate.tolist(), "percent")
        self.input_block("channel_mix", self.inp.mix.tolist(), "percent")
        self.formula_block("revenue_share", st.get("output", "percent"))
        self.formula_block("lead_value", out)
        self.formula_block("mix_ok", st.get("output", "check"))
        ws.set_row(assume_header, 30)
        ws.set_row(assume_header + 1, 30)
        ws.freeze_panes(0, 1)

    # -- SLA sheet: the four N*K tables ----------------------------------------------
    def write_tables(self) -> None:
        ws, st, tx, lay = self.ws_s, self.st, self.text, self.layout
        sections = (
            ("sla_leads", "sla_section", "leads", True),
            ("sla_revenue", "revenue_section", "money", True),
            ("actual_leads", "actual_section", "leads", True),
            ("attainment", "attainment_section", "percent", False),
        )
        head = st.get("header")
        for table, title, number, totals in sections:
            sec = lay.marks[title.replace("sla_section", "sla_section")]
            ws.write_string(*sec, tx[title], st.get("section"))
            hrow = lay.marks[f"{table}_header"][0]
            labels = [self.label, tx["channel"], tx["team"], *tx["months"], tx["year_total"]]
            for j, label in enumerate(labels):
                ws.write_string(hrow, j, label, head)
            self.formula_block(f"{table}_keys", st.get("output"))
            self.formula_block(table, st.get("output", number))
            self.formula_block(f"{table}_year", st.get("total", number))
            if totals:
                tt = lay[f"{table}_team_total"]
                for t, team in enumerate(("marketing", "sales")):
                    label = tx["total_team"].format(team=self.words[team])
                    ws.write_string(tt.row + t, 0, label, st.get("total"))
                    ws.write_blank(tt.row + t, 1, None, st.get("total"))
                    ws.write_blank(tt.row + t, 2, None, st.get("total"))
                self.formula_block(f"{table}_team_total", st.get("total", number))
                gt = lay[f"{table}_total"]
                for j in range(3):
                    ws.write_string(gt.row, j, tx["total"] if j == 0 else "", st.get("total"))
                self.formula_block(f"{table}_total", st.get("total", number))
        hrow = lay.marks["sla_leads_header"][0]
        ws.write_string(hrow, 16, tx["channel_no"], st.get("helper"))
        ws.write_string(hrow, 17, tx["tracked_month"], st.get("helper"))
        b = lay["sla_channel_no"]
        for i in range(b.nrows):
            ws.write_number(b.row + i, b.col, self.values["sla_channel_no"][i][0], st.get("helper"))
        self.formula_block("sla_tracked", st.get("helper"))
        self.traffic_lights(lay["attainment"])
        self.write_elapsed()

    def write_elapsed(self) -> None:
        """Year-to-date attainment, and the row saying which months have happened."""
        ws, st, tx, lay = self.ws_s, self.st, self.text, self.layout
        ws.write_string(lay.marks["attainment_header"][0], 16, tx["ytd"], st.get("header"))
        self.formula_block("attainment_ytd", st.get("total", "percent"))
        self.traffic_lights(lay["attainment_ytd"])
        row, col = lay.marks["elapsed_label"]
        ws.write_string(row, col, tx["elapsed_label"], st.get("label"))
        self.note(ws, row, col, "elapsed")
        self.formula_block("elapsed_through", st.get("output", "date"))
        self.formula_block("month_elapsed", st.get("output", "elapsed"))

    def traffic_lights(self, b: Block) -> None:
        """Below 80% red, 80-100% amber, 100%+ green; blanks stay plain."""
        first = b.ref(0, 0)
        last_row, last_col = b.row + b.nrows - 1, b.col + b.ncols - 1
        rules = (
            (f"AND(ISNUMBER({first}),{first}<0.8)", "#FFC7CE", "#9C0006"),
            (f"AND(ISNUMBER({first}),{first}>=0.8,{first}<1)", "#FFEB9C", "#9C5700"),
            (f"AND(ISNUMBER({first}),{first}>=1)", "#C6EFCE", "#006100"),
        )
        for criteria, fill, font in rules:
            fmt = self.wb.add_format({"bg_color": fill, "font_color": font})
            self.ws_s.conditional_format(
                b.row,
                b.col,
                last_row,
                last_col,
                {"type": "formula", "criteria": "=" + criteria, "format": fmt},
            )

    # -- SLA sheet: tracker and daily data --------------------------------------------
    def write_tracker(self) -> None:
        ws, st, tx, lay, k = self.ws_s, self.st, self.text, self.layout, self.layout.k
        ws.write_string(*lay.marks["tracker_section"], tx["tracker_section"], st.get("section"))
        m, a = lay["track_month"], lay["track_asof"]
        ws.write_string(m.row, 0, tx["track_month"], st.get("label"))
        self.input_cell(ws, m.row, m.col, self.inp.track_month, "integer")
        self.note(ws, m.row, 0, "track_month")
        ws.write_string(a.row, 0, tx["track_asof"], st.get("label"))
        self.input_cell(ws, a.row, a.col, self.inp.track_asof, "date")
        self.note(ws, a.row, 0, "track_asof")
        derived = (
            ("track_date", "track_date", "date"),
            ("track_days", "track_days", "integer"),
            ("track_ok", None, ""),
        )
        for name, key, number in derived:
            if key:
                ws.write_string(lay[name].row, 0, tx[key], st.get("label"))
            self.formula_block(name, st.get("output", number) if key else st.get("helper"))
        head = st.get("header")
        hrow = lay.marks["tracker_header"][0]
        ws.write_string(hrow, 0, "", head)
        for j in range(k):
            src = lay["channels"].ref(0, j, abs_row=True, abs_col=True)
            ws.write_formula(hrow, 1 + j, f'=IF({src}="","",{src})', head, self.inp.channels[j])
        for t, team in enumerate(("marketing", "sales")):
            ws.write_string(hrow, 1 + k + t, tx["total_team"].format(team=self.words[team]), head)
        names = TRACK_NAMES
        for row_key, label in zip(TRACK_ROWS_V1, tx["track_rows"], strict=True):
            b = lay[names[row_key]]
            ws.write_string(b.row, 0, label, st.get("label"))
            number = {"pace": "percent", "plan_to_date": "leads"}.get(row_key, "leads")
            style = st.get("output", number)
            self.formula_block(names[row_key], style)
            self.formula_block(f"{names[row_key]}_team", style)
        pace = lay["track_pace"]
        self.traffic_lights(Block("pace", "sla", pace.row, pace.col, 1, k + 2, "output"))

        ws.write_string(*lay.marks["daily_section"], tx["daily_section"], st.get("section"))
        d = lay["daily"]
        ws.set_row(d.row - 1, 30)
        for j, key in enumerate(("day", "daily_plan", "daily_actual")):
            ws.write_string(d.row - 1, j, tx[key], head)
        for i in range(31):
            ws.write_number(d.row + i, 0, i + 1, st.get("output", "integer"))
        self.formula_block("daily", st.get("output", "leads"))

    # -- SLA sheet: lead log ----------------------------------------------------------
    def write_log(self) -> None:
        ws, st, tx, lay = self.ws_s, self.st, self.text, self.layout
        row, col = lay.marks["log_section"]
        ws.write_string(
            row, col, tx["log_section"].format(label=self.label.lower()), st.get("section")
        )
        head, helper = st.get("header"), st.get("helper")
        labels = {
            "log_date": tx["log_date"],
            "log_segment": self.label,
            "log_channel": tx["channel"],
            "log_leads": tx["log_leads"],
            "log_worked": tx.get("log_worked"),
            "log_attempts": tx.get("log_attempts"),
            "log_key": tx["log_key"],
            "log_track_channel": tx["log_track_channel"],
            "log_track_day": tx["log_track_day"],
            "log_counted_date": tx["log_counted_date"],
        }
        for name in ("log_fu_key", "log_at_key", "log_team_month", "log_fu_need", "log_at_need"):
            labels[name] = tx.get(name)
        for name, label in labels.items():
            if name in lay.blocks and label:
                kind = lay[name].kind
                ws.write_string(
                    S_CHANNEL_ROW - 1, lay[name].col, label, head if kind == "input" else helper
                )
        self.note(ws, S_CHANNEL_ROW - 1, col, "log")
        c = lay.c
        log: list[Any] = self.inp.log + [(None,) * 6] * (c - len(self.inp.log))
        self.input_block("log_date", [[r[0]] for r in log], "date")
        self.input_block("log_segment", [[r[1]] for r in log], "text")
        self.input_block("log_channel", [[r[2]] for r in log], "text")
        self.input_block("log_leads", [[r[3]] for r in log], "leads")
        if "log_worked" in lay.blocks:
            self.note(ws, S_CHANNEL_ROW - 1, lay["log_worked"].col, "log_worked")
            self.input_block("log_worked", [[r[4]] for r in log], "leads")
            self.input_block("log_attempts", [[r[5]] for r in log], "leads")
        for name in ("log_key", "log_track_channel", "log_track_day"):
            self.formula_block(name, helper)
        self.formula_block("log_counted_date", st.get("helper", "date"))
        self.write_chart_data()

    def write_chart_data(self) -> None:
        """Chart-only helper cells, right of the log: #N/A where a line must stop."""
        ws, st, tx, lay = self.ws_s, self.st, self.text, self.layout
        helper = st.get("helper")
        ws.write_string(*lay.marks["chart_data"], tx["chart_data"], st.get("section"))
        row, col = lay.marks["chart_actual_header"]
        heads = [tx["chart_monthly"]] + [
            tx["actual_series"].format(team=self.words[t]) for t in ("marketing", "sales")
        ]
        for j, text in enumerate(heads):
            ws.write_string(row, col + j, text, helper)
        for m, name in enumerate(tx["months"]):
            ws.write_string(row + 1 + m, col, name, helper)
        self.formula_block("chart_actual", st.get("helper", "leads"))
        row, col = lay.marks["chart_daily_header"]
        for j, key in enumerate(("day", "daily_plan", "daily_actual")):
            ws.write_string(row, col + j, tx[key], helper)
        for d in range(31):
            ws.write_number(row + 1 + d, col, d + 1, helper)
        self.formula_block("chart_daily", st.get("helper", "leads"))

    # -- charts -----------------------------------------------------------------------


def _cached(value: Any) -> Any:
    """A typed formula's stored result as XlsxWriter caches it (errors as their text)."""
    if value is None or isinstance(value, int | float | str | bool):
        return "" if value is None else value
    return str(value)


def _prepare_formula(formula: str, expand_future_functions: bool = False) -> str:
    return formula[1:] if formula.startswith("=") else formula


def write_pair(wb: Any, ws_t: Any, ws_s: Any, **kwargs: Any) -> None:
    """Write the targets and SLA sheets of one pair (example or yours)."""
    _Pair(wb, ws_t, ws_s, **kwargs).write()
