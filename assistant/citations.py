"""The citation check run after every answer, from the LLM or not.

1. Markers `[n]` that are out of range (or name no item given) are removed and reported. A quoted
   span found verbatim in a given item is never edited: a `[2]` that is part of an abstract's sentence
   stays in the quote, and is neither a citation nor removed.
2. Each claim (a sentence or list line) that cites items is checked for support against the cited
   items' own text: a quoted span found verbatim in the item, or enough of the claim's words in the
   item, or, failing both, the best cosine between the claim and the item's sentences and title by the
   embedder. Unsupported claims are flagged.
3. For list questions, relevant items the answer left out are added under "Also relevant".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from corpus.item import Item
from index.store import Index

from assistant.extractive import best_sentence, clock
from assistant.records import Citation, Hit

MARKER = re.compile(r"\[(\s*\d{1,6}(?:\s*,\s*\d{1,6}){0,50}\s*)\]")
QUOTE_SPAN = re.compile(r'"([^"\n]+)"')
QUOTED = re.compile(r'"([^"]{12,})"')
WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
SUPPORT_COSINE = 0.5  # claim vs. best item sentence, when words and quotes do not settle it
SUPPORT_WORDS = 0.6  # share of a claim's content words found in the item's text
FILLER = set(
    """the a an and or of to in on for with by at from is are was were be this that these those it its their
they we our you your will can has have had as about into which who what when where how also more most such than
then there here item items talk talks poster posters panel panels session sessions speaker speakers agenda""".split()
)


@dataclass(frozen=True)
class CheckReport:
    removed: tuple[str, ...] = ()  # markers taken out, with the reason
    unsupported: tuple[dict, ...] = ()  # {"n", "claim", "support"} for claims not found in the item
    claims: int = 0  # fact-stating sentences/lines
    cited_claims: int = 0  # ... of which carry at least one valid citation
    also_relevant: tuple[str, ...] = ()  # ids added because the answer left them out
    details: list = field(default_factory=list)

    @property
    def citation_recall(self) -> float:
        return self.cited_claims / self.claims if self.claims else 1.0

    def to_dict(self) -> dict:
        return {
            "removed": list(self.removed),
            "unsupported": list(self.unsupported),
            "claims": self.claims,
            "cited_claims": self.cited_claims,
            "citation_recall": round(self.citation_recall, 3),
            "also_relevant": list(self.also_relevant),
        }


def _words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in FILLER and len(w) > 2}


def item_text(item: Item) -> str:
    people = " ".join(f"{p.name} {p.org} {p.role} {p.bio}" for p in item.people)
    return f"{item.title}\n{item.kind}\n{clock(item)}\n{people}\n{' '.join(item.orgs)}\n{item.abstract}"


def _claims(text: str) -> list[str]:
    """Lines, and sentences within long lines; headings and the answerer's label are not claims."""
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if not line or line.startswith("_Composed") or (line.endswith(":") and not MARKER.search(line)):
            continue
        whole = (
            line.startswith(("-", "*"))
            or len(MARKER.findall(line)) == 1
            and MARKER.search(line.rstrip(" .")).end() >= len(line.rstrip(" .")) - 1
        )
        parts = [line] if whole else re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", line)
        out += [p for p in parts if p.strip()]
    return out


