"""What the planner knows of a corpus: its orgs, people, titles and time slots, built once from the items.

Lookups are exact where that is enough (dict by normalized key) and fuzzy where people type loosely
(rapidfuzz: misspelled names, a surname alone, a title quoted from memory). Everything is pure.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from corpus.item import Item
from corpus.normalize import ORG_ALIASES, org_key

from assistant.lexicon import ordinary_words

STOP = set(
    """a an the of to in on for and or with about at by from is are was were be been do does did what which who
whom whose when where how why any anything something some all list show me tell give there their this that these those
i we you it its my our your can could would should will shall please talks talk sessions session presentations
presentation posters poster panels panel speakers speaker speaking speak talking presenting present presents showing
show shows covering cover covers discuss discussing discusses being other more also into than then so just has have
had get got go going one ones there's what's who's whats i'm im""".split()
)

GENERIC = STOP | set(
    """agenda conference event day today schedule happening on-stage stage exhibit exhibiting booth
work working works doing bring bringing lineup program where hear see catch find attend listen watch meet anyone
someone anybody somebody everything everyone involved appear appearing appears participate participating happens
happen going slot slots scheduled running runs here there every each entire whole complete full pls plz please
thanks thx shown displayed discussion discussions many wanna gonna enumerate titles just them need want browse called provide only presented needed details
times they that's it's they're don't dont no um uh hey hi display care particular order pull up look able share
appreciate grateful kindly seeing possible if actually really specifically deal deals dealing tackle tackles tackling
like complete descriptions thing i'd i'll you've non not except excluding besides companies company orgs organizations organisations firms""".split()
)

KIND_WORDS = {"poster": r"\bposters?\b", "panel": r"\bpanels?\b|\bpanel discussions?\b"}
FUZZY_PEOPLE_MAX = 5_000  # fuzzy name matching over at most this many people (a few ms); exact lookups above


WORD = re.compile(r"[a-z0-9][a-z0-9&'-]*[a-z0-9]|[a-z0-9]")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def title_words(item: Item, variants: bool = True) -> list[str]:
    """A title's content words, "Ice(berg)" read as "iceberg", and then (`variants`) as "ice": a pun is said
    both ways."""
    joined = [w for w in words(re.sub(r"[()]", "", item.title)) if w not in STOP and len(w) > 1]
    if "(" not in item.title or not variants:
        return joined
    short = [w for w in words(re.sub(r"\([^()]*\)", "", item.title)) if w not in STOP and len(w) > 1]
    return joined + [w for w in dict.fromkeys(short) if w not in joined]


