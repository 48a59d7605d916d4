"""Turn a plain-language question into a `Plan`: a short fold over the readers in `assistant/readers/`.

    question -> gloss -> read_asked_part -> read_spelling -> read_event -> read_places -> read_references -> read_time -> read_orgs -> read_people -> read_kinds
             -> read_intent -> settle -> [by_example] -> Plan

Each reader takes the text the ones before it left and may set Plan fields; the first to set a field
wins. Schedule questions resolve to item ids from the items' times (`Plan.schedule`), never from
embeddings. Pure: a `Vocabulary` built once from the items, and a string.
"""

from __future__ import annotations

import re
from dataclasses import replace

from corpus.normalize import clean_text, squash

from assistant.gloss import gloss
from assistant.intents import IntentModel, by_example
from assistant.readers import (
    ONE_ITEM,
    PART_OF_DAY,
    QUOTED,
    TALK_WORDS,
    TOPICAL_FRAME,
    described_item,
    read_asked_part,
    read_event,
    read_intent,
    read_kinds,
    read_orgs,
    read_people,
    read_places,
    read_references,
    read_spelling,
    read_time,
)
from assistant.records import Intent, Plan
from assistant.vocabulary import GENERIC, KIND_WORDS, STOP, Vocabulary, words

__all__ = ["GENERIC", "PART_OF_DAY", "STOP", "Vocabulary", "plan_query"]

READERS = (
    read_asked_part,
    read_spelling,
    read_event,
    read_places,
    read_references,
    read_time,
    read_orgs,
    read_people,
    read_kinds,
    read_intent,
)


def plan_query(query: str, vocab: Vocabulary, intents: IntentModel | None = None) -> Plan:
    """The plan of a question; with `intents`, the intent classifier (assistant/intents.py) gives a kind to a
    question no reader claimed, and overrules a reader when it is sure and disagrees."""
    q = squash(clean_text(query))
    english, language = gloss(q)  # "¿quién da la charla de Metamate?": its question words as English
    text, fields, notes = english, {}, [f"read from {language} as {english!r}"] if language else []
    for reader in READERS:
        text, changes, more = reader(text, vocab)
        for key, value in changes.items():
            fields.setdefault(key, value)
        notes += more
    plan = settle(Plan(query=english, text=text, notes=tuple(notes), **fields), vocab)
    plan = by_example(plan, vocab, intents) if intents is not None else plan
    return replace(plan, query=q) if language else plan


_KIND_AFTER = re.compile(r"\b([\w-]+)\s+(?:posters?|panels?|talks?|sessions?)\b", re.I)
_NOT_TOPIC = {"single", "whole", "entire", "complete", "full", "other", "remaining", "different", "available"}
_NOT_TOPIC |= {"since", "because", "as", "while", "though", "although", "whereas", "unless", "until"}  # "since panels"
_NOT_TOPIC |= {"before", "after", "during", "later", "earlier", "onward", "onwards"}
_NOT_TOPIC |= {"both", "all", "any", "some", "many", "few", "more", "most", "these", "those", "and", "or", "for"}


def _topical_frame(query: str, vocab: Vocabulary) -> bool:
    """ "posters on agents": a kind framed by a topic the corpus has, not "every poster on the books"."""
    return any(
        w in vocab.common and w not in STOP | GENERIC
        for m in TOPICAL_FRAME.finditer(query)
        for w in words(query[m.end() :])[:3]
    )


def _kind_topic(query: str, vocab: Vocabulary) -> bool:
    """A word of the corpus's topics right before a kind noun ("all the agent posters")."""
    return any(
        w in vocab.common and w not in STOP | GENERIC | _NOT_TOPIC
        for m in _KIND_AFTER.finditer(query)
        for w in words(m.group(1))
    )


# words about the listing itself, not its subject: "the whole posters section of the page", "two panels, that's all?"
_LISTING_WORDS = {"page", "pages", "section", "website", "site", "booklet", "listing", "listed", "count", "number"}
_LISTING_WORDS |= set("one two three four five six seven eight nine ten eleven twelve".split())


_POINTS_BACK = re.compile(r"\b(?:on|about|into|with|for|covering) (?:that|this|it|those|them)\b", re.I)
_FRAMED = re.compile(r"^\W*(?:when it comes to|speaking of|as for|regarding|re:?)\s+([^,?.;:]{2,60}?)\s*[,;:-]", re.I)
# the one question of a message with context after it: "anything on RAG? need it for the thread"
_ONE_QUESTION = re.compile(r"^\W*([^.!?]+\?)(?=\s+[^?]+$)")
_LAST_QUESTION = re.compile(r"(?<=[.!])\s+([^.!?]+\?)\s*$")
# a closing question set off by a dash or a semicolon, when it asks for items on a subject of its own ("I laminate
# dough by day and play with embeddings by night — any talks or posters on vector search?")
_CLAUSE_QUESTION = re.compile(r"(?:(?<=[;—–])|(?<=\s-))\s+([^.!?;—–]+\?)\s*$")


