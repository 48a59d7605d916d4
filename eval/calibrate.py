"""Calibrate the relevance model that decides which retrieved items are answers (and when none are).

    python -m eval.calibrate            # prints the fitted weights and the cross-validated scores

Features per (query, candidate): dense cosine, idf-weighted query-term coverage, gap to the best
cosine. Labels: grade >= 1 in eval/data/qrels.json. A logistic regression (Newton's method, small L2)
is fitted on all topical queries, and the cut-off is the one maximizing the mean per-query F1 of the
returned sets, where an out-of-agenda query scores 1 only when nothing is returned. 5-fold
cross-validation by query reports how well that carries to unseen queries. The fitted numbers are
copied into assistant/settings.py (rel_*), and the run is recorded in eval/results/calibration.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from assistant.engine import open_index
from assistant.search import Searcher
from assistant.settings import Settings
from eval.retrieval import DATA, RESULTS, load_labels

FEATURES = ("dense", "coverage", "gap")


def collect(searcher: Searcher, queries, qrels):
    """Per topical query: its candidates' feature rows and 0/1 labels."""
    groups = []
    for q in queries:
        res = searcher.search(q["query"])
        ranked = [h for h in res.ranked if "relevance" in h.signals]
        if not ranked:
            continue  # schedule, related and filter-only questions do not use the threshold
        top = max(h.signals["dense"] for h in ranked)
        x = np.array([[h.signals["dense"], h.signals["coverage"], top - h.signals["dense"]] for h in ranked])
        rel = qrels.get(q["qid"], {})
        y = np.array([1.0 if rel.get(h.item.id, 0) >= 1 else 0.0 for h in ranked])
        groups.append({"qid": q["qid"], "type": q["type"], "x": x, "y": y, "n_rel": len(rel)})
    return groups


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, iters: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method; returns [bias, w_dense, w_coverage, w_gap]."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + l2 * np.r_[0, w[1:]]
        hess = xb.T @ (xb * (p * (1 - p))[:, None]) + l2 * np.diag(np.r_[0, np.ones(len(w) - 1)])
        w -= np.linalg.solve(hess, grad)
    return w


def set_f1(groups, w, tau) -> float:
    scores = []
    for g in groups:
        p = 1 / (1 + np.exp(-(w[0] + g["x"] @ w[1:])))
        got = p >= tau
        if g["n_rel"] == 0:
            scores.append(0.0 if got.any() else 1.0)
            continue
        tp = float((got & (g["y"] > 0)).sum())
        prec = tp / got.sum() if got.any() else 0.0
        rec = tp / g["n_rel"]
        scores.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return float(np.mean(scores))


def best_threshold(groups, w) -> tuple[float, float]:
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
    f1s = [set_f1(groups, w, t) for t in grid]
    i = int(np.argmax(f1s))
    return float(grid[i]), f1s[i]


def calibrate(groups, folds: int = 5, seed: int = 0) -> dict:
    x = np.vstack([g["x"] for g in groups])
    y = np.concatenate([g["y"] for g in groups])
    w = fit(x, y)
    tau, f1 = best_threshold(groups, w)
    order = np.random.default_rng(seed).permutation(len(groups))
    cv = []
    for k in range(folds):
        test = [groups[i] for i in order[k::folds]]
        train = [groups[i] for i in order if i not in set(order[k::folds])]
        wk = fit(np.vstack([g["x"] for g in train]), np.concatenate([g["y"] for g in train]))
        tk, _ = best_threshold(train, wk)
        cv.append(set_f1(test, wk, tk))
    return {"weights": dict(zip(("bias",) + FEATURES, map(float, w))), "threshold": tau,
            "train_set_f1": f1, "cv_set_f1": float(np.mean(cv)), "cv_folds": [float(c) for c in cv],
            "queries": len(groups), "pairs": int(len(y)), "positives": int(y.sum())}


def main() -> int:
    settings = Settings.from_env({}, data_dir=Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    queries, qrels = load_labels(DATA)
    searcher = Searcher(open_index(settings), settings)
    current = {"bias": settings.rel_bias, "dense": settings.rel_dense, "coverage": settings.rel_coverage,
               "gap": settings.rel_gap}
    groups = collect(searcher, queries, qrels)
    result = calibrate(groups)
    w = [current["bias"], current["dense"], current["coverage"], current["gap"]]
    result["current_settings_set_f1"] = set_f1(groups, np.array(w), settings.rel_threshold)
    text = json.dumps(result, indent=1)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "calibration.md").write_text(
        "# Relevance calibration\n\n" + (__doc__ or "").strip() + "\n\nLast run (`python -m eval.calibrate`):\n\n```json\n"
        + text + "\n```\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
