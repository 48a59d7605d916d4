"""The intent classifier: unseen wordings land near their kind; look-alikes stay topical; a reader's reading
is overruled only by a sure classifier that disagrees."""

import json

import numpy as np
import pytest

from assistant.intent_examples import EXAMPLES, WORDINGS, all_examples
from assistant.intents import ExampleIntents, Guess, NGrams, by_example, char_grams, mask_references, word_grams
from assistant.lexicon import ordinary_words
from assistant.planner import Vocabulary, plan_query
from assistant.records import Intent
from assistant.search import LastQueries
from eval.planner import PLANNER, export, load_wordings, wording_right


@pytest.fixture(scope="module")
def vocab(items):
    return Vocabulary.build(items)


class Always:
    """A fake intent model: says one label for every question (sure of it or not), and records what it was
    shown."""

    def __init__(self, label, sure=False):
        self.label, self.sure, self.seen = label, sure, []

    def classify(self, text, also=""):
        self.seen.append(text)
        return Guess(self.label, 0.9, self.sure) if self.label else None


def test_items_are_masked_before_classifying(vocab):
    masked, refs = mask_references("if I go to the fireside chat will I miss anything", vocab)
    assert masked == "if I go to X will I miss anything" and [i.id for i in refs] == ["fireside-chat"]
    # an ordinary word of one title is not an item name in lowercase ("search"), a made-up name is ("tulib")
    assert mask_references("more stuff on vector search", vocab)[1] == []
    assert "search" in ordinary_words() and "tulib" not in ordinary_words()


def test_a_sure_topic_or_list_overrules_a_reader(vocab):
    """ "who here works on X?" asks for a topic; "who's got posters up? the whole list" for every poster."""
    before = plan_query("who here is doing stuff on stragglers in training", vocab)
    assert before.intent == Intent.WHO
    plan = by_example(before, vocab, Always("topic", sure=True))
    assert plan.intent == Intent.TOPIC and "stragglers" in plan.text and "by example" in plan.notes[-1]
    assert by_example(before, vocab, Always("topic")) == before  # not sure: the reader stands
    # an item named: the reader's reading of it stands, whatever the model says
    named = plan_query("when is the fireside chat", vocab)
    assert by_example(named, vocab, Always("topic", sure=True)) == named
    plan = by_example(plan_query("when do the posters go up", vocab), vocab, Always("list", sure=True))
    assert plan.intent == Intent.LIST and plan.whole_list and plan.kinds == ("poster",) and plan.text == ""
    assert plan.event_fact is None and plan.schedule == ()
    # a question no reader claimed is left as it is: it is already topical
    topical = plan_query("vector search at scale", vocab)
    assert by_example(topical, vocab, Always("list", sure=True)) == topical


def test_the_model_reads_the_part_that_asks(vocab):
    """ "Never mind who is giving it, when ...": the clause on what is not asked is not shown to the model."""
    model = Always("who", sure=True)
    by_example(plan_query("Never mind who is giving it, when can I see the Faiss poster?", vocab), vocab, model)
    assert model.seen == ["when can I see X ?"]  # the masked words, as the model learned them


def test_an_event_fact_does_not_overrule_an_item_the_readers_found(vocab):
    """ "what time does the first talk start": that talk's time, not the day's start; "when's lunch": the meal's
    slot as the event reader gives it, unless its end or start is asked."""
    first = plan_query("what time does the first talk start", vocab)
    assert by_example(first, vocab, Always("event:start", sure=True)) == first
    lunch = plan_query("when's lunch?", vocab)
    assert lunch.event_fact == "breaks" and by_example(lunch, vocab, Always("when", sure=True)) == lunch
    ends = by_example(plan_query("when does the happy hour end?", vocab), vocab, Always("when", sure=True))
    assert ends.intent == Intent.WHEN and ends.targets == ("happy-hour-poster-sessions",)


