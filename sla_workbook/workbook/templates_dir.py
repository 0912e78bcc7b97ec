"""Where templates/ is: inside the installed package, or beside it in a source checkout.

The wheel ships templates/ as the package ``sla_workbook.templates``. Run from a source
checkout without installing (``python -m sla_workbook`` in the repository), the local
``sla_workbook`` folder shadows the installed one and has no such subpackage; the files
are then in ../templates.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def template_path(name: str) -> Path:
    try:
        resource = files("sla_workbook.templates").joinpath(name)
        path = Path(str(resource))
        if path.is_file():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "templates" / name
