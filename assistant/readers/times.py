"""Clock times, windows, parts of the day and slots relative to named ones."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from assistant.readers.base import MEAL, Reading, cut_out
from assistant.readers.items import best_item, speaker_item
from assistant.vocabulary import KIND_WORDS, Vocabulary
from corpus.item import Item

# Hand-written on purpose: ctparse 0.3.6, timefhuman 0.1.5 and dateparser were tried on this program's
# wordings. ctparse read "after 3" as 03:00, "between 2 and 3:30" as the next night and "until 3pm" as a
# point in time; timefhuman returned the current time for all of them. A conference day needs "3" to mean
# 3 PM, windows that are half-open, and anchors on named slots ("before the break"), which none offers.

CLOCK = r"(?:(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?|(noon|midday|midnight))"
WINDOW = re.compile(
    r"\b(?:between|from)\s+" + CLOCK + r"\s*(?:and|to|till|until|-|–)\s*" + CLOCK + r"(?![\w:])"
    r"|\b" + CLOCK + r"\s*(?:-|–|to)\s*" + CLOCK + r"(?![\w:])",
    re.I,
)
BOUND = re.compile(
    r"\b(until|till|til|before|by|up to|after|from|since|past|later than|earlier than)\s+" + CLOCK + r"(?![\w:])", re.I
)
AT_TIME = re.compile(
    r"\b(?:at|around|about|@)\s+" + CLOCK + r"(?![\w:])|\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?!\w)"
    r"|\b(\d{1,2}):(\d{2})\b|\b(noon|midday)\b",
    re.I,
)
ADJACENT = re.compile(
    r"\b(right after|just after|immediately after|directly after|straight after|the one after|"
    r"next after|follows?|following|followed by|comes after|right before|just before|immediately "
    r"before|directly before|the one before|precedes?|preceding|comes before)\s+(?:the\s+)?([^?!]+?)[\s.]*(?:[?!].*)?$",
    re.I,
)
RELATIVE = re.compile(r"\b(after|before|until|till|since|up to)\s+(?:the\s+)?([^?!]+?)[\s.]*(?:[?!].*)?$", re.I)
ORDINAL = re.compile(
    r"\b(first|opening|earliest|last|final|closing|latest)\s+(talk|session|panel|thing|item|event|"
    r"presentation|slot|speaker|keynote)s?\b|\b(kicks? (?:things|it|the day) off|opens the day|"
    r"closes the day|ends the day|wraps up the day)\b",
    re.I,
)
PART_OF_DAY = {  # the two-word ones first: "late morning" is not the whole morning
    "early morning": (time(0, 0), time(10, 0)),
    "late morning": (time(10, 30), time(12, 0)),
    "early afternoon": (time(12, 0), time(14, 30)),
    "late afternoon": (time(15, 0), time(17, 0)),
    "morning": (time(0, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "evening": (time(17, 0), time(23, 59)),
    "tonight": (time(17, 0), time(23, 59)),
}


def clock_of(h, m, ampm, word) -> time | None:
    if word:
        return time(0, 0) if word.lower() == "midnight" else time(12, 0)
    if h is None:
        return None
    hour, minute = int(h), int(m or 0)
    if ampm:
        ampm = ampm.lower().replace(".", "")
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif hour < 8:  # "at 3" on a conference day means the afternoon
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def event_day(vocab: Vocabulary):
    first = vocab.scheduled[0].start_dt
    return first.date(), first.tzinfo


def item_end(i: Item) -> datetime:
    return i.end_dt or i.start_dt + timedelta(minutes=1)


def _window(vocab: Vocabulary, t0: time | None, t1: time | None) -> tuple[str, ...]:
    """Items overlapping [t0, t1): those fully inside first, then those that only overlap, by start."""
    day, tz = event_day(vocab)
    lo = datetime.combine(day, t0 or time(0, 0), tzinfo=tz)
    hi = datetime.combine(day, t1 or time(23, 59), tzinfo=tz)
    hit = [i for i in vocab.scheduled if i.start_dt < hi and item_end(i) > lo]
    inside = [i for i in hit if i.start_dt >= lo and item_end(i) <= hi]
    return tuple(i.id for i in inside + [i for i in hit if i not in inside])


def _at(vocab: Vocabulary, t: time) -> tuple[str, ...]:
    """The slots running at a time; if none, the next ones to start."""
    day, tz = event_day(vocab)
    moment = datetime.combine(day, t, tzinfo=tz)
    running = [i for i in vocab.scheduled if i.start_dt <= moment < item_end(i)]
    if running:
        return tuple(i.id for i in running)
    later = [i for i in vocab.scheduled if i.start_dt >= moment]
    return tuple(i.id for i in later if i.start == later[0].start)


def slot_anchor(phrase: str, vocab: Vocabulary) -> Item | None:
    """A named slot: 'lunch', 'the afternoon break', 'the keynote', a title or speaker."""
    low = phrase.lower()
    if re.match(r"(?:the\s+)?keynote\b", low):
        talks = [i for i in vocab.scheduled if i.kind == "talk" and i.abstract] or list(vocab.scheduled)
        return talks[0] if talks else None
    for meal in ("registration", "breakfast", "lunch", "happy hour"):
        if meal in low:
            return next((i for i in vocab.scheduled if meal in i.title.lower()), None)
    if re.search(r"\bbreak\b", low):
        breaks = [i for i in vocab.scheduled if re.search(r"\bbreak\b", i.title.lower())]
        if "morning" in low:
            breaks = [i for i in breaks if i.start_dt.hour < 12] or breaks
        elif "afternoon" in low:
            breaks = [i for i in breaks if i.start_dt.hour >= 12] or breaks
        return breaks[0] if breaks else None
    item = best_item(phrase, vocab, 0.5, 0.5)
    if item is not None and item.start and item in vocab.scheduled:
        return item
    spk = speaker_item(phrase, vocab)
    return spk if spk is not None and spk.start else None


def _program_kinds(noun: str) -> tuple[str, ...]:
    noun = noun.lower()
    if noun in ("talk", "presentation", "speaker", "keynote", "session"):
        return ("talk", "panel")
    return ("panel",) if noun == "panel" else ()


def read_time(text: str, vocab: Vocabulary) -> Reading:
    if not vocab.scheduled:
        return Reading(text, {})
    if (m := ADJACENT.search(text)) and (anchor := slot_anchor(m.group(2), vocab)) is not None:
        after = not re.search(r"before|precede", m.group(1), re.I)
        if after:
            pool = [i for i in vocab.scheduled if i.start_dt >= item_end(anchor) and i.id != anchor.id]
            pick = [i for i in pool if pool and i.start == pool[0].start]
        else:
            pool = [i for i in vocab.scheduled if item_end(i) <= anchor.start_dt and i.id != anchor.id]
            last = max((i.start for i in pool), default=None)
            pick = [i for i in pool if i.start == last]
        # "who speaks right after lunch": a speaking slot, not the next meal
        kinds = (
            _program_kinds("talk") if re.search(r"\b(speak|speaks|talk|talks|presents|on stage)\b", text, re.I) else ()
        )
        if kinds and pick and all(i.kind not in kinds for i in pick):
            nxt = [i for i in (pool if after else reversed(pool)) if i.kind in kinds][:1]
            pick = nxt or pick
        return Reading(
            cut_out(text, m.start(), m.end()),
            {"schedule": tuple(i.id for i in pick)},
            (f"{'after' if after else 'before'} {anchor.title!r}",),
        )
    if m := WINDOW.search(text):
        g = m.groups()
        t0, t1 = (
            (clock_of(*g[0:4]), clock_of(*g[4:8]))
            if m.group(0).lower().startswith(("between", "from"))
            else (clock_of(*g[8:12]), clock_of(*g[12:16]))
        )
        if t0 and t1:
            if t1 <= t0 and not g[2] and not g[10]:  # "from 11 to 1": 1 PM
                t1 = time(min(23, t1.hour + 12), t1.minute)
            return Reading(
                cut_out(text, m.start(), m.end()),
                {"schedule": _window(vocab, t0, t1), "window": True},
                (f"between {t0.strftime('%H:%M')} and {t1.strftime('%H:%M')}",),
            )
    if m := BOUND.search(text):
        t = clock_of(*m.groups()[1:5])
        if t is not None:
            upto = m.group(1).lower() in ("until", "till", "til", "before", "by", "up to", "earlier than")
            ids = _window(vocab, None, t) if upto else _window(vocab, t, None)
            return Reading(
                cut_out(text, m.start(), m.end()),
                {"schedule": ids, "window": True},
                (f"{'until' if upto else 'from'} {t.strftime('%H:%M')}",),
            )
    if (m := RELATIVE.search(text)) and (anchor := slot_anchor(m.group(2), vocab)) is not None:
        upto = m.group(1).lower() in ("before", "until", "till", "up to")
        day, tz = event_day(vocab)
        ids = (
            _window(vocab, None, anchor.start_dt.timetz().replace(tzinfo=None))
            if upto
            else _window(vocab, item_end(anchor).timetz().replace(tzinfo=None), None)
        )
        ids = tuple(i for i in ids if i != anchor.id)
        return Reading(
            cut_out(text, m.start(), m.end()),
            {"schedule": ids, "window": True},
            (f"{m.group(1).lower()} {anchor.title!r}",),
        )
    if m := ORDINAL.search(text):
        word = (m.group(1) or m.group(3) or "").lower()
        first = word.startswith(("first", "opening", "earliest", "kick", "opens"))
        kinds = _program_kinds(m.group(2) or "talk")
        pool = [i for i in vocab.scheduled if not kinds or i.kind in kinds]
        if pool:
            pick = pool[0] if first else max(pool, key=lambda i: (i.start, i.end or ""))
            return Reading(
                cut_out(text, m.start(), m.end()),
                {"schedule": tuple(i.id for i in pool if i.start == pick.start)},
                (f"{'first' if first else 'last'} {m.group(2) or 'talk'}",),
            )
    if m := AT_TIME.search(text):
        g = m.groups()
        t = (
            clock_of(*g[0:4])
            or clock_of(g[4], g[5], g[6], None)
            or clock_of(g[7], g[8], "pm" if g[7] and int(g[7]) < 8 else None, None)
            or clock_of(None, None, None, g[9])
        )
        if t is not None:
            return Reading(
                cut_out(text, m.start(), m.end()), {"schedule": _at(vocab, t)}, (f"at {t.strftime('%H:%M')}",)
            )
    for word, (t0, t1) in PART_OF_DAY.items():
        if re.search(rf"\b{word}\b", text, re.I):
            day, tz = event_day(vocab)
            changes = {
                "time_from": datetime.combine(day, t0, tzinfo=tz).isoformat(),
                "time_to": datetime.combine(day, t1, tzinfo=tz).isoformat(),
            }
            if not MEAL.search(text) and not any(re.search(p, text, re.I) for p in KIND_WORDS.values()):
                # "morning sessions" means the program, not breakfast (search keeps the posters only when a
                # poster session meets the window)
                changes["kinds"] = ("talk", "panel", "poster")
            return Reading(
                re.sub(rf"\b{word}\b", " ", text, flags=re.I),
                changes,
                (f"{word}: {t0.strftime('%H:%M')}-{t1.strftime('%H:%M')}",),
            )
    return Reading(text, {})
