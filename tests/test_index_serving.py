"""Serving an index: the vectorized filter mask against the per-item rule it replaced, and each index
type (exact numpy product, IVF, HNSW) against brute force."""

from datetime import datetime
from itertools import product

import numpy as np
import pytest

from index.build import build_index, faiss_index, ivf_lists
from index.embedder import HashingEmbedder
from index.store import Index


def reference(items, kinds, orgs, people, scheduled_only, time_from, time_to):
    """The loop `Searcher._allowed` ran before: an item passes when no filter rules it out."""
    lo = datetime.fromisoformat(time_from) if time_from else None
    hi = datetime.fromisoformat(time_to) if time_to else None
    mask = np.ones(len(items), dtype=bool)
    for row, item in enumerate(items):
        out_of_time = (lo or hi) and (not item.start or (lo and item.start_dt < lo) or (hi and item.start_dt >= hi))
        mask[row] = not (
            (kinds and item.kind not in kinds)
            or (orgs and not set(orgs) & set(item.orgs))
            or (people and not {n.casefold() for n in people} & {n.casefold() for n in item.names()})
            or (scheduled_only and not item.start)
            or out_of_time
        )
    return mask


def test_item_mask_equals_the_per_item_rule(fake_searcher):
    index = fake_searcher.index
    items = index.items
    scheduled = sorted(i.start for i in items if i.start)
    person = items[3].names()[0] if items[3].people else "Nobody"
    kinds = [(), ("poster",), ("talk", "panel")]
    orgs = [(), ("Meta",), ("Snowflake", "Fiddler AI"), ("No Such Org",)]
    people = [(), (person.upper(),), ("nobody at all",)]
    times = [(None, None), (scheduled[3], None), (None, scheduled[-4]), (scheduled[2], scheduled[10])]
    checked = 0
    for k, o, p, sched, (t0, t1) in product(kinds, orgs, people, (False, True), times):
        got = index.item_mask(k, o, p, sched, t0, t1)
        assert got.dtype == bool and got.shape == (len(items),)
        assert (got == reference(items, k, o, p, sched, t0, t1)).all(), (k, o, p, sched, t0, t1)
        checked += int(got.sum())
    assert checked > 0


def brute_force(index, q, allowed=None):
    sims = np.asarray(index.vectors) @ q
    want = np.full(len(index.items), -np.inf, dtype=np.float32)
    np.maximum.at(want, index.passage_item, sims)
    if allowed is not None:
        want[~allowed] = -np.inf
    return want


@pytest.mark.parametrize(
    "flat_max, hnsw_max, kind",
    [(10**6, 10**6, "IndexFlatIP"), (50, 10**6, "IndexHNSWFlat"), (50, 50, "IndexIVFFlat")],
)
def test_dense_scores_by_index_type_match_brute_force(tmp_path, items, monkeypatch, flat_max, hnsw_max, kind):
    monkeypatch.setattr("index.build.HNSW_MAX_PASSAGES", hnsw_max)  # exact, HNSW, IVF by size
    emb = HashingEmbedder()
    build_index(items, tmp_path / "idx", emb, cache_dir=tmp_path / "cache", flat_max=flat_max)
    index = Index(tmp_path / "idx", emb)
    assert index.manifest.faiss["type"] == kind and index.exact == (kind == "IndexFlatIP")
    assert (index._faiss is None) == index.exact  # an exact index never loads Faiss
    posters = index.item_mask(kinds=("poster",))
    for text in ("training data ingestion", "GPU failures at scale", "vector search"):
        q = emb.encode_queries([text])[0]
        # every item asked for (k None) is scored exactly whatever the index type
        assert np.allclose(index.dense_scores(q), brute_force(index, q), atol=1e-5)
        assert np.allclose(index.dense_scores(q, posters), brute_force(index, q, posters), atol=1e-5)
        top = index.dense_scores(q, k=3)  # only the best passages' items are reached
        best = np.argsort(-brute_force(index, q))[:3]
        assert np.isfinite(top[best]).all() and np.allclose(top[best], brute_force(index, q)[best], atol=1e-5)
        # a filter with a limit: the best allowed passages through the index's selector, nothing else reached
        top = index.dense_scores(q, posters, k=3)
        best = np.argsort(-brute_force(index, q, posters))[:3]
        assert np.isfinite(top[best]).all() and np.allclose(top[best], brute_force(index, q)[best], atol=1e-5)
        assert not np.isfinite(top[~posters]).any()


def test_ivf_recall_on_clustered_vectors():
    rng = np.random.default_rng(5)
    centers = rng.normal(size=(40, 48))
    docs = centers[rng.integers(0, 40, 20_000)] + rng.normal(size=(20_000, 48)) * 0.6
    docs = (docs / np.linalg.norm(docs, axis=1, keepdims=True)).astype(np.float32)
    queries = docs[:100] + rng.normal(size=(100, 48)).astype(np.float32) * 0.05
    index, params = faiss_index(docs, flat_max=10_000, hnsw_max=15_000)  # past both limits: IVF
    assert params["type"] == "IndexIVFFlat" and params["nlist"] == ivf_lists(20_000) and not params["exact"]
    assert params["recall_at_10"] >= 0.95 and 1 <= params["nprobe"] <= params["nlist"]
    _, ids = index.search(queries, 10)
    truth = np.argsort(-(queries @ docs.T), axis=1)[:, :10]
    assert np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, truth)]) >= 0.95