@pytest.mark.parametrize(
    "label,query,check",
    [
        ("overlap", "if I sit in on Metamate from Chatbot to Coworker, am I skipping stuff", "metamate"),
        ("event:breaks", "grub situation?", "breaks"),
        ("compare", "Nimble or the Tulib one, which is more for me", "nimble"),
        ("about", "what's the deal with the Faiss poster", "faiss"),
    ],
)
def test_the_model_decides_questions_no_reader_claimed(vocab, label, query, check):
    model = Always(label)
    plan = by_example(plan_query(query, vocab), vocab, model)
    assert str(plan.intent) == label.split(":")[0]
    assert check in " ".join(plan.targets + (plan.event_fact or "",))


def test_reader_intents_are_overruled_only_by_a_sure_model_that_disagrees(vocab):
    for q in ("when is lunch", "what runs at the same time as the fireside chat", "posters like the Faiss poster"):
        before = plan_query(q, vocab)
        assert by_example(before, vocab, Always("compare")) == before  # not sure: the reader's reading stands
    before = plan_query("what runs at the same time as the fireside chat", vocab)
    assert by_example(before, vocab, Always("overlap", sure=True)) == before  # sure, but it agrees
    plan = by_example(before, vocab, Always("who", sure=True))
    assert plan.intent == Intent.WHO and plan.targets == ("fireside-chat",) and "by example" in plan.notes[-1]
    # what the reader read and the new kind does not use is dropped: a window, a related item
    plan = by_example(plan_query("posters like the Faiss poster", vocab), vocab, Always("about", sure=True))
    assert plan.intent == Intent.ABOUT and plan.related_to is None and plan.targets == ("faiss-vector-search-at-meta",)
    plan = by_example(plan_query("what's on after 3pm for a data engineer", vocab), vocab, Always("who", sure=True))
    assert plan.intent != Intent.WHO  # "who" needs a named item; this names none
    # a sure "recommend" turns a whole list into advice; an unsure one does not
    listed = plan_query("list the sessions a data engineer would like", vocab)
    assert listed.intent == Intent.LIST
    assert by_example(listed, vocab, Always("recommend")).intent == Intent.LIST
    assert by_example(listed, vocab, Always("recommend", sure=True)).intent == Intent.RECOMMEND
    # advice is never refused, so a topic question turns into it only when the classifier is sure
    topical = plan_query("best tacos near the convention center", vocab)
    assert topical.intent == Intent.TOPIC
    assert by_example(topical, vocab, Always("recommend")).intent == Intent.TOPIC
    assert by_example(topical, vocab, Always("recommend", sure=True)).intent == Intent.RECOMMEND
    assert by_example(plan_query("vector search at scale", vocab), vocab, Always(None)).intent == Intent.TOPIC
    # a bare title is a lookup, not a question of some kind
    assert (
        by_example(plan_query("Zero-Copy Cloning", vocab), vocab, Always("compare", sure=True)).intent == Intent.TOPIC
    )


def test_structural_readings(vocab):
    assert plan_query("faiss poster or tidb poster", vocab).intent == Intent.COMPARE
    assert plan_query("what separates SEVmate from Unified Investigation Runbooks", vocab).targets == (
        "sevmate-rooting-out-the-cause-an-ai-approach-to-sev",
        "unified-investigation-runbooks",
    )
    plan = plan_query("what else is happening while lunch is served", vocab)
    assert plan.intent == Intent.OVERLAP and plan.targets == ("lunch-poster-sessions",)
    assert plan_query("more posters like Table Compare", vocab).related_to == (
        "table-compare-safeguarding-data-integrity-at-meta"
    )
    assert plan_query("what's tulib", vocab).intent == Intent.ABOUT
    assert plan_query("recommendation models and their storage", vocab).intent != Intent.RECOMMEND
    assert plan_query("whats the full schedule after 2pm", vocab).intent == Intent.SCHEDULE


