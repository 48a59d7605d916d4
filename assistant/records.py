"""The records of the question path: a `Plan`, scored `Hit`s, a `SearchResult`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from corpus.item import Item


class Intent(StrEnum):
    """What a question asks for; decides how search gathers items and how the answer is laid out."""

    TOPIC = "topic"  # items about something
    LIST = "list"  # "which talks ...", "all the posters"
    WHO = "who"  # people on items
    WHEN = "when"  # the time of items
    SCHEDULE = "schedule"  # items at a time or in a window
    RELATED = "related"  # items like a named one
    ABOUT = "about"  # what a named item is about
    EVENT = "event"  # venue, date, start/end, registration, breaks, the full schedule
    COMPARE = "compare"  # two named items side by side
    OVERLAP = "overlap"  # what runs at the same time as a named item
    RECOMMEND = "recommend"  # a short list for an interest, one reason each

    @classmethod
    def from_str(cls, value: str) -> Intent:
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"unknown intent {value!r}; valid: {', '.join(i.value for i in cls)}") from None


class Label(StrEnum):
    """How well a ranked hit answers the question, from its calibrated relevance."""

    MATCH = "match"  # listed in the answer
    POSSIBLE = "possible"  # named in one line as possibly relevant
    WEAK = "weak"  # ranked, not offered


@dataclass(frozen=True)
class Plan:
    """What the planner read in a question: filters, intent, and the text left to match on topic."""

    query: str
    text: str  # the topical part, used for dense and BM25 matching
    intent: Intent = Intent.TOPIC
    kinds: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    not_orgs: tuple[str, ...] = ()  # "other than Meta": items none of these orgs are on
    people: tuple[str, ...] = ()
    time_from: str | None = None  # ISO datetimes bounding the slots asked about
    time_to: str | None = None
    schedule: tuple[str, ...] = ()  # item ids that a schedule question resolves to
    related_to: str | None = None  # item id for "posters like <item>"
    scheduled_only: bool = False  # "when is ...?": only items with a time can answer
    notes: tuple[str, ...] = ()  # what the planner did, for the trace
    targets: tuple[str, ...] = ()  # items the question names (compare, overlap, about, who/when)
    event_fact: str | None = None  # venue | date | start | end | registration | breaks | ...
    whole_list: bool = False  # "all the posters": list every match, not the top k
    window: bool = False  # the schedule is a time window (every overlapping item)
    # clocks said in another time zone, as read here ("7pm my time (Europe/London): 11:00")
    clocks: tuple[str, ...] = ()
    # the words describing the one item a question asks of without naming it ("who gives the talk about the computer
    # making silent mistakes?"); search finds that item (Searcher.described)
    described: str = ""

    @property
    def filtered(self) -> bool:
        return bool(
            self.kinds
            or self.orgs
            or self.not_orgs
            or self.people
            or self.time_from
            or self.time_to
            or self.scheduled_only
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    item: Item
    score: float
    rank: int
    signals: dict = field(default_factory=dict)
    reason: str = ""  # for related items: why this one
    label: Label = Label.MATCH  # match / possible / weak, from the calibrated relevance
    relevance: float | None = None  # P(relevant) for topical hits; None where it does not apply

    def to_dict(self) -> dict[str, Any]:
        i = self.item
        out = {
            "id": i.id,
            "title": i.title,
            "kind": i.kind,
            "people": [{"name": p.name, "org": p.org, "role": p.role} for p in i.people],
            "orgs": list(i.orgs),
            "start": i.start,
            "end": i.end,
            "score": round(float(self.score), 4),
            "signals": {k: (round(float(v), 4) if isinstance(v, float) else v) for k, v in self.signals.items()},
            "label": str(self.label),
            "relevance": None if self.relevance is None else round(float(self.relevance), 4),
        }
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class SearchResult:
    plan: Plan
    hits: tuple[Hit, ...]  # the ranked items, best first, each labeled; () when refused
    closest: tuple[Hit, ...] = ()  # when nothing matched: the nearest items, not matching
    ranked: tuple[Hit, ...] = ()  # every candidate in fused order (for evaluation)
    timings: dict = field(default_factory=dict)
    query_vec: Any = field(default=None, compare=False, repr=False)  # the encoded topical text, if any
    total: int | None = None  # how many items matched the filters or were ranked

    @property
    def matches(self) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if h.label == Label.MATCH)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.plan.query,
            "plan": self.plan.to_dict(),
            "hits": [h.to_dict() for h in self.hits],
            "closest": [h.to_dict() for h in self.closest],
        }


@dataclass(frozen=True)
class Filters:
    """Filters chosen outside the question (CLI flags, the app's controls); they narrow the plan's."""

    kinds: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    time_of_day: str | None = None  # morning | afternoon | evening


@dataclass(frozen=True)
class Citation:
    n: int  # the [n] marker in the answer text
    id: str
    title: str
    quote: str  # evidence: a sentence of the item's text
    supported: bool = True  # the citation check found the claim in the item
    support: float = 1.0  # best similarity between the claim and the item's text

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "id": self.id,
            "title": self.title,
            "quote": self.quote,
            "supported": self.supported,
            "support": round(float(self.support), 3),
        }


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]  # the items given to the answerer, numbered [1]..[n]
    refused: bool  # the agenda does not cover the question
    answerer: str  # "grounded" or the LLM's model string
    notices: tuple[str, ...] = ()  # e.g. why the LLM answer was replaced
    closest: tuple[Hit, ...] = ()  # when refused: the nearest items, not matching
    trace: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "refused": self.refused,
            "hits": [h.to_dict() for h in self.hits],
            "notices": list(self.notices),
            "answerer": self.answerer,
            "closest": [h.to_dict() for h in self.closest],
        }