@dataclass(frozen=True)
class Vocabulary:
    orgs: dict[str, str]  # org key (lowercase, no punctuation) of a spelling -> canonical org
    people: dict[str, str]  # lowercase full name -> canonical name
    surnames: dict[str, str]  # lowercase unique surname -> canonical name
    items: tuple[Item, ...]
    scheduled: tuple[Item, ...]  # program items with a start time (talks, panels, logistics), by start
    kinds: frozenset = frozenset()  # the kinds this corpus has (a "panel" filter needs panels)
    event: Item | None = None  # the conference itself (kind "event"), when the corpus has one
    common: frozenset = frozenset()  # words of the corpus's titles and abstracts (a surname must not be one)
    title_idf: dict = field(default_factory=dict)  # word -> idf over titles (distinctive title words)
    title_names: dict = field(default_factory=dict)  # word only one item uses, in its title ("nimble") -> id
    by_id: dict = field(default_factory=dict)  # item id -> item
    title_text: dict = field(default_factory=dict)  # item id -> its title words joined by spaces
    title_starts: dict = field(default_factory=dict)  # a title's first two words -> the items it starts
    title_index: dict = field(default_factory=dict)  # a title word -> the items whose title has it
    first_names: dict = field(default_factory=dict)  # a first name only one person has, not a corpus word ("jelena")
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # the readers' lookups (readers.remember)

    @property
    def poster_sessions(self) -> tuple[Item, ...]:
        """Schedule slots where posters are shown ("Lunch & Poster Sessions", ...)."""
        return tuple(i for i in self.scheduled if re.search(KIND_WORDS["poster"], i.title.lower()))

    @functools.cached_property
    def top_idf(self) -> float:
        return max(self.title_idf.values(), default=1.0)

    @functools.cached_property
    def title_keys(self) -> tuple[str, ...]:
        """Every title word, sorted: the words a prefix starts are one run, found by bisection."""
        return tuple(sorted(self.title_index))

    @functools.cached_property
    def titles(self) -> TitleTable:
        """The titles as arrays, for scoring a phrase against every title at once."""
        return TitleTable.build(self)

    @functools.cached_property
    def title_near(self) -> NearWords:
        """The title words, for finding those a few edits from a word."""
        return NearWords(self.title_keys)

    @functools.cached_property
    def common_near(self) -> NearWords:
        """The corpus's words (letters only), for reading a slip as the word it is one edit from."""
        return NearWords(sorted(w for w in self.common if w.isalpha()))

    @functools.cached_property
    def names_near(self) -> NearWords:
        """The words of people's and orgs' names: a slip of one is left for the people and org readers."""
        return NearWords(sorted(self.name_words))

    @functools.cached_property
    def short_titles(self) -> dict[str, str]:
        """Titles of one to three content words that name one item, said whole ("fireside chat", "q&a"): a
        single word only when it is not an ordinary word. Schedule slots are read as slots, not titles."""
        count = Counter(self.title_text.values())
        return {
            t: i
            for i, t in self.title_text.items()
            if t
            and count[t] == 1
            and self.by_id[i].kind != "logistics"
            and (len(t.split()) in (2, 3) or (len(t.split()) == 1 and t not in ordinary_words() and t not in GENERIC))
        }

    @functools.cached_property
    def name_words(self) -> frozenset[str]:
        """The words of people's and orgs' names, lowercased, and the orgs' keys."""
        names = {part.lower() for n in self.people.values() for part in re.findall(r"[^\W\d_]+", n)}
        return frozenset(names | {w for org in self.orgs.values() for w in words(org)} | set(self.orgs))

    @functools.cached_property
    def short_title_words(self) -> dict[str, str]:
        """The last word (its head noun) of a short title that no other title has: "the welcome" (Event
        Welcome), "the chat"; not "the analytics crew"."""
        return {
            w: i
            for t, i in self.short_titles.items()
            for w in t.split()[-1:]
            if w not in GENERIC
            and len(w) >= 4
            and sum(len(self.title_index.get(f, ())) for f in {w, w + "s", w.removesuffix("s")}) == 1  # "agent": no
        }

    @functools.cached_property
    def spelling(self) -> frozenset[str]:
        """For reading slips ("vektor serch"): the words a question may use as they are (the corpus's, names,
        orgs, stop and generic words)."""
        return frozenset(self.common | self.name_words | STOP | GENERIC)

    @functools.cached_property
    def program(self) -> tuple[Item, ...]:
        """Everything an attendee can go to: items other than the event record."""
        return tuple(i for i in self.items if i.kind != "event")

    @classmethod
    def build(cls, items: list[Item]) -> Vocabulary:
        canon = {o for i in items for o in i.orgs}
        firsts = Counter(o.split()[0].lower().rstrip(".") for o in canon)
        orgs: dict[str, str] = {}
        for org in sorted(canon):
            orgs[org_key(org)] = org
            first = org.split()[0].lower().rstrip(".")
            if len(first) >= 4 and first not in STOP and firsts[first] == 1:
                orgs.setdefault(org_key(first), org)
        for alias, org in ORG_ALIASES.items():
            if org in canon:
                orgs.setdefault(alias, org)
        names = sorted({p.name for i in items for p in i.people})  # sorted: the same spelling wins every run
        people: dict[str, str] = {}
        for n in names:
            people.setdefault(n.lower(), n)
        by_surname: dict[str, set[str]] = {}
        for n in people.values():
            parts = n.split()
            if len(parts) > 1 and parts[-1][:1].isupper():  # written like a name ("Gade", not "practice")
                by_surname.setdefault(parts[-1].lower(), set()).add(n)
        program = [i for i in items if i.kind != "event"]
        df_all = Counter(w for i in program for w in set(words(f"{i.title} {i.abstract}")))
        common = frozenset(df_all)
        # a unique surname written like a name, that is not an ordinary word of the corpus ("Moses", not "Porter"
        # when an abstract says "porter")
        surnames = {
            s: next(iter(ns))
            for s, ns in by_surname.items()
            if len(ns) == 1 and len(s) >= 3 and s not in STOP and s not in common
        }
        by_first = Counter(n.split()[0].lower() for n in people.values() if len(n.split()) > 1)
        taken = common | STOP | GENERIC | surnames.keys()  # words a first name alone must not be
        first_names = {
            f: n
            for n in people.values()
            if len(n.split()) > 1
            and by_first[f := n.split()[0].lower()] == 1
            and len(f) >= 4
            and f.isalpha()
            and f not in taken
        }
        single_event = len({i.event for i in program}) == 1
        scheduled = tuple(
            sorted((i for i in program if i.start and single_event), key=lambda i: (i.start, i.end or ""))
        )
        df = Counter(w for i in program for w in set(title_words(i)))
        n = max(1, len(program))
        title_idf = {w: math.log(1 + n / c) for w, c in df.items()}
        event = next((i for i in items if i.kind == "event"), None)
        org_words = {w for o in canon for w in words(o)}
        title_text = {i.id: " ".join(title_words(i)) for i in program}
        title_starts: dict[str, list] = {}
        title_index: dict[str, list] = {}
        for i in program:
            title_starts.setdefault(" ".join(title_text[i.id].split()[:2]), []).append(i)
            for w in dict.fromkeys(title_words(i)):
                title_index.setdefault(w, []).append(i)
        title_names = {
            w: i.id
            for i in program
            if i.kind != "logistics"
            for w in title_words(i, variants=False)  # "serialization" of "(De)Serialization" is no name
            if df_all[w] == 1 and len(w) >= 4 and w not in GENERIC and w not in org_words and w not in surnames
        }
        return cls(
            orgs,
            people,
            surnames,
            tuple(items),
            scheduled,
            frozenset(i.kind for i in items),
            event,
            common,
            title_idf,
            title_names,
            {i.id: i for i in items},
            title_text,
            title_starts,
            title_index,
            first_names,
        )

    def fuzzy_people(self) -> bool:
        return len(self.people) <= FUZZY_PEOPLE_MAX

    @functools.cached_property
    def orgs_by_length(self) -> ByLength:
        return ByLength(tuple(self.orgs))

    @functools.cached_property
    def people_by_length(self) -> ByLength:
        return ByLength(tuple(self.people))

    @functools.cached_property
    def surnames_by_length(self) -> ByLength:
        return ByLength(tuple(self.surnames))


