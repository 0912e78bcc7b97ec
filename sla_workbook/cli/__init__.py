"""The command line: ``sla-workbook`` (the console script points at ``main``)."""

from .quick import answer_and_exit

answer_and_exit()  # `sla-workbook --help` / `--version` end here, before click loads

from .main import main  # noqa: E402

__all__ = ["main"]
