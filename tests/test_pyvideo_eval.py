"""The pyvideo known-item evaluation's pure parts: query-set construction and metrics (no model, no archive)."""

from __future__ import annotations

import random

import pytest

from corpus.item import Item
from eval import pyvideo as pv

ABSTRACT = (
    "This talk is an overview of the topic at hand for everyone in the room today. "
    "We first look at how vectorized kernels in compiled extensions speed up numerical loops in study {n}. "
    "Then we compare approaches {n} with benchmarks taken on real scientific workloads from astronomy. "
    "Finally we discuss what remains hard and where the ecosystem should go next."
)


def talk(n: int, title: str, tags=(), abstract: str = ABSTRACT, event: str = "PyCon Test 2020") -> Item:
    return Item(
        id=f"ev--talk-{n:02d}",
        kind="talk",
        title=title,
        abstract=abstract.replace("{n}", str(n)),
        tags=tuple(tags),
        event=event,
    )


TITLES = [
    "Speeding Up Numerical Loops with Cython and Numba",
    "Building Scalable Web Applications with Django Channels",
    "An Introduction to Property Based Testing with Hypothesis",
    "Async Database Drivers for Modern Python Services",
    "Visualization of Large Graphs in the Browser",
    "Teaching Programming to Beginners with Turtle Graphics",
    "Debugging Memory Leaks in Long Running Processes",
    "Packaging Python Libraries for Scientific Computing",
    "Type Hints in Large Codebases: Lessons Learned",
    "Streaming Data Pipelines with Apache Kafka",
    "Geospatial Analysis with GeoPandas and Shapely",
    "Writing Fast Parsers with Rust Extensions",
]
TAGS = [
    ("cython", "numba", "performance"),
    ("channels", "websockets"),
    ("hypothesis", "property testing"),
    ("asyncpg", "aiohttp"),
    ("graphs", "webgl"),
    ("turtle", "education"),
    ("memory", "profiling"),
    ("wheels", "conda"),
    ("mypy", "typing"),
    ("kafka", "streaming"),
    ("geopandas", "shapely"),
    ("rust", "pyo3", "parsers"),
]


@pytest.fixture()
def items():
    out = [talk(n, t, TAGS[n]) for n, t in enumerate(TITLES)]
    # the first talk again, filed under a second event with different punctuation/case
    out.append(talk(50, "speeding up numerical loops with Cython and NUMBA!", TAGS[0], event="EuroSciPy 2021"))
    # generic title (too many copies to be a known item), and a talk with a too-short abstract
    out += [
        talk(
            60 + n,
            "Lightning Talks",
            abstract="Five minute talks by many people about many things "
            "and more things, all in one session with a bell at the end to keep time. Sign up at the "
            "registration desk before lunch.",
        )
        for n in range(5)
    ]
    out.append(talk(70, "Short Abstract Talk About Nothing Much", abstract="Too short."))
    # a tag on nearly every talk and an event tag: neither is specific
    return [Item(**{**i.__dict__, "tags": i.tags + ("python", "pycontest2020")}) for i in out]


def test_query_set_is_deterministic_and_seed_dependent(items):
    a = pv.build_queries(items, n=12, seed=3)
    b = pv.build_queries(list(reversed(items)), n=12, seed=3)
    assert a == b
    c = pv.build_queries(items, n=12, seed=4)
    assert [q.query for q in a] != [q.query for q in c]


def test_query_types_mix_and_count(items):
    qs = pv.build_queries(items, n=9, seed=1)
    assert len(qs) == 9
    assert {q.type for q in qs} == set(pv.QUERY_TYPES)
    assert all(q.type in pv.QUERY_TYPES for q in qs)
    assert len({q.qid for q in qs}) == len(qs)
    assert len({q.source for q in qs}) == len(qs), "each query comes from a different item"


def test_only_eligible_items_are_sampled(items):
    qs = pv.build_queries(items, n=100, seed=2)  # asks for more than there are: takes every eligible item
    sources = {q.source for q in qs}
    assert not any(s.startswith("ev--talk-6") for s in sources), "generic titles are not known items"
    assert "ev--talk-70" not in sources, "too-short abstracts are not sampled"
    assert len(qs) == 13


def test_no_query_quotes_its_title(items):
    by_id = {i.id: i for i in items}
    for seed in range(20):
        for q in pv.build_queries(items, n=12, seed=seed):
            title = pv.normalize_title(by_id[q.source].title)
            assert pv.normalize_title(q.query) != title
            assert f" {title} " not in f" {pv.normalize_title(q.query)} "


def test_is_verbatim():
    assert pv.is_verbatim("talks on Intro to Cython!", "intro to cython")
    assert not pv.is_verbatim("cython intro", "Intro to Cython")


def test_duplicate_titles_are_relevant(items):
    qs = pv.build_queries(items, n=100, seed=2)
    q = next(q for q in qs if q.source in ("ev--talk-00", "ev--talk-50"))
    assert set(q.relevant) == {"ev--talk-00", "ev--talk-50"}
    others = [q for q in qs if q.source not in ("ev--talk-00", "ev--talk-50")]
    assert all(q.relevant == (q.source,) for q in others)
    assert pv.qrels_of([q])[q.qid] == {"ev--talk-00": 1, "ev--talk-50": 1}


