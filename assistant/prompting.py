"""The LLM's context: retrieved items numbered [1]..[n] as whole items, delimited as data."""

from __future__ import annotations

from pathlib import Path

from corpus.item import Item

from assistant.extractive import clock
from assistant.records import Answer, Hit

PROMPTS = Path(__file__).resolve().parent / "prompts"
MAX_ABSTRACT_CHARS = 2500
HISTORY_TURNS = 3


def system_prompt() -> str:
    return (PROMPTS / "system.txt").read_text(encoding="utf-8").strip()


def render_item(n: int, item: Item) -> str:
    people = "; ".join(p.credit(role=True) for p in item.people)
    lines = [f"[{n}] {item.title}", f"kind: {item.kind}"]
    if item.start:
        lines.append(f"time: {item.start[:10]} {clock(item)}")
    if people:
        lines.append(f"people: {people}")
    if item.orgs:
        lines.append(f"orgs: {', '.join(item.orgs)}")
    abstract = item.abstract[:MAX_ABSTRACT_CHARS] + ("…" if len(item.abstract) > MAX_ABSTRACT_CHARS else "")
    lines.append(f"abstract: {abstract or '(none published)'}")
    return "\n".join(lines)


def render_items(hits: tuple[Hit, ...] | list[Hit]) -> str:
    body = "\n\n".join(render_item(n, h.item) for n, h in enumerate(hits, 1))
    return f"<items>\n{body}\n</items>"


def render_history(history: list[Answer] | tuple[Answer, ...]) -> str:
    turns = []
    for a in list(history)[-HISTORY_TURNS:]:
        text = a.text if len(a.text) < 1200 else a.text[:1200] + "…"
        turns.append(f"User: {a.question}\nAssistant: {text}")
    return "\n\n".join(turns)


def messages(question: str, hits, history=()) -> list[dict]:
    user = render_items(hits)
    past = render_history(history)
    if past:
        user += f"\n\nEarlier in this conversation (for resolving references only):\n{past}"
    user += f"\n\nQuestion: {question}"
    return [{"role": "system", "content": system_prompt()}, {"role": "user", "content": user}]


def as_text_prompt(msgs: list[dict]) -> str:
    """The same context as one plain prompt, for models served on a text-completion endpoint."""
    return "\n\n".join(m["content"] for m in msgs) + "\n\nAnswer:"
