"""Turn a plain-language question into a `Plan`: filters and intent read from the corpus's own words.

  kind      "posters about ...", "any panels on ..."          -> kinds
  org       "what is Fiddler showing?", "anything from PingCAP" -> orgs (names and spellings in the corpus)
  person    "what is Krishna Gade talking about?"              -> people
  time      "morning sessions", "at 3pm", "what follows the afternoon break", "the first talk"
  related   "posters like the Metamate talk"                   -> related_to
  intent    who / when / list / topic

Schedule questions resolve to item ids from the items' times (`Plan.schedule`), never from embeddings.
Everything here is pure: a `Vocabulary` built once from the items, and a string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from corpus.item import Item
from corpus.normalize import ORG_ALIASES, clean_text, org_key, squash

from assistant.records import Plan

STOP = set("""a an the of to in on for and or with about at by from is are was were be been do does did what which who
whom whose when where how why any anything something some all list show me tell give there their this that these those
i we you it its my our your can could would should will shall please talks talk sessions session presentations
presentation posters poster panels panel speakers speaker speaking speak talking presenting present presents showing
show shows covering cover covers discuss discussing discusses being other more also into than then so just has have
had get got go going one ones there's what's who's whats""".split())

GENERIC = STOP | set("""agenda conference event day today schedule happening on-stage stage exhibit exhibiting booth
work working works doing bring bringing lineup program where hear see catch find attend listen watch meet anyone
someone anybody somebody everything everyone involved appear appearing appears participate participating""".split())

KIND_WORDS = {"poster": r"\bposters?\b", "panel": r"\bpanels?\b|\bpanel discussions?\b"}
TALK_WORDS = r"\b(?:talks?|presentations?|keynotes?)\b"

AT_TIME = re.compile(r"\b(?:at|around)\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?![\w:])"
                     r"|\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?!\w)|\bnoon\b", re.I)
RELATIVE = re.compile(r"\b(right after|just after|immediately after|after|follows?|following|followed by|next after|"
                      r"right before|just before|immediately before|before|precedes?|preceding)\s+(?:the\s+)?(.+?)[\s?.!]*$", re.I)
ORDINAL = re.compile(r"\b(first|opening|last|final|closing)\s+(talk|session|panel|thing|item|event|presentation|slot)s?\b", re.I)
MEALS = re.compile(r"\b(registration|breakfast|lunch|break|breaks|happy hour|coffee|food|meals?|drinks|networking)\b", re.I)
PART_OF_DAY = {"morning": (time(0, 0), time(12, 0)), "afternoon": (time(12, 0), time(17, 0)),
               "evening": (time(17, 0), time(23, 59)), "tonight": (time(17, 0), time(23, 59))}
RELATED = re.compile(r"\b(?:similar to|related to|like|resembling|in the spirit of|along the lines of|close to)\s+(.+?)[\s?.!]*$", re.I)


