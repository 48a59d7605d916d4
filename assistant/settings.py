"""Every default in one place. `Settings` is frozen and passed down explicitly; the environment is
read only in `Settings.from_env`, which the CLI and the app call at their entry points."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from corpus import DEFAULT_CORPUS
from index.embedder import MINILM

PROJECT_DIR = Path(__file__).resolve().parent.parent


class Fusion(StrEnum):
    """How dense and BM25 scores become one ranking."""

    BLEND = "blend"  # w * cosine + (1 - w) * bm25 / max(bm25)
    RRF = "rrf"  # reciprocal rank fusion
    DENSE = "dense"  # one signal alone
    BM25 = "bm25"

    @classmethod
    def from_str(cls, value: str) -> Fusion:
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"unknown fusion {value!r}; valid: {', '.join(f.value for f in cls)}") from None


@dataclass(frozen=True)
class Settings:
    corpus: Path = DEFAULT_CORPUS  # the JSONL searched
    data_dir: Path = PROJECT_DIR / "data"  # indexes, embedding cache, answer traces
    model: str = MINILM  # embedding model (index/embedder.py)
    embed_backend: str = "auto"  # how MiniLM runs: "auto" (ONNX Runtime, checked), "onnxruntime",
    # "sentence-transformers" (index/embedder.py BACKENDS)
    k: int = 10  # hits shown for an ordinary question
    k_list: int = 25  # most hits for "which talks ..." list questions
    fusion: Fusion = Fusion.BLEND  # see Fusion; compared in eval/results
    planner: bool = True  # read filters and schedule questions from the wording
    # The intent classifier (assistant/intents.py): a question no reader gave an intent to takes its kind at
    # this probability; one a reader claimed takes it only at the sure bar, when the two disagree. Fitted on
    # the first contact of planner group P, checked on Q's and R's (`python -m eval.planner_replay`).
    intent_examples: bool = True
    intent_min_probability: float = 0.5
    intent_sure_probability: float = 0.8
    # An item described, not named ("the talk about the computer making silent mistakes"): the likeliest of the
    # description's best three hits, when a match and this much likelier than the next (fit on planner groups A-S)
    described_margin: float = 0.1
    blend_dense: float = 0.8  # weight of the dense score in "blend"
    rrf_k: int = 60  # RRF constant (Cormack et al. 2009)
    # Relevance: P(relevant) = sigmoid(b + w_dense * cosine + w_cov * coverage + w_top * cosine_gap), each
    # ranked hit labeled match (>= rel_match), possible (>= rel_possible) or weak; a question is refused when
    # its best hit is below rel_refuse. Fitted on the tuning half of eval/data only, by
    # `python -m eval.calibrate` (eval/results/calibration.md); judged on the held-out half and eval/data/independent.
    rel_bias: float = -3.779
    rel_dense: float = 7.454
    rel_coverage: float = 3.776
    rel_gap: float = -8.542
    rel_match: float = 0.45
    rel_possible: float = 0.09
    rel_refuse: float = 0.375
    closest_n: int = 3  # "closest, not matching" items shown when nothing matches
    mmr_lambda: float = 0.7  # related(): relevance vs. diversity
    k_related: int = 5  # related items shown for "posters like X"
    related_min_dense: float = 0.2  # related(): items less similar than this are not offered
    related_blend_dense: float = 1.0  # related(): dense only; the item's BM25 terms only explain the match
    # (nDCG@10 on related queries 0.59 -> 0.75: eval/results/related-tuning.md)
    related_match_ratio: float = 0.75  # related(): a match is at least this similar as the most similar item; the
    # rest are "possible". Fitted on the tuning half's related questions: the largest cut that drops no relevant item
    # there (cited 25 -> 18, relevant 10 -> 10; eval/results/answer-precision.md)
    max_query_chars: int = 2000  # longer queries are cut (and the plan says so)
    # The LLM answerer (any litellm model string); None means the grounded extractive answerer.
    llm_model: str | None = None
    llm_api_base: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    llm_timeout: float = 60.0
    llm_retries: int = 1
    llm_max_tokens: int = 700

    @property
    def index_dir(self) -> Path:
        corpus = Path(self.corpus).resolve()
        tag = hashlib.sha1(str(corpus).encode()).hexdigest()[:8]
        return Path(self.data_dir) / "indexes" / f"{corpus.stem}-{tag}"

    @property
    def models_dir(self) -> Path:
        return Path(self.data_dir) / "models"

    @property
    def cache_dir(self) -> Path:
        return Path(self.data_dir) / "embedding-cache"

    @property
    def trace_log(self) -> Path:
        return Path(self.data_dir) / "traces.jsonl"

    def __post_init__(self):
        object.__setattr__(self, "fusion", Fusion.from_str(self.fusion))
        if not 0 <= self.rel_possible <= self.rel_match <= 1:
            raise ValueError(
                f"relevance cut-offs must satisfy 0 <= rel_possible ({self.rel_possible}) <= "
                f"rel_match ({self.rel_match}) <= 1"
            )

    def with_(self, **changes) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides) -> Settings:
        """Settings from TALKS_* variables, then explicit overrides (flags) on top."""
        values = {}
        if env.get("TALKS_DATA_DIR"):
            values["data_dir"] = Path(env["TALKS_DATA_DIR"])
        if env.get("TALKS_CORPUS"):
            values["corpus"] = Path(env["TALKS_CORPUS"])
        if env.get("TALKS_EMBED_BACKEND"):
            values["embed_backend"] = env["TALKS_EMBED_BACKEND"]
        if env.get("TALKS_LLM_MODEL"):
            values["llm_model"] = env["TALKS_LLM_MODEL"]
        if env.get("TALKS_LLM_API_BASE"):
            values["llm_api_base"] = env["TALKS_LLM_API_BASE"]
        if env.get("TALKS_LLM_API_KEY"):
            values["llm_api_key"] = env["TALKS_LLM_API_KEY"]
        for key, conv in (("TALKS_LLM_TIMEOUT", float), ("TALKS_LLM_RETRIES", int)):
            if env.get(key):
                try:
                    values[key.lower()[6:]] = conv(env[key])
                except ValueError:
                    raise ValueError(f"{key}={env[key]!r} is not a valid {conv.__name__}") from None
        timeout, retries = values.get("llm_timeout"), values.get("llm_retries")
        if timeout is not None and not (math.isfinite(timeout) and 0 < timeout <= 3600):
            raise ValueError(
                f"TALKS_LLM_TIMEOUT={env['TALKS_LLM_TIMEOUT']!r} must be seconds between 0 and 3600 (e.g. 60)"
            )
        if retries is not None and not 0 <= retries <= 10:
            raise ValueError(f"TALKS_LLM_RETRIES={env['TALKS_LLM_RETRIES']!r} must be between 0 and 10")
        return cls(**values).with_(**overrides)
