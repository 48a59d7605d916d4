"""Pure scoring: rank fusion, score blending, query-term coverage, relevance, MMR.

No files, models or settings objects here: arrays and numbers in, arrays and numbers out.
"""

from __future__ import annotations

import numpy as np


def ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each entry by descending score; entries at -inf or 0-with-no-match get 0 (unranked)."""
    out = np.zeros(len(scores), dtype=np.int64)
    ok = np.isfinite(scores)
    order = np.flatnonzero(ok)[np.argsort(-scores[ok], kind="stable")]
    out[order] = np.arange(1, len(order) + 1)
    return out


def rank_of(scores: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`ranks(scores)[rows]` without ranking every entry: the entries above each row, counted by binary search
    in the sorted scores, plus the equal ones at lower rows (ties in row order, counted only for rows that
    have any). For the few rows a search labels, out of thousands of BM25 matches in a large corpus."""
    rows = np.asarray(rows, dtype=np.int64)
    finite = np.isfinite(scores)
    ordered = np.sort(scores[finite])
    mine = scores[rows]
    hi = np.searchsorted(ordered, mine, side="right")
    out = 1 + len(ordered) - hi
    for i in np.flatnonzero(hi - np.searchsorted(ordered, mine, side="left") > 1):  # tied with another entry
        before = scores[: rows[i]]
        out[i] += np.count_nonzero(before == mine[i])
    return np.where(np.isfinite(mine), out, 0)


def top_rows(scores: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """The n of `rows` with the highest scores, best first, ties in row order: what a stable sort of all of
    them would start with, from a partition instead of a full sort."""
    if len(rows) > n:
        vals = scores[rows]
        kth = np.partition(vals, len(vals) - n)[len(vals) - n]
        rows = rows[vals >= kth]  # the n best, and any tied with the n-th
    return rows[np.lexsort((rows, -scores[rows]))][:n]


def rrf(rank_lists: list[np.ndarray], k: int = 60) -> np.ndarray:
    """Reciprocal rank fusion (Cormack, Clarke & Buettcher, SIGIR 2009): sum of 1 / (k + rank).

    ranx.fuse does the same over Run objects; this works on the per-query arrays we already hold,
    without building dicts of strings per query on the hot path.
    """
    out = np.zeros(len(rank_lists[0]), dtype=np.float64)
    for r in rank_lists:
        out += np.where(r > 0, 1.0 / (k + r), 0.0)
    return out


def blend(dense: np.ndarray, bm25: np.ndarray, w_dense: float) -> np.ndarray:
    """w * cosine + (1 - w) * bm25 / max(bm25): cosine kept absolute so weak queries stay weak."""
    d = np.where(np.isfinite(dense), dense, 0.0)
    top = float(bm25.max()) if len(bm25) else 0.0
    b = bm25 / top if top > 0 else np.zeros_like(bm25)
    return w_dense * d + (1.0 - w_dense) * b


def coverages(term_idf: dict[str, float], contains: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Share of the query's idf mass each of n documents contains (0 when the query has no known term);
    contains: term -> bool array over the documents."""
    total = sum(term_idf.values())
    out = np.zeros(n, dtype=np.float64)
    if total <= 0:
        return out
    for t, inside in contains.items():
        out += np.where(inside, term_idf[t], 0.0)
    return out / total


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# The relevance model's features, in order; search computes them and eval/calibrate fits on them.
FEATURES = ("dense", "coverage", "gap")


def relevance_features(dense: float, cov: float, top_dense: float) -> dict[str, float]:
    """A candidate's features: its dense cosine, its idf-weighted query-term coverage, and how far its cosine
    falls below the best candidate's."""
    return {"dense": dense, "coverage": cov, "gap": top_dense - dense}


def relevance(features: dict, bias: float, weights: dict[str, float]):
    """P(relevant) from a logistic model over the features (floats, or arrays of one value per candidate)."""
    p = sigmoid(bias + sum(weights[f] * np.asarray(features[f], dtype=np.float64) for f in FEATURES))
    return float(p) if np.ndim(p) == 0 else p


def label(p: float, match: float, possible: float) -> str:
    return "match" if p >= match else "possible" if p >= possible else "weak"


def mmr(query_sim: np.ndarray, doc_vecs: np.ndarray, k: int, lam: float) -> list[int]:
    """Maximal marginal relevance (Carbonell & Goldstein, 1998): indices of k picks, in order."""
    chosen: list[int] = []
    left = list(range(len(query_sim)))
    sims = doc_vecs @ doc_vecs.T if len(doc_vecs) else np.zeros((0, 0))
    while left and len(chosen) < k:
        if chosen:
            redundancy = sims[np.ix_(left, chosen)].max(axis=1)
        else:
            redundancy = np.zeros(len(left))
        gains = lam * query_sim[left] - (1 - lam) * redundancy
        pick = left[int(np.argmax(gains))]
        chosen.append(pick)
        left.remove(pick)
    return chosen
