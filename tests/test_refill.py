"""Rewriting a filled workbook with an imported lead log (update/): nothing typed is lost.

The filled workbooks are made by LibreOffice through UNO, as a user would (typed log
rows, then saved as .xlsx and .ods); what a user adds beyond the inputs is added the
same way. Every rewrite must validate clean, keep every input, count the imported
leads, and either carry over or refuse what it cannot.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from sla_workbook import load_plan, read_workbook, validate
from sla_workbook.update.refill import LossError, refill_log
from tests.spreadsheet_programs import ODS_FILTER, XLSX_FILTER, uno_edit
from tests.workbooks import make

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "plan.yaml"
# Typed by the user, beside the sample plan's own log: a row the import will replace
# (same day, segment and channel) and one it will not. The workbook with additions
# also has a row that does not count, which must be kept as typed.
TYPED = [
    [{"date": "2027-02-02"}, "EMEA", "Inbound", 3],
    [{"date": "2027-02-03"}, "APAC", "Outbound", 2],
]
NOT_COUNTED = ["soon", "APAC", "Outbound", 1]


def imported(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime([r[0] for r in rows]),
            "segment": pd.array([r[1] for r in rows], dtype="string"),
            "channel": pd.array([r[2] for r in rows], dtype="string"),
            "leads": pd.array([float(r[3]) for r in rows], dtype="Float64"),
        }
    )


IMPORT = imported(
    [("2027-02-02", "EMEA", "Inbound", 40), ("2027-02-05", "North America", "Events", 7)]
)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample, with TYPED added to its log in LibreOffice, as .xlsx and .ods; and
    one more .xlsx with things added beyond the inputs."""
    tmp = tmp_path_factory.mktemp("refill")
    src = make(tmp, "sample.xlsx", plan=load_plan(SAMPLE))
    plan_rows = len(load_plan(SAMPLE).log)
    cells = []
    for j, name in enumerate(("log_date", "log_segment", "log_channel", "log_leads")):
        values = [["__keep__"]] * plan_rows + [[row[j]] for row in TYPED]
        cells.append({"name": f"your_{name}", "values": values})
    xlsx, ods = uno_edit(
        src, [(tmp / "filled.xlsx", XLSX_FILTER), (tmp / "filled.ods", ODS_FILTER)], cells
    )
    extra_log = [
        {"name": f"your_{name}", "values": [["__keep__"]] * plan_rows + [[NOT_COUNTED[j]]]}
        for j, name in enumerate(("log_date", "log_segment", "log_channel", "log_leads"))
    ]
    (extra,) = uno_edit(
        src,
        [(tmp / "extra.xlsx", XLSX_FILTER)],
        [{"name": "your_sla_leads", "values": [[777]]}, *extra_log],  # a formula typed over
        extras={
            "add_sheets": ["My notes"],
            "type_at": [["Your targets", "P3", "ask Ana"]],
            "comments": [["Your SLA", "B12", "price from the Q4 deals report"]],
            "widths": [["Your targets", 0, 9000]],
            "charts": [["Your targets", "A7:C9"]],
        },
    )
    return {"xlsx": xlsx, "ods": ods, "extra": extra}


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_refill_keeps_inputs_and_counts_the_import(
    filled: dict[str, Path], kind: str, tmp_path: Path
) -> None:
    src = filled[kind]
    before = src.read_bytes()
    out = tmp_path / "new.xlsx"
    result = refill_log(src, out, IMPORT, accept_loss=False, overwrite=False)
    assert src.read_bytes() == before  # the input is never touched
    assert result.losses == [] and result.replaced_rows == 1
    report = validate(out, "all")
    assert report.findings == [], [f"{f.code} {f.where()} {f.message}" for f in report.findings]
    old, new = read_workbook(src).yours.plan, read_workbook(out).yours.plan
    for frame in ("segments", "channels", "targets", "channel_inputs"):
        assert_frame_equal(getattr(new, frame), getattr(old, frame))
    assert (new.year, new.track_month, new.track_asof) == (
        old.year,
        old.track_month,
        old.track_asof,
    )
    log = new.log
    emea = log[(log.segment == "EMEA") & (log.channel == "Inbound")]
    assert emea.loc[emea.date == "2027-02-02", "leads"].tolist() == [40]  # replaced, not 3 + 40
    assert len(log) == len(old.log) - 1 + len(IMPORT)
    actual = read_workbook(out).yours.outputs()["actuals"]
    feb = actual[(actual.segment == "EMEA") & (actual.channel == "Inbound") & (actual.month == 2)]
    assert feb["actual"].tolist() == [40]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_refill_twice_changes_nothing(filled: dict[str, Path], tmp_path: Path) -> None:
    once = refill_log(
        filled["xlsx"], tmp_path / "1.xlsx", IMPORT, accept_loss=False, overwrite=False
    )
    twice = refill_log(once.path, tmp_path / "2.xlsx", IMPORT, accept_loss=False, overwrite=False)
    assert _digest(once.path) == _digest(twice.path)


