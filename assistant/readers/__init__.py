"""The planner's readers: each reads one aspect of a question and hands on the text it did not use.

    reader(text, vocab) -> Reading(rest, changes, notes)

  read_asked_part   the part of a message that asks (asked.py): a numbered part, "..., but first:", a
                    correction, what is said not to be asked
  read_spelling     chat spellings, spoken clock times, a title word typed in two ("ice berg" for "Iceberg"),
                    the event's own name ("atscale ai & data") read as "the event" (spelling.py)
  read_event        venue, date, start/end, registration, breaks, poster sessions, the full schedule (events.py)
  read_places       items named by their place in the day or on the page: "the talk right after lunch", "the
                    10:55 talk", "the last poster on the page" (places.py)
  read_references   agenda items named anywhere ("the Iceberg talk", a title, quoted or not, a speaker's
                    talk) and what is asked of them: related / compare / overlap / about / who / when
                    (references.py, over the title matcher in items.py)
  read_time         clock times, windows ("from 11 to noon", "until 3pm", "after 3"), parts of the day,
                    slots relative to named ones ("right after lunch", "the one before the break"),
                    first/last (times.py)
  read_orgs         org names in any spelling the corpus knows, misspellings included (names.py)
  read_people       full names, surnames alone, misspelled names (names.py)
  read_kinds        posters, panels, talks (names.py)
  read_intent       who / when / list / recommend / topic, from the wording that is left (intent.py)

`changes` name `Plan` fields; `planner.plan_query` folds the readers in order, the first reader to set
a field wins. Everything is pure: a `Vocabulary` and a string in, a `Reading` out.

The modules import downward only, in this order: base, names, items, times, references, events, places,
spelling, asked, intent.
"""

from assistant.readers.asked import read_asked_part, unasked_dropped
from assistant.readers.base import CUE_WORDS, Reading
from assistant.readers.events import TOPICAL_FRAME, event_items, read_event
from assistant.readers.intent import read_intent
from assistant.readers.items import their_item
from assistant.readers.names import TALK_WORDS, people_spans, read_kinds, read_orgs, read_people
from assistant.readers.places import read_places
from assistant.readers.references import (
    ONE_ITEM,
    QUOTED,
    asked_of,
    described_item,
    find_references,
    meal_slot,
    read_references,
    sessions_of,
)
from assistant.readers.spelling import read_spelling
from assistant.readers.times import PART_OF_DAY, read_time

__all__ = [
    "CUE_WORDS",
    "ONE_ITEM",
    "PART_OF_DAY",
    "QUOTED",
    "TALK_WORDS",
    "TOPICAL_FRAME",
    "Reading",
    "asked_of",
    "described_item",
    "event_items",
    "find_references",
    "meal_slot",
    "people_spans",
    "read_asked_part",
    "read_event",
    "read_intent",
    "read_kinds",
    "read_orgs",
    "read_people",
    "read_places",
    "read_references",
    "read_spelling",
    "read_time",
    "sessions_of",
    "their_item",
    "unasked_dropped",
]
