"""The real MiniLM model (loaded from its package, offline): answers the canonical questions right."""

import pytest


@pytest.mark.model
def test_canonical_question(real_searcher):
    res = real_searcher.search("Which talks cover data quality for agents?")
    got = [h.item.id for h in res.hits]
    assert got[0] == "scaling-business-ai-agents-evaluating-data-quality-and-gaps"
    assert "beyond-rag-production-ready-ai-agents-powered-by-enterprise" in got
    assert all(h.item.kind != "logistics" for h in res.hits)


@pytest.mark.model
@pytest.mark.parametrize(
    "query",
    [
        "quantum computing error correction",
        "best pizza in Santa Clara",
        "kubernetes autoscaling",
        "how to bake sourdough bread",
    ],
)
def test_out_of_agenda_returns_no_hits_but_closest(real_searcher, query):
    res = real_searcher.search(query)
    assert res.hits == () and len(res.closest) == 3


@pytest.mark.model
@pytest.mark.parametrize(
    "query,expected",
    [
        ("faiss", "faiss-vector-search-at-meta"),
        (
            "how do you find slow GPUs holding back a training job?",
            "job-o-scope-detecting-stragglers-significantly-faster-in-large",
        ),
        ("silent data corruption", "silent-errors-in-large-scale-llm-training-challenges-and"),
    ],
)
def test_top_hit(real_searcher, query, expected):
    assert real_searcher.search(query).hits[0].item.id == expected
