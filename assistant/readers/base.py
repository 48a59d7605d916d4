"""What every reader shares: the `Reading` it returns, its memo, and the words several readers key on."""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant.vocabulary import Vocabulary


class Reading(NamedTuple):
    rest: str
    changes: dict
    notes: tuple[str, ...] = ()


def cut_out(text: str, start: int, end: int) -> str:
    return " ".join((text[:start] + " " + text[end:]).split())


MEAL = re.compile(r"\b(registration|breakfast|lunch|break|happy hour|food|coffee|networking)\b", re.I)


REF_NOUN = r"(?:talk|poster|panel|session|presentation|keynote|chat|one|discussion|thing|slot)"


MEMO_MAX = 100_000  # entries a long-running server keeps in a vocabulary's memo before it starts again


def remember(vocab: Vocabulary, key, compute):
    """compute(), kept in the vocabulary's memo under key (bounded: cleared when it is full)."""
    if key not in vocab.memo:
        if len(vocab.memo) >= MEMO_MAX:
            vocab.memo.clear()
        vocab.memo[key] = compute()
    return vocab.memo[key]


CUE_WORDS = {
    "compare",
    "comparing",
    "comparison",
    "contrast",
    "versus",
    "vs",
    "difference",
    "differences",
    "differ",
    "similar",
    "like",
    "related",
    "overlap",
    "overlaps",
    "clash",
    "clashes",
    "conflicts",
    "between",
}

# a sentence that opens with a clause, not a question: "When I am SRE, which posters ..."
WHEN_CLAUSE = re.compile(
    r"^(\W*)when(?=\s+(?:i|we|you)(?:'?m|'?re|'?ve|\s+am|\s+are)?\s+(?!can\b|could\b|should\b|need\b|have to\b|must\b)\w|"
    r"\s+\w+ing\s+as\s+an?\b)",
    re.I,
)