@dataclass(frozen=True)
class Vocabulary:
    orgs: dict[str, str]          # org key (lowercase, no punctuation) of a spelling -> canonical org
    people: dict[str, str]        # lowercase phrase -> canonical name (case-insensitive)
    surnames: dict[str, str]      # capitalized surname -> canonical name (matched case-sensitively)
    items: tuple[Item, ...]
    scheduled: tuple[Item, ...]   # items with a start time, by start
    kinds: frozenset = frozenset()  # the kinds this corpus has (a "panel" filter needs panels)

    @property
    def poster_sessions(self) -> tuple[Item, ...]:
        """Schedule slots where posters are shown ("Lunch & Poster Sessions", ...)."""
        return tuple(i for i in self.scheduled if re.search(KIND_WORDS["poster"], i.title.lower()))

    @classmethod
    def build(cls, items: list[Item]) -> Vocabulary:
        orgs: dict[str, str] = {}  # org_key of a spelling -> canonical org
        canon = {o for i in items for o in i.orgs}
        for org in canon:
            orgs[org_key(org)] = org
            first = org.split()[0].lower().rstrip(".")
            if len(first) >= 4 and first not in STOP and sum(o.lower().startswith(first) for o in canon) == 1:
                orgs.setdefault(org_key(first), org)
        for alias, org in ORG_ALIASES.items():
            if org in canon:
                orgs.setdefault(alias, org)
        names = sorted({p.name for i in items for p in i.people})  # sorted: the same spelling wins every run
        people: dict[str, str] = {}
        for n in names:
            people.setdefault(n.lower(), n)
        last_counts: dict[str, list[str]] = {}
        for n in names:
            parts = n.split()
            if len(parts) > 1:
                last_counts.setdefault(parts[-1], []).append(n)
        # a unique surname that is written like a name ("Gade", not "practice" from a mis-filed speaker)
        surnames = {s: ns[0] for s, ns in last_counts.items() if len(ns) == 1 and len(s) >= 4 and s[0].isupper()}
        # schedule questions ("at 3pm", "after lunch") make sense within one event's day(s) only
        single_event = len({i.event for i in items}) == 1
        scheduled = tuple(sorted((i for i in items if i.start and single_event), key=lambda i: (i.start, i.end or "")))
        return cls(orgs, people, surnames, tuple(items), scheduled, frozenset(i.kind for i in items))


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9][a-z0-9.&'-]*", text.lower()) if w not in STOP]


def _title_match(phrase: str, items, min_share: float = 0.5) -> Item | None:
    """The item whose title (or speakers) best covers the content words of a phrase."""
    words = [w for w in re.findall(r"[a-z0-9]+", phrase.lower()) if len(w) > 1 and w not in STOP]
    if not words:
        return None
    best, best_score = None, 0.0
    for item in items:
        hay = set(re.findall(r"[a-z0-9]+", (item.title + " " + " ".join(item.names())).lower()))
        hay |= {h[:-1] for h in hay if h.endswith("s")}
        hits = sum(1 for w in words if w in hay or w.rstrip("s") in hay)
        score = hits / len(words) + 0.01 * hits
        if hits and score > best_score:
            best, best_score = item, score
    return best if best is not None and best_score >= min_share else None


def _find_orgs(text: str, vocab: Vocabulary) -> tuple[list[str], str]:
    """Orgs named in the text, in any spelling the corpus knows (n-grams of up to 4 words, by org key)."""
    words = text.split()
    found: list[str] = []
    keep = [True] * len(words)
    for n in (4, 3, 2, 1):
        for i in range(len(words) - n + 1):
            if not all(keep[i:i + n]):
                continue
            phrase = " ".join(words[i:i + n])
            key = org_key(re.sub(r"'s$", "", phrase.strip("?!,;:()\"")))
            org = vocab.orgs.get(key)
            if org is None or (org == "Meta" and i > 0 and words[i - 1].lower().endswith("ray-ban")):
                continue
            if org not in found:
                found.append(org)
            keep[i:i + n] = [False] * n
    return found, " ".join(w for w, k in zip(words, keep) if k)


def _find_people(text: str, vocab: Vocabulary) -> tuple[list[str], str]:
    """People named in the text: full names in any case (n-grams of 2-4 words, looked up, so the cost
    does not grow with the corpus), or a unique surname written with a capital."""
    words = text.split()
    found: list[str] = []
    keep = [True] * len(words)

    def norm(w):
        return re.sub(r"'s$", "", w.strip("?!,.;:()\""))

    for n in (4, 3, 2, 1):
        for i in range(len(words) - n + 1):
            if not all(keep[i:i + n]):
                continue
            phrase = " ".join(norm(w) for w in words[i:i + n])
            name = vocab.people.get(phrase.lower()) if n > 1 else vocab.surnames.get(phrase)
            if name is None or name in found:
                continue
            found.append(name)
            keep[i:i + n] = [False] * n
    return found, " ".join(w for w, k in zip(words, keep) if k)


def _parse_clock(h: str, m: str | None, ampm: str | None) -> time | None:
    hour, minute = int(h), int(m or 0)
    if ampm:
        ampm = ampm.lower().replace(".", "")
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif hour < 8:  # "at 3" on a conference day means the afternoon
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _day_and_tz(vocab: Vocabulary):
    first = vocab.scheduled[0].start_dt
    return first.date(), first.tzinfo


def _at(vocab: Vocabulary, t: time) -> tuple[Item, ...]:
    """The slots running at a time; if none, the next ones to start."""
    day, tz = _day_and_tz(vocab)
    moment = datetime.combine(day, t, tzinfo=tz)
    running = tuple(i for i in vocab.scheduled if i.start_dt <= moment < (i.end_dt or i.start_dt + timedelta(minutes=1)))
    if running:
        return running
    later = [i for i in vocab.scheduled if i.start_dt >= moment]
    return tuple(i for i in later if later and i.start == later[0].start)


def _schedule_kinds(word: str) -> tuple[str, ...]:
    word = word.lower()
    if word in ("talk", "presentation"):
        return ("talk", "panel")
    if word == "panel":
        return ("panel",)
    return ()


def plan_query(query: str, vocab: Vocabulary) -> Plan:
    q = squash(clean_text(query))
    low = q.lower()
    notes: list[str] = []
    text = q
    intent = "topic"
    if re.match(r"^(who|whom)\b", low):
        intent = "who"
    elif re.match(r"^(when|what time|at what time)\b", low):
        intent = "when"
    elif re.match(r"^(which|list|name|what are (all )?the|are there any|any)\b", low) or re.search(r"\b(which|all)\s+(talks|posters|panels|sessions)\b", low):
        intent = "list"

    # related-item requests: "posters like the Metamate talk"
    related_to = None
    m = RELATED.search(q)
    if m:
        anchor = m.group(1)
        strong = bool(re.search(r"\b(the|that|this)\b.*\b(talk|poster|panel|session|presentation|one)\b", anchor, re.I)
                      or re.search(r"\b[A-Z][a-zA-Z]+", anchor))
        target = _title_match(anchor, vocab.items, 0.6) if strong else None
        if target is not None:
            related_to = target.id
            intent = "related"
            text = q[:m.start()].strip()
            notes.append(f"related to {target.title!r}")

    scope = text.lower()
    kinds: list[str] = []
    for kind, pattern in KIND_WORDS.items():
        if re.search(pattern, scope) and kind in vocab.kinds:
            kinds.append(kind)
    if kinds and re.search(TALK_WORDS, scope):
        kinds = ["talk", "panel"] + [k for k in kinds if k == "poster"]
        if "poster" in kinds:
            kinds = []  # "talks and posters": everything
    if re.search(r"\b(only talks|talks only|not posters|no posters|talks and panels)\b", scope):
        kinds = ["talk", "panel"]

    orgs, text = _find_orgs(text, vocab)
    people, text = _find_people(text, vocab)
    if orgs:
        notes.append("org: " + ", ".join(orgs))
    if people:
        notes.append("person: " + ", ".join(people))

    time_from = time_to = None
    schedule: tuple[Item, ...] = ()
    if vocab.scheduled and related_to is None:
        day, tz = _day_and_tz(vocab)
        rel = RELATIVE.search(text)
        anchor = _title_match(rel.group(2), vocab.scheduled, 0.5) if rel else None
        if rel and anchor is not None:
            after = not re.match(r".*(before|precede)", rel.group(1), re.I)
            if after:
                nxt = [i for i in vocab.scheduled if i.start_dt >= (anchor.end_dt or anchor.start_dt) and i.id != anchor.id]
            else:
                nxt = [i for i in vocab.scheduled if (i.end_dt or i.start_dt) <= anchor.start_dt and i.id != anchor.id]
            if nxt:
                pick = nxt[0].start if after else max(i.start for i in nxt)
                schedule = tuple(i for i in nxt if i.start == pick)
                notes.append(f"{'after' if after else 'before'} {anchor.title!r}")
            text = text[:rel.start()]
        elif (om := ORDINAL.search(text)):
            pool = [i for i in vocab.scheduled if not _schedule_kinds(om.group(2)) or i.kind in _schedule_kinds(om.group(2))]
            if pool:
                pick = pool[0] if om.group(1).lower() in ("first", "opening") else pool[-1]
                schedule = tuple(i for i in pool if i.start == pick.start)
                notes.append(f"{om.group(1).lower()} {om.group(2).lower()}")
            text = text[:om.start()] + text[om.end():]
        elif (tm := AT_TIME.search(text)):
            if tm.group(0).lower() == "noon":
                t = time(12, 0)
            elif tm.group(1):
                t = _parse_clock(tm.group(1), tm.group(2), tm.group(3))
            else:
                t = _parse_clock(tm.group(4), tm.group(5), tm.group(6))
            if t is not None:
                schedule = _at(vocab, t)
                notes.append(f"at {t.strftime('%H:%M')}")
                text = text[:tm.start()] + text[tm.end():]
        else:
            for word, (t0, t1) in PART_OF_DAY.items():
                if re.search(rf"\b{word}\b", low):
                    time_from = datetime.combine(day, t0, tzinfo=tz).isoformat()
                    time_to = datetime.combine(day, t1, tzinfo=tz).isoformat()
                    notes.append(f"{word}: {t0.strftime('%H:%M')}-{t1.strftime('%H:%M')}")
                    if not kinds and not MEALS.search(low):
                        kinds = ["talk", "panel"]  # "morning sessions" means the program, not breakfast
                    text = re.sub(rf"\b{word}\b", " ", text, flags=re.I)
                    break
    if schedule:
        intent = "who" if intent == "who" else "schedule"
    scheduled_only = False
    if intent == "when" and not schedule and re.search(KIND_WORDS["poster"], low):
        sessions = vocab.poster_sessions
        if sessions:
            poster = _title_match(text, [i for i in vocab.items if i.kind == "poster"], 0.8)
            schedule = ((poster,) if poster else ()) + sessions
            kinds = []
            notes.append("posters are shown in the poster sessions")
    if intent == "when" and not schedule and vocab.scheduled:
        # "when is X?" can only be answered by items with a time; posters are shown in poster sessions
        kinds, scheduled_only = [], True
        notes.append("items with a time slot only")
    if kinds:
        notes.append("kind: " + ", ".join(kinds))
    generic = GENERIC - {"poster", "posters", "panel", "panels", "talk", "talks"} if scheduled_only else GENERIC
    topical = [w for w in _content_words(text) if w not in generic]
    return Plan(query=q, text=" ".join(text.split()) if topical else "", intent=intent, kinds=tuple(kinds),
                orgs=tuple(orgs), people=tuple(people), time_from=time_from, time_to=time_to,
                schedule=tuple(i.id for i in schedule), related_to=related_to, scheduled_only=scheduled_only,
                notes=tuple(notes))
