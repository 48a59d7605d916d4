"""`talks eval retrieval`: run retrieval configurations over the labeled queries and compare them.

Calls `assistant` only through its public functions (`open_index`, `Searcher.search`), as any client
would. Metrics and significance come from ranx; refusal (out-of-agenda questions must return no hits)
and the returned set's precision/recall are scored here, since ranx scores rankings, not sets.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

from assistant.engine import open_index
from assistant.search import Searcher
from assistant.settings import Settings

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
METRICS = ["ndcg@10", "recall@10", "mrr@10", "precision@5"]

# name -> settings changes; "hybrid" is the shipped default
CONFIGS = {
    "bm25": {"fusion": "bm25"},
    "dense": {"fusion": "dense"},
    "rrf": {"fusion": "rrf"},
    "hybrid": {},
    "hybrid-noplanner": {"planner": False},
    "hybrid-nothreshold": {"rel_threshold": 0.0},  # every candidate counts as an answer: what the threshold buys
}


def load_labels(data_dir: Path = DATA) -> tuple[list[dict], dict[str, dict[str, int]]]:
    queries = [json.loads(line) for line in (data_dir / "queries.jsonl").read_text().splitlines() if line.strip()]
    qrels = json.loads((data_dir / "qrels.json").read_text())
    return queries, qrels


def run_config(searcher: Searcher, queries: list[dict], depth: int = 20) -> dict:
    """Run every query; return the ranx-style run, the returned sets, and per-query latency."""
    run, returned, latency = {}, {}, {}
    for q in queries:
        t = time.perf_counter()
        res = searcher.search(q["query"])
        latency[q["qid"]] = (time.perf_counter() - t) * 1000
        ranked = list(res.hits) + [h for h in res.ranked if h.item.id not in {x.item.id for x in res.hits}]
        n = len(ranked[:depth])
        run[q["qid"]] = {h.item.id: float(n - i) for i, h in enumerate(ranked[:depth])}
        returned[q["qid"]] = [h.item.id for h in res.hits]
    return {"run": run, "returned": returned, "latency_ms": latency}


def set_scores(queries, qrels, returned) -> dict:
    """Refusal accuracy, false refusals, and precision/recall/F1 of the returned sets."""
    out_q = [q for q in queries if not qrels.get(q["qid"])]
    in_q = [q for q in queries if qrels.get(q["qid"])]
    refused_ok = sum(1 for q in out_q if not returned[q["qid"]])
    false_refusals = [q["qid"] for q in in_q if not returned[q["qid"]]]
    p = r = 0.0
    for q in in_q:
        rel = set(qrels[q["qid"]])
        got = set(returned[q["qid"]])
        p += len(rel & got) / len(got) if got else 0.0
        r += len(rel & got) / len(rel)
    n = max(1, len(in_q))
    prec, rec = p / n, r / n
    return {"refusal_accuracy": refused_ok / max(1, len(out_q)), "out_of_agenda": len(out_q),
            "false_refusals": false_refusals, "set_precision": prec, "set_recall": rec,
            "set_f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0}


def evaluate(configs: list[str], settings: Settings, data_dir: Path = DATA, out_dir: Path | None = RESULTS,
             embedder=None) -> dict:
    from ranx import Qrels, Run, compare, evaluate as rx_evaluate

    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        raise ValueError(f"unknown configuration(s) {', '.join(unknown)}; valid: {', '.join(CONFIGS)}")
    queries, qrels_all = load_labels(data_dir)
    index = open_index(settings, embedder)
    labeled = {qid: docs for qid, docs in qrels_all.items() if docs}
    qrels = Qrels(labeled)
    report = {"date": date.today().isoformat(), "queries": len(queries), "configs": {}, "by_type": {}}
    runs = {}
    for name in configs:
        searcher = Searcher(index, replace(settings, **CONFIGS[name]))
        res = run_config(searcher, queries)
        run = Run({qid: (docs or {"__none__": 0.0}) for qid, docs in res["run"].items() if qid in labeled}, name=name)
        runs[name] = run
        overall = rx_evaluate(qrels, run, METRICS)
        lat = sorted(res["latency_ms"].values())
        report["configs"][name] = {**{m: float(v) for m, v in overall.items()},
                                   **set_scores(queries, qrels_all, res["returned"]),
                                   "latency_p50_ms": lat[len(lat) // 2]}
        per_q = rx_evaluate(qrels, run, "ndcg@10", return_mean=False)
        qids = [qid for qid in run.keys()]
        by_type = defaultdict(list)
        types = {q["qid"]: q["type"] for q in queries}
        for qid, v in zip(qids, per_q):
            by_type[types[qid]].append(float(v))
        report["by_type"][name] = {t: sum(v) / len(v) for t, v in sorted(by_type.items())}
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            run.save(str(out_dir / f"{report['date']}-run-{name}.trec"), kind="trec")
    if len(runs) > 1:
        cmp = compare(qrels, list(runs.values()), METRICS[:1] + METRICS[1:3], stat_test="student", max_p=0.05)
        report["significance"] = str(cmp)
    if out_dir is not None:
        write_report(report, out_dir)
    return report


def format_table(report: dict) -> str:
    cols = METRICS + ["refusal_accuracy", "set_precision", "set_recall", "latency_p50_ms"]
    lines = ["| config | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, m in report["configs"].items():
        lines.append(f"| {name} | " + " | ".join(f"{m[c]:.3f}" if c != "latency_p50_ms" else f"{m[c]:.1f}" for c in cols) + " |")
    types = sorted({t for v in report["by_type"].values() for t in v})
    lines += ["", "nDCG@10 by query type:", "", "| config | " + " | ".join(types) + " |", "|---" * (len(types) + 1) + "|"]
    for name, per in report["by_type"].items():
        lines.append(f"| {name} | " + " | ".join(f"{per.get(t, float('nan')):.3f}" for t in types) + " |")
    return "\n".join(lines)


def write_report(report: dict, out_dir: Path) -> None:
    stem = out_dir / f"{report['date']}-retrieval"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=1) + "\n")
    md = [f"# Retrieval evaluation, {report['date']}", "",
          f"{report['queries']} labeled queries (eval/data); command: `talks eval retrieval`.", "",
          format_table(report), ""]
    for name, m in report["configs"].items():
        if m["false_refusals"]:
            md.append(f"- {name}: false refusals on {', '.join(m['false_refusals'])}")
    if "significance" in report:
        md += ["", "Paired t-test (ranx.compare, p < 0.05; letters mark configs this one beats):", "", "```",
               report["significance"], "```"]
    stem.with_suffix(".md").write_text("\n".join(md) + "\n")