def _asked_topic(text: str, vocab: Vocabulary, generic: set[str]) -> str:
    """The topical text: the closing question alone when it has a topic of its own and what comes before it is
    context ("My database class is coming along on the trip. Which posters deal with databases?")."""
    text = " ".join(text.split())
    if (f := _FRAMED.match(text)) and _POINTS_BACK.search(text[f.end() :]):
        return f.group(1)  # "When it comes to RAG, is there anything on it?": the framed subject
    m = _LAST_QUESTION.search(text) or _ONE_QUESTION.search(text)
    if m is None and (c := _CLAUSE_QUESTION.search(text)) and TOPICAL_FRAME.search(c.group(1)):
        m = c
    if m and _POINTS_BACK.search(m.group(1)):  # "... saying 'observability' at dinner. Anything on that?"
        quoted = [q.group(1) for q in QUOTED.finditer(text[: m.start()])]
        return " ".join(quoted) if quoted else text  # the subject said before, quoted, or the whole text
    if m and "?" not in text[: m.start()] and any(w in vocab.common for w in words(m.group(1)) if w not in generic):
        return m.group(1)
    return text


def settle(plan: Plan, vocab: Vocabulary) -> Plan:
    """What follows from the readers together: the intent of a schedule question, "when" questions
    that only timed items can answer, and the topical text (empty when only question words are left)."""
    changes: dict = {}
    if plan.related_to in plan.schedule:  # "from 11 to noon, like 'Agentic Evals'": the named item is no answer
        plan = replace(plan, schedule=tuple(i for i in plan.schedule if i != plan.related_to))
    if plan.schedule and plan.intent in (Intent.TOPIC, Intent.LIST):
        changes["intent"] = Intent.SCHEDULE
    if plan.intent in (Intent.WHO, Intent.ABOUT, Intent.WHEN) and not plan.targets and plan.schedule:
        slot = [i for i in plan.schedule if vocab.by_id[i].kind != "logistics"]
        if len(slot) == 1:  # "who speaks right before the afternoon break": that one talk
            changes["targets"] = tuple(slot)
    if plan.intent == Intent.WHEN and not plan.schedule and vocab.scheduled:
        if (
            KIND_WORDS["poster"]
            and any(w in ("poster", "posters") for w in words(plan.query))
            and vocab.poster_sessions
        ):
            changes.update(  # "when are the posters up": the poster sessions, an event fact
                intent=Intent.EVENT,
                event_fact="poster_sessions",
                schedule=tuple(i.id for i in vocab.poster_sessions),
                kinds=(),
                notes=plan.notes + ("posters are shown in the poster sessions",),
            )
        else:
            changes.update(kinds=(), scheduled_only=True, notes=plan.notes + ("items with a time slot only",))
    if plan.intent in ONE_ITEM and not (plan.targets or plan.related_to or plan.schedule):
        if what := described_item(plan.query):  # "who gives the talk about ...?": search finds the item
            changes["described"] = what
    scheduled_only = changes.get("scheduled_only", plan.scheduled_only)
    generic = GENERIC - {"poster", "posters", "panel", "panels", "talk", "talks"} if scheduled_only else GENERIC
    topical = [w for w in words(plan.text) if w not in generic]
    talks_said = bool(re.search(TALK_WORDS, plan.query, re.I))
    if (plan.whole_list or (plan.intent == Intent.LIST and plan.kinds)) and not any(
        w in vocab.common and w not in _LISTING_WORDS and not w.isdigit() for w in topical
    ):
        topical = []  # "every poster, my colleague wants the titles", "only two panels? name them": no topic word
    if (plan.time_from or plan.time_to) and not any(
        w in vocab.common for w in topical if w not in _NOT_TOPIC | STOP and not w.isdigit()
    ):
        topical = []  # "what is going on in the late morning, before we eat?": the window, nothing topical
    if (
        plan.whole_list
        and (plan.kinds or talks_said or re.search(r"\b(?:speakers?|presenters?)\b", plan.query, re.I))
        and not _topical_frame(plan.query, vocab)
        and not _kind_topic(plan.query, vocab)
    ):
        topical = []  # "every poster, I want to check the board numbering", "list every speaker? I want to check
        # my husband's name is spelled right": words around a whole list are context
    changes["text"] = _asked_topic(plan.text, vocab, generic) if topical else ""
    bare = not (plan.orgs or plan.people or plan.time_from or plan.time_to or plan.schedule)
    if plan.intent == Intent.TOPIC and plan.kinds and bare and not changes["text"]:
        changes["intent"] = Intent.LIST  # "posters?"
    if (
        (plan.whole_list or plan.intent == Intent.LIST)
        and not changes["text"]
        and not plan.kinds
        and talks_said
        and not re.search(KIND_WORDS["poster"], plan.query, re.I)
    ):
        changes["kinds"] = ("talk", "panel")  # "all the talks can list out for me?": the talks and panels
    if plan.whole_list and changes["text"] and not plan.kinds:
        changes["whole_list"] = False  # "all the talks on agents" is a topical list; "all the posters" is whole
    return replace(plan, **changes)
