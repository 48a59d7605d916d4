"""BM25 over item texts with bm25s (English stop words, Snowball English stemmer)."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

# bm25s's package __init__ imports numba, scipy.sparse and tqdm.auto when they are installed (numba comes
# with ranx): about 1.3 s of a 2 s cold `talks search`. Tokenizing, building with its numpy backend,
# loading and get_scores need none of them, so they are hidden while bm25s is first imported.
_OPTIONAL = ("numba", "scipy", "scipy.sparse", "tqdm.auto")


def _bm25s():
    """The bm25s module, imported without its optional accelerators (see _OPTIONAL)."""
    if "bm25s" in sys.modules:
        return sys.modules["bm25s"]
    hidden = [m for m in _OPTIONAL if m not in sys.modules]
    for m in hidden:
        sys.modules[m] = None  # makes `import m` raise ImportError, which bm25s handles
    try:
        import bm25s
    finally:
        for m in hidden:
            if sys.modules.get(m, 0) is None:
                del sys.modules[m]
    return bm25s


BM25_PARAMS = {"library": "bm25s", "method": "lucene", "k1": 1.5, "b": 0.75, "stopwords": "en", "stemmer": "english"}


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    bm25s = _bm25s()
    out = bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False)
    return [list(t) for t in out]


def build(texts: list[str], folder: Path):
    bm25s = _bm25s()
    retriever = bm25s.BM25(method=BM25_PARAMS["method"], k1=BM25_PARAMS["k1"], b=BM25_PARAMS["b"])
    retriever.index(tokenize(texts), show_progress=False)
    retriever.save(str(folder))
    return retriever


class Lexical:
    """A loaded BM25 index: full score vectors, and each query term's document frequency."""

    def __init__(self, folder: Path):
        self.retriever = _bm25s().BM25.load(str(folder), mmap=True)
        # still memory-mapped, as plain arrays: slicing an np.memmap builds a memmap object per slice, which
        # costs more than the slice on every query (bm25s slices these per query term)
        self.retriever.scores = {
            k: np.asarray(v) if isinstance(v, np.memmap) else v for k, v in self.retriever.scores.items()
        }
        indptr = self.retriever.scores["indptr"]
        self.n_docs = int(self.retriever.scores["num_docs"])
        self._df = np.diff(indptr)

    def terms(self, query: str) -> list[str]:
        return tokenize([query])[0] if query.strip() else []

    def idf(self, term: str) -> float:
        """BM25's idf of a term (0 for a term the corpus lacks)."""
        tid = self.retriever.vocab_dict.get(term)
        if tid is None or tid >= len(self._df):
            return 0.0
        df = int(self._df[tid])
        return float(np.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))) if df else 0.0

    def scores(self, terms: list[str]) -> np.ndarray:
        known = [t for t in terms if t in self.retriever.vocab_dict]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(known), dtype=np.float32)

    def contains(self, term: str, rows: np.ndarray) -> np.ndarray:
        """Whether each of these documents contains the term (one pass over its postings, no sort)."""
        inside = np.zeros(self.n_docs, dtype=bool)
        inside[self.docs_with(term)] = True
        return inside[rows]

    def docs_with(self, term: str) -> np.ndarray:
        """Ids of the documents that contain a term: its column of bm25s's sparse score matrix, read without
        scoring every document."""
        tid = self.retriever.vocab_dict.get(term)
        if tid is None or tid >= len(self._df):
            return np.zeros(0, dtype=np.int64)
        indptr = self.retriever.scores["indptr"]
        return np.asarray(self.retriever.scores["indices"][indptr[tid] : indptr[tid + 1]])
