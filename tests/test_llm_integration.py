"""End to end through litellm against a REAL local OpenAI-compatible server (xllamacpp serving the
gemma-3-270m GGUF on 127.0.0.1), including the fallback when the server dies mid-stream.

The model is tiny and a base model: these tests prove the plumbing (prompt in, streamed text out,
citation check, fallback), not the prose."""

import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llm_server import MODEL_NAME, gguf_path, serve  # noqa: E402

from assistant.answer import Assistant, Delta  # noqa: E402
from assistant.records import Answer  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model_file():
    return gguf_path()


def llm_settings(real_settings, srv, model=None, **changes):
    values = {
        "llm_model": model or f"openai/{MODEL_NAME}",
        "llm_api_base": srv.api_base,
        "llm_retries": 0,
        "llm_timeout": 300,
        "llm_max_tokens": 48,
        **changes,
    }  # a cold CPU model: first token can take minutes
    return replace(real_settings, **values)


@pytest.mark.parametrize("model", [f"openai/{MODEL_NAME}", f"text-completion-openai/{MODEL_NAME}"])
def test_real_server_answers_through_litellm(real_searcher, real_settings, model_file, model):
    with serve(model_file, n_ctx=8192, n_predict=64) as srv:
        bot = Assistant(real_searcher, llm_settings(real_settings, srv, model))
        events = list(bot.stream("Which talks cover data quality for agents?"))
    ans = events[-1]
    assert isinstance(ans, Answer)
    assert ans.answerer == model, ans.notices
    deltas = [e for e in events if isinstance(e, Delta) and not e.replace]
    assert len(deltas) >= 2 and ans.text.strip()
    assert "llm_first_token_ms" in ans.trace["timings_ms"] and ans.trace["prompt_chars"] > 1000
    assert "citation_check" in ans.trace
    # a list question: every matching item the model did not cite is added
    cited = {c.id for c in ans.citations}
    assert {h.item.id for h in ans.hits if h.label == "match"} <= cited


def test_server_dying_mid_stream_falls_back_to_grounded(real_searcher, real_settings, model_file):
    with serve(model_file, n_ctx=8192, n_predict=400) as srv:
        bot = Assistant(real_searcher, llm_settings(real_settings, srv, llm_max_tokens=400))
        events, killed = [], threading.Event()
        for event in bot.stream("Which talks cover data quality for agents?"):
            events.append(event)
            if isinstance(event, Delta) and not event.replace and not killed.is_set():
                srv.kill()
                killed.set()
    ans = events[-1]
    assert killed.is_set()
    assert ans.answerer == "grounded"
    assert any("failed" in n for n in ans.notices)
    assert any(isinstance(e, Delta) and e.replace for e in events)
    assert ans.trace["answerer"] == "grounded" and "Posters:" in ans.text and ans.citations


def test_unreachable_server_falls_back(real_searcher, real_settings, model_file):
    with serve(model_file) as srv:
        settings = llm_settings(real_settings, srv)
    bot = Assistant(real_searcher, settings)  # the server is gone now
    ans = bot.answer("what is Fiddler showing?")
    assert ans.answerer == "grounded" and any("failed" in n for n in ans.notices)
