"""Hostile descriptions and records: the markup converter stays linear, one bad record never stops
an import (any exception is counted and named with its file)."""

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.markup import to_plain_text
from corpus.pyvideo import SKIP_FAILED, import_pyvideo

SIZE = 30_000  # characters per input; before the rewrite `[x](` x 7,500 took over a minute
FLOODS = [
    "[",
    "](",
    "[x](",
    "![",
    "**a ",
    "*a",
    "_a ",
    "__a b",
    "`",
    "``a",
    "<",
    "<a ",
    "<!--",
    "[x]",
    "[x][",
    "\\",
    "&amp",
    ":r:`",
    "`a <",
    "a_ ",
    "[1]",
    "<http:",
    ".. ",
    "\n.. x::\n",
    "| a |",
    "\n# a",
    " ",
    "<script>",
    "<style>",
    "\n",
    "  x\n",
    "- ",
    "| ",
    "a.",
    '[a](b "',
    "_a b",
    "\n   .. note:: x",
    "\n.. [1] x\n   ",
    "# " + " " * 50,
    "a" + " " * 50 + "::",
    "- " * 50 + "x\n",
]


def test_every_flood_converts_in_linear_time():
    slow = {}
    for unit in FLOODS:
        text = (unit * (SIZE // len(unit) + 1))[:SIZE]
        t = time.perf_counter()
        to_plain_text(text)
        took = time.perf_counter() - t
        if took > 2.0:
            slow[unit] = round(took, 2)
    assert not slow, slow


def test_deeply_nested_directives_do_not_recurse_without_bound():
    text = "".join("   " * i + ".. note:: level\n" for i in range(400))
    t = time.perf_counter()
    out = to_plain_text(text)
    assert "level" in out and time.perf_counter() - t < 5


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]()!*_`<>:|#.-\\ \n\taxyz=&\"'/")), max_size=300))
def test_any_markup_gives_text(text):
    out = to_plain_text(text)
    assert isinstance(out, str) and len(out) <= len(text) + 50


def _video(title, **extra):
    return json.dumps({"title": title, "speakers": ["Ada"], "recorded": "2020-01-02", **extra})


def test_adversarial_records_are_counted_and_named(tmp_path):
    videos = tmp_path / "ev" / "videos"
    videos.mkdir(parents=True)
    (tmp_path / "ev" / "category.json").write_text('{"title": "Ev"}')
    (videos / "good.json").write_text(_video("A good talk", description="Words [x](http://a) **b**"))
    (videos / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (videos / "deep-dict.json").write_text('{"title": "T", "tags": ' + "[" * 50_000 + "]" * 50_000 + "}")
    (videos / "flood.json").write_text(_video("Flood", description="[" * 100_000))
    (videos / "types.json").write_text(
        json.dumps(
            {
                "title": ["list"],
                "speakers": {"a": 1},
                "recorded": 5,
                "videos": "x",
                "related_urls": 7,
                "tags": [1, None],
            }
        )
    )
    (videos / "huge-number.json").write_text('{"title": "N", "id": ' + "9" * 5000 + "}")
    (videos / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "deep-ev").mkdir()
    (tmp_path / "deep-ev" / "category.json").write_text("{" * 1 + '"title": ' + "[" * 100_000)
    t = time.perf_counter()
    result = import_pyvideo(tmp_path)
    took = time.perf_counter() - t
    titles = {i.title for i in result.items}
    assert "A good talk" in titles and "Flood" in titles
    assert took < 10, took
    assert sum(result.skipped.values()) + len(result.items) == 7
    assert all(".json" in f for f in result.failures)
    if result.skipped.get(SKIP_FAILED):
        assert len(result.failures) >= result.skipped[SKIP_FAILED]


def test_an_exception_in_one_record_never_stops_the_import(tmp_path, monkeypatch):
    import corpus.pyvideo as pv

    videos = tmp_path / "ev" / "videos"
    videos.mkdir(parents=True)
    for name in ("a", "boom", "c"):
        (videos / f"{name}.json").write_text(_video(f"Talk {name}"))
    real = pv._parse_video

    def flaky(data):
        if b"boom" in data:
            raise RecursionError("maximum recursion depth exceeded")
        return real(data)

    monkeypatch.setattr(pv, "_parse_video", flaky)
    result = import_pyvideo(tmp_path)
    assert [i.title for i in result.items] == ["Talk a", "Talk c"]
    assert result.skipped[SKIP_FAILED] == 1 and result.failures == [
        "ev/videos/boom.json: RecursionError: maximum recursion depth exceeded"
    ]


@pytest.mark.parametrize("payload", ["[" * 100_000, '{"a": ' * 50_000])
def test_deep_no_publish_is_a_clear_error(tmp_path, payload):
    from corpus.jsonl import CorpusError

    (tmp_path / "ev" / "videos").mkdir(parents=True)
    (tmp_path / "NO_PUBLISH.json").write_text(payload)
    with pytest.raises(CorpusError, match="NO_PUBLISH.json"):
        import_pyvideo(tmp_path)
