"""The one record every stage shares: a searchable `Item` (a talk, panel, poster or logistics slot).

Items are frozen; collections are tuples so an item can be hashed, cached and shared between threads.
`Item.from_dict` is the single validator for anything read from disk: it collects every problem with
the field it concerns instead of stopping at the first.
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

KINDS = ("talk", "panel", "poster", "logistics", "event")
PROGRAM_KINDS = ("talk", "panel", "poster")  # what topical questions are answered from
ROLES = ("speaker", "moderator", "panelist", "author")
ID_PATTERN = re.compile(r"\A[a-z0-9][a-z0-9._-]{0,199}\Z")  # \Z: "abc\n" is not an id
_SURROGATE = re.compile("[\ud800-\udfff]")
# Bounds on what one item may hold (the largest in pyvideo/data are about a tenth of these): an item
# past them is refused, so no single record can make indexing or answering unbounded work.
MAX_CHARS = {
    "title": 1_000,
    "abstract": 100_000,
    "event": 1_000,
    "url": 4_000,
    "location": 1_000,
    "name": 500,
    "org": 500,
    "role": 50,
    "bio": 20_000,
    "tag": 500,
    "fixes": 2_000,
    "see_also": 2_000,
}
MAX_ENTRIES = {"people": 500, "orgs": 500, "tags": 500, "fixes": 200, "see_also": 200}

ITEM_FIELDS = (
    "id",
    "kind",
    "title",
    "abstract",
    "people",
    "orgs",
    "start",
    "end",
    "event",
    "source",
    "tags",
    "url",
    "fixes",
    "see_also",
    "location",
)
PERSON_FIELDS = ("name", "org", "role", "bio", "bio_truncated")


@dataclass(frozen=True)
class Person:
    name: str
    org: str = ""
    role: str = ""
    bio: str = ""
    bio_truncated: bool = False

    def credit(self, role: bool = False) -> str:
        """ "Name (Org)", or with role=True "Name (Org, role)" / "Name (role)": the one way a person is
        named next to an item, in passages, prompts and answers."""
        extra = [x for x in (self.org, self.role if role else "") if x]
        return f"{self.name} ({', '.join(extra)})" if extra else self.name

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "org": self.org,
            "role": self.role,
            "bio": self.bio,
            "bio_truncated": self.bio_truncated,
        }


@dataclass(frozen=True)
class Source:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    title: str
    abstract: str = ""
    people: tuple[Person, ...] = ()
    orgs: tuple[str, ...] = ()
    start: str | None = None  # ISO 8601 with UTC offset, for schedule items
    end: str | None = None
    event: str = ""
    source: Source | None = None
    tags: tuple[str, ...] = ()
    url: str = ""
    fixes: tuple[str, ...] = field(default=())  # corrections made while parsing the source
    see_also: tuple[str, ...] = ()  # related reading named next to the item (not items themselves)
    location: str = ""  # venue or room, where the source says

    @property
    def start_dt(self) -> datetime | None:
        return datetime.fromisoformat(self.start) if self.start else None

    @property
    def end_dt(self) -> datetime | None:
        return datetime.fromisoformat(self.end) if self.end else None

    def names(self, role: str | None = None) -> list[str]:
        return [p.name for p in self.people if role is None or p.role == role]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "abstract": self.abstract,
            "people": [p.to_dict() for p in self.people],
            "orgs": list(self.orgs),
            "start": self.start,
            "end": self.end,
            "event": self.event,
            "source": {"file": self.source.file, "line": self.source.line} if self.source else None,
            "tags": list(self.tags),
            "url": self.url,
            "fixes": list(self.fixes),
            "see_also": list(self.see_also),
            **({"location": self.location} if self.location else {}),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Item:
        """Build an item from parsed JSON, or raise `ItemError` listing every field at fault."""
        problems = validate(data)
        if problems:
            raise ItemError(problems)
        people = tuple(
            Person(**{k: p.get(k, Person.__dataclass_fields__[k].default) for k in PERSON_FIELDS})
            for p in data.get("people", [])
        )
        orgs = data.get("orgs")
        if orgs is None:
            orgs = unique(p.org for p in people if p.org)
        src = data.get("source")
        return cls(
            id=data["id"],
            kind=data["kind"],
            title=data["title"].strip(),
            abstract=data.get("abstract") or "",
            people=people,
            orgs=tuple(orgs),
            start=data.get("start"),
            end=data.get("end"),
            event=data.get("event") or "",
            source=Source(src["file"], src["line"]) if src else None,
            tags=tuple(data.get("tags") or ()),
            url=data.get("url") or "",
            fixes=tuple(data.get("fixes") or ()),
            see_also=tuple(data.get("see_also") or ()),
            location=data.get("location") or "",
        )


class ItemError(ValueError):
    """One item's problems, each as (field, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"field {f!r}: {m}" for f, m in problems))


