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

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(path, repeats):
    profile = tempfile.mkdtemp(prefix="lo-bench-")
    pipe = f"bench{os.getpid()}"
    proc = subprocess.Popen(
        [
            "soffice",
            "-env:UserInstallation=file://" + profile,
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, HOME=profile),
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    desktop = None
    for _ in range(120):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            desktop = ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", ctx
            )
            break
        except Exception:
            time.sleep(0.5)
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
        with contextlib.suppress(Exception):
            proc.wait(timeout=30)
    print(json.dumps({"load": loads, "recalc": recalcs}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
