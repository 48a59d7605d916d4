"""The kind of question, from the wording the other readers left: who / when / list / recommend / topic."""

from __future__ import annotations

import re

from assistant.readers.base import WHEN_CLAUSE, Reading
from assistant.readers.events import LIST_ASKED
from assistant.records import Intent
from assistant.vocabulary import Vocabulary

# one word boundary for every alternative: tried once per position, not once per alternative
RECOMMEND = re.compile(
    r"\b(?:recommend(?:s|ed|ing)?\b|your recommendations?\b|what should (?:she|he|they|we|i) go see\b|"
    r"(?:i'?d|i would) (?:actually |really )?enjoy\b|won'?t waste my\b|"
    r"would you (?:prioriti[sz]e|pick|choose|go to|see|attend)\b|suggest\w*|unmissable\b|plan my\b|"
    r"get the most (?:out of|from)\b|for an? \w+ (?:person|folks?|people|type)\b|"
    r"should (?:i|we|(?:a|an) \w+(?: \w+){0,8}?|someone(?: \w+)?) (?:see|attend|go|check|catch|watch|visit|listen|hear|prioriti[sz]e|hit|not miss)\b|"
    r"\b(?:ones|sessions|talks|posters|panels) (?:i|we) should (?:see|attend|catch|go to|visit|hear)\b|"
    r"\b(?:kindly |please )?advise (?:me |us )?(?:on )?which\b|most suitable\b|"
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
    r"(?:would|will)(?:n'?t| not) (?:find|be) (?:it )?(?:boring|dull)\b|"
    r"who (?:would|do|should|could) you (?:advise|recommend|suggest|send|point)\b.{0,60}\bto (?:go |see |hear |attend )?)",
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
    r"\b(?:all|every|each|(?:full|complete|entire|whole) (?:\w+ )?(?:list|enumeration|catalogu?e|rundown|inventory|roster|line-?up|set|manifest|directory)|everything)\b|"
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
