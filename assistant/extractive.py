"""The grounded default answerer: an answer composed only of the retrieved items' own words.

Every line names an item and ends with its citation; topical answers quote, verbatim, the abstract
sentence closest to the question. Schedule questions get times, "who" questions people and orgs,
questions the agenda does not cover a plain refusal with the closest items marked as not matching.
Deterministic: the same index and question give the same text.
"""

from __future__ import annotations

import numpy as np

from corpus.item import Item
from index.store import Index

from assistant.records import Citation, Hit, SearchResult

LABEL = "_Composed from the talk and poster abstracts (grounded answerer, no LLM)._"


def clock(item: Item) -> str:
    """'3:05–3:30 PM' in the conference's own time zone; '' for an item without a time."""
    if not item.start_dt:
        return ""
    s, e = item.start_dt, item.end_dt

    def fmt(dt, ampm=True):
        text = dt.strftime("%I:%M").lstrip("0")
        return text + (dt.strftime(" %p") if ampm else "")

    if e is None:
        return fmt(s)
    same = s.strftime("%p") == e.strftime("%p")
    return f"{fmt(s, ampm=not same)}–{fmt(e)}"


def byline(item: Item, limit: int = 4) -> str:
    people = [f"{p.name} ({p.org})" if p.org else p.name for p in item.people[:limit]]
    if len(item.people) > limit:
        people.append(f"and {len(item.people) - limit} more")
    return ", ".join(people)


def describe(item: Item) -> str:
    bits = [item.kind]
    if clock(item):
        bits.append(clock(item))
    if item.people:
        bits.append(byline(item))
    return "; ".join(bits)


def best_sentence(index: Index, item: Item, qvec: np.ndarray | None) -> str:
    """The abstract sentence closest to the question (the lead sentence when there is no question vector)."""
    row = index.by_id[item.id]
    sents, vecs = index.sentence_vectors(row)
    if not sents:
        return ""
    if qvec is None or len(vecs) == 0:
        return sents[0]
    return sents[int(np.argmax(vecs @ qvec))]


def _cite(n: int, item: Item, quote: str) -> Citation:
    return Citation(n=n, id=item.id, title=item.title, quote=quote)


def _topic_lines(hits, index, qvec, start_n=1):
    lines, cites = [], []
    for n, hit in enumerate(hits, start_n):
        item = hit.item
        quote = best_sentence(index, item, qvec)
        evidence = f': "{quote}"' if quote else " (no abstract published; matched on its title and speakers)"
        lines.append(f"- **{item.title}** ({describe(item)}){evidence} [{n}]")
        cites.append(_cite(n, item, quote or item.title))
    return lines, cites


def order_hits(result: SearchResult) -> tuple[Hit, ...]:
    """The order answers number items in: talks and panels before posters for topical answers, items
    without a time before timed ones for schedule answers, search order otherwise."""
    plan, hits = result.plan, list(result.hits)
    if plan.intent in ("about", "who") or (plan.people and not plan.text):
        return tuple(hits)
    if plan.intent in ("schedule", "when") or plan.schedule:
        return tuple([h for h in hits if not h.item.start] + [h for h in hits if h.item.start])
    return tuple([h for h in hits if h.item.kind != "poster"] + [h for h in hits if h.item.kind == "poster"])


def compose(result: SearchResult, index: Index, qvec: np.ndarray | None) -> tuple[str, tuple[Citation, ...]]:
    """Answer text and citations for a search result; items are numbered [1]..[n] as `order_hits` lists them."""
    plan, hits = result.plan, list(order_hits(result))
    if not hits:
        return refusal(result), ()
    if plan.intent == "about":
        return _about(hits, index)
    if plan.intent in ("schedule", "when") or plan.schedule:
        return _schedule(hits, plan)
    if plan.intent == "who" or (plan.people and not plan.text):
        return _who(hits, plan)
    talks = [h for h in hits if h.item.kind != "poster"]
    posters = [h for h in hits if h.item.kind == "poster"]
    ordered = talks + posters
    numbered = {h.item.id: n for n, h in enumerate(ordered, 1)}
    lines, cites = [], []
    for group, name in ((talks, "Talks and panels"), (posters, "Posters")):
        if not group:
            continue
        if talks and posters:
            lines.append(f"\n{name}:")
        glines, gcites = _topic_lines(group, index, qvec, numbered[group[0].item.id])
        if plan.related_to:
            glines = [line + f" — {h.reason}" if h.reason else line for line, h in zip(glines, group)]
        lines += glines
        cites += gcites
    head = _summary_line(talks, posters, plan, index)
    return "\n".join([head, *lines, "", LABEL]), tuple(cites)


