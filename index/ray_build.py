"""The index build with the embedding spread over a Ray cluster (Ray Data), for corpora past one machine.

    items --(from_items)--> split into passages (index/text.py, as the local build) --> drop the ones whose
    text key is in the embedding cache --> map_batches over a pool of embedder actors --> Parquet shards
    (key, vector) in `.<folder>.shards-PID/` --> driver: shards into the embedding cache --> the local
    build's own assembly (index/build.py assemble: Faiss, BM25, manifest, atomic swap)

The folder and manifest are the ones `build_index` writes: the same split, the same embedder, the same
assembly; only who computes the missing vectors differs. Ray retries a task whose actor died (an actor is
restarted up to ACTOR_RESTARTS times); past that the build stops with RayBuildError and the index folder
is left as it was. Ray is imported only here, and only when a build runs.

On a cluster (`address` given: run the build on one of its nodes, e.g. `--ray auto` on the head node) the
shards are written by tasks pinned to the driver's node, so no shared storage is needed; the project's
`corpus` and `index` packages travel to the workers with the job (runtime_env py_modules); the model
package and onnxruntime must be installed on the nodes.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from corpus.item import Item
from index.build import (
    FLAT_MAX_PASSAGES,
    SENTENCES_MAX_ITEMS,
    BuildReport,
    assemble,
    build_lock,
    embed_inputs,
    remove_leftovers,
)
from index.cache import EmbeddingCache, text_key
from index.embedder import Embedder, HashingEmbedder, get_embedder
from index.text import passages, sentences

# Defaults (the CLI's --ray-actors / --ray-batch-size)
BATCH_SIZE = 256  # passages per actor call: one retry unit; the embedder sorts it by length inside
THREADS_PER_ACTOR = 1  # CPUs (and ONNX Runtime / torch threads) per embedder actor; actors default to CPUs / this
ACTOR_RESTARTS = 3  # an actor that dies is restarted, and its batch retried, this many times, then the build fails


class RayBuildError(RuntimeError):
    """A Ray build that could not finish; the index folder was not touched."""


@dataclass(frozen=True)
class EmbeddedBy:
    """What made the vectors, as the manifest records it (the fields assemble reads of an embedder)."""

    name: str
    dim: int
    backend: str = ""
    export_hash: str = ""

    @classmethod
    def of(cls, embedder) -> EmbeddedBy:
        return cls(
            embedder.name, int(embedder.dim), getattr(embedder, "backend", ""), getattr(embedder, "export_hash", "")
        )

    @property
    def tag(self) -> str:
        return f"{self.name}|{self.backend}|{self.export_hash}"


def minilm_factory(
    model: str, models_dir: Path | None, backend: str = "auto", threads: int = THREADS_PER_ACTOR
) -> Callable[[], Embedder]:
    """A picklable way for an actor to make the embedder `get_embedder(model, models_dir, backend)` gives,
    with `threads` threads. "auto" is resolved on the driver first (which makes the checked ONNX export
    once, before any actor starts), so every actor runs the backend the driver would."""
    if backend == "auto" and model != HashingEmbedder.name:
        backend = get_embedder(model, models_dir, backend).backend  # loads, and exports if needed, once
    return partial(_make_embedder, model, str(models_dir) if models_dir else None, backend, threads)


def _make_embedder(model: str, models_dir: str | None, backend: str, threads: int) -> Embedder:
    embedder = get_embedder(model, Path(models_dir) if models_dir else None, backend)
    if backend == "onnxruntime":
        embedder.threads = threads  # OnnxMiniLMEmbedder reads it when its session is made (first use)
    elif backend == "sentence-transformers":
        import torch

        torch.set_num_threads(threads)
    return embedder


class _Split:
    """Item rows -> the passage (and sentence) rows whose vectors are not cached yet."""

    def __init__(self, model: str, cached: frozenset, with_sentences: bool):
        self.model, self.cached, self.with_sentences = model, cached, with_sentences

    def __call__(self, row: dict) -> list[dict]:
        import json

        item = Item.from_dict(json.loads(row["item"]))
        texts = passages(item) + (sentences(item) if self.with_sentences else [])
        out = []
        for text in texts:
            key = text_key(self.model, text)
            if key not in self.cached:
                out.append({"key": key, "text": text})
        return out


class _EmbedActor:
    """One embedder per actor, loaded once; a batch of (key, text) -> (key, vector, by)."""

    def __init__(self, make_embedder: Callable[[], Embedder]):
        self.embedder = make_embedder()
        self.embedder.encode_documents(["warm up"])  # load the model now, not inside the first batch
        self.by = EmbeddedBy.of(self.embedder).tag

    def __call__(self, batch):
        import pyarrow as pa

        keys = batch.column("key")
        vecs = np.asarray(self.embedder.encode_documents(batch.column("text").to_pylist()), dtype=np.float32)
        flat = pa.array(np.ascontiguousarray(vecs).reshape(-1))
        return pa.table(
            {
                "key": keys,
                "vector": pa.FixedSizeListArray.from_arrays(flat, vecs.shape[1]),
                "by": pa.array([self.by] * len(vecs)),
            }
        )


def default_actors(threads: int = THREADS_PER_ACTOR) -> int:
    """One actor per `threads` CPUs of the cluster Ray is connected to."""
    import ray

    return max(1, int(ray.cluster_resources().get("CPU", 1)) // max(1, threads))


def build_index_ray(
    items: list[Item],
    folder: Path,
    make_embedder: Callable[[], Embedder],
    cache_dir: Path | None = None,
    corpus_file: str = "",
    progress: bool = False,
    address: str | None = None,
    actors: int | None = None,
    batch_size: int = BATCH_SIZE,
    threads: int = THREADS_PER_ACTOR,
    shards_dir: Path | None = None,
    flat_max: int = FLAT_MAX_PASSAGES,
) -> BuildReport:
    """build_index, with the missing vectors computed by `actors` Ray actors that each call
    `make_embedder()` (picklable: an embedder class, or minilm_factory(...)). Uses the Ray instance this
    process is connected to; else connects to `address`, or starts a local one ("local" or None)."""
    import ray

    if actors is not None and actors < 1:
        raise ValueError(f"actors must be at least 1, got {actors}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    folder = Path(folder)
    started = False
    if not ray.is_initialized():
        _init_ray(address)
        started = True
    try:
        with build_lock(folder):
            remove_leftovers(folder)
            return _build(
                items,
                folder,
                make_embedder,
                cache_dir,
                corpus_file,
                progress,
                actors,
                batch_size,
                threads,
                shards_dir,
                flat_max,
            )
    finally:
        if started:
            ray.shutdown()


def _init_ray(address: str | None) -> None:
    import ray

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    local = address in (None, "", "local")
    if local:
        ray.init(
            num_cpus=os.cpu_count() or 1,
            include_dashboard=False,
            logging_level="WARNING",
            runtime_env=runtime_env(local=True),
        )
    else:
        ray.init(address=address, logging_level="WARNING", runtime_env=runtime_env(local=False))


def runtime_env(local: bool = True) -> dict:
    """The job's runtime_env, so workers import the `corpus` and `index` code the driver runs: on this
    machine, its folder first on PYTHONPATH; on a cluster, both packages uploaded with the job. Pass it to
    `ray.init` when starting Ray yourself before build_index_ray."""
    import corpus
    import index

    packages = [Path(corpus.__file__).parent, Path(index.__file__).parent]
    if local:
        path = os.pathsep.join(dict.fromkeys([str(packages[0].parent)] + sys.path[1:]))
        return {"env_vars": {"PYTHONPATH": path}}
    return {"py_modules": [str(p) for p in packages], "excludes": ["__pycache__"]}


def _build(
    items, folder, make_embedder, cache_dir, corpus_file, progress, actors, batch_size, threads, shards_dir, flat_max
) -> BuildReport:
    t0 = time.perf_counter()
    driver = make_embedder()
    by = EmbeddedBy(driver.name, int(driver.dim))  # backend and export hash: as the actors report them
    inputs = embed_inputs(items)
    cache = EmbeddingCache(cache_dir or folder.parent / "embedding-cache", by.name, by.dim)
    wanted = {text_key(by.name, t) for t in inputs.passages + inputs.sentences}
    cached = frozenset(k for k in wanted if k in cache)
    missing = len(wanted) - len(cached)
    if missing:
        shards = Path(shards_dir) if shards_dir else folder.parent / f".{folder.name}.shards-{os.getpid()}"
        shutil.rmtree(shards, ignore_errors=True)
        try:
            try:
                _embed_on_ray(
                    items, make_embedder, by.name, cached, missing, shards, progress, actors, batch_size, threads
                )
            except BaseException as exc:  # a failure inside Ray, or Ctrl-C: keep what the shards hold
                kept = _fill_cache(cache, inputs, _read_shards(shards, by, strict=False)[0])
                if not isinstance(exc, Exception):
                    print(
                        f"talks: interrupted; {kept} of {missing} new vectors were kept in the embedding cache",
                        file=sys.stderr,
                    )
                    raise
                raise RayBuildError(
                    f"the Ray embedding run failed ({type(exc).__name__}: {str(exc)[:500]}); the index at {folder} "
                    f"was not changed. {kept} of {missing} new vectors were kept in the embedding cache: rerun "
                    "`talks index build --ray` to embed the rest."
                ) from exc
            got, by = _read_shards(shards, by, strict=True)
        finally:
            shutil.rmtree(shards, ignore_errors=True)
        if lost := (set(wanted) - cached) - got.keys():
            _fill_cache(cache, inputs, got)
            raise RayBuildError(
                f"the Ray embedding run returned no vector for {len(lost)} of {missing} texts; "
                f"the index at {folder} was not changed."
            )
        _fill_cache(cache, inputs, got)
    else:
        by = EmbeddedBy.of(driver)
    vectors, _ = cache.embed(inputs.passages, _refuse)
    sent_vectors = cache.embed(inputs.sentences, _refuse)[0] if inputs.sentences else None
    manifest = assemble(items, folder, by, inputs, vectors, sent_vectors, corpus_file, flat_max)
    return BuildReport(folder, manifest, missing, time.perf_counter() - t0)


def _embed_on_ray(items, make_embedder, model, cached, missing, shards, progress, actors, batch_size, threads):
    """The Ray Data pipeline: item rows -> uncached passages -> embedder actors -> Parquet shards."""
    import json

    import ray
    import ray.data
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = progress
    ctx.print_on_execution_start = progress
    n_actors = actors or default_actors(threads)
    rows = [{"item": json.dumps(item.to_dict(), ensure_ascii=False)} for item in items]
    # About one actor call per input block, and a few blocks per actor at least, to share out.
    blocks = min(len(rows), max(4 * n_actors, -(-missing // batch_size)))
    ds = ray.data.from_items(rows, override_num_blocks=max(1, blocks))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*deprecated")  # restarts have no named form
        # The split and the writes are light: no CPU reserved for them (the actors hold every CPU), one task
        # at a time; a CPU each would leave none for the actors on a small machine, and the run would stall.
        ds = ds.flat_map(
            _Split(model, cached, len(items) <= SENTENCES_MAX_ITEMS),
            num_cpus=0,
            compute=ray.data.TaskPoolStrategy(size=1),
        )
        ds = ds.map_batches(
            _EmbedActor,
            fn_constructor_args=(make_embedder,),
            batch_size=batch_size,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=n_actors),
            num_cpus=threads,
            max_restarts=ACTOR_RESTARTS,
            max_task_retries=ACTOR_RESTARTS,
        )
        if progress:
            print(
                f"talks: embedding {missing} passages and sentences on {n_actors} Ray actor(s) "
                f"({threads} CPU each, batches of {batch_size}) ...",
                file=sys.stderr,
            )
        # The shards are written on the driver's node (its disk, where assemble reads them): no shared storage
        # needed on a cluster, the vectors travel through Ray's object store.
        here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
        ds.write_parquet(str(shards), ray_remote_args={"num_cpus": 0, "scheduling_strategy": here}, concurrency=1)


def _read_shards(shards: Path, by: EmbeddedBy, strict: bool) -> tuple[dict[str, np.ndarray], EmbeddedBy]:
    """{key: vector} from the Parquet shards, and what made them. Refuses vectors made by another model or
    backend. Not strict (after a failed run): what can be read of the shards written so far, else nothing."""
    import pyarrow.parquet as pq

    got, tags = {}, set()
    files = sorted(shards.glob("*.parquet")) if shards.is_dir() else []
    for path in files:
        try:
            table = pq.read_table(str(path), columns=["key", "vector", "by"])
        except Exception:
            if strict:
                raise
            continue
        tags.update(table.column("by").unique().to_pylist())
        keys = table.column("key").to_pylist()
        flat = table.column("vector").combine_chunks().flatten().to_numpy(zero_copy_only=False)
        got.update(zip(keys, np.asarray(flat, dtype=np.float32).reshape(len(keys), by.dim)))
    if len(tags) > 1:
        raise RayBuildError(
            f"the Ray actors embedded with different models or backends: {sorted(tags)}; "
            "install the same versions on every node"
        )
    if not tags:
        return got, by
    name, backend, export_hash = next(iter(tags)).split("|")
    if name != by.name:
        raise RayBuildError(f"the Ray actors embedded with {name!r}, the driver expected {by.name!r}")
    return got, EmbeddedBy(by.name, by.dim, backend, export_hash)


def _fill_cache(cache: EmbeddingCache, inputs, got: dict[str, np.ndarray]) -> int:
    """Put the new vectors in the embedding cache (through its public embed) and save it; returns how many."""

    def lookup(texts, progress=False):
        return np.stack([got[text_key(cache.model, t)] for t in texts])

    texts = [t for t in dict.fromkeys(inputs.passages + inputs.sentences) if text_key(cache.model, t) in got]
    _, added = cache.embed(texts, lookup)
    cache.save()
    return added


def _refuse(texts, progress=False):
    raise RayBuildError(
        f"{len(texts)} texts have no vector after the Ray run (the embedding cache changed during the build?)"
    )
