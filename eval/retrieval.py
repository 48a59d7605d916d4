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
INDEPENDENT = DATA / "independent"
RESULTS = HERE / "results"
METRICS = ["ndcg@10", "recall@10", "mrr@10", "precision@5"]
SPLIT_SEED = 20251125  # the tuning / held-out split of eval/data (stratified by query type)
OUT_OF_SCOPE = "out_of_agenda"

# name -> settings changes; "hybrid" is the shipped default
CONFIGS = {
    "bm25": {"fusion": "bm25"},
    "dense": {"fusion": "dense"},
    "rrf": {"fusion": "rrf"},
    "hybrid": {},
    "hybrid-noplanner": {"planner": False},
    "hybrid-norefusal": {"rel_refuse": 0.0},  # never refuse: what the out-of-scope bar buys
}


class EvalInputError(ValueError):
    """A queries or qrels file that cannot be read; names the file, the line and what would be valid."""


def load_queries(path: Path) -> list[dict]:
    """Queries as JSONL ({"qid", "query", "type"?} per line) or TSV (qid<TAB>query[<TAB>type])."""
    path = Path(path)
    out, seen = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                q = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalInputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
            if not isinstance(q, dict) or not isinstance(q.get("qid"), str) or not isinstance(q.get("query"), str):
                raise EvalInputError(f'{path}:{n}: a query line needs "qid" and "query" strings, got {line[:80]!r}')
        else:
            parts = line.split("\t")
            if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
                raise EvalInputError(f"{path}:{n}: expected 'qid<TAB>query[<TAB>type]', got {line[:80]!r}")
            q = {
                "qid": parts[0].strip(),
                "query": parts[1].strip(),
                "type": parts[2].strip() if len(parts) > 2 else "query",
            }
        if q["qid"] in seen:
            raise EvalInputError(f"{path}:{n}: duplicate qid {q['qid']!r}")
        seen.add(q["qid"])
        out.append({"type": "query", **q})
    if not out:
        raise EvalInputError(f"{path}: no queries")
    return out


def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Graded judgments as JSON ({"qid": {"doc": grade}}) or TREC lines (qid 0 doc grade)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EvalInputError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
        return {str(q): {str(d): int(g) for d, g in docs.items()} for q, docs in data.items()}
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 4 or not parts[3].lstrip("-").isdigit():
            raise EvalInputError(f"{path}:{n}: expected TREC qrels 'qid 0 doc-id grade', got {line[:80]!r}")
        if int(parts[3]) > 0:
            qrels[parts[0]][parts[2]] = int(parts[3])
        else:
            qrels.setdefault(parts[0], {})
    return dict(qrels)


def load_labels(data_dir: Path = DATA) -> tuple[list[dict], dict[str, dict[str, int]]]:
    return load_queries(data_dir / "queries.jsonl"), load_qrels(data_dir / "qrels.json")


def split(queries: list[dict], seed: int = SPLIT_SEED) -> dict[str, list[dict]]:
    """Tuning and held-out halves, stratified by query type, the same every run."""
    import random

    rng = random.Random(seed)
    parts: dict[str, list[dict]] = {"tune": [], "heldout": []}
    by_type = defaultdict(list)
    for q in queries:
        by_type[q["type"]].append(q)
    for t in sorted(by_type):
        group = sorted(by_type[t], key=lambda q: q["qid"])
        rng.shuffle(group)
        for i, q in enumerate(group):
            parts["tune" if i % 2 == 0 else "heldout"].append(q)
    return {k: sorted(v, key=lambda q: q["qid"]) for k, v in parts.items()}


def query_sets(data_dir: Path = DATA) -> dict[str, tuple[list[dict], dict]]:
    """The sets every report gives: held-out (the headline), tuning (beside it), independent."""
    queries, qrels = load_labels(data_dir)
    halves = split(queries)
    sets = {"heldout": (halves["heldout"], qrels), "tune": (halves["tune"], qrels)}
    if (data_dir / "independent" / "queries.jsonl").exists():
        sets["independent"] = (
            load_queries(data_dir / "independent" / "queries.jsonl"),
            load_qrels(data_dir / "independent" / "qrels.json"),
        )
    return sets


