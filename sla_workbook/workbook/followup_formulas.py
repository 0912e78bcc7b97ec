"""Formulas of sales' side of the SLA (template version 2): docs/spec.md, "Both sides".

Same rules as formulas.py (portable functions, helper columns instead of array tricks,
"" for blank, the engine's operation order). The sums run over the log's helper columns:
a row's key is copied into ``log_fu_key`` / ``log_at_key`` only when its worked /
attempts value counts, so one SUMIF per cell adds exactly the rows the engine adds.
Ratios are compared with their targets at 6 decimals, so a last-bit difference between
programs cannot flip a met flag.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .layout import SIDES_ROWS, SUM_ROWS

if TYPE_CHECKING:
    from .formulas import Formulas


class FollowupFormulas:
    """Formula text of the version-2 blocks, over one Formulas' references."""

    def __init__(self, f: Formulas) -> None:
        self.f = f
        self.lay = f.layout

    # -- references -------------------------------------------------------------------
    def _col(self, block: str) -> str:
        return self.lay[block].column_ref(0)

    def _a(self, block: str, i: int = 0, j: int = 0) -> str:
        return self.lay[block].ref(i, j, abs_row=True, abs_col=True)

    def _row(self, block: str, i: int = 0) -> str:
        b = self.lay[block]
        first = b.ref(i, 0, abs_row=True, abs_col=True)
        last = b.ref(i, self.lay.k - 1, abs_row=True, abs_col=True)
        return f"{first}:{last}"

    def _of_channel(self, block: str, i: int, row: int = 0) -> str:
        """INDEX(block's row, the log row's channel number)."""
        ch = self.lay["log_channel"].ref(i)
        return f"INDEX({self._row(block, row)},1,MATCH({ch},{self._row('channels')},0))"

    # -- per channel ------------------------------------------------------------------
    def channel_agreed(self, i: int, j: int) -> str:
        """Row 0: follow-up agreed (H > 0 and 0 <= G <= 1); row 1: attempts (A whole >= 1)."""
        if i == 0:
            h, g = self.lay["followup_hours"].ref(0, j), self.lay["followup_target"].ref(0, j)
            return (
                f"=IFERROR(IF(AND(ISNUMBER({h}),ISNUMBER({g})),"
                f"IF(AND({h}>0,{g}>=0,{g}<=1),1,0),0),0)"
            )
        a = self.lay["attempts_target"].ref(0, j)
        return f"=IFERROR(IF(ISNUMBER({a}),IF(AND({a}>=1,ROUND({a},0)={a}),1,0),0),0)"

    # -- the log's helper columns -----------------------------------------------------
    def log_fu_key(self, i: int) -> str:
        key, n, w = (self.lay[b].ref(i) for b in ("log_key", "log_leads", "log_worked"))
        ok = self._of_channel("channel_agreed", i, 0)
        return (
            f"=IFERROR(IF(AND(ISNUMBER({key}),ISNUMBER({w})),IF(AND({w}>=0,{w}<={n},"
            f'ROUND({w},0)={w},{ok}=1),{key},""),""),"")'
        )

    def log_at_key(self, i: int) -> str:
        key, a = self.lay["log_key"].ref(i), self.lay["log_attempts"].ref(i)
        ok = self._of_channel("channel_agreed", i, 1)
        return (
            f"=IFERROR(IF(AND(ISNUMBER({key}),ISNUMBER({a})),IF(AND({a}>=0,"
            f'ROUND({a},0)={a},{ok}=1),{key},""),""),"")'
        )

    def log_team_month(self, i: int) -> str:
        """1..12 for a counted marketing row's month, 13..24 for sales; else blank."""
        key, d = self.lay["log_key"].ref(i), self.lay["log_date"].ref(i)
        team = self._of_channel("channel_team", i)
        return (
            f'=IFERROR(IF(ISNUMBER({key}),IF({team}="{self.f.marketing}",MONTH({d}),'
            f'IF({team}="{self.f.sales}",12+MONTH({d}),"")),""),"")'
        )

    def log_need(self, i: int, which: str) -> str:
        """The row's needed worked (leads * G) or needed attempts (leads * A)."""
        key = self.lay[f"log_{which}_key"].ref(i)
        n = self.lay["log_leads"].ref(i)
        target = self._of_channel("followup_target" if which == "fu" else "attempts_target", i)
        return f'=IFERROR(IF(ISNUMBER({key}),{n}*{target},""),"")'

    # -- per segment x channel x month ------------------------------------------------
    def rate(self, which: str, r: int, m: int) -> str:
        """The log is scanned only where it can count: the channel's agreement holds and
        the cell has actual leads (a follow-up row is one of them). Same result, and a
        recalculation skips the scans of every empty or not-agreed cell."""
        s, c = divmod(r, self.lay.k)
        key = (s * self.lay.k + c) * 12 + m + 1
        keys = self._col(f"log_{which}_key")
        num = self._col("log_worked" if which == "fu" else "log_attempts")
        den = f"SUMIF({keys},{key},{self._col('log_leads')})"
        ok = self.lay["channel_agreed"].ref(0 if which == "fu" else 1, c, abs_row=True)
        actual = self.lay["actual_leads"].ref(r, m)
        return f'=IF(AND({ok}=1,{actual}>0),IF({den}>0,SUMIF({keys},{key},{num})/{den},""),"")'

    # -- both sides per team and month ------------------------------------------------
    def sides_sum(self, i: int, m: int) -> str:
        """Team t = i // 6, sum SUM_ROWS[i % 6] over the team-month's counted rows."""
        t, q = divmod(i, len(SUM_ROWS))
        slot = t * 12 + m + 1
        which, part = SUM_ROWS[q].split("_")
        slots = self._col("log_team_month")
        if part == "need":
            return f"=SUMIF({slots},{slot},{self._col(f'log_{which}_need')})"
        value = {"num": "log_worked" if which == "fu" else "log_attempts", "den": "log_leads"}
        return (
            f'=SUMIFS({self._col(value[part])},{slots},{slot},{self._col(f"log_{which}_key")},">0")'
        )

    def sides(self, i: int, m: int) -> str:
        t, q = divmod(i, len(SIDES_ROWS))
        row = SIDES_ROWS[q]
        here = {
            key: self.lay["sides"].ref(t * len(SIDES_ROWS) + n, m)
            for n, key in enumerate(SIDES_ROWS)
        }

        def s(part: str) -> str:
            return self.lay["sides_sums"].ref(t * len(SUM_ROWS) + SUM_ROWS.index(part), m)

        if row == "actual":
            return f"={self.lay['actual_leads_team_total'].ref(t, m)}"
        if row == "sla":
            team = self.f.marketing if t == 0 else self.f.sales
            keys = self.lay["sla_leads_keys"].column_ref(2)
            col = self.lay["sla_leads"].column_ref(m)
            total = self.lay["sla_leads_team_total"].ref(t, m)
            return f'=IF(COUNTIFS({keys},"{team}",{col},">=0")>0,{total},"")'
        if row == "leads_met":  # judged once the month is over, not in mid-month
            act, sla = here["actual"], here["sla"]
            thr = self._a("elapsed_through")
            y = self.f._t("year", abs_row=True, abs_col=True)
            return (
                f"=IF(ISNUMBER({thr}),IF(AND(ISNUMBER({sla}),"
                f'EOMONTH(DATE({y},{m + 1},1),0)<={thr}),IF({act}>={sla},1,0),""),"")'
            )
        if row == "followup_met":
            fr, ft = here["followup_rate"], here["followup_target"]
            ar, at = here["attempts_per_lead"], here["attempts_target"]
            return _met(fr, ft, ar, at)
        which = "fu" if row.startswith("followup") else "at"
        top = f"{which}_num" if row in ("followup_rate", "attempts_per_lead") else f"{which}_need"
        den = s(f"{which}_den")
        return f'=IF({den}>0,{s(top)}/{den},"")'

    # -- month to date ----------------------------------------------------------------
    def track_sum(self, q: int, j: int) -> str:
        k = self.lay.k
        date = self._a("track_date")
        if j >= k:
            team = self.f.marketing if j == k else self.f.sales
            b = self.lay["track_sums"]
            row = f"{b.ref(q, 0, abs_col=True)}:{b.ref(q, k - 1, abs_col=True)}"
            teams = self.lay["channel_team"].range_ref()
            return f'=IF(ISNUMBER({date}),SUMIF({teams},"{team}",{row}),"")'
        which, part = SUM_ROWS[q].split("_")
        track = (
            f"{self._col('log_track_channel')},{j + 1},"
            f'{self._col("log_track_day")},"<="&DAY({date})'
        )
        if part == "need":
            return f'=IF(ISNUMBER({date}),SUMIFS({self._col(f"log_{which}_need")},{track}),"")'
        value = {"num": "log_worked" if which == "fu" else "log_attempts", "den": "log_leads"}
        return (
            f"=IF(ISNUMBER({date}),SUMIFS({self._col(value[part])},{track},"
            f'{self._col(f"log_{which}_key")},">0"),"")'
        )

    def track_cell(self, row: str, j: int) -> str:
        """Tracker rows followup, followup_target, attempts, attempts_target."""
        k = self.lay.k
        which = "fu" if row.startswith("followup") else "at"
        b = self.lay["track_sums"]
        num, den, need = (b.ref(SUM_ROWS.index(f"{which}_{p}"), j) for p in ("num", "den", "need"))
        if row in ("followup", "attempts"):
            return f'=IF(ISNUMBER({den}),IF({den}>0,{num}/{den},""),"")'
        if j >= k:  # a team's target: its channels' targets weighted by their leads
            return f'=IF(ISNUMBER({den}),IF({den}>0,{need}/{den},""),"")'
        date = self._a("track_date")
        ok = self.lay["channel_agreed"].ref(0 if which == "fu" else 1, j, abs_row=True)
        target = self.lay["followup_target" if which == "fu" else "attempts_target"].ref(
            0, j, abs_row=True
        )
        return f'=IF(ISNUMBER({date}),IF({ok}=1,{target},""),"")'

    def chart_followup(self, m: int, j: int) -> str:
        """Per team (j // 2): its follow-up rate (even j) and target (odd j), or #N/A."""
        t, target = divmod(j, 2)
        q = SIDES_ROWS.index("followup_target" if target else "followup_rate")
        cell = self.lay["sides"].ref(t * len(SIDES_ROWS) + q, m)
        return f"=IF(ISNUMBER({cell}),{cell},NA())"

    # -- dispatch ---------------------------------------------------------------------
    def makers(self) -> dict[str, Callable[[int, int], str | None]]:
        k = self.lay.k
        d: dict[str, Callable[[int, int], str | None]] = {
            "channel_agreed": self.channel_agreed,
            "log_fu_key": lambda i, j: self.log_fu_key(i),
            "log_at_key": lambda i, j: self.log_at_key(i),
            "log_team_month": lambda i, j: self.log_team_month(i),
            "log_fu_need": lambda i, j: self.log_need(i, "fu"),
            "log_at_need": lambda i, j: self.log_need(i, "at"),
            "followup_rate": lambda i, j: self.rate("fu", i, j),
            "attempts_per_lead": lambda i, j: self.rate("at", i, j),
            "followup_rate_keys": self.f.table_key,
            "attempts_per_lead_keys": self.f.table_key,
            "sides_sums": self.sides_sum,
            "sides": self.sides,
            "track_sums": self.track_sum,
            "chart_followup": self.chart_followup,
        }
        for row, name in (
            ("followup", "track_followup"),
            ("followup_target", "track_followup_target"),
            ("attempts", "track_attempts"),
            ("attempts_target", "track_attempts_target"),
        ):
            d[name] = lambda i, j, row=row: self.track_cell(row, j)  # type: ignore[misc]
            d[f"{name}_team"] = lambda i, j, row=row: self.track_cell(row, k + j)  # type: ignore[misc]
        return d


def _met(fr: str, ft: str, ar: str, at: str) -> str:
    return (
        f"=IF(AND(ISNUMBER({fr}),ISNUMBER({ft}),ISNUMBER({ar}),ISNUMBER({at})),"
        f'IF(AND(ROUND({fr},6)>=ROUND({ft},6),ROUND({ar},6)>=ROUND({at},6)),1,0),"")'
    )
