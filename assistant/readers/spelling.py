"""Chat spellings, spoken clock times, a title word typed in two, the event's own name."""

from __future__ import annotations

import functools
import re
import sys
from datetime import datetime

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from assistant.lexicon import ordinary_words
from assistant.readers.base import REF_NOUN, Reading, remember
from assistant.readers.events import EVENT_FACTS
from assistant.readers.references import CUES, PERSON_NOUN, TOPICAL_OVERLAP, find_references
from assistant.readers.times import clock_of, event_day
from assistant.vocabulary import Vocabulary, words

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
    r"\b(at|around|about|from|between|and|to|till|until|after|before|by|since|@)\s+([01]?\d|2[0-3])[.h]?([0-5]\d)\b"
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

    day, tz = event_day(vocab)
    clocks: list[str] = []

    def shift(m: re.Match) -> str:
        said = m.group(4)  # "Eastern", "ET", or "my time" with the zone named elsewhere ("I'm in London")
        zone = _zone_of(said) or (
            _zone_of(text) if re.match(r"(?:my time|for me|to me|where i am|local)", said, re.I) else None
        )
        t = clock_of(m.group(1), m.group(2), m.group(3), None)
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


@functools.cache
def _cue_words() -> frozenset[str]:
    """Every word the readers' patterns spell out ("topically", "coincide"): a cue is never a slip to correct.
    The patterns of every reader module, those above this one included: importing any of them runs the
    package's __init__, which loads them all before anything is read."""
    modules = [m for name, m in list(sys.modules.items()) if name.startswith("assistant.readers.")]
    sources = [v.pattern for m in modules for v in vars(m).values() if isinstance(v, re.Pattern)]
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
        said = " ".join(ws[i : i + n]).lower()
        if score >= 88 and not any(
            said in item.title.lower() for item, _, _ in find_references(" ".join(ws), vocab, loose=False)
        ):  # "the Log Collection @Scale poster" names a poster, not the event
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
