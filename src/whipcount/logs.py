"""Logging for the command line and worker processes: one line per message, no tracebacks.

Library modules log with ``LOGGER = logging.getLogger(__name__)`` and never configure logging.
The CLI (and each worker process a runner starts) calls :func:`setup_logging` so that a logged
exception reaches the user as one line (``error: whipcount.process: extraction failed on x.txt
(ValueError: ...)``), never as a traceback: inputs that fail are reported in the run summary
and the ``--errors`` file, with a numbered reason.

Set ``WHIPCOUNT_LOG=debug`` (or ``info``) for more detail; at ``debug`` tracebacks are shown
and the third-party extractors' own messages are let through.
"""

from __future__ import annotations

import logging
import os
import sys

LOGGER = logging.getLogger(__name__)

ENV_VAR = "WHIPCOUNT_LOG"
#: Libraries whose own messages ("discarding data: None") are noise for a user of whipcount.
NOISY_LOGGERS: tuple[str, ...] = ("trafilatura", "htmldate", "courlan", "justext", "readability")


class OneLineFormatter(logging.Formatter):
    """``level: logger: message (ExceptionType: first line of its message)``; no traceback."""

    def __init__(self, tracebacks: bool = False) -> None:
        super().__init__("%(levelname)s: %(name)s: %(message)s")
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if self.tracebacks:
            return super().format(record)
        line = f"{record.levelname.lower()}: {record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            detail = (str(exc).splitlines() or [""])[0][:300]
            line += f" ({type(exc).__name__}: {detail})" if detail else f" ({type(exc).__name__})"
        return " ".join(line.splitlines())


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes (a test runner swaps it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):  # noqa: ANN201 (logging's own attribute)
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def setup_logging(level: str | int | None = None) -> None:
    """Send log records of ``level`` and above (default ``$WHIPCOUNT_LOG``, else WARNING) to
    stderr as single lines. Safe to call more than once: the handler is installed once."""
    name = level if level is not None else os.environ.get(ENV_VAR, "warning")
    numeric = name if isinstance(name, int) else logging.getLevelName(str(name).upper())
    if not isinstance(numeric, int):
        numeric = logging.WARNING
    root = logging.getLogger()
    debug = numeric <= logging.DEBUG
    handler = next((h for h in root.handlers if getattr(h, "_whipcount", False)), None)
    if handler is None:
        handler = _StderrHandler()
        handler._whipcount = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    handler.setFormatter(OneLineFormatter(tracebacks=debug))
    root.setLevel(numeric)
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.NOTSET if debug else logging.CRITICAL)
