"""Answers: retrieve, compose (grounded) or generate (any LLM via litellm), check citations, trace.

question (+ history) -> follow-up resolution or search -> hits [1]..[n]
    -> no hits: a refusal, and no LLM call
    -> LLM configured: streamed answer; on any provider failure, the grounded answer with a notice
    -> otherwise: the grounded answer composed from the abstracts
-> citation check -> Answer (+ a trace appended to <data>/traces.jsonl)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache

from assistant import citations as citation_check
from assistant import extractive, followup, llm, prompting, traces
from assistant.records import Answer, Filters, Intent, Label, Plan, SearchResult
from assistant.search import Searcher, clean_query
from assistant.settings import Settings

GROUNDED = "grounded"
CLARIFY = (
    "Which one do you mean? There is no earlier list to pick from: name the talk, panel or poster "
    "(its title or a speaker), or ask a question first."
)


@dataclass(frozen=True)
class Delta:
    """A piece of a streamed answer; `replace=True` means: show this text instead of what came so far."""

    text: str
    replace: bool = False


class Assistant:
    """Answers questions over one loaded index; safe to share between threads."""

    def __init__(self, searcher: Searcher, settings: Settings):
        self.searcher = searcher
        self.settings = settings
        self._log_lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, embedder=None, progress: bool = False) -> Assistant:
        from assistant.engine import open_searcher

        searcher = open_searcher(settings, embedder, progress=progress)
        searcher.index.embedder.encode_queries(["warm up"])  # the first encode is slow; pay it at start
        searcher.intents  # noqa: B018 - the intent examples' vectors, read (or computed once) at start too
        return cls(searcher, settings)

    @property
    def answerer(self) -> str:
        return self.settings.llm_model or GROUNDED

    # ------------------------------------------------------------ retrieval

    def retrieve(
        self, question: str, history=(), filters: Filters | None = None
    ) -> tuple[SearchResult, followup.FollowUp | None]:
        q, _ = clean_query(question, self.settings.max_query_chars)
        fu = followup.resolve(q, history)
        if fu is None:
            return self.searcher.search(q, filters=filters), None
        if fu.intent == "clarify":
            return SearchResult(Plan(query=q, text="", notes=(fu.note,)), ()), fu
        items = [self.searcher.resolve(i) for i in fu.item_ids]
        t = time.perf_counter()
        if fu.intent == "related":
            hits = tuple(self.searcher.related(items[0].id, k=self.settings.k_related, kinds=fu.kinds or None))
            plan = Plan(query=q, text="", intent="related", related_to=items[0].id, kinds=fu.kinds, notes=(fu.note,))
        else:
            hits = self.searcher.hits_for([self.searcher.index.by_id[i.id] for i in items], {"followup": True})
            intent = {"who": "who", "when": "when", "about": "about"}[fu.intent]
            plan = Plan(query=q, text="", intent=intent, notes=(fu.note,))
            if intent == "when" and any(not i.start for i in items):
                sessions = self.searcher.vocab.poster_sessions
                extra = self.searcher.hits_for([self.searcher.index.by_id[i.id] for i in sessions], {"followup": True})
                hits = tuple(hits) + tuple(extra)
                plan = replace(plan, schedule=tuple(h.item.id for h in hits))
        return SearchResult(
            plan, tuple(hits), ranked=tuple(hits), timings={"followup_ms": (time.perf_counter() - t) * 1000}
        ), fu

    # ------------------------------------------------------------ answering

    def stream(
        self,
        question: str,
        history=(),
        filters: Filters | None = None,
        mock_response: str | None = None,
        streaming: bool = True,
    ) -> Iterator[Delta | Answer]:
        """Yield Deltas as the answer forms, then the final Answer (streaming=False: the LLM is asked
        for the whole answer in one response)."""
        s = self.settings
        t0 = time.perf_counter()
        result, fu = self.retrieve(question, history, filters)
        timings = {"search_ms": (time.perf_counter() - t0) * 1000, **result.timings}
        result = replace(result, hits=extractive.order_hits(result))  # the [1]..[n] numbering everywhere
        hits, plan = result.hits, result.plan
        index = self.searcher.index
        qvec = result.query_vec
        notices: list[str] = []
        prompt_chars = 0
        answerer = GROUNDED
        if fu is not None and fu.intent == "clarify":
            text, cites = CLARIFY, ()
            yield Delta(text)
        elif not hits:
            text, cites = extractive.refusal(result), ()
            yield Delta(text)
        elif s.llm_model:
            answerer = s.llm_model
            msgs = prompting.messages(result.plan.query, hits, history)
            prompt_chars = sum(len(m["content"]) for m in msgs)
            parts: list[str] = []
            t = time.perf_counter()
            try:
                for piece in llm.stream(s, msgs, mock_response=mock_response, streaming=streaming):
                    if not parts:
                        timings["llm_first_token_ms"] = (time.perf_counter() - t) * 1000
                    parts.append(piece)
                    yield Delta(piece)
                if not "".join(parts).strip():
                    raise llm.LLMError("the model returned an empty answer")
                text, cites = "".join(parts).strip(), ()
            except llm.LLMError as exc:
                notices.append(
                    f"The LLM ({s.llm_model}) failed ({exc}); showing the grounded answer composed "
                    "from the abstracts instead."
                )
                answerer = GROUNDED
                text, cites = extractive.compose(result, index, qvec)
                yield Delta(text, replace=True)
            timings["llm_ms"] = (time.perf_counter() - t) * 1000
        else:
            t = time.perf_counter()
            text, cites = extractive.compose(result, index, qvec)
            if fu is not None and fu.source:
                text = f"_From the list for “{fu.source}”:_\n{text}"
            timings["compose_ms"] = (time.perf_counter() - t) * 1000
            for line in text.splitlines(keepends=True):  # shown as it would stream: a line at a time
                yield Delta(line)

        t = time.perf_counter()
        relevant = [h.item.id for h in hits if h.label == Label.MATCH] if plan.intent == Intent.LIST else None
        checked, checked_cites, report = citation_check.check(text, hits, index, relevant_ids=relevant, qvec=qvec)
        timings["check_ms"] = (time.perf_counter() - t) * 1000
        if answerer == GROUNDED and cites:
            flags = {c.n: c for c in checked_cites}
            cites = tuple(
                replace(c, supported=flags[c.n].supported, support=flags[c.n].support) if c.n in flags else c
                for c in cites
            )
            extra = tuple(c for c in checked_cites if c.n not in {x.n for x in cites})
            cites = tuple(sorted(cites + extra, key=lambda c: c.n))
        else:
            cites = checked_cites
        for r in report.removed:
            notices.append(f"Removed citation {r}.")
        for u in report.unsupported:
            notices.append(f'Citation [{u["n"]}] does not support: "{u["claim"][:120]}"')
        if answerer != GROUNDED and hits and not cites:
            notices.append("The answer cites none of the sources; check it against them before relying on it.")
        if checked != text:
            yield Delta(checked, replace=True)
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        trace = {
            "ts": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "question": question,
            "answerer": answerer,
            "model": s.llm_model,
            "api_base": s.llm_api_base,  # redacted by prepare()
            "plan": plan.to_dict(),
            "followup": fu.__dict__ if fu else None,
            "hits": [
                {"n": n, "id": h.item.id, "score": round(float(h.score), 4), "signals": h.to_dict()["signals"]}
                for n, h in enumerate(hits, 1)
            ],
            "closest": [h.item.id for h in result.closest],
            "prompt_chars": prompt_chars,
            "prompt_tokens_est": prompt_chars // 4,
            "timings_ms": {k: round(v, 1) for k, v in timings.items()},
            "citation_check": report.to_dict(),
            "notices": notices,
            "refused": not hits,
        }
        refused = not hits and not (fu is not None and fu.intent == "clarify")
        trace["refused"] = refused
        trace = traces.prepare(trace, (s.llm_api_key,), max_string=max(traces.MAX_STRING, s.max_query_chars))
        answer = Answer(
            question=question,
            text=checked,
            citations=cites,
            hits=hits,
            refused=refused,
            answerer=answerer,
            notices=tuple(notices),
            closest=result.closest,
            trace=trace,
        )
        self._log(trace)
        yield answer

    def answer(
        self, question: str, history=(), filters: Filters | None = None, mock_response: str | None = None
    ) -> Answer:
        final = None
        for event in self.stream(question, history, filters, mock_response=mock_response, streaming=False):
            if isinstance(event, Answer):
                final = event
        return final

    def _log(self, trace: dict) -> None:
        traces.log_for(self.settings.trace_log).append(trace, (self.settings.llm_api_key,))


@lru_cache(maxsize=4)
def _assistant(settings: Settings) -> Assistant:
    return Assistant.open(settings)


def answer(question: str, history=(), settings: Settings | None = None) -> Answer:
    """Answer one question (the index loads once per settings and is reused)."""
    return _assistant(settings or Settings()).answer(question, history)


def stream_answer(question: str, history=(), settings: Settings | None = None) -> Iterator[Delta | Answer]:
    return _assistant(settings or Settings()).stream(question, history)