def _summary_line(talks, posters, plan, index) -> str:
    parts = []
    if talks:
        parts.append(f"{len(talks)} talk{'s' if len(talks) != 1 else ''} or panel{'s' if len(talks) != 1 else ''}")
    if posters:
        parts.append(f"{len(posters)} poster{'s' if len(posters) != 1 else ''}")
    scope = " and ".join(parts)
    if plan.related_to:
        src = index.items[index.by_id[plan.related_to]]
        return f"{scope[0].upper()}{scope[1:]} like **{src.title}**:"
    return f"The agenda has {scope} on this:"


def _schedule(hits: list[Hit], plan) -> tuple[str, tuple[Citation, ...]]:
    lines, cites = ["From the schedule (conference local time):"], []
    timed = [h for h in hits if h.item.start]
    untimed = [h for h in hits if not h.item.start]
    n = 0
    for h in untimed:
        n += 1
        lines.append(f"- **{h.item.title}** is a {h.item.kind} with no slot of its own [{n}]")
        cites.append(_cite(n, h.item, h.item.title))
    if untimed and any(h.item.kind == "poster" for h in untimed):
        lines.append("- Posters are shown during the poster sessions:")
    for h in timed:
        n += 1
        who = f" — {byline(h.item)}" if h.item.people else ""
        lines.append(f"- {clock(h.item)}: **{h.item.title}**{who} [{n}]")
        cites.append(_cite(n, h.item, f"{clock(h.item)} {h.item.title}"))
    return "\n".join([*lines, "", LABEL]), tuple(cites)


def _who(hits: list[Hit], plan) -> tuple[str, tuple[Citation, ...]]:
    lines, cites = [], []
    for n, h in enumerate(hits, 1):
        item = h.item
        asked = {n.casefold() for n in plan.people}
        people = [p for p in item.people if not asked or p.name.casefold() in asked] or list(item.people)
        if not people:
            lines.append(f"- **{item.title}** ({describe(item)}) lists no speakers [{n}]")
            cites.append(_cite(n, item, item.title))
            continue
        roles = ", ".join(f"{p.name}" + (f" ({p.org})" if p.org else "") + (f", {p.role}" if p.role else "") for p in people)
        when = f", {clock(item)}" if clock(item) else ""
        lines.append(f"- **{item.title}** ({item.kind}{when}): {roles} [{n}]")
        quote = roles
        bios = [p for p in people if p.bio]
        if plan.people and bios:
            bio = bios[0]
            quote = bio.bio
            lines.append(f'  {bio.name}: "{bio.bio}{"…" if bio.bio_truncated else ""}" [{n}]')
        cites.append(_cite(n, item, quote))
    return "\n".join(["From the agenda:", *lines, "", LABEL]), tuple(cites)


def _about(hits: list[Hit], index: Index) -> tuple[str, tuple[Citation, ...]]:
    lines, cites = [], []
    for n, h in enumerate(hits, 1):
        item = h.item
        sents, _ = index.sentence_vectors(index.by_id[item.id])
        lines.append(f"**{item.title}** ({describe(item)}) [{n}]")
        if sents:
            lines.append(f'"{" ".join(sents[:3])}" [{n}]')
        else:
            lines.append(f"No abstract was published for it. [{n}]")
        cites.append(_cite(n, item, sents[0] if sents else item.title))
    return "\n".join([*lines, "", LABEL]), tuple(cites)


def refusal(result: SearchResult) -> str:
    lines = [f'The agenda does not cover that: no talk, panel or poster matches "{result.plan.query}".']
    if result.closest:
        lines.append("\nClosest items, which do **not** match:")
        for h in result.closest:
            lines.append(f"- {h.item.title} ({h.item.kind})")
    lines += ["", LABEL]
    return "\n".join(lines)
