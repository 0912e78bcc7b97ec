"""CRM histories with a known truth, for calibrate's tests (tests/test_calibrate*.py).

A truth draws, per segment and channel, a close rate, and per segment a mean deal
amount; each lead becomes a customer with its cell's rate, some days later, with an
amount drawn around its segment's mean (a gamma, mildly skewed as deal sizes are). The
columns are HubSpot's (docs/crm.md); Salesforce leads and opportunities are written too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from pathlib import Path

COUNTRIES = {"United States": "North America", "Germany": "EMEA", "Japan": "APAC"}
SOURCES = {"Organic Search": "Inbound", "Other Campaigns": "Events", "Offline Sources": "Outbound"}
HUBSPOT = [
    "Record ID",
    "Create Date",
    "Became a Lead Date",
    "Became a Customer Date",
    "Original Source",
    "Country/Region",
    "Recent Deal Amount",
    "Lifecycle Stage",
]
MAX_LAG = 40  # days from lead to customer, at most

MAP = """preset: hubspot-contacts
segments: {United States: North America, Germany: EMEA, Japan: APAC}
channels: {Organic Search: Inbound, Other Campaigns: Events, Offline Sources: Outbound}
"""
SF_MAP = """preset: salesforce-leads
segments: {USA: North America, Germany: EMEA, Japan: APAC}
channels: {Web: Inbound, Webinar: Events, Purchased List: Outbound}
"""
SF_COUNTRY = {"North America": "USA", "EMEA": "Germany", "APAC": "Japan"}
SF_SOURCE = {"Inbound": "Web", "Events": "Webinar", "Outbound": "Purchased List"}

PLAN = """year: 2028
channels:
  - {name: Inbound, team: marketing}
  - {name: Events, team: marketing}
  - {name: Outbound, team: sales}
segments:
"""


def plan_text(segments: tuple[str, ...] = ("North America", "EMEA", "APAC")) -> str:
    """A plan for these segments with round values (the 'previous' ones)."""
    out = PLAN
    for s in segments:
        out += (
            f"  - name: {s}\n"
            "    avg_price: 20000   # typed by hand\n"
            "    marketing_share: 0.5\n"
            "    targets: [100000, 100000, 100000, 100000, 100000, 100000, 100000, 100000,"
            " 100000, 100000, 100000, 100000]\n"
            "    close_rate: {Inbound: 0.05, Events: 0.08, Outbound: 0.1}\n"
            "    channel_mix: {Inbound: 0.7, Events: 0.3}\n"
        )
    return out


@dataclass(frozen=True)
class Truth:
    rates: dict[tuple[str, str], float]  # (segment, channel) -> close rate
    prices: dict[str, float]  # segment -> mean deal amount


def draw_truth(rng: random.Random) -> Truth:
    rates = {(s, c): rng.uniform(0.04, 0.3) for s in COUNTRIES.values() for c in SOURCES.values()}
    prices = {s: rng.uniform(8000, 40000) for s in COUNTRIES.values()}
    return Truth(rates, prices)


@dataclass(frozen=True)
class Lead:
    id: int
    lead_at: dt.datetime
    segment: str
    channel: str
    customer_at: dt.datetime | None
    amount: float | None


SHAPE = 16.0  # gamma shape of deal amounts: a coefficient of variation of 1/4


def history(
    rng: random.Random, truth: Truth, n: int, as_of: dt.date, days: int = 420
) -> list[Lead]:
    """``n`` leads dated uniformly over the ``days`` before ``as_of``."""
    start = dt.datetime.combine(as_of, dt.time()) - dt.timedelta(days=days)
    out = []
    for i in range(n):
        at = start + dt.timedelta(minutes=rng.randrange(days * 24 * 60))
        seg = rng.choice(list(COUNTRIES.values()))
        ch = rng.choice(list(SOURCES.values()))
        won = rng.random() < truth.rates[(seg, ch)]
        when = (
            at + dt.timedelta(days=rng.randint(1, MAX_LAG), minutes=rng.randrange(600))
            if won
            else None
        )
        amount = round(rng.gammavariate(SHAPE, truth.prices[seg] / SHAPE), 2) if won else None
        out.append(Lead(i, at, seg, ch, when, amount))
    return out


def _stamp(t: dt.datetime | None) -> str:
    return "" if t is None else t.strftime("%Y-%m-%d %H:%M")


def hubspot_csv(leads: list[Lead], edits: dict[int, dict[str, str]] | None = None) -> str:
    """The leads as a HubSpot contacts export; ``edits`` overwrite columns of some rows."""
    country = {v: k for k, v in COUNTRIES.items()}
    source = {v: k for k, v in SOURCES.items()}
    buf = io.StringIO()
    w = csv.DictWriter(buf, HUBSPOT, lineterminator="\n")
    w.writeheader()
    for lead in leads:
        row = {
            "Record ID": str(1000 + lead.id),
            "Create Date": _stamp(lead.lead_at - dt.timedelta(hours=1)),
            "Became a Lead Date": _stamp(lead.lead_at),
            "Became a Customer Date": _stamp(lead.customer_at),
            "Original Source": source[lead.channel],
            "Country/Region": country[lead.segment],
            "Recent Deal Amount": "" if lead.amount is None else f"{lead.amount:.2f}",
            "Lifecycle Stage": "Customer" if lead.customer_at else "Lead",
        }
        row.update((edits or {}).get(lead.id, {}))
        w.writerow(row)
    return buf.getvalue()


def salesforce_csvs(
    leads: list[Lead], missing: set[int] = frozenset(), shared: dict[int, int] | None = None
) -> tuple[str, str]:
    """(lead export, opportunity export). Every customer, and one in three other leads,
    converted to an opportunity (won for customers); the ids in ``missing`` keep their
    ConvertedOpportunityId but their opportunity is left out of the export. ``shared``
    maps a lead's id to another lead's id whose opportunity it converted into too (as
    Salesforce does when several leads of one account convert into one deal): it gets
    that ConvertedOpportunityId and writes no opportunity of its own."""
    leads_buf, opp_buf = io.StringIO(), io.StringIO()
    lw = csv.writer(leads_buf, lineterminator="\r\n")
    ow = csv.writer(opp_buf, lineterminator="\r\n")
    lw.writerow(
        [
            "Id",
            "CreatedDate",
            "Country",
            "LeadSource",
            "IsConverted",
            "ConvertedOpportunityId",
            "Status",
        ]
    )
    ow.writerow(["Id", "Name", "Amount", "CloseDate", "IsWon", "StageName"])
    for lead in leads:
        joins = (shared or {}).get(lead.id)
        converted = lead.customer_at is not None or lead.id % 3 == 0 or joins is not None
        opp = f"0065g00000{lead.id if joins is None else joins:05d}AAA" if converted else ""
        lw.writerow(
            [
                f"00Q5g00000{lead.id:08d}",
                lead.lead_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                SF_COUNTRY[lead.segment],
                SF_SOURCE[lead.channel],
                "true" if converted else "false",
                opp,
                "Converted" if converted else "Open",
            ]
        )
        if converted and lead.id not in missing and joins is None:
            won = lead.customer_at is not None
            close = (lead.customer_at or lead.lead_at + dt.timedelta(days=20)).date().isoformat()
            amount = f"{lead.amount:.2f}" if lead.amount is not None else "5000"
            ow.writerow(
                [
                    opp,
                    f"Deal {lead.id}",
                    amount,
                    close,
                    "true" if won else "false",
                    "Closed Won" if won else "Closed Lost",
                ]
            )
    return leads_buf.getvalue(), opp_buf.getvalue()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
