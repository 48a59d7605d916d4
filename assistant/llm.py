"""Any LLM through litellm: hosted providers, Ollama, or an OpenAI-compatible server.

`TALKS_LLM_MODEL` is any litellm model string (`openai/gpt-4o-mini`, `anthropic/claude-...`,
`ollama/llama3`, or `openai/<name>` with `TALKS_LLM_API_BASE` for a local server). Models served
only on a text-completion endpoint (base models) are reached with `text-completion-openai/<name>`.
litellm is imported only when an LLM is configured, so the default path never loads it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from assistant.prompting import as_text_prompt
from assistant.settings import Settings

TEXT_PREFIX = "text-completion-openai/"


class LLMError(RuntimeError):
    """The provider failed (timeout, HTTP error, broken stream); the message says which and why."""


def _litellm():
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    return litellm


def _common(settings: Settings, streaming: bool) -> dict:
    kwargs = {"timeout": settings.llm_timeout, "num_retries": settings.llm_retries,
              "max_tokens": settings.llm_max_tokens, "temperature": 0.1, "stream": streaming}
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


def stream(settings: Settings, msgs: list[dict], mock_response: str | None = None,
           streaming: bool = True) -> Iterator[str]:
    """Yield the answer's text as it arrives (with streaming=False: in one piece, from a single
    response); raise LLMError on any provider failure."""
    if not settings.llm_model:
        raise LLMError("no LLM configured (set TALKS_LLM_MODEL)")
    litellm = _litellm()
    kwargs = _common(settings, streaming)
    if mock_response is not None:
        kwargs["mock_response"] = mock_response
    model = settings.llm_model
    try:
        if model.startswith(TEXT_PREFIX):
            kwargs.pop("temperature")
            response = litellm.text_completion(model="openai/" + model[len(TEXT_PREFIX):],
                                               prompt=as_text_prompt(msgs), **kwargs)
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
        message = _short(exc)
        if settings.llm_api_key:
            message = message.replace(settings.llm_api_key, "***")
        raise LLMError(f"{type(exc).__name__}: {message}") from exc


def _short(exc: Exception, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit] + "…"
