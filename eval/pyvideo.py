"""Search at scale: the whole pyvideo/data archive (~21.7k talks) as a corpus, timed and scored.

    .venv/bin/python -m eval.pyvideo [--archive PATH] [--data-dir DIR] [--queries N]

1. import the archive (`corpus.pyvideo.import_pyvideo`) and write it as JSONL under the data dir;
2. build its index with the configured embedder (`assistant.engine.build`, real MiniLM by default),
   recording wall time, passages/s and peak memory; the embedding cache in the data dir makes reruns
   fast, so the first (cold) build's numbers are kept in `<data dir>/pyvideo-cold-build.json` and reported;
3. make a seeded known-item query set (`build_queries`): for sampled talks with a real abstract, a query
   that should find that talk without quoting its title (a paraphrase of the title, its specific tags, or
   a perturbed middle sentence of its abstract); the talk, and any talk with the same normalized title
   (the same talk filed under two events), is relevant;
4. run the searcher over the queries for the shipped hybrid configuration and for dense and BM25 alone
   (one loaded index, as eval/retrieval.py does) and score MRR@10, Recall@10 and hit rate@10 with ranx,
   overall and per query type, plus how often the relevance threshold returned no hits at all;
5. time warm `search()` against the bare query encode of the same queries;
6. write eval/results/<date>-pyvideo.md and .json.

Calls the project only through its public functions, as any client would. The query-set construction
and the metrics are pure functions, tested in tests/test_pyvideo_eval.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from corpus.item import Item
from eval import PYVIDEO_ARCHIVE as DEFAULT_ARCHIVE

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

# ---------------------------------------------------------------- defaults (one place)

SEED = 13  # query sampling and perturbation
N_QUERIES = 300  # split evenly between the three query types
QUERY_TYPES = ("paraphrase", "tags", "abstract-sentence")
MIN_ABSTRACT_WORDS = 30  # "a non-trivial abstract": shorter ones are not sampled
MAX_TITLE_COPIES = 3  # titles shared by more items ("Keynote", "Lightning talks") are not known items
TAG_MAX_DF = 0.005  # a tag on more than this share of items is generic ("django", "pycon")
MIN_TAGS = 2  # a tags query needs at least this many specific tags
MAX_TAGS = 6
SENTENCE_WORDS = (8, 30)  # an abstract-sentence query keeps sentences of this many words (longer: cut)
DROP_WORDS = 0.2  # share of a sentence's words dropped when perturbing it
SYNONYM_P = 0.5  # chance that a word with a synonym is replaced by it
METRICS = ("mrr@10", "recall@10", "hit_rate@10")
CONFIGS = {"hybrid": {}, "dense": {"fusion": "dense"}, "bm25": {"fusion": "bm25"}}  # "hybrid" is the default
DEPTH = 100  # run depth handed to ranx (the searcher's candidate pool is smaller)
LATENCY_ROUNDS = 3  # warm latency: every query this many times (per-query minimum = least disturbed)

STOPWORDS = frozenset(
    """a an the of to in on for and or with about at by from is are was were be been being do does
did what which who whom whose when where how why any all some this that these those it its into than then so as
not no your you our we my me i us vs via using use your can will just more most very up out over under your how's
what's it's let's don't here there one two get""".split()
)

# A small, hand-made synonym map (lower-case word -> replacement), for paraphrasing titles and sentences.
SYNONYMS = {
    "introduction": "primer",
    "intro": "primer",
    "beginners": "newcomers",
    "beginner": "novice",
    "guide": "handbook",
    "building": "creating",
    "build": "create",
    "builds": "creates",
    "fast": "quick",
    "faster": "quicker",
    "fastest": "quickest",
    "scalable": "scaling",
    "scale": "grow",
    "application": "app",
    "applications": "apps",
    "app": "application",
    "apps": "applications",
    "tutorial": "workshop",
    "workshop": "tutorial",
    "advanced": "expert",
    "large": "big",
    "big": "large",
    "analysis": "analytics",
    "programming": "coding",
    "developers": "programmers",
    "developer": "programmer",
    "performance": "speed",
    "deploying": "shipping",
    "deployment": "shipping",
    "modern": "contemporary",
    "simple": "easy",
    "easy": "simple",
    "understanding": "demystifying",
    "tips": "advice",
    "tools": "tooling",
    "library": "package",
    "libraries": "packages",
    "framework": "toolkit",
    "frameworks": "toolkits",
    "database": "datastore",
    "databases": "datastores",
    "visualization": "plotting",
    "visualisation": "plotting",
    "parallel": "concurrent",
    "concurrency": "parallelism",
    "asynchronous": "async",
    "async": "asynchronous",
    "scientific": "science",
    "best": "good",
    "practices": "habits",
    "make": "create",
    "making": "creating",
    "writing": "authoring",
    "write": "author",
    "testing": "tests",
    "tests": "testing",
    "debugging": "troubleshooting",
    "secure": "safe",
    "security": "safety",
    "model": "models",
    "models": "model",
    "learn": "study",
    "learning": "studying",
    "teaching": "educating",
    "problems": "issues",
    "problem": "issue",
    "future": "tomorrow",
    "world": "planet",
    "better": "improved",
    "small": "tiny",
    "new": "novel",
    "powerful": "strong",
    "code": "source",
    "project": "initiative",
    "projects": "initiatives",
    "managing": "handling",
    "management": "administration",
    "automation": "automating",
    "automating": "automation",
    "create": "build",
    "creating": "building",
    "run": "execute",
    "running": "executing",
    "python": "py",
    "django": "djangoproject",
    "web": "www",
    "api": "interface",
    "apis": "interfaces",
}

_NON_WORD = re.compile(r"[^0-9a-z]+")
_WORD = re.compile(r"[^\W_][\w'+#.-]*[\w+#]|[^\W_]", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")


# ---------------------------------------------------------------- the known-item query set (pure)


@dataclass(frozen=True)
class Query:
    qid: str
    query: str
    type: str
    source: str  # the item the query was made from
    relevant: tuple[str, ...]  # the source and every item with the same normalized title


def normalize_title(title: str) -> str:
    """Case-folded, punctuation to spaces, squashed: "Intro to Cython!" and "intro to cython" are one title."""
    return " ".join(_NON_WORD.sub(" ", title.casefold()).split())


def words(text: str) -> list[str]:
    return [w.strip(".'").lower() for w in _WORD.findall(text) if w.strip(".'")]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and not w.isdigit()]


def _rng(seed: int, *parts: str) -> random.Random:
    """A random generator for one (item, query type): the same whatever order items come in."""
    digest = hashlib.sha256("\x00".join([str(seed), *parts]).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _swap_synonyms(tokens: list[str], rng: random.Random, p: float = SYNONYM_P) -> list[str]:
    return [SYNONYMS[t] if t in SYNONYMS and rng.random() < p else t for t in tokens]


def is_verbatim(query: str, title: str) -> bool:
    """True when the query contains the item's whole title (normalized), i.e. it quotes it."""
    q, t = normalize_title(query), normalize_title(title)
    return bool(t) and (q == t or f" {t} " in f" {q} ")


