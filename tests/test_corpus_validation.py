"""Corpus files that are not what they claim: every fault one clear problem with its line (never a
traceback), every field's type and size checked, ids exact, and the same file the same items however
its path is typed."""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import CorpusError, load_items
from corpus.item import MAX_CHARS, Item, ItemError

GOOD = {
    "id": "keynote",
    "kind": "talk",
    "title": "Opening keynote",
    "abstract": "Why search matters.",
    "people": [{"name": "Ada Lovelace", "org": "Analytical Engines", "role": "speaker"}],
}


def write_bytes(tmp_path, data: bytes):
    path = tmp_path / "c.jsonl"
    path.write_bytes(data)
    return path


def problems(tmp_path, data: bytes) -> str:
    with pytest.raises(CorpusError) as err:
        load_items(write_bytes(tmp_path, data))
    return str(err.value)


def test_invalid_utf8_names_byte_offset_and_line(tmp_path):
    good = json.dumps(GOOD).encode() + b"\n"
    bad = json.dumps({**GOOD, "id": "b", "title": "caf\udce9"}, ensure_ascii=False).encode("utf-8", "surrogateescape")
    msg = problems(tmp_path, good + bad + b"\n")
    assert "line 2: not valid UTF-8: byte 0xe9 at byte offset" in msg
    offset = int(msg.split("byte offset ")[1].split()[0])
    assert (good + bad)[offset] == 0xE9


def test_utf16_and_binary_files_are_refused_clearly(tmp_path):
    assert "UTF-16" in problems(tmp_path, json.dumps(GOOD).encode("utf-16"))
    msg = problems(tmp_path, os.urandom(3000) + b"\x00\xff")
    assert "line 1:" in msg and "Traceback" not in msg


@pytest.mark.parametrize(
    "row, field",
    [
        ({**GOOD, "people": [{"name": "A", "org": ["x"]}]}, "people[0].org"),
        ({**GOOD, "people": [{"name": "A", "org": 5}]}, "people[0].org"),
        ({**GOOD, "people": [{"name": "A", "bio": {"a": 1}}]}, "people[0].bio"),
        ({**GOOD, "people": [{"name": "A", "role": ["speaker"]}]}, "people[0].role"),
        ({**GOOD, "people": [{"name": "A", "bio_truncated": "yes"}]}, "people[0].bio_truncated"),
        ({**GOOD, "kind": ["talk"]}, "kind"),
        ({**GOOD, "id": 7}, "id"),
        ({**GOOD, "id": "keynote\n"}, "id"),
        ({**GOOD, "id": "a" * 500}, "id"),
        ({**GOOD, "title": "x" * (MAX_CHARS["title"] + 1)}, "title"),
        ({**GOOD, "abstract": "x" * (MAX_CHARS["abstract"] + 1)}, "abstract"),
        ({**GOOD, "title": "bad \ud800 surrogate"}, "title"),
        ({**GOOD, "people": [{"name": "Ada \udfff"}]}, "people[0].name"),
        ({**GOOD, "tags": ["t"] * 1000}, "tags"),
        ({**GOOD, "source": {"file": "x", "line": True}}, "source"),
    ],
)
def test_field_types_sizes_and_surrogates(row, field):
    with pytest.raises(ItemError) as err:
        Item.from_dict(row)
    assert field in [f for f, _ in err.value.problems], err.value.problems


@pytest.mark.parametrize(
    "line",
    [
        "[" * 100_000,
        '{"id": "a", "kind": "talk", "title": "t", "tags": ' + "[" * 50_000 + "]" * 50_000 + "}",
        '{"id": "a", "kind": "talk", "title": "t", "abstract": ' + "9" * 5000 + "}",
        '{"id": "a", "kind": "talk", "title": "t", "tags": [' + "[" * 500 + "]" * 500 + "]}",
    ],
)
def test_deep_nesting_and_huge_numbers_are_problems_not_crashes(tmp_path, line):
    msg = problems(tmp_path, line.encode() + b"\n")
    assert "line 1:" in msg and len(msg) < 2000


@pytest.mark.parametrize("key", ["tags", "fixes", "see_also", "orgs", "event", "url", "abstract", "start", "source"])
def test_null_optional_fields_load_as_empty(key):
    item = Item.from_dict({**GOOD, key: None})
    assert item == Item.from_dict(json.loads(json.dumps(item.to_dict())))


def test_same_file_same_items_however_the_path_is_typed(tmp_path, monkeypatch):
    from index.manifest import corpus_hash

    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(GOOD) + "\n")
    monkeypatch.chdir(tmp_path)
    by_relative = load_items("./c.jsonl")
    by_absolute = load_items(str(path))
    by_dotted = load_items(str(tmp_path / "." / ".." / tmp_path.name / "c.jsonl"))
    assert by_relative == by_absolute == by_dotted
    assert corpus_hash(by_relative) == corpus_hash(by_absolute)
    assert by_relative[0].source.file == "c.jsonl"


def test_lines_split_on_newline_only(tmp_path):
    row = json.dumps({**GOOD, "abstract": "a\u2028b\x0bc\x1cd\re"}, ensure_ascii=False)
    items = load_items(write_bytes(tmp_path, row.encode() + b"\r\n"))
    assert len(items) == 1 and items[0].abstract == "a\u2028b\x0bc\x1cd\re"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
fields = st.fixed_dictionaries(
    {},
    optional={
        k: json_values
        for k in (
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
        )
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(fields, json_values))
def test_any_json_gives_an_item_or_item_error(data):
    try:
        item = Item.from_dict(data)
    except ItemError as exc:
        assert exc.problems and all(isinstance(f, str) and isinstance(m, str) for f, m in exc.problems)
    else:
        assert Item.from_dict(json.loads(json.dumps(item.to_dict()))) == item


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_any_bytes_give_items_or_corpus_error(tmp_path, data):
    path = tmp_path / "h.jsonl"
    path.write_bytes(data)
    try:
        load_items(path)
    except CorpusError as exc:
        assert exc.problems


def test_person_credit_is_the_one_formatter():
    from corpus.item import Person

    from assistant.prompting import render_item
    from index.text import header

    ada = Person(name="Ada", org="Engines", role="speaker")
    assert ada.credit() == "Ada (Engines)" and ada.credit(role=True) == "Ada (Engines, speaker)"
    assert Person(name="Bo", role="author").credit(role=True) == "Bo (author)"
    assert Person(name="Cy").credit(role=True) == Person(name="Cy").credit() == "Cy"
    item = Item.from_dict(GOOD)
    assert "Ada Lovelace (Analytical Engines)." in header(item)
    assert "people: Ada Lovelace (Analytical Engines, speaker)" in render_item(1, item)
