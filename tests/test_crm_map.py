"""The CRM map file: every broken rule at once, each with its path, as plan files do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sla_workbook.crm.map_file import load_map, parse_map
from sla_workbook.crm.presets import PRESETS
from sla_workbook.errors import InputError, MapError

ROOT = Path(__file__).resolve().parents[1]


def problems(data: Any) -> list[str]:
    with pytest.raises(MapError) as info:
        parse_map(data, "m.yaml")
    assert str(info.value).splitlines() == [f"m.yaml: {p}" for p in info.value.problems]
    return info.value.problems


def test_sample_map_reads() -> None:
    cmap = load_map(ROOT / "samples" / "crm-map.yaml")
    assert cmap.preset == "hubspot-contacts"
    assert cmap.date_columns == ("Became a Lead Date", "Create Date")
    assert cmap.segment_column == "Country/Region" and cmap.channel_column == "Original Source"
    assert cmap.timezone == "America/New_York"
    assert cmap.segments is not None and cmap.segments["united states"] == "North America"


def test_every_problem_at_once_with_its_path() -> None:
    found = problems(
        {
            "preset": "pipedrive",
            "columns": {"date": [], "region": "Country"},
            "timezone": "Europe/Madird",
            "date_format": "%d/%m",
            "segments": {"Germany": "EMEA", " germany": "APAC", "Spain": "", "Peru": "LA*"},
            "channels": ["Inbound"],
            "colums": {},
        }
    )
    assert found == [
        "colums: unknown field (expected one of: channels, columns, date_format, preset, "
        "segments, timezone)",
        "preset: 'pipedrive' is not a preset (hubspot-contacts, salesforce-leads)",
        "columns.date: [] is not a column name or a list of them",
        "columns.region: unknown column role (expected one of: date, segment, channel, amount, "
        "customer_date, first_contact, attempts)",
        "timezone: 'Europe/Madird' is not a time zone name (write it as Region/City, e.g. "
        "Europe/Madrid, America/New_York, or UTC)",
        "date_format: '%d/%m' has no year (%Y or %y)",
        "segments[' germany']: repeats 'Germany' (values match ignoring case and spaces)",
        "segments.Spain: '' is empty",
        "segments.Peru: 'LA*' contains *, which spreadsheet formulas read as wildcards",
        "channels: ['Inbound'] is not a mapping of CRM value to plan name",
    ]


def test_without_a_preset_every_column_is_needed() -> None:
    assert problems({"columns": {"segment": "Country"}}) == [
        "columns.date: missing (no preset names it; give the export's column)",
        "columns.channel: missing (no preset names it; give the export's column)",
    ]


def test_columns_override_the_preset() -> None:
    cmap = parse_map(
        {"preset": "hubspot-contacts", "columns": {"segment": "Persona", "date": "Create Date"}}
    )
    assert cmap.segment_column == "Persona"
    assert cmap.date_columns == ("Create Date",)
    assert cmap.channel_column == "Original Source"


def test_values_match_ignoring_case_and_spaces_and_names_keep_one_spelling() -> None:
    cmap = parse_map(
        {
            "preset": "salesforce-leads",
            "segments": {" USA ": "North America", "Canada": "north america", 1: "EMEA"},
        }
    )
    assert cmap.segments == {"usa": "North America", "canada": "North America", "1": "EMEA"}
    assert cmap.channels is None  # the export's values are the plan's names


def test_yes_no_on_off_stay_text(tmp_path: Path) -> None:
    """YAML 1.1 reads NO (Norway) as false; a map keeps it as the text it is."""
    path = tmp_path / "m.yaml"
    path.write_text("preset: hubspot-contacts\nsegments: {NO: EMEA, yes: APAC, On: EMEA}\n")
    cmap = load_map(path)
    assert cmap.segments == {"no": "EMEA", "yes": "APAC", "on": "EMEA"}


def test_time_zone_is_checked_and_spelled_canonically() -> None:
    assert parse_map({"preset": "hubspot-contacts", "timezone": "europe/madrid"}).timezone == (
        "Europe/Madrid"
    )
    assert parse_map({"preset": "hubspot-contacts"}).timezone == "UTC"


def test_bad_date_format() -> None:
    assert problems({"preset": "hubspot-contacts", "date_format": "%Y-%Q"})[0].startswith(
        "date_format: '%Y-%Q' is not a valid format ("
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("preset: [unclosed\n", "invalid YAML"),
        ("segments: {Spain: EMEA, Spain: APAC}\n", "the key 'Spain' appears twice"),
        ("- a list\n", "the map must be a mapping"),
    ],
)
def test_unreadable_maps(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "m.yaml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError) as info:
        load_map(path)
    assert str(info.value).startswith(str(path)) and message in str(info.value)


def test_presets_read_the_documented_columns() -> None:
    docs = (ROOT / "docs" / "crm.md").read_text()
    for preset in PRESETS.values():
        assert f"`{preset.name}`" in docs
        for name in (*preset.date, preset.segment, preset.channel, *preset.known):
            assert f"`{name}`" in docs, name
