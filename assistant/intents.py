"""What kind of question it is, by the nearest example questions: unseen wordings land near their kind.

The readers (`assistant/readers.py`) catch the wordings their patterns know, precisely. A question none of
them gave an intent to ("if I go to the fireside chat will I miss anything?", "is lunch provided and
when?") is compared, by embedding, with the example questions of `assistant/intent_examples.py`, after
the agenda items it names are masked ("if I go to X will I miss anything?"). The nearest kind wins when
it is close enough (`min_similarity`) and closer than the nearest topical example by `min_margin`; else
the question stays topical. Both bars are fitted on eval/data/planner/dev.jsonl only (`python -m
eval.planner --fit`); the held-out wordings are reported, never fitted on.

The classifier is one method over any `Embedder`'s `encode_queries`; the example vectors are computed
once per model and kept in a small cache file (`EmbeddingCache`), so a cold start reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.intent_examples import EXAMPLES
from assistant.readers import TOPICAL_FRAME, asked_of, event_items, find_references, meal_slot
from assistant.records import Intent, Plan
from assistant.vocabulary import Vocabulary

TOPIC = "topic"


@dataclass(frozen=True)
class Guess:
    label: str  # an Intent value, "event:<fact>", or "topic"
    similarity: float  # to the label's nearest examples (mean of the top two)
    margin: float  # similarity minus the topical examples' similarity


class IntentModel(Protocol):
    def classify(self, text: str, also: str = "") -> Guess | None:
        """The kind of question, or None when no kind is near enough to say. `also`: a text the caller is
        about to encode (the topical search text), which a model may encode in the same batch."""


def mask_references(text: str, vocab: Vocabulary) -> tuple[str, list]:
    """The question with each agenda item it names written "X", and those items in order."""
    refs = find_references(text, vocab, loose=False)
    out = text
    for _, s, e in sorted(refs, key=lambda f: -f[1]):
        out = out[:s] + " X " + out[e:]
    return " ".join(out.split()), [r[0] for r in refs]


class ExampleIntents:
    """Nearest-example intent classifier over an encoder (`encode_queries`)."""

    def __init__(
        self,
        embedder,
        min_similarity: float,
        min_margin: float,
        cache_dir: Path | None = None,
        examples: dict = EXAMPLES,
    ):
        self.embedder = embedder
        self.min_similarity, self.min_margin = min_similarity, min_margin
        texts = [t for ts in examples.values() for t in ts]
        self.labels = np.array([label for label, ts in examples.items() for _ in ts])
        self.names = list(examples)
        rows = [np.flatnonzero(self.labels == name) for name in self.names]
        # each label's example rows, padded with a row of -inf (appended to the similarities) to one width
        self._rows = np.full((len(rows), max(len(r) for r in rows)), len(texts))
        for i, r in enumerate(rows):
            self._rows[i, : len(r)] = r
        self._top = np.array([min(2, len(r)) for r in rows], dtype=np.float64)
        self._topic = self.names.index(TOPIC)
        self.vectors = self._vectors(texts, cache_dir)

    def _vectors(self, texts: list[str], cache_dir: Path | None) -> np.ndarray:
        if cache_dir is None:
            return np.asarray(self.embedder.encode_queries(texts), dtype=np.float32)
        from index.cache import EmbeddingCache

        cache = EmbeddingCache(Path(cache_dir) / "intent-examples", self.embedder.name, self.embedder.dim)
        vectors, _ = cache.embed(texts, lambda batch, _progress: self.embedder.encode_queries(batch))
        try:
            cache.save()
        except OSError:  # a read-only data dir: the vectors are used, just not kept
            pass
        return vectors

    def classify(self, text: str, also: str = "") -> Guess | None:
        guess = self.nearest(text, also)
        if guess.similarity < self.min_similarity or guess.margin < self.min_margin:
            return None
        return guess

    def nearest(self, text: str, also: str = "") -> Guess:
        """The nearest kind, however far (for fitting the bars). `also` is encoded in the same batch (one
        model call for two short texts takes about 0.75 of two calls); the encoder may keep its vector."""
        batch = [text, also] if also and also != text else [text]
        q = np.asarray(self.embedder.encode_queries(batch), dtype=np.float32)[0]
        sims = np.append((self.vectors @ q).astype(np.float64), -np.inf)
        top = np.sort(sims[self._rows], axis=1)[:, -2:]  # each label's two nearest examples
        per = np.where(self._top == 2, top[:, 0] + top[:, 1], top[:, 1]) / self._top
        best = int(per.argmax())  # ties: the first label
        return Guess(self.names[best], float(per[best]), float(per[best] - per[self._topic]))


def by_example(plan: Plan, vocab: Vocabulary, model: IntentModel) -> Plan:
    """The plan with the intent of the nearest examples, for a question no reader gave an intent to."""
    if plan.intent not in (Intent.TOPIC, Intent.LIST) or plan.schedule or plan.related_to or plan.time_from:
        return plan
    masked, refs = mask_references(plan.query, vocab)
    if not [w for w in masked.split() if w != "X"]:
        return plan  # a bare title is a lookup: topical search finds it first
    guess = model.classify(masked, also=plan.text)  # search encodes plan.text next, unless the intent changes
    if guess is None or guess.label in (TOPIC, "list", "schedule"):
        return plan
    note = f"read as {guess.label} by example ({guess.similarity:.2f})"
    notes = plan.notes + (note,)
    label = guess.label
    if label.startswith("event:"):
        fact = label.split(":", 1)[1]
        if (plan.intent == Intent.LIST and fact != "schedule") or TOPICAL_FRAME.search(plan.query):
            return plan  # "browse the poster titles", "talks about registration systems": not event facts
        ids = event_items(fact, vocab)
        if not ids:
            return plan
        return replace(plan, intent=Intent.EVENT, event_fact=fact, schedule=ids, text="", kinds=(), notes=notes)
    intent = Intent.from_str(label)
    if intent == Intent.RECOMMEND:  # "any talks on X" is a list the readers read; "I do X, what's good?" is not
        return plan if plan.intent == Intent.LIST else replace(plan, intent=intent, notes=notes)
    if intent == Intent.COMPARE and len(refs) < 2:  # search compares the best topical matches
        return replace(plan, intent=intent, targets=tuple(i.id for i in refs), notes=notes)
    if intent == Intent.OVERLAP and not refs:
        refs = [slot] if (slot := meal_slot(plan.query, vocab)) is not None else []
    if not refs:
        return plan  # related / about / who / when / overlap need the item the question names
    changes, what = asked_of(intent, refs, vocab)
    if intent not in (Intent.COMPARE, Intent.RELATED):
        changes.update(text="", kinds=())  # the named items answer: no topic, no kind filter to drop them
    return replace(plan, **changes, notes=plan.notes + (f"{what} ({note})",))
