"""Stage 5, reports: results and findings rendered as text, CSV and JSON."""