def run_config(searcher: Searcher, queries: list[dict], depth: int = 10) -> dict:
    """Run every query; return the run of what search returns (ranked, labeled hits), the run of the ranked
    list before the refusal decision, the returned ids, and per-query latency."""
    run, ranked_run, returned, latency = {}, {}, {}, {}
    for q in queries:
        t = time.perf_counter()
        res = searcher.search(q["query"])
        latency[q["qid"]] = (time.perf_counter() - t) * 1000
        hits = list(res.hits)[:depth]
        run[q["qid"]] = {h.item.id: float(len(hits) - i) for i, h in enumerate(hits)}
        ranked = (list(res.hits) or list(res.ranked))[:depth]
        ranked_run[q["qid"]] = {h.item.id: float(len(ranked) - i) for i, h in enumerate(ranked)}
        returned[q["qid"]] = [h.item.id for h in res.hits]
    return {"run": run, "ranked_run": ranked_run, "returned": returned, "latency_ms": latency}


def set_scores(queries, qrels, returned) -> dict:
    """Refusal accuracy (out-of-scope questions get no hits), false refusals (in-scope ones that do),
    schedule exactness, and precision/recall of the returned sets."""
    out_q = [q for q in queries if q.get("type") == OUT_OF_SCOPE or (q.get("type") is None and not qrels.get(q["qid"]))]
    in_q = [q for q in queries if q not in out_q]
    refused_ok = sum(1 for q in out_q if not returned[q["qid"]])
    false_refusals = [q["qid"] for q in in_q if not returned[q["qid"]] and qrels.get(q["qid"])]
    p = r = 0.0
    judged = [q for q in in_q if qrels.get(q["qid"])]
    for q in judged:
        rel = set(qrels[q["qid"]])
        got = set(returned[q["qid"]])
        p += len(rel & got) / len(got) if got else 0.0
        r += len(rel & got) / len(rel)
    n = max(1, len(judged))
    prec, rec = p / n, r / n
    sched = [q for q in judged if q.get("type") == "schedule"]
    exact = [
        q["qid"]
        for q in sched
        if {d for d, g in qrels[q["qid"]].items() if g >= 2} <= set(returned[q["qid"]]) <= set(qrels[q["qid"]])
    ]
    return {
        "refusal_accuracy": refused_ok / len(out_q) if out_q else None,
        "out_of_scope": len(out_q),
        "false_refusals": false_refusals,
        "set_precision": prec,
        "set_recall": rec,
        "set_f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
        "schedule_exact": len(exact) / len(sched) if sched else None,
        "schedule_inexact": [q["qid"] for q in sched if q["qid"] not in exact],
    }


