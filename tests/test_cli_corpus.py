"""`talks corpus ...` as a user runs it: build, stats, check, with clear errors."""

import json
import subprocess
import sys

from corpus import DEFAULT_CORPUS


def talks(*args):
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, timeout=120)


def test_build_writes_the_committed_corpus(tmp_path):
    out = tmp_path / "c.jsonl"
    r = talks("corpus", "build", "-o", str(out))
    assert r.returncode == 0 and "wrote 49 items" in r.stdout
    assert out.read_bytes() == DEFAULT_CORPUS.read_bytes()


def test_stats_counts_kinds_events_orgs_people():
    r = talks("corpus", "stats")
    assert r.returncode == 0
    assert "49 items: 13 talk, 2 panel, 28 poster, 5 logistics, 1 event" in r.stdout
    assert "@Scale: AI & Data 2025 (49)" in r.stdout and "Meta (32)" in r.stdout
    data = json.loads(talks("corpus", "stats", "--json").stdout)
    assert data["kinds"] == {"talk": 13, "panel": 2, "poster": 28, "logistics": 5, "event": 1} and data["people"] > 100


def test_check_reports_bad_lines_with_numbers(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "kind": "talk", "title": "A"}\n{"id": "b", "kind": "workshop", "title": "B"}\n'
        '{"id": "a", "kind": "talk", "title": "C"}\n'
    )
    r = talks("corpus", "check", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "line 2: field 'kind': 'workshop' is not one of talk, panel, poster, logistics" in r.stderr
    assert "line 3: field 'id': duplicate id 'a' (first used on line 1)" in r.stderr
    good = talks("corpus", "check", str(DEFAULT_CORPUS))
    assert good.returncode == 0 and "49 valid items" in good.stdout
    missing = talks("corpus", "check", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
