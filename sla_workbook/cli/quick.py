"""``sla-workbook --help`` and ``--version`` answered without loading click.

Importing click costs about three times Python's own start-up (it loads inspect, uuid,
datetime, typing, gettext...), so the two answers people type most would take four to
five times ``python -c pass``. The console script's process answers them from the text
below instead, and only when click would print exactly that text: the command is the
installed ``sla-workbook`` script, the arguments are exactly ``--help``, ``-h`` or
``--version``, and the terminal is at least 80 columns wide (click wraps at 78 then; a
narrower one rewraps, so click answers). Everything else goes to click.

``tests/test_cli.py`` checks that HELP is what click prints; when a command or the
group's docstring changes, paste the text that test shows here.
"""

from __future__ import annotations

import os
import sys

from .._version import __version__

HELP = """\
Usage: sla-workbook [OPTIONS] COMMAND [ARGS]...

  Lead SLA workbooks for marketing and sales: compute, generate, validate,
  import.

  Exit codes: 0 ok, 1 validate found errors (import: rows not counted), 2
  usage error (and, for validate and import, an unreadable input), 3 bad input
  file, 4 cannot write output, 70 internal error.

Options:
  --version   Show the version and exit.
  --debug     Show tracebacks instead of one-line errors.
  -h, --help  Show this message and exit.

Commands:
  calibrate  Measure average price, marketing share, channel mix and...
  compute    Print the SLA (leads needed per segment, channel and month)...
  export     Write a workbook's inputs, lead log and stored outputs as...
  generate   Write the four-sheet SLA workbook (example targets, example...
  import     Turn a CRM export (CSV or xlsx) into the daily lead log,...
  report     Print the daily month-to-date summary of a filled workbook...
  validate   Check a filled workbook cell by cell: inputs, formulas and...
"""

MIN_COLUMNS = 80  # click wraps help at min(columns, 80) - 2


def _columns() -> int:
    """The terminal width as click sees it (shutil.get_terminal_size, without its imports)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        stdout = sys.__stdout__
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns if stdout else 0
        except (AttributeError, ValueError, OSError):  # closed, detached, not a terminal
            columns = 0
    return columns or 80


def answer(argv: list[str]) -> str | None:
    """What click would print for these arguments of the console script, if it is known."""
    if len(argv) != 2:
        return None
    script = os.path.basename(argv[0])
    for suffix in ("-script.pyw", "-script.py", ".exe"):
        script = script.removesuffix(suffix)
    if script != "sla-workbook":
        return None
    if argv[1] == "--version":
        return f"sla-workbook, version {__version__}\n"
    if argv[1] in ("--help", "-h") and _columns() >= MIN_COLUMNS:
        return HELP
    return None


def answer_and_exit() -> None:
    """Run by the package on import: print the answer and exit, or do nothing."""
    text = answer(sys.argv)
    script = getattr(sys.modules.get("__main__"), "__file__", None)
    if text is not None and script and os.path.abspath(script) == os.path.abspath(sys.argv[0]):
        sys.stdout.write(text)
        sys.stdout.flush()
        sys.exit(0)
