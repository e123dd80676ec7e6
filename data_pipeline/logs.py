"""Where Ray's and DeepSpeed's own output goes while a stage runs: the stage's log file.

A user watching a stage sees one line per stage, our progress bars and our
tables. Ray's log records (token set-up, "Started a local Ray instance",
streaming-executor plans, "Progress bars disabled"), the lines its C++ core
writes straight to file descriptor 2 (actor warnings, stack dumps on a
signal) and DeepSpeed's notices go to the log file instead, which the
stage's summary names. With `verbose` they stay on the terminal as well.

Three routes, because the output takes three: Ray's Python records reach
the terminal through console handlers on the "ray" loggers (a filter diverts
them); DeepSpeed's through a handler it binds to stdout at import, perhaps
in the middle of the stage (a filter on its logger, which exists before it
does); the C++ core writes to fd 2, which is pointed at the log while
`sys.stderr` (our bars, tracebacks) keeps writing to where fd 2 went before.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

# Logger trees of other libraries whose console output belongs in the log.
FOREIGN = ("ray", "DeepSpeed")
_FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


class _Divert(logging.Filter):
    """Writes each record to the log; lets it through to the console only if `tee`."""

    def __init__(self, log, formatter: logging.Formatter | None, tee: bool):
        super().__init__()
        self.log, self.formatter, self.tee = log, formatter or _FORMAT, tee

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self.log.write(self.formatter.format(record) + "\n")
        except (OSError, ValueError):  # a full disk or a closed log must not end the stage
            pass
        return self.tee


def _console_handlers(name: str) -> list[logging.Handler]:
    """The handlers of logger `name` and its descendants that write to a console stream."""
    found = []
    for logger_name, logger in logging.root.manager.loggerDict.items():
        if logger_name != name and not logger_name.startswith(name + "."):
            continue
        for h in getattr(logger, "handlers", ()):  # PlaceHolders have none
            if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler):
                found.append(h)
    return found


def _fd(stream) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):  # pytest's capture, a closed stream
        return None


@contextlib.contextmanager
def stage_log(path: Path, verbose: bool = False) -> Iterator[Path]:
    """Route Ray's and DeepSpeed's output to `path` (appended) while the block runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    log = open(path, "a", buffering=1, encoding="utf-8", errors="replace")  # noqa: SIM115
    filters = []
    for name in FOREIGN:
        for h in _console_handlers(name):
            filters.append((h, _Divert(log, h.formatter, tee=verbose)))
    # DeepSpeed makes its logger at import and adds a stdout handler to it then; a filter
    # on the logger itself is kept and runs before any handler.
    filters.append((logging.getLogger("DeepSpeed"), _Divert(log, None, tee=verbose)))
    for owner, f in filters:
        owner.addFilter(f)
    saved_fd = stderr = None
    if not verbose:
        sys.stdout.flush()
        sys.stderr.flush()
        saved_fd = os.dup(2)
        if _fd(sys.stderr) == 2:  # keep Python's stderr where fd 2 went before
            stderr = sys.stderr
            sys.stderr = open(os.dup(saved_fd), "w", buffering=1, encoding=stderr.encoding,  # noqa: SIM115
                              errors="backslashreplace")
        os.dup2(log.fileno(), 2)
    try:
        yield path
    finally:
        for owner, f in filters:
            owner.removeFilter(f)
        if saved_fd is not None:
            sys.stderr.flush()
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            if stderr is not None:
                sys.stderr.close()
                sys.stderr = stderr
        log.close()
