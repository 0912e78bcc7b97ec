"""Write a file so that it is either all there or not there at all.

The content goes to a temporary file in the target's folder, is fsynced, and is moved
into place with one rename. An existing target is never replaced without ``force``
(without it, the move is a hard link, which fails if the target appeared meanwhile).
On an error, a full disk, Ctrl+C or SIGTERM, the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

from .errors import OutputError


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Let SIGTERM unwind through ``finally`` blocks (it kills outright by default)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_target(path: Path, *, force: bool = False, inputs: tuple[Path, ...] = ()) -> Path:
    """OutputError unless ``path`` may be written; its folder. Commands that work long
    before writing call it first, so a bad output is said at once, not after the work."""
    if any(path.resolve() == p.resolve() for p in inputs):
        raise OutputError(f"{path}: is also an input file; write the output under another name")
    if path.is_dir():
        raise OutputError(f"{path}: is a directory")
    if path.exists() and not force:
        raise OutputError(f"{path}: already exists (use --force to replace it)")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    return folder


def _umask() -> int:
    mask = os.umask(0)  # the only portable way to read it: set, then restore at once
    os.umask(mask)
    return mask


def atomic_write(
    path: Path, write: Callable[[Path], None], *, force: bool = False, inputs: tuple[Path, ...] = ()
) -> Path:
    """Call ``write(temp_path)``, then move the result to ``path``."""
    folder = check_target(path, force=force, inputs=inputs)
    with _sigterm_as_exit():
        try:
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write in {folder} ({exc.strerror})") from None
        os.close(fd)
        tmp = Path(name)
        try:
            write(tmp)
            # mkstemp makes the file private (0600); a workbook or report is meant to be
            # shared, so it gets the mode any new file gets here (0666 less the umask).
            os.chmod(tmp, 0o666 & ~_umask())
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            if force:
                os.replace(tmp, path)
            else:
                try:
                    os.link(tmp, path)
                except FileExistsError:
                    raise OutputError(
                        f"{path}: already exists (use --force to replace it)"
                    ) from None
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        finally:
            tmp.unlink(missing_ok=True)
    return path
