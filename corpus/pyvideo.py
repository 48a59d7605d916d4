"""Import pyvideo/data (https://github.com/pyvideo/data, CC0) as a corpus of talks.

The input is either the repository as a .tar.gz, read as a stream without unpacking it, or an
unpacked copy. Both hold `<event>/category.json` (the event's title) and one
`<event>/videos/<slug>.json` per talk (schema in `.schemas/video.json`). Archives list their
members in any order, so a talk can come before its event's title or before `NO_PUBLISH.json`:
records are collected first and finished once everything has been read.

Mapping, one item per talk:

- `id` is `<event folder>--<file name>` as slugs, kept in full so that the id leads back to the
  file and to pyvideo.org's own URL; where two names in one folder give the same slug (names in
  Hangul lose every letter) each gets a short hash of its file name, so ids never depend on the
  order files are read in.
- `abstract` is the description (reST, Markdown or plain text) as plain text, see
  `corpus.markup`; the summary, then the non-standard `abstract` field, stand in when it is empty.
- `people` are the speakers (role "speaker"; pyvideo has no affiliations, so `org` is empty).
- `start` comes from `recorded`. pyvideo mostly records the day only, with no time of day and no
  time zone (21,265 of 21,715 talks), so a date becomes midnight UTC,
  `YYYY-MM-DDT00:00:00+00:00`: it stands for the day, not an instant. A time with a UTC offset
  (236 talks) is kept as written; a time without one (213 talks) cannot be placed on the
  timeline, so only its date is kept and the item's `fixes` say so. One talk has no date and
  gets no start. `end` is always None.
- `url` is the first video's URL, else the first related URL.

A record that cannot become an item is skipped and counted by reason in `ImportResult.skipped`
("invalid JSON", "not a JSON object", "no title", "not published", "duplicate", "failed"); one bad
record never stops the import: any exception while reading one (a nesting too deep for the JSON
parser, a type nobody expected) is counted as "failed" and named, with its file, in
`ImportResult.failures`. "not published" honours `NO_PUBLISH.json`, the ids of videos whose
speakers asked for them not to be republished. "duplicate" is a talk with the same video URL as
one already imported and a title that contains the other's or is contained in it (files are taken
in sorted path order): pyvideo has recordings filed twice, in one event or in two (43 of the 73
files in euroscipy-2018/ are euroscipy-2017 talks, their titles prefixed "EuroSciPy 2017: ").
Copies whose titles were reworded ("Intro to Cython" / "Cython") are kept: the title test errs
on the side of keeping a talk.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import sys
import tarfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from tqdm import tqdm

from corpus.item import Item, Person, Source, unique, validate
from corpus.jsonl import CorpusError
from corpus.markup import to_plain_text
from corpus.normalize import clean_text, slugify, squash

__all__ = ["ImportResult", "import_pyvideo"]

NO_PUBLISH = "NO_PUBLISH.json"
_NO_CUT = 1000  # slug length limit high enough never to cut a file name (cuts make collisions)
_RECORDED = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
    r"(Z|[+-]\d{2}:?\d{2})?)?$"
)

SKIP_INVALID_JSON = "invalid JSON"
SKIP_NOT_OBJECT = "not a JSON object"
SKIP_NO_TITLE = "no title"
SKIP_NOT_PUBLISHED = "not published"
SKIP_DUPLICATE = "duplicate"
SKIP_INVALID_ITEM = "invalid item"
SKIP_FAILED = "failed"


@dataclass(frozen=True)
class ImportResult:
    """What an import produced: the items in path order, how many events they come from, and
    how many records were left out, by reason."""

    items: list[Item]
    events: int
    skipped: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # "<event>/videos/<file>: <error>" per failed record


def import_pyvideo(path: Path | str, events: Iterable[str] | None = None, progress: bool = False) -> ImportResult:
    """Import pyvideo/data from a .tar.gz archive or an unpacked folder.

    `events` limits the import to these event folder names (e.g. "pycon-us-2019"); an unknown
    name raises `CorpusError` naming it and suggesting valid ones. `progress` shows a bar on
    stderr. A missing or unreadable path raises `CorpusError`.
    """
    path = Path(path)
    wanted = _wanted_events(events)
    if path.is_dir():
        available = _folder_events(path)
        _check_events(path, wanted, available)
        members = _read_folder(path, wanted, progress)
    elif path.is_file():
        available = None  # known only once the whole archive has been read
        members = _read_archive(path, wanted, progress)
    else:
        raise CorpusError(
            path, [f"no such file or folder: {path} (give pyvideo-data.tar.gz or an unpacked pyvideo/data folder)"]
        )
    collector = _Collector(path)
    for member in members:
        collector.add(member)
    if available is None:
        available = collector.seen_events
        _check_events(path, wanted, available)
    if not available:
        raise CorpusError(
            path,
            [
                "no pyvideo event folders found: expected <event>/category.json "
                "and <event>/videos/<talk>.json, as in github.com/pyvideo/data"
            ],
        )
    return collector.result()


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Member:
    """One file of interest: `kind` is "category", "video" or "no_publish". `data` is None for a
    file of an event the filter leaves out: it is listed, so that the filter can be checked
    against every folder, but not read."""

    kind: str
    event: str
    name: str
    data: bytes | None


def _classify(parts: tuple[str, ...]) -> tuple[str, str, str] | None:
    """(kind, event, file name) for a path inside pyvideo/data, or None for other files
    (README, tools/, .schemas/...)."""
    if parts == (NO_PUBLISH,):
        return "no_publish", "", NO_PUBLISH
    if not parts or parts[0].startswith("."):
        return None
    if len(parts) == 2 and parts[1] == "category.json":
        return "category", parts[0], parts[1]
    if len(parts) == 3 and parts[1] == "videos" and parts[2].endswith(".json"):
        return "video", parts[0], parts[2]
    return None


def _wanted_events(events: Iterable[str] | str | None) -> set[str] | None:
    """The event filter as a set; None (or nothing given) means every event."""
    if events is None:
        return None
    if isinstance(events, str):
        events = events.split(",")
    names = {e.strip() for e in events if e and e.strip()}
    return names or None


def _check_events(path: Path, wanted: set[str] | None, available: set[str]) -> None:
    """Raise CorpusError for each requested event that is not a folder in the data."""
    if not wanted or not available:
        return
    unknown = sorted(wanted - available)
    if not unknown:
        return
    problems = []
    for name in unknown:
        close = difflib.get_close_matches(name, sorted(available), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        problems.append(
            f"unknown event {name!r}: no such event folder{hint} "
            f"(valid names include {', '.join(sorted(available)[:5])}, "
            f"{len(available)} in all)"
        )
    raise CorpusError(path, problems)


def _folder_events(root: Path) -> set[str]:
    """Event folders of an unpacked copy: those with a category.json or a videos/ folder."""
    return {
        d.name
        for d in root.iterdir()
        if d.is_dir() and not d.name.startswith(".") and ((d / "category.json").is_file() or (d / "videos").is_dir())
    }


def _read_folder(root: Path, wanted: set[str] | None, progress: bool) -> Iterator[_Member]:
    """Members of an unpacked copy, in sorted order."""
    if (root / NO_PUBLISH).is_file():
        yield _Member("no_publish", "", NO_PUBLISH, (root / NO_PUBLISH).read_bytes())
    folders = sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))
    folders = [d for d in folders if wanted is None or d.name in wanted]
    for folder in folders:
        if (folder / "category.json").is_file():
            yield _Member("category", folder.name, "category.json", (folder / "category.json").read_bytes())
    videos = [
        f for d in folders if (d / "videos").is_dir() for f in sorted((d / "videos").glob("*.json")) if f.is_file()
    ]
    for file in tqdm(videos, desc="pyvideo", unit="talk", file=sys.stderr, disable=not progress):
        yield _Member("video", file.parent.parent.name, file.name, file.read_bytes())


def _read_archive(path: Path, wanted: set[str] | None, progress: bool) -> Iterator[_Member]:
    """Members of a tar archive (any compression tarfile knows), read as a stream.

    The progress bar counts compressed bytes, the only total known before the end."""
    with (
        path.open("rb") as raw,
        tqdm(
            total=path.stat().st_size, desc="pyvideo", unit="B", unit_scale=True, file=sys.stderr, disable=not progress
        ) as bar,
    ):
        try:
            archive = tarfile.open(fileobj=raw, mode="r|*")
        except tarfile.TarError as exc:
            raise CorpusError(
                path, [f"not a tar archive ({exc}); give pyvideo-data.tar.gz or an unpacked pyvideo/data folder"]
            ) from exc
        try:
            with archive:
                for info in archive:
                    bar.update(raw.tell() - bar.n)
                    member = _archive_member(archive, info, wanted)
                    if member is not None:
                        yield member
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise CorpusError(path, [f"cannot read the archive: {exc} (is it complete?)"]) from exc
        bar.update(bar.total - bar.n)


def _archive_member(archive: tarfile.TarFile, info: tarfile.TarInfo, wanted: set[str] | None) -> _Member | None:
    """The member for one archive entry, or None when it is not a pyvideo file we use."""
    if not info.isfile():
        return None
    parts = tuple(p for p in PurePosixPath(info.name).parts if p not in (".", "/"))
    found = _classify(parts)
    if found is None:
        return None
    kind, event, name = found
    if wanted is not None and kind != "no_publish" and event not in wanted:
        return _Member(kind, event, name, None)
    fh = archive.extractfile(info)
    return _Member(kind, event, name, fh.read() if fh else b"")


# ---------------------------------------------------------------- mapping


@dataclass(frozen=True)
class _Talk:
    """The parts of one talk that do not depend on other files."""

    title: str
    abstract: str
    people: tuple[Person, ...]
    start: str | None
    tags: tuple[str, ...]
    url: str
    fixes: tuple[str, ...]
    video_id: int | None


@dataclass(frozen=True)
class _Record:
    """One video file: its talk, or why it has none."""

    event: str
    name: str
    talk: _Talk | None
    reason: str = ""


class _Collector:
    """Gathers members in whatever order they arrive; `result()` finishes the items."""

    def __init__(self, path: Path):
        self.path = path
        self.titles: dict[str, str | None] = {}
        self.records: list[_Record] = []
        self.no_publish: frozenset[int] = frozenset()
        self.seen_events: set[str] = set()
        self.failures: list[str] = []

    def add(self, member: _Member) -> None:
        if member.kind == "no_publish":
            self.no_publish = _no_publish_ids(self.path, member.data or b"")
            return
        self.seen_events.add(member.event)
        if member.data is None:
            return
        if member.kind == "category":
            try:
                self.titles[member.event] = _event_title(member.data)
            except Exception as exc:  # noqa: BLE001 - one bad file never stops the import
                self.titles[member.event] = None
                self.failures.append(f"{member.event}/category.json: {_why(exc)}")
        else:
            try:
                talk = _parse_video(member.data)
            except Exception as exc:  # noqa: BLE001 - one bad file never stops the import
                talk = SKIP_FAILED
                self.failures.append(f"{member.event}/videos/{member.name}: {_why(exc)}")
            if isinstance(talk, str):
                self.records.append(_Record(member.event, member.name, None, talk))
            else:
                self.records.append(_Record(member.event, member.name, talk))

    def result(self) -> ImportResult:
        records = sorted(self.records, key=lambda r: (r.event, r.name))
        ids = _item_ids([(r.event, r.name) for r in records])
        items: list[Item] = []
        events: set[str] = set()
        skipped: Counter[str] = Counter()
        used_ids: set[str] = set()
        titles_by_url: dict[str, list[str]] = {}
        for record in records:
            talk, item_id = record.talk, ids[(record.event, record.name)]
            try:
                reason = self._skip_reason(record, item_id in used_ids, titles_by_url)
                item = None if reason else self._item(record, talk, item_id)
                if item is not None and validate(item.to_dict()):  # a safety net, never seen to trip
                    reason = SKIP_INVALID_ITEM
            except Exception as exc:  # noqa: BLE001 - one bad record never stops the import
                reason = SKIP_FAILED
                self.failures.append(f"{record.event}/videos/{record.name}: {_why(exc)}")
            if reason:
                skipped[reason] += 1
                continue
            used_ids.add(item_id)
            if talk.url:
                titles_by_url.setdefault(talk.url, []).append(_title_words(talk.title))
            items.append(item)
            events.add(record.event)
        return ImportResult(items=items, events=len(events), skipped=skipped, failures=list(self.failures))

    def _skip_reason(self, record: _Record, id_taken: bool, titles_by_url: dict[str, list[str]]) -> str:
        """Why this record is left out, or "" to keep it."""
        talk = record.talk
        if talk is None:
            return record.reason
        if talk.video_id is not None and talk.video_id in self.no_publish:
            return SKIP_NOT_PUBLISHED
        if id_taken or _is_duplicate(talk, titles_by_url):
            return SKIP_DUPLICATE
        return ""

    def _item(self, record: _Record, talk: _Talk, item_id: str) -> Item:
        title = self.titles.get(record.event)
        fixes = talk.fixes
        if not title:
            why = "is missing" if record.event not in self.titles else "has no usable title"
            fixes = (*fixes, f"event title taken from the folder name: category.json {why}")
        return Item(
            id=item_id,
            kind="talk",
            title=talk.title,
            abstract=talk.abstract,
            people=talk.people,
            orgs=(),
            start=talk.start,
            end=None,
            event=title or record.event,
            source=Source(f"{record.event}/videos/{record.name}", 1),
            tags=talk.tags,
            url=talk.url,
            fixes=fixes,
        )


def _clean(text: str) -> str:
    """`clean_text` for the strings that need it. Its character map touches only non-ASCII
    characters, and every caller squashes or strips lines afterwards, so ASCII text (most of
    it) can skip a pass that costs a tenth of the import."""
    return text if text.isascii() else clean_text(text)


def _title_words(title: str) -> str:
    """A title as "-word-word-", so that one title can be looked for inside another."""
    return f"-{slugify(title, _NO_CUT)}-"


def _is_duplicate(talk: _Talk, titles_by_url: dict[str, list[str]]) -> bool:
    """True when an imported talk has the same video URL and a title that contains this one's
    words or is contained in them ("Keras" and "EuroSciPy 2017: Keras"; "What's new in Python
    3.7" and "Stephane Wirtel - What's new in Python 3 7").

    A shared URL alone is not enough: pyvideo files several talks of one long recording under
    the recording's URL, each with its own title."""
    if not talk.url or talk.url not in titles_by_url:
        return False
    words = _title_words(talk.title)
    return any(words in kept or kept in words for kept in titles_by_url[talk.url])


def _no_publish_ids(path: Path, data: bytes) -> frozenset[int]:
    """The video ids in NO_PUBLISH.json. An unreadable list stops the import: publishing talks
    whose speakers opted out is worse than publishing nothing."""
    try:
        ids = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise CorpusError(path, [f"{NO_PUBLISH}: not valid JSON ({_why(exc)})"]) from exc
    if not isinstance(ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) or isinstance(i, str) and i.isdigit() for i in ids
    ):
        raise CorpusError(path, [f"{NO_PUBLISH}: expected a JSON list of integer video ids, got {str(ids)[:80]}"])
    return frozenset(int(i) for i in ids)


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__


