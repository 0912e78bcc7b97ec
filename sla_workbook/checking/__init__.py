"""Stage 4, checking: input rules, the validator, and findings as data."""
