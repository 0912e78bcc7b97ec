"""Generate the CRM exports the tests read (tests/data/crm/) and the sample (samples/).

    python -m tests.make_crm_exports          # rewrites the files; same bytes every run

Made up here, not copied from any CRM: the *column names* are the vendors' own (HubSpot
writes property labels, Salesforce API field names; see docs/crm.md), the values are
drawn from a seeded random generator. The files carry what real exports carry and the
cases the importer must handle: 100+ columns, most of them blank; "Became a Lead Date"
blank (so "Create Date" counts), both dates blank, a date in another layout, the year
before; sources and countries the map does not know, in mixed case and with spaces; a
quoted field with a newline, a comma and quotes. The same rows are also written as
Excel writes them: UTF-8 with BOM and semicolons ("CSV UTF-8" in a European locale),
UTF-16 with tabs ("Unicode text"), and xlsx.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "crm"
SAMPLES = ROOT / "samples"

# HubSpot contact property labels as its exports name the columns (default properties).
HUBSPOT_COLUMNS = [
    "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Contact owner",
    "Lifecycle Stage", "Lead Status", "Create Date", "Became a Lead Date",
    "Became a Marketing Qualified Lead Date", "Became a Sales Qualified Lead Date",
    "Became an Opportunity Date", "Became a Customer Date", "Became a Subscriber Date",
    "Became an Evangelist Date", "Became an Other Lifecycle Date", "Original Source",
    "Original Source Drill-Down 1", "Original Source Drill-Down 2", "Latest Source",
    "Latest Source Date", "Latest Source Drill-Down 1", "Latest Source Drill-Down 2",
    "Country/Region", "State/Region", "City", "Postal Code", "Street Address", "Persona",
    "Recent Deal Amount", "Recent Deal Close Date", "Number of times contacted",
    "Annual Revenue", "Average Pageviews", "Buying Role", "Close Date",
    "Company domain name", "Company Name", "Company size", "Contact priority",
    "Contact unworked", "Created by user ID", "Currently in Sequence",
    "Currently in workflow", "Date of birth", "Days To Close", "Degree", "Domain name",
    "Email Address Quarantined", "Email Confirmed", "Email Domain",
    "Email hard bounce reason", "Event Revenue", "Fax Number", "Field of study",
    "First Conversion", "First Conversion Date", "First Deal Created Date",
    "First marketing email click date", "First marketing email open date",
    "First marketing email reply date", "First marketing email send date",
    "First Page Seen", "First Referring Site", "First Touch Converting Campaign", "Gender",
    "Graduation date", "HubSpot Score", "HubSpot Team", "Industry", "Invalid email address",
    "IP City", "IP Country", "IP Country Code", "IP State Code/Region Code",
    "IP State/Region", "IP Timezone", "Job function", "Job Title", "Last Activity Date",
    "Last Contacted", "Last Engagement Date", "Last marketing email click date",
    "Last marketing email name", "Last marketing email open date",
    "Last marketing email reply date", "Last marketing email send date",
    "Last Modified Date", "Last NPS survey comment", "Last NPS survey date",
    "Last NPS survey rating", "Last Page Seen", "Last Referring Site",
    "Last sequence ended date", "Last sequence enrolled", "Last sequence enrolled date",
    "Last Touch Converting Campaign", "Lead Rating", "Likelihood to close",
    "Marital Status", "Marketing contact status", "Marketing email confirmation status",
    "Marketing emails bounced", "Marketing emails clicked", "Marketing emails delivered",
    "Marketing emails opened", "Marketing emails replied", "Membership Notes", "Message",
    "Military status", "Mobile Phone Number", "Next Activity Date",
    "Number of Associated Deals", "Number of Employees", "Number of event completions",
    "Number of Form Submissions", "Number of Pageviews", "Number of Sales Activities",
    "Number of sequences enrolled", "Number of Sessions", "Number of Unique Forms Submitted",
    "Owner Assigned Date", "Predictive Lead Score", "Preferred language",
    "Recent Conversion", "Recent Conversion Date", "Recent Sales Email Clicked Date",
    "Recent Sales Email Opened Date", "Recent Sales Email Replied Date",
    "Relationship Status", "Salutation", "School", "Sends Since Last Engagement",
    "Seniority", "Start date", "Time First Seen", "Time Last Seen", "Time of First Session",
    "Time of Last Session", "Time Zone", "Total Revenue", "Twitter Username",
    "Unsubscribed from all email", "Website URL", "WhatsApp Phone Number", "Work email",
    "Associated Company", "Associated Deal", "Associated Company IDs", "Associated Deal IDs",
]  # fmt: skip

# Salesforce Lead fields by API name, as Data Loader and the Bulk API write them.
SALESFORCE_COLUMNS = [
    "Id", "IsDeleted", "MasterRecordId", "LastName", "FirstName", "Salutation", "Name",
    "Title", "Company", "Street", "City", "State", "PostalCode", "Country", "Phone",
    "MobilePhone", "Email", "Website", "Description", "LeadSource", "Status", "Industry",
    "Rating", "AnnualRevenue", "NumberOfEmployees", "OwnerId", "IsConverted",
    "ConvertedDate", "ConvertedAccountId", "ConvertedContactId", "ConvertedOpportunityId",
    "IsUnreadByOwner", "CreatedDate", "CreatedById", "LastModifiedDate",
    "LastModifiedById", "SystemModstamp", "LastActivityDate", "LastViewedDate",
    "LastReferencedDate", "EmailBouncedReason", "EmailBouncedDate",
]  # fmt: skip

HUBSPOT_SOURCES = [
    ("Organic Search", 30), ("Paid Search", 15), ("Email Marketing", 10),
    ("Organic Social", 6), ("Referrals", 8), ("Other Campaigns", 8), ("Direct Traffic", 10),
    ("Offline Sources", 12), ("Paid Social", 5), ("ORGANIC SEARCH", 2), ("AI Referrals", 3),
]  # fmt: skip
HUBSPOT_COUNTRIES = [
    ("United States", 30), ("Canada", 6), ("Germany", 12), ("France", 8),
    ("United Kingdom", 10), ("Spain", 6), ("Japan", 6), ("Australia", 5), ("Singapore", 3),
    ("India", 4), (" germany ", 2), ("UNITED STATES", 2), ("Brazil", 3), ("", 2),
]  # fmt: skip
SALESFORCE_SOURCES = [
    ("Web", 40), ("Phone Inquiry", 12), ("Partner Referral", 15), ("Purchased List", 10),
    ("Other", 8), ("web", 3), ("Webinar", 4), ("", 2),
]  # fmt: skip
SALESFORCE_COUNTRIES = [
    ("USA", 25), ("United States", 10), ("Canada", 6), ("Germany", 12), ("UK", 10),
    ("France", 7), ("Japan", 8), ("Australia", 6), ("usa", 2), ("Mexico", 3),
]  # fmt: skip
FIRST = ["Ana", "Luis", "Mia", "Noah", "Emma", "Liam", "Sofia", "Kenji", "Priya", "Omar"]
LAST = ["Ruiz", "Smith", "Müller", "Dubois", "Tanaka", "Patel", "Brown", "Rossi", "Kim"]
STAGES = ["Lead", "Marketing Qualified Lead", "Sales Qualified Lead", "Opportunity", "Customer"]
OWNERS = ["Ana Ruiz", "Tom Baker", "Keiko Sato", ""]


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def moment(rng: random.Random, year: int) -> dt.datetime:
    """A time in the year, or (1 in 20) in the last week of the year before."""
    if rng.random() < 0.05:
        start = dt.datetime(year - 1, 12, 25)
        return start + dt.timedelta(minutes=rng.randrange(7 * 24 * 60))
    return dt.datetime(year, 1, 1) + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))


def hubspot_row(rng: random.Random, i: int, year: int, columns: list[str]) -> dict[str, str]:
    """One contact. HubSpot writes datetimes as 'YYYY-MM-DD HH:MM' in the account's zone."""
    created = moment(rng, year)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    row = dict.fromkeys(columns, "")
    row.update(
        {
            "Record ID": str(51000 + i),
            "First Name": first,
            "Last Name": last,
            "Email": f"{first.lower()}.{last.lower()}{i}@example.com",
            "Contact owner": rng.choice(OWNERS),
            "Lifecycle Stage": rng.choice(STAGES),
            "Create Date": created.strftime("%Y-%m-%d %H:%M"),
            "Original Source": pick(rng, HUBSPOT_SOURCES),
            "Original Source Drill-Down 1": rng.choice(["google", "IMPORT", "CRM_UI", ""]),
            "Country/Region": pick(rng, HUBSPOT_COUNTRIES),
            "Persona": rng.choice(["Persona 1", "Persona 2", ""]),
            "Number of times contacted": str(rng.randrange(6)),
            "Recent Deal Amount": rng.choice(["", "12000", "48000.5"]),
            "Last Modified Date": (created + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
            "Number of Pageviews": str(rng.randrange(40)),
        }
    )
    if rng.random() < 0.7:  # else blank: the lead date falls back to the create date
        became = created + dt.timedelta(hours=rng.randrange(0, 72))
        row["Became a Lead Date"] = became.strftime("%Y-%m-%d %H:%M")
    for name in ("Job Title", "City", "Industry", "IP Country"):
        if name in row and rng.random() < 0.5:
            row[name] = rng.choice(["Director", "Madrid", "Software", "spain", "Berlin"])
    return row


def hubspot_rows(n: int, year: int, seed: int = 10) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = [hubspot_row(rng, i, year, HUBSPOT_COLUMNS) for i in range(n)]
    # The cases every export has sooner or later, at fixed places.
    rows[3].update({"Create Date": "", "Became a Lead Date": ""})  # no date at all
    rows[7]["Became a Lead Date"] = "31/03/2027 10:15"  # another layout: not parseable
    rows[11]["Message"] = 'Met at the fair, "very keen";\nasked for a demo, next week'
    rows[12]["Became a Lead Date"] = f"{year}-05-04"  # a date property: no time
    rows[13]["Country/Region"] = "  Germany"
    return rows


def salesforce_rows(n: int, year: int, seed: int = 20) -> list[dict[str, str]]:
    """Leads. Data Loader writes datetimes in UTC as yyyy-MM-ddTHH:mm:ss.SSSZ."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        created = moment(rng, year)
        row = dict.fromkeys(SALESFORCE_COLUMNS, "")
        converted = rng.random() < 0.2
        row.update(
            {
                "Id": f"00Q5g00000{i:08d}",
                "IsDeleted": "false",
                "LastName": rng.choice(LAST),
                "FirstName": rng.choice(FIRST),
                "Company": rng.choice(["Acme", "Globex, Inc.", "Initech", "Umbrella"]),
                "Country": pick(rng, SALESFORCE_COUNTRIES),
                "LeadSource": pick(rng, SALESFORCE_SOURCES),
                "Status": rng.choice(["Open - Not Contacted", "Working - Contacted"]),
                "IsConverted": "true" if converted else "false",
                "ConvertedDate": (created + dt.timedelta(days=9)).strftime("%Y-%m-%d")
                if converted
                else "",
                "CreatedDate": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "SystemModstamp": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "OwnerId": "0055g00000AbCdEAAV",
            }
        )
        rows.append(row)
    rows[5]["CreatedDate"] = f"{year}-01-01T02:30:00.000Z"  # New York: the year before
    rows[6]["CreatedDate"] = f"{year}-06-30T23:30:00.000+0200"  # an offset without colon
    rows[8]["Description"] = "Called back,\nwants pricing"
    rows[9]["CreatedDate"] = ""
    return rows


def to_csv(rows: list[dict[str, str]], columns: list[str], delimiter: str, eol: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, delimiter=delimiter, lineterminator=eol)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_xlsx(path: Path, rows: list[dict[str, str]], columns: list[str]) -> None:
    """Dates as date cells (as a spreadsheet saves them), a second sheet, fixed zip times."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Contacts")
    ws.append(columns)
    for row in rows:
        cells: list[object] = []
        for name in columns:
            value = row[name]
            if name.endswith("Date") and len(value) == 16 and value[4] == "-":
                cells.append(dt.datetime.strptime(value, "%Y-%m-%d %H:%M"))
            elif name == "Number of times contacted":
                cells.append(int(value))
            else:
                cells.append(value or None)
        ws.append(cells)
    notes = wb.create_sheet("Notes")
    notes.append(["Exported for the tests"])
    stamp = dt.datetime(2027, 1, 1)
    wb.properties.created = wb.properties.modified = stamp
    raw = io.BytesIO()
    wb.save(raw)
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2027, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = _fixed_core(data)
            dst.writestr(fixed, data)


