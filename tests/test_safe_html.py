"""Stored XSS: nothing that is not ours reaches the chat as HTML or as a script link; our chips do."""

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hostile import LLM_TEXT, QUESTION, hostile_corpus

import app
from assistant import safe_html
from assistant.answer import Assistant
from assistant.records import Answer
from index.embedder import HashingEmbedder

CHIP = safe_html.CHIP


def chips(text: str) -> str:
    return app.with_chips(text, 1)  # the chips of the first answer


def chat_text(ans) -> str:
    """The untrusted part of an answer's chat markup: its body and notices (turn_markup's first part)."""
    return app.answer_body(ans.text, 1) + "".join(f"\n> ⚠ {safe_html.escape_markdown(n)}" for n in ans.notices)


def cards_of(ans) -> str:
    return "".join(app.source_card(1, n, h.item, None, app.Context()) for n, h in enumerate(ans.hits, 1))


def no_markup_but_chips(text: str) -> None:
    """Every '<' left is one of our chip anchors (or its closing tag); no script URL can form a link."""
    rest = CHIP.sub("", text)
    assert "<" not in rest, rest
    assert not re.search(r"\]\((?!https?://|mailto:|#)", rest), rest  # no Markdown link to a script URL
    assert "![" not in rest


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<svg/onload=alert(1)>",
    '"><iframe src=javascript:alert(1)>',
    "[x](javascript:alert(1))",
    "[x](  JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![p](http://evil/p.png)",
    "[r]: javascript:alert(1)\n[r]",
    "&lt;img src=x onerror=alert(1)&gt;",
    "&#106;avascript:alert(1)",
    '<a class="cite-chip" href="javascript:alert(1)">1</a>',
    '<a href="#src-1" onclick="alert(1)">1</a>',
    "[[x](javascript:1)](javascript:2)",
    "<<script>script>alert(1)<</script>/script>",
    "\x00<img src=x>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<style>*{display:none}</style>",
    '<math><mi xlink:href="javascript:1">',
]


@pytest.mark.parametrize("evil", HOSTILE)
def test_hostile_text_is_shown_not_run(evil):
    out = safe_html.chat_markdown(f"Before {evil} after [1].", chips)
    no_markup_but_chips(out)
    assert len(CHIP.findall(out)) == 1 and 'href="#a1-src-1"' in out


def test_our_chips_and_markdown_survive():
    out = safe_html.chat_markdown("- **Bold** item [2] and [1, 3]; AI & Data; [site](https://x.org)", chips)
    assert out == (
        '- **Bold** item <a class="cite-chip" href="#a1-src-2" data-answer="1" title="source 2">2</a> and '
        '<a class="cite-chip" href="#a1-src-1" data-answer="1" title="source 1">1</a>'
        '<a class="cite-chip" href="#a1-src-3" data-answer="1" title="source 3">3</a>; AI &amp; Data; '
        "[site](https://x.org)"
    )


def test_sanitize_keeps_only_chip_attributes():
    dirty = (
        '<a class="cite-chip" href="#a2-src-4" data-answer="2" title="source 4" onclick="x()">4</a>'
        '<a class="other" href="https://evil" data-answer="x">e</a><b onmouseover="x()">b</b><img src=x>'
    )
    assert safe_html.sanitize(dirty) == (
        '<a class="cite-chip" href="#a2-src-4" data-answer="2" title="source 4">4</a><a>e</a><b>b</b>'
    )


def test_escaped_question_round_trips_for_retry():
    for q in HOSTILE + ["plain question?", "a & b < c > d", "[1] cites ](x"]:
        assert safe_html.unescape_markdown(safe_html.escape_markdown(q)) == q.replace("\x00", "\ufffd")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'&/=[]()!:# \n\tajvscriptonerrorimg0123456789")), max_size=80))
def test_any_text_leaves_only_chips(text):
    no_markup_but_chips(safe_html.chat_markdown(text, chips))


@pytest.fixture(scope="module")
def hostile_assistant(tmp_path_factory):
    from assistant.engine import open_searcher
    from assistant.settings import Settings

    folder = tmp_path_factory.mktemp("hostile")
    settings = Settings(corpus=hostile_corpus(folder), data_dir=folder / "data", model=HashingEmbedder.name)
    return Assistant(open_searcher(settings, HashingEmbedder()), settings)


def test_hostile_corpus_and_question_in_the_grounded_chat(hostile_assistant):
    ans = hostile_assistant.answer(QUESTION)
    assert "evil-vector-search" in [h.item.id for h in ans.hits]
    text = chat_text(ans)
    no_markup_but_chips(text)
    assert "&lt;img" in text or "&lt;script" in text or "&lt;svg" in text  # shown, as text
    cards = cards_of(ans) + app.related_html(ans.hits[0].item, ans.hits)
    assert "<img" not in cards and "<script" not in cards and "<svg" not in cards and "<iframe" not in cards


def test_hostile_llm_answer_and_notices(hostile_assistant):
    bot = Assistant(
        hostile_assistant.searcher,
        replace(hostile_assistant.settings, llm_model="openai/x", llm_retries=0, llm_timeout=5),
    )
    ans = bot.answer(QUESTION, mock_response=LLM_TEXT)
    text = chat_text(ans)
    no_markup_but_chips(text)
    assert "javascript:window.__xss=11" not in CHIP.sub("", text) or "&lt;a" in text
    fake = Answer(
        question=QUESTION,
        text="ok [1]",
        citations=(),
        hits=ans.hits,
        refused=False,
        answerer="x",
        notices=("<img src=x onerror=alert(1)> failed [x](javascript:1)",),
    )
    no_markup_but_chips(chat_text(fake))
