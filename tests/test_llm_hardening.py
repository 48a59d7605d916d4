"""The LLM path under hostile providers: secrets never leave the process, one deadline bounds an
answer (retries included), and a trace log that cannot be written never fails an answer."""

import json
import socket
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant import llm, traces
from assistant.answer import Assistant
from assistant.redact import redact
from assistant.settings import Settings

KEY = "sk-test-0123456789abcdefghijklm"  # 31 characters, like the review's key


# ---------------------------------------------------------------- fake providers


class _Echo(BaseHTTPRequestHandler):
    offset = 0

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length", 0)))
        message = (
            "x" * type(self).offset
            + f"Incorrect API key provided: {KEY}. Auth "
            + self.headers.get("authorization", "")
        )
        body = json.dumps({"error": {"message": message, "type": "invalid_request_error"}}).encode()
        self.send_response(401)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def _hung_server(trickle: bool):
    """Accepts connections; never answers (or, trickling, streams one word every 0.2 s forever)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    stop = threading.Event()

    def handle(conn):
        try:
            conn.recv(65536)
            if trickle:
                conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n")
                while not stop.is_set():
                    chunk = {
                        "id": "c",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": "x",
                        "choices": [{"index": 0, "delta": {"content": "word "}, "finish_reason": None}],
                    }
                    conn.sendall(f"data: {json.dumps(chunk)}\n\n".encode())
                    time.sleep(0.2)
            else:
                stop.wait(30)
        except OSError:
            pass
        finally:
            conn.close()

    def serve():
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return sock.getsockname()[1], stop


def llm_settings(base, port, **changes):
    values = dict(
        llm_model="openai/test-model",
        llm_api_key=KEY,
        llm_retries=0,
        llm_timeout=5,
        llm_api_base=f"http://127.0.0.1:{port}/v1",
    )
    return replace(base, **{**values, **changes})


# ---------------------------------------------------------------- secrets


def test_redact_before_cut_at_every_offset():
    settings = Settings(llm_model="openai/x", llm_api_key=KEY)
    for offset in range(0, 340):
        msg = llm.error_message(RuntimeError("y" * offset + KEY + " tail"), settings)
        for n in range(6, len(KEY) + 1):  # no 6-character piece of the key anywhere
            assert all(KEY[i : i + n] not in msg for i in range(len(KEY) - n + 1)), (offset, msg)


def test_url_credentials_and_escaped_keys_are_redacted():
    assert redact("see http://ada:pa%40ss@host:8080/v1 now") == "see http://***@host:8080/v1 now"
    assert redact('{"k": "a\\"b-secret"}', ['a"b-secret']) == '{"k": "***"}'
    assert redact("key=a%2Fb%3Dsecret", ["a/b=secret"]) == "key=***"
    assert redact("short key abc stays", ["abc"]) == "short key abc stays"


def test_echoing_provider_never_leaks_the_key(echo_server, fake_searcher, fake_settings, tmp_path):
    port = echo_server.server_address[1]
    settings = llm_settings(fake_settings, port, data_dir=tmp_path)
    settings = replace(settings, llm_api_base=f"http://user:hunter2@127.0.0.1:{port}/v1")
    bot = Assistant(fake_searcher, settings)
    for offset in (0, 200, 240, 250, 255, 260, 265, 270, 275, 280, 290, 299, 300, 310):
        _Echo.offset = offset
        ans = bot.answer("what is Fiddler showing?")
        assert ans.answerer == "grounded" and any("failed" in n for n in ans.notices)
        shown = json.dumps(ans.trace) + " ".join(ans.notices) + ans.text
        for part in (KEY[:8], KEY[-8:], KEY[10:18], "hunter2"):
            assert part not in shown, (offset, part)
    log = (tmp_path / "traces.jsonl").read_text()
    assert log.count("\n") == 14 and "hunter2" not in log and KEY[:8] not in log and KEY[-8:] not in log
    assert json.loads(log.splitlines()[0])["api_base"] == f"http://***@127.0.0.1:{port}/v1"


# ---------------------------------------------------------------- deadline


@pytest.mark.parametrize("trickle", [False, True], ids=["hung", "trickle"])
def test_one_deadline_covers_retries_and_streams(fake_searcher, fake_settings, tmp_path, trickle):
    llm._litellm()  # its first import is slow; the deadline starts after it
    port, stop = _hung_server(trickle)
    try:
        settings = llm_settings(fake_settings, port, llm_timeout=1.5, llm_retries=2, data_dir=tmp_path)
        bot = Assistant(fake_searcher, settings)
        t = time.perf_counter()
        events = list(bot.stream("what is Fiddler showing?"))
        took = time.perf_counter() - t
    finally:
        stop.set()
    ans = events[-1]
    limit = 1.5 * (llm.STREAM_CAP if trickle else 1)  # before: 60 s timeout x (1 + retries), or forever
    assert took < limit + 1.5, took
    assert ans.answerer == "grounded" and any("Timeout" in n for n in ans.notices), ans.notices


def test_retries_happen_within_the_deadline(monkeypatch):
    calls = []

    def failing(settings, msgs, mock_response, streaming, timeout):
        calls.append(timeout)
        raise llm.LLMError("APIConnectionError: refused")
        yield  # pragma: no cover

    monkeypatch.setattr(llm, "_attempt", failing)
    settings = Settings(llm_model="openai/x", llm_retries=3, llm_timeout=10)
    with pytest.raises(llm.LLMError, match="refused"):
        list(llm.stream(settings, [{"role": "user", "content": "q"}]))
    assert len(calls) == 4 and all(0 < t <= 10 for t in calls)


# ---------------------------------------------------------------- traces


def test_huge_question_is_capped_in_the_trace(fake_searcher, fake_settings, tmp_path):
    bot = Assistant(fake_searcher, replace(fake_settings, data_dir=tmp_path))
    bot.answer("faiss " + "x" * 2_000_000)
    line = (tmp_path / "traces.jsonl").read_text()
    assert len(line) < 60_000 and line.endswith("\n")


def test_unwritable_trace_log_never_fails_an_answer(fake_searcher, fake_settings, tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    bot = Assistant(fake_searcher, replace(fake_settings, data_dir=blocker))
    for _ in range(3):
        assert bot.answer("faiss").hits
    err = capsys.readouterr().err
    assert err.count("cannot write the trace log") == 1


def test_failed_write_leaves_no_partial_line(tmp_path, monkeypatch):
    import os

    log = traces.TraceLog(tmp_path / "t.jsonl")
    assert log.append({"n": 1})
    real_write = os.write

    def half_then_full(fd, data):
        real_write(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    assert not log.append({"n": 2, "pad": "y" * 1000})
    monkeypatch.setattr(os, "write", real_write)
    assert log.append({"n": 3})
    assert [json.loads(x)["n"] for x in (tmp_path / "t.jsonl").read_text().splitlines()] == [1, 3]


def test_a_crash_left_partial_line_does_not_swallow_the_next(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"n": 1}\n{"n": 2, "cut sho')
    traces.TraceLog(path).append({"n": 3})
    assert json.loads(path.read_text().splitlines()[-1]) == {"n": 3}


def test_rotation_keeps_bounded_files(tmp_path):
    log = traces.TraceLog(tmp_path / "t.jsonl", max_bytes=2000, backups=3)
    for n in range(200):
        assert log.append({"n": n, "pad": "z" * 100})
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["t.jsonl", "t.jsonl.1", "t.jsonl.2", "t.jsonl.3"]
    assert all(p.stat().st_size <= 2000 for p in tmp_path.iterdir())
    last = [json.loads(x)["n"] for x in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert last[-1] == 199


def test_concurrent_writers_never_interleave(tmp_path):
    log = traces.TraceLog(tmp_path / "t.jsonl")

    def write(k):
        for n in range(100):
            log.append({"k": k, "n": n, "pad": "p" * (n * 37 % 5000)})

    threads = [threading.Thread(target=write, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = (tmp_path / "t.jsonl").read_text().splitlines()
    assert len(lines) == 800 and all(json.loads(x)["pad"] is not None for x in lines)


@pytest.mark.parametrize("bad", ["-1", "0", "nan", "inf", "-inf", "1e9", "soon"])
def test_bad_llm_timeout_is_refused(bad):
    with pytest.raises(ValueError, match="TALKS_LLM_TIMEOUT"):
        Settings.from_env({"TALKS_LLM_TIMEOUT": bad})
    assert Settings.from_env({"TALKS_LLM_TIMEOUT": "2.5"}).llm_timeout == 2.5
    with pytest.raises(ValueError, match="TALKS_LLM_RETRIES"):
        Settings.from_env({"TALKS_LLM_RETRIES": "-3"})


def test_app_start_up_errors_are_one_line(tmp_path, monkeypatch, capsys):
    import app

    monkeypatch.setenv("TALKS_LLM_TIMEOUT", "nan")
    assert app.main(["--port", "7999"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("app.py: error: TALKS_LLM_TIMEOUT") and "Traceback" not in err
    monkeypatch.delenv("TALKS_LLM_TIMEOUT")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "kind": "talk"}\n')
    assert app.main(["--port", "7999", "--corpus", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("app.py: error:") and "title" in err and "Traceback" not in err
