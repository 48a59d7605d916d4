"""Property tests: any text given to search or to the answerer gives a result or one of our errors,
never a traceback; citations always point at a hit given."""

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant import scoring
from assistant.answer import CLARIFY, Assistant
from assistant.search import SearchError

# Words the planner reacts to, mixed with markup, digits and odd characters.
WORDS = [
    "who",
    "when",
    "which",
    "talks",
    "posters",
    "panel",
    "about",
    "after",
    "before",
    "morning",
    "afternoon",
    "like",
    "the",
    "second",
    "one",
    "faiss",
    "agents",
    "data",
    "Meta",
    "Snowflake",
    "break",
    "lunch",
    "[1]",
    "<b>",
    "**",
    "\u2028",
    "\x00",
    "😀",
    "  ",
    "?",
    "'",
    '"',
    "-",
    "9:30",
    "PM",
    "10",
    "é",
]
questions = st.one_of(st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join), st.text(max_size=60))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(questions)
def test_search_gives_a_result_or_search_error(fake_searcher, query):
    try:
        result = fake_searcher.search(query)
    except SearchError as exc:
        assert str(exc)
        return
    assert [h.rank for h in result.hits] == list(range(1, len(result.hits) + 1))


@SETTINGS
@given(questions)
def test_answer_gives_an_answer_or_search_error(fake_searcher, fake_settings, question):
    bot = Assistant(fake_searcher, fake_settings)
    try:
        ans = bot.answer(question)
    except SearchError:
        return
    assert isinstance(ans.text, str) and ans.text.strip()
    assert all(1 <= c.n <= len(ans.hits) for c in ans.citations)
    assert ans.refused == (not ans.hits) or (ans.text == CLARIFY and not ans.refused)  # "[1]" with nothing to refer to


PLANNER_WORDS = WORDS + [
    "compare",
    "vs",
    "overlap",
    "same time as",
    "recommend",
    "from 11 to noon",
    "until 3pm",
    "right after",
    "the Iceberg talk",
    "'Agentic Evals'",
    "where is the conference",
    "all the",
    "Gaade",
    "snowflak",
    "last talk of the day",
    "the one before",
]


@SETTINGS
@given(st.one_of(st.lists(st.sampled_from(PLANNER_WORDS), max_size=10).map(" ".join), st.text(max_size=80)))
@example("from 11 to noon 'Agentic Evals' like one")  # a window holding the named item, asked "like" it
def test_planner_reads_any_text_into_a_valid_plan(items, question):
    from assistant.planner import plan_query
    from assistant.records import Intent

    vocab = _vocab(items)
    plan = plan_query(question, vocab)
    ids = {i.id for i in items}
    assert plan.intent in set(Intent)
    assert (
        set(plan.schedule) <= ids and set(plan.targets) <= ids and (plan.related_to is None or plan.related_to in ids)
    )
    assert plan.related_to is None or plan.related_to not in plan.schedule  # the named item is never the answer


_VOCABS: dict = {}


def _vocab(items):
    from assistant.planner import Vocabulary

    return _VOCABS.setdefault(id(items), Vocabulary.build(items))


scores_st = st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, float("-inf")]), min_size=1, max_size=60)


@given(scores=scores_st, data=st.data())
def test_partial_ranking_equals_the_full_sort(scores, data):
    """`rank_of` and `top_rows` (what search uses on large corpora) agree with a stable sort of everything."""
    s = np.array(scores)
    rows = np.array(data.draw(st.lists(st.integers(0, len(s) - 1), min_size=1, max_size=10, unique=True)))
    assert (scoring.rank_of(s, rows) == scoring.ranks(s)[rows]).all()
    cand = np.flatnonzero(np.isfinite(s))
    n = data.draw(st.integers(1, 40))
    assert scoring.top_rows(s, cand, n).tolist() == cand[np.argsort(-s[cand], kind="stable")][:n].tolist()


def _title_keys_by_hand(phrase, vocab, min_cover, min_precision, short_ok, kinds) -> dict:
    """What `readers.items.best_item` stands for, as the plain loop over every title: item id -> (precision,
    words said as the title says them, cover, mass) for each title the phrase may name."""
    from assistant.readers.items import _near_words
    from assistant.vocabulary import GENERIC, words

    pw = [w for w in words(phrase) if w not in GENERIC and len(w) > 1]
    near = {q: set(_near_words(q, vocab)) for q in dict.fromkeys(pw)}
    every = set().union(*near.values())
    keys = {}
    for item_id, text in vocab.title_text.items():
        tw = text.split()
        if not tw or not near or (kinds and vocab.by_id[item_id].kind not in kinds):
            continue
        mass = sum(vocab.title_idf.get(w, 1.0) for w in tw if w in every)
        cover = mass / sum(vocab.title_idf.get(w, 1.0) for w in tw)
        precision = sum(1 for ws in near.values() if ws & set(tw)) / len(near)
        exact = sum(1 for q, ws in near.items() if any(w.rstrip("s") == q.rstrip("s") for w in ws & set(tw)))
        if precision >= min_precision and (cover >= min_cover or (short_ok and mass >= 0.75 * vocab.top_idf)):
            keys[item_id] = (precision, exact, round(cover, 9), round(mass, 9))
    return keys


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_title_matching_scores_every_title_as_the_plain_loop_does(items, data):
    """The title matcher scores all titles at once with arrays; it picks a title with the best (precision,
    cover, mass) a loop over every title finds, or none when the loop finds none."""
    from assistant.planner import Vocabulary
    from assistant.readers.items import best_item

    vocab = Vocabulary.build(items)
    pool = sorted({w for t in vocab.title_text.values() for w in t.split()}) + ["agnets", "storag", "data", "the"]
    phrase = " ".join(data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6)))
    args = (
        data.draw(st.sampled_from([0.3, 0.4, 0.5, 0.6])),  # min_cover
        data.draw(st.sampled_from([0.5, 0.6])),  # min_precision
        data.draw(st.booleans()),  # short_ok
        data.draw(st.sampled_from([(), ("poster",), ("talk", "panel")])),  # kinds
    )
    got = best_item(phrase, vocab, *args)
    keys = _title_keys_by_hand(phrase, vocab, *args)
    if not keys:
        assert got is None, phrase
    else:
        assert got is not None and keys[got.id] == max(keys.values()), phrase
