"""Opening an Anki package (.apkg / .colpkg): the collection inside, its note types and decks.

A package is a zip. Since Anki 2.1.50 it holds `collection.anki21b` (SQLite, zstd-compressed, schema
18: note types and decks in their own tables, with protobuf configs) beside a dummy
`collection.anki2` that only says "please update"; older packages hold `collection.anki21` or
`collection.anki2` (schema 11: note types and decks as JSON in the `col` row). The newest one wins.
The collection is copied out to a temporary file (zstd frames carry no size, so it is streamed)
and read with sqlite3.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

from techquiz.errors import UserError

COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
INSTALL_HINT = "pip install 'techquiz[anki]'"


@dataclass(frozen=True)
class NoteType:
    id: int
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[str, ...]  # each card template's question format, by ordinal


@dataclass(frozen=True)
class DeckOptions:
    """What a deck's options preset says that a techquiz deck can keep, and the deck's description."""

    new_per_day: int | None = None
    reviews_per_day: int | None = None
    desired_retention: float | None = None
    description: str = ""


class PackageError(UserError):
    """The file is damaged or not an Anki package; nothing was written."""


def _proto(blob: bytes) -> dict[int, int | bytes]:
    """The top-level fields of a protobuf message (the last value of each): enough to read a
    note type's kind and a template's question format without a protobuf dependency."""
    out: dict[int, int | bytes] = {}
    i = 0

    def varint() -> int:
        nonlocal i
        value = shift = 0
        while True:
            byte = blob[i]
            i += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    while i < len(blob):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            out[number] = varint()
        elif wire == 2:
            size = varint()
            out[number] = blob[i : i + size]
            i += size
        elif wire in (1, 5):  # fixed64 / fixed32 (floats among them), kept as bytes
            size = 8 if wire == 1 else 4
            out[number] = blob[i : i + size]
            i += size
        else:
            raise ValueError(f"unexpected protobuf wire type {wire}")
    return out


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _unicase(a: str, b: str) -> int:
    x, y = a.casefold(), b.casefold()
    return (x > y) - (x < y)


def _zstandard(path: Path) -> ModuleType:
    try:
        import zstandard
    except ImportError:
        raise UserError(
            f"{path} is in Anki's current format (zstd-compressed); reading it needs the zstandard package: "
            f"{INSTALL_HINT}"
        ) from None
    return zstandard


class AnkiPackage:
    """An opened package; use as a context manager (the temporary copy is removed on exit)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tmp = tempfile.TemporaryDirectory(prefix="techquiz-import-")
        try:
            self._open()
        except BaseException:
            self._tmp.cleanup()
            raise

    def _open(self) -> None:
        path = self.path
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise PackageError(f"{path}: not an Anki package (not a zip archive: {exc})") from exc
        with archive:
            names = set(archive.namelist())
            inner = next((n for n in COLLECTIONS if n in names), None)
            if inner is None:
                raise PackageError(f"{path}: not an Anki package (no collection.anki21b/anki21/anki2 inside)")
            self.collection_name = inner
            target = Path(self._tmp.name) / "collection.sqlite"
            zstd = _zstandard(path) if inner.endswith("b") else None
            try:
                with archive.open(inner) as source, target.open("wb") as out:
                    if zstd is not None:
                        zstd.ZstdDecompressor().copy_stream(source, out)
                    else:
                        shutil.copyfileobj(source, out, 1 << 20)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
                raise PackageError(f"{path}: damaged Anki package ({inner} cannot be read: {exc})") from exc
            except Exception as exc:
                if zstd is not None and isinstance(exc, zstd.ZstdError):
                    raise PackageError(f"{path}: damaged Anki package ({inner} cannot be decompressed: {exc})") from exc
                raise
        self.conn = sqlite3.connect(target)
        self.conn.create_collation("unicase", _unicase)
        try:
            self._read_meta()
        except PackageError:
            self.conn.close()
            raise
        except (sqlite3.DatabaseError, ValueError, KeyError, TypeError, IndexError) as exc:
            self.conn.close()
            raise PackageError(f"{path}: damaged Anki package ({inner}: {exc})") from exc

    def _read_meta(self) -> None:
        check = self.conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise PackageError(f"{self.path}: damaged Anki package ({self.collection_name}: {check})")
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"col", "notes", "cards", "revlog"} <= tables:
            raise PackageError(f"{self.path}: not an Anki package ({self.collection_name} is not an Anki collection)")
        crt, ver, conf, models, decks = self.conn.execute("SELECT crt, ver, conf, models, decks FROM col").fetchone()
        self.schema = int(ver)
        self.options: dict[int, DeckOptions] = {}
        if "notetypes" in tables and not models:
            config = {k: json.loads(v) for k, v in self.conn.execute("SELECT KEY, val FROM config")}
            self.note_types = self._note_types_v18()
            self.decks = self._decks_v18()
        else:
            config = json.loads(conf or "{}")
            self.note_types = self._note_types_v11(json.loads(models))
            deck_list = list(json.loads(decks or "{}").values())
            self.decks = {int(d["id"]): (str(d["name"]), bool(d.get("dyn"))) for d in deck_list}
            presets = json.loads(self.conn.execute("SELECT dconf FROM col").fetchone()[0] or "{}")
            for d in deck_list:
                preset = presets.get(str(d.get("conf", 1)), {})
                retention = preset.get("desiredRetention")
                self.options[int(d["id"])] = DeckOptions(
                    _int(preset.get("new", {}).get("perDay")),
                    _int(preset.get("rev", {}).get("perDay")),
                    float(retention) if isinstance(retention, int | float) else None,
                    str(d.get("desc") or ""),
                )
        # V1 scheduler logs learning answers with three buttons: 2 meant Good and 3 Easy.
        self.sched_v1 = int(config.get("schedVer", 1 if self.schema < 15 else 2)) == 1
        offset = config.get("creationOffset")
        zone = timezone(timedelta(minutes=-int(offset))) if offset is not None else None
        # Anki's day numbers count calendar days from the collection's creation date (see
        # rslib/src/scheduler/timing.rs): day 0 is crt's date in the creation time zone.
        created = datetime.fromtimestamp(int(crt), UTC)
        self.day_zero: date = (created.astimezone(zone) if zone else created.astimezone()).date()

    def _note_types_v11(self, models: dict[str, Any]) -> dict[int, NoteType]:
        out = {}
        for m in models.values():
            fields = tuple(str(f["name"]) for f in sorted(m["flds"], key=lambda f: f.get("ord") or 0))
            templates = tuple(str(t.get("qfmt", "")) for t in sorted(m["tmpls"], key=lambda t: t.get("ord") or 0))
            out[int(m["id"])] = NoteType(int(m["id"]), str(m["name"]), int(m.get("type", 0)) == 1, fields, templates)
        return out

    def _note_types_v18(self) -> dict[int, NoteType]:
        fields: dict[int, list[str]] = {}
        for ntid, name in self.conn.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
            fields.setdefault(ntid, []).append(name)
        templates: dict[int, list[str]] = {}
        for ntid, config in self.conn.execute("SELECT ntid, config FROM templates ORDER BY ntid, ord"):
            qfmt = _proto(config).get(1, b"")
            templates.setdefault(ntid, []).append(qfmt.decode("utf-8", "replace") if isinstance(qfmt, bytes) else "")
        out = {}
        for ntid, name, config in self.conn.execute("SELECT id, name, config FROM notetypes"):
            cloze = _proto(config).get(1, 0) == 1
            out[ntid] = NoteType(ntid, name, cloze, tuple(fields.get(ntid, ())), tuple(templates.get(ntid, ())))
        return out

    def _decks_v18(self) -> dict[int, tuple[str, bool]]:
        # Names use \x1f between levels in schema 18; the kind is a oneof: 1 normal, 2 filtered.
        presets = {}
        for cid, config in self.conn.execute("SELECT id, config FROM deck_config"):
            fields = _proto(config)
            retention = fields.get(37)
            presets[cid] = DeckOptions(
                _int(fields.get(9, 0)),
                _int(fields.get(10, 0)),
                struct.unpack("<f", retention)[0] if isinstance(retention, bytes) and len(retention) == 4 else None,
            )
        decks = {}
        for did, name, kind in self.conn.execute("SELECT id, name, kind FROM decks"):
            parts = _proto(kind)
            normal = parts.get(1)
            decks[did] = (name.replace("\x1f", "::"), 2 in parts)
            if isinstance(normal, bytes):
                fields = _proto(normal)
                preset = presets.get(_int(fields.get(1, 1)) or 1, DeckOptions())
                description = fields.get(4, b"")
                text = description.decode("utf-8", "replace") if isinstance(description, bytes) else ""
                self.options[did] = replace(preset, description=text)
        return decks

    def close(self) -> None:
        self.conn.close()
        self._tmp.cleanup()

    def __enter__(self) -> AnkiPackage:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