def _event_title(data: bytes) -> str | None:
    """The event title from category.json, or None when the file does not give one."""
    try:
        category = json.loads(data)
    except ValueError:
        return None
    title = category.get("title") if isinstance(category, dict) else None
    if not isinstance(title, str):
        return None
    return squash(_clean(title)) or None


def _parse_video(data: bytes) -> _Talk | str:
    """One video record as a talk, or the reason it cannot be one."""
    try:
        record = json.loads(data)
    except ValueError:  # also bytes that are not UTF-8
        return SKIP_INVALID_JSON
    if not isinstance(record, dict):
        return SKIP_NOT_OBJECT
    title = record.get("title")
    title = squash(_clean(title)) if isinstance(title, str) else ""
    if not title:
        return SKIP_NO_TITLE
    fixes: list[str] = []
    people = _speakers(record.get("speakers"), fixes)
    start = _start(record.get("recorded"), fixes)
    video_id = record.get("id")
    return _Talk(
        title=title,
        abstract=_abstract(record),
        people=people,
        start=start,
        tags=_tags(record.get("tags")),
        url=_url(record),
        fixes=tuple(fixes),
        video_id=video_id if isinstance(video_id, int) and not isinstance(video_id, bool) else None,
    )


def _abstract(record: dict) -> str:
    """Plain text of the first non-empty description, summary or (non-standard) abstract."""
    for key in ("description", "summary", "abstract"):
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            text = to_plain_text(_clean(value))
            if text:
                return text
    return ""


