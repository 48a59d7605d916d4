"""An embedding cache keyed by model and text hash, so a rebuild re-embeds only what changed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np


def text_key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors of one model in one .npz file (keys + matrix), rewritten atomically on save."""

    def __init__(self, folder: Path, model: str, dim: int):
        self.model, self.dim = model, dim
        self.path = Path(folder) / (model.replace("/", "--") + ".npz")
        self._rows: dict[str, np.ndarray] = {}
        if self.path.exists():
            try:
                with np.load(self.path) as data:
                    if data["vectors"].shape[1] == dim:
                        self._rows = dict(zip(data["keys"].tolist(), data["vectors"]))
            except (OSError, ValueError, KeyError):
                self._rows = {}  # a damaged cache is only a cache: start again

    def __len__(self) -> int:
        return len(self._rows)

    def embed(self, texts: list[str], encode, progress: bool = False) -> tuple[np.ndarray, int]:
        """Vectors for texts, computing (with `encode`) only the ones not cached; returns (matrix, n_new)."""
        keys = [text_key(self.model, t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._rows))
        if missing:
            wanted = set(missing)
            todo = {k: t for k, t in zip(keys, texts) if k in wanted}
            vecs = encode([todo[k] for k in missing], progress)
            self._rows.update(zip(missing, np.asarray(vecs, dtype=np.float32)))
        out = np.stack([self._rows[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)
        return out.astype(np.float32, copy=False), len(missing)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp-{os.getpid()}.npz")
        keys = np.array(list(self._rows), dtype="U40")
        vecs = np.stack(list(self._rows.values())) if self._rows else np.zeros((0, self.dim), np.float32)
        np.savez(tmp, keys=keys, vectors=vecs)
        os.replace(tmp, self.path)
