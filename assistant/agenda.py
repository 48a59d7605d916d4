"""An attendee's view of the schedule: the day in time order, a personal agenda with its conflicts,
and an iCalendar export. Pure functions over `Item`s; the app and `talks agenda` render them.

    items -> day(items) -> Rows in time order (poster sessions carry the posters shown in them)
    ids   -> pick(items, ids) -> my agenda -> conflicts(...) (overlapping pairs) -> to_ics(...)

Times are shown the one way the app and CLI show them: the event's local time, `Wed 25 Jun, 10:55–11:15 AM`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from corpus.item import Item

POSTER_SESSION = re.compile(r"\bposters?\b", re.IGNORECASE)  # "Lunch & Poster Sessions", as the planner reads them
PARTS_OF_DAY = {
    "morning": (time(0, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "evening": (time(17, 0), time(23, 59, 59)),
}


# ---------------------------------------------------------------- one time format


def _clock(dt: datetime, ampm: bool = True) -> str:
    text = dt.strftime("%I:%M").lstrip("0")
    return text + (dt.strftime(" %p") if ampm else "")


def clock(start: datetime, end: datetime | None) -> str:
    """'10:55–11:15 AM', '11:55 AM–12:20 PM': the meridiem once when both ends share it."""
    if end is None:
        return _clock(start)
    same = start.strftime("%p") == end.strftime("%p") and start.date() == end.date()
    return f"{_clock(start, ampm=not same)}–{_clock(end)}"


def day_label(dt: datetime) -> str:
    """'Wed 25 Jun'."""
    return f"{dt.strftime('%a')} {dt.day} {dt.strftime('%b')}"


def when(item: Item) -> str:
    """'Wed 25 Jun, 10:55–11:15 AM' in the event's local time (the offset the item carries); '' untimed."""
    if not item.start_dt:
        return ""
    return f"{day_label(item.start_dt)}, {clock(item.start_dt, item.end_dt)}"


def windows_text(sessions: Sequence[Item]) -> str:
    """'Wed 25 Jun, 12:20–1:20 PM; 2:40–3:05 PM' — the poster-session windows, the day said once per day."""
    out, last_day = [], None
    for s in sessions:
        d = s.start_dt.date()
        out.append(when(s) if d != last_day else clock(s.start_dt, s.end_dt))
        last_day = d
    return "; ".join(out)


# ---------------------------------------------------------------- the day


@dataclass(frozen=True)
class Row:
    """One line of the agenda: a scheduled item; a poster session also lists the posters shown in it."""

    item: Item
    posters: tuple[Item, ...] = ()

    @property
    def is_poster_session(self) -> bool:
        return bool(self.posters)


def poster_sessions(items: Iterable[Item]) -> tuple[Item, ...]:
    """Scheduled slots in which posters are shown, by start time."""
    return tuple(sorted((i for i in items if i.start and POSTER_SESSION.search(i.title)), key=_order))


def _order(item: Item):
    return (item.start_dt, item.end_dt or item.start_dt, item.title)


def day(items: Iterable[Item]) -> list[Row]:
    """Every scheduled item in time order; posters (which have no slot of their own) grouped under each
    poster session; anything else without a time at the end, by title. The event record itself is no row."""
    items = [i for i in items if i.kind != "event"]
    posters = tuple(sorted((i for i in items if i.kind == "poster" and not i.start), key=lambda i: i.title.lower()))
    sessions = {s.id for s in poster_sessions(items)}
    timed = sorted((i for i in items if i.start), key=_order)
    rows = [Row(i, posters if i.id in sessions else ()) for i in timed]
    if not sessions:  # nowhere to show the posters: list them with the other unscheduled items
        posters = ()
    grouped = {p.id for p in posters}
    rows += [
        Row(i) for i in sorted((i for i in items if not i.start and i.id not in grouped), key=lambda i: i.title.lower())
    ]
    return rows


def _part_ok(item: Item, part: str | None) -> bool:
    if not part:
        return True
    if part not in PARTS_OF_DAY:
        raise ValueError(f"unknown time of day {part!r}; valid: {', '.join(PARTS_OF_DAY)}")
    if not item.start_dt:
        return False
    lo, hi = PARTS_OF_DAY[part]
    t = item.start_dt.timetz().replace(tzinfo=None)
    return lo <= t < hi