def paraphrase_query(item: Item, rng: random.Random) -> str | None:
    """The title's content words, some swapped for synonyms, a quarter of them dropped when there are
    four or more, shuffled. None when the title has fewer than two content words."""
    toks = list(dict.fromkeys(content_words(item.title)))
    if len(toks) < 2:
        return None
    if len(toks) >= 4:
        keep = max(2, round(len(toks) * 0.75))
        toks = [toks[i] for i in sorted(rng.sample(range(len(toks)), keep))]
    toks = _swap_synonyms(toks, rng)
    rng.shuffle(toks)
    if " ".join(toks) == " ".join(content_words(item.title)):
        toks.reverse()
    query = " ".join(toks)
    return None if is_verbatim(query, item.title) else query


def _compact(text: str) -> str:
    return _NON_WORD.sub("", text.casefold())


def specific_tags(item: Item, tag_df: Counter, n_items: int, max_df: float = TAG_MAX_DF) -> list[str]:
    """The item's tags that say something about it: not on more than max_df of the items, not a year
    or an event ("pycon2011", "pydataberlin", "minsk"), in the item's order, without repeats."""
    event = _compact(item.event)
    limit = max(3, max_df * n_items)
    out = []
    for tag in dict.fromkeys(t.strip().lower() for t in item.tags if t.strip()):
        c = _compact(tag)
        if not c or any(ch.isdigit() for ch in c) or tag_df[tag] > limit or (c in event) or (event and event in c):
            continue
        out.append(tag)
    return out


def tags_query(item: Item, rng: random.Random, tag_df: Counter, n_items: int) -> str | None:
    tags = specific_tags(item, tag_df, n_items)
    if len(tags) < MIN_TAGS:
        return None
    tags = tags[:MAX_TAGS]
    rng.shuffle(tags)
    query = " ".join(tags)
    return None if is_verbatim(query, item.title) else query


def abstract_sentences(abstract: str) -> list[str]:
    out = []
    for line in abstract.split("\n"):
        out += [s.strip() for s in _SENTENCE_END.split(line.strip()) if s.strip()]
    return out


def sentence_query(item: Item, rng: random.Random, common: frozenset[str] = frozenset()) -> str | None:
    """A middle sentence of the abstract (not the first, which often restates the title), lower-cased,
    cut to SENTENCE_WORDS[1] words, a fifth of its words dropped and some swapped for synonyms.
    Sentences in `common` (normalized; boilerplate such as "Recorded at PyData Berlin 2022" shared by a
    whole event) are passed over. None for abstracts of fewer than three sentences or without a middle
    sentence of 8+ words."""
    sents = abstract_sentences(item.abstract)
    if len(sents) < 3:
        return None
    lo, hi = SENTENCE_WORDS
    middle = sents[1:-1] or sents[1:]
    candidates = [s for s in middle if len(words(s)) >= lo and normalize_title(s) not in common]
    if not candidates:
        return None
    centre = len(sents) / 2
    sent = min(candidates, key=lambda s: abs(sents.index(s) - centre))
    toks = words(sent)[:hi]
    n_drop = int(len(toks) * DROP_WORDS)
    drop = set(rng.sample(range(len(toks)), n_drop)) if n_drop else set()
    toks = _swap_synonyms([t for i, t in enumerate(toks) if i not in drop], rng)
    query = " ".join(toks)
    return None if is_verbatim(query, item.title) else query


