"""What kind of question it is, learned from labeled example questions: unseen wordings land near their kind.

The readers (`assistant/readers/`) catch the wordings their patterns know, precisely. Every question is
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

The classifier reads two views of a question: its embedding (any `Embedder`'s `encode_queries`), which puts
unseen wordings near their kind, and tf-idf weights of its words, word pairs and character n-grams, which keep
the small words that decide a kind ("when", "who", "vs") and survive slips ("wen", "hwo"). Together they read
new planner groups' intents right more often than either alone (eval/results/README.md). The example vectors
and the fitted model are kept in small cache files, keyed by the model and the examples, so a start reads
them. scikit-learn fits the model (`LogisticRegression`, `TfidfVectorizer`) and is imported only then; a
question's n-grams are weighted by `NGrams`, which reproduces `TfidfVectorizer.transform` (tested against it)
because importing scikit-learn's text module costs about 1.5 s at every start.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from assistant.gloss import gloss
from assistant.intent_examples import all_examples
from assistant.readers import (
    ONE_ITEM,
    TOPICAL_FRAME,
    asked_of,
    described_item,
    event_items,
    find_references,
    meal_slot,
    people_spans,
    read_kinds,
    sessions_of,
    their_item,
    unasked_dropped,
)
from assistant.records import Intent, Plan
from assistant.vocabulary import Vocabulary

TOPIC = "topic"
STRENGTH = 16.0  # the inverse regularization of the logistic regression (scikit-learn's C)
FEATURES = "embedding+tfidf(word 1-2, char_wb 2-5, sublinear, min_df 2)"  # in the cache key: a change refits
WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
SPACES = re.compile(r"\s\s+")


def word_grams(text: str) -> list[str]:
    """Words of two letters or more, and adjacent pairs of them (TfidfVectorizer, ngram_range (1, 2))."""
    words = WORD.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def char_grams(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with a space (TfidfVectorizer's char_wb)."""
    out = []
    for word in SPACES.sub(" ", text.lower()).split():
        word = f" {word} "
        for n in range(low, high + 1):
            out.extend(word[i : i + n] for i in range(max(len(word) - n, 0) + 1))
            if len(word) <= n:  # a short word counts once
                break
    return out