def filter_rows(
    rows: Sequence[Row], kinds: Sequence[str] = (), orgs: Sequence[str] = (), part: str | None = None
) -> list[Row]:
    """Rows whose item (or, for a poster session, one of its posters) is of one of `kinds`, from one of
    `orgs`, and starts in `part` of the day. A poster session keeps only the posters that match."""

    def ok(item: Item, timed_by: Item) -> bool:
        return (
            (not kinds or item.kind in kinds) and (not orgs or set(item.orgs) & set(orgs)) and _part_ok(timed_by, part)
        )

    out = []
    for row in rows:
        posters = tuple(p for p in row.posters if ok(p, row.item))
        if ok(row.item, row.item):
            out.append(Row(row.item, posters if (kinds or orgs) else row.posters))
        elif posters:
            out.append(Row(row.item, posters))
    return out


# ---------------------------------------------------------------- my agenda


def pick(items: Iterable[Item], ids: Iterable[str]) -> list[Item]:
    """The items with these ids (unknown ids are skipped), scheduled ones by time, then posters."""
    by_id = {i.id: i for i in items}
    chosen = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
    return sorted((i for i in chosen if i.start), key=_order) + [i for i in chosen if not i.start]


def conflicts(items: Sequence[Item]) -> list[tuple[Item, Item]]:
    """Pairs of timed items whose slots overlap (touching ends do not), in time order."""
    timed = sorted((i for i in items if i.start), key=_order)
    out = []
    for n, a in enumerate(timed):
        a_end = a.end_dt or a.start_dt
        for b in timed[n + 1 :]:
            if b.start_dt >= a_end:
                break
            out.append((a, b))
    return out


def parse_ids(text: str | None) -> list[str]:
    """Item ids from a comma / space / newline separated string (what the browser stores), deduplicated."""
    return list(dict.fromkeys(t for t in re.split(r"[\s,]+", text or "") if t))


# ---------------------------------------------------------------- iCalendar


def _people(item: Item) -> str:
    return ", ".join(f"{p.name} ({p.org})" if p.org else p.name for p in item.people)


def _zoned(dt: datetime | None) -> datetime | None:
    """The same instant in an IANA zone calendar programs know: Etc/GMT+7 for a -07:00 offset
    (whole-hour offsets; others keep their fixed offset)."""
    if dt is None or dt.tzinfo is None or getattr(dt.tzinfo, "key", None):
        return dt
    from zoneinfo import ZoneInfo

    minutes = int(dt.utcoffset().total_seconds() // 60)
    if minutes % 60:
        return dt
    hours = -minutes // 60
    return dt.astimezone(ZoneInfo("Etc/GMT" if hours == 0 else f"Etc/GMT{hours:+d}"))


def to_ics(items: Sequence[Item], all_items: Sequence[Item] | None = None, domain: str = "talks.local") -> bytes:
    """An iCalendar file with one VEVENT per item. DTSTART/DTEND carry the event's own UTC offset (a
    VTIMEZONE is written for it); a poster, which has no slot, is placed in the first poster session and
    its description lists every window. LOCATION is the item's, else the event's venue. UIDs are stable
    per item id."""
    from icalendar import Calendar, Event

    everything = list(all_items if all_items is not None else items)
    sessions = poster_sessions(everything)
    venue = next((i.location for i in everything if i.kind == "event" and i.location), "")
    cal = Calendar()
    cal.add("prodid", "-//talks//agenda//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    events = sorted({i.event for i in items if i.event})
    if events:
        cal.add("x-wr-calname", f"My agenda: {', '.join(events)}")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for item in items:
        if item.kind == "event":
            continue
        start, end = item.start_dt, item.end_dt
        desc = []
        if item.people:
            desc.append(_people(item))
        if not start and item.kind == "poster" and sessions:
            start, end = sessions[0].start_dt, sessions[0].end_dt
            desc.append(f"Poster, shown during the poster sessions: {windows_text(sessions)}")
        if not start:
            continue  # nothing to put on a calendar
        if item.abstract:
            desc.append(item.abstract)
        ev = Event()
        ev.add("uid", f"{item.id}@{domain}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", _zoned(start))
        ev.add("dtend", _zoned(end or start))
        ev.add("summary", item.title)
        if desc:
            ev.add("description", "\n\n".join(desc))
        if item.location or venue:
            ev.add("location", item.location or venue)
        if item.url:
            ev.add("url", item.url)
        ev.add("categories", [item.kind])
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()
