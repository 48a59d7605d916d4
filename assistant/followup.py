"""Follow-up questions that point back at earlier answers: "the second one", "that poster",
"who presented it?", "anything similar?". Pure rules over the previous answers' cited items, so they
work the same with or without an LLM."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.records import Answer

ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
ORDINAL = re.compile(
    r"\b(?:the\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th|seventh|eighth|"
    r"ninth|tenth|last)\s+(one|talk|poster|panel|item|session|result)s?\b",
    re.I,
)
NUMBERED = re.compile(r"\b(?:number|no\.?|#)\s*(\d+)\b|\[(\d+)\]", re.I)
DEICTIC = re.compile(
    r"\b(?:that|this|the same)\s+(one|talk|poster|panel|session|item)\b|\b(it|its|them|those|they|these)\b", re.I
)
SIMILAR = re.compile(
    r"\b(similar|related|like (?:it|that|this|them|those|these)|more like|others like|anything else like)\b", re.I
)
KIND = {
    "poster": re.compile(r"\bposters?\b", re.I),
    "panel": re.compile(r"\bpanels?\b", re.I),
    "talk": re.compile(r"\btalks?\b", re.I),
}
NEW_TOPIC_WORDS = re.compile(r"[a-z]{4,}", re.I)
_ACRONYM = re.compile(r"\b[A-Z]{2,3}\b")
_NOT_ACRONYMS = {"OK", "LOL", "FYI", "BTW", "PLS", "THX", "TY", "AM", "PM", "IT", "ID"}
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*(?:am|pm)\b", re.I)
FOLLOWUP_WORDS = set(
    """about tell more similar related like anything else other others some show give posters poster
talks talk panels panel session sessions presented presents presenting present speaks speaking speaker speakers gave
giving given when what which time where that this those these them they their there with from have does more details
detail about explain describe summary summarize please also same ones item items result results number""".split()
)


@dataclass(frozen=True)
class FollowUp:
    intent: str  # related | who | when | about | clarify (nothing to refer to: ask which)
    item_ids: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    note: str = ""
    source: str = ""  # the question whose answer listed the items


def _listed(answer: Answer) -> list[str]:
    """Item ids of an answer in the order the user saw them ([1], [2], ...)."""
    seen = [c.id for c in sorted(answer.citations, key=lambda c: c.n)]
    return list(dict.fromkeys(seen)) or [h.item.id for h in answer.hits]


def resolve(question: str, history: list[Answer] | tuple[Answer, ...]) -> FollowUp | None:
    """A follow-up read against the last answer, or None for a fresh question. A reference with nothing to
    refer to ("the second one" after a refusal, or first thing) asks which item is meant."""
    q = question.strip()
    history = list(history)
    prev = history[-1] if history else None
    if prev is None or prev.refused or not (prev.citations or prev.hits):
        if _pure_reference(q):
            return FollowUp("clarify", (), note="nothing to refer to")
        return None
    listed = _listed(prev)
    kinds_of = {h.item.id: h.item.kind for h in prev.hits}
    targets: list[str] = []
    ref = ""
    if m := ORDINAL.search(q):
        word, noun = m.group(1).lower(), m.group(2).lower()
        pool = [i for i in listed if noun not in KIND or kinds_of.get(i) == noun] or listed
        idx = len(pool) if word == "last" else ORDINALS[word]
        if 1 <= idx <= len(pool):
            targets, ref = [pool[idx - 1]], m.group(0)
    elif m := NUMBERED.search(q):
        idx = int(m.group(1) or m.group(2))
        if 1 <= idx <= len(listed):
            targets, ref = [listed[idx - 1]], m.group(0)
    elif m := DEICTIC.search(q):
        noun = (m.group(1) or "").lower()
        pronoun = (m.group(2) or "").lower()
        if pronoun in ("them", "those", "they", "these"):
            targets = listed
        else:
            pool = [i for i in listed if noun not in KIND or kinds_of.get(i) == noun] or listed
            targets = pool[:1]
        ref = m.group(0)
    similar = SIMILAR.search(q)
    rest = q.replace(ref, " ") if ref else q  # ("abc".replace("", " ") would space out every letter)
    leftover = _new_words(rest)
    if not targets:
        # "any related posters?" / "anything similar?" with nothing else: about the last answer's top item
        if similar and not leftover:
            targets, ref = listed[:1], "the previous answer"
        else:
            return None
    if leftover and not similar and not re.match(r"^\s*(who|when(?! it comes to)|what time|tell me|more)\b", q, re.I):
        return None  # new words: a new question that happens to say "it" ("When it comes to RAG, anything on it?")
    kinds = tuple(k for k, pat in KIND.items() if pat.search(rest))
    if "talk" in kinds:
        kinds = tuple(dict.fromkeys([k for k in kinds if k != "talk"] + ["talk", "panel"]))
    src = prev.question
    if similar:
        return FollowUp("related", tuple(targets[:1]), kinds, note=f"related to {ref}", source=src)
    if re.match(r"^\s*(who|whom)\b", q, re.I) or re.search(
        r"\b(presented|presenting|speaker|speakers|gave|giving)\b", q, re.I
    ):
        return FollowUp("who", tuple(targets), note=f"who: {ref}", source=src)
    if re.match(r"^\s*(when|what time)\b", q, re.I):
        return FollowUp("when", tuple(targets), note=f"when: {ref}", source=src)
    return FollowUp("about", tuple(targets), note=f"about: {ref}", source=src)


def _pure_reference(q: str) -> bool:
    """'the second one', 'who presented it?', '#3': a pointer and no topic of its own."""
    m = ORDINAL.search(q) or NUMBERED.search(q) or DEICTIC.search(q)
    if not m:
        return False
    if (m.group(0).lower() in ("them", "those", "these", "they")) and re.search(
        r"\b(?:talks|posters|panels|sessions)\b", q[: m.start()], re.I
    ):
        return False  # "what panels are there? all of them": the question's own plural, not an earlier list
    if _CLOCK.search(q):
        return False  # "the talk at 15:30 - what is it about?": the item is named by its time
    return not _new_words(q.replace(m.group(0), " "))


def _new_words(text: str) -> list[str]:
    """Words a follow-up does not use: a topic of its own ("comes"; "RAG": an acronym counts though short, in a
    question that is not all capitals)."""
    words = [w for w in NEW_TOPIC_WORDS.findall(text) if w.lower() not in FOLLOWUP_WORDS]
    if re.search(r"[a-z]", text):
        words += [w for w in _ACRONYM.findall(text) if w not in _NOT_ACRONYMS]
    return words
