"""Importing pyvideo/data: the field mapping, skipped records counted by reason, the event filter,
archive and folder giving the same corpus, and descriptions turned into plain text."""

import io
import json
import random
import re
import tarfile
from pathlib import Path

import pytest

from corpus.item import ID_PATTERN, Item
from corpus.jsonl import CorpusError, load_items, write_items
from corpus.markup import to_plain_text
from corpus.pyvideo import ImportResult, import_pyvideo
from eval import PYVIDEO_ARCHIVE as ARCHIVE


RST_DESCRIPTION = """\
Overview
========

Read `the guide <https://example.org/guide>`_ and **mind** the ``*args``.

.. image:: https://example.org/pic.png
   :alt: a picture

-  first point
   continued
-  second point
"""

MD_DESCRIPTION = """\
## Why

See [the slides](https://example.org/slides) and *this*.

* one
* two
"""


def video(title, **fields):
    url = "https://youtu.be/" + re.sub(r"\W+", "-", title)
    record = {
        "title": title,
        "description": "",
        "speakers": [],
        "recorded": "2020-05-01",
        "videos": [{"type": "youtube", "url": url}],
    }
    record.update(fields)
    return record


# path inside the data -> file content (a dict or list is written as JSON, a str as it is)
FILES = {
    "NO_PUBLISH.json": [999],
    "README.rst": "pyvideo/data\n============\n",
    ".schemas/video.json": {"title": "schema, not an event"},
    "tools/helper.py": "print('not data')\n",
    "conf-a/category.json": {"title": "  Conf  A 2020 "},
    "conf-a/videos/rst-talk.json": video(
        "  Talk   One ",
        description=RST_DESCRIPTION,
        speakers=["Ada Lovelace", "", "Ada Lovelace"],
        tags=["python", " ", "python", "web"],
        recorded="2020-05-01",
        videos=[{"type": "youtube", "url": "https://youtu.be/one"}],
        related_urls=["https://example.org/related"],
    ),
    "conf-a/videos/md-talk.json": video(
        "Markdown talk",
        description=MD_DESCRIPTION,
        speakers=["Grace Hopper", "Alan Turing"],
        recorded="2020-05-02T10:30:00+02:00",
        videos=[],
        related_urls=[{"label": "slides", "url": "https://example.org/md"}],
    ),
    "conf-a/videos/summary-only.json": video(
        "Summary only", description="", summary="A *plain* summary.", recorded="2020-05-03T09:00:00"
    ),
    "conf-a/videos/no-title.json": video("   "),
    "conf-a/videos/broken.json": '{"title": "Broken", ',
    "conf-a/videos/a-list.json": [1, 2],
    "conf-a/videos/opted-out.json": video("Opted out", id=999),
    "conf-a/videos/talk-one-again.json": video(
        "Conf A 2020: Talk One", videos=[{"type": "youtube", "url": "https://youtu.be/one"}]
    ),
    "conf-a/videos/same-video-other-talk.json": video(
        "Another segment", videos=[{"type": "youtube", "url": "https://youtu.be/one"}]
    ),
    "conf-b/videos/Café Talk.json": video("Café talk", recorded="sometime in May"),
    "conf-b/videos/파이썬.json": video("파이썬 소개"),
    "conf-b/videos/한국어.json": video("한국어 처리"),
}
EXPECTED_SKIPS = {"no title": 1, "invalid JSON": 1, "not a JSON object": 1, "not published": 1, "duplicate": 1}
IMPORTED = len([p for p in FILES if "/videos/" in p]) - sum(EXPECTED_SKIPS.values())


def content(value) -> bytes:
    return (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)).encode()


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "data"
    for rel, value in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content(value))
    return root


