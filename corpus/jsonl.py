"""Read and write corpora as JSONL: one item per line (format: corpus/FORMAT.md).

Loading is all-or-nothing: every bad line is reported with its line number and the field at fault,
and no items are returned unless the whole file is valid. Files are read as UTF-8 (bytes that are not
are reported with their byte offset and line); lines are split on "\n" only. Each item's
`source.file` is the corpus file's name, not the path it was opened by, so the same file gives the same
items (and index) however its path is typed. Writing goes to a temporary file that is
renamed into place, so an interrupted write never leaves a half-written corpus.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from corpus.item import Item, ItemError, Source

MAX_LINE_BYTES = 4 * 1024 * 1024  # one item's JSON; far above the largest a bounded item can take
MAX_PROBLEMS = 1000  # stop reading a file that is clearly not a corpus


class CorpusError(ValueError):
    """A corpus file that cannot be loaded; `problems` holds one line per fault."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        shown = problems[:50]
        more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__(f"{path}: {len(problems)} problem(s), nothing loaded:\n  " + "\n  ".join(shown) + more)


def load_items(path: Path | str) -> list[Item]:
    path = Path(path)
    if not path.is_file():
        raise CorpusError(
            path, [f"no such file: {path} (give a .jsonl corpus, e.g. corpus/data/atscale-ai-data-2025.jsonl)"]
        )
    items: list[Item] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise CorpusError(path, [f"cannot read the file ({exc.strerror or exc})"]) from None
    with fh:
        offset = 0
        for lineno, raw in enumerate(fh, 1):
            start, offset = offset, offset + len(raw)
            if len(problems) >= MAX_PROBLEMS:
                problems.append(f"line {lineno}: stopped reading after {MAX_PROBLEMS} problems")
                break
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw, start = raw[3:], start + 3  # a UTF-8 byte-order mark
            if len(raw) > MAX_LINE_BYTES:
                problems.append(
                    f"line {lineno}: {len(raw):,} bytes long; an item's line may hold at most {MAX_LINE_BYTES:,}"
                )
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                hint = (
                    " (the file looks like UTF-16: save it as UTF-8)" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
                )
                problems.append(
                    f"line {lineno}: not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset "
                    f"{start + exc.start} of the file{hint}"
                )
                continue
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"line {lineno}: not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            except (ValueError, RecursionError) as exc:  # numbers past 4,300 digits; nesting past the parser
                why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(";")[0]
                problems.append(f"line {lineno}: not valid JSON ({why})")
                continue
            try:
                item = Item.from_dict(data)
            except ItemError as exc:
                problems.extend(f"line {lineno}: field {f!r}: {m}" for f, m in exc.problems)
                continue
            if item.id in first_line:
                problems.append(
                    f"line {lineno}: field 'id': duplicate id {item.id!r} (first used on line {first_line[item.id]})"
                )
                continue
            first_line[item.id] = lineno
            if item.source is None:
                item = _with_source(item, Source(path.name, lineno))
            items.append(item)
    if problems:
        raise CorpusError(path, problems)
    if not items:
        raise CorpusError(path, ["the file holds no items"])
    return items


def _with_source(item: Item, source: Source) -> Item:
    from dataclasses import replace

    return replace(item, source=source)


def dumps_items(items: Iterable[Item]) -> str:
    return "".join(json.dumps(item.to_dict(), ensure_ascii=False) + "\n" for item in items)


def write_atomic(path: Path | str, text: str) -> None:
    """Write text to path via a temporary file in the same folder and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_items(path: Path | str, items: Iterable[Item]) -> None:
    write_atomic(path, dumps_items(items))
