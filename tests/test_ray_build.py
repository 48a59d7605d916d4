"""The Ray build (index/ray_build.py) against the local one: the same vectors, the same hits, and a killed
actor that never leaves a half-written index. One local Ray instance (2 CPUs) for the whole module."""

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'talks[ray]'")

from assistant.search import Searcher  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from corpus import DEFAULT_CORPUS, load_items  # noqa: E402
from index import ray_build  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embedder import MINILM, HashingEmbedder, get_embedder  # noqa: E402
from index.ray_build import RayBuildError, build_index_ray, minilm_factory  # noqa: E402
from index.store import Index  # noqa: E402
from eval import PYVIDEO_ARCHIVE as ARCHIVE  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [json.loads(line)["query"] for line in (ROOT / "eval/data/queries.jsonl").read_text().splitlines() if line]
SLICE = 2000  # pyvideo items in the slice: every n-th item of the whole archive, in import order


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", runtime_env=ray_build.runtime_env())
    # classes defined here travel to the actors by value (this file is not importable on the workers)
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield
    ray.shutdown()


def same_index(a: Path, b: Path, embedder, items, tol=1e-5):
    """Both folders hold the same items, passage split, vectors (within tol) and hits for every labeled query."""
    ma, mb = (json.loads((f / "manifest.json").read_text()) for f in (a, b))
    for field in (
        "model",
        "dim",
        "corpus_hash",
        "n_items",
        "n_passages",
        "n_sentences",
        "passages",
        "faiss",
        "bm25",
        "embed_backend",
        "embed_export_hash",
    ):
        assert ma[field] == mb[field], field
    assert (a / "items.jsonl").read_bytes() == (b / "items.jsonl").read_bytes()
    assert (np.load(a / "passage_item.npy") == np.load(b / "passage_item.npy")).all()
    for name in ("passages.npy", "sentences.npy"):
        if (a / name).exists() or (b / name).exists():
            va, vb = np.load(a / name), np.load(b / name)
            assert va.shape == vb.shape and float(np.abs(va - vb).max()) <= tol, name
    settings = Settings(model=embedder.name)
    sa, sb = (Searcher(Index(f, embedder, items=items), settings) for f in (a, b))
    for q in QUERIES:
        ha, hb = sa.search(q).hits, sb.search(q).hits
        assert [h.item.id for h in ha] == [h.item.id for h in hb], q
        assert np.allclose([h.score for h in ha], [h.score for h in hb], atol=1e-4), q


