"""The web app, in-process on a free port: named API endpoints through gradio_client, concurrency,
security rules, and a real headless Chromium driving the chat."""

import os
import shutil
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


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


def test_search_and_related_endpoints(client):
    out = client.predict("faiss", 3, api_name="/search")
    assert out["hits"][0]["id"] == "faiss-vector-search-at-meta" and "signals" in out["hits"][0]
    rel = client.predict("Faiss & Vector Search at Meta", 3, api_name="/related")
    assert rel["item"]["id"] == "faiss-vector-search-at-meta" and len(rel["hits"]) == 3
    assert all(h["reason"] for h in rel["hits"])


def test_twenty_concurrent_asks_all_succeed(served):
    from gradio_client import Client

    questions = ["Which talks cover data quality for agents?", "what follows the afternoon break?",
                 "what is Fiddler showing?", "faiss", "best pizza in Santa Clara"] * 4

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

    settings = replace(real_settings, llm_model="openai/x", llm_api_key="sk-page-SECRET-42", llm_api_base="http://127.0.0.1:9")
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


def test_chips_and_cards_render():

    assert app.with_chips("x [2] y [1, 3]") == (
        'x <a class="cite-chip" href="#src-2" title="source 2">2</a> y '
        '<a class="cite-chip" href="#src-1" title="source 1">1</a><a class="cite-chip" href="#src-3" title="source 3">3</a>')
    assert app.highlight("A <b> one. Two.", "Two.") == "A &lt;b&gt; one. <mark>Two.</mark>"


@pytest.mark.slow
def test_browser_chat_streams_answer_with_chips_and_cards(served, tmp_path):
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "Debian's chromium is needed (.ci/run installs it)"
    # TALKS_UPDATE_SCREENSHOT=1 refreshes the README's picture; otherwise the shot stays in tmp_path
    shot = ROOT / "docs" / "screenshot.png" if os.environ.get("TALKS_UPDATE_SCREENSHOT") else tmp_path / "app.png"
    shot.parent.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(served)
            page.wait_for_selector("#question textarea", timeout=30000)
            page.fill("#question textarea", "Which talks cover data quality for agents?")
            page.keyboard.press("Enter")
            page.wait_for_selector("#sources .source-card", timeout=60000)
            assert page.locator("#chat a.cite-chip").count() >= 3
            assert page.locator("#sources .source-card").count() >= 3
            assert "Scaling Business AI Agents" in page.locator("#sources").inner_text()
            assert page.locator("#sources mark").count() >= 3  # evidence highlighted
            page.locator("#chat a.cite-chip").first.click()
            page.wait_for_function("location.hash === '#src-1'")
            page.fill("#question textarea", "any related posters?")
            page.keyboard.press("Enter")
            page.wait_for_function(
                "document.querySelector('#chat').innerText.includes('posters like')", timeout=60000)
            time.sleep(0.5)
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 20000
