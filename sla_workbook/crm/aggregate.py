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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .export_file import CsvExport
from .map_file import SPACE

TOP = 10  # most frequent values listed per kind
MEMORY_LIMIT = "600MB"  # DuckDB spills to the work folder past this


@dataclass(frozen=True)
class Scan:
    """What the pass found. ``groups`` rows: (day, seg_key, seg_shown, ch_key, ch_shown, n)
    for rows whose date parsed; ``bad_dates``: (value, rows), the most frequent first."""

    rows_read: int
    no_date: int
    bad_date_rows: int
    bad_dates: list[tuple[str, int]]
    groups: list[tuple[Any, str, str, str, str, int]]


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


def scan(
    export: CsvExport,
    date_cols: list[int],
    seg_col: int,
    ch_col: int,
    *,
    timezone: str,
    date_format: str | None,
    workdir: Path,
) -> Scan:
    """Read the export once and group it; InputError (naming the line) if it is not CSV.

    Per row, only what must be: the date parsed (each timestamp differs). Segment and
    channel values are grouped as they are, and trimmed and lower-cased afterwards on
    the groups, a thousand times fewer.
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
    seg = f"trim(coalesce(s, ''), {_lit(SPACE)})"
    ch = f"trim(coalesce(c, ''), {_lit(SPACE)})"
    with duckdb.connect() as con:
        con.execute(f"SET temp_directory = {_lit(str(workdir))}")
        con.execute(f"SET memory_limit = {_lit(MEMORY_LIMIT)}")
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET TimeZone = {_lit(timezone)}")
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
        groups = con.execute(
            f"SELECT d, lower({seg}) AS sk, min({seg}), lower({ch}) AS ck, min({ch}), sum(n) "
            "FROM g WHERE d IS NOT NULL GROUP BY d, sk, ck"
        ).fetchall()
    return Scan(
        rows_read=int(counts[0]),
        no_date=int(counts[1]),
        bad_date_rows=int(counts[2]),
        bad_dates=[(str(v), int(n)) for v, n in bad],
        groups=[(d, sk, s, ck, c, int(n)) for d, sk, s, ck, c, n in groups],
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
