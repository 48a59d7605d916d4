"""Calibrate the relevance model that labels ranked hits (match / possible / weak) and decides refusals.

    python -m eval.calibrate            # prints the fitted values and writes eval/results/calibration.md

Fitted on the **tuning half** of eval/data only (`eval.retrieval.split`); the held-out half and the
independent set are never seen here. Features per (query, candidate) are `assistant.scoring.FEATURES`
(dense cosine, idf-weighted query-term coverage, gap to the best cosine), read from the hits' signals, so
search and calibration compute them in one place. Labels: grade >= 1.

- weights: logistic regression (Newton's method, small L2) over the tuning queries' top-30 candidates;
- rel_match: the cut-off maximizing the mean per-query F1 of the matched sets;
- rel_possible: the highest cut-off at which >= 90% of the relevant top-10 candidates are at least possible;
- rel_refuse: per question, the best candidate's probability; among the cut-offs that refuse no in-scope
  tuning question and as many out-of-scope ones as possible, the middle one, capped at rel_match (a question
  with a match is never refused).
The fitted numbers are copied into assistant/settings.py (rel_*).
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.engine import open_index
from assistant.scoring import FEATURES
from assistant.search import Searcher
from assistant.settings import Settings
from eval.retrieval import OUT_OF_SCOPE, RESULTS, query_sets

GRID = np.round(np.arange(0.02, 0.96, 0.01), 2)


def collect(searcher: Searcher, queries, qrels, depth: int = 30):
    """Per topical query: its candidates' feature rows, 0/1 labels, and whether it is out of scope."""
    groups = []
    for q in queries:
        res = searcher.search(q["query"])
        ranked = [h for h in res.ranked if h.relevance is not None][:depth]
        if not ranked:
            continue  # schedule, related and filter-only questions do not use the relevance model
        x = np.array([[h.signals[f] for f in FEATURES] for h in ranked])
        rel = qrels.get(q["qid"], {})
        y = np.array([1.0 if rel.get(h.item.id, 0) >= 1 else 0.0 for h in ranked])
        groups.append(
            {"qid": q["qid"], "type": q["type"], "x": x, "y": y, "n_rel": len(rel), "out": q["type"] == OUT_OF_SCOPE}
        )
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


def probs(g, w) -> np.ndarray:
    return 1 / (1 + np.exp(-(w[0] + g["x"] @ w[1:])))


def set_f1(groups, w, tau) -> float:
    scores = []
    for g in groups:
        if g["out"] or not g["n_rel"]:
            continue
        got = probs(g, w) >= tau
        tp = float((got & (g["y"] > 0)).sum())
        prec = tp / got.sum() if got.any() else 0.0
        rec = tp / g["n_rel"]
        scores.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return float(np.mean(scores))


def possible_cut(groups, w, tau_match: float, target: float = 0.9) -> float:
    ps = np.concatenate([probs(g, w)[:10][g["y"][:10] > 0] for g in groups if not g["out"]] or [np.zeros(0)])
    ok = [t for t in GRID if t <= tau_match and (ps >= t).mean() >= target] if len(ps) else []
    return float(max(ok)) if ok else float(GRID[0])


def refuse_cut(groups, w) -> tuple[float, dict]:
    best_in = [probs(g, w).max() for g in groups if not g["out"] and g["n_rel"]]
    best_out = [probs(g, w).max() for g in groups if g["out"]]
    rows = []
    for t in GRID:
        false_ref = sum(b < t for b in best_in)
        refused = sum(b < t for b in best_out)
        rows.append((false_ref, -refused, -t, t))
    false_ref, neg_refused, _, _ = min(rows)
    ok = [r[3] for r in rows if r[0] == false_ref and r[1] == neg_refused]
    t = (min(ok) + max(ok)) / 2  # the middle of the range that does as well: margin on both sides
    return round(float(t), 3), {
        "false_refusals": int(false_ref),
        "out_of_scope_refused": int(-neg_refused),
        "out_of_scope": len(best_out),
        "in_scope": len(best_in),
    }


def calibrate(groups) -> dict:
    x = np.vstack([g["x"] for g in groups])
    y = np.concatenate([g["y"] for g in groups])
    w = fit(x, y)
    f1s = [set_f1(groups, w, t) for t in GRID]
    tau = float(GRID[int(np.argmax(f1s))])
    refuse, refuse_stats = refuse_cut(groups, w)
    return {
        "weights": dict(zip(("bias",) + FEATURES, map(float, w))),
        "rel_match": tau,
        "rel_possible": possible_cut(groups, w, tau),
        "rel_refuse": min(refuse, tau),
        "tune_set_f1": max(f1s),
        "refusal_on_tune": refuse_stats,
        "queries": len(groups),
        "pairs": int(len(y)),
        "positives": int(y.sum()),
    }


def main() -> int:
    settings = Settings.from_env({}, data_dir=Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    queries, qrels = query_sets()["tune"]
    searcher = Searcher(open_index(settings), replace(settings, rel_refuse=0.0))
    groups = collect(searcher, queries, qrels)
    result = calibrate(groups)
    text = json.dumps(result, indent=1)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "calibration.md").write_text(
        "# Relevance calibration\n\n"
        + (__doc__ or "").strip()
        + "\n\nLast run (`python -m eval.calibrate`):\n\n```json\n"
        + text
        + "\n```\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