def make_archive(path: Path, files: dict, order: list[str] | None = None) -> Path:
    """A .tar.gz laid out like the real one ("./event/videos/x.json"), members in `order`."""
    with tarfile.open(path, "w:gz") as tar:
        for rel in order or list(files):
            data = content(files[rel])
            info = tarfile.TarInfo("./" + rel)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def archive(tmp_path) -> Path:
    # Videos before their category.json, NO_PUBLISH.json last: the order is not to be relied on.
    order = sorted(
        FILES,
        key=lambda p: (p == "NO_PUBLISH.json", p.endswith("category.json"), p),
    )
    return make_archive(tmp_path / "data.tar.gz", FILES, order)


def by_file(result: ImportResult) -> dict[str, Item]:
    return {item.source.file: item for item in result.items}


# ---------------------------------------------------------------- mapping


def test_rst_talk_mapping(tree):
    item = by_file(import_pyvideo(tree))["conf-a/videos/rst-talk.json"]
    assert item.id == "conf-a--rst-talk"
    assert item.kind == "talk"
    assert item.title == "Talk One"
    assert item.event == "Conf A 2020"
    assert item.abstract == (
        "Overview\n\nRead the guide and mind the *args.\n\n- first point\ncontinued\n- second point"
    )
    assert [(p.name, p.org, p.role) for p in item.people] == [("Ada Lovelace", "", "speaker")]
    assert item.orgs == ()
    assert item.start == "2020-05-01T00:00:00+00:00" and item.end is None
    assert item.tags == ("python", "web")
    assert item.url == "https://youtu.be/one"
    assert (item.source.file, item.source.line) == ("conf-a/videos/rst-talk.json", 1)
    assert item.fixes == ("dropped 1 empty speaker name(s)",)


def test_markdown_talk_keeps_time_with_offset_and_falls_back_to_related_url(tree):
    item = by_file(import_pyvideo(tree))["conf-a/videos/md-talk.json"]
    assert item.abstract == "Why\n\nSee the slides and this.\n\n- one\n- two"
    assert item.names("speaker") == ["Grace Hopper", "Alan Turing"]
    assert item.start == "2020-05-02T10:30:00+02:00"
    assert item.start_dt.utcoffset().total_seconds() == 7200
    assert item.url == "https://example.org/md"
    assert item.fixes == ()


def test_summary_stands_in_for_empty_description_and_naive_time_keeps_the_date(tree):
    item = by_file(import_pyvideo(tree))["conf-a/videos/summary-only.json"]
    assert item.abstract == "A plain summary."
    assert item.start == "2020-05-03T00:00:00+00:00"
    assert any("no UTC offset" in fix and "2020-05-03T09:00:00" in fix for fix in item.fixes)


def test_event_without_category_uses_folder_name_and_bad_date_is_dropped(tree):
    item = by_file(import_pyvideo(tree))["conf-b/videos/Café Talk.json"]
    assert item.id == "conf-b--cafe-talk"
    assert item.event == "conf-b"
    assert item.start is None
    assert any("category.json is missing" in fix for fix in item.fixes)
    assert any("sometime in May" in fix for fix in item.fixes)


def test_names_that_slug_alike_get_distinct_stable_ids(tree, archive):
    ids = sorted(
        i.id
        for i in import_pyvideo(tree).items
        if "/videos/" in i.source.file and i.source.file.startswith("conf-b/") and "Caf" not in i.source.file
    )
    assert len(ids) == 2 and ids[0] != ids[1]
    assert all(re.fullmatch(r"conf-b--item-[0-9a-f]{8}", i) for i in ids)
    assert ids == sorted(
        i.id for i in import_pyvideo(archive, events=["conf-b"]).items if i.id.startswith("conf-b--item-")
    )


def test_skipped_records_are_counted_by_reason(tree):
    result = import_pyvideo(tree)
    assert dict(result.skipped) == EXPECTED_SKIPS
    assert len(result.items) == IMPORTED
    files = set(by_file(result))
    assert "conf-a/videos/opted-out.json" not in files  # NO_PUBLISH.json lists id 999
    assert "conf-a/videos/talk-one-again.json" not in files  # same video, title contains "Talk One"
    assert "conf-a/videos/same-video-other-talk.json" in files  # same video, different talk
    assert result.events == 2


