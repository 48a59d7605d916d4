"""A million passages: exact vs HNSW vs IVF(-SQ8/-PQ) on synthetic 384-d clustered unit vectors.

    python -m eval.bench_scale [--n 1000000] [--hnsw-n 50000] [--out FILE]

Vectors: `clustered(n)`, unit length, drawn around topic centers plus a shared direction, so that like
MiniLM passage vectors they all lean one way (mean cosine about 0.1) and a query's nearest neighbours
sit well above the rest. Queries are fresh draws from the same distribution, not database rows.
Ground truth is exact inner-product top 10 (IndexFlatIP, batched). Each index is timed as it is served:
one query at a time, one Faiss thread; built with all cores. For each approximate index the smallest
search setting (nprobe, efSearch) reaching recall@10 >= TARGET_RECALL is picked and its p50/p95 reported,
with build time, RAM (resident growth when the saved index is read back) and size on disk.

HNSW insertion runs at a few hundred vectors/s on a busy 2-core machine (a million would take most of an
hour), so HNSW is built on `--hnsw-n` vectors and its build time for n is extrapolated (marked as such);
pass `--hnsw-n 1000000` to measure it for real. Bounded to a few minutes otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

DIM = 384
TOPICS = 2000
MIX = 3  # topics per passage, Dirichlet(ALPHA)-weighted: neighbours cross clusters
ALPHA = 0.4
SHARED, TOPIC, NOISE = 0.3, 0.6, 0.68  # weights of the shared direction, the topic mixture, the noise
TARGET_RECALL = 0.95
K = 10


def clustered(n: int, seed: int = 0, chunk: int = 100_000) -> np.ndarray:
    """n unit vectors (float32, n x DIM), each near a mixture of MIX of TOPICS topic centers, generated in chunks."""
    rng = np.random.default_rng(1234)  # the same topics for every draw
    shared = rng.normal(size=DIM)
    shared /= np.linalg.norm(shared)
    centers = rng.normal(size=(TOPICS, DIM))
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    rng = np.random.default_rng(seed)
    out = np.empty((n, DIM), dtype=np.float32)
    for s in range(0, n, chunk):
        m = min(chunk, n - s)
        topics = rng.integers(0, TOPICS, size=(m, MIX))
        weights = rng.dirichlet([ALPHA] * MIX, size=m)
        mix = np.einsum("mk,mkd->md", weights, centers[topics])
        mix /= np.linalg.norm(mix, axis=1, keepdims=True)
        x = SHARED * shared + TOPIC * mix + NOISE * rng.standard_normal((m, DIM)) / np.sqrt(DIM)
        out[s : s + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def recall(ids: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(a[a >= 0]) & set(b)) / len(b) for a, b in zip(ids, truth)]))


def timed_search(index, queries: np.ndarray, k: int = K) -> tuple[np.ndarray, list[float]]:
    ids, times = [], []
    for q in queries:
        t = time.perf_counter()
        _, i = index.search(q.reshape(1, -1), k)
        times.append((time.perf_counter() - t) * 1000)
        ids.append(i[0])
    return np.array(ids), times


_RSS = (
    "import sys, faiss\n"
    "def rss():\n"
    "    return int(open('/proc/self/statm').read().split()[1]) * 4096 / 2**20\n"
    "before = rss(); index = faiss.read_index(sys.argv[1]); print(rss() - before)"
)


def saved_size_and_ram(index, folder: Path, name: str) -> tuple[float, float]:
    """(MB on disk, MB of resident memory the saved index takes when a fresh process reads it back)."""
    import subprocess
    import sys

    import faiss

    path = folder / f"{name}.index"
    faiss.write_index(index, str(path))
    out = subprocess.run([sys.executable, "-c", _RSS, str(path)], capture_output=True, text=True, check=True)
    disk = path.stat().st_size / 2**20
    path.unlink()
    return disk, float(out.stdout.split()[-1])


def sweep(index, set_param, values, queries, truth):
    """The first value whose recall@10 reaches TARGET_RECALL (or the last one), with its numbers."""
    tried = []
    for v in values:
        set_param(v)
        timed_search(index, queries[:5])  # warm
        ids, times = timed_search(index, queries)
        r = recall(ids, truth)
        tried.append((v, r, statistics.median(times), float(np.percentile(times, 95))))
        if r >= TARGET_RECALL:
            break
    return tried


def run(
    n: int = 1_000_000,
    n_queries: int = 200,
    hnsw_n: int = 50_000,
    nlist: int | None = None,
    train_n: int = 100_000,
    skip: tuple[str, ...] = (),
) -> dict:
    """Build and time each index type on n clustered vectors; `skip` may hold "PQ" and "HNSW"."""
    import faiss

    t_all = time.perf_counter()
    cores = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="talks-scale-"))
    t = time.perf_counter()
    x = clustered(n, seed=0)
    queries = clustered(n_queries, seed=1)
    gen_s = time.perf_counter() - t
    nlist = nlist or 2 ** int(np.round(np.log2(2 * np.sqrt(n))))  # about 2 sqrt(n): 2048 lists at 1M
    rows = []

    # exact: ground truth in one batched call (all cores), then served one query at a time, one thread
    faiss.omp_set_num_threads(cores)
    flat = faiss.IndexFlatIP(DIM)
    t = time.perf_counter()
    flat.add(x)
    flat_build = time.perf_counter() - t
    sims, truth = flat.search(queries, K)
    stats = {
        "mean_cos": float((x[:2000] @ x[2000:4000].T).mean()),
        "top1_cos": float(sims[:, 0].mean()),
        "tenth_cos": float(sims[:, K - 1].mean()),
    }
    faiss.omp_set_num_threads(1)
    _, times = timed_search(flat, queries[:30])
    disk, ram = saved_size_and_ram(flat, tmp, "flat")
    rows.append(
        {
            "index": "IndexFlatIP (exact)",
            "setting": "-",
            "recall": 1.0,
            "p50": statistics.median(times),
            "p95": float(np.percentile(times, 95)),
            "build_s": flat_build,
            "ram_mb": ram,
            "disk_mb": disk,
            "n": n,
        }
    )
    del flat

    # IVF family: one coarse quantizer trained once, shared by Flat / SQ8 / PQ lists
    faiss.omp_set_num_threads(cores)
    sample = x[np.random.default_rng(2).choice(n, size=min(train_n, n), replace=False)]
    t = time.perf_counter()
    km = faiss.Kmeans(DIM, nlist, niter=10, spherical=True, seed=3, max_points_per_centroid=10_000)
    km.train(sample)
    train_s = time.perf_counter() - t
    quantizer = faiss.IndexFlatIP(DIM)
    quantizer.add(km.centroids)
    t = time.perf_counter()
    assign = np.ascontiguousarray(quantizer.search(x, 1)[1].ravel(), dtype=np.int64)  # shared by the three
    assign_s = time.perf_counter() - t
    nprobes = [1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256]
    from index.build import IVF_NPROBE

    for label, make, extra in (
        ("IndexIVFFlat", lambda q: faiss.IndexIVFFlat(q, DIM, nlist, faiss.METRIC_INNER_PRODUCT), ""),
        (
            "IndexIVFScalarQuantizer (SQ8)",
            lambda q: faiss.IndexIVFScalarQuantizer(
                q, DIM, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
            ),
            "",
        ),
        ("IndexIVFPQ (PQ48x8)", lambda q: faiss.IndexIVFPQ(q, DIM, nlist, 48, 8, faiss.METRIC_INNER_PRODUCT), ""),
    ):
        if "PQ" in skip and "PQ" in label:
            continue
        faiss.omp_set_num_threads(cores)
        index = make(quantizer)
        t = time.perf_counter()
        index.train(sample)  # the quantizer is already trained: this trains SQ / PQ codes only
        index.add_core(n, faiss.swig_ptr(x), None, faiss.swig_ptr(assign))
        build = train_s + assign_s + time.perf_counter() - t
        faiss.omp_set_num_threads(1)
        tried = sweep(index, lambda v, ix=index: setattr(ix, "nprobe", v), nprobes, queries, truth)
        v, r, p50, p95 = tried[-1]
        disk, ram = saved_size_and_ram(index, tmp, "ivf")
        rows.append(
            {
                "index": f"{label}, nlist {nlist}",
                "setting": f"nprobe {v}",
                "recall": r,
                "p50": p50,
                "p95": p95,
                "build_s": build,
                "ram_mb": ram,
                "disk_mb": disk,
                "n": n,
                "sweep": [(a, round(b, 3), round(c, 2)) for a, b, c, _ in tried],
                "note": extra,
            }
        )
        if (
            label == "IndexIVFFlat"
        ):  # also at IVF_NPROBE, the nprobe real MiniLM vectors needed at 1M (OFFLINE-STACK.md)
            index.nprobe = min(IVF_NPROBE, nlist)
            ids, times = timed_search(index, queries)
            rows.append(
                {
                    **rows[-1],
                    "index": f"{label}, nlist {nlist} (fixed nprobe: margin for real vectors)",
                    "setting": f"nprobe {index.nprobe}",
                    "recall": recall(ids, truth),
                    "p50": statistics.median(times),
                    "p95": float(np.percentile(times, 95)),
                    "sweep": None,
                }
            )
        del index

    # HNSW (index/build.py's parameters), on hnsw_n vectors; build time extrapolated to n when smaller
    from index.build import HNSW_EF_CONSTRUCTION, HNSW_M

    if "HNSW" in skip:
        faiss.omp_set_num_threads(1)
        return {
            "n": n,
            "queries": n_queries,
            "nlist": nlist,
            "train_n": len(sample),
            "gen_s": gen_s,
            "stats": stats,
            "rows": rows,
            "seconds": time.perf_counter() - t_all,
            "cores": cores,
        }

    m = min(hnsw_n, n)
    faiss.omp_set_num_threads(cores)
    sub = x[:m]
    sub_truth = truth if m == n else faiss.knn(queries, sub, K, metric=faiss.METRIC_INNER_PRODUCT)[1]
    hnsw = faiss.IndexHNSWFlat(DIM, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    t = time.perf_counter()
    hnsw.add(sub)
    build = time.perf_counter() - t
    faiss.omp_set_num_threads(1)
    tried = sweep(
        hnsw, lambda v: setattr(hnsw.hnsw, "efSearch", v), [16, 32, 48, 64, 96, 128, 192, 256, 384], queries, sub_truth
    )
    v, r, p50, p95 = tried[-1]
    disk, ram = saved_size_and_ram(hnsw, tmp, "hnsw")
    scale = n / m
    rows.append(
        {
            "index": f"IndexHNSWFlat, M {HNSW_M}, efConstruction {HNSW_EF_CONSTRUCTION}",
            "setting": f"efSearch {v}",
            "recall": r,
            "p50": p50,
            "p95": p95,
            "build_s": build * scale * (np.log(n) / np.log(m)),
            "ram_mb": ram * scale,
            "disk_mb": disk * scale,
            "n": m,
            "sweep": [(a, round(b, 3), round(c, 2)) for a, b, c, _ in tried],
            "note": ""
            if m == n
            else f"measured on {m:,} vectors: build rate {m / build:,.0f}/s; build, RAM and "
            f"disk scaled to {n:,} (build by n log n); latency and recall are at {m:,}",
        }
    )
    faiss.omp_set_num_threads(1)
    return {
        "n": n,
        "queries": n_queries,
        "nlist": nlist,
        "train_n": len(sample),
        "gen_s": gen_s,
        "stats": stats,
        "rows": rows,
        "seconds": time.perf_counter() - t_all,
        "cores": cores,
    }


def pick(result: dict) -> dict:
    """The index to serve n passages: the fastest p50 among those reaching the recall target."""
    ok = [r for r in result["rows"] if r["recall"] >= TARGET_RECALL and r["n"] == result["n"]]
    return min(ok, key=lambda r: r["p50"]) if ok else {}


def format_md(result: dict) -> list[str]:
    s = result["stats"]
    lines = [
        (
            f"{result['n']:,} synthetic passages, 384-d unit vectors around {TOPICS} topics (`eval/bench_scale.py`: "
            f"mean cosine between passages {s['mean_cos']:.3f}, a query's 1st / 10th neighbour {s['top1_cos']:.3f} / "
            f"{s['tenth_cos']:.3f}); {result['queries']} fresh queries; recall@10 against exact search; one query at a "
            f"time on one Faiss thread; built with {result['cores']} threads; IVF coarse quantizer: {result['nlist']} "
            f"lists, k-means on {result['train_n']:,} vectors (10 iterations, counted in each IVF build). "
            f"Whole section: {result['seconds']:.0f} s."
        ),
        "",
        "| index | setting (smallest reaching recall 0.95) | recall@10 | p50 ms | p95 ms | build s | RAM MB | disk MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        star = " *" if r["n"] != result["n"] else ""
        lines.append(
            f"| {r['index']} | {r['setting']} | {r['recall']:.3f}{star} | {r['p50']:.2f}{star} | {r['p95']:.2f}{star} | "
            f"{r['build_s']:.0f}{star} | {r['ram_mb']:.0f}{star} | {r['disk_mb']:.0f}{star} |"
        )
    lines.append("")
    for r in result["rows"]:
        if r.get("sweep"):
            lines.append(
                f"- {r['index']}: (setting, recall@10, p50 ms) tried: "
                + ", ".join(f"({a}, {b}, {c})" for a, b, c in r["sweep"])
            )
        if r.get("note"):
            lines.append(f"  * {r['note']}")
    best = pick(result)
    lines += [
        "",
        f"Pick at {result['n']:,}: **{best['index']}**, {best['setting']}: p50 {best['p50']:.2f} ms at recall@10 "
        f"{best['recall']:.3f} ({best['ram_mb']:.0f} MB RAM, {best['disk_mb']:.0f} MB on disk)."
        if best
        else f"No index measured at {result['n']:,} reached recall@10 {TARGET_RECALL}.",
        "",
    ]
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--hnsw-n", type=int, default=50_000)
    p.add_argument("--skip", nargs="*", default=[], choices=["PQ", "HNSW"], help="index types left out")
    p.add_argument("--out", help="also write the markdown here")
    args = p.parse_args()
    result = run(args.n, args.queries, args.hnsw_n, skip=tuple(args.skip))
    text = "\n".join(format_md(result))
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