class ByLength:
    """Words by length: those of a length window, worked out once per window and kept in their order.

    `near` is the window a string of a given length needs to reach a `fuzz.ratio` cutoff against a word:
    ratio = 100 * (1 - indel / (a + b)) and indel >= |a - b|, so at 86 a word more than about a third longer or a
    quarter shorter cannot reach it; rapidfuzz is handed only the words that can (a window one letter wider on
    each side than the bound, so rounding never drops a match). The first best match is the same as over all."""

    def __init__(self, words):
        self.words = tuple(words)
        self.lengths = np.array([len(w) for w in self.words], dtype=np.int64)
        self._windows: dict[tuple[int, int], tuple[str, ...]] = {}

    def window(self, shortest: int, longest: int) -> tuple[str, ...]:
        """The words of `shortest` to `longest` letters."""
        key = (shortest, longest)
        if key not in self._windows:
            fits = (self.lengths >= shortest) & (self.lengths <= longest)
            self._windows[key] = tuple(self.words[i] for i in np.flatnonzero(fits))
        return self._windows[key]

    def near(self, length: int, cutoff: float) -> tuple[str, ...]:
        """The words a string of `length` letters can reach `cutoff` (fuzz.ratio) against."""
        lo = math.floor(length * cutoff / (200 - cutoff)) - 1
        return self.window(lo, math.ceil(length * (200 - cutoff) / cutoff) + 1)


