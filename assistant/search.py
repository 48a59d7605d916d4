r"""Retrieval: plan the question, rank candidates (dense + BM25, fused), then judge each one.

    question -> Plan -> filters -> dense (Faiss) + BM25 -> fusion -> ranked top-k -> relevance labels
                       \-> schedule, event, overlap, who/when/about a named item: items from the plan
                       \-> "posters like X": related(X)

Rank, then judge: search returns the ranked top-k (recall first), each hit labeled match / possible / weak
from its calibrated relevance. Refusal is decided per question: when the best hit is below the
out-of-scope bar, there are no hits and the nearest items come back as `closest`, marked as not matching.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime

import numpy as np

from corpus.item import KINDS, PROGRAM_KINDS, Item
from index.lexical import tokenize
from index.store import Index
from index.text import bm25_text

from assistant import scoring
from assistant.intents import ExampleIntents
from assistant.planner import GENERIC, PART_OF_DAY, STOP, Vocabulary, plan_query
from assistant.readers import asked_of, find_references
from assistant.records import Filters, Hit, Intent, Label, Plan, SearchResult
from assistant.settings import Fusion, Settings

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LABEL = {str(label): label for label in Label}  # a dict lookup per hit, not an Enum call


class SearchError(ValueError):
    """A request that cannot be served as asked; the message says what would be valid."""


def clean_query(query, max_chars: int) -> tuple[str, list[str]]:
    if not isinstance(query, str):
        raise SearchError(f"the query must be text, got {type(query).__name__}")
    notes = []
    q = _CONTROL.sub(" ", query)
    q = " ".join(q.split())
    if not q:
        raise SearchError("the query is empty: type a question or a few keywords")
    if len(q) > max_chars:
        q = q[:max_chars].rsplit(" ", 1)[0]
        notes.append(f"query cut to its first {max_chars} characters")
    return q, notes


def check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or k <= 0:
        raise SearchError(f"k must be a positive whole number, got {k!r}")
    return k


class LastQueries:
    """An embedder that remembers its last few query encodes: the intent reader and the topical search often
    encode the same question, or encode the intent's text and the search text in one batch."""

    def __init__(self, embedder, size: int = 4):
        self.embedder, self.size = embedder, size
        self.name, self.dim = embedder.name, embedder.dim
        self._last: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()  # the app answers on several threads

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if len(texts) > 2:  # building, fitting: nothing to remember
            return self.embedder.encode_queries(texts)
        with self._lock:
            known = [self._last.get(t) for t in texts]
        if any(v is None for v in known):
            vecs = self.embedder.encode_queries(texts)
        else:
            vecs = np.stack(known)
        with self._lock:
            for t, v in zip(texts, vecs):
                self._last.pop(t, None)
                self._last[t] = v
            while len(self._last) > self.size:
                self._last.pop(next(iter(self._last)))
        return vecs


