"""The grounded answers of the newer intents, on the fake embedder (fast): event facts, compare, overlap,
whole lists, and follow-ups with nothing to refer to."""

import pytest

from assistant.answer import CLARIFY, Assistant
from assistant.records import Answer


@pytest.fixture(scope="module")
def bot(fake_searcher, fake_settings):
    return Assistant(fake_searcher, fake_settings)


def test_event_facts_come_from_the_event_record(bot):
    ans = bot.answer("where is the conference?")
    assert "Santa Clara Convention Center, 5001 Great America Pkwy" in ans.text and ans.citations[0].id == "event"
    assert all(c.supported for c in ans.citations)
    ans = bot.answer("when does it start?")
    assert "8:30" in ans.text and "Attendee Registration" in ans.text


def test_compare_is_side_by_side_and_says_when_an_abstract_is_missing(bot):
    ans = bot.answer("compare the Metamate talk and the Iceberg talk")
    assert ans.text.startswith("Side by side") and [c.id for c in ans.citations] == [
        "metamate-from-chatbot-to-coworker",
        "how-to-prepare-your-agents-for-the-ice-berg-age",
    ]
    assert "no abstract was published" in ans.text


def test_overlap_on_a_single_track(bot):
    ans = bot.answer("what overlaps with the infrastructure panel?")
    assert "Nothing else runs at the same time" in ans.text and "single track" in ans.text
    # a short title: the cited claim is the item's slot, which its record supports (no unsupported notice)
    ans = bot.answer("if I go to the fireside chat will I miss anything?")
    assert ans.text.startswith("**Fireside Chat** runs 10:10–10:35 AM [1].") and not ans.notices


def test_whole_list_says_how_many(bot):
    ans = bot.answer("list all the posters")
    assert ans.text.startswith("All 28 posters:") and len(ans.citations) == 28


def test_reference_with_nothing_to_refer_to_asks_which(bot):
    assert bot.answer("who presented the second one?").text == CLARIFY
    refused = Answer(
        question="sourdough?",
        text="The agenda does not cover that.",
        citations=(),
        hits=(),
        refused=True,
        answerer="grounded",
    )
    ans = bot.answer("tell me more about the second one", [refused])
    assert ans.text == CLARIFY and not ans.refused
    # an item named by its time is no pointer back: "it" is that item
    ans = bot.answer("The talk at 15:30 - what is it about?")
    assert ans.text != CLARIFY and [c.id for c in ans.citations][:1] == ["bringing-ai-into-the-real-world"]


def test_followup_names_the_list_it_used(bot):
    first = bot.answer("list all the posters")
    ans = bot.answer("who presented the second one?", [first])
    assert "list all the posters" in ans.text.split("\n")[0] and ans.hits[0].item.id == first.citations[1].id


def test_a_plural_the_question_names_itself_is_no_reference(bot):
    ans = bot.answer("What panels are there? All of them.")
    assert ans.text.startswith("All 2 panels:") and len(ans.citations) == 2
