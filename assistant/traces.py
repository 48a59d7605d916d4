"""The answer trace log, <data>/traces.jsonl: one JSON object per answer.

    trace dict -> prepare(): secrets redacted, every string and list capped
               -> TraceLog.append(): one os.write of one whole line, under a lock (threads and
                  processes), the file rotated at a size limit (traces.jsonl.1 .. .N)

Logging never fails an answer: a write that cannot be made (read-only folder, full disk) is dropped
with one warning on stderr per log file; a line cut short by a failed write is truncated away, so it
cannot run into the next record.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

from assistant.redact import redact_tree

MAX_BYTES = 10 * 1024 * 1024  # rotate traces.jsonl past this size ...
BACKUPS = 3  # ... keeping traces.jsonl.1 .. .3
MAX_STRING = 2000  # characters kept of any string in a trace (the question too)
MAX_LIST = 100  # items kept of any list


def _cap(value, max_string: int, max_list: int):
    if isinstance(value, str):
        return value if len(value) <= max_string else value[:max_string] + f"… [{len(value) - max_string} more]"
    if isinstance(value, dict):
        return {k: _cap(v, max_string, max_list) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [_cap(v, max_string, max_list) for v in list(value)[:max_list]]
        if len(value) > max_list:
            items.append(f"… [{len(value) - max_list} more]")
        return items
    return value


def prepare(trace: dict, secrets=(), max_string: int = MAX_STRING, max_list: int = MAX_LIST) -> dict:
    """The trace fit to show and store: secrets redacted, strings and lists capped."""
    return _cap(redact_tree(trace, tuple(secrets)), max_string, max_list)


class TraceLog:
    """Appends trace lines to one file; safe to share between threads and between processes."""

    _locks: dict[str, threading.Lock] = {}
    _locks_guard = threading.Lock()

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES, backups: int = BACKUPS):
        self.path = Path(path)
        self.max_bytes, self.backups = max_bytes, backups
        self._warned = False
        with TraceLog._locks_guard:
            self._lock = TraceLog._locks.setdefault(str(self.path.resolve()), threading.Lock())

    def append(self, trace: dict, secrets=()) -> bool:
        """Write one trace; False (and a warning, once) when it could not be written."""
        try:
            line = json.dumps(prepare(trace, secrets), ensure_ascii=False, default=str) + "\n"
            self._write(line.encode("utf-8", errors="replace"))
            return True
        except Exception as exc:  # noqa: BLE001 - a trace must never fail an answer
            if not self._warned:
                self._warned = True
                print(
                    f"talks: warning: cannot write the trace log {self.path} ({type(exc).__name__}: {exc}); "
                    "answers go on without traces",
                    file=sys.stderr,
                )
            return False

    def _write(self, data: bytes) -> None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # other processes writing the same log
                size = os.fstat(fd).st_size
                if size and size + len(data) > self.max_bytes:
                    self._rotate()
                    os.close(fd)
                    fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                    fcntl.flock(fd, fcntl.LOCK_EX)
                    size = os.fstat(fd).st_size
                if size and _last_byte(self.path, size) != b"\n":
                    data = b"\n" + data  # a line left unfinished by a crash stays alone on its line
                try:
                    written = os.write(fd, data)
                    if written != len(data):
                        raise OSError(f"short write ({written} of {len(data)} bytes)")
                except BaseException:
                    try:
                        os.ftruncate(fd, size)  # no partial line left behind
                    except OSError:
                        pass
                    raise
            finally:
                os.close(fd)

    def _rotate(self) -> None:
        """traces.jsonl -> .1 -> .2 ... ; the oldest beyond `backups` is dropped."""
        if self.backups <= 0:
            os.truncate(self.path, 0)
            return
        for n in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{n}")
            if older.exists():
                os.replace(older, self.path.with_name(f"{self.path.name}.{n + 1}"))
        os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))


def _last_byte(path: Path, size: int) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.pread(fd, 1, size - 1)
    finally:
        os.close(fd)


_logs: dict[str, TraceLog] = {}
_logs_guard = threading.Lock()


def log_for(path: Path) -> TraceLog:
    """One TraceLog per file in this process (so the warning is given once per file)."""
    key = str(Path(path))
    with _logs_guard:
        if key not in _logs:
            _logs[key] = TraceLog(Path(path))
        return _logs[key]