def test_readings_of_typed_names(vocab):
    # a title word typed in two, and "whos"
    plan = plan_query("whos doing the ice berg one", vocab)
    assert plan.intent == Intent.WHO and plan.targets == ("how-to-prepare-your-agents-for-the-ice-berg-age",)
    # the event's own name, spelled loosely, is the event
    assert plan_query("when is atscale ai & data", vocab).event_fact == "date"
    assert plan_query("when is @Scale AI and Data 2025?", vocab).event_fact == "date"
    assert plan_query("what time does everything wrap up", vocab).event_fact == "end"
    # a person with one item: "when is X on" is that item's time; with two, both stay a person filter
    assert plan_query("when is gade on", vocab).targets == (
        "agentic-observability-making-llm-apps-debuggable-trustworthy",
    )
    assert plan_query("when is Jelena speaking", vocab).people == ("Jelena Pješivac-Grbović",)
    # a second item after a first one's noun, and two title runs in one sentence
    assert plan_query("how do the genai panel and infra panel differ", vocab).targets == (
        "live-panel-genai-startups",
        "live-panel-infrastructure-in-an-agentic-world",
    )
    plan = plan_query("how is growth analytics agent different from scaling business ai agents", vocab)
    assert plan.intent == Intent.COMPARE and len(plan.targets) == 2
    # "X vs Y" with sides that name no item outright: each side's closest title; search fills what is left
    plan = plan_query("log collection vs log ingestion poster", vocab)
    assert plan.intent == Intent.COMPARE and "vs" not in plan.text.split()
    assert plan.targets[0] == "meta-log-collection-scale-system-for-handling-logs-from"
    assert plan_query("compare the posters about user feedback", vocab).intent == Intent.COMPARE
    assert plan_query("compare approaches to embedding storage on ssd", vocab).intent != Intent.COMPARE
    assert plan_query("talks comparing iceberg and delta lake", vocab).intent != Intent.COMPARE
    # a person's one talk, for the questions asked of an item; "talks by X" stays a person filter
    plan = plan_query("should i see hollan or gade", vocab)
    assert plan.intent == Intent.COMPARE and len(plan.targets) == 2
    assert plan_query("what's happening while sokolenko speaks", vocab).intent == Intent.OVERLAP
    # short titles said whole, chat spellings
    assert plan_query("if i sit through the q&a what do i miss", vocab).targets[:1] == ("q-a-session",)
    assert plan_query("wen is barr moses speaking", vocab).intent == Intent.WHEN
    assert plan_query("fireside chat w who?", vocab).intent == Intent.WHO
    # clock words, a kind noun typed with a slip, "more info on" is about, "something else" is not "more"
    assert plan_query("what's on at half past two", vocab).intent == Intent.SCHEDULE
    assert plan_query("i wanna browse all the postres", vocab).kinds == ("poster",)
    assert plan_query("more info on the tidb 500k databases thing", vocab).intent == Intent.ABOUT
    plan = plan_query("the meta log collection poster, is it about logging infra or something else?", vocab)
    assert plan.intent == Intent.ABOUT
    # "what day is X": that item's time, not the event's date; "is lunch provided": the breaks
    assert plan_query("what day is the iceberg talk, and at what time", vocab).intent == Intent.WHEN
    assert plan_query("Is lunch provided, and how many breaks are there?", vocab).event_fact == "breaks"
    # an explicit whole list beats a profile ("i'm a student"); advice words keep it a recommendation
    assert plan_query("i'm a student, could you list me all the talks?", vocab).intent == Intent.LIST
    assert plan_query("i'm a student, which talks should i see", vocab).intent == Intent.RECOMMEND
    # "like" between two items compares them; "like" as filler is not "related"; "Gade's" is his talk
    plan = plan_query("is the faiss poster anything like the realtime graph one", vocab)
    assert plan.intent == Intent.COMPARE and len(plan.targets) == 2
    assert plan_query("who is the metamate talk aimed at, like what's the angle", vocab).intent == Intent.ABOUT
    assert plan_query("similar sessions to Krishna Gade's", vocab).intent == Intent.RELATED
    # a talk about registration is a topic; "@Scale" alone is the event, not the org Anyscale
    assert plan_query("any talks about registration systems or user sign-up flows", vocab).intent != Intent.EVENT
    assert plan_query("first time at an @Scale event, what shouldn't I miss", vocab).orgs == ()
    # "the poster of X" names it; a topical overlap is "related", a clock overlap is "overlap"
    plan = plan_query("what is near in subject to the poster of data loading optimization", vocab)
    assert (
        plan.intent == Intent.RELATED and plan.related_to == "optimizing-data-loading-for-efficient-ai-model-training"
    )
    assert plan_query("anything that overlaps topic-wise with the runbooks poster?", vocab).intent == Intent.RELATED
    assert plan_query("breakfast window - what else happens then", vocab).intent == Intent.OVERLAP
    # "I don't care about times" is not an interest; "my boss cares about AI governance" is
    assert plan_query("list the posters, I don't care about times", vocab).intent == Intent.LIST
    assert (
        plan_query("my boss cares mostly about AI governance, what should she go to", vocab).intent == Intent.RECOMMEND
    )
    # a kind alone is a list of it; chat fillers are not topic words
    assert plan_query("posters?", vocab).intent == Intent.LIST
    assert plan_query("how many talks r there", vocab).text == ""
    # look-alikes: "these talks", "data quality and observability talks" name no item
    assert plan_query("these talks on agents", vocab).targets == ()
    assert plan_query("talks on data quality and observability talks", vocab).targets == ()
    assert plan_query("which posters should a database person check out", vocab).intent == Intent.RECOMMEND


