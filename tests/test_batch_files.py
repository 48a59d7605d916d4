"""Batch files (--queries-file / --questions-file): output line n answers input line n."""

import json

import pytest

from assistant import cli


def run_batch(tmp_path, data: bytes, capsys):
    path = tmp_path / "q.txt"
    path.write_bytes(data)
    assert (
        cli._batch(
            str(path),
            "--queries-file",
            lambda line: {"query": line, "hits": ["h"]},
            lambda line: {"query": line, "hits": []},
        )
        == 0
    )
    return [json.loads(x) for x in capsys.readouterr().out.splitlines()]


def test_split_on_newline_only(tmp_path, capsys):
    rows = run_batch(tmp_path, "one\u2028still one\nt\x0bw\x1co\x1d\x85\r\nthree".encode(), capsys)
    assert [r["query"] for r in rows] == ["one\u2028still one", "t\x0bw\x1co\x1d\x85", "three"]


def test_blank_lines_keep_their_place(tmp_path, capsys):
    rows = run_batch(tmp_path, b"a\n\n  \nb\n", capsys)
    assert [r["query"] for r in rows] == ["a", "", "  ", "b"]
    assert rows[1]["hits"] == [] and rows[1]["error"] == "line 2: empty line, nothing asked"
    assert "error" not in rows[0] and "error" not in rows[3]


def test_bom_and_crlf(tmp_path, capsys):
    assert [r["query"] for r in run_batch(tmp_path, b"\xef\xbb\xbfa\r\nb\r\n", capsys)] == ["a", "b"]


def test_invalid_utf8_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "q.txt"
    path.write_bytes(b"fine\ncaf\xe9\n")
    with pytest.raises(cli.UserError, match=r"not valid UTF-8: byte 0xe9 at byte offset 8 \(line 2\)"):
        cli._batch(str(path), "--queries-file", lambda line: {}, lambda line: {})
    assert capsys.readouterr().out == ""  # nothing half-done
