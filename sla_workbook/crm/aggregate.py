"""The one pass over the export: DuckDB reads the needed columns, parses each row's date
in the map's time zone, and groups rows by (day, segment value, channel value).

Why DuckDB: a CRM export has a million rows and 150 columns; the group-by is what a
columnar engine is built for. It streams the CSV in parallel, materializes only the
projected columns (``all_varchar``: nothing is guessed), and has ICU time zones built
in. What leaves it is small: one row per (day, value, value), plus the counts and the
most frequent unparseable dates. Measured against its own bare group-by in
docs/benchmarks.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from .export_file import CsvExport
from .map_file import SPACE

TOP = 10  # most frequent values listed per kind
MEMORY_LIMIT = "600MB"  # DuckDB spills to the work folder past this


@dataclass(frozen=True)
class FollowUpColumns:
    """What the pass reads for sales' follow-up (only when the map and export have it).

    ``first_contact`` / ``attempts``: positions of the columns (None: not read);
    ``hours``: (channel value key, H) for the channel values whose plan channel has a
    follow-up time H; a lead of such a value is worked when its first contact is at
    most H hours after its creation timestamp (the lead date's value, not cut to a day).
    """

    first_contact: int | None
    attempts: int | None
    hours: tuple[tuple[str, float], ...] = ()


# Per group, with follow-up columns: (worked, first_contact rows, first_contact not
# parseable rows, attempts sum, attempts rows, attempts not readable rows).
Stats = tuple[int, int, int, int, int, int]


@dataclass(frozen=True)
class Scan:
    """What the pass found. ``groups`` rows: (day, seg_key, seg_shown, ch_key, ch_shown, n)
    for rows whose date parsed; ``bad_dates``: (value, rows), the most frequent first.
    With follow-up columns, ``stats[i]`` is group i's Stats and ``bad_first_contacts`` /
    ``bad_attempts`` the most frequent values that do not read; else they are empty."""

    rows_read: int
    no_date: int
    bad_date_rows: int
    bad_dates: list[tuple[str, int]]
    groups: list[tuple[Any, str, str, str, str, int]]
    stats: list[Stats] = field(default_factory=list)
    bad_first_contacts: list[tuple[str, int]] = field(default_factory=list)
    bad_attempts: list[tuple[str, int]] = field(default_factory=list)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _col(i: int) -> str:
    return f"c{i}"


def _clean(i: int) -> str:
    """A field trimmed of surrounding spaces, blank as NULL."""
    return f"nullif(trim({_col(i)}, {_lit(SPACE)}), '')"


def day_sql(value: str, date_format: str | None) -> str:
    """SQL for the date of ``value`` (text), or NULL when it does not parse.

    ISO dates and datetimes, with 'T' or a space, with or without seconds and fraction,
    with Z or an offset. A value with an offset or a zone (anything but digits, ':' and
    '.' after the minutes) is cast to TIMESTAMPTZ, which reads it in the session time
    zone, the map's: the offset is converted to that zone, then the value is cut to a
    date. A value without one is taken as already in that zone: a plain TIMESTAMP cast,
    cut to a date (a third faster than the zone-aware cast, and HubSpot's values are all
    of this kind). The plain cast would silently drop an offset, hence the test. Both
    casts accept the words 'epoch', 'infinity' and '-infinity', hence the guard: a dash
    fifth, after the year.
    """
    naive = f"ltrim(substr({value}, 17), '0123456789:.') = ''"
    iso = (
        f"CASE WHEN substr({value}, 5, 1) = '-' THEN CASE WHEN {naive} "
        f"THEN CAST(try_cast({value} AS TIMESTAMP) AS DATE) "
        f"ELSE CAST(try_cast({value} AS TIMESTAMPTZ) AS DATE) END END"
    )
    if date_format is None:
        return iso
    return f"coalesce(CAST(try_strptime({value}, {_lit(date_format)}) AS DATE), {iso})"


def instant_sql(value: str, date_format: str | None) -> str:
    """SQL for the instant (TIMESTAMPTZ) of ``value``, or NULL when it does not parse.

    The same layouts as ``day_sql``, not cut to a day: a value with an offset is that
    instant; one without is wall-clock time in the session time zone (the map's, so
    daylight saving time is applied); a plain date is its midnight there.
    """
    naive = f"ltrim(substr({value}, 17), '0123456789:.') = ''"
    iso = (
        f"CASE WHEN substr({value}, 5, 1) = '-' THEN CASE WHEN {naive} "
        f"THEN CAST(try_cast({value} AS TIMESTAMP) AS TIMESTAMPTZ) "
        f"ELSE try_cast({value} AS TIMESTAMPTZ) END END"
    )
    if date_format is None:
        return iso
    return f"coalesce(CAST(try_strptime({value}, {_lit(date_format)}) AS TIMESTAMPTZ), {iso})"


DST_MAX = 7200  # seconds: the largest daylight-saving change of any zone (Antarctica/Troll)


def _naive(value: str) -> str:
    return f"ltrim(substr({value}, 17), '0123456789:.') = ''"


def _wall(value: str) -> str:
    """Wall-clock TIMESTAMP of an ISO value without an offset; NULL otherwise."""
    return (
        f"CASE WHEN substr({value}, 5, 1) = '-' AND {_naive(value)} "
        f"THEN try_cast({value} AS TIMESTAMP) END"
    )


def _parses(value: str, fmt: str | None) -> str:
    """SQL: does ``value`` read as a timestamp (without converting it to an instant)?"""
    iso = (
        f"(substr({value}, 5, 1) = '-' AND CASE WHEN {_naive(value)} "
        f"THEN try_cast({value} AS TIMESTAMP) IS NOT NULL "
        f"ELSE try_cast({value} AS TIMESTAMPTZ) IS NOT NULL END)"
    )
    if fmt is None:
        return iso
    return f"(try_strptime({value}, {_lit(fmt)}) IS NOT NULL OR {iso})"


def _followup_query(
    source: str, value: str, seg_col: int, ch_col: int, follow: FollowUpColumns, fmt: str | None
) -> str:
    """The grouping with follow-up columns, per row only what must be: whether the first
    contact parses, and its delay after creation put in a bucket of the plan's distinct
    hours (``fb``: 0 no first contact, -1 not parseable, i when the delay is at most the
    i-th smallest H, one more when over all of them). The attempts text is a group key
    as it is (a handful of values), read as a number on the groups.

    The delay: when both values are without an offset (HubSpot's), their wall-clock
    difference, which a daylight-saving change between them moves by at most DST_MAX;
    so only near a limit are the instants computed (a time zone conversion per row
    would cost about a third of the scan)."""
    tries = _col(follow.attempts) if follow.attempts is not None else "CAST(NULL AS VARCHAR)"
    if follow.first_contact is None:
        first, ok, delay, state = "CAST(NULL AS VARCHAR)", "NULL", "NULL", "0"
        fw = vw = "CAST(NULL AS TIMESTAMP)"
    else:
        first = _clean(follow.first_contact)
        limits = sorted({h * 3600 for _, h in follow.hours})
        exact = f"epoch({instant_sql('f', fmt)}) - epoch({instant_sql('v', fmt)})"
        # wall-clock timestamps of values without an offset (NULL otherwise), parsed once
        fw, vw = (
            (f"CASE WHEN f IS NOT NULL THEN {_wall(x)} END" for x in ("f", "v"))
            if fmt is None
            else ("CAST(NULL AS TIMESTAMP)",) * 2
        )
        ok = (
            "CASE WHEN f IS NULL THEN NULL WHEN fw IS NOT NULL THEN true "
            f"ELSE {_parses('f', fmt)} END"
        )
        near = " OR ".join(f"abs(wall - {x!r}) <= {DST_MAX}" for x in limits) or "true"
        delay = (
            f"CASE WHEN ok THEN CASE WHEN wall IS NOT NULL AND NOT ({near}) THEN wall "
            f"ELSE {exact} END END"
            if limits
            else "NULL"
        )
        bucket = " ".join(f"WHEN dl <= {x!r} THEN {i}" for i, x in enumerate(limits, 1))
        state = (
            f"CASE WHEN f IS NULL THEN 0 WHEN NOT ok THEN -1 {bucket} ELSE {len(limits) + 1} END"
        )
    return f"""
        CREATE TEMP TABLE g AS
        SELECT d, CASE WHEN d IS NULL THEN v END AS bad, s, c,
               {state} AS fb, CASE WHEN f IS NOT NULL AND NOT ok THEN f END AS fbad, a,
               count(*) AS n
        FROM (SELECT *, {day_sql("v", fmt)} AS d, {delay} AS dl
              FROM (SELECT *, epoch(fw) - epoch(vw) AS wall, {ok} AS ok
                    FROM (SELECT *, {fw} AS fw, {vw} AS vw
                          FROM (SELECT {value} AS v, {_col(seg_col)} AS s, {_col(ch_col)} AS c,
                                       {first} AS f, {tries} AS a
                                FROM {source}))))
        GROUP BY ALL"""


def bucket_of(follow: FollowUpColumns) -> list[tuple[str, int]]:
    """(channel value key, i): a lead of that value is worked when its bucket is 1..i."""
    limits = sorted({h for _, h in follow.hours})
    return [(k, limits.index(h) + 1) for k, h in follow.hours]


# The attempts text of a group as a number, and whether it is a whole number >= 0.
_TRIES = f"nullif(trim(a, {_lit(SPACE)}), '')"
_WHOLE = "(x IS NOT NULL AND isfinite(x) AND x >= 0 AND x = floor(x))"
_STATS = (
    ", coalesce(sum(n) FILTER (WHERE fb >= 1 AND fb <= coalesce(hj.j, 0)), 0)"
    ", coalesce(sum(n) FILTER (WHERE fb >= 1), 0)"
    ", coalesce(sum(n) FILTER (WHERE fb = -1), 0)"
    f", coalesce(sum(n * x) FILTER (WHERE {_WHOLE}), 0)"
    f", coalesce(sum(n) FILTER (WHERE {_WHOLE}), 0)"
    f", coalesce(sum(n) FILTER (WHERE t IS NOT NULL AND NOT {_WHOLE}), 0)"
)


def scan(
    export: CsvExport,
    date_cols: list[int],
    seg_col: int,
    ch_col: int,
    *,
    timezone: str,
    date_format: str | None,
    workdir: Path,
    followup: FollowUpColumns | None = None,
) -> Scan:
    """Read the export once and group it; InputError (naming the line) if it is not CSV.

    Per row, only what must be: the date parsed (each timestamp differs). Segment and
    channel values are grouped as they are, and trimmed and lower-cased afterwards on
    the groups, a thousand times fewer. ``followup``: also the follow-up columns, in the
    same pass (without it, the query is the one benchmarked in docs/benchmarks.md).
    """
    import duckdb

    columns = ", ".join(f"{_lit(_col(i))}: 'VARCHAR'" for i in range(export.width))
    source = (
        f"read_csv({_lit(str(export.path))}, header = true, auto_detect = false, "
        f"columns = {{{columns}}}, delim = {_lit(export.delimiter)}, quote = '\"', "
        "escape = '\"')"
    )
    value = "coalesce(" + ", ".join(_clean(i) for i in date_cols) + ")"
    grouped = f"""
        CREATE TEMP TABLE g AS
        SELECT d, CASE WHEN d IS NULL THEN v END AS bad, s, c, count(*) AS n
        FROM (SELECT *, {day_sql("v", date_format)} AS d
              FROM (SELECT {value} AS v, {_col(seg_col)} AS s, {_col(ch_col)} AS c
                    FROM {source}))
        GROUP BY ALL"""
    if followup is not None:
        grouped = _followup_query(source, value, seg_col, ch_col, followup, date_format)
    seg = f"trim(coalesce(s, ''), {_lit(SPACE)})"
    ch = f"trim(coalesce(c, ''), {_lit(SPACE)})"
    with duckdb.connect() as con:
        con.execute(f"SET temp_directory = {_lit(str(workdir))}")
        con.execute(f"SET memory_limit = {_lit(MEMORY_LIMIT)}")
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET TimeZone = {_lit(timezone)}")
        if followup is not None:
            con.execute("CREATE TEMP TABLE hj (k VARCHAR, j INTEGER)")
            if followup.hours:
                con.executemany("INSERT INTO hj VALUES (?, ?)", bucket_of(followup))
        try:
            con.execute(grouped)
        except duckdb.Error as exc:
            raise InputError(f"{export.path}: {_reason(str(exc))}") from None
        counts = con.execute(
            "SELECT coalesce(sum(n), 0), "
            "coalesce(sum(n) FILTER (WHERE d IS NULL AND bad IS NULL), 0), "
            "coalesce(sum(n) FILTER (WHERE bad IS NOT NULL), 0) FROM g"
        ).fetchone()
        assert counts is not None
        bad = con.execute(
            "SELECT bad, sum(n) AS n FROM g WHERE bad IS NOT NULL "
            f"GROUP BY bad ORDER BY n DESC, bad LIMIT {TOP}"
        ).fetchall()
        if followup is None:
            groups = con.execute(
                f"SELECT d, lower({seg}) AS sk, min({seg}), lower({ch}) AS ck, min({ch}), "
                "sum(n) FROM g WHERE d IS NOT NULL GROUP BY d, sk, ck"
            ).fetchall()
            tops: list[list[Any]] = [[], []]
        else:
            con.execute(
                f"CREATE TEMP TABLE g2 AS SELECT *, {_TRIES} AS t, "
                f"try_cast({_TRIES} AS DOUBLE) AS x FROM g WHERE d IS NOT NULL"
            )
            groups = con.execute(
                f"SELECT d, lower({seg}) AS sk, min({seg}), lower({ch}) AS ck, min({ch}), "
                f"sum(n){_STATS} FROM g2 LEFT JOIN hj ON hj.k = lower({ch}) GROUP BY d, sk, ck"
            ).fetchall()
            tops = [
                con.execute(
                    f"SELECT {col}, sum(n) AS n FROM g2 WHERE {where} "
                    f"GROUP BY {col} ORDER BY n DESC, {col} LIMIT {TOP}"
                ).fetchall()
                for col, where in (
                    ("fbad", "fbad IS NOT NULL"),
                    ("t", f"t IS NOT NULL AND NOT {_WHOLE}"),
                )
            ]
    return Scan(
        rows_read=int(counts[0]),
        no_date=int(counts[1]),
        bad_date_rows=int(counts[2]),
        bad_dates=[(str(v), int(n)) for v, n in bad],
        groups=[(g[0], g[1], g[2], g[3], g[4], int(g[5])) for g in groups],
        stats=[(int(g[6]), int(g[7]), int(g[8]), int(g[9]), int(g[10]), int(g[11])) for g in groups]
        if followup is not None
        else [],
        bad_first_contacts=[(str(v), int(n)) for v, n in tops[0]],
        bad_attempts=[(str(v), int(n)) for v, n in tops[1]],
    )


def _reason(message: str) -> str:
    """DuckDB's multi-line CSV error as one line a user can act on."""
    line = re.search(r"CSV Error on Line: (\d+)", message)
    where = f"near line {line.group(1)}: " if line else ""
    fields = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if fields:
        return (
            f"{where}{fields.group(2)} fields where the header has {fields.group(1)}; "
            "the export is damaged or cut (export it again)"
        )
    if "Invalid unicode" in message:
        return f"{where}not UTF-8 text; save it as 'CSV UTF-8' (or 'Unicode text')"
    if "unterminated quote" in message.lower():
        return f"{where}a quoted field never ends; the export is damaged or cut"
    if "maximum line size" in message.lower():
        return f"{where}a record longer than DuckDB's 2 MB line limit; refused (docs/limits.md)"
    first = next((x for x in message.splitlines() if x.strip()), "unreadable")
    return f"{where}cannot read as CSV ({first[:200]})"
