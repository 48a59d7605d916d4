"""Example questions per intent, for `assistant.intents`: unseen wordings land near the kind of question
they are. Written for any conference (no titles, people or orgs of one agenda): an item the question names
is written "X" (a second one "Y"), as the classifier masks the items it finds before it compares.

Labels are `Intent` values, "event:<fact>" for facts about the event itself, and "topic" for questions
about a subject, the fallback.

`all_examples()` adds the labeled wordings of eval/data/planner's development groups, masked the same way
(`intent_wordings.jsonl`, written by `python -m eval.planner --export`). A group not yet run once is never
exported: its first contact is the classifier's test.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

WORDINGS = Path(__file__).with_name("intent_wordings.jsonl")

EXAMPLES: dict[str, tuple[str, ...]] = {
    "topic": (
        "talks about vector databases",
        "anything on GPU scheduling",
        "which sessions cover data quality for agents",
        "is there something on privacy in recommender systems",
        "I want to learn about evaluating language models",
        "what is being said about observability",
        "posters on feature stores",
        "who is working on agent memory",
        "sessions comparing open table formats",
        "talks about scheduling training jobs on clusters",
        "how are people handling data lineage",
        "anything about inference cost at scale",
        "what's new in lakehouse storage",
        "any work on fraud detection with graphs",
        "talks that mention kubernetes",
        "how do teams debug failures in distributed training",
        "ranking and recommendation models",
        "what can I learn about streaming ingestion",
        "any sessions touching on responsible AI",
        "stuff on compressing embeddings",
        "who is talking about reliability of data pipelines",
        "is anyone presenting on synthetic data",
        "where is retrieval augmented generation discussed",
        "talks on time series forecasting",
        "what about security for AI agents",
        "anything on schema evolution",
        "talks dealing with conflicting data sources",
        "differences between batch and streaming systems",
        "sessions similar in spirit to chaos engineering",
    ),
    "list": (
        "show me every poster",
        "list all the panels",
        "what talks are there",
        "give me the complete list of sessions",
        "how many posters are there",
        "what panels are on the program",
        "all the talks please",
        "enumerate the posters",
    ),
    "schedule": (
        "what's on between 2 and 3",
        "anything after 4pm",
        "what is right after the morning break",
        "which is the last talk of the day",
        "what's happening in the morning",
        "what comes before the closing",
        "sessions from 11 until noon",
        "what's on at 10:30",
        "the first talk after the break",
        "what can I catch late in the afternoon",
    ),
    "who": (
        "who is giving X",
        "who speaks at X",
        "who's behind X",
        "speakers for X",
        "who is on the X panel",
        "who presents X",
        "which company is X from",
        "who put together X",
        "name the people on X",
    ),
    "when": (
        "when is X",
        "what time is X",
        "when does X start",
        "what slot is X in",
        "is X in the morning or the afternoon",
        "how long is X",
        "when can I catch X",
        "what time should I be there for X",
    ),
    "about": (
        "what is X about",
        "tell me about X",
        "summarize X",
        "what does X cover",
        "give me the gist of X",
        "describe X",
        "what's the main idea of X",
        "what will I learn at X",
        "is X technical or high level",
        "explain X in a sentence",
        "what's the pitch of X",
    ),
    "related": (
        "more like X",
        "anything similar to X",
        "what else should I see if I liked X",
        "other sessions in the same vein as X",
        "X was great, what next",
        "follow-ups to X",
        "sessions that build on X",
        "if X is my kind of thing what else is",
        "talks close to X",
        "posters related to X",
        "stuff along the lines of X",
        "where can I go deeper on what X covered",
        "I enjoyed X, anything in that direction",
    ),
    "compare": (
        "compare X and Y",
        "X vs Y",
        "how does X differ from Y",
        "what's the difference between X and Y",
        "which is better for me, X or Y",
        "X or Y, which should I pick",
        "contrast X with Y",
        "how do these two posters differ",
        "are X and Y saying the same thing",
        "what do X and Y have in common",
        "X versus Y for someone building pipelines",
        "two talks on the same subject, how are they different",
        "should I go to X or Y",
        "help me choose between X and Y",
    ),
    "overlap": (
        "what runs at the same time as X",
        "if I go to X will I miss anything",
        "does anything clash with X",
        "what am I skipping if I attend X",
        "is X up against anything",
        "can I see X and still catch something else at that time",
        "what's happening in parallel with X",
        "anything scheduled opposite X",
        "what's on while X is going",
        "will I miss talks while I eat lunch",
        "what conflicts with X",
        "is there a conflict between X and another session",
        "what else is on during the break",
    ),
    "recommend": (
        "what should I attend if I work on data infra",
        "I'm an ML engineer, what should I see",
        "recommend posters for someone into observability",
        "best sessions for a data engineer",
        "I only have an hour, what's worth it",
        "must-see talks for platform folks",
        "pick three sessions for me, I care about privacy",
        "as a product manager what should I not miss",
        "where should I spend my afternoon if I like GPUs",
        "I build search systems, which sessions are for me",
        "plan my day around agents",
        "what would you go to if you were into databases",
    ),
    "event:venue": (
        "where is the conference",
        "what's the address",
        "which venue is it at",
        "how do I get there",
        "where is it being held",
        "what city is this in",
        "is it at a convention center",
        "where do I need to go on the day",
        "location of the event",
    ),
    "event:date": (
        "what day is the conference",
        "when is the event",
        "what's the date",
        "is it on a weekday",
        "which month is it",
        "what date should I put in my calendar",
    ),
    "event:start": (
        "when does it start",
        "what time do doors open",
        "when does the first session begin",
        "how early should I arrive",
        "what time does the day kick off",
        "when is the opening",
        "what's the earliest thing on the program",
    ),
    "event:end": (
        "when does it end",
        "what time does the last session finish",
        "when is it over",
        "how late does it go",
        "when does the day finish",
        "what time can I leave",
        "when does the program close",
    ),
    "event:registration": (
        "when does registration open",
        "where do I pick up my badge",
        "what time is check-in",
        "do I need to register",
        "how do I sign in when I arrive",
    ),
    "event:breaks": (
        "when is lunch",
        "is food provided",
        "are there coffee breaks",
        "what time is the happy hour",
        "when can I grab a bite",
        "is there a break in the afternoon",
        "will there be drinks",
        "do they serve breakfast",
    ),
    "event:poster_sessions": (
        "when can I see the posters",
        "what time are the poster sessions",
        "when are posters up",
        "when can I talk to poster presenters",
    ),
    "event:schedule": (
        "what's the full schedule",
        "show me the agenda in order",
        "give me the whole day's program",
        "what's the run of show",
        "the timetable for the day please",
        "walk me through the day hour by hour",
    ),
}


def with_wordings(rows) -> dict[str, tuple[str, ...]]:
    """The examples above and these masked wordings ({"text", "label"} rows), per label."""
    out = {label: list(texts) for label, texts in EXAMPLES.items()}
    for row in rows:
        out[row["label"]].append(row["text"])
    return {label: tuple(texts) for label, texts in out.items()}


@functools.cache
def all_examples() -> dict[str, tuple[str, ...]]:
    """The examples above and the masked development wordings, per label."""
    return with_wordings(json.loads(line) for line in WORDINGS.read_text(encoding="utf-8").splitlines())
