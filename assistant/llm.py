"""Any LLM through litellm: hosted providers, Ollama, or an OpenAI-compatible server.

`TALKS_LLM_MODEL` is any litellm model string (`openai/gpt-4o-mini`, `anthropic/claude-...`,
`ollama/llama3`, or `openai/<name>` with `TALKS_LLM_API_BASE` for a local server). Models served
only on a text-completion endpoint (base models) are reached with `text-completion-openai/<name>`.
litellm is imported only when an LLM is configured, so the default path never loads it.

Deadline: `Settings.llm_timeout` bounds the wait for the answer's first text, retries included: retries
(`llm_retries`) are made here, each with the time left, not by litellm (whose retries each get the
full timeout again). Once text streams, each next piece must come within the timeout too, and the
whole stream ends by `STREAM_CAP` timeouts after the start. On expiry the caller gets an `LLMError`
and falls back to the grounded answer.

Error messages are redacted (key, URL credentials) before they are cut to length.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator

from assistant.offline import set_offline_env
from assistant.prompting import as_text_prompt
from assistant.redact import cut, redact
from assistant.settings import Settings

TEXT_PREFIX = "text-completion-openai/"
STREAM_CAP = 5  # a streaming answer ends within this many timeouts, however steadily text trickles in


class LLMError(RuntimeError):
    """The provider failed (timeout, HTTP error, broken stream); the message says which and why."""


def _litellm():
    set_offline_env()
    import litellm

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    return litellm


def _common(settings: Settings, streaming: bool) -> dict:
    kwargs = {
        "timeout": settings.llm_timeout,
        "num_retries": 0,
        "max_tokens": settings.llm_max_tokens,
        "temperature": 0.1,
        "stream": streaming,
    }
    if settings.llm_api_base:
        kwargs["api_base"] = settings.llm_api_base
    if settings.llm_api_key:
        kwargs["api_key"] = settings.llm_api_key
    elif settings.llm_api_base:
        kwargs["api_key"] = "none"  # local OpenAI-compatible servers accept any key
    return kwargs


def _text_of(chunk) -> str:
    choice = chunk.choices[0] if getattr(chunk, "choices", None) else None
    if choice is None:
        return ""
    delta = getattr(choice, "delta", None)
    if delta is not None and getattr(delta, "content", None):
        return delta.content
    return getattr(choice, "text", None) or ""


def stream(
    settings: Settings, msgs: list[dict], mock_response: str | None = None, streaming: bool = True
) -> Iterator[str]:
    """Yield the answer's text as it arrives (with streaming=False: in one piece, from a single
    response); raise LLMError on any provider failure or when the deadline passes."""
    if not settings.llm_model:
        raise LLMError("no LLM configured (set TALKS_LLM_MODEL)")
    _litellm()  # imported (once, slowly) before the clock starts: the deadline is the provider's
    deadline = time.monotonic() + settings.llm_timeout
    attempts = 1 + max(0, settings.llm_retries)
    for attempt in range(attempts):
        left = deadline - time.monotonic()
        if left <= 0:
            raise LLMError(
                f"Timeout: no answer within {settings.llm_timeout:g}s ({attempt} attempt{'s' if attempt != 1 else ''})"
            )
        produced = False
        try:
            for piece in _bounded(
                _attempt(settings, msgs, mock_response, streaming, left),
                deadline,
                settings,
                cap=deadline + (STREAM_CAP - 1) * settings.llm_timeout,
            ):
                produced = True
                yield piece
            return
        except LLMError:
            if produced or attempt == attempts - 1 or deadline - time.monotonic() <= 0:
                raise  # text already shown cannot be taken back by a retry; the caller falls back


def _attempt(
    settings: Settings, msgs: list[dict], mock_response: str | None, streaming: bool, timeout: float
) -> Iterator[str]:
    litellm = _litellm()
    kwargs = _common(settings, streaming)
    kwargs["timeout"] = max(0.1, timeout)
    if mock_response is not None:
        kwargs["mock_response"] = mock_response
    model = settings.llm_model
    try:
        if model.startswith(TEXT_PREFIX):
            kwargs.pop("temperature")
            response = litellm.text_completion(
                model="openai/" + model[len(TEXT_PREFIX) :], prompt=as_text_prompt(msgs), **kwargs
            )
        else:
            response = litellm.completion(model=model, messages=msgs, **kwargs)
        if not streaming:
            choice = response.choices[0]
            message = getattr(choice, "message", None)
            yield (message.content if message is not None else choice.text) or ""
            return
        for chunk in response:
            text = _text_of(chunk)
            if text:
                yield text
    except LLMError:
        raise
    except Exception as exc:  # litellm maps provider errors to many types; all of them mean "fall back"
        raise LLMError(error_message(exc, settings)) from exc


_DONE = object()


def _bounded(pieces: Iterator[str], deadline: float, settings: Settings, cap: float) -> Iterator[str]:
    """The pieces of `pieces`, produced in a worker thread: the first before `deadline`, each next within
    the timeout of the one before, none after `cap` (monotonic seconds). A hung connection cannot hold
    the answer past them; the worker ends on its own (its own timeout)."""
    box: queue.Queue = queue.Queue()
    stop = threading.Event()

    def work():
        try:
            for piece in pieces:
                box.put(piece)
                if stop.is_set():
                    return
            box.put(_DONE)
        except BaseException as exc:  # handed to the reader, raised there
            box.put(exc)

    threading.Thread(target=work, name="llm-stream", daemon=True).start()
    first = True
    try:
        while True:
            left = min(deadline, cap) - time.monotonic()
            try:
                item = box.get(timeout=max(0.0, left))
            except queue.Empty:
                what = (
                    "no answer within"
                    if first
                    else "the answer stalled for"
                    if time.monotonic() < cap
                    else "the answer ran past"
                )
                limit = settings.llm_timeout * (STREAM_CAP if what == "the answer ran past" else 1)
                raise LLMError(f"Timeout: {what} {limit:g}s") from None
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            first = False
            deadline = time.monotonic() + settings.llm_timeout  # the next piece's deadline
            yield item
    finally:
        stop.set()


def error_message(exc: BaseException, settings: Settings, limit: int = 300) -> str:
    """`Type: message` fit to show: secrets redacted first, then cut to `limit` characters."""
    text = redact(str(exc), (settings.llm_api_key,))
    return f"{type(exc).__name__}: {cut(text, limit)}"