def _fixed_core(data: bytes) -> bytes:
    """openpyxl stamps 'modified' with the current time on save; pin it."""
    import re

    return re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
        rb"\g<1>2027-01-01T00:00:00Z\g<2>",
        data,
    )


SAMPLE_COLUMNS = [
    "Record ID", "First Name", "Last Name", "Email", "Contact owner", "Lifecycle Stage",
    "Create Date", "Became a Lead Date", "Became a Marketing Qualified Lead Date",
    "Became a Customer Date", "Original Source", "Original Source Drill-Down 1",
    "Country/Region", "Persona",
    "Recent Deal Amount", "Number of times contacted", "First outreach date",
]  # fmt: skip
SAMPLE_SOURCES = [(v, w) for v, w in HUBSPOT_SOURCES if v not in ("AI Referrals",)]
SAMPLE_COUNTRIES = [(v, w) for v, w in HUBSPOT_COUNTRIES if v not in ("Brazil", "")]


def sample_rows(n: int = 120, year: int = 2027, seed: int = 30) -> list[dict[str, str]]:
    """The README's sample: every value is mapped, a few rows are from the year before."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row = hubspot_row(rng, i, year, HUBSPOT_COLUMNS)
        row["Original Source"] = pick(rng, SAMPLE_SOURCES)
        row["Country/Region"] = pick(rng, SAMPLE_COUNTRIES)
        rows.append({k: row[k] for k in SAMPLE_COLUMNS if k in row})
    add_customers(rows, random.Random(seed + 1))
    add_first_outreach(rows, random.Random(seed + 2))
    return rows


def add_first_outreach(rows: list[dict[str, str]], rng: random.Random) -> None:
    """For the follow-up (docs/crm.md): HubSpot's "First outreach date", the first call,
    email or meeting a sales rep logged. Contacted leads got it mostly within hours of
    becoming leads, some a day or more later (worked late), a few before (a rep who
    reached out before the form was filled); never contacted ones have none. A
    separate generator, so the rows the import and calibrate read stay as they were."""
    for row in rows:
        row["First outreach date"] = ""
        became = row["Became a Lead Date"] or row["Create Date"]
        if len(became) != 16 or row["Number of times contacted"] == "0":
            continue
        start = dt.datetime.strptime(became, "%Y-%m-%d %H:%M")
        kind = rng.random()
        if kind < 0.7:
            minutes = rng.randrange(5, 8 * 60)  # the same working day
        elif kind < 0.95:
            minutes = rng.randrange(8 * 60, 5 * 24 * 60)  # late
        else:
            minutes = -rng.randrange(30, 3 * 24 * 60)  # before the lead date
        row["First outreach date"] = (start + dt.timedelta(minutes=minutes)).strftime(
            "%Y-%m-%d %H:%M"
        )


# What a won deal is worth per country, roughly: the sample plan's regional prices.
SAMPLE_PRICES = {"United States": 24000, "Canada": 20000, "Japan": 16000, "India": 9000,
                 "Australia": 15000, "Singapore": 14000}  # fmt: skip


def add_customers(rows: list[dict[str, str]], rng: random.Random) -> None:
    """For calibrate (docs/crm.md): about a quarter of the leads became customers 5 to 45
    days after they became leads, with the deal's amount; the others have no customer
    date and no amount. A separate generator, so the rows the import reads stay as they
    were."""
    for row in rows:
        became = row["Became a Lead Date"] or row["Create Date"]
        row["Became a Customer Date"] = row["Recent Deal Amount"] = ""
        if row["Lifecycle Stage"] == "Customer":
            row["Lifecycle Stage"] = "Opportunity"
        if not became[:4].isdigit() or rng.random() >= 0.25:
            continue
        start = dt.datetime.strptime(became[:10], "%Y-%m-%d")
        won = start + dt.timedelta(days=rng.randint(5, 45), minutes=rng.randrange(600, 1080))
        country = row["Country/Region"].strip().title()
        base = SAMPLE_PRICES.get(country, 18000)
        row["Became a Customer Date"] = won.strftime("%Y-%m-%d %H:%M")
        row["Recent Deal Amount"] = f"{round(base * rng.uniform(0.6, 1.4), -2):.0f}"
        row["Lifecycle Stage"] = "Customer"


def files() -> Iterator[tuple[Path, bytes]]:
    hub = hubspot_rows(240, 2027)
    text = to_csv(hub, HUBSPOT_COLUMNS, ",", "\n")
    yield DATA / "hubspot-contacts.csv", text.encode("utf-8")
    excel = to_csv(hub, HUBSPOT_COLUMNS, ";", "\r\n")
    yield DATA / "hubspot-contacts-excel.csv", codecs.BOM_UTF8 + excel.encode("utf-8")
    tabs = to_csv(hub, HUBSPOT_COLUMNS, "\t", "\r\n")
    yield DATA / "hubspot-contacts-unicode.txt", codecs.BOM_UTF16_LE + tabs.encode("utf-16-le")
    sf = to_csv(salesforce_rows(160, 2027), SALESFORCE_COLUMNS, ",", "\r\n")
    yield DATA / "salesforce-leads.csv", sf.encode("utf-8")
    sample = to_csv(sample_rows(), SAMPLE_COLUMNS, ",", "\n")
    yield SAMPLES / "hubspot-contacts.csv", sample.encode("utf-8")


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for path, data in files():
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    xlsx = DATA / "hubspot-contacts.xlsx"
    write_xlsx(xlsx, hubspot_rows(240, 2027), HUBSPOT_COLUMNS)
    print(f"wrote {xlsx.relative_to(ROOT)} ({xlsx.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
