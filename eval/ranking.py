"""Ranking experiments: which dense text, passage scoring, blend and feedback pay, judged on held-out queries.

    python -m eval.ranking          # prints the table and writes eval/results/ranking-experiments.md

Every variant changes one thing against the shipped configuration and is scored on the ranked list
before the refusal decision (the relevance model is calibrated for the shipped features, so refusals
would blur the comparison): nDCG@10 and Recall@10 on the tuning half (where a choice would be made), the
held-out half and the independent set, with a paired t-test against the shipped configuration on each.
A variant is adopted only when it beats the shipped configuration on the tuning half in the paired t-test
(p < 0.05) and does not lose on the held-out half.

  passages (shipped)   title + people, then windows of the abstract; an item's score is its best passage
  passage-mean         an item's score is the mean of its passages
  max+mean             best passage + 0.3 x mean of its passages
  passages+sentences   the best of its passages and of its abstract's single sentences (the evidence
                       vectors): a question often restates one sentence
  whole-item           one text per item: title, people, orgs, abstract and speaker bios (MiniLM reads the
                       first 256 wordpieces)
  prf                  pseudo-relevance feedback (Rocchio): query + 0.5 x mean of the top-3 items' vectors
  blend-0.6/0.7/0.9    dense weight in the dense/BM25 blend (shipped: 0.8)
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np

from assistant.engine import open_index
from assistant.search import Searcher
from assistant.settings import Settings
from eval.retrieval import publish, query_sets, score_set


class DenseVariant:
    """An index whose dense scores are computed another way; everything else is the shipped index's."""

    def __init__(self, index, mode: str, item_vecs: np.ndarray | None = None):
        self._index, self.mode, self._item_vecs = index, mode, item_vecs

    def __getattr__(self, name):
        return getattr(self._index, name)

    def _per_item(self, q: np.ndarray) -> np.ndarray:
        idx = self._index
        scores = np.asarray(idx.vectors @ q)
        starts = idx._first_passage
        out = np.full(len(idx.items), -np.inf, dtype=np.float32)
        for row in range(len(idx.items)):
            s = scores[starts[row] : starts[row + 1]]
            if not len(s):
                continue
            if self.mode == "passages+sentences":
                _, sent = idx.sentence_vectors(row)
                out[row] = max(s.max(), float((sent @ q).max()) if len(sent) else -np.inf)
            elif self.mode == "passage-mean":
                out[row] = s.mean()
            elif self.mode == "max+mean":
                out[row] = s.max() + 0.3 * s.mean()
            else:
                out[row] = s.max()
        return out

    def dense_scores(self, query_vec, allowed=None, k=None):
        q = np.asarray(query_vec, dtype=np.float32).reshape(-1)
        if self.mode == "whole-item":
            out = (self._item_vecs @ q).astype(np.float32)
        elif self.mode == "prf":
            first = self._index.dense_scores(q, allowed, k)
            top = np.argsort(-first)[:3]
            top = [r for r in top if np.isfinite(first[r])]
            if top:
                fb = np.mean([self._index.item_vector(r) for r in top], axis=0)
                q = q + 0.5 * fb
                q = q / (np.linalg.norm(q) or 1.0)
            return self._index.dense_scores(q, allowed, k)
        else:
            out = self._per_item(q)
        if allowed is not None:
            out = np.where(allowed, out, -np.inf).astype(np.float32)
        return out


def whole_item_text(item) -> str:
    people = "; ".join(f"{p.name} ({p.org})" + (f": {p.bio}" if p.bio else "") for p in item.people)
    return f"{item.title}. {item.kind}. {people}. {', '.join(item.orgs)}. {item.abstract}"


def main() -> int:
    from ranx import Qrels, compare

    settings = Settings.from_env({})
    index = open_index(settings)
    item_vecs = np.asarray(index.embedder.encode_documents([whole_item_text(i) for i in index.items]), dtype=np.float32)
    variants = {
        "passages (shipped)": (index, settings),
        "passage-mean": (DenseVariant(index, "passage-mean"), settings),
        "max+mean": (DenseVariant(index, "max+mean"), settings),
        "passages+sentences": (DenseVariant(index, "passages+sentences"), settings),
        "whole-item": (DenseVariant(index, "whole-item", item_vecs), settings),
        "prf": (DenseVariant(index, "prf"), settings),
        "blend-0.6": (index, replace(settings, blend_dense=0.6)),
        "blend-0.7": (index, replace(settings, blend_dense=0.7)),
        "blend-0.9": (index, replace(settings, blend_dense=0.9)),
    }
    sets = query_sets()
    rows, tests = {}, {}
    for set_name, (queries, qrels) in sets.items():
        runs = {}
        for name, (idx, s) in variants.items():
            scored = score_set(Searcher(idx, replace(s, rel_refuse=0.0)), queries, qrels, name)
            rows.setdefault(name, {})[set_name] = (scored["scores"]["ndcg@10"], scored["scores"]["recall@10"])
            runs[name] = scored["run"]
        labeled = {q["qid"]: qrels[q["qid"]] for q in queries if qrels.get(q["qid"])}
        tests[set_name] = str(
            compare(Qrels(labeled), list(runs.values()), ["ndcg@10"], stat_test="student", max_p=0.05)
        )
    names = list(sets)
    lines = [
        "# Ranking experiments",
        "",
        (__doc__ or "").strip(),
        "",
        "| variant | " + " | ".join(f"{n} nDCG@10 | {n} R@10" for n in names) + " |",
        "|---" * (2 * len(names) + 1) + "|",
    ]
    for name, per in rows.items():
        lines.append(f"| {name} | " + " | ".join(f"{per[n][0]:.3f} | {per[n][1]:.3f}" for n in names) + " |")
    for n in names:
        lines += [
            "",
            f"Paired t-test on {n} (letters mark variants this one beats, p < 0.05):",
            "",
            "```",
            tests[n],
            "```",
        ]
    text = "\n".join(lines) + "\n"
    publish(text, "ranking-experiments.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
