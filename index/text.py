"""What of an item gets indexed: the BM25 document and the passages embedded for dense search.

MiniLM reads at most 256 wordpieces, and some abstracts run to 700, so an item is embedded as
several passages (title and people first, then windows of the abstract, each led by the title);
an item's dense score is the best of its passages.
"""

from __future__ import annotations

import re

from corpus.item import Item

PASSAGE_WORDS = 100  # words per passage, title and people included: under MiniLM's 256 wordpieces
OVERLAP_WORDS = 25
PASSAGE_PARAMS = {"words": PASSAGE_WORDS, "overlap": OVERLAP_WORDS}


def header(item: Item) -> str:
    people = "; ".join(p.credit() for p in item.people)
    head = f"{item.title}. {item.kind}."
    if people:
        head += f" {people}."
    return head


def bm25_text(item: Item) -> str:
    people = " ".join(f"{p.name} {p.org}" for p in item.people)
    return " ".join([item.title, item.title, people, " ".join(item.orgs), " ".join(item.tags), item.abstract])


def passages(item: Item, words: int = PASSAGE_WORDS, overlap: int = OVERLAP_WORDS) -> list[str]:
    """The texts embedded for an item: at least one, each under the model's length limit."""
    head = header(item)
    body = item.abstract.split()
    if not body:
        # no abstract: the speakers' bios are the only words about the topic (the Metamate talk, Agentic Evals)
        tags = f" Topics: {', '.join(item.tags)}." if item.tags else ""
        bios = " ".join(f"{p.name}: {p.bio}" for p in item.people if p.bio)
        return [" ".join(f"{head}{tags} {bios}".split()[:words])]
    out, start = [], 0
    while True:
        prefix = head if start == 0 else f"{item.title}."
        size = max(30, words - len(prefix.split()))
        out.append(f"{prefix} {' '.join(body[start : start + size])}")
        if start + size >= len(body):
            return out
        start += max(1, size - overlap)


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(\[])")


def sentences(item: Item, min_words: int = 4) -> list[str]:
    """The abstract's sentences, verbatim (each a substring of the abstract), for quoting and support checks.

    Paragraphs and bullet lines are split first; a fragment shorter than min_words (a sub-heading such
    as "Goal") is not a sentence.
    """
    out = []
    for line in item.abstract.split("\n"):
        line = line.strip()
        if not line:
            continue
        for sent in _SENTENCE_END.split(line):
            sent = sent.strip()
            if len(sent.split()) >= min_words:
                out.append(sent)
    return out
