"""Agenda items referred to anywhere in a question, and what is asked of them."""

from __future__ import annotations

import re
from datetime import timedelta

from assistant.lexicon import ordinary_words
from assistant.readers.base import CUE_WORDS, MEAL, REF_NOUN, WHEN_CLAUSE, Reading, remember
from assistant.readers.items import (
    best_item,
    noun_kinds,
    speaker_item,
    their_item,
    title_run,
    title_runs,
    title_span,
    word_match,
)
from assistant.readers.names import people_spans, read_orgs
from assistant.readers.times import WINDOW, slot_anchor
from assistant.records import Intent
from assistant.vocabulary import GENERIC, STOP, WORD, Vocabulary, title_words, words
from corpus.item import Item

QUOTED = re.compile(r"(?<!\w)[\"“”‘’']([^\"“”‘’']{3,120})[\"“”‘’'](?!\w)")  # not the ' of "what's"
PERSON_NOUN = (  # "the Anyscale guy", "the Anyscale co-founder"
    r"(?:speaker|presenter|guy|gal|person|woman|man|lady|folks|team|(?:co-?)?founder|ceo|cto)"
)
THE_X = re.compile(  # "the X talk", "the X panel and Y panel", "the Fiddler AI speaker"
    r"\b(?:(?:the|that|this|my|our|your|his|her|their)\s+|(?<=talk |alks |anel |nels |ster |ters | one |ones )(?:and|or|vs\.?|versus)\s+|(?<=similar to )|(?<=related to )|(?<=\blike )|(?<=\bthan ))((?:(?!(?:the|that|this|and|or|vs|versus|i|we|can)\b)[\w&@.:()'’/-]+\s+){0,8}?)"
    + r"(?:"
    + REF_NOUN
    + r"s?\b(?:\s+(?:by|from|on|about|with)\s+(?:(?-i:[A-Z])[\w.-]+\s*){1,3})?|"  # "the talk by Krishna Gade": a name
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
            r"\bcompar\w*|\bdiffer\w*|\bdistinction\b|\bdistinguish\w*|\bdiff\b|\bseparates?\b|\bsets? \w+ apart\b|\bversus\b|\bvs\b|\bpros\b.{0,5}\bcons\b|\b(?:basically |really )?the same (?:idea|thing)\b(?! as\b)|\bcontrast\w*|\bstack up\b|\bside[- ]by[- ]side\b|\bwhich is the (?:stronger|better|weaker)\b|"
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
            r"\bwhat (?:would|will|do|can|could|might) (?:i|we|you) (?:learn|take away|get out of it)\b|"
            r"\bwhat\b.{0,80}\b(?:says|explores|shows|teaches)\W*$|"
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
        if item_id is None or word.lower() in CUE_WORDS:  # "=COMPARE(A, B)" asks; it names no "Table Compare"
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
            _add_reference(found, item, *title_run(text, item, m.start(), m.end()))
    return tuple(sorted(found, key=lambda f: f[1]))


_TITLE_GOES_ON = re.compile(r"\s*(?::|\bon\b|\babout\b|\bof\b)\s+((?:[\w&@.:()'’-]+\s*){1,8})", re.I)


def _the_x(m: re.Match, text: str, vocab: Vocabulary) -> tuple[Item | None, int, int]:
    """The item "the X talk" names (THE_X's match m), and its span. A person noun after an org or a person
    ("the Snowflake person") names their item, not a title with that word in it ("the Iceberg Age speaker" is
    a title); an org before title words ("the Meta warehouse agents talk") must be on the item; words asking
    before the title ("the gist of the Metamate talk") stay outside the span."""
    phrase, words_before = m.group(0), m.group(1) or ""
    start = m.start() if re.match(r"(?:th(?:e|at|is)|my|our|your|his|her|their)\b", phrase, re.I) else m.start(1)
    kinds = noun_kinds(phrase)
    by_org = read_orgs(words_before, vocab)
    if re.search(PERSON_NOUN + r"s?\b\W*$", phrase, re.I) and (by_org.changes or people_spans(phrase, vocab)):
        return speaker_item(phrase, vocab), start, m.end()
    item = best_item(words_before, vocab, 0.5, 0.6, kinds=kinds)
    end = m.end()
    noun = re.match(r"\s*" + REF_NOUN + r"s?\b", text[m.end(1) :], re.I)
    if words_before.strip() and noun and (more := _TITLE_GOES_ON.match(text, m.end(1) + noun.end())):
        # "the Live Panel on Infrastructure in an Agentic World": the title goes on after the noun
        said = re.split(r"[.?!;,]\s", more.group(1) + " ")[0]
        longer = best_item(f"{words_before} {said}", vocab, 0.5, 0.6, kinds=kinds)
        if longer is not None and longer != item:
            item, end = longer, title_span(text[m.start(1) : more.end()], longer, m.start(1))[1]
    if item is not None and by_org.changes.get("orgs") and not set(item.orgs) & set(by_org.changes["orgs"]):
        item = None  # "Datagrid multimodal agent poster": Datagrid's, not another multimodal one
    if item is None and by_org.changes.get("orgs"):
        item = best_item(by_org.rest, vocab, 0.5, 0.6, kinds=kinds)
        item = item if item is not None and set(item.orgs) & set(by_org.changes["orgs"]) else None
    if item is None:
        return speaker_item(phrase, vocab), _from_name(phrase, start - m.start(), vocab) + m.start(), m.end()
    first = title_span(words_before, item, m.start(1))[0]
    tw = title_words(item)
    if any(w not in STOP and not any(word_match(w, t) or w in t for t in tw) for w in words(text[start:first])):
        start = first
    return item, start, max(end, m.end())


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
        add(best_item(m.group(1), vocab, 0.4, 0.5) or speaker_item(m.group(1), vocab), m.start(), m.end())
    for m in THE_X.finditer(text):
        add(*_the_x(m, text, vocab))
    for m in FIRST_X.finditer(text):  # "data loading poster or ...": the title's words only
        item = best_item(m.group(1), vocab, 0.5, 0.6, kinds=noun_kinds(m.group(0)))
        if item is not None:
            add(item, *title_span(m.group(1), item, m.start(1)))
    for m in NOUN_OF.finditer(text):  # "the poster of data loading optimization", "the panel on infrastructure"
        said = re.split(r"[.?!;,]\s", m.group(2) + " ")[0]  # "... access. Output: 2 sentences": that sentence's
        item = best_item(said, vocab, 0.5, 0.6, kinds=noun_kinds(m.group(1)))
        if item is not None:
            add(item, *title_span(m.group(0), item, m.start()))
    for m in POSSESSIVE.finditer(text):  # "gade's talk", "krishna gade's observability talk"
        add(speaker_item(m.group(0), vocab), m.start() + _from_name(m.group(0), 0, vocab), m.end())
    # "fiddler talk speaker", "the talk of the Snowflake about RAG": the one item of that org, named from its
    # first word that is not a question's ("when is the snowflake talk"); people are read_references' to read
    for m in (*FIRST_X.finditer(text), *NOUN_OF.finditer(text)):
        item = None if people_spans(m.group(0), vocab) else speaker_item(m.group(0), vocab)
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
            best, runs = best_item(part, vocab, 0.6, 0.5, short_ok=False), title_runs(part, vocab)
            start = text.find(part)
            orgs = set(read_orgs(part, vocab).changes.get("orgs", ())) if best or runs else set()
            for item in runs if len(runs) > 1 or not best else [best]:
                if not orgs or orgs & set(item.orgs):  # "Datagrid multimodal agent poster" is not Snowflake's
                    add(item, *title_span(part, item, start))
    return tuple(found)


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
        item = their_item(vocab, set(), set(orgs), noun_kinds(text)) if len(orgs) == 1 else None
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
        # "what else is on while lunch is served?"; not "during the lunch hour, roughly 12 to 1?": the clocks say
        slot = meal_slot(text, vocab) if CUE[Intent.OVERLAP].search(text) and not WINDOW.search(text) else None
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
        if intent == Intent.OVERLAP and WINDOW.search(text) and all(r[0].kind == "logistics" for r in refs):
            continue  # "what's on during lunch, roughly 12 to 1?": the clocks say what is asked
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
    r"\b(?:which|what|any)\s+(?:sessions?|talks?|posters?|panels?|ones?)(?:\s+(?:or|and|/)\s+(?:sessions?|talks?|posters?|panels?))?"
    r"\s+(?:deals?(?:ing)? with|cover\w*|are about|is about|"
    r"about|on|touch(?:es)? on|discuss\w*|tackle\w*|look at)\b",
    re.I,
)
_NOUN_BEFORE = re.compile(r"\b(?:the|a|that|this)\s+" + REF_NOUN + r"\s+(?:about|on|of)\s*$", re.I)
_SENTENCE = re.compile(r"[^.!?]*(?:\?|[^.!?]$)", re.S)  # a question, or the last words unended


def _asking(text: str) -> str:
    """The sentences that ask, in a text of several: those ending in "?" ("I loved the library. Heard there's
    a poster on it. Who are the people behind it?"); the whole text when none does. A sentence opening with a
    "when I ..." clause asks no "when" ("When I look at this programme I am not finding it - which ...")."""
    text = WHEN_CLAUSE.sub(lambda c: c.group(1) + " " * 4, text)
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
        and (not said or any(word_match(w, t) for w in said for t in title_words(i) + [o.lower() for o in i.orgs]))
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
        item = speaker_item(side, vocab) or best_item(side, vocab, 0.3, 0.5, kinds=noun_kinds(side))
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