def _pairs(word: str) -> set[str]:
    """The word's letter pairs, its first and last letter paired with the word's edges: "rag" -> ^r ra ag g$."""
    padded = f"^{word}$"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


# Below this many words the pair index costs more than it saves (per word looked up, two edits, 200 random words:
# 300 words: scan 19 us, index 34 us; 1,000: 46 / 56; 3,000: 128 / 93; 10,000: 467 / 224; 29,000: 1,574 / 437)
NEAR_INDEX_MIN_WORDS = 2000


class NearWords(ByLength):
    """Words a few edits from a given one, without measuring it against every word. An edit breaks at most three
    of a word's letter pairs (a transposition: "ab" in "xaby" -> "xbay"), so a word within k edits shares all
    but 3k of its distinct pairs; only the words that do, in the length window, are returned, for rapidfuzz to
    measure. rapidfuzz has no index of its own; scanning every title word of a near length took about 0.5 ms
    per new word at 21.7k titles (pyvideo), where a few dozen candidates remain here."""

    def __init__(self, vocabulary):
        super().__init__(vocabulary)
        postings: dict[str, list[int]] = {}
        if len(self.words) >= NEAR_INDEX_MIN_WORDS:  # a small vocabulary is scanned: no index to build
            for i, w in enumerate(self.words):
                for p in _pairs(w):
                    postings.setdefault(p, []).append(i)
        # each pair's words ordered by length (then by their order), with those lengths: a length window is one
        # slice of each posting list, found by binary search
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for p, rows in postings.items():
            rows = np.asarray(rows, dtype=np.int64)
            rows = rows[np.argsort(self.lengths[rows], kind="stable")]
            self.postings[p] = rows, self.lengths[rows]

    def candidates(self, word: str, edits: int, shortest: int, longest: int) -> tuple[str, ...]:
        """The words of `shortest` to `longest` letters that may be within `edits` edits of `word`, in their order."""
        pairs = _pairs(word)
        need = len(pairs) - 3 * edits
        if need <= 0 or not self.postings:
            return self.window(shortest, longest)
        found = []
        for p in pairs:
            if p in self.postings:
                rows, lengths = self.postings[p]
                a, b = np.searchsorted(lengths, (shortest, longest + 1))
                if b > a:
                    found.append(rows[a:b])
        if not found:
            return ()
        rows, shared = np.unique(np.concatenate(found), return_counts=True)  # in the vocabulary's order
        return tuple(self.words[i] for i in rows[shared >= need])


@dataclass(frozen=True)
class TitleTable:
    """Titles as arrays: one row per titled item (`ids`), each title word's rows and weights (its idf times its
    count in that title), each title's idf mass and its item's kind."""

    ids: tuple[str, ...]
    postings: dict  # title word -> (rows, weights)
    mass: np.ndarray
    kinds: np.ndarray

    @classmethod
    def build(cls, vocab: Vocabulary) -> TitleTable:
        ids = tuple(vocab.title_text)
        idf = vocab.title_idf
        rows: dict[str, list[int]] = {}
        weights: dict[str, list[float]] = {}
        mass = np.zeros(len(ids))
        for r, i in enumerate(ids):
            for w, n in Counter(vocab.title_text[i].split()).items():
                rows.setdefault(w, []).append(r)
                weights.setdefault(w, []).append(idf.get(w, 1.0) * n)  # an unknown word weighs 1
                mass[r] += weights[w][-1]
        postings = {w: (np.asarray(rows[w], dtype=np.int64), np.asarray(weights[w])) for w in rows}
        return cls(ids, postings, mass, np.asarray([vocab.by_id[i].kind for i in ids], dtype=object))