def test_generic_and_event_tags_are_dropped(items):
    from collections import Counter

    df = Counter(t for i in items for t in set(i.tags))
    tags = pv.specific_tags(items[0], df, len(items))
    assert tags == ["cython", "numba", "performance"]
    q = pv.tags_query(items[1], random.Random(0), df, len(items))
    assert sorted(q.split()) == ["channels", "websockets"]
    assert pv.tags_query(items[-1], random.Random(0), df, len(items)) is None  # only generic tags


def test_paraphrase_and_sentence_queries():
    item = talk(1, "Building Scalable Web Applications with Django Channels")
    q = pv.paraphrase_query(item, random.Random(0))
    assert q and not pv.is_verbatim(q, item.title)
    assert set(q.split()) <= set(pv.content_words(item.title)) | set(pv.SYNONYMS.values())
    assert pv.paraphrase_query(talk(2, "Keynote"), random.Random(0)) is None
    s = pv.sentence_query(item, random.Random(0))
    assert s and "overview" not in s, "never the first sentence"
    assert set(s.split()) <= set(pv.words(item.abstract)) | set(pv.SYNONYMS.values())
    assert (
        pv.sentence_query(talk(3, "T", abstract="One sentence only here, with no end in sight"), random.Random(0))
        is None
    )
    # only the first sentence is long enough: it restates the title, so no query
    first_only = (
        "Numerical loops in Python get much faster with compiled extensions like Cython. Come and see. Bring a laptop."
    )
    assert pv.sentence_query(talk(4, "T", abstract=first_only), random.Random(0)) is None


def test_boilerplate_sentences_are_not_queries(items):
    # every fixture abstract shares its middle sentences; only the item-specific one may be used
    boiler = "Recorded at the Test Conference in a big hall in April 2020 with cameras. "
    own = [
        "Alpha beta gamma delta epsilon zeta eta theta iota kappa.",
        "Lambda mu nu xi omicron pi rho sigma tau upsilon.",
    ]
    extra = [
        Item(
            id=f"ev--b-{n}",
            kind="talk",
            title=f"Boilerplate Talk Number {w}",
            abstract=f"First sentence restating the title of this talk here. Short one here now. "
            f"{boiler}{own[n]} Last one.",
        )
        for n, w in enumerate(("Alpha", "Lambda"))
    ]
    qs = pv.build_queries(items + extra, n=100, seed=0, types=("abstract-sentence",))
    mine = [q for q in qs if q.source.startswith("ev--b-")]
    assert len(mine) == 2
    assert all("recorded" not in q.query and "cameras" not in q.query for q in mine)


def test_short_titles_are_never_quoted():
    # two content words and no synonym: a shuffle alone would give the title back half of the time
    item = talk(5, "Cython Numba")
    queries = {pv.paraphrase_query(item, random.Random(seed)) for seed in range(30)}
    assert queries == {"numba cython"}


def test_bad_arguments_are_refused(items):
    with pytest.raises(ValueError, match="valid: paraphrase, tags, abstract-sentence"):
        pv.build_queries(items, n=3, types=("title",))
    with pytest.raises(ValueError, match="positive"):
        pv.build_queries(items, n=0)


def test_metrics_on_a_hand_computed_case():
    qrels = {"q1": {"a": 1}, "q2": {"b": 1, "c": 1}, "q3": {"z": 1}}
    rankings = {
        "q1": ["x", "y", "a"],  # first relevant at 3: RR 1/3, recall 1
        "q2": ["b", "x"] + ["n"] * 8 + ["c"],  # b at 1, c at 11: RR 1, recall@10 1/2
        "q3": ["x", "y"],
    }  # nothing: 0, 0
    s = pv.per_query_scores(rankings, qrels, k=10)
    assert s["q1"] == {"mrr": pytest.approx(1 / 3), "recall": 1.0, "hit": 1.0}
    assert s["q2"] == {"mrr": 1.0, "recall": 0.5, "hit": 1.0}
    assert s["q3"] == {"mrr": 0.0, "recall": 0.0, "hit": 0.0}
    means = pv.mean_by_type(s, {"q1": "tags", "q2": "tags", "q3": "paraphrase"})
    assert means["all"]["mrr"] == pytest.approx((1 / 3 + 1) / 3)
    assert means["all"]["recall"] == pytest.approx(0.5)
    assert means["tags"] == {"mrr": pytest.approx(2 / 3), "recall": pytest.approx(0.75), "hit": 1.0, "n": 2}
    assert pv.mrr_at(["x", "a"], {"a"}, k=1) == 0.0
    assert pv.percentile([1, 2, 3, 4], 50) == 2.5
    assert pv.percentile([5.0], 95) == 5.0


def test_ranking_puts_hits_first_then_the_rest():
    class H:
        def __init__(self, i):
            self.item = Item(id=i, kind="talk", title=i)

    class R:
        hits = (H("c"), H("a"))
        ranked = (H("a"), H("b"), H("c"), H("d"))

    assert pv.ranking_of(R()) == ["c", "a", "b", "d"]
    assert pv.ranking_of(R(), depth=3) == ["c", "a", "b"]
