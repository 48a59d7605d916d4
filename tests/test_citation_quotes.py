"""The citation check never edits a quote of an item's own words, and an uncited LLM answer is flagged."""

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import citations
from assistant.answer import Assistant


def _hits(fake_searcher, abstract):
    hits = fake_searcher.search("faiss vector search").hits[:3]
    first = replace(hits[0], item=replace(hits[0].item, abstract=abstract))
    return (first, *hits[1:])


def test_markers_inside_a_verbatim_quote_are_kept(fake_searcher):
    sentence = "Vector databases store [2] embeddings and see [99] for the appendix."
    hits = _hits(fake_searcher, "Intro. " + sentence + " Outro.")
    text = f'- **{hits[0].item.title}** (talk): "{sentence}" [1]\n- Another claim about nothing in particular [7].'
    checked, cites, report = citations.check(text, hits, fake_searcher.index)
    assert f'"{sentence}" [1]' in checked  # the quote kept its [2] and [99]
    assert report.removed == (f"[7]: no such item (the answer was given items 1-{len(hits)})",)  # outside: removed
    assert [c.n for c in cites] == [1] and cites[0].quote == sentence


def test_a_quote_not_in_any_item_is_not_protected(fake_searcher):
    hits = _hits(fake_searcher, "Nothing quoted here.")
    checked, _, report = citations.check('Made up: "a sentence with [99] inside it" [1]', hits, fake_searcher.index)
    assert "[99]" not in checked and any("[99]" in r for r in report.removed)


words = st.text(alphabet=st.sampled_from(list("abcdefgh ,.;:!?-[]0123456789")), min_size=12, max_size=80)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words)
def test_quotes_of_the_item_are_never_edited(fake_searcher, sentence):
    sentence = sentence.replace('"', "").strip() or "x" * 12
    if len(sentence) < 12:
        sentence = sentence + " padding words"
    hits = _hits(fake_searcher, f"Start. {sentence} End.")
    text = f'- **T** (talk): "{sentence}" [1]'
    checked, _, _ = citations.check(text, hits, fake_searcher.index)
    assert f'"{sentence}"' in checked


def test_uncited_llm_answer_gets_a_notice(fake_searcher, fake_settings):
    bot = Assistant(fake_searcher, replace(fake_settings, llm_model="openai/x", llm_retries=0, llm_timeout=5))
    ans = bot.answer("faiss vector search", mock_response="Faiss is a library for vector search at Meta.")
    assert any("cites none of the sources" in n for n in ans.notices)
    cited = bot.answer("faiss vector search", mock_response="Faiss is a library for vector search at Meta [1].")
    assert not any("cites none" in n for n in cited.notices)
