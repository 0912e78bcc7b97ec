"""What an import says about the export: where every row went, and what follow-up it read.

``ImportSummary.to_dict()`` is what ``import --format json`` prints; report/import_text.py
says it in words. Kept apart from the pass (log_import.py), which only fills it in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# reason key -> what the summary says; the order is the order reasons are tried in
NOT_COUNTED = {
    "no_date": "no date",
    "date_unparseable": "date not parseable",
    "date_outside_year": "date not in the plan year",
    "segment_unmapped": "segment not mapped",
    "channel_unmapped": "channel not mapped",
    "name_not_in_plan": "segment or channel mapped to a name the plan lacks",
}
CHOSEN = {"date_outside_year"}  # reasons the user asked for (--year): no attention needed


@dataclass(frozen=True)
class FollowUpSummary:
    """Sales' follow-up as the import read it (docs/crm.md). Counts are over the rows
    counted into the log; ``blank`` says, per log column, why some or all of its values
    were left blank (blank is "not recorded", never 0)."""

    first_contact: str | None = None  # the column read, None: not read
    attempts: str | None = None
    leads_with_first_contact: int = 0
    leads_worked: int = 0  # within their channel's H (channels with H only)
    first_contact_unparseable: int = 0
    leads_with_attempts: int = 0  # a whole number (blank counts as 0 and is not here)
    attempts_total: int = 0
    attempts_unreadable: int = 0
    rows_with_worked: int = 0  # log rows whose worked was filled
    rows_with_attempts: int = 0
    channels_without_hours: list[tuple[str, int]] = field(default_factory=list)  # (name, leads)
    unparseable_first_contacts: list[tuple[str, int]] = field(default_factory=list)
    unreadable_attempts: list[tuple[str, int]] = field(default_factory=list)
    blank: dict[str, list[str]] = field(default_factory=lambda: {"worked": [], "attempts": []})

    def to_dict(self) -> dict[str, Any]:
        def listed(pairs: list[tuple[str, int]], key: str = "value") -> list[dict[str, Any]]:
            return [{key: v, "rows": n} for v, n in pairs]

        return {
            "columns": {"first_contact": self.first_contact, "attempts": self.attempts},
            "leads_with_first_contact": self.leads_with_first_contact,
            "leads_worked": self.leads_worked,
            "first_contact_unparseable": self.first_contact_unparseable,
            "leads_with_attempts": self.leads_with_attempts,
            "attempts_total": self.attempts_total,
            "attempts_unreadable": self.attempts_unreadable,
            "log_rows_with": {"worked": self.rows_with_worked, "attempts": self.rows_with_attempts},
            "channels_without_hours": listed(self.channels_without_hours, "channel"),
            "unparseable_first_contacts": listed(self.unparseable_first_contacts),
            "unreadable_attempts": listed(self.unreadable_attempts),
            "blank": {k: list(v) for k, v in self.blank.items()},
        }


@dataclass(frozen=True)
class ImportSummary:
    """Where every row of the export went. ``to_dict()`` is what ``--format json`` prints."""

    export: str
    kind: str
    columns: dict[str, list[str]]
    timezone: str
    year: int | None
    rows_read: int
    rows_counted: int
    not_counted: dict[str, int]
    log_rows: int
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    unmapped: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    not_in_plan: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    unparseable_dates: list[tuple[str, int]] = field(default_factory=list)
    followup: FollowUpSummary = field(default_factory=FollowUpSummary)

    @property
    def ok(self) -> bool:
        """Every row was counted, or left out by a reason the user chose (the year)."""
        return all(n == 0 for k, n in self.not_counted.items() if k not in CHOSEN)

    def to_dict(self) -> dict[str, Any]:
        def listed(pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
            return [{"value": v, "rows": n} for v, n in pairs]

        return {
            "export": self.export,
            "kind": self.kind,
            "columns": self.columns,
            "timezone": self.timezone,
            "year": self.year,
            "rows_read": self.rows_read,
            "rows_counted": self.rows_counted,
            "not_counted": dict(self.not_counted),
            "log_rows": self.log_rows,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "ok": self.ok,
            "unmapped": {k: listed(v) for k, v in self.unmapped.items()},
            "not_in_plan": {k: listed(v) for k, v in self.not_in_plan.items()},
            "unparseable_dates": listed(self.unparseable_dates),
            "followup": self.followup.to_dict(),
        }
