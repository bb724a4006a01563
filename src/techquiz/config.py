"""Where things live and what time it is: each decided once, here.

Everything inside techquiz works in UTC-aware datetimes; local time is used only to decide which
study day an instant belongs to (a day starts at 04:00 local time, as in Anki) and for display.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import platformdirs

from techquiz.errors import TechquizError

APP_NAME = "techquiz"
DAY_START_HOUR = 4
# Reviews are stored as epoch milliseconds and intervals reach a century ahead: a clock outside
# these years cannot be scheduled (year 1 or 9999 overflowed Python's dates deep inside a command).
FIRST_YEAR, LAST_YEAR = 1970, 9000


class ConfigError(TechquizError, ValueError):
    """A setting from the environment or the command line cannot be used (one clear line)."""


def bundled_decks_dir() -> Path:
    """The decks shipped with techquiz: inside the wheel, or the repo's top-level decks/ when editable."""
    here = Path(__file__).resolve().parent
    packaged = here / "decks"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "decks"


def parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"TECHQUIZ_NOW={value!r} is not an ISO-8601 date and time") from exc
    if not FIRST_YEAR < moment.year < LAST_YEAR:
        raise ConfigError(
            f"TECHQUIZ_NOW={value!r} is outside the years techquiz can schedule ({FIRST_YEAR + 1}-{LAST_YEAR - 1})"
        )
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time means local time, as a user would read it
    return moment.astimezone(UTC)


def real_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Config:
    data_dir: Path
    deck_dirs: tuple[Path, ...]
    clock: Callable[[], datetime] = field(default=real_clock)

    @property
    def store_path(self) -> Path:
        return self.data_dir / "progress.sqlite3"

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def cache_dir(self) -> Path:
        return Path(platformdirs.user_cache_dir(APP_NAME))

    @property
    def user_decks_dir(self) -> Path:
        return self.data_dir / "decks"

    def now(self) -> datetime:
        return self.clock()

    @staticmethod
    def from_env(
        env: Mapping[str, str] | None = None,
        data_dir: str | None = None,
        deck_dirs: Sequence[str] = (),
    ) -> Config:
        env = os.environ if env is None else env
        chosen = data_dir or env.get("TECHQUIZ_DATA_DIR") or platformdirs.user_data_dir(APP_NAME)
        root = Path(chosen).expanduser()
        extra = [Path(d).expanduser() for d in deck_dirs]
        extra += [Path(d).expanduser() for d in env.get("TECHQUIZ_DECKS", "").split(os.pathsep) if d]
        dirs = (bundled_decks_dir(), root / "decks", *extra)
        fixed = env.get("TECHQUIZ_NOW")
        if fixed:
            moment = parse_now(fixed)
            return Config(root, dirs, lambda: moment)
        return Config(root, dirs)


def study_day(moment: datetime) -> date:
    """The study day an instant belongs to: days start at 04:00 local time."""
    return (moment.astimezone() - timedelta(hours=DAY_START_HOUR)).date()


def day_start(day: date) -> datetime:
    """The UTC instant at which a study day begins (04:00 local time that day)."""
    local = datetime(day.year, day.month, day.day, DAY_START_HOUR).astimezone()
    return local.astimezone(UTC)
