"""The planner's readers: each reads one aspect of a question and hands on the text it did not use.

    reader(text, vocab) -> Reading(rest, changes, notes)

  read_spelling     a title word typed in two ("ice berg" for "Iceberg"), the event's own name ("atscale ai &
                    data") read as "the event"
  read_event        venue, date, start/end, registration, breaks, poster sessions, the full schedule
  read_references   agenda items named anywhere ("the Iceberg talk", a title, quoted or not, a speaker's
                    talk) and what is asked of them: related / compare / overlap / about / who / when
  read_kinds        posters, panels, talks
  read_orgs         org names in any spelling the corpus knows, misspellings included
  read_people       full names, surnames alone, misspelled names
  read_time         clock times, windows ("from 11 to noon", "until 3pm", "after 3"), parts of the day,
                    slots relative to named ones ("right after lunch", "the one before the break"),
                    first/last
  read_intent       who / when / list / recommend / topic, from the wording that is left

`changes` name `Plan` fields; `planner.plan_query` folds the readers in order, the first reader to set
a field wins. Everything is pure: a `Vocabulary` and a string in, a `Reading` out.
"""

from __future__ import annotations

import bisect
import functools
import re
from datetime import datetime, time, timedelta
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from corpus.item import Item
from corpus.normalize import org_key

from assistant.lexicon import ordinary_words
from assistant.records import Intent
from assistant.vocabulary import GENERIC, KIND_WORDS, STOP, WORD, Vocabulary, title_words, words


class Reading(NamedTuple):
    rest: str
    changes: dict
    notes: tuple[str, ...] = ()


def _cut(text: str, start: int, end: int) -> str:
    return " ".join((text[:start] + " " + text[end:]).split())


# ---------------------------------------------------------------- spelling


CHAT = {  # chat spellings of the words the readers key on, as attendees type them
    "whats": "what's",
    "wats": "what's",
    "wat": "what",
    "wen": "when",
    "whens": "when's",
    "whos": "who's",
    "wheres": "where's",
    "hows": "how's",
    "w": "with",
    "w/": "with",
    "abt": "about",
    "r": "are",
    "u": "you",
    "ur": "your",
    "gimme": "give me",
    "lemme": "let me",
    "evry": "every",
    "pls": "please",
    "plz": "please",
    "tmrw": "tomorrow",
    "b4": "before",
    "shd": "should",
    "btwn": "between",
    "thru": "through",
    "til": "until",
    "n": "and",
    "brekkie": "breakfast",
    "arvo": "afternoon",
    "wha": "what",  # Caribbean English
    "di": "the",
    "whit": "what",  # Scots
    "whit's": "what's",
    "aboot": "about",
    "um": "",  # dictation fillers
    "umm": "",
    "uh": "",
    "uhh": "",
    "erm": "",
    "hmm": "",
    "hm": "",
}
_CHAT_WORD = re.compile(
    r"(?<![\w'/-])(?:" + "|".join(map(re.escape, CHAT)) + r")(?![\w'/-])"
)  # lowercase only: "R" stays


_NUMBERS = "one two three four five six seven eight nine ten eleven twelve".split()
_PAST = re.compile(r"\b(half|quarter) (past|to) (\d{1,2}|" + "|".join(_NUMBERS) + r")\b", re.I)


def _past_clock(m: re.Match) -> str:
    """ "half past two" -> "2:30", "quarter to 4" -> "3:45" (read_time reads digits)."""
    word = m.group(3).lower()
    h = int(word) if word.isdigit() else _NUMBERS.index(word) + 1
    minutes = 30 if m.group(1).lower() == "half" else 15
    if m.group(2).lower() == "to":
        h, minutes = (h - 2) % 12 + 1, 60 - minutes
    return f"{h}:{minutes:02d}"


_MINUTES = {
    "oh five": 5, "o five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty five": 25, "thirty": 30,
    "thirty five": 35, "forty": 40, "forty five": 45, "fifty": 50, "fifty five": 55,
}  # fmt: skip
_HOUR = r"(" + "|".join(_NUMBERS) + r")"
# a clock time said in words, as people dictate: "two thirty", "ten fifteen", "eleven thirty five", "at two",
# "three o'clock" (an hour word alone is a time only after "at", "around", "by", "after", "until", ...)
_SPOKEN = re.compile(
    r"\b" + _HOUR + r"\s+(" + "|".join(sorted(_MINUTES, key=len, reverse=True)) + r")\b(?!\s+(?:minutes?|mins?)\b)|"
    r"\b" + _HOUR + r"\s+o'?\s?clock\b|"
    r"\b(at|around|by|after|before|from|until|till|between|and|to) "
    + _HOUR
    + r"\b(?=\s*(?:$|[?!.,]|(?:am|pm|and|to|or|then)\b))",
    re.I,
)


# "half one" (British: 1:30), and a clock written without its colon after a word of time ("between 1030 and
# 1130", "at 1430")
_HALF = re.compile(r"\bhalf (" + "|".join(_NUMBERS) + r"|\d{1,2})\b(?! (?:hours?|days?|of|an?|the)\b)", re.I)
_HHMM = re.compile(
    r"\b(at|around|about|from|between|and|to|till|until|after|before|by|since|@)\s+([01]?\d|2[0-3])([0-5]\d)\b"
    r"(?!\s*(?:people|attendees|items|talks|posters|sessions|%))",
    re.I,
)


def _half_clock(m: re.Match) -> str:
    word = m.group(1).lower()
    return f"{int(word) if word.isdigit() else _NUMBERS.index(word) + 1}:30"


_OPENING_HOUR = re.compile(r"^\W*" + _HOUR + r"(?=\s+(?:to|till|until|-)\s+(?:\d|" + "|".join(_NUMBERS) + r"))", re.I)


def _opening_hour(m: re.Match) -> str:
    """ "Eleven to twelve o'clock, what sessions?": an hour word opening a range is a clock."""
    return str(_NUMBERS.index(m.group(1).lower()) + 1)


def _spoken_clock(m: re.Match) -> str:
    """ "two thirty" -> "2:30", "at two" -> "at 2" (read_time reads digits)."""
    if m.group(5):  # "at two"
        return f"{m.group(4)} {_NUMBERS.index(m.group(5).lower()) + 1}"
    h = _NUMBERS.index((m.group(1) or m.group(3)).lower()) + 1
    return f"{h}:{_MINUTES[m.group(2).lower()]:02d}" if m.group(2) else str(h)


KIND_NOUNS = ("poster", "posters", "panel", "panels", "talks", "session", "sessions", "speaker", "speakers")
# words the readers key on, long enough that a slip in them is not another word
CUE_NOUNS = ("difference", "differences", "compare", "comparison", "schedule", "recommend", "similar", "overlap")
TIME_WORDS = ("before", "after", "between", "morning", "afternoon", "evening")  # "befor lunch", "mornig"
ASK_WORDS = ("about", "presenting", "running", "speaking", "happening")  # "abuot", "presentng", "runing"
SWAPPED = ("talk", "what", "when", "time", "show")


def _kind_noun(word: str) -> str:
    """A kind noun or cue word typed with a slip ("postres", "pannels", "difrence", "noonn"; two slips in a word of
    eight letters or more), or a four-letter one with two letters swapped ("tlak"); ordinary words
    ("posted") stay as they are. Punctuation after the word stays ("abuot?" -> "about?")."""
    if (end := len(word.rstrip("?!.,;:"))) < len(word):
        return _kind_noun(word[:end]) + word[end:]
    w = word.lower()
    if len(w) < 4 or not w.isalpha() or w in KIND_NOUNS + CUE_NOUNS + TIME_WORDS + ASK_WORDS or w in ordinary_words():
        return word
    if w[-1] == w[-2] and w[:-1] in KIND_NOUNS + TIME_WORDS + SWAPPED + ("noon",):  # a key held down: "noonn"
        return word[:-1]
    if len(w) == 4:  # two letters swapped: "tlak", "waht", "tiem"
        return next((k for k in SWAPPED if w != k and sorted(w) == sorted(k) and OSA.distance(w, k) == 1), word)
    near = [
        k
        for k in KIND_NOUNS + CUE_NOUNS + TIME_WORDS + ASK_WORDS
        if OSA.distance(w, k) <= (2 if len(k) >= 8 else 1) and not w.startswith(k)  # "recommender" is a word
    ]
    return near[0] if near else word


