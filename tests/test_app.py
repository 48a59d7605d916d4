"""The web app, in-process on a free port: named API endpoints through gradio_client, concurrency,
security rules, chat markup; and a real headless Chromium clicking every control (one app launch and one
browser for the module; a fresh browser context per test, so each starts with empty local storage)."""

import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from browser import launch_chromium

import app

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(real_searcher, real_settings):
    from assistant.answer import Assistant

    demo = app.build_app(Assistant(real_searcher, real_settings))
    port = free_port()
    app.launch(demo, "127.0.0.1", port, auth=None, block=False)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.fixture(scope="module")
def client(served):
    from gradio_client import Client

    return Client(served, verbose=False)


def test_ask_endpoint_returns_answer_with_citations(client):
    out = client.predict("Which talks cover data quality for agents?", api_name="/ask")
    assert not out["refused"] and out["answerer"] == "grounded"
    assert out["citations"] and all({"n", "id", "title", "quote"} <= set(c) for c in out["citations"])
    assert "[1]" in out["answer"]
    assert "scaling-business-ai-agents-evaluating-data-quality-and-gaps" in {c["id"] for c in out["citations"]}


def test_ask_endpoint_refuses_out_of_agenda(client):
    out = client.predict("how to bake sourdough bread", api_name="/ask")
    assert out["refused"] and out["citations"] == [] and "does not cover" in out["answer"]


def test_api_errors_are_our_messages_not_tracebacks(client):
    for args, api, said in (
        (("   ",), "/ask", "the query is empty"),
        (("faiss", 0), "/search", "k must be a positive"),
        (("no such talk at all", 3), "/related", "no item with id or title"),
    ):
        with pytest.raises(Exception) as err:
            client.predict(*args, api_name=api)
        assert said in str(err.value) and "Traceback" not in str(err.value)


def test_chat_says_it_waits_for_a_model(real_searcher, real_settings):
    from dataclasses import replace

    from assistant.answer import Assistant

    grounded = app.Handlers(Assistant(real_searcher, real_settings), None, app.Context(), ROOT)
    llm = app.Handlers(
        Assistant(real_searcher, replace(real_settings, llm_model="openai/x")), None, app.Context(), ROOT
    )
    assert grounded.waiting == "…" and llm.waiting == "Waiting for the model…"


def test_search_and_related_endpoints(client):
    out = client.predict("faiss", 3, api_name="/search")
    assert out["hits"][0]["id"] == "faiss-vector-search-at-meta" and "signals" in out["hits"][0]
    rel = client.predict("Faiss & Vector Search at Meta", 3, api_name="/related")
    assert rel["item"]["id"] == "faiss-vector-search-at-meta" and len(rel["hits"]) == 3
    assert all(h["reason"] for h in rel["hits"])


def test_four_answers_run_at_once(real_searcher, real_settings):
    from assistant.answer import Assistant

    demo = app.build_app(Assistant(real_searcher, real_settings))
    assert demo._queue.default_concurrency_limit == 4  # gradio's own default is one at a time


def test_twenty_concurrent_asks_all_succeed(served):
    from gradio_client import Client

    questions = [
        "Which talks cover data quality for agents?",
        "what follows the afternoon break?",
        "what is Fiddler showing?",
        "faiss",
        "best pizza in Santa Clara",
    ] * 4

    def ask(q):
        return Client(served, verbose=False).predict(q, api_name="/ask")

    alone = {q: Client(served, verbose=False).predict(q, api_name="/ask") for q in dict.fromkeys(questions)}
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(ask, questions))
    # under load, each answer is the one the question gets alone (not merely "some dict with an answer key")
    assert [r["answer"] for r in results] == [alone[q]["answer"] for q in questions]
    assert [r["citations"] for r in results] == [alone[q]["citations"] for q in questions]
    assert sum(r["refused"] for r in results) == 4 and all(r["answer"].strip() for r in results)


