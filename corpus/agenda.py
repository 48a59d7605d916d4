"""Parser for an @Scale agenda page saved as text (corpus/sources/atscale-ai-data-2025.txt).

The page has four parts, found by their headings and shapes rather than by line numbers:

  intro ......... the date, "Location: <venue>" and its address, the description (-> one `event` item),
                  then the "Schedule" / "Poster Sessions" headings
  schedule ...... slots: "08:30 AM - 10:00 AM", a title, an optional abstract, "Role Name,Org" lines
  posters ....... a title, "Author(s): names, Org", the abstract; ends at "SPEAKERS AND MODERATORS"
  bios .......... "<bio> read more", the name, the org; ends at "2025 Events" (the footer)

A poster is anchored on its author line: its title is the last non-blank line before it, so a title
glued to the previous poster's last bullet, sub-headings inside an abstract ("Goal", "Results") and a
poster with no abstract all come out right. Corrections made on the way are recorded in `Item.fixes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from corpus.item import Item, Person, Source, unique
from corpus.normalize import ORG_ALIASES, clean_text, normalize_org, org_key, slugify, squash

TIME_ZONES = {
    "PT": "America/Los_Angeles",
    "MT": "America/Denver",
    "CT": "America/Chicago",
    "ET": "America/New_York",
    "UTC": "UTC",
    "GMT": "UTC",
}
TIME_LINE = re.compile(r"^(\d{1,2}:\d{2} [AP]M) - (\d{1,2}:\d{2} [AP]M)$")
ROLE_LINE = re.compile(r"^(Speaker|Moderator|Panelist)\s+(.+)$")
AUTHOR_LINE = re.compile(r"^Authors?:\s*(.*)$")
READ_MORE = re.compile(r"\s*(?:\.\.\.|…)?\s*read more\s*$")
ROLE_TAG = re.compile(r"\s*\((?:[A-Z]{2,4}s?)\)")  # "(DE)", "(DS)", "(SWEs)" after a name
LOGISTICS = re.compile(r"\b(registration|breakfast|lunch|break|happy hour)\b", re.IGNORECASE)
PLACEHOLDERS = ("Presentation information coming soon!",)


class AgendaError(ValueError):
    """The page does not have the shape this parser knows; names the line and what was expected."""


@dataclass(frozen=True)
class Bio:
    name: str
    org: str
    text: str
    truncated: bool


def parse_agenda(text: str, source_file: str, event: str) -> list[Item]:
    lines = clean_text(text).split("\n")
    day, tz = _event_day_and_zone(lines)
    sched_start = _find(lines, "Schedule") + 1
    posters_end = _find(lines, "SPEAKERS AND MODERATORS")
    bios_end = _find(lines, "2025 Events", start=posters_end)
    author_rows = [i for i in range(sched_start, posters_end) if AUTHOR_LINE.match(lines[i].strip())]
    if not author_rows:
        raise AgendaError(f"{source_file}: no poster 'Author(s):' line before 'SPEAKERS AND MODERATORS'")
    posters_start = _title_row(lines, author_rows[0])

    bios = _parse_bios(lines, posters_end + 1, bios_end)
    known_orgs = {org_key(b.org) for b in bios} | set(ORG_ALIASES)
    schedule = _parse_schedule(lines, sched_start, posters_start, day, tz, source_file, event)
    known_orgs |= {org_key(o) for item in schedule for o in item.orgs}
    posters = _parse_posters(lines, author_rows, posters_end, known_orgs, source_file, event)

    items = _drop_stray_fragments(schedule + posters)
    items = _attach_bios(items, bios)
    return [_parse_event(lines, schedule, source_file, event)] + _unique_ids(items)


def _parse_event(lines: list[str], schedule: list[Item], source_file: str, event: str) -> Item:
    """The event itself: name, day (first slot to last), venue and address, and the page's description."""
    loc_row = next((i for i, line in enumerate(lines[:40]) if line.strip().startswith("Location:")), None)
    if loc_row is None:
        raise AgendaError("the page's header lacks a 'Location: <venue>' line")
    venue = lines[loc_row].strip()[len("Location:") :].strip()
    rows, i = [], loc_row + 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    address = lines[i].strip() if i < len(lines) and re.search(r"\d", lines[i]) else ""
    if address:
        i += 1
    for line in lines[i:]:
        if line.strip().isupper() and line.strip():  # "RSVPS CLOSED", "AGENDA SPEAKERS": the page's menu
            break
        rows.append(line)
    description, _ = _abstract(rows)
    location = f"{venue}, {address}" if address else venue
    return Item(
        id="event",
        kind="event",
        title=event,
        abstract=f"Location: {location}.\n\n{description}",
        start=schedule[0].start,
        end=max(i.end or i.start for i in schedule),
        event=event,
        source=Source(source_file, 1),
        location=location,
    )


