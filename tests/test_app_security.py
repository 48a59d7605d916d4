"""The app under a hostile corpus and hostile requests: nothing runs in the browser, foreign Host and
Origin headers are refused (DNS rebinding), CORS is never granted to a foreign origin, logins back off."""

import http.client
import socket
import urllib.parse

import pytest
from browser import launch_chromium
from hostile import QUESTION, hostile_corpus

import app
from assistant import webguard
from assistant.answer import Assistant
from index.embedder import HashingEmbedder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def hostile_assistant(tmp_path_factory):
    from assistant.engine import open_searcher
    from assistant.settings import Settings

    folder = tmp_path_factory.mktemp("hostile-app")
    settings = Settings(corpus=hostile_corpus(folder), data_dir=folder / "data", model=HashingEmbedder.name)
    return Assistant(open_searcher(settings, HashingEmbedder()), settings)


def serve(assistant):
    demo = app.build_app(assistant)
    port = free_port()
    app.launch(demo, "127.0.0.1", port, auth=("ada", "right-pass"), block=False)
    return demo, port


@pytest.fixture(scope="module")
def hostile_app(hostile_assistant):
    demo, port = serve(hostile_assistant)
    yield port
    demo.close()


def request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_hostname_parsing():
    assert webguard.hostname("127.0.0.1:7860") == "127.0.0.1"
    assert webguard.hostname("[::1]:7860") == "::1"
    assert webguard.hostname("LocalHost.") == "localhost"
    assert webguard.hostname("http://evil.example:7860") == "evil.example"
    assert webguard.hostname("null") == "null"
    assert webguard.allowed_hosts("0.0.0.0") is None  # any Host (auth is required there), Origin still checked
    assert "10.0.0.5" in webguard.allowed_hosts("10.0.0.5")


def test_foreign_host_is_refused(hostile_app):
    status, _, _ = request(hostile_app, "GET", "/", {"Host": "attacker.example:%d" % hostile_app})
    assert status == 421
    status, _, _ = request(hostile_app, "GET", "/", {"Host": "127.0.0.1:%d" % hostile_app})
    assert status == 200


def test_no_cors_for_foreign_origins(hostile_app):
    for host in ("attacker.example", "127.0.0.1"):
        status, headers, _ = request(
            hostile_app,
            "OPTIONS",
            "/gradio_api/info",
            {
                "Host": f"{host}:{hostile_app}",
                "Origin": "http://attacker.example",
                "Access-Control-Request-Method": "POST",
            },
        )
        assert status in (403, 421) and "access-control-allow-origin" not in headers
        status, headers, _ = request(
            hostile_app,
            "GET",
            "/gradio_api/info",
            {"Host": f"{host}:{hostile_app}", "Origin": "http://attacker.example"},
        )
        assert status in (403, 421) and "access-control-allow-origin" not in headers
    status, _, _ = request(
        hostile_app, "GET", "/config", {"Host": f"localhost:{hostile_app}", "Origin": f"http://localhost:{hostile_app}"}
    )
    assert status != 403


def test_failed_logins_back_off(hostile_assistant):
    demo, hostile_app = serve(hostile_assistant)  # its own server: the back-off would lock the others out
    try:
        _failed_logins_back_off(hostile_app)
    finally:
        demo.close()


def _failed_logins_back_off(hostile_app):
    form = {"Content-Type": "application/x-www-form-urlencoded", "Host": f"127.0.0.1:{hostile_app}"}
    bad = urllib.parse.urlencode({"username": "ada", "password": "wrong"})
    codes = [request(hostile_app, "POST", "/login", form, bad)[0] for _ in range(webguard.LOGIN_FAILURES + 3)]
    assert codes[: webguard.LOGIN_FAILURES] == [400] * webguard.LOGIN_FAILURES
    assert set(codes[webguard.LOGIN_FAILURES :]) == {429}
    status, headers, _ = request(
        hostile_app, "POST", "/login", form, urllib.parse.urlencode({"username": "ada", "password": "right-pass"})
    )
    assert status == 429 and int(headers["retry-after"]) > 0  # even the right password waits


def test_guard_counts_failures_per_client_and_expires():
    import asyncio

    calls = []

    async def inner(scope, receive, send):
        calls.append(scope["path"])
        await send({"type": "http.response.start", "status": 400, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    now = [0.0]
    guard = webguard.Guard(inner, {"127.0.0.1"}, max_failures=2, window_s=10, clock=lambda: now[0])
    sent = []

    async def send(message):
        sent.append(message)

    def login(client):
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/login",
            "client": (client, 1),
            "headers": [(b"host", b"127.0.0.1:1")],
        }
        sent.clear()
        asyncio.run(guard(scope, None, send))
        return sent[0]["status"]

    assert [login("a"), login("a"), login("a"), login("b")] == [400, 400, 429, 400]
    now[0] = 11
    assert login("a") == 400


def test_origin_must_be_the_host_asked():
    import asyncio

    async def inner(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def status(hosts, host, origin=None):
        headers = [(b"host", host.encode())] + ([(b"origin", origin.encode())] if origin else [])
        sent = []

        async def send(message):
            sent.append(message)

        asyncio.run(
            webguard.Guard(inner, hosts)({"type": "http", "method": "GET", "path": "/", "headers": headers}, None, send)
        )
        return sent[0]["status"]

    wildcard = webguard.allowed_hosts("0.0.0.0")
    assert status(wildcard, "10.0.0.5:7860") == 200
    assert status(wildcard, "10.0.0.5:7860", "http://10.0.0.5:7860") == 200
    assert status(wildcard, "10.0.0.5:7860", "http://evil.example") == 403
    loop = webguard.allowed_hosts("127.0.0.1")
    assert status(loop, "localhost:7860", "http://127.0.0.1:7860") == 403  # another origin, even if loopback
    assert status(loop, "evil.example:7860", "http://evil.example:7860") == 421


@pytest.mark.slow
def test_browser_runs_nothing_from_a_hostile_corpus_or_question(hostile_app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page()
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(f"http://127.0.0.1:{hostile_app}/")
            page.fill("input[type=text]", "ada")
            page.fill("input[type=password]", "right-pass")
            page.keyboard.press("Enter")
            page.wait_for_selector("#question textarea", timeout=30000)
            page.fill("#question textarea", QUESTION)
            page.keyboard.press("Enter")
            page.wait_for_selector("#chat .source-card", timeout=60000)  # each answer carries its sources
            page.wait_for_timeout(1000)
            chat = page.locator("#chat")
            assert "onerror" in chat.inner_text()  # the hostile text is shown, as text
            assert chat.locator("img[onerror], script, iframe, svg[onload]").count() == 0
            assert chat.locator("a[href^='javascript']").count() == 0
            assert page.locator(".source-card img, .source-card script, .source-card iframe").count() == 0
            assert page.evaluate("window.__xss") is None and dialogs == []
            assert chat.locator("a.cite-chip").count() >= 1
        finally:
            browser.close()