def test_no_secret_in_page_or_api(served, real_searcher, real_settings):
    import urllib.request
    from dataclasses import replace

    from assistant.answer import Assistant

    settings = replace(
        real_settings, llm_model="openai/x", llm_api_key="sk-page-SECRET-42", llm_api_base="http://127.0.0.1:9"
    )
    demo = app.build_app(Assistant(real_searcher, settings))
    port = free_port()
    app.launch(demo, "127.0.0.1", port, auth=None, block=False)
    try:
        base = f"http://127.0.0.1:{port}"
        for path in ("/", "/config", "/gradio_api/info"):
            body = urllib.request.urlopen(base + path, timeout=10).read().decode()
            assert "SECRET" not in body, path
    finally:
        demo.close()


def test_refuses_public_bind_without_credentials(capsys):
    assert app.main(["--host", "0.0.0.0", "--port", str(free_port())]) == 2
    err = capsys.readouterr().err
    assert "without credentials" in err and "--auth" in err
    assert app.main(["--auth", "nopassword"]) == 2
    assert "user:password" in capsys.readouterr().err
    assert app.parse_auth("ada:s3cret") == ("ada", "s3cret")


def test_chips_link_to_their_own_answer_and_markup_is_escaped():
    from assistant.records import Answer, Citation, Hit
    from corpus.item import Item, Person

    assert app.with_chips("x [2] y [1, 3]", 4) == (
        'x <a class="cite-chip" href="#a4-src-2" data-answer="4" title="source 2">2</a> y '
        '<a class="cite-chip" href="#a4-src-1" data-answer="4" title="source 1">1</a>'
        '<a class="cite-chip" href="#a4-src-3" data-answer="4" title="source 3">3</a>'
    )
    assert app.highlight("A <b> one. Two.", "Two.") == "A &lt;b&gt; one. <mark>Two.</mark>"
    item = Item(
        id="x",
        kind="talk",
        title="<img src=x onerror=alert(1)> Talk",
        abstract="Says <b>so</b>.",
        people=(Person("Ada <i>", "Org"),),
        start="2025-06-25T10:55:00-07:00",
        end="2025-06-25T11:15:00-07:00",
    )
    ans = Answer(
        question="<script>q</script>",
        text="- **<img src=x onerror=alert(1)> Talk** [1]\n\n_Composed from x._",
        citations=(Citation(1, "x", item.title, "Says <b>so</b>."),),
        hits=(Hit(item, 1.0, 1),),
        refused=False,
        answerer="grounded",
    )
    html = app.turn_markup(app.Turn(ans.question, ans), 2, app.Context())
    assert "<img" not in html and "<b>so" not in html and "<i>" not in html and "<script>" not in html
    assert "id='a2-src-1'" in html and 'href="#a2-src-1"' in html and "Wed 25 Jun, 10:55–11:15 AM" in html
    assert "_Composed" not in html  # the answerer's label is in the trace, not under every answer
    named = app.answer_body(
        "- **Talk** (talk; Ada Lovelace (Org), Ada Lovelace Jr) [1]", 1, {"Ada Lovelace", "Ada Lovelace Jr"}
    )
    assert named.count('data-action="person"') == 2 and 'data-arg="Ada Lovelace Jr">Ada Lovelace Jr</a>' in named
    assert "?q=%3Cscript%3Eq%3C/script%3E" in html
    assert app.messages([app.Turn(ans.question, ans)], app.Context())[0]["content"] == "&lt;script&gt;q&lt;/script&gt;"


def test_handlers_return_dict_updates(real_searcher, real_settings):
    """respond/retry/clear drive the chat through {component: update} dicts, with no browser."""
    import gradio as gr

    from assistant.answer import Assistant

    assistant = Assistant(real_searcher, real_settings)
    with gr.Blocks():
        ui = app.layout("T", [], ("talk", "poster"), "")
    h = app.Handlers(assistant, ui, app.Context(), Path("/nonexistent"))
    steps = list(h.respond("Which talks cover data quality for agents?", [], [], [], "any"))
    assert all(isinstance(s, dict) for s in steps)
    final = steps[-1]
    turns = final[ui.turns]
    assert len(turns) == 1 and turns[0].answer.citations and final[ui.trace]["answerer"] == "grounded"
    again = list(h.retry(turns, [], [], "any"))[-1]
    assert len(again[ui.turns]) == 1 and again[ui.turns][0].question == turns[0].question
    assert h.clear()[ui.turns] == [] and h.clear()[ui.chat] == []
    # filters that exclude everything: say which, and offer to clear them
    empty = list(h.respond("faiss vector search", [], ["panel"], [], "any"))[-1][ui.turns][0]
    assert empty.answer.refused and "Kind: panel" in empty.note and "clear-filters-ask" in empty.note


