"""Zip-bomb limits, checked on a zip's declared sizes before anything is decompressed.

Shared by the workbook reader (reading/sniff.py) and the CRM export reader (crm/), which
differ only in how big a real file of theirs gets (docs/limits.md, docs/crm.md).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import InputError

MAX_RATIO = 400  # unpacked / packed, for parts above RATIO_FLOOR: zip bombs pack 1000x+
RATIO_FLOOR = 2**20
MAX_PARTS = 10_000


def check_zip_sizes(
    path: Path, infos: list[zipfile.ZipInfo], *, max_part: int, max_total: int, kind: str
) -> None:
    """InputError when the parts are too many, or one or all would unpack too large;
    ``kind`` ("a workbook") says whose limits these are."""
    if len(infos) > MAX_PARTS:
        raise InputError(
            f"{path}: {len(infos)} parts in the zip is over the limit of "
            f"{MAX_PARTS}; refused (docs/limits.md)"
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > max_part or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise InputError(
                f"{path}: refused: {info.filename} would unpack to "
                f"{info.file_size / 2**20:.0f} MB ({ratio:.0f}x its packed size), "
                f"past the limits for {kind}; it may be a zip bomb (docs/limits.md)"
            )
    if total > max_total:
        raise InputError(
            f"{path}: refused: the parts would unpack to {total / 2**20:.0f} MB, "
            f"over the {max_total // 2**20} MB limit (docs/limits.md)"
        )
