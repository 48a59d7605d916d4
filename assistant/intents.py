"""What kind of question it is, learned from labeled example questions: unseen wordings land near their kind.

The readers (`assistant/readers.py`) catch the wordings their patterns know, precisely. Every question is
also read by a softmax classifier (multinomial logistic regression) over the embeddings of example questions:
the generic ones of `assistant/intent_examples.py` and the labeled wordings of eval/data/planner
(`assistant/intent_wordings.jsonl`), each with the agenda items it names masked ("if I go to X will I miss
anything?"). It has two bars (settings):
- `intent_min_probability`: a question no reader gave an intent to takes the classifier's kind at this
  probability; else it stays topical;
- `intent_sure_probability`: a question a reader did claim takes the classifier's kind instead, when the two
  disagree and the classifier is this sure (a reader's phrase rule that fired on a look-alike).
Both bars were fitted on the first contact of one planner group and checked on the next
(`python -m eval.planner_replay`, eval/results/planner.md).

The classifier is one method over any `Embedder`'s `encode_queries`. The example vectors and the fitted
weights are kept in small cache files, keyed by the model and the examples, so a start reads them; a logistic
regression over embeddings is what scikit-learn's `LogisticRegression` is made for, so it fits the weights
(imported only when it fits).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.intent_examples import all_examples
from assistant.readers import TOPICAL_FRAME, asked_of, event_items, find_references, meal_slot
from assistant.records import Intent, Plan
from assistant.vocabulary import Vocabulary

TOPIC = "topic"
STRENGTH = 16.0  # the inverse regularization of the logistic regression (scikit-learn's C)


@dataclass(frozen=True)
class Guess:
    label: str  # an Intent value, "event:<fact>", or "topic"
    probability: float  # the classifier's probability of the label
    sure: bool = False  # at or above the bar at which it overrules a reader


class IntentModel(Protocol):
    def classify(self, text: str, also: str = "") -> Guess | None:
        """The kind of question, or None when no kind is likely enough to say. `also`: a text the caller is
        about to encode (the topical search text), which a model may encode in the same batch."""


def mask_references(text: str, vocab: Vocabulary) -> tuple[str, list]:
    """The question with each agenda item it names written "X", and those items in order."""
    refs = find_references(text, vocab, loose=False)
    out = text
    for _, s, e in sorted(refs, key=lambda f: -f[1]):
        out = out[:s] + " X " + out[e:]
    return " ".join(out.split()), [r[0] for r in refs]


class ExampleIntents:
    """A softmax classifier of question kinds over an encoder (`encode_queries`), fit on example questions."""

    def __init__(
        self,
        embedder,
        min_probability: float,
        sure_probability: float,
        cache_dir: Path | None = None,
        examples: dict | None = None,
    ):
        self.embedder = embedder
        self.min_probability, self.sure_probability = min_probability, sure_probability
        examples = all_examples() if examples is None else examples
        texts = [t for ts in examples.values() for t in ts]
        labels = [label for label, ts in examples.items() for _ in ts]
        self.names = sorted(examples)
        key = hashlib.sha256(json.dumps([embedder.name, STRENGTH, texts, labels]).encode()).hexdigest()[:16]
        path = Path(cache_dir) / "intent-examples" / f"softmax-{key}.npz" if cache_dir is not None else None
        if path is not None and path.exists():
            with np.load(path) as f:
                self.weights, self.bias = f["weights"], f["bias"]
        else:
            self.weights, self.bias = self._fit(self._vectors(texts, cache_dir), labels)
            if path is not None:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = path.with_suffix(".tmp.npz")
                    np.savez(tmp, weights=self.weights, bias=self.bias)
                    tmp.replace(path)
                except OSError:  # a read-only data dir: the weights are used, just not kept
                    pass

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

    def _fit(self, vectors: np.ndarray, labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=STRENGTH, max_iter=3000).fit(vectors, labels)
        assert list(model.classes_) == self.names
        return model.coef_.astype(np.float32), model.intercept_.astype(np.float32)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Each text's probability per kind (rows follow `texts`, columns `names`)."""
        q = np.asarray(self.embedder.encode_queries(texts), dtype=np.float32)
        z = q @ self.weights.T + self.bias
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def classify(self, text: str, also: str = "") -> Guess | None:
        guess = self.likeliest(text, also)
        return guess if guess.probability >= self.min_probability else None

    def likeliest(self, text: str, also: str = "") -> Guess:
        """The likeliest kind, however unlikely (for fitting the bars). `also` is encoded in the same batch (one
        model call for two short texts takes about 0.75 of two calls); the encoder may keep its vector."""
        p = self.probabilities([text, also] if also and also != text else [text])[0]
        best = int(p.argmax())  # ties: the first label
        prob = float(p[best])
        return Guess(self.names[best], prob, prob >= self.sure_probability)