def _find(lines: list[str], heading: str, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if lines[i].strip() == heading:
            return i
    raise AgendaError(f"heading {heading!r} not found after line {start + 1}")


def _event_day_and_zone(lines: list[str]) -> tuple[date, ZoneInfo]:
    day = zone = None
    for line in lines[:40]:
        line = line.strip()
        if day is None:
            try:
                day = datetime.strptime(line, "%B %d, %Y").date()
            except ValueError:
                pass
        m = re.match(r"Event times below are displayed in (\w+)\.?$", line)
        if m:
            if m.group(1) not in TIME_ZONES:
                raise AgendaError(f"unknown time zone {m.group(1)!r}; known: {', '.join(TIME_ZONES)}")
            zone = ZoneInfo(TIME_ZONES[m.group(1)])
    if day is None or zone is None:
        raise AgendaError(
            "the page's header lacks a date line ('June 25, 2025') or a time-zone line "
            "('Event times below are displayed in PT.')"
        )
    return day, zone


def _title_row(lines: list[str], author_row: int) -> int:
    """The row of a poster's title: the last non-blank line above its author line."""
    i = author_row - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    return i


def _paragraphs(rows: list[str]) -> list[str]:
    """Blocks of consecutive non-blank lines, each line stripped (bullets keep their own line)."""
    paras, block = [], []
    for row in rows + [""]:
        if row.strip():
            block.append(row.strip())
        elif block:
            paras.append("\n".join(block))
            block = []
    return paras


def _abstract(rows: list[str]) -> tuple[str, list[str]]:
    """Join paragraphs, dropping exact repeats and placeholders; return (abstract, fixes)."""
    fixes, seen, kept = [], set(), []
    for para in _paragraphs(rows):
        if para in PLACEHOLDERS:
            fixes.append(f"dropped the placeholder text {para!r}")
            continue
        key = squash(para)
        if key in seen:
            fixes.append(f"dropped a paragraph repeated verbatim: {key[:60]!r}...")
            continue
        seen.add(key)
        kept.append(para)
    return "\n\n".join(kept), fixes


def _time(day: date, tz: ZoneInfo, clock: str) -> str:
    t = datetime.strptime(clock, "%I:%M %p").time()
    return datetime.combine(day, t, tzinfo=tz).isoformat()


def _parse_schedule(lines, start, end, day, tz, source_file, event) -> list[Item]:
    slot_rows = [i for i in range(start, end) if TIME_LINE.match(lines[i].strip())]
    if not slot_rows:
        raise AgendaError(f"no schedule slot ('08:30 AM - 10:00 AM') between lines {start + 1} and {end}")
    items = []
    for n, row in enumerate(slot_rows):
        stop = slot_rows[n + 1] if n + 1 < len(slot_rows) else end
        m = TIME_LINE.match(lines[row].strip())
        body = lines[row + 1 : stop]
        title_i = next((i for i, b in enumerate(body) if b.strip()), None)
        if title_i is None:
            raise AgendaError(f"{source_file}:{row + 1}: schedule slot with no title")
        title = squash(body[title_i])
        people, see_also, text_rows = [], [], []
        for b in body[title_i + 1 :]:
            line = b.strip()
            role = ROLE_LINE.match(line)
            if role:
                name, _, org = role.group(2).rpartition(",")
                if not name:  # no comma: a name with no org
                    name, org = org, ""
                people.append(
                    Person(name=squash(name), org=normalize_org(org) if org.strip() else "", role=role.group(1).lower())
                )
            elif READ_MORE.search(line) and people:
                see_also.append(READ_MORE.sub("", line).strip())
            else:
                text_rows.append(b)
        abstract, fixes = _abstract(text_rows)
        if LOGISTICS.search(title) and not people:
            kind = "logistics"
        elif title.lower().startswith("live panel") or any(p.role == "panelist" for p in people):
            kind = "panel"
        else:
            kind = "talk"
        items.append(
            Item(
                id=slugify(title),
                kind=kind,
                title=title,
                abstract=abstract,
                people=tuple(people),
                orgs=unique(p.org for p in people if p.org),
                start=_time(day, tz, m.group(1)),
                end=_time(day, tz, m.group(2)),
                event=event,
                source=Source(source_file, row + 1),
                fixes=tuple(fixes),
                see_also=tuple(see_also),
            )
        )
    return items


def parse_author_line(text: str, known_orgs: set[str]) -> list[Person]:
    """'Authors: A, B & C, Org' -> people with the shared org ('' when the line names none).

    Handles "&" and "and" separators, role tags like "(DE)", a missing comma before the org
    ("Nicholas Chadwick Meta"), stray spaces before commas, and lines with no org at all.
    """
    text = squash(ROLE_TAG.sub("", text))
    parts = [squash(p) for p in text.split(",") if p.strip()]
    org = ""
    if parts and (org_key(parts[-1]) in known_orgs or len(parts) == 2):
        org = parts.pop()
    elif parts:
        last = parts[-1].split(" ")
        if len(last) > 1 and org_key(last[-1]) in known_orgs:  # "... Chadwick Meta": comma missing
            org = last[-1]
            parts[-1] = " ".join(last[:-1])
    names = []
    for part in parts:
        for name in re.split(r"\s*&\s*|\s+and\s+|^and\s+", part):
            if name.strip():
                names.append(squash(name))
    org = normalize_org(org) if org else ""
    return [Person(name=n, org=org, role="author") for n in names]


def _parse_posters(lines, author_rows, end, known_orgs, source_file, event) -> list[Item]:
    items = []
    for n, row in enumerate(author_rows):
        title_row = _title_row(lines, row)
        stop = _title_row(lines, author_rows[n + 1]) if n + 1 < len(author_rows) else end
        title = squash(lines[title_row])
        people = parse_author_line(AUTHOR_LINE.match(lines[row].strip()).group(1), known_orgs)
        abstract, fixes = _abstract(lines[row + 1 : stop])
        items.append(
            Item(
                id=slugify(title),
                kind="poster",
                title=title,
                abstract=abstract,
                people=tuple(people),
                orgs=unique(p.org for p in people if p.org),
                event=event,
                source=Source(source_file, title_row + 1),
                fixes=tuple(fixes),
            )
        )
    return items


def _parse_bios(lines: list[str], start: int, end: int) -> list[Bio]:
    """Speaker cards: an optional '<bio>... read more' paragraph, then the name, then the org."""
    paras = _paragraphs(lines[start:end])
    bios, i = [], 0
    while i < len(paras):
        text, truncated = "", False
        if READ_MORE.search(paras[i]):
            text = re.sub(r"^Bio:\s*", "", READ_MORE.sub("", paras[i])).strip()
            truncated = True
            i += 1
        if i + 1 >= len(paras):
            raise AgendaError(f"speaker card at paragraph {i + 1} of the speakers section lacks a name and org")
        bios.append(Bio(name=squash(paras[i]), org=normalize_org(paras[i + 1]), text=text, truncated=truncated))
        i += 2
    return bios


def _name_key(name: str) -> str:
    return squash(name).casefold()


def _attach_bios(items: list[Item], bios: list[Bio]) -> list[Item]:
    by_name = {_name_key(b.name): b for b in bios}
    out = []
    for item in items:
        people = []
        for p in item.people:
            b = by_name.get(_name_key(p.name))
            if b is not None:
                p = replace(p, bio=b.text, bio_truncated=b.truncated, org=p.org or b.org)
            people.append(p)
        out.append(replace(item, people=tuple(people)))
    return out


def _first_words(item: Item) -> list[str]:
    return item.abstract.split("\n\n", 1)[0].split(" ") if item.abstract else []


def _drop_stray_fragments(items: list[Item], min_words: int = 6) -> list[Item]:
    """Drop a leading fragment pasted from another item's abstract.

    Item A starts with a copy of the first n >= min_words words of item B, then a new sentence starts
    mid-stream (the copied words end without punctuation and the next word is capitalized), while B
    continues the sentence. The copy is A's, so it is cut from A and the fix recorded.
    """
    out = list(items)
    for a_i, a in enumerate(items):
        wa = _first_words(a)
        for b in items:
            wb = _first_words(b)
            if b is a or not wa or not wb:
                continue
            n = 0
            while n < min(len(wa), len(wb)) and wa[n] == wb[n]:
                n += 1
            if (
                n >= min_words
                and n < len(wa)
                and n < len(wb)
                and wa[n][:1].isupper()
                and not wb[n][:1].isupper()
                and not re.search(r"[.!?:]$", wa[n - 1])
            ):
                fragment = " ".join(wa[:n])
                out[a_i] = replace(
                    a,
                    abstract=a.abstract[len(fragment) :].lstrip(),
                    fixes=a.fixes + (f"dropped a stray leading fragment copied from {b.title!r}: {fragment!r}",),
                )
                break
    return out


def _unique_ids(items: list[Item]) -> list[Item]:
    seen: dict[str, int] = {}
    out = []
    for item in items:
        n = seen.get(item.id, 0) + 1
        seen[item.id] = n
        out.append(item if n == 1 else replace(item, id=f"{item.id}-{n}"))
    return out


def parse_agenda_file(path: Path, source_file: str, event: str) -> list[Item]:
    return parse_agenda(path.read_text(encoding="utf-8"), source_file, event)