# ---------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser, served):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.rstrip("/"))
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda exc: errors.append(exc))
    pg.goto(served)
    pg.wait_for_selector("#question textarea", timeout=30000)
    yield pg
    context.close()
    assert not errors, errors


def shot(page, name, tmp_path):
    """TALKS_UPDATE_SCREENSHOT=1 refreshes the README's pictures in docs/; otherwise they stay in tmp_path."""
    path = ROOT / "docs" / name if os.environ.get("TALKS_UPDATE_SCREENSHOT") else tmp_path / name
    path.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(path))
    assert path.stat().st_size > 20000


def ask(page, question, n_answers):
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#chat .answer-tools').length === {n_answers}", timeout=60000)


def no_error_toast(page):
    return page.locator(".toast-body").filter(has_text="Error").count() == 0


@pytest.mark.slow
def test_browser_chip_in_an_older_answer_opens_that_answers_card(page, tmp_path):
    ask(page, "Which talks cover data quality for agents?", 1)
    first_ids = page.locator("#chat .source-card[id^=a1-src-]").evaluate_all("els => els.map(e => e.dataset.id)")
    assert len(first_ids) >= 3 and page.locator("#chat .source-card[id^=a1-src-] mark").count() >= 3
    ask(page, "any related posters?", 2)
    second_ids = page.locator("#chat .source-card[id^=a2-src-]").evaluate_all("els => els.map(e => e.dataset.id)")
    assert second_ids and second_ids[0] != first_ids[0]
    page.locator("#chat a.cite-chip[data-answer='1']").first.click()
    active = page.locator("#chat .source-card.active")
    active.wait_for(timeout=5000)
    assert active.count() == 1 and active.get_attribute("id") == "a1-src-1"
    assert active.get_attribute("data-id") == first_ids[0]
    assert active.locator("mark").first.is_visible()
    page.locator("#chat a.cite-chip[data-answer='2']").first.click()
    assert page.locator("#chat .source-card.active").get_attribute("data-id") == second_ids[0]
    # the answerer's label is not under the answers; it is in the trace
    assert "grounded answerer" not in page.locator("#chat").inner_text()
    # the picture: related items of answer 1's first source on the right; answer 3 with its chip and card
    page.locator("#chat #a1-src-1 button[data-action=related]").click()
    page.wait_for_selector("#details .related-item", timeout=20000)
    ask(page, "Who is on the infrastructure panel?", 3)
    page.locator("#chat a.cite-chip[data-answer='3']").first.click()
    assert "Infrastructure" in page.locator("#chat .source-card.active").inner_text()
    page.evaluate("window.talksReveal(document.getElementById('a3'))")
    time.sleep(0.3)
    shot(page, "screenshot.png", tmp_path)