def test_real_model_reads_the_dev_wordings(real_searcher):
    """On the wordings it learned from nearly all are read right; eval/results/planner.md reports each group
    read by a classifier fit without it, and eval/planner_replay.py a group's first contact."""
    rows = load_wordings(PLANNER / "dev.jsonl")
    right = [wording_right(r, plan_query(r["text"], real_searcher.vocab, real_searcher.intents)) for r in rows]
    assert sum(right) / len(rows) >= 0.95
    plan = plan_query("if I go to the fireside chat will I miss anything", real_searcher.vocab, real_searcher.intents)
    assert plan.intent == Intent.OVERLAP


def test_the_shipped_wordings_are_the_export_of_the_planner_groups(tmp_path, vocab):
    """assistant/intent_wordings.jsonl is what `python -m eval.planner --export` writes from eval/data/planner
    now: a group added or relabeled without exporting would leave the classifier learning old labels."""
    out = tmp_path / "wordings.jsonl"
    n = export(vocab, out)
    assert out.read_text(encoding="utf-8") == WORDINGS.read_text(encoding="utf-8")
    examples = all_examples()
    assert sum(len(v) for v in examples.values()) == n + sum(len(v) for v in EXAMPLES.values())
    assert set(examples) == set(EXAMPLES)  # every wording's label is one the generic examples have


class Bag:
    """A fake encoder: a text's vector is its words, hashed into 64 buckets (deterministic, no model)."""

    name, dim = "bag-of-words", 64

    def __init__(self):
        self.calls = []

    def encode_queries(self, texts):
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, sum(map(ord, w)) % self.dim] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


SMALL = {
    "topic": ("talks about vector search", "anything on storage", "sessions on data quality"),
    "when": ("when is X", "what time is X", "when does X start"),
    "who": ("who is giving X", "who speaks at X", "who presents X"),
}


