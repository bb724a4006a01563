"""`techquiz import` of a 50,000-note Anki package with 1,000,000 reviews, in Anki's current format.

The package is made by the official `anki` library (so it is a real `collection.anki21b`,
zstd-compressed, schema 18): 50,000 Basic notes are added through Anki, then the review log and the
cards' schedules are filled in with SQL (20 reviews per card spread over two years, the card left in
review), and Anki exports it. The floor is the least any importer must do, timed in the same run:
a bare process that decompresses the collection and reads every note and review-log row.

Budgets (issue 15): the import takes at most 60 s; memory is bounded (the peak with 1,000,000
reviews is at most 1.5x the peak with the same notes and 100,000 reviews: it does not grow with
the log). Each import runs in a fresh data folder, medians over interleaved runs.

Run: python benchmarks/import_anki.py [--notes 50000] [--reviews-per-card 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import PY, record

BARE = """
import sqlite3, sys, tempfile, zipfile, zstandard
with zipfile.ZipFile(sys.argv[1]) as z, tempfile.TemporaryDirectory() as tmp:
    target = tmp + "/c.sqlite"
    with z.open("collection.anki21b") as src, open(target, "wb") as out:
        zstandard.ZstdDecompressor().copy_stream(src, out)
    conn = sqlite3.connect(target)
    notes = sum(1 for _ in conn.execute("SELECT id, guid, mid, tags, flds FROM notes"))
    reviews = sum(1 for _ in conn.execute("SELECT r.id, r.cid, r.ease, r.time, r.type FROM revlog r ORDER BY r.cid, r.id"))
    print(notes, reviews)
"""


def build(path: Path, notes: int, per_card: int) -> None:
    """Anki makes the collection and writes the package, so its format is Anki's; the notes, cards
    and log rows go in with sqlite3 in between (through Anki, 50,000 notes would take many minutes)."""
    from anki.collection import Collection, ExportAnkiPackageOptions

    with tempfile.TemporaryDirectory() as tmp:
        file = str(Path(tmp) / "collection.anki2")
        col = Collection(file)
        basic = col.models.by_name("Basic")
        assert basic is not None
        mid, did = basic["id"], col.decks.id("Benchmark::Big deck")
        col.close()
        now = int(time.time())
        base = now * 1000 - 10 * notes
        conn = sqlite3.connect(file)
        conn.executemany(
            "INSERT INTO notes VALUES (?, ?, ?, ?, -1, '', ?, ?, 0, 0, '')",
            (
                (base + i, f"g{i:09d}", mid, now,
                 f"Question number {i}: what is <b>{i}</b> times two?\x1f{i * 2}<br>because {i}&times;2", f"q{i}")
                for i in range(notes)
            ),
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO cards VALUES (?, ?, ?, 0, ?, -1, 2, 2, ?, 30, 2500, ?, ?, 0, 0, 0, 0, '')",
            ((base + i, base + i, did, now, 800 + i % 30, per_card, per_card // 7) for i in range(notes)),
        )
        start_ms = (now - 730 * 86400) * 1000
        step = 730 * 86400 * 1000 // (per_card + 1)
        conn.executemany(
            "INSERT INTO revlog VALUES (?, ?, -1, ?, 10, 5, 2500, 8000, ?)",
            (
                (start_ms + k * step + n, base + n, 1 if k % 7 == 3 else 3, 0 if k < 2 else 1)
                for n in range(notes)
                for k in range(per_card)
            ),
        )
        conn.commit()
        conn.close()
        col = Collection(file)
        options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False)
        col.export_anki_package(out_path=str(path), options=options, limit=None)
        col.close()


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall time and peak RSS (MB) of one whole process (run through a shell so ru_maxrss is its own)."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)"
    )
    out = subprocess.run([PY, "-c", probe, *argv], capture_output=True, text=True, env=env, check=True).stdout
    seconds, rss_kb, code = out.split()
    if code != "0":
        raise RuntimeError(f"{argv} failed with exit code {code}")
    return float(seconds), int(rss_kb) // 1024


def import_once(package: Path) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "TECHQUIZ_DATA_DIR": data, "XDG_CACHE_HOME": data + "/cache"}
        return timed([PY, "-m", "techquiz", "import", str(package)], env)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=50_000)
    parser.add_argument("--reviews-per-card", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "big.apkg", Path(tmp) / "small.apkg"
        t = time.perf_counter()
        build(big, args.notes, args.reviews_per_card)
        build(small, args.notes, 2)
        print(f"built the packages in {time.perf_counter() - t:.0f} s ({big.stat().st_size / 1e6:.0f} MB)")
        ours, floor, peak_big, peak_small = [], [], [], []
        for _ in range(args.runs):  # interleaved, so a noisy neighbour hits both alike
            floor.append(timed([PY, "-c", BARE, str(big)])[0])
            seconds, rss = import_once(big)
            ours.append(seconds)
            peak_big.append(rss)
            peak_small.append(import_once(small)[1])
    reviews = args.notes * args.reviews_per_card
    median, bare = statistics.median(ours), statistics.median(floor)
    rss_big, rss_small = statistics.median(peak_big), statistics.median(peak_small)
    print(f"import {median:.1f} s (runs {', '.join(f'{x:.1f}' for x in ours)}), bare read {bare:.1f} s")
    print(f"peak RSS {rss_big} MB with {reviews:,} reviews, {rss_small} MB with {args.notes * 2:,}")
    record(
        f"import Anki package (anki21b), {args.notes:,} notes, {reviews:,} reviews",
        f"{median:.1f} s",
        f"{bare:.1f} s (bare decompress + read)",
        median / bare,
        "<= 60 s",
        median <= 60,
    )
    record(
        f"import peak memory, {reviews:,} vs {args.notes * 2:,} reviews",
        f"{rss_big} MB",
        f"{rss_small} MB (same notes, 2 reviews per card)",
        rss_big / rss_small,
        "<= 1.5x",
        rss_big <= 1.5 * rss_small,
    )


if __name__ == "__main__":
    main()
