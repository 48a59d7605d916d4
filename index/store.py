"""A loaded index folder: items, passage vectors, Faiss and BM25, after the manifest check."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from corpus.item import Item
from corpus.jsonl import load_items
from index.embedder import Embedder
from index.lexical import Lexical
from index.manifest import IndexMismatch, Manifest, corpus_hash, verify_files
from index.text import PASSAGE_PARAMS, sentences


class Index:
    def __init__(self, folder: Path, embedder: Embedder, items: list[Item] | None = None):
        """Load and check an index. With `items`, refuse it unless it was built from exactly those."""
        import faiss

        self.folder = Path(folder)
        if not (self.folder / "manifest.json").exists():
            raise IndexMismatch(self.folder, "manifest.json", "missing", "present")
        self.manifest = Manifest.read(self.folder)
        verify_files(self.folder, self.manifest)  # sizes always, checksums where cheap
        self.manifest.check(self.folder, embedder.name, embedder.dim,
                            corpus_hash(items) if items is not None else None, PASSAGE_PARAMS)
        self.embedder = embedder
        self.items = items if items is not None else load_items(self.folder / "items.jsonl")
        self.by_id = {item.id: row for row, item in enumerate(self.items)}
        self.vectors = np.load(self.folder / "passages.npy", mmap_mode="r")
        self.passage_item = np.load(self.folder / "passage_item.npy")
        self.faiss = faiss.read_index(str(self.folder / "faiss.index"))
        if self.faiss.ntotal != len(self.passage_item) or self.faiss.d != embedder.dim:
            raise IndexMismatch(self.folder, "faiss.index", f"{self.faiss.ntotal} x {self.faiss.d}",
                                f"{len(self.passage_item)} x {embedder.dim}")
        self.lexical = Lexical(self.folder / "bm25")
        self._first_passage = np.searchsorted(self.passage_item, np.arange(len(self.items) + 1))
        self._sentence_vecs: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()
        if (self.folder / "sentences.npy").exists():
            vecs = np.load(self.folder / "sentences.npy")
            owner = np.load(self.folder / "sentence_item.npy")
            bounds = np.searchsorted(owner, np.arange(len(self.items) + 1))
            self._sentence_vecs = {r: vecs[bounds[r]:bounds[r + 1]] for r in range(len(self.items))}

    def __len__(self) -> int:
        return len(self.items)

    def item_passages(self, row: int) -> np.ndarray:
        return np.asarray(self.vectors[self._first_passage[row]:self._first_passage[row + 1]])

    def sentence_vectors(self, row: int) -> tuple[list[str], np.ndarray]:
        """An item's abstract sentences and their unit vectors (embedded on first use when not stored)."""
        sents = sentences(self.items[row])
        with self._lock:
            vecs = self._sentence_vecs.get(row)
        if vecs is None or len(vecs) != len(sents):
            vecs = self.embedder.encode_documents(sents) if sents else np.zeros((0, self.embedder.dim), np.float32)
            with self._lock:
                self._sentence_vecs[row] = vecs
        return sents, vecs

    def item_vector(self, row: int) -> np.ndarray:
        """One unit vector for an item: the mean of its passages, renormalized."""
        v = self.item_passages(row).mean(axis=0)
        return v / (np.linalg.norm(v) or 1.0)

    def dense_scores(self, query_vec: np.ndarray, allowed: np.ndarray | None = None, k: int | None = None) -> np.ndarray:
        """Cosine score per item (its best passage), -inf for items not reached or not allowed.

        Searches the top `k` items' worth of passages (all when k is None), restricted to `allowed`
        item rows through a Faiss ID selector so filters never starve the result list.
        """
        import faiss

        n_items = len(self.items)
        out = np.full(n_items, -np.inf, dtype=np.float32)
        q = np.ascontiguousarray(query_vec.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            rows = np.flatnonzero(allowed)
            if len(rows) == 0:
                return out
            pids = np.concatenate([np.arange(self._first_passage[r], self._first_passage[r + 1]) for r in rows])
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(pids.astype(np.int64)))
            total = len(pids)
        else:
            total = self.faiss.ntotal
        per_item = max(1, self.faiss.ntotal // max(1, n_items))
        want = total if k is None else min(total, max(k * per_item * 4, 64))
        scores, ids = self.faiss.search(q, want, params=params) if params else self.faiss.search(q, want)
        found = ids[0] >= 0
        np.maximum.at(out, self.passage_item[ids[0][found]], scores[0][found])
        return out
