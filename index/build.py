"""Build an index folder from items, atomically: write to a temporary folder, then swap it in.

  <folder>/manifest.json      what it was built from (checked on load)
  <folder>/items.jsonl        the items, as indexed
  <folder>/passages.npy       unit-length passage vectors (float32, n_passages x dim)
  <folder>/passage_item.npy   the item row of each passage
  <folder>/sentences.npy      unit-length vectors of every abstract sentence (corpora up to 5,000 items;
  <folder>/sentence_item.npy  larger ones embed a hit's sentences when an answer first quotes it)
  <folder>/faiss.index        Faiss inner-product index over the passages
  <folder>/bm25/              bm25s index over item texts

One build of a folder at a time: a lock file (`.<folder>.lock`, fcntl) makes a second build wait,
saying so. Each build first removes what killed builds left behind (`.<folder>.tmp-PID` and
`.<folder>.old-PID` folders of processes that are gone). The manifest lists every file with its size
and checksum (index/manifest.py).
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from corpus.item import Item
from corpus.jsonl import write_items
from index import lexical
from index.cache import EmbeddingCache, pid_alive
from index.embedder import Embedder
from index.manifest import SCHEMA_VERSION, Manifest, corpus_hash, file_table, item_hash
from index.text import PASSAGE_PARAMS, bm25_text, passages, sentences

# The Faiss index by size (eval/results/bench-<date>.md "pyvideo scale", eval/results/scale-1m-<date>.md):
# - exact up to FLAT_MAX_PASSAGES, searched as one numpy product over the memory-mapped vectors (no Faiss
#   load): about 1 ms at 20k passages, but at pyvideo's 40k as much as a whole query encode;
# - HNSW up to HNSW_MAX_PASSAGES: at 50k synthetic passages 0.28 ms at recall@10 0.97 (efSearch 32), where
#   IVF-Flat needed 128 of 512 lists at pyvideo's 40k (1.5-2.5 ms); it inserts about 2,400 vectors/s on a
#   quiet 2-core machine (230/s on a busy one), so it stops where building it would take minutes;
# - IVF-Flat above, with about 2 sqrt(n) lists (at a million: 2 probes of 2048, 0.27 ms, against HNSW's
#   86-minute build on a busy machine).
# How far either searches depends on the vectors, so each build measures it: the smallest nprobe / efSearch
# whose recall@10 against exact search, for a sample of the corpus's own passages as queries, reaches
# RECALL_TARGET (recorded in the manifest).
# IVF-PQ (48-byte codes) topped out at recall 0.37; IVF-SQ8 matched IVF-Flat's speed at a quarter of the RAM
# with recall 0.974: the next step if RAM, not latency, becomes the limit.
FLAT_MAX_PASSAGES = 20_000
HNSW_MAX_PASSAGES = 200_000
APPROXIMATE = "auto"  # by size as above; or "IVF" / "HNSW" whatever the size
RECALL_TARGET = 0.95
IVF_NPROBE = 32  # what replicated real vectors needed at 1M (bench_scale reports it); builds tune their own
IVF_TRAIN_PER_LIST = 50  # k-means sample: this many vectors per list (at most the whole corpus)
HNSW_M, HNSW_EF_CONSTRUCTION = 32, 80
HNSW_EF_SEARCH = (16, 32, 64, 128, 256)  # tried in order at build time
SENTENCES_MAX_ITEMS = 5_000  # precompute sentence vectors (for quoting) up to this many items


@dataclass(frozen=True)
class BuildReport:
    folder: Path
    manifest: Manifest
    embedded: int  # passages and sentences embedded now (the rest came from the cache)
    seconds: float


def set_faiss_threads(n: int = 1) -> None:
    """Faiss's OpenMP threads. Serving searches one query at a time, which Faiss does not split across
    threads, while idle OpenMP workers spin and take a core from the ONNX Runtime encoder on a small
    machine: one thread to serve; all cores while building (HNSW insertion, IVF training)."""
    import faiss

    faiss.omp_set_num_threads(max(1, n))


def ivf_lists(n: int) -> int:
    """Inverted lists for n vectors: the power of two nearest 2 sqrt(n) (2048 at a million)."""
    return int(2 ** round(np.log2(2 * np.sqrt(max(n, 1)))))


def tune_search(index, vectors: np.ndarray, apply, settings, k: int = 10, n_queries: int = 200) -> tuple[int, float]:
    """The first of `settings` (increasing: nprobe or efSearch) whose recall@k against exact search reaches
    RECALL_TARGET, applied with `apply`; (setting, recall). The last setting when none does. The queries are a
    sample of the indexed passages moved off themselves (cosine 0.6 to where they were), as a question lands
    near its passages but not on one: a graph walk finds a stored vector itself too easily."""
    import faiss

    n, dim = vectors.shape
    rng = np.random.default_rng(1)
    rows = rng.choice(n, size=min(n, n_queries), replace=False)
    base = np.asarray(vectors[rows], dtype=np.float32)
    noise = rng.normal(size=base.shape).astype(np.float32)
    noise -= (noise * base).sum(axis=1, keepdims=True) * base  # orthogonal to each passage
    noise /= np.linalg.norm(noise, axis=1, keepdims=True) + 1e-12
    queries = base * 0.6 + noise * 0.8  # unit length, cosine 0.6 with its passage (a question and its answer)
    queries = np.ascontiguousarray(queries / np.linalg.norm(queries, axis=1, keepdims=True))
    truth = faiss.knn(queries, vectors, k, metric=faiss.METRIC_INNER_PRODUCT)[1]

    def recall() -> float:
        ids = index.search(queries, k)[1]
        return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(ids, truth)]))

    for setting in settings:
        apply(setting)
        measured = recall()
        if measured >= RECALL_TARGET or setting == settings[-1]:
            return setting, measured
    raise ValueError("no settings to try")


def tune_nprobe(index, vectors: np.ndarray, nlist: int, k: int = 10, n_queries: int = 200) -> tuple[int, float]:
    """The smallest power-of-two nprobe reaching RECALL_TARGET (tune_search); (nprobe, recall)."""
    import faiss

    ivf = faiss.extract_index_ivf(index)
    probes = sorted({min(2**i, nlist) for i in range(int(np.log2(max(nlist, 1))) + 2)})

    def apply(p):
        ivf.nprobe = p

    return tune_search(index, vectors, apply, probes, k, n_queries)


def faiss_index(
    vectors: np.ndarray,
    flat_max: int = FLAT_MAX_PASSAGES,
    approximate: str = APPROXIMATE,
    hnsw_max: int | None = None,
):
    import faiss

    n, dim = vectors.shape
    hnsw_max = HNSW_MAX_PASSAGES if hnsw_max is None else hnsw_max
    if approximate == "auto":
        approximate = "HNSW" if n <= hnsw_max else "IVF"
    if n <= flat_max:
        index, params = faiss.IndexFlatIP(dim), {"type": "IndexFlatIP", "exact": True}
    elif approximate == "IVF":
        nlist = min(ivf_lists(n), max(1, n // 39))
        index = faiss.index_factory(dim, f"IVF{nlist},Flat", faiss.METRIC_INNER_PRODUCT)
        ivf = faiss.extract_index_ivf(index)
        ivf.cp.niter, ivf.cp.spherical, ivf.cp.seed = 10, True, 1234
        sample = np.random.default_rng(0).choice(n, size=min(n, IVF_TRAIN_PER_LIST * nlist), replace=False)
        index.train(vectors[np.sort(sample)])
        index.add(vectors)
        ivf.nprobe, measured = tune_nprobe(index, vectors, nlist)
        params = {
            "type": "IndexIVFFlat",
            "exact": False,
            "nlist": nlist,
            "nprobe": ivf.nprobe,
            "recall_at_10": round(measured, 4),
            "recall_target": RECALL_TARGET,
        }
        params["flat_max_passages"] = flat_max
        return index, params
    elif approximate == "HNSW":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.add(vectors)

        def apply(ef):
            index.hnsw.efSearch = ef

        ef, measured = tune_search(index, vectors, apply, HNSW_EF_SEARCH)
        params = {
            "type": "IndexHNSWFlat",
            "exact": False,
            "M": HNSW_M,
            "efConstruction": HNSW_EF_CONSTRUCTION,
            "efSearch": ef,
            "recall_at_10": round(measured, 4),
            "recall_target": RECALL_TARGET,
            "flat_max_passages": flat_max,
        }
        return index, params
    else:
        raise ValueError(f"unknown approximate index {approximate!r}; valid: auto, IVF, HNSW")
    index.add(vectors)
    params["flat_max_passages"] = flat_max
    return index, params


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("numpy", "faiss-cpu", "bm25s", "sentence-transformers", "torch", "onnxruntime"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def build_index(
    items: list[Item],
    folder: Path,
    embedder: Embedder,
    cache_dir: Path | None = None,
    corpus_file: str = "",
    progress: bool = False,
    flat_max: int = FLAT_MAX_PASSAGES,
) -> BuildReport:
    folder = Path(folder)
    with build_lock(folder):
        remove_leftovers(folder)
        return _build(items, folder, embedder, cache_dir, corpus_file, progress, flat_max)


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove `.NAME.tmp-PID` / `.NAME.old-PID` (and the Ray build's `.NAME.shards-PID`) folders of builds
    whose process is gone; returns them."""
    folder = Path(folder)
    pattern = re.compile(rf"\.{re.escape(folder.name)}\.(?:tmp|old|shards)-(\d+)\Z")
    removed = []
    if folder.parent.is_dir():
        for path in folder.parent.iterdir():
            m = pattern.match(path.name)
            if m and int(m.group(1)) != os.getpid() and not pid_alive(int(m.group(1))):
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
                removed.append(path)
    return removed


