"""Unexpected errors go to a log file in the user log dir, never as a traceback on screen."""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from techquiz.config import APP_NAME


def write_crash_log(exc: BaseException) -> Path:
    folder = Path(platformdirs.user_log_dir(APP_NAME))
    path = folder / "errors.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now(UTC).isoformat()}\n")
            log.write("".join(traceback.format_exception(exc)))
    except OSError:
        return Path("(the log file could not be written)")
    return path
