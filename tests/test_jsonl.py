"""Loading a user's corpus: every bad line reported with its line number and field, nothing half-loaded."""

import json

import pytest

from corpus import DEFAULT_CORPUS, CorpusError, load_items
from corpus.jsonl import write_items

GOOD = {
    "id": "keynote",
    "kind": "talk",
    "title": "Opening keynote",
    "abstract": "Why search matters.",
    "start": "2026-03-02T09:00:00+01:00",
    "end": "2026-03-02T09:45:00+01:00",
    "people": [{"name": "Ada Lovelace", "org": "Analytical Engines", "role": "speaker"}],
}


def write(tmp_path, rows):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def test_round_trip(tmp_path):
    items = load_items(DEFAULT_CORPUS)
    out = tmp_path / "copy.jsonl"
    write_items(out, items)
    assert load_items(out) == items


def test_minimal_line_loads_with_defaults(tmp_path):
    item = load_items(write(tmp_path, [GOOD]))[0]
    assert item.orgs == ("Analytical Engines",)
    assert item.source.line == 1 and item.source.file.endswith("c.jsonl")
    assert item.start_dt.utcoffset().total_seconds() == 3600


def test_every_bad_line_reported_with_line_and_field(tmp_path):
    rows = [
        GOOD,
        {**GOOD, "id": "a", "title": "  "},
        {**GOOD, "id": "b", "kind": "workshop"},
        {**GOOD, "id": "c", "start": "tomorrow"},
        {**GOOD, "id": "d", "start": "2026-03-02T09:00:00"},
        GOOD,
        "{not json",
        {**GOOD, "id": "e", "end": "2026-03-02T08:00:00+01:00"},
        {**GOOD, "id": "f", "speakers": []},
        {**GOOD, "id": "Bad Id"},
        {**GOOD, "id": "g", "people": [{"name": "X", "role": "host"}]},
    ]
    with pytest.raises(CorpusError) as err:
        load_items(write(tmp_path, rows))
    msg = str(err.value)
    expected = [
        "line 2: field 'title'",
        "line 3: field 'kind': 'workshop' is not one of talk, panel, poster, logistics",
        "line 4: field 'start': 'tomorrow' is not an ISO 8601",
        "line 5: field 'start'",
        "UTC offset",
        "line 6: field 'id': duplicate id 'keynote' (first used on line 1)",
        "line 7: not valid JSON",
        "line 8: field 'end'",
        "line 9: field 'speakers': unknown field",
        "line 10: field 'id': 'Bad Id' is not a slug",
        "line 11: field 'people[0].role': 'host'",
    ]
    for part in expected:
        assert part in msg, part
    assert len(err.value.problems) == 10
    assert "nothing loaded" in msg


def test_missing_file_and_empty_file(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        load_items(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(CorpusError, match="no items"):
        load_items(tmp_path / "empty.jsonl")


def test_write_is_atomic(tmp_path, monkeypatch):
    out = tmp_path / "c.jsonl"
    write_items(out, load_items(DEFAULT_CORPUS))
    before = out.read_text()

    class Boom(Exception):
        pass

    def bad_items():
        yield load_items(DEFAULT_CORPUS)[0]
        raise Boom

    with pytest.raises(Boom):
        write_items(out, bad_items())
    assert out.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.jsonl"]
