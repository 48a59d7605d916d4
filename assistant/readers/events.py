"""Facts about the event itself: venue, date, start and end, registration, breaks, the full schedule."""

from __future__ import annotations

import re

from assistant.readers.base import MEAL, WHEN_CLAUSE, Reading
from assistant.readers.references import CUE, find_references
from assistant.readers.times import AT_TIME, BOUND, RELATIVE, WINDOW, slot_anchor
from assistant.records import Intent
from assistant.vocabulary import Vocabulary

_SCOPE = r"(?:it|th(?:e|is) (?:whole |entire )?(?:conference|event|day|program(?:me)?|summit|agenda|thing)|this|@?scale|things?|everything|it all)"
_DAY = (  # the day itself as the subject: "the day's festivities conclude", "the proceedings end", "it all"
    r"(?:th(?:e|is) (?:whole |entire )?(?:day|event|conference|summit|proceedings)"
    r"(?:'?s (?:festivities|programme|program|proceedings|events))?|everything|it all)"
)
EVENT_FACTS = (
    (
        "schedule",
        re.compile(
            r"\b(?:full|whole|entire|complete|overall|day'?s|today'?s)\s+(?:schedule|agenda|program(?:me)?|"
            r"line-?up|timetable|run of show|rundown)\b|\bwhat'?s the (?:schedule|agenda|program(?:me)?|line-?up)\b(?! for (?:the )?posters)|"
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
            r"\bhow (?:do|can) i get there\b|\bwhere (?:is|'s) it\b|"
            r"\b(?:location|place) of (?:the|this|today'?s) (?:event|conference|summit)\b",
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
            r"\bwhen (?:does|do) (?:things|it all) (?:start|begin|kick off)\b|"
            r"\b(?:for|at) the (?:day|event|conference)'?s (?:beginning|start|opening)\b|"
            r"\bcommencement (?:time )?of (?:the )?(?:proceedings|event|conference|day)\b",
            re.I,
        ),
    ),
    (
        "end",
        re.compile(
            r"\b(?:when|what time) (?:does|do|will) "
            + _SCOPE
            + r"(?: \w+ly)? (?:end|finish|wrap up|close|wind down|be over)\b|"
            r"\b(?:when|what time) (?:ends|finishes|closes) (?:all )?" + _SCOPE + r"\W*$|"
            r"\bend time\b|\bhow late\b|\bquitt?in[g']? time\b|^\W*(?:does|do|will|is)\s+"
            + _SCOPE
            + r"(?:\s+\w+ly)?\s+(?:wrap(?: up)?|end|finish|close|(?:be )?over)\b|\b(?:when|what time)(?:'s| is| does| do| will)?\s+"
            + _SCOPE
            + r"(?:\s+\w+ly)?\s+"
            r"(?:over|done|wrap(?:s|ping)?(?: up)?|end(?:s|ing)?|finish(?:es|ing)?)\b|"
            r"\b(?:when|what (?:time|hour))\b.{0,20}?\b"
            + _DAY
            + r"(?:\s+\w+ly)?\s+(?:conclude|end|finish|wrap(?: up)?|close)s?\b|\b(?:when|what time) is (?:it(?: all)?|everything|the (?:last \w+|day|event|conference)) (?:over|done)\b",
            re.I,
        ),
    ),
    ("registration", re.compile(r"\bregist(?:er|ration|ering)\b|\bcheck[- ]?in\b|\bbadges?\b|\bsign[- ]in\b", re.I)),
    (
        "poster_sessions",
        re.compile(
            r"\b(?:when|what times?|times? (?:during|in|at) which)\b.{0,40}\bposters?\b"
            r"(?!.{0,40}\b(?:about|on(?! (?:display|show|view))|from|by|like)\b)|"
            r"\bposter (?:session|hall|hours|times|timings)s?\b|\bschedule for (?:the )?posters\b|"
            r"^\W*posters?\b(?!.{0,40}\b(?:about|on|from|by|like)\b).{0,30}\b(?:what time|what hours|when)\b|"
            r"\bposters? (?:only )?(?:shown|up|on display|displayed)\b(?!.{0,40}\b(?:about|on|from|by)\b)",
            re.I,
        ),
    ),
    (
        "breaks",
        re.compile(
            r"\b(?:when|what times?|is there|are there|any|where)\b.{0,30}\b(?:breaks?|lunch|breakfast|food|eat|"
            r"meals?|coffee|snacks?|happy hour|drinks|networking)\b|\b(?:breaks?|lunch|breakfast|food|meals?|"
            r"coffee|happy hour|drinks)\s*(?:time|hours?)?\s*\?*$|\b(?:break|lunch|coffee) (?:tim(?:es|ings?)|windows?)\b|\bwhat (?:breaks|meals?|food|snacks)\b|\bhow many breaks\b|\b(?:list|show|tell me|give me|all)\b.{0,12}\bbreaks?\b|"
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


TOPICAL_FRAME = re.compile(
    r"\b(?:talks?|sessions?|posters?|panels?|presentations?|research|work)\s+"
    r"(?:about|on(?! (?:display|show|view|stage|(?:the |today'?s )?(?:program(?:me)?|agenda|schedule|list|day)\b))|covering|regarding|"
    r"that (?:tackles?|covers?|deals? with|address(?:es)?|discuss(?:es)?|touch(?:es)? on|(?:is|are) about))\b",
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
_WHOLE_EVENT = re.compile(r"\b" + _DAY + r"\b", re.I)  # "assuming there's a happy hour, when does everything end?"
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
        if not m or (topical and (fact != "schedule" or "that" in topical.group(0).lower().split())):
            continue  # "talks about registration systems", "every session that tackles X, the whole lineup": topics
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
        if (
            fact in ("poster_sessions", "start", "end", "date")
            and not (fact != "poster_sessions" and _WHOLE_EVENT.search(m.group(0)))
            and any(not _INCLUDING.search(text[:s]) for _, s, _ in find_references(text, vocab))
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
