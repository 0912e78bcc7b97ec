"""Which columns of a real CRM export hold a lead's date, segment and channel.

The names are the exports' own, as their vendors document them (docs/crm.md says
where): HubSpot writes property *labels* as headers ("Create Date"), Salesforce's
Data Loader and Bulk API write field *API names* ("CreatedDate"). A map file may
override any of them; with no preset it must name all three.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """Column names for one kind of export.

    ``date`` lists columns in order of preference: a row takes the first that is not
    blank (HubSpot: the day the contact became a lead, else the day it was created).
    ``known`` are other columns the export carries that later features read
    (conversion, status); the lead log does not need them.
    """

    name: str
    date: tuple[str, ...]
    segment: str
    channel: str
    known: tuple[str, ...] = ()
    note: str = ""
    # What calibrate reads (docs/crm.md): a won deal's amount and the day a lead became
    # a customer; None where the export has no such column (Salesforce: --deals).
    amount: str | None = None
    customer_date: str | None = None
    # What the import reads for sales' follow-up (docs/crm.md): the first contact
    # attempt's timestamp and the count of attempts; optional even with a preset (an
    # export without them imports, and the summary says they were not recorded).
    first_contact: str | None = None
    attempts: str | None = None


HUBSPOT_CONTACTS = Preset(
    name="hubspot-contacts",
    date=("Became a Lead Date", "Create Date"),
    segment="Country/Region",
    channel="Original Source",
    known=(
        "Record ID",
        "Lifecycle Stage",
        "Became a Marketing Qualified Lead Date",
        "Became a Sales Qualified Lead Date",
        "Became an Opportunity Date",
        "Became a Customer Date",
        "Original Source Drill-Down 1",
        "Original Source Drill-Down 2",
        "Persona",
        "Contact owner",
        "Recent Deal Amount",
        "Number of times contacted",
        "First outreach date",
    ),
    note="HubSpot contacts export (Contacts > Export), column headers as property labels",
    amount="Recent Deal Amount",
    customer_date="Became a Customer Date",
    first_contact="First outreach date",
    attempts="Number of times contacted",
)

SALESFORCE_LEADS = Preset(
    name="salesforce-leads",
    date=("CreatedDate",),
    segment="Country",
    channel="LeadSource",
    known=("Id", "Status", "IsConverted", "ConvertedDate", "ConvertedOpportunityId"),
    note="Salesforce Lead export with API field names (Data Loader, Bulk API)",
)

PRESETS: dict[str, Preset] = {p.name: p for p in (HUBSPOT_CONTACTS, SALESFORCE_LEADS)}