@pytest.mark.slow
def test_browser_retry_copy_link_trash_and_clear(page, served):
    ask(page, "Which talks cover data quality for agents?", 1)
    first = page.locator("#chat .answer-tools").first
    # Retry (the button, and the chat's own icon) re-asks the last question: a new answer in place of the old
    for retry in ("#retry", "#chat button[aria-label='Retry']"):
        page.locator("#chat .answer-tools").evaluate("el => { el.dataset.old = '1'; }")
        page.locator(retry).click()
        page.wait_for_selector("#chat .answer-tools:not([data-old])", timeout=60000)
        assert page.locator("#chat .answer-tools").count() == 1 and no_error_toast(page)
        assert page.locator("#chat").inner_text().count("Which talks cover data quality for agents?") == 1
    # Copy: plain text with the numbered sources (title, people, time)
    page.locator("#chat button.copy-answer").first.click()
    page.wait_for_function("document.querySelector('#chat button.copy-answer').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert (
        "<a" not in copied and "**" not in copied and "\nSources:\n[1] Scaling Business AI Agents" in copied
    )  # the squarely-about poster leads
    assert "Jeff Hollan (Snowflake) — Wed 25 Jun, 10:55–11:15 AM" in copied
    # the answer's link carries the question and reopens the answer
    href = first.locator("a.share-link").get_attribute("href")
    assert href.startswith("?q=Which%20talks")
    other = page.context.new_page()
    other.goto(served + href)
    other.wait_for_selector("#chat .source-card", timeout=60000)
    assert "Beyond RAG" in other.locator("#chat").inner_text()
    other.close()
    # the trash icon resets chat, details and follow-up context
    page.locator("#chat a.person").first.click()
    page.wait_for_selector("#details .person-page", timeout=20000)
    page.locator("#chat button[aria-label='Clear']").first.click()
    page.wait_for_function("!document.querySelector('#chat .answer-tools')", timeout=10000)
    page.wait_for_function("!document.querySelector('#details .person-page')", timeout=10000)
    ask(page, "who presented it?", 1)
    assert "Jeff Hollan" not in page.locator("#chat").inner_text()  # "it" no longer means the cleared talk
    # and so does Clear
    page.click("#clear")
    page.wait_for_function("!document.querySelector('#chat .answer-tools')", timeout=10000)
    assert no_error_toast(page)


@pytest.mark.slow
def test_browser_filters_are_visible_and_an_empty_result_says_which(page):
    assert not page.locator("#filter-chips").is_visible()
    page.click("#filters")
    page.locator("#filter-kind label", has_text="panel").click()
    page.wait_for_selector("#filter-chips .filter-chip", timeout=10000)
    assert "Kind: panel" in page.locator("#filter-chips").inner_text()
    ask(page, "faiss vector search", 1)
    notice = page.locator("#chat .notice").inner_text()
    assert "Kind: panel" in notice and "Faiss & Vector Search at Meta" in notice
    assert "does not cover" not in page.locator("#chat").inner_text()
    page.locator("#chat button[data-action='clear-filters-ask']").click()
    page.wait_for_selector("#chat .source-card", timeout=60000)
    assert not page.locator("#filter-chips").is_visible()
    assert page.locator("#chat .answer-tools").count() == 1  # asked again, in place of the filtered answer


@pytest.mark.slow
def test_browser_agenda_add_conflict_ics_reload_remove(page, tmp_path):
    import icalendar

    page.get_by_role("tab", name="Agenda").click()
    rows = page.locator("#day details.agenda-row")
    rows.first.wait_for()
    assert rows.count() >= 20
    page.locator("#agenda-kind label", has_text="panel").click()  # the filter narrows the day to panels
    page.wait_for_function("document.querySelectorAll('#day details.agenda-row').length === 2", timeout=20000)
    assert {t.lower() for t in page.locator("#day .badge").all_inner_texts()} == {"panel"}
    page.locator("#agenda-kind label", has_text="panel").click()
    page.wait_for_function("document.querySelectorAll('#day details.agenda-row').length >= 20", timeout=20000)
    session = page.locator("#day details[data-id='lunch-poster-sessions']")
    session.locator("summary .title").click()
    assert "Faiss & Vector Search at Meta" in session.locator(".poster-list").inner_text()
    for item in ("attendee-registration", "event-welcome"):
        page.locator(f"#day details[data-id='{item}'] button.agenda-toggle").click()
    page.wait_for_selector("#my-agenda .conflicts", timeout=20000)
    assert "Attendee Registration" in page.locator("#my-agenda .conflicts").inner_text()
    session.locator("button.agenda-toggle").nth(1).click()  # a poster, from inside its session
    page.wait_for_function(
        "document.querySelectorAll('#my-agenda li button.agenda-toggle').length === 3", timeout=20000
    )
    with page.expect_download() as download:
        page.click("#ics")
    cal = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    events = {str(ev["UID"]).split("@")[0]: ev for ev in cal.walk("VEVENT")}
    assert len(events) == 3 and {"attendee-registration", "event-welcome"} <= set(events)
    assert events["event-welcome"].decoded("DTSTART").isoformat() == "2025-06-25T09:55:00-07:00"
    shot(page, "screenshot-agenda.png", tmp_path)
    page.reload()
    page.wait_for_selector("#question textarea", timeout=30000)
    page.get_by_role("tab", name="Agenda").click()
    page.wait_for_selector("#my-agenda .conflicts", timeout=20000)  # kept in the browser across the reload
    page.locator("#my-agenda button.agenda-toggle").first.click()  # remove one: the conflict goes
    page.wait_for_function("!document.querySelector('#my-agenda .conflicts')", timeout=20000)
    assert page.locator("#my-agenda li button.agenda-toggle").count() == 2


