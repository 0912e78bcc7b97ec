"""Mutation fuzzing of `sla-workbook validate`: whatever the file, the answer is exit 0, 1
or 2 with a message; never a traceback (exit 70) and never a hang.

    python -m tests.fuzz --minutes 10 [--seed N]     (what `make fuzz` runs)

Seeds are valid workbooks: generated, LibreOffice-saved .xlsx and .ods. Mutations: byte
flips, truncation, zip entries dropped or duplicated, XML elements removed, cell values
replaced by random text, numbers or huge strings. A crashing input is saved in
tests/fuzz_regressions/, which the test suite replays forever after.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import signal
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from click.testing import CliRunner

from sla_workbook.cli import main as cli

HERE = Path(__file__).resolve().parent
REGRESSIONS = HERE / "fuzz_regressions"
PER_FILE_SECONDS = 30


def seeds(folder: Path) -> list[Path]:
    from sla_workbook import load_plan
    from tests.spreadsheet_programs import libreoffice_convert_many
    from tests.workbooks import make

    plan = load_plan(HERE.parent / "samples" / "plan.yaml")
    generated = make(folder, "seed.xlsx", plan=plan, rows=3, log_rows=20)
    lo = libreoffice_convert_many([generated], folder / "lo")
    ods = libreoffice_convert_many([generated], folder / "ods", fmt="ods")
    return [generated, *lo, *ods]


def _zip_parts(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
            return [(i, z.read(i)) for i in z.infolist()]
    except Exception:
        return None


def _rezip(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    import io
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        warnings.simplefilter("ignore")  # duplicated entries are the point
        for info, data in parts:
            z.writestr(info, data)
    return buf.getvalue()


def _random_value(rng: random.Random) -> bytes:
    return rng.choice(
        [
            b"",
            b"NaN",
            b"-1",
            b"1e308",
            b"abc",
            b"#REF!",
            b"3.5",
            b"99999999999",
            b"x" * rng.randrange(1, 200_000),
            str(rng.uniform(-1e6, 1e6)).encode(),
        ]
    )


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    kind = rng.choice(["flip", "truncate", "drop", "duplicate", "remove-element", "value"])
    parts = _zip_parts(data)
    if kind in ("flip", "truncate") or parts is None:
        if kind == "truncate":
            return kind, data[: rng.randrange(len(data))]
        out = bytearray(data)
        for _ in range(rng.randrange(1, 20)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return "flip", bytes(out)
    if kind == "drop":
        parts.pop(rng.randrange(len(parts)))
        return kind, _rezip(parts)
    if kind == "duplicate":
        parts.append(parts[rng.randrange(len(parts))])
        return kind, _rezip(parts)
    xml = [i for i, (info, _) in enumerate(parts) if info.filename.endswith(".xml")]
    i = rng.choice(xml)
    info, body = parts[i]
    if kind == "remove-element":
        tags = list(
            re.finditer(
                rb"<(c|row|definedName|si|table:table-cell|table:named-range)\b"
                rb"[^>]*?(/>|>.*?</\1>)",
                body,
                re.S,
            )
        )
        if tags:
            m = rng.choice(tags)
            body = body[: m.start()] + body[m.end() :]
    else:
        values = list(re.finditer(rb"<v>([^<]*)</v>|office:value=\"([^\"]*)\"", body))
        if values:
            m = rng.choice(values)
            group = 1 if m.group(1) is not None else 2
            body = body[: m.start(group)] + _random_value(rng) + body[m.end(group) :]
    parts[i] = (info, body)
    return kind, _rezip(parts)


class _Hang(Exception):
    pass


def check(path: Path) -> tuple[int, str]:
    """(exit code, problem or ""): a problem is a crash, a hang or a silent exit."""

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise _Hang

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(PER_FILE_SECONDS)
    try:
        result = CliRunner().invoke(cli, ["validate", str(path)])
    except _Hang:
        return -1, "hang"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    if isinstance(result.exception, _Hang):
        return -1, "hang"
    code = result.exit_code
    if code not in (0, 1, 2):
        return code, f"exit {code}: {result.output[-300:]}"
    if "Traceback" in result.output or "internal error" in result.output:
        return code, "traceback in output"
    if not (result.stdout.strip() or result.stderr.strip()):
        return code, "no message"
    return code, ""


def fuzz(
    seconds: float,
    seed: int,
    folder: Path,
    save: bool,
    report: Callable[[str], None] = lambda s: None,
) -> dict[str, object]:
    rng = random.Random(seed)
    corpus = [p.read_bytes() for p in seeds(folder)]
    suffixes = [".xlsx", ".xlsx", ".ods"]
    outcomes: Counter[int] = Counter()
    crashes: list[str] = []
    tried = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        k = rng.randrange(len(corpus))
        data = corpus[k]
        for _ in range(rng.randrange(1, 4)):
            _kind, data = mutate(data, rng)
        path = folder / f"case{suffixes[k]}"
        path.write_bytes(data)
        code, problem = check(path)
        tried += 1
        outcomes[code] += 1
        if problem:
            name = hashlib.sha256(data).hexdigest()[:16] + suffixes[k]
            crashes.append(f"{name}: {problem}")
            report(f"CRASH {name}: {problem}")
            if save:
                REGRESSIONS.mkdir(exist_ok=True)
                (REGRESSIONS / name).write_bytes(data)
    return {"tried": tried, "outcomes": dict(outcomes), "crashes": crashes}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--seed", type=int, default=20261127)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="sla-fuzz-") as tmp:
        stats = fuzz(args.minutes * 60, args.seed, Path(tmp), save=True, report=print)
    print(f"files tried: {stats['tried']}")
    print(
        "outcomes by exit code: "
        + ", ".join(f"{code}: {n}" for code, n in sorted(stats["outcomes"].items()))
    )  # type: ignore[attr-defined]
    print(f"crashes: {len(stats['crashes'])}")  # type: ignore[arg-type]
    raise SystemExit(1 if stats["crashes"] else 0)


if __name__ == "__main__":
    main()
