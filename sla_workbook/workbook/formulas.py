"""The spreadsheet formulas of every output and helper block: docs/spec.md in cell language.

Rules every formula here follows (docs/workbook.md explains why):
- only functions all of Excel 2010+, LibreOffice, Gnumeric and Google Sheets share
  (``ALLOWED_FUNCTIONS``; a test scans every generated formula against it);
- no array tricks: aggregation over the log goes through per-row helper columns;
- blank results are "", never 0 or an error value;
- float operations in the engine's order, so both produce the same bits;
- user text never enters a formula: names are matched through cell references.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial

from .layout import Layout, cell_ref

ALLOWED_FUNCTIONS = frozenset(
    {
        "SUM",
        "SUMIF",
        "SUMIFS",
        "SUMPRODUCT",
        "COUNTIF",
        "COUNTIFS",
        "IF",
        "IFERROR",
        "AND",
        "OR",
        "ROUND",
        "ROUNDUP",
        "DATE",
        "DAY",
        "MONTH",
        "YEAR",
        "EOMONTH",
        "MIN",
        "MAX",
        "INDEX",
        "MATCH",
        "ISNUMBER",
        # Only in chart-only helper cells (chart_actual, chart_daily, chart_followup): a
        # line stops at #N/A, where it would fall to 0 at "". Proven in LibreOffice,
        # Gnumeric, formulas.
        "NA",
    }
)


def _q(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


@dataclass(frozen=True)
class Formulas:
    """Formula text for one targets + SLA sheet pair."""

    layout: Layout
    targets_sheet: str
    marketing: str  # the team words as typed in the team cells
    sales: str

    # -- references -------------------------------------------------------------------
    def _t(self, block: str, i: int = 0, j: int = 0, **absolute: bool) -> str:
        """A cell of a targets-sheet block, seen from the SLA sheet."""
        return f"{_q(self.targets_sheet)}!{self.layout[block].ref(i, j, **absolute)}"

    def _rng(self, block: str) -> str:
        b = self.layout[block]
        prefix = f"{_q(self.targets_sheet)}!" if b.role == "targets" else ""
        return prefix + b.range_ref()

    def _col(self, block: str, j: int = 0) -> str:
        return self.layout[block].column_ref(j)

    def _a(self, block: str, i: int = 0, j: int = 0) -> str:
        return self.layout[block].ref(i, j, abs_row=True, abs_col=True)

    def _year_ok(self) -> str:
        y = self._t("year", abs_row=True, abs_col=True)
        return f"ISNUMBER({y}),{y}>=1900,{y}<=9999,ROUND({y},0)={y}"

    # -- targets sheet ----------------------------------------------------------------
    def target_row_total(self, i: int) -> str:
        t = self.layout["targets"]
        return f"=SUM({t.ref(i, 0)}:{t.ref(i, 11)})"

    def target_month_total(self, j: int) -> str:
        col = self.layout["targets"].col + j
        first, last = self.layout["targets"].row, self.layout["targets"].row + self.layout.n - 1
        return f"=SUM({cell_ref(first, col)}:{cell_ref(last, col)})"

    # -- assumptions ------------------------------------------------------------------
    def assume_segment(self, i: int) -> str:
        name = self._t("segments", i)
        return f'=IF({name}="","",{name})'

    def sales_share(self, i: int) -> str:
        m = self.layout["marketing_share"].ref(i)
        return f'=IF(AND(ISNUMBER({m}),{m}>=0,{m}<=1),1-{m},"")'

    def mix_ok(self, i: int, j: int) -> str:
        team = self.marketing if j == 0 else self.sales
        teams = self._rng("channel_team")
        mix = self.layout["channel_mix"]
        row = f"{mix.ref(i, 0, abs_col=True)}:{mix.ref(i, self.layout.k - 1, abs_col=True)}"
        # 1/0 rather than TRUE/FALSE: a number format can then show it as OK / check.
        return (
            f'=IF(AND(COUNTIFS({teams},"{team}",{row},">=0",{row},"<=1")=COUNTIF({teams},"{team}"),'
            f'ROUND(SUMIF({teams},"{team}",{row}),6)=1),1,0)'
        )

    def revenue_share(self, i: int, j: int) -> str:
        name = self.layout["assume_segment"].ref(i, abs_col=True)
        m = self.layout["marketing_share"].ref(i, abs_col=True)
        ss = self.layout["sales_share"].ref(i, abs_col=True)
        w = self.layout["channel_mix"].ref(i, j)
        team = self.layout["channel_team"].ref(0, j, abs_row=True)
        ok_m = self.layout["mix_ok"].ref(i, 0, abs_col=True)
        ok_s = self.layout["mix_ok"].ref(i, 1, abs_col=True)
        return (
            f'=IF({name}="","",IF(ISNUMBER({ss}),'
            f'IF({team}="{self.marketing}",IF({ok_m},{m}*{w},""),'
            f'IF({team}="{self.sales}",IF({ok_s},{ss}*{w},""),"")),""))'
        )

    def lead_value(self, i: int, j: int) -> str:
        name = self.layout["assume_segment"].ref(i, abs_col=True)
        p = self.layout["avg_price"].ref(i, abs_col=True)
        r = self.layout["close_rate"].ref(i, j)
        return (
            f'=IF({name}="","",IF(AND(ISNUMBER({p}),{p}>0,ISNUMBER({r}),{r}>0,{r}<=1),{p}*{r},""))'
        )

    # -- the N*K-row tables -----------------------------------------------------------
    def _sc(self, r: int) -> tuple[int, int]:
        return divmod(r, self.layout.k)

    def table_key(self, r: int, j: int) -> str:
        s, c = self._sc(r)
        if j == 0:
            return f"={self._a('assume_segment', s)}"
        block = "channels" if j == 1 else "channel_team"
        ref = self._a(block, 0, c)
        return f'=IF({ref}="","",{ref})'

    def sla_revenue(self, r: int, m: int) -> str:
        s, c = self._sc(r)
        t = self._t("targets", s, m, abs_row=True, abs_col=True)
        f = self._a("revenue_share", s, c)
        return f'=IF(AND(ISNUMBER({t}),ISNUMBER({f})),IF({t}>=0,{t}*{f},""),"")'

    def sla_leads(self, r: int, m: int) -> str:
        s, c = self._sc(r)
        rev = self.layout["sla_revenue"].ref(r, m)
        v = self._a("lead_value", s, c)
        p = self._a("avg_price", s)
        rate = self._a("close_rate", s, c)
        return f'=IF(AND(ISNUMBER({rev}),ISNUMBER({v})),ROUNDUP(ROUND({rev}/{p}/{rate},6),0),"")'

    def actual_leads(self, r: int, m: int) -> str:
        s, c = self._sc(r)
        key = (s * self.layout.k + c) * 12 + m + 1
        return f"=SUMIF({self._col('log_key')},{key},{self._col('log_leads')})"

    def attainment(self, r: int, m: int) -> str:
        lead = self.layout["sla_leads"].ref(r, m)
        act = self.layout["actual_leads"].ref(r, m)
        elapsed = self.layout["month_elapsed"].ref(0, m, abs_row=True)
        return (
            f"=IF(AND(ISNUMBER({lead}),ISNUMBER({act}),{elapsed}=1),"
            f'IF({lead}>0,{act}/{lead},""),"")'
        )

    def attainment_ytd(self, r: int) -> str:
        """Actual leads / SLA leads over the months that have happened (month_elapsed)."""
        flags = self.layout["month_elapsed"].range_ref()
        b_sla, b_act = self.layout["sla_leads"], self.layout["actual_leads"]
        sla = f"SUMIF({flags},1,{b_sla.ref(r, 0)}:{b_sla.ref(r, 11)})"
        act = f"SUMIF({flags},1,{b_act.ref(r, 0)}:{b_act.ref(r, 11)})"
        return f'=IF({sla}>0,{act}/{sla},"")'

    def elapsed_through(self) -> str:
        """The date through which months count as happened: the as-of date, else the
        latest counted log date; blank with neither (or without a valid year)."""
        asof, latest = self._a("track_asof"), f"MAX({self._col('log_counted_date')})"
        day = f"DATE(YEAR({asof}),MONTH({asof}),DAY({asof}))"  # a time of day is dropped
        return (
            # the reader's rule for a usable date: 1 <= serial < 10000-01-01
            f"=IFERROR(IF(AND({self._year_ok()}),"
            f"IF(AND(ISNUMBER({asof}),{asof}>=1,{asof}<2958466),{day},"
            f'IF({latest}>0,{latest},"")),""),"")'
        )

    def month_elapsed(self, m: int) -> str:
        thr = self._a("elapsed_through")
        y = self._t("year", abs_row=True, abs_col=True)
        return f"=IF(ISNUMBER({thr}),IF(DATE({y},{m + 1},1)<={thr},1,0),0)"

    def chart_actual(self, m: int, t: int) -> str:
        total = self.layout["actual_leads_team_total"].ref(t, m)
        elapsed = self.layout["month_elapsed"].ref(0, m, abs_row=True)
        return f"=IF({elapsed}=1,{total},NA())"

    def chart_daily(self, d: int, j: int) -> str:
        plan, actual = self.layout["daily"].ref(d, 1), self.layout["daily"].ref(d, 2)
        if j == 0:  # the plan line ends on the month's last day
            day, days = self.layout["daily"].ref(d, 0), self._a("track_days")
            return f"=IF(ISNUMBER({days}),IF({day}<={days},{plan},NA()),NA())"
        return f"=IF(ISNUMBER({actual}),{actual},NA())"

    def row_year(self, table: str, r: int) -> str:
        if table == "attainment":  # the year's attainment: year actual / year SLA
            lead = self.layout["sla_leads_year"].ref(r)
            act = self.layout["actual_leads_year"].ref(r)
            return f'=IF(AND(ISNUMBER({lead}),ISNUMBER({act})),IF({lead}>0,{act}/{lead},""),"")'
        b = self.layout[table]
        return f"=SUM({b.ref(r, 0)}:{b.ref(r, 11)})"

    def _table_col(self, table: str, j: int) -> str:
        b = self.layout[table] if j < 12 else self.layout[f"{table}_year"]
        return b.column_ref(j if j < 12 else 0)

    def team_total(self, table: str, t: int, j: int) -> str:
        team = self.marketing if t == 0 else self.sales
        teams = self.layout[f"{table}_keys"].column_ref(2)
        return f'=SUMIF({teams},"{team}",{self._table_col(table, j)})'

    def grand_total(self, table: str, j: int) -> str:
        return f"=SUM({self._table_col(table, j)})"

    def sla_tracked(self, r: int) -> str:
        b = self.layout["sla_leads"]
        month = self._a("track_month")
        return f'=IF({self._a("track_ok")},INDEX({b.ref(r, 0)}:{b.ref(r, 11)},1,{month}),"")'

    # -- tracker ----------------------------------------------------------------------
    def track_ok(self) -> str:
        """1 when the year and the tracked month are usable, else 0."""
        m = self._a("track_month")
        return (
            f"=IFERROR(IF(AND({self._year_ok()},ISNUMBER({m}),{m}>=1,{m}<=12,ROUND({m},0)={m}),"
            "1,0),0)"
        )

    def track_date(self) -> str:
        y = self._t("year", abs_row=True, abs_col=True)
        m, asof = self._a("track_month"), self._a("track_asof")
        latest = f"MAX({self._col('log_track_day')})"
        return (
            f"=IFERROR(IF({self._a('track_ok')},IF(ISNUMBER({asof}),"
            f'IF(AND(YEAR({asof})={y},MONTH({asof})={m}),{asof},""),'
            f'IF({latest}>0,DATE({y},{m},{latest}),"")),""),"")'
        )

    def track_days(self) -> str:
        d = self._a("track_date")
        return f'=IF(ISNUMBER({d}),DAY(EOMONTH({d},0)),"")'

    def track_cell(self, row: str, j: int) -> str:
        """Tracker row ``row`` (TRACK_ROWS), column j: channels 0..K-1, then the two teams."""
        k = self.layout.k
        team_col = j >= k
        name = {
            "sla": "track_sla",
            "mtd": "track_mtd",
            "plan_to_date": "track_plan_mtd",
            "pace": "track_pace",
            "projected": "track_projected",
        }
        here = {key: self.layout[name[key]].ref(0, j) for key in name}
        date, days = self._a("track_date"), self._a("track_days")
        if team_col:
            team = self.marketing if j == k else self.sales
            teams = self._rng("channel_team")
            block = self.layout[name[row]]
            row_rng = f"{block.ref(0, 0, abs_col=True)}:{block.ref(0, k - 1, abs_col=True)}"
            if row == "sla":
                return f'=IF({self._a("track_ok")},SUMIF({teams},"{team}",{row_rng}),"")'
            if row == "mtd":
                return f'=IF(ISNUMBER({date}),SUMIF({teams},"{team}",{row_rng}),"")'
        elif row == "sla":
            return (
                f"=IF({self._a('track_ok')},"
                f'SUMIF({self._col("sla_channel_no")},{j + 1},{self._col("sla_tracked")}),"")'
            )
        elif row == "mtd":
            return (
                f"=IF(ISNUMBER({date}),SUMIFS({self._col('log_leads')},"
                f"{self._col('log_track_channel')},{j + 1},"
                f'{self._col("log_track_day")},"<="&DAY({date})),"")'
            )
        sla, mtd, plan = here["sla"], here["mtd"], here["plan_to_date"]
        if row == "plan_to_date":
            return f'=IF(ISNUMBER({date}),{sla}*DAY({date})/{days},"")'
        if row == "pace":
            return f'=IF(AND(ISNUMBER({plan}),ISNUMBER({mtd})),IF({plan}>0,{mtd}/{plan},""),"")'
        return f'=IF(ISNUMBER({date}),{mtd}*{days}/DAY({date}),"")'

    def daily(self, d: int, j: int) -> str:
        day = self.layout["daily"].ref(d, 0)
        days, date = self._a("track_days"), self._a("track_date")
        if j == 1:
            sla = self.layout["track_sla"].range_ref()
            return f'=IF(ISNUMBER({days}),SUM({sla})*MIN({day},{days})/{days},"")'
        return (
            f"=IF(ISNUMBER({date}),IF({day}<=DAY({date}),"
            f'SUMIFS({self._col("log_leads")},{self._col("log_track_day")},"<="&{day}),""),"")'
        )

    # -- the lead log helpers ---------------------------------------------------------
    def log_key(self, i: int) -> str:
        d, seg = self.layout["log_date"].ref(i), self.layout["log_segment"].ref(i)
        ch, n = self.layout["log_channel"].ref(i), self.layout["log_leads"].ref(i)
        y = self._t("year", abs_row=True, abs_col=True)
        segs, chans = self._rng("segments"), self._rng("channels")
        # MATCH reads * ? ~ in the looked-up text as wildcards ("North*" would match
        # "North America"); checking that the name found equals the text (= ignores case,
        # not wildcards) makes the lookup exact, as the engine's. The INDEX range is two
        # columns wide (names and January targets) because Gnumeric answers #REF! for
        # INDEX over a one-cell range, which one segment row would make.
        b = self.layout["segments"]
        names2 = f"{_q(self.targets_sheet)}!" + cell_ref(b.row, 0, abs_row=True, abs_col=True)
        names2 += ":" + cell_ref(b.row + b.nrows - 1, 1, abs_row=True, abs_col=True)
        seg_at, ch_at = f"MATCH({seg},{segs},0)", f"MATCH({ch},{chans},0)"
        return (
            f'=IFERROR(IF(AND(ISNUMBER({d}),ISNUMBER({n}),{seg}<>"",{ch}<>""),'
            f"IF(AND(YEAR({d})={y},{n}>=0,ROUND({n},0)={n},"
            f"INDEX({names2},{seg_at},1)={seg},INDEX({chans},1,{ch_at})={ch}),"
            f"({seg_at}-1)*{self.layout.k * 12}+({ch_at}-1)*12"
            f'+MONTH({d}),""),""),"")'
        )

    def log_track_channel(self, i: int) -> str:
        key, d = self.layout["log_key"].ref(i), self.layout["log_date"].ref(i)
        ch, m = self.layout["log_channel"].ref(i), self._a("track_month")
        chans = self._rng("channels")
        return f'=IF(ISNUMBER({key}),IF(MONTH({d})={m},MATCH({ch},{chans},0),""),"")'

    def log_counted_date(self, i: int) -> str:
        key, d = self.layout["log_key"].ref(i), self.layout["log_date"].ref(i)
        return f'=IF(ISNUMBER({key}),DATE(YEAR({d}),MONTH({d}),DAY({d})),"")'

    def log_track_day(self, i: int) -> str:
        tc, d = self.layout["log_track_channel"].ref(i), self.layout["log_date"].ref(i)
        return f'=IF(ISNUMBER({tc}),DAY({d}),"")'

    # -- one entry point for writer and validator -------------------------------------
    def for_cell(self, block: str, i: int, j: int) -> str | None:
        """The formula of cell (i, j) of a block; None where the block holds a constant."""
        make = self._dispatch.get(block)
        return make(i, j) if make else None

    @cached_property
    def _dispatch(self) -> dict[str, Callable[[int, int], str | None]]:
        """Block name -> formula maker, built once (the validator asks for every cell)."""
        k = self.layout.k
        d: dict[str, Callable[[int, int], str | None]] = {
            "target_row_total": lambda i, j: self.target_row_total(i),
            "target_month_total": lambda i, j: self.target_month_total(j),
            "assume_segment": lambda i, j: self.assume_segment(i),
            "sales_share": lambda i, j: self.sales_share(i),
            "mix_ok": self.mix_ok,
            "revenue_share": self.revenue_share,
            "lead_value": self.lead_value,
            "sla_leads": self.sla_leads,
            "sla_revenue": self.sla_revenue,
            "actual_leads": self.actual_leads,
            "attainment": self.attainment,
            "sla_tracked": lambda i, j: self.sla_tracked(i),
            "track_ok": lambda i, j: self.track_ok(),
            "track_date": lambda i, j: self.track_date(),
            "track_days": lambda i, j: self.track_days(),
            "daily": lambda i, j: self.daily(i, j) if j else None,
            "log_key": lambda i, j: self.log_key(i),
            "log_track_channel": lambda i, j: self.log_track_channel(i),
            "log_track_day": lambda i, j: self.log_track_day(i),
            "log_counted_date": lambda i, j: self.log_counted_date(i),
            "attainment_ytd": lambda i, j: self.attainment_ytd(i),
            "elapsed_through": lambda i, j: self.elapsed_through(),
            "month_elapsed": lambda i, j: self.month_elapsed(j),
            "chart_actual": lambda i, j: self.chart_actual(i, j),
            "chart_daily": self.chart_daily,
        }
        for table in TABLES:
            d[f"{table}_keys"] = self.table_key
            d[f"{table}_year"] = partial(_row_year, self, table)
            d[f"{table}_team_total"] = partial(self.team_total, table)
            d[f"{table}_total"] = partial(_grand_total, self, table)
        for row_key, name in TRACK_BLOCKS.items():
            d[name] = partial(_track, self, row_key, 0)
            d[f"{name}_team"] = partial(_track, self, row_key, k)
        if self.layout.version >= 2:
            from .followup_formulas import FollowupFormulas

            d.update(FollowupFormulas(self).makers())
        return d


def _row_year(f: Formulas, table: str, i: int, j: int) -> str:
    return f.row_year(table, i)


def _grand_total(f: Formulas, table: str, i: int, j: int) -> str:
    return f.grand_total(table, j)


def _track(f: Formulas, row_key: str, offset: int, i: int, j: int) -> str:
    return f.track_cell(row_key, offset + j)


TABLES = ("sla_leads", "sla_revenue", "actual_leads", "attainment")
TRACK_BLOCKS = {
    "sla": "track_sla",
    "mtd": "track_mtd",
    "plan_to_date": "track_plan_mtd",
    "pace": "track_pace",
    "projected": "track_projected",
}


def formula_blocks(layout: Layout) -> list[str]:
    """Every block that holds formulas (some, like ``daily``, also hold constants)."""
    constants = {"sla_channel_no"}
    return [
        name for name, b in layout.blocks.items() if b.kind != "input" and name not in constants
    ]