def _speakers(value: object, fixes: list[str]) -> tuple[Person, ...]:
    """Speakers as people; empty names are dropped (and noted), repeats kept once."""
    if value is None:
        return ()
    if not isinstance(value, list):
        fixes.append(f"ignored speakers {str(value)[:60]!r}: not a list of names")
        return ()
    names = [squash(_clean(v)) if isinstance(v, str) else "" for v in value]
    dropped = sum(1 for n in names if not n)
    if dropped:
        fixes.append(f"dropped {dropped} empty speaker name(s)")
    return tuple(Person(name=n, org="", role="speaker") for n in unique(n for n in names if n))


def _tags(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return unique(t for t in (squash(_clean(v)) for v in value if isinstance(v, str)) if t)


def _url(record: dict) -> str:
    """The first video's URL, else the first related URL (a string or {"label", "url"})."""
    for video in record.get("videos") or ():
        if isinstance(video, dict) and isinstance(video.get("url"), str) and video["url"].strip():
            return video["url"].strip()
    for related in record.get("related_urls") or ():
        url = related.get("url") if isinstance(related, dict) else related
        if isinstance(url, str) and url.strip():
            return url.strip()
    return ""


def _start(recorded: object, fixes: list[str]) -> str | None:
    """`recorded` as an ISO 8601 start with a UTC offset; see the module docstring for why a
    date becomes midnight UTC."""
    if recorded is None or recorded == "":
        return None
    match = _RECORDED.match(recorded.strip()) if isinstance(recorded, str) else None
    if match is None:
        fixes.append(f"ignored recorded {recorded!r}: not a YYYY-MM-DD date")
        return None
    day, time_of_day, offset = match.groups()
    try:
        if time_of_day and offset:
            return datetime.fromisoformat(recorded.strip().replace(" ", "T")).isoformat()
        start = date.fromisoformat(day)
    except ValueError:
        fixes.append(f"ignored recorded {recorded!r}: not a valid date")
        return None
    if time_of_day:
        fixes.append(f"recorded {recorded!r} has no UTC offset; kept the date only")
    return f"{start.isoformat()}T00:00:00+00:00"


def _item_ids(keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Item ids for (event folder, file name) pairs: `<event>--<file>` as slugs, with a hash of
    the file name added to every name whose slug another name in the folder shares."""
    base = {key: f"{slugify(key[0], _NO_CUT)}--{slugify(key[1].removesuffix('.json'), _NO_CUT)}" for key in keys}
    counts = Counter(base.values())
    return {
        key: (f"{value}-{hashlib.sha1(key[1].encode()).hexdigest()[:8]}" if counts[value] > 1 else value)
        for key, value in base.items()
    }
