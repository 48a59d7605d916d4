"""Summary counts of a corpus, as a dict and as the text `talks corpus stats` prints."""

from __future__ import annotations

from collections import Counter

from corpus.item import KINDS, Item


def corpus_stats(items: list[Item]) -> dict:
    kinds = Counter(i.kind for i in items)
    events = Counter(i.event for i in items)
    orgs = Counter(o for i in items for o in i.orgs)
    people = {p.name for i in items for p in i.people}
    return {
        "items": len(items),
        "kinds": {k: kinds.get(k, 0) for k in KINDS},
        "events": dict(events.most_common()),
        "orgs": dict(orgs.most_common()),
        "people": len(people),
        "with_abstract": sum(1 for i in items if i.abstract),
        "scheduled": sum(1 for i in items if i.start),
    }


def format_stats(stats: dict, top: int = 10) -> str:
    lines = [
        f"{stats['items']} items: " + ", ".join(f"{n} {k}" for k, n in stats["kinds"].items()),
        f"{stats['with_abstract']} with an abstract, {stats['scheduled']} with a time slot",
        f"{len(stats['events'])} event(s): " + _top(stats["events"], top),
        f"{len(stats['orgs'])} orgs: " + _top(stats["orgs"], top),
        f"{stats['people']} people",
    ]
    return "\n".join(lines)


def _top(counts: dict, top: int) -> str:
    shown = ", ".join(f"{k} ({n})" for k, n in list(counts.items())[:top])
    return shown + (f", ... {len(counts) - top} more" if len(counts) > top else "")
