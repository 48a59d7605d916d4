"""A loaded index folder: items, passage vectors, Faiss and BM25, after the manifest check.

Vectors and the BM25 arrays are memory-mapped. An exact index (IndexFlatIP) is searched as one numpy
product over the memory-mapped passage matrix, which gives the same scores as Faiss without importing
or loading it; approximate indexes (HNSW, IVF) load faiss.index.
"""

from __future__ import annotations

import threading
from datetime import datetime
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
        self.folder = Path(folder)
        if not (self.folder / "manifest.json").exists():
            raise IndexMismatch(self.folder, "manifest.json", "missing", "present")
        self.manifest = Manifest.read(self.folder)
        verify_files(self.folder, self.manifest)  # sizes always, checksums where cheap
        self.manifest.check(
            self.folder, embedder.name, embedder.dim, corpus_hash(items) if items is not None else None, PASSAGE_PARAMS
        )
        self.embedder = embedder
        self.items = items if items is not None else load_items(self.folder / "items.jsonl")
        self.by_id = {item.id: row for row, item in enumerate(self.items)}
        self.vectors = np.load(self.folder / "passages.npy", mmap_mode="r")
        self.passage_item = np.load(self.folder / "passage_item.npy")
        self.exact = bool(self.manifest.faiss.get("exact"))
        self._faiss = None
        if self.vectors.shape != (len(self.passage_item), embedder.dim):
            raise IndexMismatch(
                self.folder,
                "passages.npy",
                "x".join(map(str, self.vectors.shape)),
                f"{len(self.passage_item)}x{embedder.dim}",
            )
        if not self.exact:
            _ = self.faiss  # load and check it now, not on the first query
        self.lexical = Lexical(self.folder / "bm25")
        self._first_passage = np.searchsorted(self.passage_item, np.arange(len(self.items) + 1))
        self._sentence_vecs: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()
        self._filter_arrays = None
        if (self.folder / "sentences.npy").exists():
            vecs = np.load(self.folder / "sentences.npy")
            owner = np.load(self.folder / "sentence_item.npy")
            bounds = np.searchsorted(owner, np.arange(len(self.items) + 1))
            self._sentence_vecs = {r: vecs[bounds[r] : bounds[r + 1]] for r in range(len(self.items))}

    def __len__(self) -> int:
        return len(self.items)

    @property
    def faiss(self):
        """The Faiss index (loaded on first use; exact indexes are searched without it)."""
        if self._faiss is None:
            import faiss

            from index.build import set_faiss_threads

            index = faiss.read_index(str(self.folder / "faiss.index"))
            if index.ntotal != len(self.passage_item) or index.d != self.embedder.dim:
                raise IndexMismatch(
                    self.folder,
                    "faiss.index",
                    f"{index.ntotal} x {index.d}",
                    f"{len(self.passage_item)} x {self.embedder.dim}",
                )
            if "efSearch" in self.manifest.faiss:
                index.hnsw.efSearch = self.manifest.faiss["efSearch"]
            if "nprobe" in self.manifest.faiss:
                faiss.extract_index_ivf(index).nprobe = self.manifest.faiss["nprobe"]
            set_faiss_threads()
            self._faiss = index
        return self._faiss

    # ------------------------------------------------------------ filters

    def _filters(self):
        """Per-item arrays for filtering, built once: a row mask per kind, rows per org and per person
        (casefolded), start time."""
        if self._filter_arrays is None:
            kinds = np.array([i.kind for i in self.items])
            kind = {k: kinds == k for k in dict.fromkeys(kinds.tolist())}  # an OR of masks, not np.isin on strings
            by_org: dict[str, list[int]] = {}
            by_person: dict[str, list[int]] = {}
            for row, item in enumerate(self.items):
                for org in set(item.orgs):
                    by_org.setdefault(org, []).append(row)
                for name in {n.casefold() for n in item.names()}:
                    by_person.setdefault(name, []).append(row)
            start = np.array(
                [datetime.fromisoformat(i.start).timestamp() if i.start else np.nan for i in self.items],
                dtype=np.float64,
            )
            self._filter_arrays = (
                kind,
                {k: np.asarray(v) for k, v in by_org.items()},
                {k: np.asarray(v) for k, v in by_person.items()},
                start,
            )
        return self._filter_arrays

    def item_mask(
        self,
        kinds=(),
        orgs=(),
        people=(),
        scheduled_only: bool = False,
        time_from: str | None = None,
        time_to: str | None = None,
    ) -> np.ndarray:
        """Items passing every given filter (a boolean row mask): kind in `kinds`, any of `orgs`, any of
        `people` (case-insensitive), a start time at all, a start time in [time_from, time_to)."""
        kind, by_org, by_person, start = self._filters()
        n = len(self.items)
        mask = np.ones(n, dtype=bool)
        if kinds:
            mask &= np.logical_or.reduce([kind.get(k, np.zeros(n, dtype=bool)) for k in kinds])
        for names, index in ((orgs, by_org), ({p.casefold() for p in people}, by_person)):
            if names:
                hit = np.zeros(n, dtype=bool)
                for name in names:
                    if name in index:
                        hit[index[name]] = True
                mask &= hit
        if scheduled_only or time_from or time_to:
            mask &= ~np.isnan(start)
        with np.errstate(invalid="ignore"):
            if time_from:
                mask &= start >= datetime.fromisoformat(time_from).timestamp()
            if time_to:
                mask &= start < datetime.fromisoformat(time_to).timestamp()
        return mask

    def item_passages(self, row: int) -> np.ndarray:
        return np.asarray(self.vectors[self._first_passage[row] : self._first_passage[row + 1]])

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

    def dense_scores(
        self, query_vec: np.ndarray, allowed: np.ndarray | None = None, k: int | None = None
    ) -> np.ndarray:
        """Cosine score per item (its best passage), -inf for items not reached or not allowed.

        Searches the top `k` items' worth of passages, restricted to `allowed` item rows through a Faiss ID
        selector so filters never starve the result list; with k None every passage is scored exactly.
        """
        n_items, n_pass = len(self.items), len(self.passage_item)
        out = np.full(n_items, -np.inf, dtype=np.float32)
        q = np.ascontiguousarray(query_vec.reshape(-1), dtype=np.float32)
        keep = None if allowed is None else allowed[self.passage_item]  # passages of allowed items
        total = n_pass if keep is None else int(keep.sum())
        if total == 0:
            return out
        per_item = max(1, n_pass // max(1, n_items))
        want = total if k is None else min(total, max(k * per_item * 4, 64))
        if self.exact or k is None:  # every item asked for: scored exactly, whatever the index type
            scores = np.asarray(self.vectors @ q)
            if keep is not None:
                scores[~keep] = -np.inf
            if want < total:  # as Faiss would: only the top `want` passages reach their items
                top = np.argpartition(-scores, want - 1)[:want]
                np.maximum.at(out, self.passage_item[top], scores[top])
                return out
            return self._item_max(scores, out)
        import faiss

        q = q.reshape(1, -1)
        if keep is not None:
            # a bitmap over passage ids: built in microseconds, where a batch selector hashes every allowed id
            # (about 2 ms at 40k passages); `bits` must outlive the search, the selector only points at it
            bits = np.packbits(keep, bitorder="little")
            sel = faiss.IDSelectorBitmap(n_pass, faiss.swig_ptr(bits))
            scores, ids = self.faiss.search(q, want, params=self._search_params(sel))
        else:
            scores, ids = self.faiss.search(q, want)
        found = ids[0] >= 0
        np.maximum.at(out, self.passage_item[ids[0][found]], scores[0][found])
        return out

    def _search_params(self, sel):
        import faiss

        f = self.manifest.faiss
        if "efSearch" in f:
            return faiss.SearchParametersHNSW(sel=sel, efSearch=f["efSearch"])
        if "nprobe" in f:
            return faiss.SearchParametersIVF(sel=sel, nprobe=f["nprobe"])
        return faiss.SearchParameters(sel=sel)

    def _item_max(self, scores: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Each item's best passage score (passages are stored grouped by item, in item order)."""
        starts = self._first_passage[:-1]
        has = starts < self._first_passage[1:]
        out[has] = np.maximum.reduceat(scores, starts[has])
        return out
