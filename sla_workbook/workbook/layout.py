"""Where every block of the workbook sits: the one registry generator, reader and validator share.

A block is a rectangle with a workbook-scope defined name (``your_targets``), a sheet
role (targets or SLA), a position and a kind (input, output or helper). Positions
depend only on the shape (N segment rows, K channels, C log rows), so a workbook's
layout can be rebuilt from its metadata and cross-checked against its defined names.
All coordinates are zero-based (row, col), as XlsxWriter takes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["input", "output", "helper"]
Role = Literal["targets", "sla"]

MAX_SEGMENTS = 1000
MAX_CHANNELS = 20
MAX_LOG_ROWS = 100_000


# Cell names are hand-written rather than xlsxwriter.utility's (docs/decisions.md): reading
# and validating never import XlsxWriter, and the validator names every formula's
# references (about a million names for a large workbook), so the letters are cached.
_COL_NAMES: dict[int, str] = {}


def col_letter(col: int) -> str:
    """Zero-based column -> letters: 0 -> "A", 26 -> "AA"."""
    name = _COL_NAMES.get(col)
    if name is None:
        name, n = "", col + 1
        while n:
            n, rem = divmod(n - 1, 26)
            name = chr(65 + rem) + name
        _COL_NAMES[col] = name
    return name


def cell_ref(row: int, col: int, *, abs_row: bool = False, abs_col: bool = False) -> str:
    """Zero-based (row, col) -> "B7" (or "$B$7", "B$7", "$B7")."""
    name = _COL_NAMES.get(col) or col_letter(col)
    if abs_row or abs_col:
        return f"{'$' if abs_col else ''}{name}{'$' if abs_row else ''}{row + 1}"
    return f"{name}{row + 1}"


@dataclass(frozen=True)
class Block:
    """A named rectangle of cells."""

    name: str  # without prefix: "targets"
    role: Role
    row: int
    col: int
    nrows: int
    ncols: int
    kind: Kind

    def cell(self, i: int = 0, j: int = 0) -> tuple[int, int]:
        return self.row + i, self.col + j

    def ref(self, i: int = 0, j: int = 0, **absolute: bool) -> str:
        return cell_ref(self.row + i, self.col + j, **absolute)

    def range_ref(self) -> str:
        """Absolute A1 range of the whole block ($A$1:$B$2)."""
        first = cell_ref(self.row, self.col, abs_row=True, abs_col=True)
        last = cell_ref(
            self.row + self.nrows - 1, self.col + self.ncols - 1, abs_row=True, abs_col=True
        )
        return first if (self.nrows, self.ncols) == (1, 1) else f"{first}:{last}"

    def column_ref(self, j: int) -> str:
        """Absolute range of one column of the block."""
        top = cell_ref(self.row, self.col + j, abs_row=True, abs_col=True)
        bottom = cell_ref(self.row + self.nrows - 1, self.col + j, abs_row=True, abs_col=True)
        return f"{top}:{bottom}"


@dataclass(frozen=True)
class Layout:
    """Every block of one pair of sheets (targets + SLA) for N segments, K channels, C log rows."""

    n: int
    k: int
    c: int
    blocks: dict[str, Block]
    # Fixed cells that are not public blocks (labels, helper rows), by purpose.
    marks: dict[str, tuple[int, int]]
    version: int = 2  # the template version (1: marketing's side only)

    def __getitem__(self, name: str) -> Block:
        return self.blocks[name]

    def public(self) -> list[Block]:
        return [b for b in self.blocks.values() if b.kind != "helper"]


# Rows of the targets sheet
T_YEAR = (3, 1)
T_HEADER = 5
T_FIRST = 6

# Rows and columns of the SLA sheet
S_CHANNEL_ROW = 4
S_TEAM_ROW = 5
S_FOLLOWUP_ROW = 6  # version 2: follow-up hours, target, attempts target (rows 6-8)
TRACK_ROWS_V1 = ("sla", "mtd", "plan_to_date", "pace", "projected")
TRACK_ROWS = (*TRACK_ROWS_V1, "followup", "followup_target", "attempts", "attempts_target")
TRACK_NAMES = {
    "sla": "track_sla",
    "mtd": "track_mtd",
    "plan_to_date": "track_plan_mtd",
    "pace": "track_pace",
    "projected": "track_projected",
    "followup": "track_followup",
    "followup_target": "track_followup_target",
    "attempts": "track_attempts",
    "attempts_target": "track_attempts_target",
}
# Both sides of the SLA, per team and month (version 2): one row each, per team.
SIDES_ROWS = (
    "actual",
    "sla",
    "leads_met",
    "followup_rate",
    "followup_target",
    "attempts_per_lead",
    "attempts_target",
    "followup_met",
)
# Hidden sums behind the ratios: worked, leads, needed worked; attempts, leads, needed.
SUM_ROWS = ("fu_num", "fu_den", "fu_need", "at_num", "at_den", "at_need")
TEMPLATE_VERSIONS = (1, 2)


def track_rows(version: int) -> tuple[str, ...]:
    return TRACK_ROWS if version >= 2 else TRACK_ROWS_V1


def assume_rows(version: int) -> tuple[int, int]:
    """(group header row, first segment row) of the assumptions table."""
    return (11, 13) if version >= 2 else (8, 10)


def build_layout(n: int, k: int, c: int, version: int = 2) -> Layout:
    """The layout for a shape and template version; ValueError outside the supported sizes.

    Version 2 adds sales' side of the SLA: three input rows under the channels, two log
    columns, two rate tables, the both-sides block and tracker rows; everything below
    or right of them moves, so a version-1 file is read with the version-1 layout."""
    if version not in TEMPLATE_VERSIONS:
        raise ValueError(f"template version {version} is not one of 1, 2")
    v2 = version >= 2
    if not 1 <= n <= MAX_SEGMENTS:
        raise ValueError(f"segment rows must be 1..{MAX_SEGMENTS}, got {n}")
    if not 2 <= k <= MAX_CHANNELS:
        raise ValueError(f"channels must be 2..{MAX_CHANNELS}, got {k}")
    if not 1 <= c <= MAX_LOG_ROWS:
        raise ValueError(f"log rows must be 1..{MAX_LOG_ROWS}, got {c}")
    b: dict[str, Block] = {}
    marks: dict[str, tuple[int, int]] = {}

    def add(name: str, role: Role, row: int, col: int, nr: int, nc: int, kind: Kind) -> Block:
        b[name] = Block(name, role, row, col, nr, nc, kind)
        return b[name]

    # Targets sheet: year, then segments x 12 months, year total column, total row.
    add("year", "targets", *T_YEAR, 1, 1, "input")
    add("segments", "targets", T_FIRST, 0, n, 1, "input")
    add("targets", "targets", T_FIRST, 1, n, 12, "input")
    add("target_row_total", "targets", T_FIRST, 13, n, 1, "helper")
    add("target_month_total", "targets", T_FIRST + n, 1, 1, 13, "helper")

    # SLA sheet, top: the channels and their teams.
    add("channels", "sla", S_CHANNEL_ROW, 1, 1, k, "input")
    add("channel_team", "sla", S_TEAM_ROW, 1, 1, k, "input")
    if v2:
        add("followup_hours", "sla", S_FOLLOWUP_ROW, 1, 1, k, "input")
        add("followup_target", "sla", S_FOLLOWUP_ROW + 1, 1, 1, k, "input")
        add("attempts_target", "sla", S_FOLLOWUP_ROW + 2, 1, 1, k, "input")

    # Assumptions: one row per segment.
    assume_header, assume_first = assume_rows(version)
    marks["assume_header"] = (assume_header, 0)
    r = assume_first
    add("assume_segment", "sla", r, 0, n, 1, "helper")
    add("avg_price", "sla", r, 1, n, 1, "input")
    add("marketing_share", "sla", r, 2, n, 1, "input")
    add("sales_share", "sla", r, 3, n, 1, "helper")
    add("close_rate", "sla", r, 4, n, k, "input")
    add("channel_mix", "sla", r, 4 + k, n, k, "input")
    add("revenue_share", "sla", r, 4 + 2 * k, n, k, "helper")
    add("lead_value", "sla", r, 4 + 3 * k, n, k, "output")
    add("mix_ok", "sla", r, 4 + 4 * k, n, 2, "helper")
    assume_width = 4 + 4 * k + 2

    # Stacked N*K-row tables: leads, revenue, actuals, attainment. Columns: segment,
    # channel, team, 12 months, year; helper columns: channel number, tracked month.
    rows = n * k

    def table(key: str, start: int, kind: Kind, totals: bool) -> int:
        marks[f"{key}_header"] = (start, 0)
        first = start + 1
        add(f"{key}_keys", "sla", first, 0, rows, 3, "helper")
        add(key, "sla", first, 3, rows, 12, kind)
        add(f"{key}_year", "sla", first, 15, rows, 1, "helper")
        end = first + rows
        if totals:
            add(f"{key}_team_total", "sla", end, 3, 2, 13, "helper")
            add(f"{key}_total", "sla", end + 2, 3, 1, 13, "helper")
            end += 3
        return end + 2

    r = assume_first + n + 2
    marks["sla_section"] = (r, 0)
    nxt = table("sla_leads", r + 1, "output", True)
    add("sla_channel_no", "sla", r + 2, 16, rows, 1, "helper")
    add("sla_tracked", "sla", r + 2, 17, rows, 1, "helper")
    marks["revenue_section"] = (nxt, 0)
    nxt = table("sla_revenue", nxt + 1, "output", True)
    marks["actual_section"] = (nxt, 0)
    nxt = table("actual_leads", nxt + 1, "output", True)
    marks["attainment_section"] = (nxt, 0)
    nxt = table("attainment", nxt + 1, "output", False)
    # Year to date beside the year column; below the table, which months have happened
    # (through the as-of date) so later months stay blank instead of showing 0%.
    add("attainment_ytd", "sla", b["attainment"].row, 16, rows, 1, "output")
    marks["elapsed_label"] = (nxt - 2, 0)
    add("elapsed_through", "sla", nxt - 2, 2, 1, 1, "helper")
    add("month_elapsed", "sla", nxt - 2, 3, 1, 12, "helper")

    if v2:  # sales' side: the two rate tables, then both sides per team and month
        for key in ("followup_rate", "attempts_per_lead"):
            marks[f"{key}_section"] = (nxt, 0)
            marks[f"{key}_header"] = (nxt + 1, 0)
            add(f"{key}_keys", "sla", nxt + 2, 0, rows, 3, "helper")
            add(key, "sla", nxt + 2, 3, rows, 12, "output")
            nxt += 2 + rows + 2
        marks["sides_section"] = (nxt, 0)
        marks["sides_header"] = (nxt + 1, 0)
        add("sides", "sla", nxt + 2, 3, 2 * len(SIDES_ROWS), 12, "output")
        nxt += 2 + 2 * len(SIDES_ROWS) + 2

    # Tracker: month and as-of inputs, resolved date, then K channel + 2 team columns.
    marks["tracker_section"] = (nxt, 0)
    add("track_month", "sla", nxt + 1, 1, 1, 1, "input")
    add("track_asof", "sla", nxt + 2, 1, 1, 1, "input")
    add("track_date", "sla", nxt + 3, 1, 1, 1, "helper")  # resolved as-of date
    add("track_days", "sla", nxt + 4, 1, 1, 1, "helper")  # days in the month
    add("track_ok", "sla", nxt + 5, 1, 1, 1, "helper")  # year and month are usable
    head = nxt + 7
    marks["tracker_header"] = (head, 0)
    tracked = track_rows(version)
    for i, key in enumerate(tracked):
        public = key not in ("sla", "followup_target", "attempts_target")
        name = TRACK_NAMES[key]
        add(name, "sla", head + 1 + i, 1, 1, k, "output" if public else "helper")
        add(f"{name}_team", "sla", head + 1 + i, 1 + k, 1, 2, "helper")
    nxt = head + 1 + len(tracked) + 2

    # Daily data for the tracked-month chart: day, cumulative plan, cumulative actual.
    marks["daily_section"] = (nxt, 0)
    add("daily", "sla", nxt + 2, 0, 31, 3, "helper")
    marks["chart_monthly"] = (nxt + 35, 0)
    bottom = nxt + 35 + 20
    if v2:
        marks["chart_followup"] = (bottom, 0)
        bottom += 20

    # The lead log sits to the right of everything, from the channels row down.
    log_col = max(assume_width, 18) + 1
    marks["log_section"] = (S_CHANNEL_ROW - 2, log_col)
    add("log_date", "sla", S_CHANNEL_ROW, log_col, c, 1, "input")
    add("log_segment", "sla", S_CHANNEL_ROW, log_col + 1, c, 1, "input")
    add("log_channel", "sla", S_CHANNEL_ROW, log_col + 2, c, 1, "input")
    add("log_leads", "sla", S_CHANNEL_ROW, log_col + 3, c, 1, "input")
    col = log_col + 4
    if v2:
        add("log_worked", "sla", S_CHANNEL_ROW, col, c, 1, "input")
        add("log_attempts", "sla", S_CHANNEL_ROW, col + 1, c, 1, "input")
        col += 2
    helpers = ["log_key", "log_track_channel", "log_track_day", "log_counted_date"]
    if v2:  # which rows feed the follow-up sums, each row's team-month and needed worked
        helpers += ["log_fu_key", "log_at_key", "log_team_month", "log_fu_need", "log_at_need"]
    for name in helpers:
        add(name, "sla", S_CHANNEL_ROW, col, c, 1, "helper")
        col += 1

    # Chart-only data right of the log (not printed): the charts' actual lines with #N/A
    # where a month or day has not happened, so the lines stop instead of falling to 0.
    chart_col = col + 1
    marks["chart_data"] = (S_CHANNEL_ROW - 2, chart_col)
    marks["chart_actual_header"] = (S_CHANNEL_ROW - 1, chart_col)
    add("chart_actual", "sla", S_CHANNEL_ROW, chart_col + 1, 12, 2, "helper")
    marks["chart_daily_header"] = (S_CHANNEL_ROW + 13, chart_col)
    add("chart_daily", "sla", S_CHANNEL_ROW + 14, chart_col + 1, 31, 2, "helper")
    if v2:
        # Follow-up chart lines (rate and target per team), the per-channel agreement
        # flags, and the hidden sums behind the tracker's and both-sides' ratios.
        marks["chart_followup_header"] = (S_CHANNEL_ROW + 46, chart_col)
        add("chart_followup", "sla", S_CHANNEL_ROW + 47, chart_col + 1, 12, 4, "helper")
        marks["agreed_header"] = (S_CHANNEL_ROW + 60, chart_col)
        add("channel_agreed", "sla", S_CHANNEL_ROW + 61, chart_col + 1, 2, k, "helper")
        marks["track_sums_header"] = (S_CHANNEL_ROW + 64, chart_col)
        add("track_sums", "sla", S_CHANNEL_ROW + 65, chart_col + 1, len(SUM_ROWS), k + 2, "helper")
        marks["sides_sums_header"] = (S_CHANNEL_ROW + 72, chart_col)
        add("sides_sums", "sla", S_CHANNEL_ROW + 73, chart_col + 1, 2 * len(SUM_ROWS), 12, "helper")
    marks["bottom"] = (bottom, 0)
    return Layout(n=n, k=k, c=c, blocks=b, marks=marks, version=version)


# Public defined names (docs/workbook.md): block name -> kept as is, prefixed ex_/your_.
PUBLIC_NAMES = (
    "year",
    "segments",
    "targets",
    "avg_price",
    "marketing_share",
    "channels",
    "channel_team",
    "close_rate",
    "channel_mix",
    "log_date",
    "log_segment",
    "log_channel",
    "log_leads",
    "followup_hours",
    "followup_target",
    "attempts_target",
    "log_worked",
    "log_attempts",
    "track_month",
    "track_asof",
    "lead_value",
    "sla_revenue",
    "sla_leads",
    "sla_total",
    "actual_leads",
    "attainment",
    "attainment_ytd",
    "track_mtd",
    "track_plan_mtd",
    "track_pace",
    "track_projected",
    "followup_rate",
    "attempts_per_lead",
    "track_followup",
    "track_attempts",
)


def public_names(layout: Layout) -> tuple[str, ...]:
    """The public names this layout's version has (version 1 lacks sales' side)."""
    return tuple(n for n in PUBLIC_NAMES if n == "sla_total" or n in layout.blocks)


def public_block(layout: Layout, name: str) -> Block:
    """The block behind a public defined name (``sla_total`` is the leads grand-total row)."""
    if name == "sla_total":
        total = layout["sla_leads_total"]
        return Block("sla_total", "sla", total.row, total.col, 1, 12, "output")
    return layout[name]
