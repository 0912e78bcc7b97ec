"""Post-write fix: XlsxWriter stores an empty-text formula result without t="str".

A cell like <c><f>...</f><v></v></c> has no type, so programs that trust cached values
read it as the number 0 (or as nothing). Our blank results are empty text, so we mark
them t="str". The zip is rewritten with the same entry order and timestamps, so the
output stays byte-for-byte reproducible.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

_EMPTY_RESULT = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?)><f>([^<]*)</f><v></v></c>')


def fix_empty_string_results(path: Path) -> None:
    buffer = io.BytesIO()  # in memory: no second temporary file to clean up
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = _EMPTY_RESULT.sub(rb'<c r="\1"\2 t="str"><f>\3</f><v></v></c>', data)
            dst.writestr(info, data)
    path.write_bytes(buffer.getvalue())
