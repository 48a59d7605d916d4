"""The part of a message that asks: numbered parts, corrections, what is said not to be asked."""

from __future__ import annotations

import re

from assistant.readers.base import Reading, remember
from assistant.readers.names import read_orgs
from assistant.readers.references import find_references
from assistant.vocabulary import Vocabulary

_ENUMERATOR = re.compile(r"(?:^|\s)(?:\(?\d{1,2}[.)]|[a-c]\))\s+")  # "1) ... 2) ...", "1. ... 2. ..."
_ASKS = re.compile(
    r"\?|^\W*(?:what|whats|who|whom|whose|when|where|which|how|why|is|are|was|were|do|does|did|can|could|would|"
    r"will|should|any|anything|anyone|list|show|tell|give|recommend|find|get|send|name)\b",
    re.I,
)
_BUT_FIRST = re.compile(  # "compare notes later, but first: ...", "What's on at 9? Kidding, I really want ..."
    r"^.{3,}?(?:\bbut first\b|[.?!]\s*(?:just\s+)?(?:kidding|jk)\b)\s*[:,.!-]?\s*(?=\S)", re.I
)
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
# A clause that says which part is not wanted ("never mind who gives it,", "Not the list of posters,", "Skip the
# similar stuff,", "they already know when it is;"): it goes when it names a part of an answer (who, when, the
# list, ...), and something is asked after it. "assuming I skip the panels" names no part: a wish, it stays.
_ASPECT = re.compile(
    r"\b(?:who(?:'s|se|m|ever)?|when|where|time|times|timing|hours?|schedule|list|line-?up|content|contents|else|"
    r"description|summary|abstract|about|similar|alike|same|related|speakers?|presenters?|location|venue|"
    r"clash(?:es)?|overlaps?|conflicts?)\b",
    re.I,
)
_DISMISSED = re.compile(
    r"(?:(?:^|(?<=[\s,.;:!?—–(]))(?P<whatever>no matter|regardless of|irrespective of)|"
    r"(?:^|(?<=[\s,.;:!?—–(]))(?:never\s*mind|who cares(?: about)?|forget(?: about)?|skip|ignore|"
    r"(?:i|we|they)\s+(?:really\s+|just\s+)?(?:don'?t|do not|dont)\s+(?:care|need|want|mind)(?:\s+(?:about|to know))?|"
    r"(?:i|we|they)\s+(?:already\s+|\w+ly\s+)?know(?:\s+already|\s+\w+ly)?(?=\s+(?:what|who|when|where)\b)|"
    r"no need(?:\s+(?:for|of|to know))?|(?:it\s+)?(?:is|'s)\s+not\s+important|(?:i|we)\s+(?:not|no)\s+need|"
    r"(?:don'?t|do not)\s+(?:give|show|send|tell)\s+(?:me|us)|"
    r"not\s+(?:looking for|asking(?: about)?|interested in|after|bothered about|fussed about))|"
    r"(?:^|(?<=[,.;:!?—–(])|(?<=\bi mean))\s*(?:(?:then|so|but|and)\s+)?not\s+(?:the\s+|a\s+|any\s+)?"
    r"(?=(?:list|schedule|time|times|content|description|summary|similar|speakers?|what|who|when|where|clash(?:es)?)\b)"
    r")\b[^,.;:!?—–()]*?(?:[,.;:!?—–)]+|\s-+\s)",
    re.I,
)
# a stage direction, and the speaker's label after it: "(A clock ticks loudly.) ATTENDEE: When does ..."
_STAGED = re.compile(r"^\s*(?:\([^)]{0,200}\)\s*)+(?:[A-Z]{3,}(?: [A-Z]{3,})?:\s+)?(?=\S)")
_ASIDE = re.compile(  # "Similar items aside, when is ...": what is set aside is not asked
    r"(?:^|(?<=[,.;:!?—–(]))\s*[^,.;:!?—–()]{1,40}?\b(?:aside|not (?:requested|needed|wanted|required))\b\s*[,.;:!?—–)]+",
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


def unasked_dropped(text: str, vocab: Vocabulary) -> str:
    """The text without the clauses that say which part is not asked ("Never mind who is giving it, when can I
    see the Faiss poster?" -> "when can I see the Faiss poster?"); the items such a clause names stay ("not
    asking who's on the infra panel - when does it start?" -> "infra panel when does it start?"). The
    classifier reads it too, so it is worked out once per text."""
    return remember(vocab, ("unasked", text), lambda: _unasked_dropped(text, vocab))


def _unasked_dropped(text: str, vocab: Vocabulary) -> str:
    if (staged := _STAGED.match(text)) and not find_references(staged.group(0), vocab, loose=False):
        text = text[staged.end() :]  # what is said after it is the question; not "(the Faiss poster) when is it?"
    if (
        (m := _ASIDE.search(text))
        and _ASPECT.search(m.group(0))
        and re.search(r"\w", text[: m.start()] + text[m.end() :])
    ):
        text = " ".join((text[: m.start()] + " " + text[m.end() :]).split())
    if m := _NOT_MATTER.search(text):  # "who gives it doesn't matter, I just need the time"
        text = " ".join((text[: m.start()] + " " + text[m.end() :]).split())
    for m in reversed(list(_DISMISSED.finditer(text))):
        rest = text[m.end() :]
        if (m.group("whatever") or _ASPECT.search(m.group(0))) and re.search(r"\w", rest):
            clause = m.group(0)
            # the items and orgs it names stay: "Not asking who's from Datagrid - what is their poster about?"
            named = [clause[s:e] for _, s, e in find_references(clause, vocab, loose=False)]
            named += read_orgs(clause, vocab).changes.get("orgs", ())
            text = " ".join((text[: m.start()] + " " + " ".join(named) + " " + rest).split())
    return text


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
        return Reading(
            text[m.end() :], {}, ("what is asked first" if "first" in m.group(0).lower() else "a joke first",)
        )
    text = _WORD_FIX.sub(r"\1", text)  # "show me all the pastors I mean posters"
    asked = unasked_dropped(text, vocab)
    notes = ("what is not asked left out",) if asked != text else ()
    text = asked
    if m := _NOT_ASKING.match(text):  # what is not asked goes; the items it names stay
        return Reading(text[m.end() :].strip(), {}, (*notes, "not asked: " + m.group(0).strip()))
    low = text.lower()
    if "not " in low and (kept := _not_this(text, vocab)) is not None:
        return Reading(kept, {}, (*notes, "corrected: not the item named first"))
    corrected = "mean" in low or "wait" in low or "scratch that" in low  # words every correction has
    for m in _CORRECTION.finditer(text) if corrected else ():
        after = find_references(text[m.end() :], vocab, loose=False)
        before = find_references(text[: m.start()], vocab, loose=False)
        if after and before:
            head = text[: m.start()]
            for _, s, e in sorted(before, key=lambda f: -f[1]):
                head = head[:s] + " " + head[e:]
            return Reading(
                " ".join((head + " " + text[m.end() :]).split()), {}, (*notes, "corrected: the items named last")
            )
    return Reading(text, {}, notes)