def quoted_spans(text: str, sources: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each quoted span in text that is found verbatim in one of
    the sources: quotes of an item's own words, which the check must leave as they are."""
    spans = []
    for m in QUOTE_SPAN.finditer(text):
        inner = m.group(1)
        if any(inner.rstrip("…") in src for src in sources):
            spans.append(m.span())
    return spans


def _outside(text: str, spans: list[tuple[int, int]], edit) -> str:
    """text with `edit` applied to the parts outside spans only."""
    if not spans:
        return edit(text)
    out, pos = [], 0
    for a, b in spans:
        out.append(edit(text[pos:a]))
        out.append(text[a:b])
        pos = b
    out.append(edit(text[pos:]))
    return "".join(out)


def _markers_outside(text: str, spans: list[tuple[int, int]]) -> list[re.Match]:
    return [m for m in MARKER.finditer(text) if not any(a <= m.start() < b for a, b in spans)]


def _clean_markers(text: str, n_items: int, sources: list[str] = ()) -> tuple[str, list[str]]:
    removed = []

    def fix(m):
        nums = [int(x) for x in m.group(1).split(",")]
        keep = [x for x in nums if 1 <= x <= n_items]
        for x in nums:
            if x not in keep:
                removed.append(f"[{x}]: no such item (the answer was given items 1-{n_items})")
        return "[" + ", ".join(str(x) for x in keep) + "]" if keep else ""

    def clean(part: str) -> str:
        return re.sub(r"[ \t]+([.,;:!?])", r"\1", MARKER.sub(fix, part))

    return _outside(text, quoted_spans(text, list(sources)), clean), removed


def check(
    text: str,
    hits: tuple[Hit, ...] | list[Hit],
    index: Index,
    relevant_ids: list[str] | None = None,
    qvec: np.ndarray | None = None,
) -> tuple[str, tuple[Citation, ...], CheckReport]:
    hits = list(hits)
    if not hits:  # a refusal: nothing was given, so nothing can be cited or claimed
        text, removed = _clean_markers(text, 0)
        return text, (), CheckReport(removed=tuple(removed))
    sources = [item_text(h.item) for h in hits]
    text, removed = _clean_markers(text, len(hits), sources)
    claims = _claims(text)
    cited_by: dict[int, list[str]] = {}
    n_claims = n_cited = 0
    pending = []  # (claim, n) pairs that words and quotes did not settle
    verdict: dict[tuple[str, int], float] = {}
    for claim in claims:
        spans = quoted_spans(claim, sources)
        nums = sorted({int(x) for m in _markers_outside(claim, spans) for x in m.group(1).split(",")})
        bare = _outside(claim, spans, lambda part: MARKER.sub("", part)).replace("**", "").strip(" -*")
        if len(bare.split()) < 3:
            continue
        n_claims += 1
        if not nums:
            continue
        n_cited += 1
        for n in nums:
            cited_by.setdefault(n, []).append(bare)
            item = hits[n - 1].item
            source = item_text(item)
            quotes = QUOTED.findall(bare)
            if quotes and all(q.rstrip("…") in source for q in quotes):
                verdict[(bare, n)] = 1.0
                continue
            words = _words(bare)
            share = len(words & _words(source)) / len(words) if words else 1.0
            if share >= SUPPORT_WORDS:
                verdict[(bare, n)] = share
            else:
                pending.append((bare, n))
    if pending:
        vecs = index.embedder.encode_queries([c for c, _ in pending])
        for (claim, n), v in zip(pending, vecs):
            row = index.by_id[hits[n - 1].item.id]
            _, svecs = index.sentence_vectors(row)
            title_vec = index.item_vector(row)
            sims = [float(title_vec @ v)] + ([float(x) for x in svecs @ v] if len(svecs) else [])
            verdict[(claim, n)] = max(sims) if max(sims) >= SUPPORT_COSINE else -max(sims)
    unsupported = tuple({"n": n, "claim": c, "support": round(abs(s), 3)} for (c, n), s in verdict.items() if s < 0)
    citations = []
    for n in sorted(cited_by):
        item = hits[n - 1].item
        scores = [verdict.get((c, n), 1.0) for c in cited_by[n]]
        quote = _quote_for(index, item, cited_by[n], qvec)
        citations.append(
            Citation(
                n=n,
                id=item.id,
                title=item.title,
                quote=quote,
                supported=all(s >= 0 for s in scores),
                support=min(abs(s) for s in scores),
            )
        )
    also = []
    if relevant_ids:
        cited_ids = {c.id for c in citations}
        missing = [
            (n, h.item) for n, h in enumerate(hits, 1) if h.item.id in relevant_ids and h.item.id not in cited_ids
        ]
        if missing:
            text = text.rstrip() + "\n\nAlso relevant: " + "; ".join(f"{item.title} [{n}]" for n, item in missing)
            for n, item in missing:
                citations.append(
                    Citation(n=n, id=item.id, title=item.title, quote=best_sentence(index, item, qvec) or item.title)
                )
                also.append(item.id)
    report = CheckReport(
        removed=tuple(removed),
        unsupported=unsupported,
        claims=n_claims,
        cited_claims=n_cited,
        also_relevant=tuple(also),
    )
    return text, tuple(sorted(citations, key=lambda c: c.n)), report


def _quote_for(index: Index, item: Item, claims: list[str], qvec) -> str:
    """The evidence to show for a citation: a quoted span from the claim when it is verbatim, else the
    item's sentence closest to the claim (or to the question)."""
    for claim in claims:
        for q in QUOTED.findall(claim):
            if q.rstrip("…") in item_text(item):
                return q
    return best_sentence(index, item, qvec) or item.title