def test_items_are_valid_unique_and_survive_a_jsonl_round_trip(tree, tmp_path):
    items = import_pyvideo(tree).items
    assert len({i.id for i in items}) == len(items)
    assert all(ID_PATTERN.match(i.id) for i in items)
    out = tmp_path / "pyvideo.jsonl"
    write_items(out, items)
    assert load_items(out) == items


@pytest.mark.parametrize(
    "recorded, start, fix",
    [
        ("2019-05-03", "2019-05-03T00:00:00+00:00", None),
        ("2017-10-05T09:20:00+13:00", "2017-10-05T09:20:00+13:00", None),
        ("2017-10-05T09:20:00Z", "2017-10-05T09:20:00+00:00", None),
        ("2019-05-03T09:00:00", "2019-05-03T00:00:00+00:00", "no UTC offset"),
        ("2019-02-30", None, "not a valid date"),
        ("May 2019", None, "not a YYYY-MM-DD date"),
        (20190503, None, "not a YYYY-MM-DD date"),
        (None, None, None),
    ],
)
def test_recorded_becomes_start(tmp_path, recorded, start, fix):
    (tmp_path / "ev" / "videos").mkdir(parents=True)
    (tmp_path / "ev" / "videos" / "t.json").write_text(json.dumps(video("T", recorded=recorded)))
    item = import_pyvideo(tmp_path).items[0]
    assert item.start == start and item.end is None
    date_fixes = [f for f in item.fixes if "recorded" in f]
    assert (fix is None and not date_fixes) or (fix is not None and fix in date_fixes[0])


# ---------------------------------------------------------------- archive vs folder, filter, errors


def test_archive_and_folder_give_the_same_result(tree, archive):
    assert import_pyvideo(archive) == import_pyvideo(tree)


def test_archive_member_order_does_not_matter(tmp_path):
    order = list(FILES)
    random.Random(7).shuffle(order)
    shuffled = make_archive(tmp_path / "shuffled.tar.gz", FILES, order)
    reverse = make_archive(tmp_path / "reverse.tar.gz", FILES, order[::-1])
    assert import_pyvideo(shuffled) == import_pyvideo(reverse)
    assert dict(import_pyvideo(shuffled).skipped) == EXPECTED_SKIPS


@pytest.mark.parametrize("source", ["tree", "archive"])
def test_event_filter_keeps_only_named_folders(source, request):
    result = import_pyvideo(request.getfixturevalue(source), events=["conf-b"])
    assert {i.source.file.split("/")[0] for i in result.items} == {"conf-b"}
    assert len(result.items) == 3 and result.events == 1
    assert dict(result.skipped) == {}


@pytest.mark.parametrize("source", ["tree", "archive"])
def test_unknown_event_names_it_and_suggests_valid_ones(source, request):
    with pytest.raises(CorpusError) as err:
        import_pyvideo(request.getfixturevalue(source), events=["conf-a", "conf-c"])
    message = str(err.value)
    assert "'conf-c'" in message and "did you mean" in message
    assert "conf-a" in message and "conf-b" in message
    assert "tools" not in message.split("did you mean")[1]  # not an event folder


def test_missing_path_raises_corpus_error(tmp_path):
    with pytest.raises(CorpusError, match="no such file or folder"):
        import_pyvideo(tmp_path / "nowhere.tar.gz")