class Searcher:
    """Search and related-item lookups over one loaded index."""

    def __init__(self, index: Index, settings: Settings):
        self.index = index
        self.settings = settings
        self.vocab = Vocabulary.build(index.items)
        self.encoder = LastQueries(index.embedder)
        self._org_counts = Counter(o for i in index.items for o in i.orgs)
        # question words ("what", "talks", "any") are not topic terms: kept out of BM25 and coverage
        self._stop_stems = set(tokenize([" ".join(sorted(GENERIC))])[0])
        # the event record answers event questions only; it is never a topical or related hit
        self._program = np.array([i.kind != "event" for i in index.items], dtype=bool)
        self._all_program = bool(self._program.all())

    @property
    def items(self) -> list[Item]:
        return self.index.items

    @functools.cached_property
    def intents(self) -> ExampleIntents | None:
        """The intent classifier over this index's embedder (None when switched off)."""
        s = self.settings
        if not (s.planner and s.intent_examples):
            return None
        return ExampleIntents(self.encoder, s.intent_min_probability, s.intent_sure_probability, cache_dir=s.cache_dir)

    # ------------------------------------------------------------ helpers

    def _allowed(self, plan: Plan) -> np.ndarray | None:
        if not plan.filtered:
            return None
        mask = self.index.item_mask(
            plan.kinds, plan.orgs, plan.people, plan.scheduled_only, plan.time_from, plan.time_to
        )
        asks_posters = plan.text or plan.kinds == ("poster",)  # not "afternoon sessions": the program's slots
        if (plan.time_from or plan.time_to) and not plan.scheduled_only and "poster" in plan.kinds and asks_posters:
            # a poster has no slot of its own: it is up during the poster sessions, so a window that meets one
            # ("any talk on customer feedback this afternoon?", "posters this afternoon") holds the posters too
            t0, t1 = (datetime.fromisoformat(t) if t else None for t in (plan.time_from, plan.time_to))
            if any(
                (t1 is None or i.start_dt < t1) and (t0 is None or (i.end_dt or i.start_dt) > t0)
                for i in self.vocab.poster_sessions
            ):
                mask |= self.index.item_mask(("poster",), plan.orgs, plan.people)
        if plan.not_orgs:  # "posters other than Meta's": none of these orgs on the item
            mask &= ~self.index.item_mask(orgs=plan.not_orgs)
        return mask

    def _merge(self, plan: Plan, filters: Filters | None) -> Plan:
        if filters is None:
            return plan
        for kind in filters.kinds:
            if kind not in KINDS:
                raise SearchError(f"unknown kind {kind!r}; valid kinds: {', '.join(KINDS)}")
        known_orgs = self._org_counts
        for org in filters.orgs:
            if org not in known_orgs:
                raise SearchError(
                    f"unknown org {org!r}; orgs in this corpus include: {', '.join(sorted(known_orgs)[:15])}"
                )
        changes = {}
        if filters.kinds:
            changes["kinds"] = tuple(k for k in plan.kinds if k in filters.kinds) or tuple(filters.kinds)
        if filters.orgs:
            changes["orgs"] = tuple(filters.orgs)
        if filters.people:
            changes["people"] = tuple(filters.people)
        if filters.time_of_day:
            if filters.time_of_day not in PART_OF_DAY:
                raise SearchError(f"unknown time of day {filters.time_of_day!r}; valid: {', '.join(PART_OF_DAY)}")
            if self.vocab.scheduled:
                first = self.vocab.scheduled[0].start_dt
                t0, t1 = PART_OF_DAY[filters.time_of_day]
                changes["time_from"] = datetime.combine(first.date(), t0, tzinfo=first.tzinfo).isoformat()
                changes["time_to"] = datetime.combine(first.date(), t1, tzinfo=first.tzinfo).isoformat()
        return replace(plan, **changes)

    def hits_for(self, rows, signals: dict | None = None) -> tuple[Hit, ...]:
        return tuple(
            Hit(item=self.items[r], score=1.0, rank=n + 1, signals=dict(signals or {})) for n, r in enumerate(rows)
        )

    def _by_time(self, rows):
        return sorted(rows, key=lambda r: (self.items[r].start or "9999", self.items[r].title))

    def resolve(self, ref: str) -> Item:
        """An item by id, exact title, or a close title match."""
        ref = " ".join(str(ref).split())
        if not ref:
            raise SearchError("no item given: pass an item id or title")
        if ref in self.index.by_id:
            return self.items[self.index.by_id[ref]]
        for item in self.items:
            if item.title.casefold() == ref.casefold():
                return item
        refs = find_references(f'"{ref}"', self.vocab)
        match = refs[0][0] if refs else None
        if match is None:
            raise SearchError(
                f"no item with id or title {ref!r}; find ids with `talks search` (ids look like {self.items[0].id!r})"
            )
        return match

    # ------------------------------------------------------------ search

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> SearchResult:
        s = self.settings
        t0 = time.perf_counter()
        q, notes = clean_query(query, s.max_query_chars)
        k_given = k is not None
        k = check_k(k if k_given else s.k)
        plan = plan_query(q, self.vocab, self.intents) if s.planner else Plan(query=q, text=q)
        plan = self._merge(plan, filters)
        plan = self.described(plan)
        if notes:
            plan = replace(plan, notes=plan.notes + tuple(notes))
        timings = {"plan_ms": (time.perf_counter() - t0) * 1000}
        allowed = self._allowed(plan)
        limit = max(k, s.k_list) if plan.intent in (Intent.LIST, Intent.SCHEDULE) else k

        if plan.related_to:
            kinds = plan.kinds or None
            shown = k if k_given else s.k_related
            ranked = tuple(self.related(plan.related_to, k=max(shown, 10), kinds=kinds))
            return SearchResult(plan, ranked[:shown], ranked=ranked, timings=timings)
        if plan.intent == Intent.COMPARE and len(plan.targets) < 2:
            plan = self._compare_best(plan, allowed)
        named = plan.schedule or (plan.targets if plan.intent == Intent.COMPARE else ())
        if named:
            rows = [self.index.by_id[i] for i in named]
            if allowed is not None and plan.intent not in (Intent.EVENT, Intent.OVERLAP, Intent.COMPARE):
                rows = [r for r in rows if allowed[r]]
            hits = self.hits_for(rows, {"schedule": True})
            return SearchResult(plan, hits, ranked=hits, timings=timings)
        if not plan.text and (allowed is not None or plan.whole_list or plan.intent == Intent.LIST):
            if allowed is None:  # "all the talks and posters": the whole program
                allowed = self.index.item_mask(PROGRAM_KINDS)
            rows = self._by_time(np.flatnonzero(allowed & self._program).tolist())
            if plan.whole_list:
                limit = max(limit, len(rows))
            hits = self.hits_for(rows[:limit], {"filter": True})
            if len(rows) > limit:
                plan = replace(plan, notes=plan.notes + (f"showing {limit} of {len(rows)}",))
            return SearchResult(plan, hits, ranked=hits, timings=timings, total=len(rows))
        return self._topical(plan, allowed, k, limit, timings, t0)

    def described(self, plan: Plan) -> Plan:
        """A question about one item it describes instead of naming ("who gives the talk about the computer making
        silent mistakes?"): asked of that item when the likeliest of search's best three for the description is
        a match, and likelier than the next by `described_margin`; else a topical question (the people of the
        matches, for "who")."""
        if not plan.described or plan.targets or plan.related_to:
            return plan
        allowed = self._allowed(replace(plan, scheduled_only=False))
        found = self._topical(replace(plan, intent=Intent.TOPIC, text=plan.described), allowed, 3, 3, {}, 0.0)
        best = sorted(found.ranked[:3], key=lambda h: -(h.relevance or 0.0))
        chances = [h.relevance or 0.0 for h in best] + [0.0]
        matches = [best[0].item] if best and best[0].label == Label.MATCH else []
        if not matches or chances[0] - chances[1] < self.settings.described_margin:
            # "who" and "when" with no item are topical (the people, the times of the matches); the rest need one
            kept = plan.intent if plan.intent in (Intent.WHO, Intent.WHEN) else Intent.TOPIC
            return replace(plan, intent=kept, described="", notes=plan.notes + ("no one item matches the description",))
        changes, what = asked_of(plan.intent, matches, self.vocab)
        if plan.intent != Intent.RELATED:
            changes.update(text="", kinds=(), scheduled_only=False)  # the item answers: no topic, no filter
        return replace(plan, **changes, notes=plan.notes + (f"{what} (the item described)",))

    def _compare_best(self, plan: Plan, allowed) -> Plan:
        """ "How do the two posters on X differ?": the named item(s), then the best topical matches, up to two."""
        if not plan.text:
            return replace(plan, intent=Intent.TOPIC)
        found = self._topical(replace(plan, intent=Intent.TOPIC), allowed, 2, 2, {}, time.perf_counter())
        more = [h.item.id for h in found.ranked if h.item.id not in plan.targets][: 2 - len(plan.targets)]
        if len(plan.targets) + len(more) < 2:
            return replace(plan, intent=Intent.TOPIC)
        return replace(plan, targets=plan.targets + tuple(more), notes=plan.notes + ("compared: the closest matches",))

    def _topical(self, plan: Plan, allowed, k: int, limit: int, timings: dict, t0: float) -> SearchResult:
        s = self.settings
        text = plan.text or plan.query
        allowed = self._program if allowed is None else allowed & self._program
        if plan.intent == Intent.RECOMMEND:  # sessions and posters to go to, not meals
            allowed = allowed & self.index.item_mask(PROGRAM_KINDS)
        t = time.perf_counter()
        qvec = self.encoder.encode_queries([text])[0]
        timings["encode_ms"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        n = len(self.items)
        small = n <= 5000
        every = self._all_program and allowed is self._program  # no mask for Faiss to build
        pool_n = max(3 * limit, 30)  # the labeled candidates (calibration reads the top 30)
        dense = self.index.dense_scores(qvec, None if every else allowed, k=None if small else pool_n)
        timings["dense_ms"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        terms = [t for t in self.index.lexical.terms(text) if t not in self._stop_stems]
        bm25 = self.index.lexical.scores(terms)
        bm25 = bm25.astype(np.float64) if every else np.where(allowed, bm25, 0.0)
        timings["bm25_ms"] = (time.perf_counter() - t) * 1000
        reachable = np.isfinite(dense) | (bm25 > 0)
        candidates = np.flatnonzero(reachable if every else reachable & allowed)
        # fused and ranked over the candidates alone, in row order: every other row has no score to rank (-inf
        # dense, no BM25 match), so ranks, ties and the BM25 maximum are the same as over every row
        dense, bm25 = dense[candidates], bm25[candidates]
        bm25_scores = np.where(bm25 > 0, bm25, -np.inf)
        fused = {
            Fusion.RRF: lambda: scoring.rrf([scoring.ranks(dense), scoring.ranks(bm25_scores)], s.rrf_k),
            Fusion.DENSE: lambda: np.where(np.isfinite(dense), dense, -1.0),
            Fusion.BM25: lambda: bm25.astype(np.float64),
            Fusion.BLEND: lambda: scoring.blend(dense, bm25, s.blend_dense),
        }[s.fusion]()
        at = scoring.top_rows(fused, np.arange(len(candidates)), pool_n)  # in fused order, ties by row
        pool = candidates[at].tolist()
        idf = self._query_idf(terms)
        # which query terms each pooled item contains (for term coverage): the terms' posting lists, not a
        # BM25 score over every document per term
        rows = np.asarray(pool, dtype=np.int64)
        has = {t_: self.index.lexical.contains(t_, rows) for t_ in idf if idf[t_] > 0}
        raw = dense[at]
        ok = np.isfinite(raw)
        top_dense = float(raw[ok].max()) if ok.any() else 0.0
        d_pool = np.where(ok, raw, 0.0)
        features = scoring.relevance_features(d_pool, scoring.coverages(idf, has, len(rows)), top_dense)
        weights = {"dense": s.rel_dense, "coverage": s.rel_coverage, "gap": s.rel_gap}
        probs = scoring.relevance(features, s.rel_bias, weights)
        columns = {  # one list per signal, read row by row below (floats, not numpy scalars)
            **{f: np.asarray(v, dtype=np.float64).tolist() for f, v in features.items()},
            "dense_rank": scoring.rank_of(dense, at).tolist(),
            "bm25": bm25[at].astype(np.float64).tolist(),
            "bm25_rank": scoring.rank_of(bm25_scores, at).tolist(),
            "fused": fused[at].astype(np.float64).tolist(),
            "relevance": np.asarray(probs, dtype=np.float64).tolist(),
        }
        in_order = sorted(has)
        inside = np.array([has[t_] for t_ in in_order], dtype=bool).reshape(len(in_order), len(rows)).T.tolist()
        columns["matched_terms"] = [[t_ for t_, y in zip(in_order, row) if y] for row in inside]
        names = tuple(columns)
        ranked = []
        for i, (row, values) in enumerate(zip(pool, zip(*columns.values(), strict=True))):
            signals = dict(zip(names, values))
            p = signals["relevance"]
            ranked.append(
                Hit(
                    item=self.items[row],
                    score=signals["fused"],
                    rank=i + 1,
                    signals=signals,
                    relevance=p,
                    label=_LABEL[scoring.label(p, s.rel_match, s.rel_possible)],
                )
            )
        if plan.people or plan.orgs:
            # a person or org the question names is exact evidence: the items on it are never refused, and
            # at least possibly relevant, whatever the rest of the wording scores
            ranked = [h if h.label != Label.WEAK else replace(h, label=Label.POSSIBLE) for h in ranked]
        best = max((h.relevance for h in ranked), default=0.0)
        # a person or org named is exact evidence; a recommendation asks for this agenda's best, whatever it is
        refused = best < s.rel_refuse and not (
            plan.people or plan.orgs or plan.not_orgs or plan.intent == Intent.RECOMMEND
        )
        hits = () if refused else tuple(ranked[:limit])
        closest = tuple(ranked[: s.closest_n]) if refused else ()
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return SearchResult(
            plan, hits, closest=closest, ranked=tuple(ranked), timings=timings, query_vec=qvec, total=len(candidates)
        )

    def _query_idf(self, terms: list[str]) -> dict[str, float]:
        """idf per query term; a term the corpus never uses gets the highest idf (it cannot be matched)."""
        lex = self.index.lexical
        unseen = float(np.log(1 + (lex.n_docs + 0.5) / 0.5))
        return {t: (lex.idf(t) or unseen) for t in dict.fromkeys(terms)}

    # ------------------------------------------------------------ related

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one searcher per process; items do not change under it
    def _stems(self, row: int) -> frozenset[str]:
        """The BM25 stems of an item's indexed text."""
        return frozenset(tokenize([bm25_text(self.items[row])])[0])

    @functools.lru_cache(maxsize=4096)  # noqa: B019
    def _surface(self, row: int) -> dict[str, str]:
        return _surface_words(self.items[row])

    @functools.lru_cache(maxsize=4096)  # noqa: B019
    def _terms_of(self, row: int, top: int = 12) -> dict[str, float]:
        """An item's most telling terms: tf-idf over its title (counted twice) and abstract, people left out."""
        item = self.items[row]
        counts = Counter(tokenize([f"{item.title} {item.title} {item.abstract}"])[0])
        lex = self.index.lexical
        names = set(tokenize([" ".join(item.names())])[0])
        floor = float(np.log(1 + (lex.n_docs - lex.n_docs / 4 + 0.5) / (lex.n_docs / 4 + 0.5)))  # in <= 1/4 of items
        weights = {
            t: c**0.5 * lex.idf(t)
            for t, c in counts.items()
            if len(t) > 2 and not t.isdigit() and t not in STOP and t not in names and lex.idf(t) >= floor
        }
        return dict(sorted(weights.items(), key=lambda kv: -kv[1])[:top])

    def related(self, ref: str, k: int = 5, kinds: tuple[str, ...] | list[str] | None = None) -> list[Hit]:
        """Items like a given one (by id or title), diversified with MMR, each with a reason."""
        s = self.settings
        k = check_k(k)
        source = self.resolve(ref)
        for kind in kinds or ():
            if kind not in KINDS:
                raise SearchError(f"unknown kind {kind!r}; valid kinds: {', '.join(KINDS)}")
        row = self.index.by_id[source.id]
        allowed = self.index.item_mask(tuple(kinds or PROGRAM_KINDS)).copy()
        allowed[row] = False
        if not allowed.any():
            return []
        vec = self.index.item_vector(row)
        dense = self.index.dense_scores(vec, allowed, k=None if len(self.items) <= 5000 else max(4 * k, 20))
        terms = self._terms_of(row)
        bm25 = np.where(allowed, self.index.lexical.scores(list(terms)), 0.0)
        fused = scoring.blend(dense, bm25, s.related_blend_dense)
        fused = np.where(allowed & np.isfinite(dense) & (dense >= s.related_min_dense), fused, -np.inf)
        pool = [r for r in np.argsort(-fused, kind="stable")[: max(4 * k, 20)] if np.isfinite(fused[r])]
        if not pool:
            return []
        vecs = np.stack([self.index.item_vector(r) for r in pool])
        picks = scoring.mmr(fused[pool], vecs, k, s.mmr_lambda)
        hits = []
        best = max(float(dense[pool[i]]) for i in picks)
        for n, i in enumerate(picks, 1):
            r = pool[i]
            d = float(dense[r]) if np.isfinite(dense[r]) else 0.0
            hits.append(
                Hit(
                    item=self.items[r],
                    score=float(fused[r]),
                    rank=n,
                    signals={"dense": d, "bm25": float(bm25[r]), "fused": float(fused[r])},
                    reason=self._reason(source, self.items[r], terms),
                    label=Label.MATCH if d >= s.related_match_ratio * best else Label.POSSIBLE,
                )
            )
        return hits

    def _reason(self, a: Item, b: Item, a_terms: dict[str, float]) -> str:
        b_tokens = self._stems(self.index.by_id[b.id])
        shared = [t for t in a_terms if t in b_tokens]
        surface = self._surface(self.index.by_id[a.id])
        words = [surface[t] for t in shared if t in surface][:4]
        parts = []
        if words:
            parts.append("shared topics: " + ", ".join(words))
        people = sorted(set(a.names()) & set(b.names()))
        if people:
            parts.append("same people: " + ", ".join(people))
        common = {o for o, n in self._org_counts.items() if n > len(self.items) / 4}  # "same org: Meta" says little
        orgs = sorted((set(a.orgs) & set(b.orgs)) - common)
        if orgs:
            parts.append("same org: " + ", ".join(orgs))
        if a.start and b.start and a.start == b.start:
            parts.append("same time slot")
        if not parts:
            parts.append("similar abstract (embedding similarity)")
        return "; ".join(parts)


def _surface_words(item: Item) -> dict[str, str]:
    """An item's BM25 stems -> a readable word of its text for each ("agent" -> "agents")."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9-]+", f"{item.title} {item.abstract}")
    stem_of: dict[str, str] = {}
    for w, toks in zip(words, tokenize(words) if words else []):
        if toks:
            stem_of.setdefault(toks[0], w.lower() if not w.isupper() else w)
    return stem_of
