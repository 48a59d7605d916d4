"""The index folder: manifest, atomic builds, the embedding cache, refusal of mismatches, exact search."""

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from index import build as build_mod
from index.build import build_index, faiss_index
from index.embedder import HashingEmbedder
from index.manifest import SCHEMA_VERSION, IndexMismatch
from index.store import Index
from index.text import passages, sentences


def test_build_writes_folder_and_manifest(tmp_path, items):
    report = build_index(items, tmp_path / "idx", HashingEmbedder(), cache_dir=tmp_path / "cache")
    folder = report.folder
    names = {p.name for p in folder.iterdir()}
    assert {"manifest.json", "items.jsonl", "passages.npy", "passage_item.npy", "faiss.index", "bm25"} <= names
    m = json.loads((folder / "manifest.json").read_text())
    assert m["schema_version"] == SCHEMA_VERSION and m["model"] == HashingEmbedder.name and m["dim"] == 64
    assert m["normalized"] is True and m["n_items"] == len(items) == len(m["item_hashes"])
    assert m["faiss"]["type"] == "IndexFlatIP" and m["bm25"]["stemmer"] == "english"
    assert {"numpy", "faiss-cpu", "bm25s"} <= set(m["versions"]) and m["created_at"]
    assert m["n_passages"] > len(items)  # long abstracts are split into several passages
    assert m["n_sentences"] > m["n_items"] and (folder / "sentences.npy").exists()
    assert report.embedded == m["n_passages"] + m["n_sentences"]
    assert [p.name for p in tmp_path.glob(".idx*")] == [".idx.lock"]  # no temporary folders left behind


def test_passages_stay_under_the_model_limit(items, minilm):
    longest = max(items, key=lambda i: len(i.abstract))
    parts = passages(longest)
    assert len(parts) >= 3
    assert all(minilm.token_count(p) <= minilm.max_tokens for p in parts)
    assert all(p.startswith(longest.title) for p in parts)


def test_rebuild_after_one_change_reembeds_only_that_item(tmp_path, items):
    emb = HashingEmbedder()
    build_index(items, tmp_path / "idx", emb, cache_dir=tmp_path / "cache")
    changed = list(items)
    changed[5] = replace(changed[5], abstract=changed[5].abstract + " A new closing sentence.")
    report = build_index(changed, tmp_path / "idx", emb, cache_dir=tmp_path / "cache")
    new_sentences = set(sentences(changed[5])) - set(sentences(items[5]))
    assert len(new_sentences) == 1
    assert report.embedded == len(passages(changed[5])) + 1
    again = build_index(changed, tmp_path / "idx", emb, cache_dir=tmp_path / "cache")
    assert again.embedded == 0


def test_interrupted_build_keeps_previous_index(tmp_path, items, monkeypatch):
    emb = HashingEmbedder()
    build_index(items, tmp_path / "idx", emb, cache_dir=tmp_path / "cache")
    before = (tmp_path / "idx" / "manifest.json").read_text()

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_mod.lexical, "build", boom)
    with pytest.raises(KeyboardInterrupt):
        build_index(items[:10], tmp_path / "idx", emb, cache_dir=tmp_path / "cache")
    assert (tmp_path / "idx" / "manifest.json").read_text() == before
    assert len(Index(tmp_path / "idx", emb)) == len(items)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [".idx.lock"]


def test_mismatches_are_refused_naming_the_field(tmp_path, items):
    folder = tmp_path / "idx"
    build_index(items, folder, HashingEmbedder(), cache_dir=tmp_path / "cache")
    with pytest.raises(IndexMismatch, match="dim is 64, expected 32") as err:
        Index(folder, HashingEmbedder(dim=32))
    assert "talks index build" in str(err.value)

    class Other(HashingEmbedder):
        name = "other/model"

    with pytest.raises(IndexMismatch, match="model is 'test/hashing-embedder', expected 'other/model'"):
        Index(folder, Other())
    with pytest.raises(IndexMismatch, match="corpus_hash"):
        Index(folder, HashingEmbedder(), items=items[:-1])
    m = json.loads((folder / "manifest.json").read_text())
    m["schema_version"] = 1
    (folder / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexMismatch, match="schema_version is 1"):
        Index(folder, HashingEmbedder())
    with pytest.raises(IndexMismatch, match="manifest.json is 'missing'"):
        Index(tmp_path / "nothing-here", HashingEmbedder())


def test_faiss_topk_equals_numpy_bruteforce():
    rng = np.random.default_rng(7)
    docs = rng.normal(size=(500, 32)).astype(np.float32)
    docs /= np.linalg.norm(docs, axis=1, keepdims=True)
    queries = rng.normal(size=(20, 32)).astype(np.float32)
    index, params = faiss_index(docs)
    assert params["exact"]
    _, ids = index.search(queries, 10)
    expected = np.argsort(-(queries @ docs.T), axis=1)[:, :10]
    assert (ids == expected).all()


def test_hnsw_past_the_exact_limit_finds_the_true_neighbours():
    rng = np.random.default_rng(3)
    docs = rng.normal(size=(2000, 32)).astype(np.float32)
    docs /= np.linalg.norm(docs, axis=1, keepdims=True)
    index, params = faiss_index(docs, flat_max=1000)  # past the exact limit, under HNSW_MAX_PASSAGES
    assert params["type"] == "IndexHNSWFlat" and not params["exact"]
    assert params["recall_at_10"] >= params["recall_target"] and params["efSearch"] in (16, 32, 64, 128, 256)
    assert index.hnsw.efSearch == params["efSearch"]
    _, ids = index.search(docs[:50], 1)
    assert (ids[:, 0] == np.arange(50)).mean() >= 0.98


def test_item_dense_scores_match_bruteforce(fake_searcher):
    index = fake_searcher.index
    q = index.embedder.encode_queries(["training data ingestion"])[0]
    got = index.dense_scores(q)
    sims = np.asarray(index.vectors) @ q
    want = np.full(len(index.items), -np.inf, dtype=np.float32)
    np.maximum.at(want, index.passage_item, sims)
    assert np.allclose(got, want, atol=1e-5)
    allowed = np.array([i.kind == "poster" for i in index.items])
    sub = index.dense_scores(q, allowed)
    assert np.isneginf(sub[~allowed]).all() and np.allclose(sub[allowed], want[allowed], atol=1e-5)


def test_importing_the_packages_loads_no_model_or_ui():
    code = (
        "import sys, corpus, index, assistant, assistant.search, assistant.engine, assistant.cli, index.store;"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'litellm', 'gradio', 'transformers') if m in sys.modules];"
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