def unique(values) -> tuple[str, ...]:
    """Values in first-seen order, without repeats."""
    return tuple(dict.fromkeys(values))


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 datetime that carries a UTC offset, or raise ValueError saying why."""
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset (write e.g. 2025-06-25T10:00:00-07:00)")
    return dt


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlist, _REPR.maxdict, _REPR.maxlong = 3, 60, 60, 5, 5, 40


def _short(value: Any) -> str:
    """A bounded repr for messages: deep or huge values (a 100k-deep list, a 5,000-digit number) stay short."""
    text = _REPR.repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _text_problem(value: str, limit: int) -> str | None:
    """Why a string cannot be stored (too long, a lone surrogate), or None."""
    if len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit:,} are allowed"
    if _SURROGATE.search(value):
        return "holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text"
    return None


def _str_list(data: dict, key: str, problems: list) -> None:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append((key, f"must be a list of strings, got {_short(value)}"))
        return
    if len(value) > MAX_ENTRIES[key]:
        problems.append((key, f"has {len(value):,} entries; at most {MAX_ENTRIES[key]:,} are allowed"))
        return
    limit = MAX_CHARS.get(key, MAX_CHARS["tag"])
    for i, v in enumerate(value):
        why = _text_problem(v, limit)
        if why:
            problems.append((f"{key}[{i}]", why))
            break


def validate(data: Any) -> list[tuple[str, str]]:
    """Every problem with one item's JSON object, as (field, message); empty when valid."""
    if not isinstance(data, dict):
        return [("(item)", f"must be a JSON object, got {type(data).__name__}")]
    problems: list[tuple[str, str]] = []
    for key in data:
        if key not in ITEM_FIELDS:
            problems.append((key, f"unknown field; valid fields are {', '.join(ITEM_FIELDS)}"))
    item_id = data.get("id")
    if not isinstance(item_id, str) or not item_id:
        problems.append(
            ("id", "missing or empty" if item_id in (None, "") else f"must be a string, got {_short(item_id)}")
        )
    elif not ID_PATTERN.match(item_id):
        problems.append(
            (
                "id",
                f"{_short(item_id)} is not a slug (lowercase letters, digits, '.', '_', '-'; at most 200 characters)",
            )
        )
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        problems.append(
            (
                "kind",
                f"{_short(kind)} is not one of {', '.join(KINDS)}"
                if kind is not None
                else f"missing; one of {', '.join(KINDS)}",
            )
        )
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(
            (
                "title",
                "missing or empty"
                if title in (None, "") or isinstance(title, str)
                else f"must be a string, got {_short(title)}",
            )
        )
    elif _text_problem(title, MAX_CHARS["title"]):
        problems.append(("title", _text_problem(title, MAX_CHARS["title"])))
    for key in ("abstract", "event", "url", "location"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            problems.append((key, f"must be a string, got {_short(data[key])}"))
        elif isinstance(data.get(key), str) and _text_problem(data[key], MAX_CHARS[key]):
            problems.append((key, _text_problem(data[key], MAX_CHARS[key])))
    for key in ("orgs", "tags", "fixes", "see_also"):
        if key in data and data[key] is not None:
            _str_list(data, key, problems)
    people = data.get("people", [])
    if not isinstance(people, list):
        problems.append(("people", f"must be a list of objects, got {_short(people)}"))
    elif len(people) > MAX_ENTRIES["people"]:
        problems.append(("people", f"has {len(people):,} entries; at most {MAX_ENTRIES['people']:,} are allowed"))
    else:
        for i, person in enumerate(people):
            where = f"people[{i}]"
            if not isinstance(person, dict):
                problems.append((where, f"must be an object with {', '.join(PERSON_FIELDS)}"))
                continue
            for key in person:
                if key not in PERSON_FIELDS:
                    problems.append((f"{where}.{key}", f"unknown field; valid: {', '.join(PERSON_FIELDS)}"))
            if not isinstance(person.get("name"), str) or not person["name"].strip():
                problems.append((f"{where}.name", "missing or empty"))
            for key in ("name", "org", "role", "bio"):
                value = person.get(key, "")
                if not isinstance(value, str):
                    problems.append((f"{where}.{key}", f"must be a string, got {_short(value)}"))
                elif _text_problem(value, MAX_CHARS[key]):
                    problems.append((f"{where}.{key}", _text_problem(value, MAX_CHARS[key])))
            if not isinstance(person.get("bio_truncated", False), bool):
                problems.append(
                    (f"{where}.bio_truncated", f"must be true or false, got {_short(person['bio_truncated'])}")
                )
            role = person.get("role", "")
            if isinstance(role, str) and role and role not in ROLES:
                problems.append((f"{where}.role", f"{role!r} is not one of {', '.join(ROLES)}"))
    times = {}
    for key in ("start", "end"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > 64:
            problems.append((key, f"must be an ISO 8601 string, got {_short(value)}"))
            continue
        try:
            times[key] = parse_iso(value)
        except ValueError as exc:
            msg = str(exc) if "UTC offset" in str(exc) else f"{value!r} is not an ISO 8601 datetime"
            problems.append((key, msg))
    if "start" in times and "end" in times and times["end"] < times["start"]:
        problems.append(("end", f"{data['end']!r} is before start {data['start']!r}"))
    src = data.get("source")
    if src is not None and not (
        isinstance(src, dict)
        and isinstance(src.get("file"), str)
        and isinstance(src.get("line"), int)
        and not isinstance(src.get("line"), bool)
        and len(src["file"]) <= 4_000
        and 0 <= src["line"] < 10**12
        and set(src) <= {"file", "line"}
    ):
        problems.append(("source", f'must be {{"file": str, "line": int}}, got {_short(src)}'))
    return problems
