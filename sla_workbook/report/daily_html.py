"""The daily summary as one self-contained HTML page.

No network and no scripts: the CSS is inline and the charts are inline SVG drawn by
matplotlib. One A4 landscape page when printed (``@page``, print sizes), one column on a
phone (``@media`` by width). Status cells use the workbook's traffic-light colours.
"""

from __future__ import annotations

from html import escape

from .daily import DailyReport, TrackRow
from .daily_text import behind_table, ordered_rows, sales_table, track_table, ytd_table
from .daily_words import headline, none_behind, period, status_word, words, ytd_caption

# fill and font of the workbook's conditional formats (workbook/sheet_writer.py)
LIGHTS = {
    "behind": ("#FFC7CE", "#9C0006"),
    "on_track": ("#FFEB9C", "#9C5700"),
    "ahead": ("#C6EFCE", "#006100"),
    "not_met": ("#FFC7CE", "#9C0006"),
    "met": ("#C6EFCE", "#006100"),
}

CSS = """
*{box-sizing:border-box}
body{font-family:"DejaVu Sans","Segoe UI",Arial,Helvetica,sans-serif;color:#1d1d1d;
 margin:0 auto;padding:16px;max-width:1280px;font-size:14px;line-height:1.35}
h1{font-size:20px;margin:0}
h2{font-size:13px;margin:12px 0 4px;text-transform:uppercase;letter-spacing:.04em;color:#444}
.period{font-size:15px;font-weight:bold;margin:2px 0}
.source{color:#666;font-size:12px;overflow-wrap:anywhere}
.heads{display:grid;grid-template-columns:1fr 1fr;gap:8px;margin:10px 0}
.head{border-left:5px solid #888;background:#f5f6f8;padding:6px 10px}
.chip{display:inline-block;font-size:11px;font-weight:bold;text-transform:uppercase;
 padding:0 6px;border-radius:3px;margin-right:4px;background:#ddd}
.head.ahead{border-color:#006100}.head.on_track{border-color:#c9a000}
.head.behind{border-color:#9C0006}
.grid{display:grid;grid-template-columns:minmax(0,1.15fr) minmax(0,1fr);gap:16px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:13px;min-width:60%}
th,td{padding:2px 6px;border-bottom:1px solid #e2e2e2;white-space:nowrap}
th{text-align:right;font-weight:600;background:#eef0f3;white-space:normal;vertical-align:bottom}
td{text-align:right;font-variant-numeric:tabular-nums}
th.l,td.l{text-align:left}
tr.total td{font-weight:bold;border-bottom:1px solid #999}
td.s{text-align:center;border-radius:3px}
.chart svg{width:100%;height:auto;display:block}
.legend,.notes{font-size:11px;color:#444}
.notes ol{margin:2px 0;padding-left:20px}
.none{color:#444;font-size:12px}
@media (max-width:760px){
 body{padding:10px;font-size:13px}
 .heads,.grid{grid-template-columns:minmax(0,1fr)}
 th.l:first-child,td.l:first-child{position:sticky;left:0;background:#fff}
 th.l:first-child{background:#eef0f3}
 table{font-size:12px}
 th,td{padding:2px 4px}
}
@page{size:A4 landscape;margin:7mm}
@media print{
 body{max-width:none;padding:0;font-size:9pt;line-height:1.25}
 h1{font-size:12pt}.period{font-size:9pt}
 h2{font-size:7.5pt;margin:5px 0 2px}
 .heads{margin:4px 0;gap:5px;grid-template-columns:1fr 1fr}.head{padding:3px 6px}
 .chip{font-size:6.5pt}
 .grid{grid-template-columns:minmax(0,1.2fr) minmax(0,1fr);gap:10px}
 table{font-size:8.5pt}th,td{padding:1px 4px}
 .chart svg{max-height:68mm}
 .legend,.notes,.source{font-size:6.5pt}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def _table(
    header: list[str],
    rows: list[list[str]],
    left: int = 1,
    statuses: list[list[str | None]] | None = None,
    totals: set[int] | None = None,
) -> str:
    """A table; ``statuses[i][j]``: the status behind cell j of row i (it gets colours)."""
    head = "".join(
        f'<th class="l" scope="col">{escape(h)}</th>'
        if i < left
        else f'<th scope="col">{escape(h)}</th>'
        for i, h in enumerate(header)
    )
    body = []
    for r, row in enumerate(rows):
        cells = []
        for j, text in enumerate(row):
            status = statuses[r][j] if statuses else None
            if status in LIGHTS:
                fill, font = LIGHTS[status]
                cells.append(
                    f'<td class="s" style="background:{fill};color:{font}">{escape(text)}</td>'
                )
            else:
                cells.append(
                    f'<td class="l">{escape(text)}</td>' if j < left else f"<td>{escape(text)}</td>"
                )
        cls = ' class="total"' if totals and r in totals else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _track(report: DailyReport) -> str:
    lang = report.language
    header, body = track_table(report, lang)
    rows: list[TrackRow] = ordered_rows(report)
    blank: list[str | None] = [None] * (len(header) - 1)
    statuses: list[list[str | None]] = [[*blank, r.status] for r in rows]
    totals = {i for i, r in enumerate(rows) if r.level == "team"}
    return _table(header, body, statuses=statuses, totals=totals)


def _sales(report: DailyReport) -> str:
    header, body = sales_table(report, report.language)
    lang = report.language
    met_words = {status_word(s, lang): s for s in ("met", "not_met")}
    statuses: list[list[str | None]] = [
        [met_words.get(text) if j in (3, 6) else None for j, text in enumerate(row)] for row in body
    ]
    return _table(header, body, statuses=statuses)


def render_html(report: DailyReport, charts: tuple[str, str] | None) -> str:
    """``charts``: the daily and monthly chart as SVG text, or None to leave them out."""
    lang = report.language
    w = words(lang)
    title = f"{w['title']} · {period(report, lang)}"
    heads = []
    for team in report.teams:
        cls = f"head {team.status}" if team.status else "head"
        chip = ""
        if team.status in LIGHTS:
            fill, font = LIGHTS[team.status]
            word = escape(status_word(team.status, lang))
            chip = f'<span class="chip" style="background:{fill};color:{font}">{word}</span>'
        heads.append(f'<div class="{cls}">{chip}{escape(headline(report, team, lang))}</div>')
    left = [f"<h2>{escape(w['section_track'])}</h2>", _track(report)]
    left.append(f"<h2>{escape(w['section_behind'])}</h2>")
    header, body = behind_table(report, lang)
    if body:
        left.append(_table(header, body, left=2))
    else:
        left.append(f'<p class="none">{escape(none_behind(report, lang))}</p>')
    if report.unranked:
        text = str(w["unranked"]).format(n=report.unranked, label=report.segment_label)
        left.append(f'<p class="none">{escape(text)}</p>')
    left.append(f"<h2>{escape(w['section_ytd'])}: {escape(ytd_caption(report, lang))}</h2>")
    left.append(_table(*ytd_table(report, lang)))
    if report.sales is not None:
        left += [f"<h2>{escape(w['section_sales'])}</h2>", _sales(report)]
    right = []
    if charts is not None:
        right = [f'<div class="chart">{_svg_only(svg)}</div>' for svg in charts]
    notes = ""
    if report.notes:
        items = "".join(f"<li>{escape(t)}</li>" for t in report.notes.values())
        heading = escape(w["section_notes"])
        notes = f'<div class="notes"><strong>{heading}</strong><ol>{items}</ol></div>'
    source = (
        f'<div class="source">{escape(str(w["source"]).format(source=report.source))}</div>'
        if report.source
        else ""
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(w['title'])}</h1>"
        f'<div class="period">{escape(period(report, lang))}</div>{source}</header>'
        f'<section class="heads">{"".join(heads)}</section>'
        f'<div class="grid"><section>{"".join(left)}</section>'
        f"<section>{''.join(right)}</section></div>"
        f'<p class="legend">{escape(str(w["legend"]))}</p>{notes}'
        "</body></html>\n"
    )


def _svg_only(svg: str) -> str:
    """The <svg> element of a matplotlib file, without its XML prolog and doctype."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
