"""Items named by their place in the day or on the page ("the talk right after lunch", "the last poster")."""

from __future__ import annotations

import re
from datetime import datetime

from assistant.readers.base import Reading
from assistant.readers.items import title_run, word_match
from assistant.readers.references import BARE_WHAT, CUES
from assistant.readers.times import PART_OF_DAY, clock_of, event_day, item_end, slot_anchor
from assistant.records import Intent
from assistant.vocabulary import STOP, Vocabulary, title_words, words
from corpus.item import Item

_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "fifth": 4,
             "5th": 4, "last": -1, "final": -1, "penultimate": -2}  # fmt: skip
PLACE_NOUN = r"(?:poster session|talk|panel|session|presentation|keynote|one|slot)"
# an ordinal also counts posters and whole entries in the order the page lists them ("the last poster on the page")
ORD_NOUN = r"(?:poster session|poster|talk|panel|session|presentation|keynote|one|slot|item|entry|listing)"
ON_PAGE = r"(?:on|in|of) the (?:page|list|listing|agenda|website|site|booklet|program(?:me)?)|listed"
_ORD_REF = re.compile(  # not "the first talk after lunch" (_NEXT_REF)
    r"\bthe\s+(?:very\s+)?(" + "|".join(_ORDINALS) + r")\s+(" + ORD_NOUN + r")\b(?!s)"
    r"(?:\s+(?:of|in) the (day|morning|afternoon))?(?:\s+(?:" + ON_PAGE + r")\b)?"
    r"(?!\s+(?:(?:right|just|immediately|directly|straight)\s+)?(?:after|before|following|preceding)\b)",
    re.I,
)
_AT_CLOCK = r"(\d{1,2}):(\d{2})\s*(am|pm)?|(\d{1,2})\s*(am|pm)"
_CLOCK_REF = re.compile(  # "the 10:55 talk", "the 3:05 observability talk" (words of its title), "the panel at 13:20"
    r"\bthe\s+(?:"
    + _AT_CLOCK
    + r")\s+((?:[a-z][\w-]*\s+){0,2}?)("
    + PLACE_NOUN
    + r")\b(?!s)|\bthe\s+("
    + PLACE_NOUN
    + r")\s+(?:at|@)\s+(?:"
    + _AT_CLOCK
    + r")(?![\w:])",
    re.I,
)
_NEXT_REF = re.compile(  # "the talk right after X", "the first session after lunch", "the last one before X"
    r"\bthe\s+(?:(?:first|next|last|final)\s+)?(" + PLACE_NOUN + r")\s+(?:(?:that|which)\s+(?:comes?|is|runs?)\s+)?"
    r"(?:(?:right|just|immediately|directly|straight)\s+)?(after|before|following|preceding)\s+",
    re.I,
)


def _place_pool(noun: str, vocab: Vocabulary) -> list[Item]:
    """The slots a place noun counts among: poster sessions, panels, or talks and panels; posters, or every
    entry, in the page's order."""
    noun = noun.lower()
    if noun == "poster session":
        return list(vocab.poster_sessions)
    if noun == "poster":
        return [i for i in vocab.program if i.kind == "poster"]
    if noun in ("item", "entry", "listing"):
        return list(vocab.scheduled) + [i for i in vocab.program if not i.start]
    return [i for i in vocab.scheduled if i.kind in (("panel",) if noun == "panel" else ("talk", "panel"))]


def _placed(text: str, pos: int, vocab: Vocabulary, one: str = "talk") -> tuple[Item, int] | None:
    """The item an ordinal or clock phrase starting at `pos` names ("the second panel", "the 10:55 talk", "the
    panel at 13:20"), and where the phrase ends; "one" counts among what `one` names ("the first panel ...
    the last one")."""
    if m := _ORD_REF.match(text, pos):
        pool = _place_pool(one if m.group(2).lower() == "one" else m.group(2), vocab)
        if m.group(3) and m.group(3).lower() != "day":
            lo, hi = PART_OF_DAY[m.group(3).lower()]
            pool = [i for i in pool if i.start and lo <= i.start_dt.time() < hi]
        n = _ORDINALS[m.group(1).lower()]
        return (pool[n], m.end()) if -len(pool) <= n < len(pool) else None
    if m := _CLOCK_REF.match(text, pos):
        g = m.groups()
        t = clock_of(g[0], g[1], g[2], None) or clock_of(g[3], None, g[4], None)
        t = t or clock_of(g[8], g[9], g[10], None) or clock_of(g[11], None, g[12], None)
        noun = g[6] or g[7]
        pool = _place_pool(one if noun.lower() == "one" else noun, vocab)
        if t is None or not pool:
            return None
        day, tz = event_day(vocab)
        moment = datetime.combine(day, t, tzinfo=tz)
        at = [i for i in pool if i.start_dt == moment] or [i for i in pool if i.start_dt <= moment < item_end(i)]
        said = [w for w in words((g[5] or "").replace("-", " ")) if w not in STOP]  # "the 15:30 real-world AI talk"
        if at and not all(any(word_match(w, tw) for tw in title_words(at[0])) for w in said):
            return None  # "the 3:05 observability talk" names that talk only when its title has those words
        return (at[0], m.end()) if at else None
    return None


