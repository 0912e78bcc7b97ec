"""The command line: ``sla-workbook`` (the console script points at ``main``)."""

from .main import main

__all__ = ["main"]
