"""The records of the question path: a `Plan`, scored `Hit`s, a `SearchResult`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from corpus.item import Item


@dataclass(frozen=True)
class Plan:
    """What the planner read in a question: filters, intent, and the text left to match on topic."""

    query: str
    text: str                                   # the topical part, used for dense and BM25 matching
    intent: str = "topic"                       # topic | list | who | when | schedule | related
    kinds: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    time_from: str | None = None                # ISO datetimes bounding the slots asked about
    time_to: str | None = None
    schedule: tuple[str, ...] = ()              # item ids that a schedule question resolves to
    related_to: str | None = None               # item id for "posters like <item>"
    scheduled_only: bool = False                # "when is ...?": only items with a time can answer
    notes: tuple[str, ...] = ()                 # what the planner did, for the trace

    @property
    def filtered(self) -> bool:
        return bool(self.kinds or self.orgs or self.people or self.time_from or self.time_to or self.scheduled_only)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    item: Item
    score: float
    rank: int
    signals: dict = field(default_factory=dict)
    reason: str = ""                            # for related items: why this one

    def to_dict(self) -> dict[str, Any]:
        i = self.item
        out = {"id": i.id, "title": i.title, "kind": i.kind,
               "people": [{"name": p.name, "org": p.org, "role": p.role} for p in i.people],
               "orgs": list(i.orgs), "start": i.start, "end": i.end, "score": round(float(self.score), 4),
               "signals": {k: (round(float(v), 4) if isinstance(v, float) else v) for k, v in self.signals.items()}}
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class SearchResult:
    plan: Plan
    hits: tuple[Hit, ...]                       # the relevant items, best first
    closest: tuple[Hit, ...] = ()               # when nothing matched: the nearest items, not matching
    ranked: tuple[Hit, ...] = ()                # every candidate in fused order (for evaluation)
    timings: dict = field(default_factory=dict)
    query_vec: Any = field(default=None, compare=False, repr=False)  # the encoded topical text, if any

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.plan.query, "plan": self.plan.to_dict(),
                "hits": [h.to_dict() for h in self.hits],
                "closest": [h.to_dict() for h in self.closest]}


@dataclass(frozen=True)
class Filters:
    """Filters chosen outside the question (CLI flags, the app's controls); they narrow the plan's."""

    kinds: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    time_of_day: str | None = None              # morning | afternoon | evening


@dataclass(frozen=True)
class Citation:
    n: int                                      # the [n] marker in the answer text
    id: str
    title: str
    quote: str                                  # evidence: a sentence of the item's text
    supported: bool = True                      # the citation check found the claim in the item
    support: float = 1.0                        # best similarity between the claim and the item's text

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "id": self.id, "title": self.title, "quote": self.quote,
                "supported": self.supported, "support": round(float(self.support), 3)}


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]                       # the items given to the answerer, numbered [1]..[n]
    refused: bool                               # the agenda does not cover the question
    answerer: str                               # "grounded" or the LLM's model string
    notices: tuple[str, ...] = ()               # e.g. why the LLM answer was replaced
    closest: tuple[Hit, ...] = ()               # when refused: the nearest items, not matching
    trace: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.text,
                "citations": [c.to_dict() for c in self.citations], "refused": self.refused,
                "hits": [h.to_dict() for h in self.hits], "notices": list(self.notices),
                "answerer": self.answerer, "closest": [h.to_dict() for h in self.closest]}
