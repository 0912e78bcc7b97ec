"""Stage 1, the model: plans, plan files, and the engine that computes the SLA in pandas.

Knows nothing of spreadsheets; every later stage may import it.
"""
