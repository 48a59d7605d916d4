"""Agenda items named by words of their titles or their speakers: the fuzzy title matcher."""

from __future__ import annotations

import bisect
import re

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from assistant.readers.base import CUE_WORDS, REF_NOUN, remember
from assistant.readers.names import read_orgs, read_people
from assistant.vocabulary import GENERIC, STOP, Vocabulary, title_words, words
from corpus.item import Item


def word_match(q: str, w: str) -> bool:
    if q == w or q.rstrip("s") == w.rstrip("s"):
        return True
    if len(q) >= 4 and len(w) > len(q) and w.startswith(q):  # "infra" -> "infrastructure"
        return True
    if len(q) >= 6 and q.endswith("s") and len(w) > len(q) and w.startswith(q[:-1]):  # "agents" -> "agentic"
        return True
    if len(q) >= 5 and len(w) >= 5:
        return Levenshtein.distance(q, w) <= (1 if len(w) < 8 else 2)
    return False


def noun_kinds(phrase: str) -> tuple[str, ...]:
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


def _near_words(q: str, vocab: Vocabulary) -> tuple[str, ...]:
    """The title words `word_match` pairs with a question word: the word itself and its plural, the words it
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
        if len(q) >= 5 and q not in vocab.title_index:  # `word_match` allows edits between words of 5+ letters
            near = vocab.title_near.candidates(q, 2, max(5, len(q) - 2), len(q) + 2)
            close = process.extract(q, near, scorer=Levenshtein.distance, score_cutoff=2, limit=None)
            found |= {w for w, _, _ in close}
        return tuple(w for w in found if word_match(q, w))

    return remember(vocab, ("near", q), compute)


# verbs a question asks with, never the start of a title word said short ("starts" is no "Startups")
_ASKING_VERBS = frozenset("start starts started starting begin begins end ends finish finishes".split())


def best_item(
    phrase: str,
    vocab: Vocabulary,
    min_cover: float,
    min_precision: float,
    short_ok: bool = True,
    kinds: tuple[str, ...] = (),
) -> Item | None:
    pw = [w for w in words(re.sub(r"[()]", "", phrase)) if w not in GENERIC and len(w) > 1]
    pw = [w for w in pw if w not in _ASKING_VERBS or w in vocab.title_index]  # "when starts": no "Startups"
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


def title_runs(phrase: str, vocab: Vocabulary) -> list[Item]:
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


def speaker_item(phrase: str, vocab: Vocabulary) -> Item | None:
    """'Krishna Gade's talk', 'the Hollan talk', 'the Snowflake talk': the one program item of that kind a
    named person or org is on."""
    _, changes, _ = read_people(phrase, vocab)
    names = {n.casefold() for n in changes.get("people", ())}
    orgs = set(read_orgs(phrase, vocab).changes.get("orgs", ()))
    if not names and not orgs:
        return None
    return their_item(vocab, names, orgs, noun_kinds(phrase))


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
        pick = [i for i in on if any(word_match(w, t) for w in ws for t in title_words(i))]
    return pick[0] if len(pick) == 1 else None


def title_run(text: str, item: Item, start: int, end: int) -> tuple[int, int]:
    """[start, end) widened over the words of the item's title right after it ("Nimble file format what is
    it": "Nimble file format"), so that the words left are the question's."""
    tw = title_words(item)
    stop = 0
    for m in re.finditer(r"\s*([\w&'-]+)", text[end:]):
        w = m.group(1).lower()
        if w in STOP or not any(word_match(w, t) for t in tw):
            break
        stop = m.end()
    return start, end + stop


def title_span(part: str, item: Item, offset: int) -> tuple[int, int]:
    """The span of a part from its first to its last word in the item's title (not the words around it)."""
    tw = title_words(item)
    tw += [p for w in tw if "-" in w for p in w.split("-")]  # "zero copy cloning" for "Zero-Copy Cloning"
    best, run = (), []
    for m in re.finditer(r"[\w&'-]+", part):  # the longest streak of title words (stop words may sit inside)
        w = m.group(0).lower()
        if any(word_match(w, t) for t in tw):
            run.append(m)
            best = max(best, tuple(run), key=len)
        elif w not in STOP:
            run = []
    if not best:
        return offset, offset + len(part)
    return offset + best[0].start(), offset + best[-1].end()
