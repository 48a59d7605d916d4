"""Kinds, orgs and people named anywhere in a question, in any spelling the corpus knows."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from assistant.lexicon import ordinary_words
from assistant.readers.base import Reading, remember
from assistant.vocabulary import GENERIC, KIND_WORDS, STOP, Vocabulary
from corpus.normalize import org_key

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