@dataclass(frozen=True)
class NGrams:
    """Sublinear tf-idf of one kind of n-gram, l2-normalized, with a fitted vocabulary and idf."""

    grams: Callable[[str], list[str]]  # a text's n-grams
    vocabulary: dict  # n-gram -> column
    idf: np.ndarray

    def weights(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The columns a text has and their weights (the nonzeros of its tf-idf row)."""
        counts = Counter(g for g in self.grams(text) if g in self.vocabulary)
        cols = np.fromiter((self.vocabulary[g] for g in counts), dtype=np.int64, count=len(counts))
        vals = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
        vals = vals * self.idf[cols]
        norm = float(np.sqrt((vals**2).sum()))
        return cols, (vals / norm if norm else vals)


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
    """The question (read as English, assistant/gloss.py) with each agenda item it names written "X", and those
    items in order."""
    return _masked(gloss(text)[0], vocab)


def _masked(text: str, vocab: Vocabulary) -> tuple[str, list]:
    refs = find_references(text, vocab, loose=False)
    out = text
    for _, s, e in sorted(refs, key=lambda f: -f[1]):
        out = out[:s] + " X " + out[e:]
    return " ".join(out.split()), [r[0] for r in refs]


class ExampleIntents:
    """A softmax classifier of question kinds over an encoder (`encode_queries`) and the question's n-grams,
    fit on example questions."""

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
        key = hashlib.sha256(json.dumps([embedder.name, STRENGTH, FEATURES, texts, labels]).encode()).hexdigest()[:16]
        path = Path(cache_dir) / "intent-examples" / f"softmax-{key}.npz" if cache_dir is not None else None
        if path is not None and path.exists():
            with np.load(path) as f:
                fitted = {k: f[k] for k in f.files}
        else:
            fitted = self._fit(texts, labels, cache_dir)
            if path is not None:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = path.with_suffix(".tmp.npz")
                    np.savez(tmp, **fitted)
                    tmp.replace(path)
                except OSError:  # a read-only data dir: the model is used, just not kept
                    pass
        self.weights, self.bias = fitted["weights"], fitted["bias"]
        self.ngrams = [
            NGrams(
                grams,
                {g: i for i, g in enumerate(json.loads(str(fitted[f"{name}_vocabulary"])))},
                fitted[f"{name}_idf"],
            )
            for name, grams in (("word", word_grams), ("char", char_grams))
        ]

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

    def _fit(self, texts: list[str], labels: list[str], cache_dir: Path | None) -> dict:
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        blocks, fitted = [sparse.csr_matrix(self._vectors(texts, cache_dir))], {}
        for name, analyzer, grams in (("word", "word", (1, 2)), ("char", "char_wb", (2, 5))):
            tfidf = TfidfVectorizer(analyzer=analyzer, ngram_range=grams, sublinear_tf=True, min_df=2)
            blocks.append(tfidf.fit_transform(texts))
            vocabulary = sorted(tfidf.vocabulary_, key=tfidf.vocabulary_.get)
            fitted[f"{name}_vocabulary"] = np.array(json.dumps(vocabulary))
            fitted[f"{name}_idf"] = tfidf.idf_
        model = LogisticRegression(C=STRENGTH, max_iter=5000).fit(sparse.hstack(blocks).tocsr(), labels)
        assert list(model.classes_) == self.names
        return dict(fitted, weights=model.coef_.astype(np.float32), bias=model.intercept_.astype(np.float32))

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Each text's probability per kind (rows follow `texts`, columns `names`)."""
        q = np.asarray(self.embedder.encode_queries(texts), dtype=np.float32)
        dim = q.shape[1]
        z = q @ self.weights[:, :dim].T + self.bias
        for row, text in zip(z, texts):
            start = dim
            for ngrams in self.ngrams:
                cols, vals = ngrams.weights(text)
                row += self.weights[:, start + cols] @ vals.astype(np.float32)
                start += len(ngrams.idf)
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


def _person_items(query: str, intent: Intent, vocab: Vocabulary) -> list:
    """The one talk of the person a question names ("what treats the talk of Jeff Hollan?"), then, for "when"
    and "about", the sessions they share, as `read_references` reads them; [] when they have no one talk."""
    spans = people_spans(query, vocab)
    said = re.sub("|".join(re.escape(query[s:e]) for _, s, e in spans), " ", query) if spans else ""
    item = their_item(vocab, {name.casefold() for name, _, _ in spans}, said=said) if spans else None
    if item is None:
        return []
    shared = (
        [i for name, _, _ in spans for i in sessions_of(name, vocab)] if intent in (Intent.WHEN, Intent.ABOUT) else []
    )
    return [item] + [i for i in dict.fromkeys(shared) if i != item]


_ONE_END = re.compile(r"\b(?:end|ends|ending|finish\w*|over|start|starts|begin\w*)\b", re.I)  # "when does X end?"


def by_example(plan: Plan, vocab: Vocabulary, model: IntentModel) -> Plan:
    """The plan with the classifier's kind of question: for a question no reader claimed, at the model's
    lower bar; for one a reader claimed, only when the model is sure and says another kind."""
    masked, refs = _masked(plan.query, vocab)  # the planner's question is read as English already
    if not [w for w in masked.split() if w != "X"]:
        return plan  # a bare title is a lookup: topical search finds it first
    claimed = plan.intent not in (Intent.TOPIC, Intent.LIST) or bool(plan.schedule or plan.related_to or plan.time_from)
    # what is said not to be asked ("never mind who gives it, ...") is not read; the items it names still count
    asked = unasked_dropped(plan.query, vocab)
    if asked != plan.query:
        masked = _masked(asked, vocab)[0]
    # search encodes plan.text next, unless the intent changes; a claimed question searches no topic
    guess = model.classify(masked, also="" if claimed else plan.text)
    if guess is None or guess.label == "schedule" or (guess.label in (TOPIC, "list") and not claimed):
        return plan  # a time is the readers' to read; a question no reader claimed is already topical or a list
    if claimed and not (guess.sure and guess.label != label_of(plan)):
        return plan
    note = f"read as {guess.label} by example ({guess.probability:.2f})"
    notes = plan.notes + (note,)
    label = guess.label
    # what the reader read that the new kind does not keep
    base = replace(plan, event_fact=None, schedule=(), related_to=None, targets=(), window=False) if claimed else plan
    if label == TOPIC:  # "who here works on stragglers?": a topic, not a person
        if not plan.text or refs:
            return plan  # no topic words left, or an item named: the reader's reading of it stands
        return replace(base, intent=Intent.TOPIC, time_from=None, time_to=None, notes=notes)
    if label == "list":  # "who's got posters up? paste the whole list": every item of the kinds it names
        kinds = plan.kinds or read_kinds(plan.query, vocab).changes.get("kinds", ())
        return replace(base, intent=Intent.LIST, whole_list=True, text="", kinds=kinds, notes=notes)
    if label.startswith("event:"):
        fact = label.split(":", 1)[1]
        if (plan.intent == Intent.LIST and fact != "schedule") or TOPICAL_FRAME.search(plan.query):
            return plan  # "browse the poster titles", "talks about registration systems": not event facts
        if plan.targets and fact in ("start", "end", "date", "poster_sessions"):
            return plan  # "what time does the first talk start": that item's time, as the event reader reads it
        ids = event_items(fact, vocab)
        if not ids:
            return plan
        return replace(base, intent=Intent.EVENT, event_fact=fact, schedule=ids, text="", kinds=(), notes=notes)
    intent = Intent.from_str(label)
    if (
        plan.event_fact == "breaks"
        and intent in (Intent.WHEN, Intent.ABOUT)
        and all(i.kind == "logistics" for i in refs)
        and not _ONE_END.search(plan.query)
    ):
        return plan  # "when's lunch?": the meal's time either way, as the event reader gives it
    if intent == Intent.RECOMMEND:  # "any talks on X" is a list the readers read; "I do X, what's good?" is not
        if plan.intent not in (Intent.TOPIC, Intent.LIST, Intent.WHO) or plan.targets or plan.related_to:
            return plan  # advice names no item
        if plan.intent in (Intent.LIST, Intent.TOPIC) and not guess.sure:
            return plan  # advice is never refused, so a question that only may ask it stays a list or a topic
        return replace(base, intent=intent, notes=notes)
    if intent == Intent.COMPARE and len(refs) < 2:  # search compares the best topical matches
        return replace(base, intent=intent, targets=tuple(i.id for i in refs), notes=notes)
    if intent == Intent.OVERLAP and not refs:
        refs = [slot] if (slot := meal_slot(plan.query, vocab)) is not None else []
    if not refs and intent in ONE_ITEM:
        refs = _person_items(plan.query, intent, vocab)
    if not refs:  # related / about / who / when / overlap need the item the question names, or describes
        what = described_item(plan.query) if intent in ONE_ITEM and not claimed else ""
        if not what:
            return plan  # a reader's reading stands: the item asked of is unknown
        return replace(plan, intent=intent, described=what, notes=notes)  # search finds it (Searcher.described)
    if claimed:  # the times were the reader's reading of the question, not the named item's
        base = replace(base, time_from=None, time_to=None)
    changes, what = asked_of(intent, refs, vocab)
    if intent not in (Intent.COMPARE, Intent.RELATED):
        changes.update(text="", kinds=())  # the named items answer: no topic, no kind filter to drop them
    return replace(base, **changes, notes=plan.notes + (f"{what} ({note})",))