# where an attendee may be asking from: a zone named after a clock ("2:35 Eastern") or anywhere in a question
# whose clock is "my time" / "for me" ("I'm in London, what's on at 7pm my time?")
ZONES = (  # (place words, any case; abbreviations, capitals only; the zone)
    ("eastern|new york|nyc|boston", "E[SD]?T", "America/New_York"),
    ("central(?! european)|chicago|texas", "C[SD]T", "America/Chicago"),
    ("mountain|denver", "M[SD]T", "America/Denver"),
    ("pacific|california|san francisco|seattle", "P[SD]?T", "America/Los_Angeles"),
    ("utc|gmt|zulu", "UTC|GMT", "UTC"),
    ("london|uk|britain|british", "BST", "Europe/London"),
    ("berlin|paris|amsterdam|central european|europe", "CES?T", "Europe/Berlin"),
    ("india|bangalore|bengaluru|mumbai", "IST", "Asia/Kolkata"),
    ("tokyo|japan", "JST", "Asia/Tokyo"),
    ("singapore", "SGT", "Asia/Singapore"),
    ("sydney|melbourne", "AEST", "Australia/Sydney"),
)
_ZONED = re.compile(
    r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s+((?:[A-Z]{2,4}|eastern|central|mountain|pacific|my time|"
    r"for me|to me|where i am|local)(?:\s+time)?(?:\s+(?:for me|my time))?)\b",
    re.I,
)


def _zone_of(text: str) -> str | None:
    return next(
        (
            zone
            for place, abbr, zone in ZONES
            if re.search(rf"\b(?:{place})\b", text, re.I) or re.search(rf"\b(?:{abbr})\b", text)
        ),
        None,
    )


def _in_event_zone(text: str, vocab: Vocabulary) -> tuple[str, tuple[str, ...]]:
    """Clocks said in the asker's zone written in the event's ("2:35 Eastern" -> "11:35" for a Pacific event)."""
    if not vocab.scheduled or not _ZONED.search(text):
        return text, ()
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    day, tz = _day(vocab)
    clocks: list[str] = []

    def shift(m: re.Match) -> str:
        said = m.group(4)  # "Eastern", "ET", or "my time" with the zone named elsewhere ("I'm in London")
        zone = _zone_of(said) or (
            _zone_of(text) if re.match(r"(?:my time|for me|to me|where i am|local)", said, re.I) else None
        )
        t = _clock(m.group(1), m.group(2), m.group(3), None)
        if zone is None or t is None:
            return m.group(0)
        try:
            here = datetime.combine(day, t, tzinfo=ZoneInfo(zone)).astimezone(tz).time()
        except ZoneInfoNotFoundError:  # no time zone database on this machine: the clock stays as said
            return m.group(0)
        if here == t:  # said in the event's own zone
            return m.group(0)
        clocks.append(f"{m.group(0).strip()} ({zone}): {here.strftime('%H:%M')}")
        return f"{here.strftime('%H:%M')} "

    return _ZONED.sub(shift, text), tuple(clocks)


_ENUMERATOR = re.compile(r"(?:^|\s)(?:\(?\d{1,2}[.)]|[a-c]\))\s+")  # "1) ... 2) ...", "1. ... 2. ..."
_ASKS = re.compile(
    r"\?|^\W*(?:what|whats|who|whom|whose|when|where|which|how|why|is|are|was|were|do|does|did|can|could|would|"
    r"will|should|any|anything|anyone|list|show|tell|give|recommend|find|get|send|name)\b",
    re.I,
)
_BUT_FIRST = re.compile(r"^.{3,}?\bbut first\b\s*[:,-]?\s*(?=\S)", re.I)  # "compare notes later, but first: ..."
_CORRECTION = re.compile(
    r"[,.;!?]?\s*(?:\bno,? wait\b|\bwait,? no\b|\bsorry\b|\boops\b|\bscratch that\b|\bcorrection\b)?[,:]?\s*"
    r"\bi\s+mean(?:t)?\b[,:]?\s*|[,.;!?]?\s*\b(?:no,? wait|wait,? no|scratch that)\b[,:]?\s*",
    re.I,
)


_NOT_ASKING = re.compile(  # "not asking who's on the infra panel - when does it start?"
    r"^\W*(?:(?:i'?m|i am)\s+)?not\s+(?:asking\s+|wanting to know\s+|interested in\s+|looking for\s+)?(?:about\s+)?"
    r"(?:who(?:'s|\s+is|\s+are)?|when(?:'s|\s+is)?|where(?:'s|\s+is)?|what\s+time)(?![\w'])",
    re.I,
)
_WORD_FIX = re.compile(
    r"\b[a-z]+\s*,?\s+(?:i mean|i meant|sorry|oops)\s*,?\s+(posters?|talks?|panels?|sessions?|speakers?)\b", re.I
)
_NOT_MATTER = re.compile(
    r"(?:\b(?:i\s+)?don'?t care (?:about )?|\bnever mind |\bno matter )(?:who|when|where)\b[^,.;:!?—–]*?"
    r"(?:[,.;:!?—–]|\s-+)\s*|"
    r"\b(?:who|when|where)\b[^,.;:!?—–]{0,30}\b(?:doesn'?t|does not|don'?t|do not) matter\b[,.;:!?—–-]*",
    re.I,
)
_NOT_THIS = re.compile(r"\bnot\s+(?:the\s+)?$", re.I)
_BUT_THAT = re.compile(r"\s*(?:[,;)]|$|[?.!]\s*$)\s*(?:but\s+|rather\s+|i mean\s+)?", re.I)


def _not_this(text: str, vocab: Vocabulary) -> str | None:
    """The text without "not A" where it names another item B ("differ from the, not agentic evals, the agentic
    observability one?", "the infra panel (the agentic world one, not the startups one)"), or None."""
    refs = find_references(text, vocab, loose=False)
    for item, s, e in refs:
        if (
            (m := _NOT_THIS.search(text[:s]))
            and (b := _BUT_THAT.match(text, e))
            and any(other.id != item.id for other, _, _ in refs)
        ):
            return " ".join((text[: m.start()] + " " + text[b.end() :]).split())
    return None


def read_asked_part(text: str, vocab: Vocabulary) -> Reading:
    """The part of a message that asks. In a numbered message ("1) thanks for the badge 2) what would you
    recommend for an analytics lead 3) never mind"), the parts that ask; after "..., but first:", what
    follows; after a correction ("when's the silent errors talk, no wait, I mean the agentic evals one"), the
    question with the items named before it left out."""
    marks = list(_ENUMERATOR.finditer(text))
    if len(marks) >= 2:
        parts = [text[a.end() : b.start() if b else len(text)].strip() for a, b in zip(marks, marks[1:] + [None])]
        asking = [p for p in parts if _ASKS.search(p)]
        if 0 < len(asking) < len(parts):
            return Reading(" ".join(asking), {}, ("the numbered part that asks",))
    if m := _BUT_FIRST.match(text):
        return Reading(text[m.end() :], {}, ("what is asked first",))
    text = _WORD_FIX.sub(r"\1", text)  # "show me all the pastors I mean posters"
    if m := _NOT_MATTER.search(text):  # "who gives it doesn't matter, I just need the time"
        text = " ".join((text[: m.start()] + " " + text[m.end() :]).split())
    if m := _NOT_ASKING.match(text):  # what is not asked goes; the items it names stay
        return Reading(text[m.end() :].strip(), {}, ("not asked: " + m.group(0).strip(),))
    low = text.lower()
    if "not " in low and (kept := _not_this(text, vocab)) is not None:
        return Reading(kept, {}, ("corrected: not the item named first",))
    corrected = "mean" in low or "wait" in low or "scratch that" in low  # words every correction has
    for m in _CORRECTION.finditer(text) if corrected else ():
        after = find_references(text[m.end() :], vocab, loose=False)
        before = find_references(text[: m.start()], vocab, loose=False)
        if after and before:
            head = text[: m.start()]
            for _, s, e in sorted(before, key=lambda f: -f[1]):
                head = head[:s] + " " + head[e:]
            return Reading(" ".join((head + " " + text[m.end() :]).split()), {}, ("corrected: the items named last",))
    return Reading(text, {})


@functools.cache
def _cue_words() -> frozenset[str]:
    """Every word the readers' patterns spell out ("topically", "coincide"): a cue is never a slip to correct."""
    sources = [v.pattern for v in globals().values() if isinstance(v, re.Pattern)]
    sources += [p.pattern for _, p in CUES + EVENT_FACTS] + [TOPICAL_OVERLAP, REF_NOUN, PERSON_NOUN]
    # escapes out first: r"\bmorning" spells "morning", not "bmorning"
    return frozenset(re.findall(r"[a-z]{4,}", re.sub(r"\\[A-Za-z]", " ", " ".join(sources)).lower()))


def _spelled(word: str, vocab: Vocabulary) -> str:
    """A word no one uses ("vektor", "embedings") written as the one corpus word it is one edit from (a
    transposition counts as one) with the same first letter; else as it is. Not a word that only gains or loses
    an ending ("copilot", "copilots"): BM25 stems both alike. One edit, not two: at two, real words the English
    list lacks turn into others ("checker" -> "cheaper", "lakehouse" -> "warehouse")."""
    low = word.lower()
    if len(low) < 5 or not low.isalpha() or low in ordinary_words() or low.replace("is", "iz") in ordinary_words():
        return word  # short words ("algo", "nerd") and British spellings ("summarise") are too often real
    if low in vocab.spelling or low in _cue_words():
        return word

    def nearest():
        one_off = (len(low) - 1, len(low) + 1)
        if process.extractOne(low, vocab.names_near.candidates(low, 1, *one_off), scorer=OSA.distance, score_cutoff=1):
            return None  # "hollen": one edit from a name (Hollan) too, for the people reader
        near = vocab.common_near.candidates(low, 1, *one_off)
        found = [
            w
            for n in (len(low) - 1, len(low), len(low) + 1)
            for w, _, _ in process.extract(
                low, [c for c in near if len(c) == n], scorer=OSA.distance, score_cutoff=1, limit=3
            )
        ]
        if len(found) != 1 or found[0][0] != low[0] or found[0].startswith(low) or low.startswith(found[0]):
            return None
        return found[0]

    return remember(vocab, ("spelled", low), nearest) or word


def _split_compound(word: str, vocab: Vocabulary) -> str:
    """A word no one uses that is two corpus words written as one, as German compounds are ("Logcollection",
    "Infrastructurepanel" -> "Log collection", "Infrastructure panel"); else the word as it is. Only when one
    split makes two words of three letters or more that the corpus or the readers use."""
    low = word.lower()
    if len(low) < 7 or not low.isalpha() or low in vocab.spelling or low in ordinary_words() or low in _cue_words():
        return word  # a word the readers key on ("rundown") is one word

    def known(part: str) -> bool:
        return part in vocab.spelling or part in KIND_NOUNS

    def split():
        cuts = [i for i in range(3, len(low) - 2) if known(low[:i]) and known(low[i:])]
        return cuts[0] if len(cuts) == 1 else None

    cut = remember(vocab, ("compound", low), split)
    return word if cut is None else f"{word[:cut]} {word[cut:].lower()}"


def read_spelling(text: str, vocab: Vocabulary) -> Reading:
    """The text with chat spellings written out ("wen" -> "when", "w/" -> "with"), a title said as one hyphenated
    word split into its words, a word no one uses written as the corpus word it is a slip of ("vektor serch" ->
    "vector search"), kind nouns typed with a
    slip corrected ("postres" -> "posters"), a distinctive title word typed as two words rejoined ("ice berg"
    -> "iceberg"), and the event's own name in any spelling close to it ("atscale ai & data", "@Scale AI and
    Data 2025") read as "the event", so the readers after this one see one word for each."""
    text = _PAST.sub(_past_clock, " ".join(_CHAT_WORD.sub(lambda m: CHAT[m.group(0)], text).split()))
    # each rewrite below runs only where its words are (a substring test costs far less than a regex pass)
    if "too" in text.lower():  # dictation: "from too to three" is "from two to three"
        text = re.sub(
            r"\btoo(?=\s+(?:to|till|until|and|or|-)\s+(?:\d|" + "|".join(_NUMBERS) + r"))", "two", text, flags=re.I
        )
    if "one by one" in text.lower():
        text = re.sub(r"\bone by one\b", "in turn", text, flags=re.I)  # not "by one (o'clock)"
    if text.count("-") >= 3:  # a title said as one hyphenated word ("the infra-in-an-agentic-world panel")
        text = re.sub(r"\b[\w'’]+(?:-[\w'’]+){3,}", lambda m: m.group(0).replace("-", " "), text)
    text = _HALF.sub(_half_clock, _SPOKEN.sub(_spoken_clock, _OPENING_HOUR.sub(_opening_hour, text)))
    text, clocks = _in_event_zone(text, vocab)
    changes = {"clocks": clocks} if clocks else {}
    notes = tuple(f"{c} at the event" for c in clocks)
    if "ish" in text.lower():
        text = re.sub(r"\b(\d{1,2}(?::\d{2})?)\s*-?ish\b", r"around \1", text, flags=re.I)
    if "'" in text or "’" in text:  # dropped letters: "goin' on 'round 2", "workin'"
        text = re.sub(r"(?<![\w'’])['’]round\b", "around", text, flags=re.I)
        text = re.sub(r"\b([a-z]{2,})in['’](?!\w)", r"\1ing", text, flags=re.I)
    if " dot " in text.lower():  # "the Tower dot dev talk"
        text = re.sub(r"\b(\w+) dot (com|dev|ai|io|net|org|co)\b", r"\1.\2", text, flags=re.I)
    if "clock" in text.lower():
        text = re.sub(r"\bwhat o'?clock\b", "what time", text, flags=re.I)
        text = re.sub(r"\b(?<!:)(\d{1,2})\s*o'?\s?clock\b", r"\1:00", text, flags=re.I)  # "3 o'clock got what?"
    text = re.sub(r"\bquestions?[- ](?:and|&)[- ]answers?\b", "Q&A", text, flags=re.I)  # "question-and-answer"
    text = re.sub(r"[^\W\d_]{7,}", lambda m: _split_compound(m.group(0), vocab), text)  # "Logcollection"
    text = re.sub(r"[^\W\d_]{5,}", lambda m: _spelled(m.group(0), vocab), text)  # "vektor serch" -> "vector search"
    ws = _HHMM.sub(r"\1 \2:\3", " ".join(_kind_noun(w) for w in text.split())).split()
    for i in range(len(ws) - 1, 0, -1):
        joined = (ws[i - 1] + ws[i]).lower()
        if joined.isalpha() and joined in vocab.title_names:
            ws[i - 1 : i + 1] = [ws[i - 1] + ws[i]]
    names = remember(vocab, ("event-name",), lambda: _event_keys(vocab))
    keys = [_name_key(w) for w in ws] if names else []
    if names and max(fuzz.partial_ratio(k, "".join(keys)) for k in names) >= 88:  # one C call rules most out
        spans = [
            (max(fuzz.ratio(key, k) for k in names), n, i)
            for n in range(1, min(len(ws), 8) + 1)
            for i in range(len(ws) - n + 1)
            if len(key := "".join(keys[i : i + n])) >= 6
        ]
        score, n, i = max(spans, default=(0, 0, 0))
        if score >= 88:
            return Reading(" ".join(ws[:i] + ["the event"] + ws[i + n :]), changes, (*notes, "the event named"))
    return Reading(" ".join(ws), changes, notes)


def _name_key(text: str) -> str:
    """A name as lowercase letters and digits, "@" read "at" and "&" read "and" ("@Scale: AI & Data" ->
    "atscaleaianddata")."""
    return "".join(words(text.replace("@", "at").replace("&", "and")))


def _event_keys(vocab: Vocabulary) -> tuple[str, ...]:
    """The event's name keyed with and without its year ("atscaleaianddata2025", "atscaleaianddata"), and
    its leading "@Name" word alone ("an @Scale event"); none for a corpus with no event record."""
    if vocab.event is None:
        return ()
    full = _name_key(vocab.event.title)
    bare = re.sub(r"(?:19|20)\d\d$", "", full)
    lead = _name_key(vocab.event.title.split()[0]) if vocab.event.title.startswith("@") else ""
    return tuple(dict.fromkeys(k for k in (full, bare, lead) if len(k) >= 6))


# ---------------------------------------------------------------- event facts

_SCOPE = r"(?:it|th(?:e|is) (?:whole |entire )?(?:conference|event|day|program(?:me)?|summit|agenda|thing)|this|@?scale|things?|everything|it all)"
EVENT_FACTS = (
    (
        "schedule",
        re.compile(
            r"\b(?:full|whole|entire|complete|overall|day'?s|today'?s)\s+(?:schedule|agenda|program(?:me)?|"
            r"line-?up|timetable|run of show)\b|\bwhat'?s the (?:schedule|agenda|program(?:me)?|line-?up)\b(?! for (?:the )?posters)|"
            r"\bschedule for the day\b|\bin (?:time|chronological) order\b|\b(?:schedule|agenda|program(?:me)?|line-?up|timetable) in (?:time )?order\b|"
            r"\beverything (?:that'?s )?(?:on|happening) (?:today|that day)\b",
            re.I,
        ),
    ),
    (
        "venue",
        re.compile(
            r"\bwhere\b.{0,30}\b(?:conference|event|summit|venue|held|hosted|happening|located|take place|"
            r"taking place)\b|\bvenue\b|\b(?:the|its|venue'?s?|event'?s?|street) address\b|\baddress (?:of|for) the\b|\bwhich (?:city|building|convention)\b|"
            r"\bhow (?:do|can) i get there\b|\bwhere (?:is|'s) it\b",
            re.I,
        ),
    ),
    (
        "date",
        re.compile(
            r"\b(?:what|which) (?:date|day)\b|\bwhen is " + _SCOPE + r"(?: this year)?\s*\??$|\bwhat'?s the date\b|"
            r"\bdate of " + _SCOPE + r"|\bis " + _SCOPE + r" on (?:\w+ \d|\d)",
            re.I,
        ),
    ),
    (
        "start",
        re.compile(
            r"\b(?:what time|when) (?:should|do|must|can) (?:i|we) (?:show up|arrive|get there|be there)\b|"
            r"\b(?:when|what time) (?:does|do|will) " + _SCOPE + r" (?:start|begin|kick off|open|get going)\b|"
            r"\b(?:when|what time)\b.{0,10}\b" + _SCOPE + r" (?:is )?(?:starting|beginning)\b|"
            r"\b(?:when|what time)\b.{0,10}\b" + _SCOPE + r"(?: \w+ly)? (?:starts|begins|kicks off|opens)\b|"
            r"\b(?:when|what time) (?:starts|begins|opens) " + _SCOPE + r"\W*$|"  # word order of other languages
            r"\b(?:start|opening) time\b|^\W*(?:does|do|will)\s+"
            + _SCOPE
            + r"(?:\s+\w+ly)?\s+(?:start|begin|kick off|open)\b|\bdoors open\b|\bhow early\b|\bwhen do (?:the )?doors\b|"
            r"\bwhen (?:does|do) (?:things|it all) (?:start|begin|kick off)\b",
            re.I,
        ),
    ),
    (
        "end",
        re.compile(
            r"\b(?:when|what time) (?:does|do|will) " + _SCOPE + r" (?:end|finish|wrap up|close|wind down|be over)\b|"
            r"\b(?:when|what time) (?:ends|finishes|closes) (?:all )?" + _SCOPE + r"\W*$|"
            r"\bend time\b|\bhow late\b|^\W*(?:does|do|will|is)\s+"
            + _SCOPE
            + r"(?:\s+\w+ly)?\s+(?:wrap(?: up)?|end|finish|close|(?:be )?over)\b|\b(?:when|what time)(?:'s| is| does| do| will)?\s+"
            + _SCOPE
            + r"(?:\s+\w+ly)?\s+"
            r"(?:over|done|wrap(?:s|ping)?(?: up)?|end(?:s|ing)?|finish(?:es|ing)?)\b|\b(?:when|what time) is (?:it(?: all)?|everything|the (?:last \w+|day|event|conference)) (?:over|done)\b",
            re.I,
        ),
    ),
    ("registration", re.compile(r"\bregist(?:er|ration|ering)\b|\bcheck[- ]?in\b|\bbadges?\b|\bsign[- ]in\b", re.I)),
    (
        "poster_sessions",
        re.compile(
            r"\b(?:when|what time)\b.{0,40}\bposters?\b(?!.{0,40}\b(?:about|on(?! (?:display|show|view))|from|by|like)\b)|"
            r"\bposter (?:session|hall|hours)s?\b|\bschedule for (?:the )?posters\b|"
            r"\bposters? (?:only )?(?:shown|up|on display|displayed)\b(?!.{0,40}\b(?:about|on|from|by)\b)",
            re.I,
        ),
    ),
    (
        "breaks",
        re.compile(
            r"\b(?:when|what time|is there|are there|any|where)\b.{0,30}\b(?:breaks?|lunch|breakfast|food|eat|"
            r"meals?|coffee|snacks?|happy hour|drinks|networking)\b|\b(?:breaks?|lunch|breakfast|food|meals?|"
            r"coffee|happy hour|drinks)\s*(?:time|hours?)?\s*\?*$|\b(?:break|lunch|coffee) times\b|\bwhat (?:breaks|meals?|food|snacks)\b|\bhow many breaks\b|\b(?:list|show|tell me|give me|all)\b.{0,12}\bbreaks\b|"
            r"\b(?:is|are) (?:lunch|breakfast|food|coffee|drinks|snacks|meals?) (?:provided|included|served|available)\b",
            re.I,
        ),
    ),
)
_AFTER_MEAL = re.compile(
    r"\b(?:after|before|following|during|until|till|right|just|follows?|precedes?|from)\s+(?:the\s+)?"
    r"(?:afternoon\s+|morning\s+|[\d:]+\s*(?:am|pm)?\s+)?(?:[a-z]+\s+)?(?:breaks?|lunch|breakfast|happy hour|"
    r"registration)\b",
    re.I,
)
MEAL = re.compile(r"\b(registration|breakfast|lunch|break|happy hour|food|coffee|networking)\b", re.I)


TOPICAL_FRAME = re.compile(
    r"\b(?:talks?|sessions?|posters?|panels?|presentations?|research|work)\s+"
    r"(?:about|on(?! (?:display|show|view|stage|(?:the |today'?s )?(?:program(?:me)?|agenda|schedule|list|day)\b))|covering|regarding)\b",
    re.I,
)


_KIND_LIST = re.compile(r"\b(?:line-?up|list|all|every)\s+(?:of\s+)?(?:the\s+)?(?:talks|posters|panels)\b", re.I)
# a whole list asked for in so many words: "list all the posters", "just paste the whole list"
LIST_ASKED = re.compile(r"\blist (?:all|every|each|them|the whole)\b|\b(?:whole|full|complete|entire) list\b", re.I)
# "the end time, including the happy hour": an item named in passing, not the one asked about
_INCLUDING = re.compile(r"\b(?:including|incl\.?|plus)\s+(?:the\s+)?$", re.I)


def _meal_as_slot(text: str) -> bool:
    """A meal or break named as a slot, not asked about: "who speaks right after lunch", "what clashes with
    lunch", "when's the next thing after the afternoon break" (but "when is lunch over?" asks about it)."""
    if CUE[Intent.OVERLAP].search(text):
        return True
    if not _AFTER_MEAL.search(text):
        return False
    return not re.match(r"\s*(when|what time)", text, re.I) or bool(
        re.search(
            r"\bnext\b|\b(?:thing|talk|session|one|panel|speaker)s? (?:right |just )?(?:after|before)\b", text, re.I
        )
    )


# "when I only have one slot free, which ...", "When I am SRE, which posters ...": a clause, not a question
# ("when do I ...", "when can we ...")
WHEN_CLAUSE = re.compile(
    r"^(\W*)when(?=\s+(?:i|we|you)(?:'?m|'?re|'?ve|\s+am|\s+are)?\s+(?!can\b|could\b|should\b|need\b|have to\b|must\b)\w)",
    re.I,
)
_NEGATED = re.compile(r"\b(?:not|no|don'?t (?:need|want))\s+(?:the\s+|a\s+)?$", re.I)
_BREAKS_VERB = re.compile(  # "when a big website breaks", "when stuff breaks"
    r"\b(?:a|an|it|something|anything|everything|nothing|stuff|things?)\s+(?:[\w-]+\s+){0,2}breaks?\b", re.I
)
_FOOD = re.compile(r"\b(?:lunch|breakfast|food|coffee|meals?|snacks?|happy hour|drinks)\b", re.I)
_WHATS_ON = re.compile(r"\bwhat(?:'s| is| are)?\s+(?:on|starting|happening|going on|running)\b|\bwhat sessions\b", re.I)


def read_event(text: str, vocab: Vocabulary) -> Reading:
    if not vocab.scheduled and vocab.event is None:
        return Reading(text, {})
    topical = TOPICAL_FRAME.search(text)
    asked = WHEN_CLAUSE.sub(lambda c: c.group(1) + " " * 4, text)  # "When I am SRE, which posters ...": no when
    for fact, pattern in EVENT_FACTS:
        m = pattern.search(asked)
        # "not the full schedule with times, just the titles of all the talks"; but "not any specific talk: when
        # do the breaks happen?" asks after the words negated
        while m and _NEGATED.search(text[: m.start()]):
            m = pattern.search(asked, m.start() + 1)
        if not m or (topical and fact != "schedule"):
            continue  # "talks about registration systems" is a topic, not a question about registering
        if fact in ("schedule", "breaks") and (BOUND.search(text) or WINDOW.search(text)):
            continue  # "the schedule after 2pm", "what's on after 4pm, or is it just drinks?": a time window
        if fact == "breaks" and _BREAKS_VERB.search(text) and not _FOOD.search(text):
            continue  # "what went wrong when a big website breaks?": a verb ("a ... breaks" is no noun phrase)
        if fact == "breaks" and _WHATS_ON.search(text) and (AT_TIME.search(text) or RELATIVE.search(text)):
            continue  # "when I get back from lunch at 1:30, what's on?": what is on then (read_time)
        if fact == "schedule" and _KIND_LIST.search(text):
            continue  # "the whole lineup of talks", "list all the talks ... the whole lineup": a whole list
        if (
            fact == "poster_sessions"
            and LIST_ASKED.search(text)
            and not re.search(r"\b(?:when|what time|times?)\b", text, re.I)
        ):
            continue  # "who's got posters up? just paste the whole list": the posters
        if fact in ("breaks", "registration") and any(
            i.kind != "logistics" for i, _, _ in find_references(text, vocab, loose=False)
        ):
            continue  # "does the Q&A run into lunch?": that item's time; "the guy at the register asks what X covers"
        if fact == "poster_sessions" and re.search(
            r"\b(?:all|every)\b(?: of)?(?: the)? posters?\b(?! (?:sessions?|hall|hours)\b)", text, re.I
        ):
            continue  # "my daughter has a poster up somewhere, show me all the posters": the whole list
        if fact in ("poster_sessions", "start", "end", "date") and any(
            not _INCLUDING.search(text[:s]) for _, s, _ in find_references(text, vocab)
        ):
            continue  # "when is the Faiss poster?", "genai panel start time?": that item's time (read_references)
        if fact in ("breaks", "registration") and _meal_as_slot(text):
            continue
        ids = event_items(fact, vocab)
        named = re.search(r"\b(?:lunch|breakfast|happy hour)\b", text, re.I) if fact == "breaks" else None
        if named and (slot := slot_anchor(named.group(0), vocab)) is not None:
            ids = (slot.id,)  # "is lunch provided": that meal, not every break
        if not ids:
            continue
        return Reading("", {"intent": Intent.EVENT, "event_fact": fact, "schedule": ids}, (f"event: {fact}",))
    return Reading(text, {})


def event_items(fact: str, vocab: Vocabulary) -> tuple[str, ...]:
    event = (vocab.event.id,) if vocab.event else ()
    sched = vocab.scheduled
    if fact in ("venue", "date"):
        return event or tuple(i.id for i in sched[:1])
    if fact == "start":
        return event + tuple(i.id for i in sched if sched and i.start == sched[0].start)
    if fact == "end":
        last = max((i.end or i.start for i in sched), default=None)
        return event + tuple(i.id for i in sched if (i.end or i.start) == last)
    if fact == "schedule":
        return tuple(i.id for i in sched)
    if fact == "poster_sessions":
        return tuple(i.id for i in vocab.poster_sessions)
    if fact == "registration":
        return tuple(i.id for i in sched if re.search(r"regist|check-?in|badge", i.title, re.I))
    return tuple(
        i.id
        for i in sched
        if i.kind == "logistics" and MEAL.search(i.title) and not re.search(r"regist", i.title, re.I)
    )


# ---------------------------------------------------------------- item references

REF_NOUN = r"(?:talk|poster|panel|session|presentation|keynote|chat|one|discussion|thing|slot)"
QUOTED = re.compile(r"(?<!\w)[\"“”‘’']([^\"“”‘’']{3,120})[\"“”‘’'](?!\w)")  # not the ' of "what's"
PERSON_NOUN = (  # "the Anyscale guy", "the Anyscale co-founder"
    r"(?:speaker|presenter|guy|gal|person|woman|man|lady|folks|team|(?:co-?)?founder|ceo|cto)"
)
THE_X = re.compile(  # "the X talk", "the X panel and Y panel", "the Fiddler AI speaker"
    r"\b(?:(?:the|that|this|my|our|your|his|her|their)\s+|(?<=talk |alks |anel |nels |ster |ters | one |ones )(?:and|or|vs\.?|versus)\s+|(?<=similar to )|(?<=related to )|(?<=\blike )|(?<=\bthan ))((?:(?!(?:the|that|this|and|or|vs|versus|i|we|can)\b)[\w&@.:()'’/-]+\s+){0,8}?)"
    + r"(?:"
    + REF_NOUN
    + r"s?\b(?:\s+(?:by|from|on|about)\s+(?:[A-Z][\w.-]+\s*){1,3})?|"
    + PERSON_NOUN
    + r"s?\b)",
    re.I,
)
# how far two named items' subjects overlap: compared; "what overlaps topic-wise with X" is related to X
TOPICAL_OVERLAP = (
    r"\boverlap\w* (?:topic-?wise|content-?wise|topically|thematically|in (?:topic|subject|content|theme))\b|"
    r"\b(?:content|topic|topical|subject) overlap\w*"
)
# "what is it?", "wait what even is X": nothing asked but what the named thing is
BARE_WHAT = (
    r"^\W*(?:(?:so|wait|ok(?:ay)?|um+|hey|and|but|hmm+|sorry|ah|oh)\W+)*(?:what(?:'s| is| are| was)?|whats)"
    r"(?:[\s,]+(?:is|it|this|that|the|exactly|again|even|thing|talk|poster|panel|session|one))*\W*$"
)
CUES = (
    (
        Intent.COMPARE,
        re.compile(
            r"\bcompar\w*|\bdiffer\w*|\bdistinction\b|\bdistinguish\w*|\bdiff\b|\bseparates?\b|\bsets? \w+ apart\b|\bversus\b|\bvs\b|\bpros\b.{0,5}\bcons\b|\b(?:basically |really )?the same (?:idea|thing)\b(?! as\b)|\bcontrast\w*|\bstack up\b|\bside by side\b|"
            r"\bsimilarities\b|\bin common\b|\bwhich(?: one| of (?:them|the two|these|those|both))?(?: is| was|'s) (?:better|more)\b|\b(?:choice|choose|choosing|decide|deciding) between\b|\b(?:who|which)(?:'s| is| has|'ve| have)?(?: got)? (?:the )?better\b|\bonly (?:stay|go|make it|attend) (?:for |to )?one\b|"
            + TOPICAL_OVERLAP,
            re.I,
        ),
    ),
    (
        Intent.OVERLAP,
        re.compile(
            r"\bsame time\b|(?<!content )(?<!topic )(?<!topical )(?<!subject )\boverlap\w*\b(?! (?:topic-?wise|content-?wise|topically|thematically|in (?:topic|subject|content|theme)))|\bclash\w*|\bconflict\w*|\bconcurrent\w*|\bcoincid\w*|\bin parallel\b|"
            r"\bparallel (?:to|with)\b|\bcompet\w*|\bcollid\w*|\bintersect\w*|\bbump\w* (?:heads|into)\b|\bduring\b(?! the (?:day|event|conference))(?! (?:what|which)\b)|\bat once\b|\bsimultaneous\w*|"
            r"\bopposite\b|\bagainst\b|(?<!\ba )\bwhile\b(?! (?:back|ago)\b)|\balongside\b|(?<!already )(?<!want to )(?<!wanna )\bmiss(?:ing)?\b(?! (?:it|another|the|that|this|from)\b)|\bskip(?:ping)?\b|\bmeanwhile\b|"
            r"\b(?:anything|what) else (?:is )?(?:running|happen\w*|going on)\b|^when\b.{0,60},\s*(?:what|anything) else\b",
            re.I,
        ),
    ),
    (
        Intent.RELATED,
        re.compile(
            r"(?<!would )(?<!'d )\b(?:more(?! (?:about|abt|info|information|details?|a|an|of a)\b)|other|others|(?<!something )(?<!someone )(?<!who )else|similar\w*|like|likes|same (?:vein|lines?|spirit|theme|topic|things? as|problems?|space|genre|kind|sort|type|"
            r"area|direction)|in that (?:direction|vein)|along (?:those|the same|similar|the) lines|"
            r"relate[sd]?|related|resembl\w*|in the spirit|liked|enjoyed|loved|fans? of|(?<!can )(?<!to )(?<!will )(?<!could )follow[- ]?ups?(?! with)|"
            r"also|next(?!(?: \w+)? (?:after|before|to|up)\b)|pairs? well|goes? (?:well )?with|complements?|(?:near|close) in (?:subject|topic)|akin|comparable|kin|neighbou?rs?|adjacent|close to|builds? on|further|deeper)\b|"
            + TOPICAL_OVERLAP,
            re.I,
        ),
    ),
    (
        Intent.WHO,
        re.compile(
            r"^(?!.*\b(?:aimed at|(?:meant|intended|designed) for|who(?:'s| is| are) (?:the |it |this |that )?for|who(?:'d| would)\b.{0,80}\bbe for|who (?:should|shall|must) (?:i|we) (?:go )?(?:see|hear|listen|watch|catch)\b)\b)(?:\s*(?:who|whom|whos)\b|.*\bwho(?:'s|(?: else| exactly| actually| precisely)? (?:is|are))\b)|\bwho\s*\?*\s*$|\bwhose\b|\bfull names?\b|\bwho (?:will|would|do|did|am|shall) (?:i|we|you)\b|\bspeakers?\b|\bpresenters?\b|\bauthors?\b|"
            r"\bpresented by\b|\bwho (?:gives|gave|presents|runs|leads|moderates|put together|made|built|wrote|created)\b|\b(?:people|team|folks) behind\b|\bby\s*_{2,}|"
            r"\bnames? of the (?:person|people|speakers?|authors?|presenters?)\b|\bthe (?:people|folks|team) (?:doing|giving|running|presenting|on)\b|"
            r"\b(?:which|what) (?:company|companies|org|organi[sz]ation|firm) (?:is|are|does|do)\b.*\b(?:with|from|for|at)\b",
            re.I,
        ),
    ),
    (
        Intent.ABOUT,
        re.compile(
            r"\btell me (?:more )?about\b|\bwhat (?:gets|is|will be) (?:discussed|covered|talked about)\b|\baimed at\b|\bthe angle\b|\bwhat problems?\b|\bwhat does (?:it|this|that) solve\b|\bwhat does (?:it|this|that|\w+) (?:\w+ )?do\b|\bwhat(?:'s| is| are)\b.*\bdoing\s*\?*$|\b(?:is|was) (?:it|this|that) about\b|"
            r"\bmore (?:info|information|details?) (?:on|about)\b|^\W*what(?:'s| is) in\W*$|\bwhat(?:'s| is| are| will)\b.*\b(?:presenting|showing|covering|going to (?:cover|present|show|say))\b|\b(?:speak|talk)s? (?:of|about) what\b|\bof what does\b|"
            r"\bsays? what\b|\bdiscuss\w* what\b|\bwhat does (?:it|this|that) (?:speak|talk|discuss)\w*\b|\b(?:meant|intended|designed) for\b|\bwho(?:'s| is| are) (?:the |it |this |that )?for\b|\bwho(?:'d| would)\b.{0,80}\bbe for\b|\bwhat\b.{0,80}\b(?:is|are|was) about\b|(?<!\bon the )\b(?:topic|subject|theme) of\b|\b(?:talk|speak|present)\w* about\s*\?*\s*$|\bwhat(?:'s| is| was)\b.*\babout\b|\bsummar\w*|\bdescri(?:be|ption)\b|"
            r"\bdetails?\b|\babstract\b|\bexplain\w*|\bwhat does\b.*\b(?:cover|say|claim|propose|argue)\b|\bwhat\s+(?!covers\b|is covering\b)\S.{0,60}\b(?:covers|is covering)\b|\bwhat\s+(?:covers|is covering)\W*$|\bwhat(?:'s| is) (?:it|this|that|he|she|they)\b.{0,20}\bcover\w*|"
            r"\bwhat do(?:es)? (?:they|it|this|that|he|she) mean\b|\bgist\b|\btl;?\s?dr\b|"
            r"\bwhat(?:'s| is) (?:in|on) (?:it|that)\b|\bbreak down\b|" + BARE_WHAT,
            re.I,
        ),
    ),
    (
        Intent.WHEN,
        re.compile(
            r"\bwhen (?:the|that|this|it|they)\b.{0,80}\b(?:starts?|begins?|ends?|is on|happens?|runs?)\b|"
            r"\b(?:find out|check|tell me|let me know|see|look up|know) when\b|"
            r"^\s*when\b(?! it comes to| (?:they|you|people|he|she) (?:say|said|talk|mention)| it'?s a (?:choice|toss-?up|question|matter)\b)|\bwhat time\b|\beta\b|"
            # yes/no about a named item's time: "is X after the break?", "is X in the morning?", "is X at 3?"
            r"^\W*(?:is|are|does|do)\b.*\b(?:(?:right |just )?(?:after|before) (?:the |lunch|breakfast)|"
            r"in the (?:morning|afternoon|evening)|(?:at|around)\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)?\W*$)|"
            r"\b(?:at|around|by)\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)?\s+or\b|\b\d{1,2}(?::\d{2})?\s*(?:am|pm)?\s+or\s+\d{1,2}(?::\d{2})?\b|\b(?:morning|afternoon) or (?:the )?(?:morning|afternoon)\b|\bbefore or after\b|\b(?:what|which) hour\b|\b(?:which|what(?:'s| is)(?: the)?) (?:time ?)?slot\b|\bwhen(?:'s| is| are| does| do| was| were| did)\b|\bschedul\w*\b|"
            r"\b(?:its|the) (?:start|end|finish)(?:ing)?(?: and (?:end|finish)(?:ing)?)? times?\b|\bwhen\s*\?*\s*$|(?<!my )(?<!your )(?<!our )(?<!the )\btime\s*\?*\s*$",
            re.I,
        ),
    ),
)
CUE = dict(CUES)  # each intent's cue pattern


def _word_match(q: str, w: str) -> bool:
    if q == w or q.rstrip("s") == w.rstrip("s"):
        return True
    if len(q) >= 4 and len(w) > len(q) and w.startswith(q):  # "infra" -> "infrastructure"
        return True
    if len(q) >= 6 and q.endswith("s") and len(w) > len(q) and w.startswith(q[:-1]):  # "agents" -> "agentic"
        return True
    if len(q) >= 5 and len(w) >= 5:
        return Levenshtein.distance(q, w) <= (1 if len(w) < 8 else 2)
    return False


def _noun_kinds(phrase: str) -> tuple[str, ...]:
    """The kinds a reference's noun allows: 'the X poster' is a poster, 'the X talk' a talk or panel."""
    noun = re.search(REF_NOUN + r"s?\b(?!.*" + REF_NOUN + ")", phrase, re.I)
    word = noun.group(0).lower().rstrip("s") if noun else ""
    return {
        "poster": ("poster",),
        "panel": ("panel",),
        "talk": ("talk", "panel"),
        "presentation": ("talk", "panel"),
        "keynote": ("talk",),
        "chat": ("talk",),
        "discussion": ("panel", "talk"),
    }.get(word, ())


MEMO_MAX = 100_000  # entries a long-running server keeps in a vocabulary's memo before it starts again


def remember(vocab: Vocabulary, key, compute):
    """compute(), kept in the vocabulary's memo under key (bounded: cleared when it is full)."""
    if key not in vocab.memo:
        if len(vocab.memo) >= MEMO_MAX:
            vocab.memo.clear()
        vocab.memo[key] = compute()
    return vocab.memo[key]


def _near_words(q: str, vocab: Vocabulary) -> tuple[str, ...]:
    """The title words `_word_match` pairs with a question word: the word itself and its plural, the words it
    starts (by bisection over the sorted title words), and, for a word no title has, the ones within two
    edits of the same length give or take two (rapidfuzz). A title word typed right is not read as its
    neighbours ("trading" is not "training"), and a large corpus is never scanned word by word in Python."""

    def compute():
        found = {w for w in (q, q + "s", q.rstrip("s")) if w in vocab.title_index}
        keys = vocab.title_keys
        for stem in {q, q[:-1] if len(q) >= 6 and q.endswith("s") else q} if len(q) >= 4 else ():
            i = bisect.bisect_left(keys, stem)  # "agents": "agentic" too
            while i < len(keys) and keys[i].startswith(stem):
                found.add(keys[i])
                i += 1
        if len(q) >= 5 and q not in vocab.title_index:  # `_word_match` allows edits between words of 5+ letters
            near = vocab.title_near.candidates(q, 2, max(5, len(q) - 2), len(q) + 2)
            close = process.extract(q, near, scorer=Levenshtein.distance, score_cutoff=2, limit=None)
            found |= {w for w, _, _ in close}
        return tuple(w for w in found if _word_match(q, w))

    return remember(vocab, ("near", q), compute)


def _best_item(
    phrase: str,
    vocab: Vocabulary,
    min_cover: float,
    min_precision: float,
    short_ok: bool = True,
    kinds: tuple[str, ...] = (),
) -> Item | None:
    pw = [w for w in words(re.sub(r"[()]", "", phrase)) if w not in GENERIC and len(w) > 1]
    if not pw:
        return None
    near = {q: frozenset(_near_words(q, vocab)) for q in dict.fromkeys(pw)}
    table = vocab.titles
    # per title with any of the words: how many of the phrase's words it has (precision), and the idf mass of
    # the title words they match against the title's whole mass (cover); titles with none are never picked
    matched = frozenset().union(*near.values())
    if not matched:
        return None
    touched, at = np.unique(np.concatenate([table.postings[w][0] for w in matched]), return_inverse=True)
    mass = np.bincount(at, weights=np.concatenate([table.postings[w][1] for w in matched]), minlength=len(touched))
    per_word = [np.unique(np.concatenate([table.postings[w][0] for w in ws])) for ws in near.values() if ws]
    used = np.bincount(np.searchsorted(touched, np.concatenate(per_word)), minlength=len(touched))
    # the words said as the title says them, not only near it ("multimodal agents": Agents before Agentic)
    as_said = [
        np.unique(np.concatenate([table.postings[w][0] for w in same]))
        for q, ws in near.items()
        if (same := [w for w in ws if w.rstrip("s") == q.rstrip("s")])
    ]
    exact = np.bincount(
        np.searchsorted(touched, np.concatenate(as_said)) if as_said else np.zeros(0, int), minlength=len(touched)
    )
    keep = used >= min_precision * len(near) - 1e-9  # the titles with enough of its words
    if kinds:
        keep &= np.isin(table.kinds[touched], kinds)
    rows, used, mass, exact = touched[keep], used[keep], mass[keep], exact[keep]
    precision, cover, m = used / len(near), mass / table.mass[rows], mass
    # a short reference works when it names a distinctive title word ("the Iceberg talk")
    ok = (cover >= min_cover) | (short_ok & (m >= 0.75 * vocab.top_idf))
    rows, precision, cover, m, exact = rows[ok], precision[ok], cover[ok], m[ok], exact[ok]
    if not len(rows):
        return None
    best = rows[np.lexsort((-rows, m, cover, exact, precision))[-1]]  # ties: the first title
    return vocab.by_id[table.ids[best]]


def _title_runs(phrase: str, vocab: Vocabulary) -> list[Item]:
    """The items whose title starts with a run of two or more of the phrase's words ("more like Table
    Compare", "how is Growth Analytics Agent different from Scaling Business AI Agents"), or else the one
    that holds three or more of them as a run; two words mid-title ("data quality") are a topic, not a
    reference."""
    every = [w for w in words(re.sub(r"[()]", "", phrase)) if w not in GENERIC and len(w) > 1]
    found: list[Item] = []
    i = 0
    while i < len(every) - 1:
        for j in range(len(every), i + 1, -1):
            hits = [
                it
                for it in vocab.title_starts.get(" ".join(every[i : i + 2]), ())
                if (vocab.title_text[it.id] + " ").startswith(" ".join(every[i:j]) + " ")
            ]
            if len(hits) == 1:
                found.append(hits[0])
                i = j - 1
                break
        i += 1
    if found:
        return found
    pw = [w for w in every if w not in CUE_WORDS]
    if len(pw) < 3:
        return []
    run = f" {' '.join(pw)} "
    rarest = min(pw, key=lambda w: len(vocab.title_index.get(w, ())))  # a title with the run has every word
    found = [i for i in vocab.title_index.get(rarest, ()) if run in f" {vocab.title_text[i.id]} "]
    return found if len(found) == 1 else []


def _speaker_item(phrase: str, vocab: Vocabulary) -> Item | None:
    """'Krishna Gade's talk', 'the Hollan talk', 'the Snowflake talk': the one program item of that kind a
    named person or org is on."""
    _, changes, _ = read_people(phrase, vocab)
    names = {n.casefold() for n in changes.get("people", ())}
    orgs = set(read_orgs(phrase, vocab).changes.get("orgs", ()))
    if not names and not orgs:
        return None
    return their_item(vocab, names, orgs, _noun_kinds(phrase))


def their_item(
    vocab: Vocabulary, names: set[str], orgs: set[str] = frozenset(), kinds=(), said: str = ""
) -> Item | None:
    """The one program item (of these kinds) on which one of these people (casefolded names), or else one of
    these orgs, speaks. A session of six or more people ("the Q&A") counts only when they have no other. Of
    several, the one whose title has a word `said` has ("jelena welcome time": her Event Welcome)."""
    kinds = kinds or ("talk", "panel", "poster")
    on = [
        i
        for i in vocab.program
        if i.kind in kinds and ((names & {n.casefold() for n in i.names()}) or (not names and orgs & set(i.orgs)))
    ]
    small = [i for i in on if len(i.people) < 6]
    pick = small if small else on
    if len(pick) > 1 and said:
        ws = [w for w in words(said) if w not in STOP and w not in GENERIC]
        pick = [i for i in on if any(_word_match(w, t) for w in ws for t in title_words(i))]
    return pick[0] if len(pick) == 1 else None


def _title_run(text: str, item: Item, start: int, end: int) -> tuple[int, int]:
    """[start, end) widened over the words of the item's title right after it ("Nimble file format what is
    it": "Nimble file format"), so that the words left are the question's."""
    tw = title_words(item)
    stop = 0
    for m in re.finditer(r"\s*([\w&'-]+)", text[end:]):
        w = m.group(1).lower()
        if w in STOP or not any(_word_match(w, t) for t in tw):
            break
        stop = m.end()
    return start, end + stop


def _title_span(part: str, item: Item, offset: int) -> tuple[int, int]:
    """The span of a part from its first to its last word in the item's title (not the words around it)."""
    tw = title_words(item)
    tw += [p for w in tw if "-" in w for p in w.split("-")]  # "zero copy cloning" for "Zero-Copy Cloning"
    best, run = (), []
    for m in re.finditer(r"[\w&'-]+", part):  # the longest streak of title words (stop words may sit inside)
        w = m.group(0).lower()
        if any(_word_match(w, t) for t in tw):
            run.append(m)
            best = max(best, tuple(run), key=len)
        elif w not in STOP:
            run = []
    if not best:
        return offset, offset + len(part)
    return offset + best[0].start(), offset + best[-1].end()


_PARTS = re.compile(r"\s*(?:,|;|\?|\b(?:and|or|versus|with|to|than|as)\b|\bvs\.?)\s*", re.I)


NOUN_OF = re.compile(  # "the talk on X", "Meta's talk on X"
    r"\b(?:the|that|this|[\w.-]+['’]s)\s+(?:(?!(?:first|last|next|best|other|same|one|only)\b)[\w-]+\s+)?("
    + REF_NOUN
    + r")\s+(?:of|on|about)\s+((?:[\w&@.:()'’-]+\s*){1,8})",
    re.I,
)
# "data loading poster or ...": a noun that names a kind ("training one model" is not "the training one")
FIRST_X = re.compile(r"^\W*((?:[\w&@.:()'’-]+\s+){1,6}?)" + REF_NOUN.replace("|one|", "|") + r"\b(?!s)", re.I)
POSSESSIVE = re.compile(r"\b(?:[\w-]+\s+)?[\w-]+['’]s\s+(?:[\w-]+\s+){0,3}?" + REF_NOUN + r"s?\b", re.I)


def find_references(text: str, vocab: Vocabulary, loose: bool = True) -> list[tuple[Item, int, int]]:
    """Items named in the text, with their spans, in order of appearance. `loose`: also a lowercase word
    only one title uses ("what's tulib"), for readers that act only on a cue. The last few answers are
    remembered: the readers and the intent reader ask about the same question."""
    return list(remember(vocab, ("references", text, loose), lambda: _find_references(text, vocab, loose)))


def _add_reference(found: list, item: Item | None, start: int, end: int) -> None:
    """Add an item named at [start, end) unless it is named already or the span overlaps one found."""
    if item is not None and all(item.id != f[0].id for f in found) and all(end <= s or start >= e for _, s, e in found):
        found.append((item, start, end))


def _find_references(text: str, vocab: Vocabulary, loose: bool) -> tuple[tuple[Item, int, int], ...]:
    # what both readings share is found once per question; only the words one title uses differ
    found = list(remember(vocab, ("named", text), lambda: _named_references(text, vocab)))
    # a word only one item of the corpus uses, in its title, written as a name ("what separates SEVmate from
    # ...") or standing alone between "vs", "or", "and" ("nimble vs tulib", "faiss poster or tidb poster");
    # written in lowercase in a sentence only when `loose` and not an ordinary word ("what's tulib"; "more on
    # search" is a topic)
    alone = None  # the parts standing alone, worked out only for a question with such a word
    for m in re.finditer(r"[\w-]{4,}", text):
        word = m.group(0)
        item_id = vocab.title_names.get(word.lower())
        if item_id is None:
            continue
        if alone is None:
            alone = {re.sub(REF_NOUN + r"s?$", "", p.strip().lower()).strip() for p in _PARTS.split(text)}
        if (
            (loose and word.lower() not in ordinary_words())
            or word.lower() in alone
            or (m.start() > 0 and word[:1].isupper())
            or any(c.isupper() for c in word[1:])
        ):
            item = vocab.by_id[item_id]
            _add_reference(found, item, *_title_run(text, item, m.start(), m.end()))
    return tuple(sorted(found, key=lambda f: f[1]))


def _the_x(m: re.Match, text: str, vocab: Vocabulary) -> tuple[Item | None, int, int]:
    """The item "the X talk" names (THE_X's match m), and its span. A person noun after an org or a person
    ("the Snowflake person") names their item, not a title with that word in it ("the Iceberg Age speaker" is
    a title); an org before title words ("the Meta warehouse agents talk") must be on the item; words asking
    before the title ("the gist of the Metamate talk") stay outside the span."""
    phrase, words_before = m.group(0), m.group(1) or ""
    start = m.start() if re.match(r"(?:th(?:e|at|is)|my|our|your|his|her|their)\b", phrase, re.I) else m.start(1)
    kinds = _noun_kinds(phrase)
    by_org = read_orgs(words_before, vocab)
    if re.search(PERSON_NOUN + r"s?\b\W*$", phrase, re.I) and (by_org.changes or people_spans(phrase, vocab)):
        return _speaker_item(phrase, vocab), start, m.end()
    item = _best_item(words_before, vocab, 0.5, 0.6, kinds=kinds)
    if item is not None and by_org.changes.get("orgs") and not set(item.orgs) & set(by_org.changes["orgs"]):
        item = None  # "Datagrid multimodal agent poster": Datagrid's, not another multimodal one
    if item is None and by_org.changes.get("orgs"):
        item = _best_item(by_org.rest, vocab, 0.5, 0.6, kinds=kinds)
        item = item if item is not None and set(item.orgs) & set(by_org.changes["orgs"]) else None
    if item is None:
        return _speaker_item(phrase, vocab), _from_name(phrase, start - m.start(), vocab) + m.start(), m.end()
    first = _title_span(words_before, item, m.start(1))[0]
    tw = title_words(item)
    if any(w not in STOP and not any(_word_match(w, t) or w in t for t in tw) for w in words(text[start:first])):
        start = first
    return item, start, m.end()


def _from_name(phrase: str, start: int, vocab: Vocabulary) -> int:
    """Where a reference by a person's item begins: at their name, not at the words before it ("the same lines
    as Krishna Gade's observability talk", "During Alexandru's talk"), which may be what is asked."""
    spans = people_spans(phrase, vocab)
    return max(start, spans[0][1]) if spans else start


def _named_references(text: str, vocab: Vocabulary) -> tuple[tuple[Item, int, int], ...]:
    """Items the text names by quoted or unquoted title, "the X talk", a person's or org's talk, a short
    title said whole; in the order they were found."""
    found: list[tuple[Item, int, int]] = []

    def add(item, start, end):
        _add_reference(found, item, start, end)

    for m in QUOTED.finditer(text):
        add(_best_item(m.group(1), vocab, 0.4, 0.5) or _speaker_item(m.group(1), vocab), m.start(), m.end())
    for m in THE_X.finditer(text):
        add(*_the_x(m, text, vocab))
    for m in FIRST_X.finditer(text):  # "data loading poster or ...": the title's words only
        item = _best_item(m.group(1), vocab, 0.5, 0.6, kinds=_noun_kinds(m.group(0)))
        if item is not None:
            add(item, *_title_span(m.group(1), item, m.start(1)))
    for m in NOUN_OF.finditer(text):  # "the poster of data loading optimization", "the panel on infrastructure"
        said = re.split(r"[.?!;,]\s", m.group(2) + " ")[0]  # "... access. Output: 2 sentences": that sentence's
        item = _best_item(said, vocab, 0.5, 0.6, kinds=_noun_kinds(m.group(1)))
        if item is not None:
            add(item, *_title_span(m.group(0), item, m.start()))
    for m in POSSESSIVE.finditer(text):  # "gade's talk", "krishna gade's observability talk"
        add(_speaker_item(m.group(0), vocab), m.start() + _from_name(m.group(0), 0, vocab), m.end())
    # "fiddler talk speaker", "the talk of the Snowflake about RAG": the one item of that org, named from its
    # first word that is not a question's ("when is the snowflake talk"); people are read_references' to read
    for m in (*FIRST_X.finditer(text), *NOUN_OF.finditer(text)):
        item = None if people_spans(m.group(0), vocab) else _speaker_item(m.group(0), vocab)
        if item is not None:
            first = next((w for w in re.finditer(r"[\w&@.'’-]+", m.group(0)) if w.group(0).lower() not in STOP), None)
            add(item, m.start() + (first.start() if first else 0), m.end())
    tokens = list(WORD.finditer(text.lower()))
    for n in (3, 2, 1):  # a short title said whole, with no noun ("the q&a", "does the event welcome overlap")
        for i in range(len(tokens) - n + 1):
            item_id = vocab.short_titles.get(" ".join(t.group(0) for t in tokens[i : i + n]))
            if item_id is not None:
                add(vocab.by_id[item_id], tokens[i].start(), tokens[i + n - 1].end())
    for m in re.finditer(r"\bthe ([a-z&]{4,})\b(?!['’-])", text, re.I):  # "overlaps for the welcome?": one word of it
        if (item_id := vocab.short_title_words.get(m.group(1).lower())) is not None:
            add(vocab.by_id[item_id], m.start(), m.end())
    # unquoted titles ("compare Beyond RAG and Agentic Observability"): most of a title, or a run of two or
    # more of its words in the title's order
    for part in _PARTS.split(text):
        if len(words(part)) >= 2:
            best, runs = _best_item(part, vocab, 0.6, 0.5, short_ok=False), _title_runs(part, vocab)
            start = text.find(part)
            orgs = set(read_orgs(part, vocab).changes.get("orgs", ())) if best or runs else set()
            for item in runs if len(runs) > 1 or not best else [best]:
                if not orgs or orgs & set(item.orgs):  # "Datagrid multimodal agent poster" is not Snowflake's
                    add(item, *_title_span(part, item, start))
    return tuple(found)


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


VERSUS = re.compile(r"(?<=\w)\s+(?:vs\.?|versus)\s+(?=\w)", re.I)


_WHO_WORKS = re.compile(r"\bwho\b.{0,25}\b(?:doing|doin'|working|workin'|researching|into)(?!\w)", re.I)
PERSON_CUES = (Intent.COMPARE, Intent.OVERLAP, Intent.ABOUT, Intent.WHEN)  # "more by gade" stays a person filter


def read_references(text: str, vocab: Vocabulary) -> Reading:
    """Items the question names and what it asks of them. A person with one talk names that talk for the
    questions in PERSON_CUES ("when is gade on", "hollan or gade?"); "A vs B" and "compare the posters on X"
    naming fewer than two items compare the closest matches (search fills the rest)."""
    # "who here is doing stuff on stragglers?": people working on a topic, not a title's lone word
    titled = find_references(text, vocab, loose=not _WHO_WORKS.search(text) or bool(CUE[Intent.RELATED].search(text)))
    spoken, by = [], {}
    for name, s, e in people_spans(text, vocab):
        item = their_item(vocab, {name.casefold()}, said=text[:s] + " " + text[e:])
        if (
            item is not None
            and all(e <= s2 or s >= e2 for _, s2, e2 in titled)
            and all(item.id != t[0].id for t in titled)
            and item not in by
        ):
            spoken.append((item, s, e))
            by[item] = name
    if not titled and not spoken and re.search(r"(?:\btheir|['’]s)\s+(?:\w+\s+)?" + REF_NOUN, text, re.I):
        # "what is Datagrid showing on their poster", "Datagrid's poster": the one item of an org
        orgs = read_orgs(text, vocab).changes.get("orgs", ())
        item = their_item(vocab, set(), set(orgs), _noun_kinds(text)) if len(orgs) == 1 else None
        if item is not None and (m := re.search(re.escape(orgs[0].split()[0]), text, re.I)):
            spoken.append((item, m.start(), m.end()))
    every = sorted(titled + spoken, key=lambda f: f[1])
    pair = _the_two(text, vocab) if len(every) < 2 and CUE[Intent.COMPARE].search(text) else ()
    if pair:  # "the two panels, how do they differ": the corpus has just two
        changes = {"intent": Intent.COMPARE, "targets": tuple(i.id for i in pair)}
        return Reading(_strip(text, CUE[Intent.COMPARE]), changes, ("compare the two",))
    if len(every) < 2 and (
        (VERSUS.search(text) and (every or re.search(r"\b" + REF_NOUN, text, re.I) or _side_items(text, [], vocab)))
        or re.match(r"\W*(?:compare|contrast)\s+(?:the\s+)?(?:two|both|" + REF_NOUN + r"s\b)", text, re.I)
    ):
        items = [r[0] for r in every] + [i for i in _side_items(text, every, vocab) if i not in (r[0] for r in every)]
        rest = " ".join(VERSUS.sub(" ", text).split())
        return Reading(rest, {"intent": Intent.COMPARE, "targets": tuple(i.id for i in items[:2])}, ("compare",))
    if not every:
        slot = meal_slot(text, vocab) if CUE[Intent.OVERLAP].search(text) else None
        if slot is None:
            return Reading(text, {})
        changes, note = asked_of(Intent.OVERLAP, [slot], vocab)  # "what else is on while lunch is served?"
        return Reading("", changes, (note,))
    owned = titled + [r for r in spoken if text[r[2] - 2 : r[2]] in ("'s", "’s")]  # "Gade's": his talk, any cue
    for intent, cue in CUES:
        refs = every if intent in PERSON_CUES else sorted(owned, key=lambda f: f[1])
        if not refs:
            continue
        rest = text
        for _, s, e in sorted(refs, key=lambda f: -f[1]):
            if m := _NOUN_BEFORE.search(rest[:s]):  # "what's the talk about <title> - when is it?": no "about" cue
                s = m.start()
            rest = rest[:s] + " " + rest[e:]
        rest = " ".join(rest.split())
        joiner = r"\s*(?:" + REF_NOUN + r"s?)?\s*,?\s*(?:or|vs\.?|versus)\s*(?:the\s+)?"
        either = len(refs) >= 2 and re.fullmatch(joiner, text[refs[0][2] : refs[1][1]], re.I)  # "A or B"
        between = text[refs[0][2] : refs[1][1]] if len(refs) >= 2 else ""
        if intent == Intent.COMPARE and _ALIKE.search(between):
            either = True  # "is the faiss poster anything like the realtime graph one": A against B
        if either and _TOPIC_ASK.search(text):
            either = False  # "which sessions deal with stragglers or silent errors?": either topic will do
        if not (cue.search(_asking(rest)) or (intent == Intent.COMPARE and either)):
            continue
        if intent == Intent.RELATED and not _related_cue(text, refs):
            continue  # "like" / "also" as filler ("who is it aimed at, like what's the angle")
        if intent == Intent.COMPARE and len(refs) < 2:
            if not re.search(r"\b" + REF_NOUN + r"\b(?!s)", rest, re.I):
                continue  # "compare X" with no other item described ("X compared to the data loading poster")
            if not cue.search(re.sub(TOPICAL_OVERLAP, " ", rest, flags=re.I)):
                continue  # "which poster overlaps topic-wise with X": related to X
            changes, note = {"intent": intent, "targets": (refs[0][0].id,)}, f"compare {refs[0][0].title!r}"
        else:
            items = [r[0] for r in refs]
            if intent in (Intent.WHEN, Intent.ABOUT):  # "when is shishir on": their talk, then shared sessions
                items += [i for r in refs if r[0] in by for i in sessions_of(by[r[0]], vocab) if i not in items]
            changes, note = asked_of(intent, items, vocab)
        keep = intent in (Intent.COMPARE, Intent.RELATED, Intent.ABOUT)  # what is asked ("compare A and B on cost")
        notes = (note, *(f"person: {by[r[0]]}" for r in refs if r[0] in by))
        return Reading(_strip(rest, cue) if keep else "", changes, notes)
    return Reading(text, {})


_TOPIC_ASK = re.compile(
    r"\b(?:which|what|any)\s+(?:sessions?|talks?|posters?|panels?|ones?)\s+(?:deals?(?:ing)? with|cover\w*|are about|is about|"
    r"about|on|touch(?:es)? on|discuss\w*|tackle\w*|look at)\b",
    re.I,
)
_NOUN_BEFORE = re.compile(r"\b(?:the|a|that|this)\s+" + REF_NOUN + r"\s+(?:about|on|of)\s*$", re.I)
_SENTENCE = re.compile(r"[^.!?]*(?:\?|[^.!?]$)", re.S)  # a question, or the last words unended


def _asking(text: str) -> str:
    """The sentences that ask, in a text of several: those ending in "?" ("I loved the library. Heard there's
    a poster on it. Who are the people behind it?"); the whole text when none does."""
    asked = [m for m in _SENTENCE.finditer(text) if m.group(0).strip(" ?")]
    if not asked or not re.search(r"[.!?]\s+\S", text.rstrip(" ?")):
        return text
    if sum(len(words(m.group(0))) for m in asked) < 3:  # "... more like it. Suggestions?": the one before too
        return text[text.rfind(".", 0, asked[0].start() - 1) + 1 : asked[-1].end()]
    return " ".join(m.group(0).strip() for m in asked)


_TWO = re.compile(
    r"\b(?:the|these|those) (?:two|2) ((?:[\w-]+ ){0,3}?)(posters|panels|talks)\b|"
    r"\bboth (?:the )?((?:[\w-]+ ){0,3}?)(posters|panels|talks)\b",
    re.I,
)


def _the_two(text: str, vocab: Vocabulary) -> tuple[Item, ...]:
    """The two items of a kind when the text says "the two panels" and the corpus has exactly two, or "the
    two customer feedback posters" and exactly two have a word said in their titles."""
    m = _TWO.search(text)
    if not m:
        return ()
    said = [w for w in words(m.group(1) or m.group(3) or "") if w not in STOP and w not in GENERIC]
    kind = (m.group(2) or m.group(4)).lower().rstrip("s")
    of_kind = tuple(
        i
        for i in vocab.program
        if i.kind == kind
        and (not said or any(_word_match(w, t) for w in said for t in title_words(i) + [o.lower() for o in i.orgs]))
    )
    return of_kind if len(of_kind) == 2 else ()


_ALIKE = re.compile(r"\b(?:like|similar|same|akin|comparable)\b", re.I)  # "is A anything like B": A against B
_FILLER_CUES = re.compile(r"\b(?:like|also)\b", re.I)


def _related_cue(text: str, refs: list) -> bool:
    """A RELATED cue that is not filler: any cue but "like" / "also", or one of those right before a named
    item or "it/this/that" ("more like X", "anything like it"); "like what's the angle" is filler."""
    cue = CUE[Intent.RELATED]
    starts = {s for _, s, _ in refs}
    for m in cue.finditer(text):
        if not _FILLER_CUES.fullmatch(m.group(0)):
            return True
        if re.search(r"(?:^|\bso|\bum|,)\s*$", text[: m.start()], re.I):
            continue  # "so like the Growth Analytics poster, what's it doing?": filler
        after = text[m.end() :]
        gap = len(after) - len(after.lstrip())
        if m.end() + gap in starts or re.match(
            r"\s*(?:the\s+)?(?:it|this|that|these|those|them|one|ones)\b", after, re.I
        ):
            return True
    return False


def sessions_of(name: str, vocab: Vocabulary) -> list[Item]:
    return [i for i in vocab.program if name in i.names()]


def _side_items(text: str, refs: list, vocab: Vocabulary) -> list[Item]:
    """For "A vs B" with a side that names no item outright: the item whose title best matches that side's
    words ("the log collection poster" -> "Meta Log Collection: ...")."""
    found = []
    offset = 0
    for side in VERSUS.split(text, maxsplit=1):
        start = text.find(side, offset)
        offset = start + len(side)
        if any(start <= s < offset for _, s, _ in refs):
            continue
        side = re.split(r"\s+[-–—:]\s+|[,;?]", side.strip(" ,;?-"))[0]  # "..., which is better?": not the side
        item = _speaker_item(side, vocab) or _best_item(side, vocab, 0.3, 0.5, kinds=_noun_kinds(side))
        if item is not None:
            found.append(item)
    return found


ONE_ITEM = (Intent.WHO, Intent.ABOUT, Intent.WHEN, Intent.OVERLAP, Intent.RELATED)  # asked of one item
_DESCRIBED = re.compile(
    r"\b(?:the|that|this|there(?:'s|’s| is| was) an?)\s+"
    + REF_NOUN
    + r"\s+(?:about|on|where|that|which|with|of|covering|explaining|discussing)"
    r"\s+(?P<what>(?:(?!\s(?:or|vs\.?|versus|and then|is there|are there|what|who|when)\s)[^?!.;:,(])+)",
    re.I,
)


def described_item(text: str) -> str:
    """The words describing one item a question names by what it does ("who gives the talk about the computer
    making silent mistakes?": "the computer making silent mistakes"); "" when it describes none, or two ("the
    one about X or the one about Y"), or says only a topic: fewer than three words of substance ("the talk
    about AI agents" could be any of several)."""
    found = [m.group("what").strip(" -") for m in _DESCRIBED.finditer(text)]
    if len(found) != 1 or len([w for w in words(found[0]) if w not in STOP | GENERIC]) < 3:
        return ""
    return found[0]


def asked_of(intent: Intent, items: list[Item], vocab: Vocabulary) -> tuple[dict, str]:
    """The Plan fields, and a note, for a question of this intent about items it names (compare: the first
    two; overlap and related: the first)."""
    first = items[0]
    if intent == Intent.COMPARE:
        return {"intent": intent, "targets": tuple(i.id for i in items[:2])}, (
            f"compare {items[0].title!r} and {items[1].title!r}"
        )
    if intent == Intent.OVERLAP:
        changes = {"intent": intent, "targets": (first.id,), "schedule": overlapping(first, vocab)}
        return changes, f"at the same time as {first.title!r}"
    if intent == Intent.RELATED:
        return {"intent": intent, "related_to": first.id, "targets": (first.id,)}, f"related to {first.title!r}"
    ids = tuple(i.id for i in items)
    schedule = ids
    if intent == Intent.WHEN and any(i.kind == "poster" for i in items):
        schedule += tuple(i.id for i in vocab.poster_sessions)
    return {"intent": intent, "targets": ids, "schedule": schedule}, (
        f"{intent.value}: " + ", ".join(repr(i.title) for i in items)
    )


def meal_slot(text: str, vocab: Vocabulary) -> Item | None:
    """The schedule slot of a meal or break the text names ("lunch", "the happy hour"), if any."""
    return next((slot for m in MEAL.finditer(text) if (slot := slot_anchor(m.group(1), vocab))), None)


def _strip(text: str, cue: re.Pattern) -> str:
    return " ".join(cue.sub(" ", text).split())


def overlapping(item: Item, vocab: Vocabulary) -> tuple[str, ...]:
    """The named item first, then everything that runs at the same time (posters during poster sessions)."""
    if item.kind == "poster":
        return (item.id,) + tuple(i.id for i in vocab.poster_sessions)
    if not item.start:
        return (item.id,)
    s, e = item.start_dt, item.end_dt or item.start_dt + timedelta(minutes=1)
    others = [i for i in vocab.scheduled if i.id != item.id and i.start_dt < e and (i.end_dt or i.start_dt) > s]
    if item in vocab.poster_sessions:
        others += [i for i in vocab.program if i.kind == "poster"]
    return (item.id,) + tuple(i.id for i in others)


# ---------------------------------------------------------------- items named by their place in the day

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
        t = _clock(g[0], g[1], g[2], None) or _clock(g[3], None, g[4], None)
        t = t or _clock(g[8], g[9], g[10], None) or _clock(g[11], None, g[12], None)
        noun = g[6] or g[7]
        pool = _place_pool(one if noun.lower() == "one" else noun, vocab)
        if t is None or not pool:
            return None
        day, tz = _day(vocab)
        moment = datetime.combine(day, t, tzinfo=tz)
        at = [i for i in pool if i.start_dt == moment] or [i for i in pool if i.start_dt <= moment < _end(i)]
        said = [w for w in words((g[5] or "").replace("-", " ")) if w not in STOP]  # "the 15:30 real-world AI talk"
        if at and not all(any(_word_match(w, tw) for tw in title_words(at[0])) for w in said):
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
                end = _title_run(text, anchor, m.end(), m.end() + tail[n - 1].end())[1]  # "the fireside chat"
                break
    if anchor is None:
        return None
    noun = one if m.group(1).lower() == "one" else m.group(1)
    pool = [i for i in _place_pool(noun, vocab) if i.id != anchor.id and i.start]  # "the poster after X": none
    if m.group(2).lower() in ("after", "following"):
        later = [i for i in pool if i.start_dt >= _end(anchor)]
        return (later[0], end) if later else None
    earlier = [i for i in pool if _end(i) <= anchor.start_dt]
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


# ---------------------------------------------------------------- kinds, orgs, people

TALK_WORDS = r"\b(?:talks?|presentations?|keynotes?|lectures?)\b"


def read_kinds(text: str, vocab: Vocabulary) -> Reading:
    scope = re.sub(r"\bposter\s+(presentation|talk)(s?)\b", r"poster\2", text.lower())  # "poster presentations"
    kinds = [k for k, pattern in KIND_WORDS.items() if re.search(pattern, scope) and k in vocab.kinds]
    if kinds and re.search(TALK_WORDS, scope) and not re.search(r"\b(?:not|no|except|but not) (?:the )?talks\b", scope):
        kinds = [] if "poster" in kinds else ["talk", "panel"]  # "talks and posters": everything (but "all the
        # posters, not the talks": posters)
    if re.search(
        r"\b(?:only talks|talks only|not (?:the )?posters|no posters|talks and panels|on stage|on-stage)\b", scope
    ):
        kinds = ["talk", "panel"]
    kinds = [k for k in kinds if k in vocab.kinds or k == "talk"]
    return Reading(text, {"kinds": tuple(kinds)} if kinds else {}, ("kind: " + ", ".join(kinds),) if kinds else ())


def _norm(w: str) -> str:
    """A word without the punctuation around it and its possessive "'s"."""
    w = w.strip("?!,.;:()\"“”'")
    return w[:-2] if w.endswith(("'s", "’s")) else w


_NOT_ORG = re.compile(
    r"(?:\bnot|\bnon|\bother than|\bexcept(?: for)?|\bexcluding|\bbesides|\boutside(?: of)?|\bapart from|\bbut)"
    r"(?:\s+(?:from|by|at|the|those|ones))*\s*$",
    re.I,
)


def read_orgs(text: str, vocab: Vocabulary) -> Reading:
    """Orgs named in the text, in any spelling the corpus knows (n-grams of up to 4 words), or misspelled; one
    right after "other than", "not from", "except", "non-" is an org to leave out ("posters not from Meta")."""
    ws = re.sub(r"\bnon-(?=\w)", "non ", text, flags=re.I).split()
    found: list[str] = []
    left_out: list[str] = []
    keep = [True] * len(ws)
    normed = [_norm(w) for w in ws]
    keyed = [org_key(w) for w in normed]  # an n-gram's key is its words' keys joined (org_key drops spaces)
    for n in (4, 3, 2, 1):
        for i in range(len(ws) - n + 1):
            if not all(keep[i : i + n]):
                continue
            key = "".join(keyed[i : i + n])
            org, hit = vocab.orgs.get(key), key
            if (
                org is None
                and n <= 2
                and len(key) >= 6
                and key not in vocab.common
                and " ".join(normed[i : i + n]).lower() not in STOP
            ):
                near = vocab.orgs_by_length.near(len(key), 87)
                match = process.extractOne(key, near, scorer=fuzz.ratio, score_cutoff=87)
                org, hit = (vocab.orgs[match[0]], match[0]) if match else (None, key)
            if org is None or (org == "Meta" and i > 0 and ws[i - 1].lower().endswith("ray-ban")):
                continue
            if (
                hit != org_key(org)
                and hit in ordinary_words()
                # a capital names it, unless it only starts a sentence ("Thinking panels with ...")
                and not any(
                    ws[j][:1].isupper() and j > 0 and not ws[j - 1].endswith((".", "!", "?", ":"))
                    for j in range(i, i + n)
                )
            ):
                continue  # "thinking of recording interviews": a word, not Thinking Machines (but "Thinking's")
            into = left_out if _NOT_ORG.search(" ".join(ws[max(0, i - 4) : i])) else found
            if org not in into:
                into.append(org)
            keep[i : i + n] = [False] * n
    rest = " ".join(w for w, k in zip(ws, keep) if k)
    changes: dict = {"orgs": tuple(found)} if found else {}
    notes: tuple[str, ...] = ("org: " + ", ".join(found),) if found else ()
    if left_out:
        changes["not_orgs"] = tuple(left_out)
        notes += ("org: not " + ", ".join(left_out),)
    return Reading(rest, changes, notes)


def read_people(text: str, vocab: Vocabulary) -> Reading:
    """People named in the text: full names (any case, misspelled), a unique surname alone, or a first name
    only one person has that the corpus does not use as a word ("jelena", "krishna")."""
    spans = people_spans(text, vocab)
    if not spans:
        return Reading(text, {})
    rest = text
    for _, s, e in sorted(spans, key=lambda f: -f[1]):
        rest = rest[:s] + rest[e:]
    found = tuple(dict.fromkeys(name for name, _, _ in spans))
    return Reading(" ".join(rest.split()), {"people": found}, ("person: " + ", ".join(found),))


def people_spans(text: str, vocab: Vocabulary) -> list[tuple[str, int, int]]:
    """(canonical name, start, end) of each person named in the text, longest names first."""
    return remember(vocab, ("people", text), lambda: _people_spans(text, vocab))


def _people_spans(text: str, vocab: Vocabulary) -> list[tuple[str, int, int]]:
    tokens = list(re.finditer(r"\S+", text))
    ws = [t.group(0) for t in tokens]
    found: list[tuple[str, int, int]] = []
    keep = [True] * len(ws)
    fuzzy = vocab.fuzzy_people()
    normed = [_norm(w).lower() for w in ws]
    # words no name slip is made of ("the data team"); an empty one (punctuation alone) counts as such
    plain = [not w or w in GENERIC or (w in ordinary_words() and w in vocab.common) for w in normed]
    for n in (4, 3, 2, 1):
        for i in range(len(ws) - n + 1):
            if not all(keep[i : i + n]):
                continue
            phrase = " ".join(normed[i : i + n])
            if n > 1:
                name = vocab.people.get(phrase)
                if (
                    name is None
                    and fuzzy
                    and len(phrase) >= 8
                    and not all(plain[i : i + n])
                    and not all(w in ordinary_words() for w in normed[i : i + n])  # "I can link them": no Can Lin
                ):
                    near = vocab.people_by_length.near(len(phrase), 86)
                    match = process.extractOne(phrase, near, scorer=fuzz.ratio, score_cutoff=86)
                    # as many words as the name: "is miles gordenker" is not a spelling of "miles gordenker"
                    name = vocab.people[match[0]] if match and len(match[0].split()) == n else None
            else:
                name = vocab.surnames.get(phrase) or vocab.first_names.get(phrase)
                if (
                    name is None
                    and fuzzy
                    and len(phrase) >= 6
                    and phrase not in vocab.common
                    and phrase not in GENERIC
                    and phrase not in ordinary_words()  # "hoping" is no slip of "Hong"
                ):
                    near = vocab.surnames_by_length.near(len(phrase), 80)
                    match = process.extractOne(phrase, near, scorer=fuzz.ratio, score_cutoff=80)
                    name = vocab.surnames[match[0]] if match else None
            if name is None or any(name == f[0] for f in found):
                continue
            found.append((name, tokens[i].start(), tokens[i + n - 1].end()))
            keep[i : i + n] = [False] * n
    return found


# ---------------------------------------------------------------- time
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


def _clock(h, m, ampm, word) -> time | None:
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


def _day(vocab: Vocabulary):
    first = vocab.scheduled[0].start_dt
    return first.date(), first.tzinfo


def _end(i: Item) -> datetime:
    return i.end_dt or i.start_dt + timedelta(minutes=1)


def _window(vocab: Vocabulary, t0: time | None, t1: time | None) -> tuple[str, ...]:
    """Items overlapping [t0, t1): those fully inside first, then those that only overlap, by start."""
    day, tz = _day(vocab)
    lo = datetime.combine(day, t0 or time(0, 0), tzinfo=tz)
    hi = datetime.combine(day, t1 or time(23, 59), tzinfo=tz)
    hit = [i for i in vocab.scheduled if i.start_dt < hi and _end(i) > lo]
    inside = [i for i in hit if i.start_dt >= lo and _end(i) <= hi]
    return tuple(i.id for i in inside + [i for i in hit if i not in inside])


def _at(vocab: Vocabulary, t: time) -> tuple[str, ...]:
    """The slots running at a time; if none, the next ones to start."""
    day, tz = _day(vocab)
    moment = datetime.combine(day, t, tzinfo=tz)
    running = [i for i in vocab.scheduled if i.start_dt <= moment < _end(i)]
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
    item = _best_item(phrase, vocab, 0.5, 0.5)
    if item is not None and item.start and item in vocab.scheduled:
        return item
    spk = _speaker_item(phrase, vocab)
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
            pool = [i for i in vocab.scheduled if i.start_dt >= _end(anchor) and i.id != anchor.id]
            pick = [i for i in pool if pool and i.start == pool[0].start]
        else:
            pool = [i for i in vocab.scheduled if _end(i) <= anchor.start_dt and i.id != anchor.id]
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
            _cut(text, m.start(), m.end()),
            {"schedule": tuple(i.id for i in pick)},
            (f"{'after' if after else 'before'} {anchor.title!r}",),
        )
    if m := WINDOW.search(text):
        g = m.groups()
        t0, t1 = (
            (_clock(*g[0:4]), _clock(*g[4:8]))
            if m.group(0).lower().startswith(("between", "from"))
            else (_clock(*g[8:12]), _clock(*g[12:16]))
        )
        if t0 and t1:
            if t1 <= t0 and not g[2] and not g[10]:  # "from 11 to 1": 1 PM
                t1 = time(min(23, t1.hour + 12), t1.minute)
            return Reading(
                _cut(text, m.start(), m.end()),
                {"schedule": _window(vocab, t0, t1), "window": True},
                (f"between {t0.strftime('%H:%M')} and {t1.strftime('%H:%M')}",),
            )
    if m := BOUND.search(text):
        t = _clock(*m.groups()[1:5])
        if t is not None:
            upto = m.group(1).lower() in ("until", "till", "til", "before", "by", "up to", "earlier than")
            ids = _window(vocab, None, t) if upto else _window(vocab, t, None)
            return Reading(
                _cut(text, m.start(), m.end()),
                {"schedule": ids, "window": True},
                (f"{'until' if upto else 'from'} {t.strftime('%H:%M')}",),
            )
    if (m := RELATIVE.search(text)) and (anchor := slot_anchor(m.group(2), vocab)) is not None:
        upto = m.group(1).lower() in ("before", "until", "till", "up to")
        day, tz = _day(vocab)
        ids = (
            _window(vocab, None, anchor.start_dt.timetz().replace(tzinfo=None))
            if upto
            else _window(vocab, _end(anchor).timetz().replace(tzinfo=None), None)
        )
        ids = tuple(i for i in ids if i != anchor.id)
        return Reading(
            _cut(text, m.start(), m.end()),
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
                _cut(text, m.start(), m.end()),
                {"schedule": tuple(i.id for i in pool if i.start == pick.start)},
                (f"{'first' if first else 'last'} {m.group(2) or 'talk'}",),
            )
    if m := AT_TIME.search(text):
        g = m.groups()
        t = (
            _clock(*g[0:4])
            or _clock(g[4], g[5], g[6], None)
            or _clock(g[7], g[8], "pm" if g[7] and int(g[7]) < 8 else None, None)
            or _clock(None, None, None, g[9])
        )
        if t is not None:
            return Reading(_cut(text, m.start(), m.end()), {"schedule": _at(vocab, t)}, (f"at {t.strftime('%H:%M')}",))
    for word, (t0, t1) in PART_OF_DAY.items():
        if re.search(rf"\b{word}\b", text, re.I):
            day, tz = _day(vocab)
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


# ---------------------------------------------------------------- intent

# one word boundary for every alternative: tried once per position, not once per alternative
RECOMMEND = re.compile(
    r"\b(?:recommend(?:s|ed|ing)?\b|your recommendations?\b|what should (?:she|he|they|we|i) go see\b|"
    r"(?:i'?d|i would) (?:actually |really )?enjoy\b|won'?t waste my\b|"
    r"would you (?:prioriti[sz]e|pick|choose|go to|see|attend)\b|suggest\w*|unmissable\b|plan my\b|"
    r"get the most (?:out of|from)\b|for an? \w+ (?:person|folks?|people|type)\b|"
    r"should (?:i|we|(?:a|an) \w+(?: \w+){0,2}|someone(?: \w+)?) (?:see|attend|go|check|catch|watch|visit|listen|hear|prioriti[sz]e|hit|not miss)\b|"
    r"worth (?:seeing|attending|checking|visiting|my time|it)\b|must[- ]sees?\b|"
    r"what (?:do|should) i (?:attend|see|go to)\b|"
    r"what should (?:she|he|they|we|you|my \w+) (?:go to|see|attend)\b|"
    r"(?<!n't )(?<!not )cares? (?:mostly |most |a lot )?about\b|pick (?:\d+|a few|some|two|three|five)\b|"
    r"good for (?:beginners|newcomers|someone|me|us)\b|should(?:n'?t| not) (?:i )?miss\b|"
    r"point (?:a|an|me|us)\b.{0,40}\bto\b|"
    r"what should (?:a|an) (?:\w+ ){1,6}?(?:go to|see|attend|catch|check out)\b|would help (?:me|us)\b|"
    r"most (?:useful|relevant|helpful) (?:for|to) (?:me|us)\b|(?:fits?|suits?) me\b|highlights?\b|"
    r"picks? for\b|(?:talk|poster|panel|session|one)s? (?:is|are) (?:the )?best\b|don'?t miss\b|"
    r"i'?m (?:into|interested in|keen on|curious about|working on|a|an)\b|"
    r"for (?:someone|somebody|people|a person|folks|me)\b|"
    r"(?:as|being) an? \w+ (?:engineer|scientist|manager|researcher|person|lead|developer)\b|"
    r"best (?:talks|posters|sessions|ones) (?:for|on|about)\b|what would you (?:pick|choose)\b|"
    r"pick for me\b|i care about\b|my interests?\b|if i (?:only|just) have time\b|top picks?\b|"
    r"where should i (?:go|spend|start)\b|recs\b|what should (?:a|an) \w+ (?:go to|see|attend|catch)\b|"
    r"which\b.{0,40}\bshould (?:i|we|they|he|she|it be)\b|"
    r"what(?: here)? would (?:be good|help|suit|work) (?:for )?(?:me|us|them|him|her|someone)\b|"
    r"where should (?:i|we) (?:be|hang)\b|would make (?:the |a )?(?:best|good|great)\b|"
    r"should (?:i|we) (?:actually |really |definitely )?sit (?:down )?(?:and|to) (?:listen|watch)\b|"
    r"what should (?:i|we) (?:drag|take|bring) (?:them|him|her|my \w+)\b|"
    r"most (?:accessible|suitable|appropriate|approachable) (?:for|to)\b|would (?:best )?suit\b|"
    r"(?:would|will)(?:n'?t| not) (?:find|be) (?:it )?(?:boring|dull)\b)",
    re.I,
)
_RECOMMEND_FILLER = re.compile(
    r"\b(?:someone|somebody|people|folks|a person|me|who|is|are|into|interested in|keen on|"
    r"curious about|working on|i'?m|i am|should i|worth|must[- ]see|best|pick|choose|top|"
    r"picks?|would you|recommend\w*|suggest\w*|see|attend|go to|check out|catch|visit|"
    r"prioriti[sz]e|not miss|don'?t miss|my|interests?|care about|i care|time|if i only have|"
    r"where should i (?:go|spend|start)|recs|what should (?:a|an))\b",
    re.I,
)
WHOLE = re.compile(
    r"\b(?:all|every|each|(?:full|complete|entire|whole) (?:\w+ )?(?:list|enumeration|catalogu?e|rundown|inventory|roster|line-?up|set)|everything)\b|"
    r"\bwhat (?:talks|posters|panels|sessions) are (?:there|on)\b|\bhow many (?:talks|posters|panels|sessions)\b",
    re.I,
)


_ASKS_ADVICE = re.compile(r"\b(?:recommend\w*|suggest\w*|should|worth|must[- ]sees?|best|picks?|help|good for)\b")


def read_intent(text: str, vocab: Vocabulary) -> Reading:
    low = text.lower().strip()
    if RECOMMEND.search(low) and not (WHOLE.search(low) and not _ASKS_ADVICE.search(low)):  # "i'm a student, list all"
        rest = _RECOMMEND_FILLER.sub(" ", RECOMMEND.sub(" ", text))
        return Reading(" ".join(rest.split()), {"intent": Intent.RECOMMEND}, ("recommend",))
    if LIST_ASKED.search(low):  # "who's presenting posters? just list every poster": the list is asked
        return Reading(text, {"intent": Intent.LIST, "whole_list": True})
    if re.match(r"^(?:who|whom|whos)\b", low) or re.search(
        r"\bwho(?:'s| is| are)\s+(?:speaking|presenting|on|giving|"
        r"running|behind)\b",
        low,
    ):
        return Reading(text, {"intent": Intent.WHO})
    if re.match(
        r"^(?:when|what time|at what time|(?:at )?what hour)\b(?! it comes to| it'?s a (?:choice|toss-?up|question|matter)\b)",
        low,
    ) and not WHEN_CLAUSE.match(low):
        return Reading(text, {"intent": Intent.WHEN})
    changes: dict = {}
    if (
        re.match(r"^(?:just\s+)?(?:which|list|name|show|give me|what are|are there|any|enumerate|how many)\b", low)
        or re.search(
            r"\bbrowse\b|\bdump\b|\bpull (?:them |it )?up\b|\b(?:poster|talk|panel|session) (?:lineup|list|wall)\b", low
        )
        or re.match(r"^what (?:talks|posters|panels|sessions) (?:are|r)\b", low)
        or re.search(r"\b(?:which|all|every|any)\s+(?:the\s+)?(?:talks|posters|panels|sessions)\b", low)
        or re.search(r"\blist\b", low)
        or WHOLE.search(low)
    ):
        changes["intent"] = Intent.LIST
    if WHOLE.search(low):
        changes["whole_list"] = True
    return Reading(text, changes)