def test_the_classifier_learns_its_examples_and_keeps_its_weights(tmp_path):
    first = ExampleIntents(Bag(), 0.5, 0.95, cache_dir=tmp_path, examples=SMALL)
    assert first.likeliest("what time is X").label == "when" and first.likeliest("who presents X").label == "who"
    guess = first.likeliest("talks about vector search")
    assert guess.label == "topic" and 0.0 < guess.probability <= 1.0
    p = first.probabilities(["when is X", "who is giving X"])
    assert p.shape == (2, 3) and np.allclose(p.sum(axis=1), 1.0)
    # below the bar no kind is said; at the sure bar the guess says so
    assert ExampleIntents(Bag(), 1.01, 1.01, examples=SMALL).classify("when is X") is None
    assert ExampleIntents(Bag(), 0.0, 0.0, examples=SMALL).classify("when is X").sure
    # a second start reads the weights and encodes no example
    again_enc = Bag()
    again = ExampleIntents(again_enc, 0.5, 0.95, cache_dir=tmp_path, examples=SMALL)
    assert again_enc.calls == [] and np.array_equal(first.weights, again.weights)
    # other examples are another model: fit again
    other = dict(SMALL, when=SMALL["when"] + ("at what hour is X",))
    ExampleIntents(again_enc, 0.5, 0.95, cache_dir=tmp_path, examples=other)
    assert again_enc.calls and len(list((tmp_path / "intent-examples").glob("softmax-*.npz"))) == 2


def test_ngram_weights_are_scikit_learns_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    train = ["When is X?", "who  speaks at X", "wen is the brake", "Qui présente X ?", "a b c", "I go to X; when?"]
    test = ["when's X", "WHO speaks", "a", "présente   X à", "nothing known here zzz", ""]
    for analyzer, grams, mine in (("word", (1, 2), word_grams), ("char_wb", (2, 5), char_grams)):
        tfidf = TfidfVectorizer(analyzer=analyzer, ngram_range=grams, sublinear_tf=True, min_df=1).fit(train)
        ours = NGrams(mine, tfidf.vocabulary_, tfidf.idf_)
        expected = tfidf.transform(test).toarray()
        for text, row in zip(test, expected):
            got = np.zeros_like(row)
            cols, vals = ours.weights(text)
            got[cols] = vals
            assert np.allclose(got, row), (analyzer, text)


def test_the_classifier_reads_small_words_and_slips():
    """The n-grams keep what decides a kind: a question word the embedding barely weighs, typed with a slip.
    Here the encoder says nothing (one vector for every text), so the n-grams alone must decide."""

    class Blind:
        name, dim = "blind", 8

        def encode_queries(self, texts):
            return np.ones((len(texts), self.dim), np.float32) / np.sqrt(self.dim)

    model = ExampleIntents(Blind(), 0.5, 0.95, examples=SMALL)
    assert model.likeliest("wehn is X").label == "when" and model.likeliest("whoo presents X").label == "who"


def test_examples_cover_every_label(real_searcher):
    labels = {str(i) for i in Intent} - {"event"} | {"event:" + f for f in ("venue", "date", "start", "end", "breaks")}
    assert labels <= set(EXAMPLES)
    assert real_searcher.intents.names == sorted(all_examples())


def test_one_encode_per_question_text():
    calls = []

    class Enc:
        name, dim = "fake", 3

        def encode_queries(self, texts):
            calls.append(list(texts))
            return np.ones((len(texts), 3), np.float32)

    enc = LastQueries(Enc(), size=2)
    for t in ("a", "a", "b", "a", "c", "d", "a"):
        enc.encode_queries([t])
    assert calls == [["a"], ["b"], ["c"], ["d"], ["a"]]
    # the intent's text and the search text in one batch; the search then finds its vector kept
    calls.clear()
    assert enc.encode_queries(["what is x", "x"]).shape == (2, 3)
    assert enc.encode_queries(["x"]).shape == (1, 3) and calls == [["what is x", "x"]]


