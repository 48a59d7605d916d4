"""An embedding cache keyed by model and text hash, so a rebuild re-embeds only what changed.

The file is rewritten only when something was added, and during a long embedding run every
`SAVE_EVERY_S` seconds, so a killed build keeps most of its work. Temporary files of saves whose
process is gone (`NAME.tmp-PID.npz`) are removed when the cache is opened.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

import numpy as np


CHUNK = 4096  # texts embedded between two looks at the clock
SAVE_EVERY_S = 60.0  # during a long run, save the cache at most this often


def text_key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors of one model in one .npz file (keys + matrix), rewritten atomically on save."""

    def __init__(self, folder: Path, model: str, dim: int):
        self.model, self.dim = model, dim
        self.path = Path(folder) / (model.replace("/", "--") + ".npz")
        self._rows: dict[str, np.ndarray] = {}
        self._dirty = False
        self._remove_stale_temporaries()
        if self.path.exists():
            try:
                with np.load(self.path) as data:
                    if data["vectors"].shape[1] == dim:
                        self._rows = dict(zip(data["keys"].tolist(), data["vectors"]))
            except Exception:  # noqa: BLE001 - a damaged cache is only a cache: start again
                self._rows = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: str) -> bool:
        """Whether the vector of a text_key is cached."""
        return key in self._rows

    def embed(self, texts: list[str], encode, progress: bool = False) -> tuple[np.ndarray, int]:
        """Vectors for texts, computing (with `encode`) only the ones not cached; returns (matrix, n_new)."""
        keys = [text_key(self.model, t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._rows))
        if missing:
            wanted = set(missing)
            todo = {k: t for k, t in zip(keys, texts) if k in wanted}
            last_save = time.monotonic()
            for start in range(0, len(missing), CHUNK):
                part = missing[start : start + CHUNK]
                vecs = encode([todo[k] for k in part], progress)
                self._rows.update(zip(part, np.asarray(vecs, dtype=np.float32)))
                self._dirty = True
                if start + CHUNK < len(missing) and time.monotonic() - last_save > SAVE_EVERY_S:
                    self.save()  # a long run keeps its work if it is killed
                    last_save = time.monotonic()
        out = np.stack([self._rows[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)
        return out.astype(np.float32, copy=False), len(missing)

    def save(self) -> bool:
        """Write the cache if anything was added since it was read or saved; returns whether it wrote."""
        if not self._dirty:
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp-{os.getpid()}.npz")
        keys = np.array(list(self._rows), dtype="U40")
        vecs = np.stack(list(self._rows.values())) if self._rows else np.zeros((0, self.dim), np.float32)
        try:
            np.savez(tmp, keys=keys, vectors=vecs)
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._dirty = False
        return True

    def _remove_stale_temporaries(self) -> None:
        pattern = re.compile(rf"{re.escape(self.path.stem)}\.tmp-(\d+)\.npz\Z")
        if not self.path.parent.is_dir():
            return
        for path in self.path.parent.iterdir():
            m = pattern.match(path.name)
            if m and int(m.group(1)) != os.getpid() and not pid_alive(int(m.group(1))):
                path.unlink(missing_ok=True)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