def label_of(plan: Plan) -> str:
    """The classifier's label for what a plan reads ("event:<fact>" for event facts)."""
    return f"event:{plan.event_fact}" if plan.intent == Intent.EVENT else str(plan.intent)


def by_example(plan: Plan, vocab: Vocabulary, model: IntentModel) -> Plan:
    """The plan with the classifier's kind of question: for a question no reader claimed, at the model's
    lower bar; for one a reader claimed, only when the model is sure and says another kind."""
    masked, refs = mask_references(plan.query, vocab)
    if not [w for w in masked.split() if w != "X"]:
        return plan  # a bare title is a lookup: topical search finds it first
    claimed = plan.intent not in (Intent.TOPIC, Intent.LIST) or bool(plan.schedule or plan.related_to or plan.time_from)
    # search encodes plan.text next, unless the intent changes; a claimed question searches no topic
    guess = model.classify(masked, also="" if claimed else plan.text)
    if guess is None or guess.label in (TOPIC, "list", "schedule"):
        return plan
    if claimed and not (guess.sure and guess.label != label_of(plan)):
        return plan
    note = f"read as {guess.label} by example ({guess.probability:.2f})"
    notes = plan.notes + (note,)
    label = guess.label
    # what the reader read that the new kind does not keep
    base = replace(plan, event_fact=None, schedule=(), related_to=None, targets=(), window=False) if claimed else plan
    if label.startswith("event:"):
        fact = label.split(":", 1)[1]
        if (plan.intent == Intent.LIST and fact != "schedule") or TOPICAL_FRAME.search(plan.query):
            return plan  # "browse the poster titles", "talks about registration systems": not event facts
        ids = event_items(fact, vocab)
        if not ids:
            return plan
        return replace(base, intent=Intent.EVENT, event_fact=fact, schedule=ids, text="", kinds=(), notes=notes)
    intent = Intent.from_str(label)
    if intent == Intent.RECOMMEND:  # "any talks on X" is a list the readers read; "I do X, what's good?" is not
        if plan.intent not in (Intent.TOPIC, Intent.LIST, Intent.WHO) or plan.targets or plan.related_to:
            return plan  # advice names no item
        return plan if plan.intent == Intent.LIST and not guess.sure else replace(base, intent=intent, notes=notes)
    if intent == Intent.COMPARE and len(refs) < 2:  # search compares the best topical matches
        return replace(base, intent=intent, targets=tuple(i.id for i in refs), notes=notes)
    if intent == Intent.OVERLAP and not refs:
        refs = [slot] if (slot := meal_slot(plan.query, vocab)) is not None else []
    if not refs:
        return plan  # related / about / who / when / overlap need the item the question names
    if claimed:  # the times were the reader's reading of the question, not the named item's
        base = replace(base, time_from=None, time_to=None)
    changes, what = asked_of(intent, refs, vocab)
    if intent not in (Intent.COMPARE, Intent.RELATED):
        changes.update(text="", kinds=())  # the named items answer: no topic, no kind filter to drop them
    return replace(base, **changes, notes=plan.notes + (f"{what} ({note})",))