day = st.dates(
    min_value=pd.Timestamp("2027-01-01").date(), max_value=pd.Timestamp("2027-12-31").date()
)
rows = st.lists(
    st.tuples(
        day,
        st.sampled_from(["North America", "EMEA", "APAC"]),
        st.sampled_from(["Inbound", "Events", "Outbound"]),
        st.integers(0, 50),
    ),
    max_size=25,
    unique_by=lambda r: r[:3],
)


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(rows=rows, cut=day)
def test_importing_in_two_parts_equals_importing_once(
    filled: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, rows: list, cut: object
) -> None:
    """An export split by date and imported part by part gives the same workbook."""
    tmp = tmp_path_factory.mktemp("split")
    whole = imported([(str(d), s, c, n) for d, s, c, n in sorted(rows)])
    early = whole[whole.date.dt.date < cut].reset_index(drop=True)
    late = whole[whole.date.dt.date >= cut].reset_index(drop=True)
    src = filled["xlsx"]
    one = refill_log(src, tmp / "one.xlsx", whole, accept_loss=False, overwrite=False)
    part = refill_log(src, tmp / "part.xlsx", early, accept_loss=False, overwrite=False)
    two = refill_log(part.path, tmp / "two.xlsx", late, accept_loss=False, overwrite=False)
    assert _digest(one.path) == _digest(two.path)


def test_what_cannot_be_carried_is_refused_then_listed(
    filled: dict[str, Path], tmp_path: Path
) -> None:
    src, out = filled["extra"], tmp_path / "new.xlsx"
    with pytest.raises(LossError) as refused:
        refill_log(src, out, IMPORT, accept_loss=False, overwrite=False)
    assert not out.exists()
    text = "\n".join(refused.value.losses)
    assert "sheet 'My notes'" in text
    first = read_workbook(src).yours.address("sla_leads")
    assert f"'{first[0]}'!{first[1]}: the value 777 typed over a formula" in text
    assert "'Your targets'!P3: 'ask Ana'" in text
    assert "price from the Q4 deals report" in text
    assert "chart(s)" in text and "'Your targets'" in text
    assert refused.value.exit_code == 1
    forced = refill_log(src, out, IMPORT, accept_loss=True, overwrite=False)
    assert forced.losses == refused.value.losses and out.exists()
    # a typed row that does not count is kept as typed, text and all (and still reported)
    assert "soon" in [row[0] for row in read_workbook(out).yours.stored("log_date")]
    assert "log-date-invalid" in {f.code for f in validate(out).findings}


def test_a_widened_column_is_carried_over(filled: dict[str, Path], tmp_path: Path) -> None:
    from sla_workbook.update.losses import column_widths

    out = tmp_path / "new.xlsx"
    refill_log(filled["extra"], out, IMPORT, accept_loss=True, overwrite=False)
    sheets = ("Your targets", "Your SLA")
    widened = column_widths(filled["extra"], sheets)[("targets", 0)]
    assert widened > 30  # 9 cm; our own fit is about 25
    assert column_widths(out, sheets)[("targets", 0)] == pytest.approx(widened, abs=0.2)