@contextmanager
def build_lock(folder: Path):
    """Hold `.NAME.lock` next to the folder for the whole build; a second build waits for the first."""
    import fcntl

    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"talks: another build of {folder} is running; waiting for it to finish ...", file=sys.stderr)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass(frozen=True)
class EmbedInputs:
    """What an index embeds, in index order: passages, and abstract sentences for corpora up to
    SENTENCES_MAX_ITEMS items, each with the row of its item. The local and the Ray build share it."""

    passages: list[str]
    passage_item: list[int]
    sentences: list[str]
    sentence_item: list[int]


def embed_inputs(items: list[Item]) -> EmbedInputs:
    texts, owner, sent_texts, sent_owner = [], [], [], []
    for row, item in enumerate(items):
        for p in passages(item):
            texts.append(p)
            owner.append(row)
    if len(items) <= SENTENCES_MAX_ITEMS:
        for row, item in enumerate(items):
            for sent in sentences(item):
                sent_texts.append(sent)
                sent_owner.append(row)
    return EmbedInputs(texts, owner, sent_texts, sent_owner)


def _build(
    items: list[Item],
    folder: Path,
    embedder: Embedder,
    cache_dir: Path | None,
    corpus_file: str,
    progress: bool,
    flat_max: int,
) -> BuildReport:
    t0 = time.perf_counter()
    inputs = embed_inputs(items)
    cache = EmbeddingCache(cache_dir or folder.parent / "embedding-cache", embedder.name, embedder.dim)
    # passages and abstract sentences in one encode: the encoder batches texts of a like length together
    both, embedded = cache.embed(inputs.passages + inputs.sentences, embedder.encode_documents, progress=progress)
    vectors = both[: len(inputs.passages)]
    sent_vectors = both[len(inputs.passages) :] if inputs.sentences else None
    cache.save()
    manifest = assemble(items, folder, embedder, inputs, vectors, sent_vectors, corpus_file, flat_max)
    return BuildReport(folder, manifest, embedded, time.perf_counter() - t0)