def test_search_text_encoded_with_the_intent_text(fake_searcher):
    """A topical question the intent reader sees: its masked text and the search text go to the model in
    one batch, and search encodes nothing more."""
    calls = []
    inner = fake_searcher.encoder.embedder

    class Spy:
        name, dim = inner.name, inner.dim

        def encode_queries(self, texts):
            calls.append(list(texts))
            return inner.encode_queries(texts)

    fake_searcher.search("warm up")  # the example questions' vectors
    fake_searcher.encoder.embedder = Spy()
    try:
        res = fake_searcher.search("anything from Meta on storage for training data?")
    finally:
        fake_searcher.encoder.embedder = inner
    assert res.plan.orgs == ("Meta",) and res.hits and res.plan.text not in calls[0][0]
    assert len(calls) == 1 and len(calls[0]) == 2 and res.plan.text == calls[0][1], calls


def test_an_item_described_by_what_it_does():
    from assistant.readers import described_item

    what = described_item("Who is the person giving the talk about the computer helping people get at the warehouse?")
    assert what == "the computer helping people get at the warehouse"
    assert described_item("I enjoyed the one about customer feedback with a chatty program. Others like it?") == (
        "customer feedback with a chatty program"
    )
    assert described_item("there was a talk about agents getting at the data warehouse... who gave it?") == (
        "agents getting at the data warehouse"
    )
    assert described_item("when is the talk on agents") == ""  # a topic describes no one item
    assert described_item("who is giving the talk about AI agents?") == ""
    assert described_item("the one about silent mistakes or the one about the real world?") == ""  # two items
    assert described_item("who works on data quality") == ""


def test_search_finds_the_item_described_or_stays_topical(real_searcher):
    plan = real_searcher.search(
        "Who is the person giving the talk about the computer helping people get at the big data warehouse?"
    ).plan
    assert plan.intent == Intent.WHO and plan.targets == ("agentic-solution-for-data-warehouse-access",)
    assert "(the item described)" in plan.notes[-1] and plan.text == ""
    # the classifier's kind, with the item described: what runs beside it
    plan = real_searcher.search(
        "While the talk on the computer's silent mistakes is going on, is there anything else I'd miss?"
    ).plan
    assert plan.intent == Intent.OVERLAP and plan.targets == (
        "silent-errors-in-large-scale-llm-training-challenges-and",
    )
    # a description many items fit names none: the people of the matches, as for "who works on agents?"
    plan = real_searcher.search("who is giving the talk about data systems for AI workloads?").plan
    assert plan.intent == Intent.WHO and plan.targets == () and "no one item matches the description" in plan.notes


def test_a_person_named_for_their_one_talk(vocab):
    """As the readers do: their one talk; for "when" and "about", the sessions they share after it."""
    question = plan_query("What treats the talk of Jeff Hollan?", vocab)
    plan = by_example(question, vocab, Always("about"))
    assert plan.intent == Intent.ABOUT
    assert plan.targets == ("beyond-rag-production-ready-ai-agents-powered-by-enterprise", "q-a-session")
    plan = by_example(question, vocab, Always("who"))
    assert plan.intent == Intent.WHO and plan.targets == (
        "beyond-rag-production-ready-ai-agents-powered-by-enterprise",
    )


def test_first_contact_reads_new_groups_pooled_and_refuses_a_development_group(vocab, tmp_path):
    from eval.planner import first_contact

    rows = [
        {"id": "n1", "text": "when is the Faiss poster?", "intent": "when", "targets": ["faiss-vector-search-at-meta"]},
        {"id": "n2", "text": "who gives the Metamate talk?", "intent": "who", "targets": ["agentic-evals"]},
    ]
    new = tmp_path / "new.jsonl"
    new.write_text("".join(json.dumps({"fact": None, "lookalike": False, **r}) + "\n" for r in rows))
    lines = first_contact([new], vocab, None, None)
    assert "| when | 1/1 (1.00) | 1/1 (1.00) |" in lines and "| who | 0/1 (0.00) | 0/1 (0.00) |" in lines
    assert any(line.startswith("- n2 (who)") for line in lines)  # the wrong item named: read wrong
    with pytest.raises(SystemExit, match="already development groups"):
        first_contact([PLANNER / "heldout46.jsonl"], vocab, None, None)