def eligible(item: Item, title_counts: Counter) -> bool:
    t = normalize_title(item.title)
    return bool(t) and title_counts[t] <= MAX_TITLE_COPIES and len(item.abstract.split()) >= MIN_ABSTRACT_WORDS


def build_queries(
    items: Sequence[Item], n: int = N_QUERIES, seed: int = SEED, types: Sequence[str] = QUERY_TYPES
) -> list[Query]:
    """A known-item query set: n queries, split evenly between the types (a type short of candidates
    leaves its share to the others), each from a different item. Deterministic for (items, n, seed)."""
    unknown = [t for t in types if t not in QUERY_TYPES]
    if unknown:
        raise ValueError(f"unknown query type(s) {', '.join(unknown)}; valid: {', '.join(QUERY_TYPES)}")
    if n <= 0:
        raise ValueError(f"the number of queries must be positive, got {n}")
    title_counts = Counter(normalize_title(i.title) for i in items)
    by_title: dict[str, list[str]] = defaultdict(list)
    for i in items:
        by_title[normalize_title(i.title)].append(i.id)
    tag_df = Counter(t for i in items for t in {t.strip().lower() for t in i.tags})
    sentence_df = Counter(s for i in items for s in {normalize_title(x) for x in abstract_sentences(i.abstract)})
    common = frozenset(s for s, c in sentence_df.items() if c > 1)
    makers = {
        "paraphrase": lambda it, r: paraphrase_query(it, r),
        "tags": lambda it, r: tags_query(it, r, tag_df, len(items)),
        "abstract-sentence": lambda it, r: sentence_query(it, r, common),
    }
    pool = sorted((i for i in items if eligible(i, title_counts)), key=lambda i: i.id)
    order = list(pool)
    random.Random(seed).shuffle(order)
    quotas = {t: n // len(types) + (1 if k < n % len(types) else 0) for k, t in enumerate(types)}
    made: dict[str, list[tuple[Item, str]]] = {t: [] for t in types}
    used: set[str] = set()
    # Fill the types in turn, then hand any type's shortfall to the others, until n or no candidates.
    for _ in range(2):
        for t in types:
            for item in order:
                if len(made[t]) >= quotas[t]:
                    break
                if item.id in used:
                    continue
                q = makers[t](item, _rng(seed, t, item.id))
                if q:
                    made[t].append((item, q))
                    used.add(item.id)
        short = sum(quotas[t] - len(made[t]) for t in types)
        if not short:
            break
        open_types = [t for t in types if len(made[t]) == quotas[t]]
        for k, t in enumerate(open_types):
            quotas[t] += short // len(open_types) + (1 if k < short % len(open_types) else 0)
    out = []
    for t in types:
        for k, (item, q) in enumerate(made[t], 1):
            relevant = tuple(sorted(set(by_title[normalize_title(item.title)]) | {item.id}))
            out.append(Query(qid=f"{t}-{k:03d}", query=q, type=t, source=item.id, relevant=relevant))
    return out


def qrels_of(queries: Sequence[Query]) -> dict[str, dict[str, int]]:
    return {q.qid: {doc: 1 for doc in q.relevant} for q in queries}


# ---------------------------------------------------------------- metrics (pure; ranx gives the reported ones)


def mrr_at(ranking: Sequence[str], relevant: set[str] | dict, k: int = 10) -> float:
    for rank, doc in enumerate(ranking[:k], 1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def recall_at(ranking: Sequence[str], relevant: set[str] | dict, k: int = 10) -> float:
    if not relevant:
        return 0.0
    return len(set(ranking[:k]) & set(relevant)) / len(relevant)


def per_query_scores(rankings: dict[str, list[str]], qrels: dict[str, dict[str, int]], k: int = 10) -> dict:
    return {
        qid: {
            "mrr": mrr_at(rankings.get(qid, []), rel, k),
            "recall": recall_at(rankings.get(qid, []), rel, k),
            "hit": float(any(d in rel for d in rankings.get(qid, [])[:k])),
        }
        for qid, rel in qrels.items()
    }


def mean_by_type(scores: dict[str, dict], types: dict[str, str]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for qid, s in scores.items():
        groups[types[qid]].append(s)
        groups["all"].append(s)
    return {
        t: {m: sum(s[m] for s in v) / len(v) for m in ("mrr", "recall", "hit")} | {"n": len(v)}
        for t, v in sorted(groups.items())
    }


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (numpy's default)."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * p / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


# ---------------------------------------------------------------- the run (files, models, clocks)


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def cpu_name() -> str:
    """The processor's model name from /proc/cpuinfo ('' where there is none)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def machine() -> dict:
    cpu = cpu_name()
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    out = {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor() or "unknown",
        "memory": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        import torch

        out["torch_threads"] = torch.get_num_threads()
    except ImportError:
        pass
    return out


def import_archive(archive: Path, data_dir: Path, events: list[str] | None) -> tuple[Path, dict]:
    from corpus.jsonl import write_items
    from corpus.pyvideo import import_pyvideo

    t = time.perf_counter()
    result = import_pyvideo(archive, events=events)
    import_s = time.perf_counter() - t
    corpus = data_dir / "pyvideo.jsonl"
    t = time.perf_counter()
    write_items(corpus, result.items)
    write_s = time.perf_counter() - t
    records = len(result.items) + sum(result.skipped.values())
    return corpus, {
        "archive": str(archive),
        "events_filter": events,
        "records": records,
        "items": len(result.items),
        "events": result.events,
        "skipped": dict(result.skipped),
        "import_s": import_s,
        "records_per_s": records / import_s,
        "write_jsonl_s": write_s,
        "jsonl_mib": corpus.stat().st_size / 2**20,
        "peak_rss_mib": peak_rss_mib(),
    }


def build_index(settings, embedder) -> dict:
    from assistant.engine import build

    cache_dir = Path(settings.cache_dir)
    cold = not (cache_dir.exists() and any(cache_dir.iterdir()))  # no embedding cache yet: every text is embedded
    load_before = os.getloadavg()[0]
    t = time.perf_counter()
    report = build(settings, embedder)
    wall = time.perf_counter() - t
    m = report.manifest
    return {
        "wall_s": wall,
        "build_index_s": report.seconds,
        "items": m.n_items,
        "passages": m.n_passages,
        "sentences": m.n_sentences,
        "embedded_now": report.embedded,
        "cold": cold,
        "passages_per_s": m.n_passages / wall,
        "faiss": m.faiss,
        "model": m.model,
        "dim": m.dim,
        "peak_rss_mib": peak_rss_mib(),
        "peak_rss_children_mib": peak_rss_mib(resource.RUSAGE_CHILDREN),
        "load_avg_1m_before_after": [load_before, os.getloadavg()[0]],
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def ranking_of(result, depth: int = DEPTH) -> list[str]:
    """Hits first, then the rest of the candidates in fused order (as eval/retrieval.py's run_config)."""
    shown = [h.item.id for h in result.hits]
    seen = set(shown)
    rest = [h.item.id for h in result.ranked if h.item.id not in seen]
    return (shown + rest)[:depth]


def run_queries(searcher, queries: Sequence[Query]) -> dict:
    rankings, refused, latency, timings, intents, filtered = {}, {}, {}, defaultdict(list), Counter(), {}
    for q in queries:
        t = time.perf_counter()
        res = searcher.search(q.query)
        latency[q.qid] = (time.perf_counter() - t) * 1000
        rankings[q.qid] = ranking_of(res)
        plan = res.plan
        intents[plan.intent + ("+filtered" if plan.filtered else "")] += 1
        read = {k: list(v) for k, v in (("kinds", plan.kinds), ("people", plan.people), ("orgs", plan.orgs)) if v}
        if plan.filtered or plan.intent != "topic":
            filtered[q.qid] = {"intent": plan.intent, **read}
        if not res.hits:
            top = res.ranked[0].signals if res.ranked else {}
            refused[q.qid] = {
                "query": q.query,
                "intent": plan.intent,
                **read,
                "candidates": len(res.ranked),
                "top_relevance": top.get("relevance"),
                "relevant_rank": next((n for n, d in enumerate(rankings[q.qid], 1) if d in q.relevant), None),
            }
        for key, v in res.timings.items():
            timings[key].append(v)
    return {
        "rankings": rankings,
        "refused": refused,
        "latency_ms": latency,
        "timings": dict(timings),
        "intents": dict(intents),
        "planner_filters": filtered,
    }


def score_config(name: str, out: dict, queries: Sequence[Query]) -> dict:
    from ranx import Qrels, Run, evaluate

    qrels = qrels_of(queries)
    types = {q.qid: q.type for q in queries}
    run = Run(
        {
            qid: ({doc: float(len(r) - i) for i, doc in enumerate(r)} or {"__none__": 0.0})
            for qid, r in out["rankings"].items()
        },
        name=name,
    )
    rx = Qrels(qrels)
    overall = {m: float(v) for m, v in evaluate(rx, run, list(METRICS)).items()}
    per_metric = {m: evaluate(rx, run, m, return_mean=False) for m in METRICS}
    qids = list(run.keys())
    rx_by_type: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for m in METRICS:
        for qid, v in zip(qids, per_metric[m]):
            rx_by_type[types[qid]][m].append(float(v))
    by_type = {
        t: {m: sum(v) / len(v) for m, v in ms.items()} | {"n": len(ms[METRICS[0]])}
        for t, ms in sorted(rx_by_type.items())
    }
    own = mean_by_type(per_query_scores(out["rankings"], qrels), types)["all"]
    agree = max(
        abs(own["mrr"] - overall["mrr@10"]),
        abs(own["recall"] - overall["recall@10"]),
        abs(own["hit"] - overall["hit_rate@10"]),
    )
    refused_by_type = Counter(types[qid] for qid in out["refused"])
    n_by_type = Counter(types.values())
    # a refusal that hid a found item: the source was in the top 10 of the candidates, but no hit was shown
    refused_found = [qid for qid in out["refused"] if any(d in qrels[qid] for d in out["rankings"][qid][:10])]
    lat = list(out["latency_ms"].values())
    return {
        "overall": overall,
        "by_type": by_type,
        "own_metrics_max_abs_diff_vs_ranx": agree,
        "false_refusals": len(out["refused"]),
        "false_refusal_rate": len(out["refused"]) / len(queries),
        "false_refusal_rate_by_type": {t: refused_by_type[t] / n_by_type[t] for t in sorted(n_by_type)},
        "refused_with_relevant_in_top10": len(refused_found),
        "refused": out["refused"],
        "first_pass_latency_p50_ms": percentile(lat, 50),
        "first_pass_latency_p95_ms": percentile(lat, 95),
        "plan_intents": out["intents"],
        "planner_filters": out["planner_filters"],
        "load_avg_1m": os.getloadavg()[0],
    }


def warm_latency(searcher, queries: Sequence[Query], rounds: int = LATENCY_ROUNDS) -> dict:
    """Warm search() against the bare query encode of the same query, in the same loop, `rounds` times.

    Reported twice: over every timing (pooled), and over each query's fastest round (the least disturbed
    by other processes on a shared machine)."""
    emb = searcher.index.embedder
    emb.encode_queries(["warm up"])
    searcher.search("warm up")
    enc, srch = defaultdict(list), defaultdict(list)
    stages = defaultdict(list)
    load = [os.getloadavg()[0]]
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            emb.encode_queries([q.query])
            enc[q.qid].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            res = searcher.search(q.query)
            srch[q.qid].append((time.perf_counter() - t) * 1000)
            for key, v in res.timings.items():
                stages[key].append(v)
        load.append(os.getloadavg()[0])
    known = ("plan_ms", "encode_ms", "dense_ms", "bm25_ms")
    rest = [tot - sum(stages[k][i] for k in known if k in stages) for i, tot in enumerate(stages.get("total_ms", []))]
    pooled_e = [v for vs in enc.values() for v in vs]
    pooled_s = [v for vs in srch.values() for v in vs]
    min_e = [min(vs) for vs in enc.values()]
    min_s = [min(vs) for vs in srch.values()]
    types = {q.qid: q.type for q in queries}
    out = {
        "n": len(queries),
        "rounds": rounds,
        "load_avg_1m": load,
        "encode_p50_ms": percentile(pooled_e, 50),
        "encode_p95_ms": percentile(pooled_e, 95),
        "search_p50_ms": percentile(pooled_s, 50),
        "search_p95_ms": percentile(pooled_s, 95),
        "ratio_p50": percentile(pooled_s, 50) / percentile(pooled_e, 50),
        "ratio_p95": percentile(pooled_s, 95) / percentile(pooled_e, 95),
        "min_encode_p50_ms": percentile(min_e, 50),
        "min_encode_p95_ms": percentile(min_e, 95),
        "min_search_p50_ms": percentile(min_s, 50),
        "min_search_p95_ms": percentile(min_s, 95),
        "min_ratio_p50": percentile(min_s, 50) / percentile(min_e, 50),
        "min_ratio_p95": percentile(min_s, 95) / percentile(min_e, 95),
        "min_search_p50_ms_by_type": {
            t: percentile([min(srch[q]) for q in srch if types[q] == t], 50) for t in sorted(set(types.values()))
        },
        "min_encode_p50_ms_by_type": {
            t: percentile([min(enc[q]) for q in enc if types[q] == t], 50) for t in sorted(set(types.values()))
        },
        "stages_p50_ms": {k: percentile(v, 50) for k, v in stages.items()},
        "stages_p95_ms": {k: percentile(v, 95) for k, v in stages.items()},
    }
    if rest:
        out["stages_p50_ms"]["fusion_relevance_ms"] = percentile(rest, 50)
        out["stages_p95_ms"]["fusion_relevance_ms"] = percentile(rest, 95)
    return out


def evaluate(
    archive: Path,
    data_dir: Path,
    n_queries: int,
    model: str | None = None,
    events: list[str] | None = None,
    seed: int = SEED,
    rounds: int = LATENCY_ROUNDS,
    log=print,
) -> dict:
    from assistant.cli import set_offline_env

    set_offline_env()
    from assistant.engine import open_index
    from assistant.search import Searcher
    from assistant.settings import Settings
    from index.embedder import get_embedder

    data_dir.mkdir(parents=True, exist_ok=True)
    report = {
        "date": date.today().isoformat(),
        "machine": machine(),
        "seed": seed,
        "rss_start_mib": peak_rss_mib(),
        "load_avg_1m_start": os.getloadavg()[0],
    }
    log(f"importing {archive} ...")
    corpus, report["import"] = import_archive(archive, data_dir, events)
    log(f"  {report['import']['items']} items in {report['import']['import_s']:.2f} s")

    settings = Settings(corpus=corpus, data_dir=data_dir).with_(model=model)
    embedder = get_embedder(settings.model)
    log(f"building the index ({settings.model}) in {settings.index_dir} ...")
    build = build_index(settings, embedder)
    cold_file = data_dir / f"pyvideo-cold-build-{_compact(settings.model)[:40]}.json"
    if build["cold"]:
        cold_file.write_text(json.dumps(build, indent=1) + "\n")
    report["build"] = build
    report["cold_build"] = json.loads(cold_file.read_text()) if cold_file.exists() else None
    log(
        f"  {build['passages']} passages in {build['wall_s']:.1f} s ({'cold' if build['cold'] else 'warm cache'}, "
        f"{build['embedded_now']} embedded now)"
    )

    t = time.perf_counter()
    index = open_index(settings, embedder, build_missing=False)
    report["open_index_s"] = time.perf_counter() - t
    items = index.items
    t = time.perf_counter()
    queries = build_queries(items, n_queries, seed)
    report["build_queries_s"] = time.perf_counter() - t
    title_counts = Counter(normalize_title(i.title) for i in items)
    report["queries"] = {
        "n": len(queries),
        "by_type": dict(Counter(q.type for q in queries)),
        "with_duplicate_titles": sum(1 for q in queries if len(q.relevant) > 1),
        "relevant_per_query_mean": statistics.mean(len(q.relevant) for q in queries),
        "eligible_items": sum(1 for i in items if eligible(i, title_counts)),
        "examples": {
            t: [
                {"query": q.query, "title": index.items[index.by_id[q.source]].title, "source": q.source}
                for q in queries
                if q.type == t
            ][:4]
            for t in QUERY_TYPES
        },
    }
    log(f"  {len(queries)} queries: {report['queries']['by_type']}")

    report["configs"] = {}
    searchers = {}
    for name, changes in CONFIGS.items():
        t = time.perf_counter()
        searchers[name] = Searcher(index, replace(settings, **changes))
        init_s = time.perf_counter() - t
        log(f"running {name} ...")
        out = run_queries(searchers[name], queries)
        report["configs"][name] = score_config(name, out, queries) | {"searcher_init_s": init_s}
        o = report["configs"][name]["overall"]
        log(
            f"  {name}: "
            + ", ".join(f"{m} {v:.3f}" for m, v in o.items())
            + f", no hits on {report['configs'][name]['false_refusals']}"
        )
    log("timing warm search against the query encode ...")
    report["latency"] = warm_latency(searchers["hybrid"], queries, rounds)
    report["peak_rss_end_mib"] = peak_rss_mib()
    report["peak_rss_children_mib"] = peak_rss_mib(resource.RUSAGE_CHILDREN)
    report["query_set"] = [q.__dict__ | {"relevant": list(q.relevant)} for q in queries]
    return report


# ---------------------------------------------------------------- the report


def _f(v, nd=3):
    return f"{v:.{nd}f}" if isinstance(v, float) else str(v)


def format_md(r: dict, command: str) -> str:
    m, imp, b = r["machine"], r["import"], r["build"]
    cold = r.get("cold_build") or {}
    lat = r["latency"]
    L = [
        f"# Search at scale: pyvideo/data, {r['date']}",
        "",
        f"Command: `{command}`",
        "",
        (
            f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory']} RAM, Python {m['python']}, "
            f"torch threads {m.get('torch_threads', '?')}, {m['platform']}. One process; timings on this machine are "
            "noisy, read ratios and medians."
        ),
        "",
        "## Import and index build",
        "",
        "| step | value |",
        "|---|---|",
        f"| import (`import_pyvideo`, {'events ' + ', '.join(imp['events_filter']) if imp['events_filter'] else 'whole archive'}) "
        f"| {imp['import_s']:.2f} s, {imp['records']} records "
        f"({imp['records_per_s']:.0f}/s) -> {imp['items']} items from {imp['events']} events; skipped: "
        + (", ".join(f"{n} {k}" for k, n in imp["skipped"].items()) or "none")
        + " |",
        f"| write JSONL | {imp['write_jsonl_s']:.2f} s, {imp['jsonl_mib']:.1f} MiB |",
        f"| peak RSS after import | {imp['peak_rss_mib']:.0f} MiB |",
    ]
    if cold:
        L += [
            (
                f"| **cold build** (every passage embedded; {cold['at']}) | **{cold['wall_s']:.1f} s** "
                f"({cold['wall_s'] / 60:.1f} min), {cold['passages']} passages, **{cold['passages_per_s']:.1f} passages/s** |"
            ),
            (
                f"| peak RSS, cold build process (RUSAGE_SELF) | {cold['peak_rss_mib']:.0f} MiB "
                f"(children: {cold['peak_rss_children_mib']:.0f} MiB) |"
            ),
        ]
    L += [
        (
            f"| this run's build ({'cold' if b['cold'] else 'warm embedding cache'}, {b['embedded_now']} embedded) | "
            f"{b['wall_s']:.1f} s, {b['passages_per_s']:.0f} passages/s |"
        ),
        (
            f"| index | {b['items']} items, {b['passages']} passages ({b['passages'] / b['items']:.2f}/item), "
            f"{b['sentences']} precomputed sentences, model `{b['model']}` ({b['dim']}-d) |"
        ),
        (
            f"| Faiss index (manifest) | `{b['faiss']['type']}` (exact: {b['faiss']['exact']}; HNSW above "
            f"{b['faiss']['flat_max_passages']:,} passages) |"
        ),
        f"| open index (load items, vectors, Faiss, BM25) | {r['open_index_s']:.2f} s |",
        f"| peak RSS at the end of this run | {r['peak_rss_end_mib']:.0f} MiB |",
        "",
    ]
    q = r["queries"]
    L += [
        "## Known-item retrieval",
        "",
        (
            f"{q['n']} queries ({', '.join(f'{n} {t}' for t, n in q['by_type'].items())}), seed {r['seed']}, from "
            f"{q['eligible_items']} eligible items; {q['with_duplicate_titles']} queries have more than one relevant "
            f"item (same normalized title), {q['relevant_per_query_mean']:.2f} relevant per query on average. "
            "Ranking = the shown hits, then the rest of the candidate list (`SearchResult.ranked`)."
        ),
        "",
        "| config | MRR@10 | Recall@10 | hit rate@10 | no hits (false refusals) | refused, yet relevant in top 10 |",
        "|---|---|---|---|---|---|",
    ]
    for name, c in r["configs"].items():
        o = c["overall"]
        L.append(
            f"| {name}{' (default)' if name == 'hybrid' else ''} | {o['mrr@10']:.3f} | {o['recall@10']:.3f} | "
            f"{o['hit_rate@10']:.3f} | {c['false_refusals']}/{q['n']} ({c['false_refusal_rate']:.1%}) | "
            f"{c['refused_with_relevant_in_top10']} |"
        )
    types = list(q["by_type"])
    L += [
        "",
        "Per query type, MRR@10 / Recall@10 (false-refusal rate):",
        "",
        "| config | " + " | ".join(types) + " |",
        "|---" * (len(types) + 1) + "|",
    ]
    for name, c in r["configs"].items():
        L.append(
            f"| {name} | "
            + " | ".join(
                f"{c['by_type'][t]['mrr@10']:.3f} / {c['by_type'][t]['recall@10']:.3f} "
                f"({c['false_refusal_rate_by_type'].get(t, 0.0):.0%})"
                for t in types
            )
            + " |"
        )
    L += [
        "",
        "Our own MRR/recall code agrees with ranx to within "
        f"{max(c['own_metrics_max_abs_diff_vs_ranx'] for c in r['configs'].values()):.1e}. "
        "How the planner read the queries (hybrid): "
        + ", ".join(f"{k} {v}" for k, v in r["configs"]["hybrid"]["plan_intents"].items())
        + ".",
        "",
        "Example queries (query <- title):",
        "",
    ]
    for t, exs in q["examples"].items():
        for e in exs[:3]:
            L.append(f'- {t}: `{e["query"]}` <- "{e["title"]}"')
    hy = r["configs"]["hybrid"]
    if hy["refused"]:
        L += [
            "",
            (
                "Queries the default configuration answered with no hits (what the planner read, the best "
                "candidate's relevance against the 0.30 threshold, the relevant item's rank in the candidate list):"
            ),
            "",
            "| qid | query | planner filters | top relevance | relevant at |",
            "|---|---|---|---|---|",
        ]
        for qid, d in hy["refused"].items():
            filt = "; ".join(f"{k}: {', '.join(d[k])}" for k in ("kinds", "people", "orgs") if d.get(k)) or "none"
            top = "-" if d["top_relevance"] is None else f"{d['top_relevance']:.2f}"
            L.append(f"| {qid} | `{d['query']}` | {filt} | {top} | {d['relevant_rank'] or 'not in list'} |")
    if hy["planner_filters"]:
        L += [
            "",
            f"The planner put filters on {len(hy['planner_filters'])} of these topical queries: "
            + "; ".join(
                f"{qid} ({', '.join(f'{k} {v}' for k, v in d.items())})" for qid, d in hy["planner_filters"].items()
            )
            + ".",
        ]
    L += [
        "",
        "## Warm search latency at this size",
        "",
        f"{lat['n']} queries x {lat['rounds']} rounds, default (hybrid) configuration, each query encoded bare "
        "(`index.embedder.encode_queries`) and then searched, in the same loop, after one warm-up. "
        "The machine is shared: 1-minute load average "
        + ", ".join(f"{x:.1f}" for x in lat["load_avg_1m"])
        + f" (before and after each round) on {r['machine']['nproc']} CPUs, so the pooled p95 includes other processes' bursts; "
        "the per-query minimum over the rounds is the less disturbed figure.",
        "",
        "| | pooled p50 ms | pooled p95 ms | per-query min p50 ms | per-query min p95 ms |",
        "|---|---|---|---|---|",
        (
            f"| bare query encode | {lat['encode_p50_ms']:.1f} | {lat['encode_p95_ms']:.1f} | "
            f"{lat['min_encode_p50_ms']:.1f} | {lat['min_encode_p95_ms']:.1f} |"
        ),
        (
            f"| `search()` | {lat['search_p50_ms']:.1f} | {lat['search_p95_ms']:.1f} | "
            f"{lat['min_search_p50_ms']:.1f} | {lat['min_search_p95_ms']:.1f} |"
        ),
        (
            f"| ratio search / encode | {lat['ratio_p50']:.2f}x | {lat['ratio_p95']:.2f}x | "
            f"{lat['min_ratio_p50']:.2f}x | {lat['min_ratio_p95']:.2f}x |"
        ),
        "",
        "Per query type, per-query min p50 (search / encode ms): "
        + ", ".join(
            f"{t} {lat['min_search_p50_ms_by_type'][t]:.1f} / {lat['min_encode_p50_ms_by_type'][t]:.1f}"
            for t in lat["min_search_p50_ms_by_type"]
        )
        + ".",
        "",
        "Time per stage inside `search()`, p50 / p95 over all rounds (its own `timings`; fusion_relevance = total "
        "minus the named stages: fusion, candidate ordering, per-term BM25 and the relevance model): "
        + ", ".join(f"{k} {v:.1f} / {lat['stages_p95_ms'][k]:.1f}" for k, v in lat["stages_p50_ms"].items())
        + " ms.",
        "",
        "First pass over the queries, per configuration (cold caches, before the warm rounds): "
        + ", ".join(
            f"{n} p50 {c['first_pass_latency_p50_ms']:.0f} ms / p95 {c['first_pass_latency_p95_ms']:.0f} ms "
            f"(load {c['load_avg_1m']:.1f})"
            for n, c in r["configs"].items()
        )
        + ".",
        "",
    ]
    L += [METHOD, ""]
    if r.get("notes"):
        L += ["## Observations", ""] + [f"- {n}" for n in r["notes"]] + [""]
    return "\n".join(L)


METHOD = """## Method and blind spots

The query set is automatic (`build_queries`, pure and seeded): items are drawn, in a seeded shuffle of
the id-sorted corpus, from talks with an abstract of at least 30 words and a title shared by at most 3
items (generic titles such as "Keynote" or "Lightning talks" are not known items). The quota is split
evenly between three kinds of query, each from a different item, none containing the item's whole
title (normalized):

- **paraphrase**: the title's content words (stop words and numbers dropped), a quarter dropped when
  there are four or more, some swapped for synonyms from a small built-in map, shuffled.
- **tags**: the item's specific tags in shuffled order: tags on more than 0.5% of the items ("django",
  "pycon", "machine learning"), tags with digits ("pycon2011") and tags naming the event
  ("pydataberlin") are left out; at least two must remain.
- **abstract-sentence**: the abstract sentence nearest its middle (never the first, and never one
  that appears in another item's abstract, such as "Recorded at PyConDE & PyData Berlin 2022"), cut to
  30 words, a fifth of its words dropped and some swapped for synonyms, lower-cased without punctuation.

The source item is relevant (grade 1), and so is every other item with the same normalized title (the
same talk filed under two events). MRR@10, Recall@10 and hit rate@10 come from ranx; recall counts
each duplicate, so a query whose talk exists twice scores 0.5 when only one copy is in the top 10.

Blind spots:

- Known-item retrieval is not topical relevance: it rewards finding one talk, and calls every other
  talk on the same subject a miss. Absolute numbers are lower bounds on usefulness; compare configs.
- The queries are made from the indexed text. Paraphrases keep most title words and the title is
  indexed twice in BM25 and leads every passage, so lexical overlap favours BM25; the abstract-sentence
  queries are near-copies of one sentence of a ~100-word passage, which BM25 matches term by term while
  the passage's single embedding dilutes it. Real users paraphrase more, and ask about topics.
- Tags are only in the BM25 text (and in the passage of an item without an abstract), so tags queries
  test BM25 more than dense retrieval; shared tags ("flask sqlalchemy") match many talks.
- Duplicates are caught only by identical normalized titles; reworded copies of a talk count as misses.
- Synonym swaps come from a 100-odd word map and are sometimes odd ("py", "www"): they perturb, they
  do not imitate users. Non-English talks are sampled like the others; the model is English-only.
- "False refusals" counts queries that showed no hits at all, whether the relevance threshold
  (calibrated on the @Scale queries of eval/data) or a planner filter caused it: every query here has a
  relevant talk, so each is a miss the user sees as "nothing found". Known-item queries are specific;
  vaguer topical questions at this scale may be refused more often, which this set does not measure.
"""


def write_results(report: dict, out_dir: Path, command: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"{report['date']}-pyvideo"
    md, js = stem.with_suffix(".md"), stem.with_suffix(".json")
    report = dict(report, command=command)
    js.write_text(json.dumps(report, indent=1, default=str) + "\n")
    md.write_text(format_md(report, command))
    return md, js


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.pyvideo", description=__doc__.split("\n\n")[0])
    p.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE, help="pyvideo-data.tar.gz or an unpacked copy")
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the JSONL, index and embedding cache go (default: a new temporary folder); "
        "reuse one to rebuild from the embedding cache",
    )
    p.add_argument("--queries", type=int, default=N_QUERIES, help=f"known-item queries (default {N_QUERIES})")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--events", default=None, help="comma-separated event folders only (a quick smoke run)")
    p.add_argument("--model", default=None, help="embedding model (default: the settings' MiniLM)")
    p.add_argument("--latency-rounds", type=int, default=LATENCY_ROUNDS, help="times each query is timed warm")
    p.add_argument("--out-dir", type=Path, default=RESULTS, help="where the .md and .json go")
    p.add_argument("--no-write", action="store_true", help="print the report, write no results")
    args = p.parse_args(argv)
    if args.queries <= 0:
        p.error(f"--queries must be positive, got {args.queries}")
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="talks-pyvideo-"))
    events = [e for e in args.events.split(",") if e.strip()] if args.events else None
    report = evaluate(
        args.archive,
        data_dir,
        args.queries,
        args.model,
        events,
        args.seed,
        max(1, args.latency_rounds),
        log=lambda s: print(s, file=sys.stderr, flush=True),
    )
    command = "python -m eval.pyvideo " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.no_write:
        print(format_md(dict(report, command=command), command.strip()))
    else:
        md, js = write_results(report, args.out_dir, command.strip())
        print(f"wrote {md} and {js}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
