"""Type into a workbook through LibreOffice's UNO API, as a person would, then save.

Run with Debian's /usr/bin/python3 (it imports uno), not the project's venv:
    /usr/bin/python3 tests/uno_fill.py JOB.json
JOB: {"src": path, "profile": dir, "autocalc": true, "unprotect": true,
      "cells": [{"name": "your_targets", "values": [[...], ...]}],
      "remove_sheets": ["Your SLA"], "outputs": [{"path": p, "filter": "Calc MS Excel 2007 XML"}]}
A value is a number, a string, null (clear), {"date": "2027-01-31"} or {"formula": "=1+1"}.
"""

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(profile):
    pipe = f"sla{os.getpid()}"
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
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(120):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            smgr = ctx.ServiceManager
            return proc, smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("could not connect to LibreOffice")


def set_cell(cell, value):
    if value is None:
        cell.setFormula("")
    elif isinstance(value, dict) and "date" in value:
        day = dt.date.fromisoformat(value["date"])
        cell.setValue(float((day - dt.date(1899, 12, 30)).days))
    elif isinstance(value, dict) and "formula" in value:
        cell.setFormula(value["formula"])
    elif isinstance(value, str):
        cell.setString(value)
    else:
        cell.setValue(float(value))


def main(job_path):
    with open(job_path) as fh:
        job = json.load(fh)
    proc, desktop = connect(job["profile"])
    try:
        url = uno.systemPathToFileUrl(os.path.abspath(job["src"]))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        if job.get("unprotect", True):
            for i in range(doc.Sheets.Count):
                doc.Sheets.getByIndex(i).unprotect("")
        if not job.get("autocalc", True):
            doc.enableAutomaticCalculation(False)
        for item in job.get("cells", []):
            rng = doc.NamedRanges.getByName(item["name"]).getReferredCells()
            for r, row in enumerate(item["values"]):
                for c, value in enumerate(row):
                    if value == "__keep__":
                        continue
                    set_cell(rng.getCellByPosition(c, r), value)
        for name in job.get("remove_sheets", []):
            doc.Sheets.removeByName(name)
        # What a user adds beyond the inputs (tests of what a rewrite carries over)
        for name in job.get("add_sheets", []):
            doc.Sheets.insertNewByName(name, doc.Sheets.Count)
            doc.Sheets.getByName(name).getCellRangeByName("A1").setString("my notes")
        for sheet, address, value in job.get("type_at", []):
            set_cell(doc.Sheets.getByName(sheet).getCellRangeByName(address), value)
        for sheet, address, text in job.get("comments", []):
            cell = doc.Sheets.getByName(sheet).getCellRangeByName(address)
            doc.Sheets.getByName(sheet).Annotations.insertNew(cell.CellAddress, text)
        for sheet, column, width in job.get("widths", []):  # width in 1/100 mm
            doc.Sheets.getByName(sheet).Columns.getByIndex(column).Width = width
        for sheet, data in job.get("charts", []):
            ws = doc.Sheets.getByName(sheet)
            rect = uno.createUnoStruct("com.sun.star.awt.Rectangle")
            rect.X, rect.Y, rect.Width, rect.Height = 1000, 1000, 8000, 5000
            ranges = (ws.getCellRangeByName(data).RangeAddress,)
            ws.Charts.addNewByName("mine", rect, ranges, True, True)
        for sheet, index, count in job.get("insert_rows", []):
            doc.Sheets.getByName(sheet).Rows.insertByIndex(index, count)
        if job.get("autocalc", True):
            doc.calculateAll()
        for out in job["outputs"]:
            target = uno.systemPathToFileUrl(os.path.abspath(out["path"]))
            doc.storeToURL(target, (prop("FilterName", out["filter"]),))
        doc.close(True)
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main(sys.argv[1])