@pytest.mark.slow
def test_browser_speaker_page_and_add_from_a_source_card(page):
    ask(page, "Which talks cover data quality for agents?", 1)
    card = page.locator("#chat .source-card", has_text="Beyond RAG: Production-Ready").first
    card_id = card.get_attribute("id")
    card.locator("a.person").first.click()
    page.wait_for_selector("#details .person-page", timeout=20000)
    person = page.locator("#details").inner_text()
    assert "Jeff Hollan" in person and "Snowflake" in person and "Director of Product" in person
    assert "Beyond RAG" in person
    card.locator("button.agenda-toggle").click()
    page.wait_for_function(
        f"document.querySelector('#chat #{card_id} button.agenda-toggle').textContent.includes('In my')"
    )
    assert page.evaluate("window.talksAgenda.mine()") == ["beyond-rag-production-ready-ai-agents-powered-by-enterprise"]
    card.locator("button[data-action=related]").click()
    page.wait_for_selector("#details .related-item", timeout=20000)
    title = page.locator("#details .related-item a.open-item").first.inner_text()
    page.locator("#details .related-item a.open-item").first.click()  # a related item opens
    page.wait_for_selector("#details .item-page", timeout=20000)
    page.locator("#details .item-page button[data-action=ask]").click()  # and can be asked about
    page.wait_for_function("document.querySelectorAll('#chat .answer-tools').length === 2", timeout=60000)
    assert title in page.locator("#chat .answer-tools").last.locator("xpath=..").inner_text()


@pytest.mark.slow
def test_browser_phone_layout(browser, served, tmp_path):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        page.goto(served)
        page.wait_for_selector("#question textarea", timeout=30000)
        in_view = "(el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
        assert page.locator("#question textarea").evaluate(in_view)
        ask(page, "Which talks cover data quality for agents?", 1)
        assert page.locator("#question textarea").evaluate(in_view)
        assert page.locator("#chat .answer-anchor").last.evaluate(in_view)  # the answer opens at its start
        page.locator("#chat a.cite-chip").nth(2).click()
        card = page.locator("#chat .source-card.active")
        assert card.get_attribute("id") == "a1-src-3"
        page.wait_for_function(
            "(() => { const r = document.querySelector('.source-card.active mark')"
            ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()"
        )
        shot(page, "screenshot-phone.png", tmp_path)
        card.locator("a.back-to-answer").click()
        page.wait_for_function(
            "(() => { const r = document.querySelector('#a1').getBoundingClientRect();"
            " return r.top >= 0 && r.bottom <= innerHeight; })()"
        )
        # a speaker's page opens below the chat, in view, with a way back
        page.locator("#chat .source-card", has_text="Beyond RAG: Production-Ready").first.locator(
            "a.person"
        ).first.click()
        page.wait_for_selector("#details .person-page", timeout=20000)
        page.wait_for_function("document.querySelector('#details').getBoundingClientRect().top < innerHeight / 2")
        page.locator("#details .person-page a.back-to-answer").click()
        page.wait_for_function(
            "(() => { const r = document.querySelector('#chat').getBoundingClientRect();"
            " return r.top >= 0 && r.top < innerHeight / 2; })()"
        )
    finally:
        context.close()
