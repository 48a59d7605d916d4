"""Benchmark the pyvideo/data import on the whole archive: wall time, records per second, peak
memory, and what was imported or skipped.

    .venv/bin/python -m eval.bench_import [PATH] [-o OUT.jsonl] [--runs N] [--json]

PATH is pyvideo-data.tar.gz or an unpacked copy (default: the shared archive). Each run imports
everything; the last run's items are written to OUT (default: a temporary file, removed after)
and loaded back with the corpus validator, so the numbers are for a corpus that passes
`talks corpus check`. Peak memory is the process's maximum resident set size
(`resource.getrusage`), read before the first import (Python and the modules), after the
imports (each run drops the previous run's items first, so this is one import's peak) and at
the end (writing the JSONL builds it as one string, and loading it back holds a second copy).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from eval import PYVIDEO_ARCHIVE as DEFAULT_ARCHIVE


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def bench(path: Path, out: Path, runs: int) -> dict:
    from corpus.jsonl import load_items, write_items
    from corpus.pyvideo import import_pyvideo

    rss_before = peak_rss_mib()
    times, result = [], None
    for _ in range(runs):
        result = None  # let the previous run's items go, so peak memory is one import's
        start = time.perf_counter()
        result = import_pyvideo(path, progress=False)
        times.append(time.perf_counter() - start)
    rss_import = peak_rss_mib()
    start = time.perf_counter()
    write_items(out, result.items)
    write_s = time.perf_counter() - start
    start = time.perf_counter()
    loaded = load_items(out)
    load_s = time.perf_counter() - start
    records = len(result.items) + sum(result.skipped.values())
    best = min(times)
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "path": str(path),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.processor() or 'unknown cpu'}",
        "runs": runs,
        "import_s": [round(t, 3) for t in times],
        "import_s_median": round(statistics.median(times), 3),
        "records": records,
        "records_per_s": round(records / best),
        "items": len(result.items),
        "events": result.events,
        "skipped": dict(sorted(result.skipped.items())),
        "items_with_abstract": sum(1 for i in result.items if i.abstract),
        "items_with_fixes": sum(1 for i in result.items if i.fixes),
        "write_jsonl_s": round(write_s, 3),
        "load_and_validate_s": round(load_s, 3),
        "loaded_items": len(loaded),
        "jsonl_mib": round(out.stat().st_size / 2**20, 1),
        "peak_rss_mib_before_import": round(rss_before, 1),
        "peak_rss_mib_import": round(rss_import, 1),
        "peak_rss_mib_with_write_and_load": round(peak_rss_mib(), 1),
    }


def format_report(r: dict) -> str:
    skipped = ", ".join(f"{n} {why}" for why, n in r["skipped"].items()) or "none"
    return "\n".join(
        [
            f"path:               {r['path']}",
            f"date:               {r['date']}  (Python {r['python']}, {r['machine']})",
            f"import wall time:   {', '.join(f'{t:.2f}' for t in r['import_s'])} s "
            f"(median {r['import_s_median']:.2f} s over {r['runs']} run(s))",
            f"records:            {r['records']} ({r['records_per_s']}/s, best run)",
            f"items:              {r['items']} from {r['events']} events "
            f"({r['items_with_abstract']} with an abstract, {r['items_with_fixes']} with fixes)",
            f"skipped:            {skipped}",
            f"write JSONL:        {r['write_jsonl_s']:.2f} s ({r['jsonl_mib']} MiB)",
            f"load + validate:    {r['load_and_validate_s']:.2f} s ({r['loaded_items']} items)",
            f"peak RSS:           {r['peak_rss_mib_import']} MiB after the imports "
            f"({r['peak_rss_mib_before_import']} MiB before them, with Python and the modules); "
            f"{r['peak_rss_mib_with_write_and_load']} MiB after writing and loading the JSONL",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=DEFAULT_ARCHIVE,
        help=f"pyvideo-data.tar.gz or an unpacked folder (default {DEFAULT_ARCHIVE})",
    )
    parser.add_argument("-o", "--output", type=Path, help="where to write the JSONL (default: a temp file)")
    parser.add_argument("--runs", type=int, default=3, help="imports to time (default 3)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    with tempfile.TemporaryDirectory() as tmp:
        out = args.output or Path(tmp) / "pyvideo.jsonl"
        report = bench(args.path, out, args.runs)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