def no_leftovers(parent: Path):
    return [p.name for p in parent.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")]


@pytest.mark.model
def test_atscale_with_the_real_model_equals_the_local_build(tmp_path, real_settings):
    items = load_items(DEFAULT_CORPUS)
    models = real_settings.models_dir  # the suite's ONNX export, made once per session
    local = build_index(items, tmp_path / "local", get_embedder(MINILM, models), cache_dir=tmp_path / "cache-local")
    make = minilm_factory(MINILM, models)  # resolves "auto" once, on the driver (the ONNX export is there)
    report = build_index_ray(items, tmp_path / "ray", make, cache_dir=tmp_path / "cache-ray", batch_size=64)
    assert report.embedded == local.embedded > 0
    assert report.manifest.embed_backend == "onnxruntime"
    same_index(tmp_path / "local", tmp_path / "ray", get_embedder(MINILM, models), items)
    assert no_leftovers(tmp_path) == []
    again = build_index_ray(items, tmp_path / "ray", make, cache_dir=tmp_path / "cache-ray")
    assert again.embedded == 0  # everything came from the embedding cache: no Ray run at all


@pytest.fixture(scope="module")
def pyvideo_slice(tmp_path_factory):
    if not ARCHIVE.is_file():  # no shared archive here: the agenda's items, each copy its own text, to the same size
        base = load_items(DEFAULT_CORPUS)
        return [
            replace(item, id=f"copy-{n}-{item.id}", title=f"{item.title} (copy {n})", abstract=f"{item.abstract} {n}")
            for n, item in ((n, base[n % len(base)]) for n in range(SLICE))
        ]
    out = tmp_path_factory.mktemp("pyvideo") / "all.jsonl"
    subprocess.run(
        [sys.executable, "-m", "assistant.cli", "corpus", "import-pyvideo", str(ARCHIVE), "-o", str(out), "-q"],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    items = load_items(out)
    return items[:: len(items) // SLICE][:SLICE]


def test_pyvideo_slice_equals_the_local_build(tmp_path, pyvideo_slice):
    items = pyvideo_slice
    assert len(items) == SLICE
    local = build_index(items, tmp_path / "local", HashingEmbedder(), cache_dir=tmp_path / "cache-local")
    # a warm cache for part of the corpus: only the rest goes through Ray
    build_index(items[:200], tmp_path / "part", HashingEmbedder(), cache_dir=tmp_path / "cache-ray")
    report = build_index_ray(
        items, tmp_path / "ray", HashingEmbedder, cache_dir=tmp_path / "cache-ray", actors=2, batch_size=1024
    )
    assert 0 < report.embedded < local.embedded
    assert report.manifest.n_sentences > 0  # up to 5,000 items, abstract sentences are embedded too
    same_index(tmp_path / "local", tmp_path / "ray", HashingEmbedder(), items, tol=0)
    assert no_leftovers(tmp_path) == []


class _KillsItsActor(HashingEmbedder):
    """A HashingEmbedder whose actor ray.kill()s itself in its first real batch: once per marker file."""

    def __init__(self, marker: str):
        super().__init__()
        self.marker, self.calls = marker, 0

    def encode_documents(self, texts, progress=False):
        self.calls += 1
        if self.calls == 2:  # call 1 is the actor's warm-up
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                pass
            else:
                ray.kill(ray.get_runtime_context().current_actor, no_restart=False)
                time.sleep(60)  # dies here, mid-batch
        return super().encode_documents(texts, progress)


class KillOnce:
    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __call__(self):
        return _KillsItsActor(self.marker)


def test_a_killed_actor_is_restarted_and_the_index_is_complete(tmp_path):
    items = load_items(DEFAULT_CORPUS)
    build_index(items, tmp_path / "local", HashingEmbedder(), cache_dir=tmp_path / "cache-local")
    marker = tmp_path / "killed"
    build_index_ray(
        items, tmp_path / "ray", KillOnce(marker), cache_dir=tmp_path / "cache-ray", actors=2, batch_size=32
    )
    assert marker.exists()  # an actor was killed mid-run ...
    same_index(tmp_path / "local", tmp_path / "ray", HashingEmbedder(), items, tol=0)  # ... and nothing is missing
    assert no_leftovers(tmp_path) == []


def test_a_killed_actor_without_restarts_is_a_clear_error_and_the_old_index_stays(tmp_path, monkeypatch):
    items = load_items(DEFAULT_CORPUS)
    folder = tmp_path / "ray"
    build_index(items[:10], folder, HashingEmbedder(), cache_dir=tmp_path / "cache")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    monkeypatch.setattr(ray_build, "ACTOR_RESTARTS", 0)
    with pytest.raises(RayBuildError, match="the index at .* was not changed") as err:
        build_index_ray(
            items, folder, KillOnce(tmp_path / "killed"), cache_dir=tmp_path / "cache", actors=1, batch_size=32
        )
    assert (tmp_path / "killed").exists() and "Actor" in str(err.value), err.value
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert len(Index(folder, HashingEmbedder(), items=items[:10])) == 10
    assert no_leftovers(tmp_path) == []


def test_the_search_path_does_not_import_ray():
    code = (
        "import sys, index, index.build, index.store, assistant.cli, assistant.engine, assistant.search;"
        "sys.exit('ray' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


def test_ray_options_without_ray_are_refused(capsys):
    from assistant.cli import main

    assert main(["index", "build", "--ray-actors", "2"]) == 2
    assert "--ray-actors and --ray-batch-size go with --ray" in capsys.readouterr().err
