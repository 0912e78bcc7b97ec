"""calibrate's one pass over the export: DuckDB counts leads, customers and won amounts
per (segment value, channel value), with the windows applied per row.

The same engine and rules as the import's pass (aggregate.py): every column read as
text, the lead date parsed per row in the map's time zone (``day_sql``), values grouped
as written and mapped to plan names afterwards in Python, on the groups. What a group
carries is what the definitions of docs/spec.md need and nothing per row: counts, and
two short lists (each customer's days to close, each won deal's amount), because a
median and a t interval need the values, not only their sum.

A Salesforce opportunity export (``--deals``) is joined here, in the same query, on the
lead's ConvertedOpportunityId: Salesforce ids are 15 characters, case-sensitive, with
3 more in their 18-character form, so they are matched on the first 15. Several leads
can convert into one opportunity: each is a customer, but the opportunity is one won
deal, so a window over the opportunity picks its earliest lead (lead date, then the
export's row order, which ``WITH ORDINALITY`` numbers) to carry the amount.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from .aggregate import MEMORY_LIMIT, _clean, _col, _lit, _reason, day_sql
from .export_file import CsvExport

# Counts per group, in the order the query returns them after (s, c).
COUNTS = (
    "rows",
    "no_date",
    "date_unparseable",
    "customer_before_lead",
    "leads",
    "customers",
    "won_in_period",
    "amount_blank",
    "amount_unparseable",
    "amount_not_positive",
    "customer_date_unparseable",
    "opportunity_missing",
    "opportunity_several_leads",  # opportunities (counted on their earliest lead)
)
# An amount at or over this (10^15) is no deal size; it is reported as unparseable. It
# keeps sums and the t interval finite, and the rounding exact (crm/calibrate_stats.py).
MAX_AMOUNT = 1e15
WON = ("true", "1", "yes")  # IsWon as Data Loader (true/false) and reports (1/0) write it


@dataclass(frozen=True)
class Windows:
    """Lead window [lead_start, lead_end) and revenue window [revenue_start, as_of)."""

    as_of: dt.date
    lead_start: dt.date
    lead_end: dt.date
    revenue_start: dt.date


@dataclass(frozen=True)
class Columns:
    """Positions in the export: date columns, segment, channel, and what tells a customer:
    a customer date and an amount, or (with deals) the opportunity id."""

    dates: list[int]
    segment: int
    channel: int
    customer_date: int | None = None
    amount: int | None = None
    opportunity: int | None = None


@dataclass(frozen=True)
class DealsFile:
    """The opportunity export ready to scan: positions of Id, Amount, CloseDate, IsWon."""

    export: CsvExport
    id: int
    amount: int
    close_date: int
    won: int


@dataclass(frozen=True)
class Group:
    """One (segment value, channel value) as written, and its counts and lists."""

    segment: str | None
    channel: str | None
    counts: dict[str, int]
    lags: list[int]
    amounts: list[float]


@dataclass(frozen=True)
class DealsStats:
    rows: int
    ids: int
    duplicated_ids: int
    won: int
    several_leads: int = 0  # opportunities that two or more of the export's leads joined


@dataclass(frozen=True)
class CalibrationScan:
    groups: list[Group]
    deals: DealsStats | None


def _source(export: CsvExport, numbered: bool = False) -> str:
    """The export as text columns c0, c1, ...; ``numbered``: and its row number, 1 up in
    file order, as ``ordinality``."""
    columns = ", ".join(f"{_lit(_col(i))}: 'VARCHAR'" for i in range(export.width))
    return (
        f"read_csv({_lit(str(export.path))}, header = true, auto_detect = false, "
        f"columns = {{{columns}}}, delim = {_lit(export.delimiter)}, quote = '\"', "
        "escape = '\"')" + (" WITH ORDINALITY" if numbered else "")
    )


def _date(d: dt.date) -> str:
    return f"DATE '{d.isoformat()}'"


def _query(export: CsvExport, cols: Columns, w: Windows, fmt: str | None, deals: bool) -> str:
    value = "coalesce(" + ", ".join(_clean(i) for i in cols.dates) + ")"
    picked = [f"{value} AS v", f"{_col(cols.segment)} AS s", f"{_col(cols.channel)} AS c"]
    if deals:
        assert cols.opportunity is not None
        picked += [f"{_clean(cols.opportunity)} AS o", "ordinality AS n"]
        join = "LEFT JOIN opp ON left(r.o, 15) = opp.k"
        customer = "opp.cv AS cv, opp.av AS av, coalesce(opp.won, false) AS won, "
        customer += "(r.o IS NOT NULL AND opp.k IS NULL) AS missing, opp.k AS k, r.n AS n"
        # an opportunity is one deal: its earliest lead (by day, then row) carries it; one
        # window (one sort) says which lead is first and whether another follows it
        by_lead = "OVER (PARTITION BY k ORDER BY d NULLS LAST, n)"
        first = f"(k IS NULL OR row_number() {by_lead} = 1)"
        several = f"(k IS NOT NULL AND lead(n) {by_lead} IS NOT NULL)"
    else:
        cv = "NULL" if cols.customer_date is None else _clean(cols.customer_date)
        av = "NULL" if cols.amount is None else _clean(cols.amount)
        picked += [f"{cv} AS cv", f"{av} AS av"]
        join = ""
        customer = "r.cv AS cv, r.av AS av, r.cv IS NOT NULL AS won, false AS missing"
        first, several = "true", "false"  # one row, one lead, one deal
    rows = f"SELECT {', '.join(picked)} FROM {_source(export, numbered=deals)}"
    parsed = (
        f"SELECT r.s, r.c, r.v, {day_sql('r.v', fmt)} AS d, {customer} FROM ({rows}) AS r {join}"
    )
    typed = f"SELECT *, {day_sql('cv', fmt)} AS cd, try_cast(av AS DOUBLE) AS amt FROM ({parsed})"
    before = "(d IS NOT NULL AND won AND cd IS NOT NULL AND cd < d)"
    flags = f"""
        SELECT *, d IS NOT NULL AND NOT {before} AS ok, {before} AS before,
               won AND cd IS NOT NULL AND cd <= {_date(w.as_of)} AS cust,
               {first} AS first, {several} AS several
        FROM ({typed})"""
    inwin = f"ok AND d >= {_date(w.lead_start)} AND d < {_date(w.lead_end)}"
    # won deals: one per opportunity (``first``); every lead of it is still a customer
    rev = f"ok AND cust AND first AND cd >= {_date(w.revenue_start)} AND cd < {_date(w.as_of)}"
    # a number, finite and under MAX_AMOUNT: sums, means and intervals stay finite
    usable = f"(isfinite(amt) AND abs(amt) < {MAX_AMOUNT:.0f})"
    return f"""
        SELECT s, c,
          count(*),
          count(*) FILTER (WHERE d IS NULL AND v IS NULL),
          count(*) FILTER (WHERE d IS NULL AND v IS NOT NULL),
          count(*) FILTER (WHERE before),
          count(*) FILTER (WHERE {inwin}),
          count(*) FILTER (WHERE {inwin} AND cust),
          count(*) FILTER (WHERE {rev}),
          count(*) FILTER (WHERE {rev} AND av IS NULL),
          count(*) FILTER (WHERE {rev} AND av IS NOT NULL AND NOT coalesce({usable}, false)),
          count(*) FILTER (WHERE {rev} AND {usable} AND amt <= 0),
          count(*) FILTER (WHERE d IS NOT NULL AND won AND cd IS NULL),
          count(*) FILTER (WHERE d IS NOT NULL AND missing),
          count(*) FILTER (WHERE several AND first),
          coalesce(list(cd - d) FILTER (WHERE {inwin} AND cust), []),
          coalesce(list(amt) FILTER (WHERE {rev} AND {usable} AND amt > 0), [])
        FROM ({flags})
        GROUP BY s, c"""


def _opportunities(deals: DealsFile, fmt: str | None) -> str:
    """One row per opportunity id (its first 15 characters); of copies of one id, a won
    one with the latest close date is taken, and the copies are counted."""
    won = f"lower(coalesce({_clean(deals.won)}, '')) IN ({', '.join(_lit(x) for x in WON)})"
    raw = (
        f"SELECT left({_clean(deals.id)}, 15) AS k, {won} AS won, "
        f"{_clean(deals.close_date)} AS cv, {_clean(deals.amount)} AS av "
        f"FROM {_source(deals.export)}"
    )
    return f"""
        CREATE TEMP TABLE opp AS
        SELECT k, won, cv, av, count(*) OVER (PARTITION BY k) AS copies
        FROM ({raw}) WHERE k IS NOT NULL
        QUALIFY row_number() OVER (
            PARTITION BY k ORDER BY won DESC, {day_sql("cv", fmt)} DESC NULLS LAST, av) = 1"""


def scan_calibration(
    export: CsvExport,
    cols: Columns,
    windows: Windows,
    *,
    timezone: str,
    date_format: str | None,
    workdir: Path,
    deals: DealsFile | None = None,
) -> CalibrationScan:
    """Read the export once (and the opportunities, when given) and group it."""
    import duckdb

    with duckdb.connect() as con:
        con.execute(f"SET temp_directory = {_lit(str(workdir))}")
        con.execute(f"SET memory_limit = {_lit(MEMORY_LIMIT)}")
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET TimeZone = {_lit(timezone)}")
        stats = None
        if deals is not None:
            try:
                con.execute(_opportunities(deals, date_format))
            except duckdb.Error as exc:
                raise InputError(f"{deals.export.path}: {_reason(str(exc))}") from None
            got = con.execute(
                "SELECT coalesce(sum(copies), 0), count(*), count(*) FILTER (WHERE copies > 1), "
                "count(*) FILTER (WHERE won) FROM opp"
            ).fetchone()
            assert got is not None
            stats = DealsStats(int(got[0]), int(got[1]), int(got[2]), int(got[3]))
        try:
            found = con.execute(
                _query(export, cols, windows, date_format, deals is not None)
            ).fetchall()
        except duckdb.Error as exc:
            raise InputError(f"{export.path}: {_reason(str(exc))}") from None
    groups = [_group(row) for row in found]
    if stats is not None:
        several = sum(g.counts["opportunity_several_leads"] for g in groups)
        stats = replace(stats, several_leads=several)
    return CalibrationScan(groups, stats)


def _group(row: tuple[Any, ...]) -> Group:
    s, c, *rest = row
    counts = dict(zip(COUNTS, (int(x) for x in rest[: len(COUNTS)]), strict=True))
    lags, amounts = rest[len(COUNTS)], rest[len(COUNTS) + 1]
    return Group(s, c, counts, [int(x) for x in lags], [float(x) for x in amounts])
