"""Measurements behind eval/results/scale-out.md: embedding throughput per core, locally and through Ray, and
the driver's assembly cost (index/build.py assemble) on synthetic corpora.

    python -m eval.bench_ray embed --corpus data.jsonl [--passages 400]
    python -m eval.bench_ray assemble --n 100000 [--hnsw-n 100000]

Both print one JSON object. CPU seconds are reported next to wall seconds: on a shared machine the wall clock
says more about the neighbours than about the code, CPU seconds per passage do not.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")


class TimedEmbedder:
    """Wraps an embedder; each encode_documents call appends (texts, wall s, process CPU s, pid) to a log."""

    def __init__(self, inner, log: str):
        self.inner, self.log = inner, log
        self.name, self.dim = inner.name, inner.dim

    @property
    def backend(self):
        return self.inner.backend

    @property
    def export_hash(self):
        return self.inner.export_hash

    def encode_queries(self, texts):
        return self.inner.encode_queries(texts)

    def encode_documents(self, texts, progress=False):
        w, c = time.perf_counter(), time.process_time()
        out = self.inner.encode_documents(texts, progress)
        with open(self.log, "a") as fh:
            fh.write(json.dumps([len(texts), time.perf_counter() - w, time.process_time() - c, os.getpid()]) + "\n")
        return out


class TimedOnnx:
    """Picklable factory: a 1-thread ONNX MiniLM embedder that logs its calls (for the Ray actors)."""

    def __init__(self, models_dir: str, log: str, threads: int = 1):
        self.models_dir, self.log, self.threads = models_dir, log, threads

    def __call__(self):
        from index.onnx_embedder import OnnxMiniLMEmbedder

        return TimedEmbedder(OnnxMiniLMEmbedder(Path(self.models_dir), threads=self.threads), self.log)


def _log_totals(log: Path) -> dict:
    rows = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    rows = [r for r in rows if r[0] > 1]  # not the warm-up call
    n, wall, cpu = sum(r[0] for r in rows), sum(r[1] for r in rows), sum(r[2] for r in rows)
    return {
        "passages": n,
        "encode_wall_s": round(wall, 2),
        "encode_cpu_s": round(cpu, 2),
        "passages_per_cpu_s": round(n / cpu, 2) if cpu else None,
        "actors": len({r[3] for r in rows}),
    }


def bench_embed(corpus: Path, n_passages: int, models_dir: Path, actors: list[int]) -> dict:
    import ray

    from corpus.jsonl import load_items
    from index.build import embed_inputs
    from index.onnx_embedder import OnnxMiniLMEmbedder, ensure_exported
    from index.ray_build import build_index_ray, runtime_env
    from index.text import passages, sentences

    ensure_exported(models_dir)
    items, count = [], 0
    for item in load_items(corpus):  # the first items with an abstract whose texts add up to n_passages
        if item.abstract:
            items.append(item)
            count += len(passages(item)) + len(sentences(item))
        if count >= n_passages:
            break
    inputs = embed_inputs(items)  # what a build embeds: passages, and sentences below 5,000 items
    texts = list(dict.fromkeys(inputs.passages + inputs.sentences))
    out = {"texts": len(texts), "items": len(items), "cpus": os.cpu_count(), "load_avg": os.getloadavg()}
    work = Path(tempfile.mkdtemp(prefix="bench-ray-"))
    try:
        emb = OnnxMiniLMEmbedder(models_dir, threads=1)
        emb.encode_documents(["warm up"])
        w, c = time.perf_counter(), time.process_time()
        emb.encode_documents(texts)
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        out["local_1_thread"] = {
            "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "passages_per_s": round(len(texts) / wall, 2),
            "passages_per_cpu_s": round(len(texts) / cpu, 2),
        }
        t = time.perf_counter()
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, logging_level="WARNING", runtime_env=runtime_env())
        out["ray_init_s"] = round(time.perf_counter() - t, 2)
        for n in actors:
            log = work / f"ray-{n}.log"
            t = time.perf_counter()
            build_index_ray(
                items, work / f"idx-{n}", TimedOnnx(str(models_dir), str(log)), cache_dir=work / f"cache-{n}", actors=n
            )
            out[f"ray_{n}_actors"] = {"build_wall_s": round(time.perf_counter() - t, 2), **_log_totals(log)}
            out[f"ray_{n}_actors"]["passages_per_s_build"] = round(len(texts) / (time.perf_counter() - t), 2)
        ray.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def synthetic(n: int, seed: int = 7):
    """n items with ~90-word abstracts from a Zipf vocabulary, and n unit 384-d vectors (one passage each)."""
    from corpus.item import Item

    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(50_000)])
    ranks = np.minimum(rng.zipf(1.2, size=(n, 90)) - 1, len(vocab) - 1)
    items = [
        Item(id=f"s{i}", kind="talk", title=" ".join(vocab[ranks[i, :6]]), abstract=" ".join(vocab[ranks[i]]))
        for i in range(n)
    ]
    vecs = rng.standard_normal((n, 384), dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return items, vecs


def _timed(fn):
    w, c = time.perf_counter(), time.process_time()
    result = fn()
    return result, {"wall_s": round(time.perf_counter() - w, 2), "cpu_s": round(time.process_time() - c, 2)}


def bench_assemble(n: int, hnsw_n: int, ivf_nlist: int, pq_m: int, total: bool = True) -> dict:
    import faiss

    from index import lexical
    from index.build import HNSW_EF_CONSTRUCTION, HNSW_M, EmbedInputs, assemble
    from index.embedder import HashingEmbedder
    from index.manifest import file_table
    from index.text import bm25_text

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    out = {"n": n, "cpus": os.cpu_count(), "load_avg": os.getloadavg()}
    (items, vecs), out["synthetic"] = _timed(lambda: synthetic(n))
    work = Path(tempfile.mkdtemp(prefix="bench-assemble-"))
    try:
        _, out["faiss_flat_add"] = _timed(lambda: faiss.IndexFlatIP(384).add(vecs))

        def hnsw():
            index = faiss.IndexHNSWFlat(384, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.add(vecs[:hnsw_n])
            return index

        hidx, out[f"faiss_hnsw_add_{hnsw_n}"] = _timed(hnsw)
        faiss.write_index(hidx, str(work / "hnsw.index"))
        out["hnsw_bytes_per_vector"] = round((work / "hnsw.index").stat().st_size / hnsw_n, 1)
        hidx = None

        def ivfpq():
            q = faiss.IndexFlatIP(384)
            index = faiss.IndexIVFPQ(q, 384, ivf_nlist, pq_m, 8, faiss.METRIC_INNER_PRODUCT)
            index.train(vecs[: min(n, 64 * ivf_nlist)])
            return index

        iidx, out[f"faiss_ivf{ivf_nlist}_pq{pq_m}_train"] = _timed(ivfpq)
        _, out[f"faiss_ivf{ivf_nlist}_pq{pq_m}_add"] = _timed(lambda: iidx.add(vecs))
        faiss.write_index(iidx, str(work / "ivfpq.index"))
        out["ivfpq_bytes_per_vector"] = round((work / "ivfpq.index").stat().st_size / n, 1)
        iidx = None

        texts, out["bm25_texts"] = _timed(lambda: [bm25_text(i) for i in items])
        tokens, out["bm25_tokenize"] = _timed(lambda: lexical.tokenize(texts))
        bm25s = lexical._bm25s()

        def bm25_index():
            r = bm25s.BM25(method="lucene", k1=1.5, b=0.75)
            r.index(tokens, show_progress=False)
            r.save(str(work / "bm25"))

        _, out["bm25_index_save"] = _timed(bm25_index)
        out["bm25_bytes"] = sum(p.stat().st_size for p in (work / "bm25").rglob("*") if p.is_file())
        tokens = texts = None

        _, out["save_vectors"] = _timed(lambda: np.save(work / "passages.npy", vecs))
        _, out["sha256_vectors"] = _timed(lambda: file_table(work))
        (work / "passages.npy").unlink()
        if total:  # the whole driver assembly, as the builds run it (exact index: HNSW timed above)
            inputs = EmbedInputs([""] * n, list(range(n)), [], [])
            emb = HashingEmbedder(dim=384)
            _, out["assemble_flat_total"] = _timed(
                lambda: assemble(items, work / "idx", emb, inputs, vecs, None, flat_max=n)
            )
            out["index_folder_bytes"] = sum(p.stat().st_size for p in (work / "idx").rglob("*") if p.is_file())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.bench_ray", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="what", required=True)
    e = sub.add_parser("embed")
    e.add_argument("--corpus", required=True, type=Path)
    e.add_argument("--passages", type=int, default=400)
    e.add_argument("--models-dir", type=Path, default=Path("data/models"))
    e.add_argument("--actors", default="1,2")
    a = sub.add_parser("assemble")
    a.add_argument("--n", type=int, default=100_000)
    a.add_argument("--hnsw-n", type=int, default=100_000)
    a.add_argument("--nlist", type=int, default=1024)
    a.add_argument("--pq-m", type=int, default=48)
    a.add_argument("--no-total", action="store_true", help="skip the whole assemble() run (it repeats BM25)")
    args = p.parse_args(argv)
    if args.what == "embed":
        out = bench_embed(args.corpus, args.passages, args.models_dir, [int(x) for x in args.actors.split(",")])
    else:
        out = bench_assemble(args.n, args.hnsw_n, args.nlist, args.pq_m, not args.no_total)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
