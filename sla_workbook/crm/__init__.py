"""Stage 1b, crm: a CRM export (HubSpot, Salesforce, any CSV or xlsx) into the lead log.

Sits beside the model: it may import ``model/`` and the common base, and every later
stage may import it. DuckDB does the one heavy pass over the export (docs/crm.md);
pandas only holds the small results.
"""
