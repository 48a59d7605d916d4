"""Property tests: any text given to search or to the answerer gives a result or one of our errors,
never a traceback; citations always point at a hit given."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answer import Assistant
from assistant.search import SearchError

# Words the planner reacts to, mixed with markup, digits and odd characters.
WORDS = ["who", "when", "which", "talks", "posters", "panel", "about", "after", "before", "morning", "afternoon",
         "like", "the", "second", "one", "faiss", "agents", "data", "Meta", "Snowflake", "break", "lunch", "[1]",
         "<b>", "**", "\u2028", "\x00", "😀", "  ", "?", "'", '"', "-", "9:30", "PM", "10", "é"]
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
    assert ans.refused == (not ans.hits)