def assemble(
    items: list[Item],
    folder: Path,
    embedder: Embedder,
    inputs: EmbedInputs,
    vectors: np.ndarray,
    sent_vectors: np.ndarray | None,
    corpus_file: str = "",
    flat_max: int = FLAT_MAX_PASSAGES,
) -> Manifest:
    """Write the index folder from vectors already computed (rows in `inputs` order): items, vectors, Faiss,
    BM25 and the manifest go to a temporary folder that is then swapped in. `embedder` only names what
    made the vectors (name, dim, backend, export_hash). The caller holds build_lock(folder)."""
    import faiss

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        write_items(tmp / "items.jsonl", items)
        np.save(tmp / "passages.npy", vectors)
        np.save(tmp / "passage_item.npy", np.asarray(inputs.passage_item, dtype=np.int32))
        if inputs.sentences:
            np.save(tmp / "sentences.npy", sent_vectors)
            np.save(tmp / "sentence_item.npy", np.asarray(inputs.sentence_item, dtype=np.int32))
        set_faiss_threads(os.cpu_count() or 1)
        try:
            index, fparams = faiss_index(vectors, flat_max)
        finally:
            set_faiss_threads(1)
        faiss.write_index(index, str(tmp / "faiss.index"))
        lexical.build([bm25_text(i) for i in items], tmp / "bm25")
        manifest = Manifest(
            schema_version=SCHEMA_VERSION,
            model=embedder.name,
            dim=embedder.dim,
            normalized=True,
            corpus_file=corpus_file,
            corpus_hash=corpus_hash(items),
            n_items=len(items),
            n_passages=len(inputs.passages),
            n_sentences=len(inputs.sentences),
            passages=dict(PASSAGE_PARAMS),
            faiss=fparams,
            bm25=dict(lexical.BM25_PARAMS),
            versions=_versions(),
            created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            item_hashes={i.id: item_hash(i) for i in items},
            files=file_table(tmp),
            embed_backend=getattr(embedder, "backend", ""),
            embed_export_hash=getattr(embedder, "export_hash", ""),
        )
        manifest.write(tmp)
        _swap_in(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _swap_in(tmp: Path, folder: Path) -> None:
    """Replace folder with tmp; the old index stays whole until the new one is in place."""
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    if folder.exists():
        os.rename(folder, old)
    try:
        os.rename(tmp, folder)
    except BaseException:
        if old.exists():
            os.rename(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)
