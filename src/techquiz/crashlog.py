"""Unexpected errors go to a log file in the user log dir, never as a traceback on screen.

The file is written through `logging` with a RotatingFileHandler: it never grows past
MAX_BYTES * (BACKUPS + 1), and a record is written whole or not at all.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

from techquiz.config import APP_NAME

MAX_BYTES = 1_000_000
BACKUPS = 2  # errors.log.1 and errors.log.2 keep the older records
FORMAT = "--- %(asctime)s %(message)s"

logger = logging.getLogger("techquiz.errors")
logger.propagate = False  # the log file only: never echoed to the terminal by a root handler


def log_path() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME)) / "errors.log"


class _ErrorLogHandler(RotatingFileHandler):
    """Remembers a failed write (disk full, folder gone) instead of printing logging's own traceback."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:
        self.failed = True


def _handler(path: Path) -> _ErrorLogHandler | None:
    """The file handler for `path`, made on first use (the log dir can change between tests)."""
    for existing in logger.handlers:
        if isinstance(existing, _ErrorLogHandler) and Path(existing.baseFilename) == path.resolve():
            return existing
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _ErrorLogHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    return handler


def write_crash_log(exc: BaseException) -> Path:
    """Log `exc` with its traceback; returns where (or a note that the file could not be written)."""
    path = log_path()
    handler = _handler(path)
    if handler is None:
        return Path("(the log file could not be written)")
    handler.failed = False
    logger.error("%s", type(exc).__name__, exc_info=exc)
    handler.flush()
    return Path("(the log file could not be written)") if handler.failed else path