def test_file_that_is_not_an_archive_raises_corpus_error(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("just text\n")
    with pytest.raises(CorpusError, match="not a tar archive"):
        import_pyvideo(bogus)


def test_truncated_archive_raises_corpus_error(archive, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CorpusError, match="cannot read the archive"):
        import_pyvideo(cut)


def test_folder_without_events_raises_corpus_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no pyvideo event folders"):
        import_pyvideo(tmp_path / "empty")


def test_unreadable_no_publish_list_stops_the_import(tree):
    (tree / "NO_PUBLISH.json").write_text('{"ids": [999]}')
    with pytest.raises(CorpusError, match="NO_PUBLISH.json"):
        import_pyvideo(tree)


def test_progress_bar_goes_to_stderr_only_when_asked(archive, capsys):
    import_pyvideo(archive, progress=False)
    assert capsys.readouterr().err == ""
    import_pyvideo(archive, progress=True)
    captured = capsys.readouterr()
    assert "pyvideo" in captured.err and captured.out == ""


# ---------------------------------------------------------------- markup


@pytest.mark.parametrize(
    "markup, plain",
    [
        ("See [the docs](https://x.org) now.", "See the docs now."),
        ("An ![image](a.png) here.", "An here."),
        ("Read `the guide <https://g.org>`_ or `other <https://o.org>`__.", "Read the guide or other."),
        ("Use `Ansible`_ and Ansible_.\n\n.. _Ansible: http://a.com", "Use Ansible and Ansible."),
        ("Title\n=====\n\nBody", "Title\n\nBody"),
        ("=====\nTitle\n=====\nBody", "Title\n\nBody"),
        ("Sub\n~~~\nBody", "Sub\n\nBody"),
        ("# Heading\nBody", "Heading\n\nBody"),
        ("**bold**, *em*, ``code``, `code`", "bold, em, code, code"),
        ("``**kwargs`` and __init__ and _private_", "**kwargs and __init__ and _private_"),
        ("2 * 3 * 4 and a*b*c", "2 * 3 * 4 and a*b*c"),
        (".. image:: x.png\n   :alt: alt\n\nAfter", "After"),
        (".. note:: Careful\n\n   More care.\n\nNext", "Careful\n\nMore care.\n\nNext"),
        (".. code-block:: python\n\n    x = 1\n\nDone", "x = 1\n\nDone"),
        (".. a comment\n   over two lines\n\nKept", "Kept"),
        ("Code::\n\n    x = 1", "Code:\n\nx = 1"),
        ("-  one\n*  two\n+ three\n\u2022 four", "- one\n- two\n- three\n- four"),
        ("<p>Hi <b>there</b><br>you &amp; me</p>", "Hi there\nyou & me"),
        ("List<String> and a < b", "List<String> and a < b"),
        ("[Slides][1]\n\n[1]: http://s.org", "Slides"),
        ("<https://auto.link>", "https://auto.link"),
        ("Water is H\\ :sub:`2`\\ O and \\*literal\\*", "Water is H2O and *literal*"),
        ("a\r\n\r\n\r\n\r\nb   c", "a\n\nb c"),
        ("+-----+-----+\n| a   | b   |\n+=====+=====+", "a | b"),
        ("", ""),
        (None, ""),
    ],
)
def test_markup_to_plain_text(markup, plain):
    assert to_plain_text(markup) == plain


# ---------------------------------------------------------------- the real archive


@pytest.mark.skipif(not ARCHIVE.is_file(), reason=f"{ARCHIVE} not present")
def test_real_archive_two_events():
    """pyohio-2014 holds a talk listed in NO_PUBLISH.json, which comes mid-archive."""
    events = ["pycon-ie-2016", "pyohio-2014"]
    with tarfile.open(ARCHIVE) as tar:
        files = [
            m.name
            for m in tar.getmembers()
            if re.fullmatch(r"\./(pycon-ie-2016|pyohio-2014)/videos/[^/]+\.json", m.name)
        ]
    result = import_pyvideo(ARCHIVE, events=events)
    assert result.events == 2
    assert dict(result.skipped) == {"not published": 1}
    assert len(result.items) == len(files) - 1 > 50
    assert {i.event for i in result.items} == {"PyCon Ireland 2016", "PyOhio 2014"}
    assert "pyohio-2014--diversity-in-tech" not in {i.id for i in result.items}
    for item in result.items:
        assert Item.from_dict(item.to_dict()) == item
        assert item.id.split("--")[0] in events
        assert re.fullmatch(r"20(16|14)-\d\d-\d\dT00:00:00\+00:00", item.start)
        assert item.url.startswith("http")
        assert "`_" not in item.abstract and "\n\n\n" not in item.abstract
    assert sum(bool(i.abstract) for i in result.items) > len(result.items) // 2
