"""Time a full LibreOffice recalculation through UNO: load, then calculateAll().

Run with Debian's /usr/bin/python3 (it imports uno):  uno_recalc.py FILE REPEATS
Prints JSON: {"load": [seconds...], "recalc": [seconds...]}.
"""

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from uno_fill import connect, prop


def main(path, repeats):
    profile = tempfile.mkdtemp(prefix="lo-bench-")
    os.environ["HOME"] = profile
    proc, desktop = connect(profile)
    loads, recalcs = [], []
    try:
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        for _ in range(repeats):
            t = time.perf_counter()
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            loads.append(time.perf_counter() - t)
            t = time.perf_counter()
            doc.calculateAll()
            recalcs.append(time.perf_counter() - t)
            doc.close(True)
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
    print(json.dumps({"load": loads, "recalc": recalcs}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