def score_set(searcher: Searcher, queries: list[dict], qrels: dict, name: str) -> dict:
    from ranx import Qrels, Run, evaluate as rx_evaluate

    res = run_config(searcher, queries)
    labeled = {q["qid"]: qrels[q["qid"]] for q in queries if qrels.get(q["qid"])}
    rx_qrels = Qrels(labeled)
    run = Run({qid: (res["run"][qid] or {"__none__": 0.0}) for qid in labeled}, name=name)
    ranked = Run({qid: (res["ranked_run"][qid] or {"__none__": 0.0}) for qid in labeled}, name=name + "-ranked")
    overall = rx_evaluate(rx_qrels, run, METRICS)
    lat = sorted(res["latency_ms"].values())
    out = {
        **{m: float(v) for m, v in overall.items()},
        "ranked_ndcg@10": float(rx_evaluate(rx_qrels, ranked, "ndcg@10")),
        "ranked_recall@10": float(rx_evaluate(rx_qrels, ranked, "recall@10")),
        **set_scores(queries, qrels, res["returned"]),
        "latency_p50_ms": lat[len(lat) // 2],
        "queries": len(queries),
        "judged": len(labeled),
    }
    per_q = rx_evaluate(rx_qrels, run, "ndcg@10", return_mean=False)
    types = {q["qid"]: q.get("type", "query") for q in queries}
    by_type = defaultdict(list)
    for qid, v in zip(run.keys(), per_q):
        by_type[types[qid]].append(float(v))
    out["by_type"] = {t: sum(v) / len(v) for t, v in sorted(by_type.items())}
    return {"scores": out, "run": run}


def evaluate(
    configs: list[str],
    settings: Settings,
    data_dir: Path = DATA,
    out_dir: Path | None = RESULTS,
    embedder=None,
    sets: dict | None = None,
) -> dict:
    from ranx import Qrels, compare

    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        raise ValueError(f"unknown configuration(s) {', '.join(unknown)}; valid: {', '.join(CONFIGS)}")
    sets = sets or query_sets(data_dir)
    index = open_index(settings, embedder)
    report = {
        "date": date.today().isoformat(),
        "sets": {n: len(q) for n, (q, _) in sets.items()},
        "configs": {},
        "significance": {},
    }
    for set_name, (queries, qrels) in sets.items():
        runs = {}
        for name in configs:
            searcher = Searcher(index, replace(settings, **CONFIGS[name]))
            scored = score_set(searcher, queries, qrels, name)
            report["configs"].setdefault(name, {})[set_name] = scored["scores"]
            runs[name] = scored["run"]
            if out_dir is not None:
                out_dir.mkdir(parents=True, exist_ok=True)
                scored["run"].save(str(out_dir / f"{report['date']}-run-{set_name}-{name}.trec"), kind="trec")
        if len(runs) > 1:
            labeled = {q["qid"]: qrels[q["qid"]] for q in queries if qrels.get(q["qid"])}
            cmp = compare(Qrels(labeled), list(runs.values()), METRICS[:2], stat_test="student", max_p=0.05)
            report["significance"][set_name] = str(cmp)
    if out_dir is not None:
        write_report(report, out_dir)
    return report


def format_table(report: dict) -> str:
    cols = [
        "ndcg@10",
        "recall@10",
        "mrr@10",
        "ranked_ndcg@10",
        "ranked_recall@10",
        "refusal_accuracy",
        "set_precision",
        "schedule_exact",
        "latency_p50_ms",
    ]
    lines = []
    for set_name in report["sets"]:
        lines += [
            f"**{set_name}** ({report['sets'][set_name]} queries)",
            "",
            "| config | " + " | ".join(cols) + " | false refusals |",
            "|---" * (len(cols) + 2) + "|",
        ]
        for name, per_set in report["configs"].items():
            m = per_set[set_name]
            vals = [
                "n/a" if m[c] is None else (f"{m[c]:.1f}" if c == "latency_p50_ms" else f"{m[c]:.3f}") for c in cols
            ]
            lines.append(f"| {name} | " + " | ".join(vals) + f" | {len(m['false_refusals'])} |")
        types = sorted({t for per_set in report["configs"].values() for t in per_set[set_name]["by_type"]})
        lines += [
            "",
            f"nDCG@10 by query type ({set_name}):",
            "",
            "| config | " + " | ".join(types) + " |",
            "|---" * (len(types) + 1) + "|",
        ]
        for name, per_set in report["configs"].items():
            per = per_set[set_name]["by_type"]
            lines.append(f"| {name} | " + " | ".join(f"{per.get(t, float('nan')):.3f}" for t in types) + " |")
        lines.append("")
    return "\n".join(lines)


def publish(text: str, name: str) -> None:
    """Print a report and write it as eval/results/<name>."""
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / name).write_text(text)


def write_report(report: dict, out_dir: Path, stem_name: str = "retrieval") -> None:
    stem = out_dir / f"{report['date']}-{stem_name}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=1) + "\n")
    md = [
        f"# Retrieval evaluation, {report['date']}",
        "",
        "Command: `talks eval retrieval`. Sets: **heldout** (the headline: half of eval/data, never used for "
        "tuning), **tune** (the other half: every threshold, weight and calibration is fitted on it), "
        "**independent** (eval/data/independent: written from titles only, labeled afterwards, held out "
        "from all tuning). `ndcg@10`/`recall@10` score what search returns (ranked, labeled hits; nothing for "
        "a refused question); `ranked_*` score the ranked list before the refusal decision.",
        "",
        format_table(report),
        "",
    ]
    for name, per_set in report["configs"].items():
        for set_name, m in per_set.items():
            if m["false_refusals"]:
                md.append(f"- {name} / {set_name}: false refusals on {', '.join(m['false_refusals'])}")
            if m.get("schedule_inexact"):
                md.append(f"- {name} / {set_name}: schedule answers not exact on {', '.join(m['schedule_inexact'])}")
    for set_name, text in report.get("significance", {}).items():
        md += [
            "",
            f"Paired t-test on {set_name} (ranx.compare, p < 0.05; letters mark configs this one beats):",
            "",
            "```",
            text,
            "```",
        ]
    stem.with_suffix(".md").write_text("\n".join(md) + "\n")
