"""Would more signals make the relevance model's "match" label more precise?

    python -m eval.feature_experiment     # prints the table and writes eval/results/feature-experiment.md

The shipped relevance model (eval/calibrate.py) is a logistic regression over three features of each
ranked hit: dense cosine, idf-weighted query-term coverage and the gap to the best cosine. Answers list the
hits it labels "match", and about one in five of those is not labeled relevant. This experiment adds the
other signals every hit already carries (BM25 score against the best, the dense and BM25 ranks, the hit's
rank, the fused-score gap, the cosine gap to the next hit) and compares feature sets by 5-fold
cross-validation over the **tuning half only** (folds by question, fixed seed): the mean per-question F1 of
the matched sets at the best cut-off, the precision of the matches there, and the precision at fixed
cut-offs. The held-out half and the independent set are not read.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.engine import open_index
from assistant.search import Searcher
from assistant.settings import Settings
from eval.calibrate import GRID, fit
from eval.retrieval import OUT_OF_SCOPE, publish, query_sets

SETS = (
    ("dense", "coverage", "gap"),  # shipped
    ("dense", "coverage", "gap", "bm25_share"),
    ("dense", "coverage", "gap", "log_rank"),
    ("dense", "coverage", "gap", "log_dense_rank", "log_bm25_rank"),
    ("dense", "coverage", "gap", "fused_gap"),
    ("dense", "coverage", "gap", "next_gap"),
    ("dense", "coverage", "gap", "bm25_share", "log_rank", "log_dense_rank", "log_bm25_rank", "fused_gap"),
)


def signals(ranked) -> dict[str, np.ndarray]:
    """Per hit of one question's top 30: the shipped features and the candidates."""
    col = {k: np.array([h.signals[k] for h in ranked], float) for k in ("dense", "coverage", "gap", "bm25", "fused")}
    dense_rank = np.array([h.signals["dense_rank"] or 99 for h in ranked], float)
    bm25_rank = np.array([h.signals["bm25_rank"] or 99 for h in ranked], float)
    col["bm25_share"] = col["bm25"] / (col["bm25"].max() or 1.0)
    col["log_rank"] = np.log1p(np.arange(len(ranked)))
    col["log_dense_rank"], col["log_bm25_rank"] = np.log1p(dense_rank), np.log1p(bm25_rank)
    col["fused_gap"] = col["fused"].max() - col["fused"]
    col["next_gap"] = np.r_[col["dense"][:-1] - col["dense"][1:], 0.0]
    return col


def collect(searcher: Searcher, queries, qrels) -> list[dict]:
    groups = []
    for q in queries:
        ranked = [h for h in searcher.search(q["query"]).ranked if h.relevance is not None][:30]
        if not ranked:
            continue
        rel = qrels.get(q["qid"], {})
        y = np.array([1.0 if rel.get(h.item.id, 0) >= 1 else 0.0 for h in ranked])
        groups.append({"sig": signals(ranked), "y": y, "n_rel": len(rel), "out": q["type"] == OUT_OF_SCOPE})
    return groups


def cross_validate(groups: list[dict], feats: tuple[str, ...], folds: int = 5, seed: int = 0) -> dict:
    fold = np.random.default_rng(seed).permutation(len(groups)) % folds
    f1 = {t: [] for t in GRID}
    got_n = {t: 0 for t in GRID}
    got_rel = {t: 0 for t in GRID}
    for k in range(folds):
        train = [g for g, f in zip(groups, fold) if f != k]
        x = np.vstack([np.column_stack([g["sig"][f] for f in feats]) for g in train])
        mu, sd = x.mean(0), x.std(0) + 1e-9
        w = fit((x - mu) / sd, np.concatenate([g["y"] for g in train]))
        for g, f in zip(groups, fold):
            if f != k or g["out"] or not g["n_rel"]:
                continue
            p = 1 / (1 + np.exp(-(w[0] + ((np.column_stack([g["sig"][c] for c in feats]) - mu) / sd) @ w[1:])))
            for t in GRID:
                got = p >= t
                tp = float((got & (g["y"] > 0)).sum())
                prec, rec = (tp / got.sum() if got.any() else 0.0), tp / g["n_rel"]
                f1[t].append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
                got_n[t] += int(got.sum())
                got_rel[t] += int(tp)
    best = max(GRID, key=lambda t: np.mean(f1[t]))
    precision = {t: got_rel[t] / max(got_n[t], 1) for t in GRID}
    return {"f1": float(np.mean(f1[best])), "cut": float(best), "precision": precision}


def main() -> int:
    settings = Settings.from_env({}, data_dir=Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    queries, qrels = query_sets()["tune"]
    searcher = Searcher(open_index(settings), replace(settings, rel_refuse=0.0))
    groups = collect(searcher, queries, qrels)
    lines = [
        "# More signals for the relevance model: tried, not adopted",
        "",
        (__doc__ or "").strip(),
        "",
        f"Tuning half: {len(groups)} questions with ranked candidates. Run: `python -m eval.feature_experiment`.",
        "",
        "| features | CV F1 of matched sets | best cut-off | match precision there | precision at 0.45 / 0.60 / 0.75 |",
        "|---|---|---|---|---|",
    ]
    for feats in SETS:
        r = cross_validate(groups, feats)
        at = " / ".join(f"{r['precision'][t]:.3f}" for t in (0.45, 0.6, 0.75))
        lines.append(
            f"| {' + '.join(feats)} | {r['f1']:.3f} | {r['cut']:.2f} | {r['precision'][r['cut']]:.3f} | {at} |"
        )
    lines += [
        "",
        "No added signal lifts the cross-validated F1 by more than about 0.01 (noise at 36 questions), and no set",
        "reaches a match precision of 0.95 even at a 0.75 cut-off: the signals are all views of the same two",
        "scores (MiniLM cosine, BM25). The shipped three are kept.",
    ]
    publish("\n".join(lines) + "\n", "feature-experiment.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