def _next_to(text: str, m: re.Match, vocab: Vocabulary, one: str = "talk") -> tuple[Item, int] | None:
    """The item "the talk right after X" / "the one before the second panel" names, and where X ends: the
    shortest run of words after the cue that names a slot or an item."""
    anchor, end = None, m.end()
    if placed := _placed(text, m.end(), vocab):
        anchor, end = placed
    else:
        tail = list(re.finditer(r"[^\s?!.,;]+", text[m.end() :]))
        for n in range(1, min(6, len(tail)) + 1):
            phrase = text[m.end() : m.end() + tail[n - 1].end()]
            if tail[n - 1].start() != tail[0].start() and re.search(r"[?!.,;]", phrase):
                break
            if all(w in STOP for w in words(phrase)):
                continue
            if (anchor := slot_anchor(phrase, vocab)) is not None:
                end = title_run(text, anchor, m.end(), m.end() + tail[n - 1].end())[1]  # "the fireside chat"
                break
    if anchor is None:
        return None
    noun = one if m.group(1).lower() == "one" else m.group(1)
    pool = [i for i in _place_pool(noun, vocab) if i.id != anchor.id and i.start]  # "the poster after X": none
    if m.group(2).lower() in ("after", "following"):
        later = [i for i in pool if i.start_dt >= item_end(anchor)]
        return (later[0], end) if later else None
    earlier = [i for i in pool if item_end(i) <= anchor.start_dt]
    return (earlier[-1], end) if earlier else None


def read_places(text: str, vocab: Vocabulary) -> Reading:
    """Items named by their place in the day, in a question that asks something of them: "who gives the talk
    right after the fireside chat", "how does the 10:55 talk compare to the 14:15 one", "what overlaps with
    the last panel". Each is written as its title in quotes for the item readers after this one. A question
    that asks nothing of it is a schedule question: "the last session before happy hour" is that one slot;
    "what's the talk after lunch?", "the last talk of the day" are left to read_time."""
    if not vocab.scheduled:
        return Reading(text, {})
    spans: list[tuple[int, int, Item]] = []
    pos, one, nth = 0, "talk", []
    while pos < len(text):
        starts = [
            m for m in (_NEXT_REF.search(text, pos), _ORD_REF.search(text, pos), _CLOCK_REF.search(text, pos)) if m
        ]
        if not starts:
            break
        m = min(starts, key=lambda x: x.start())
        found = _next_to(text, m, vocab, one) if m.re is _NEXT_REF else _placed(text, m.start(), vocab, one)
        if found is None:
            pos = m.end()
            continue
        spans.append((m.start(), found[1], found[0]))
        if m.re is _NEXT_REF and re.match(r"the\s+(?:first|next|last|final)\b", m.group(0), re.I):
            nth.append(spans[-1])
        pos = found[1]
        noun = next((g for g in m.groups() if g and re.fullmatch(ORD_NOUN, g, re.I)), "one").lower()
        one = noun if noun != "one" else one
    if not spans:
        return Reading(text, {})
    rest = text
    for s, e, _ in reversed(spans):
        rest = rest[:s] + " " + rest[e:]
    asks = [intent for intent, cue in CUES if cue.search(rest)]
    notes = tuple(f"{text[s:e]!r}: {item.title!r}" for s, e, item in spans)
    if not asks or (asks == [Intent.ABOUT] and re.search(BARE_WHAT, " ".join(rest.split()), re.I)):
        if nth:  # "what's the last session before happy hour?"
            return Reading(" ".join(rest.split()), {"schedule": tuple(i.id for _, _, i in nth)}, notes)
        return Reading(text, {})
    for s, e, item in reversed(spans):
        title = re.sub(r"[\"“”‘’']", "", item.title)[:118]
        text = text[:s] + f"“{title}”" + text[e:]
    return Reading(text, {}, notes)
