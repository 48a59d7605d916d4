"""Request checks in front of the web app: the Host and Origin it answers, and login back-off.

    request -> Host is a loopback name or the --host address?      else 421, nothing runs
               (a wildcard bind, 0.0.0.0, takes any Host: it needs --auth, which a rebinding page lacks)
            -> Origin (when sent) is the Host the request was sent to?  else 403 (no cross-site use)
            -> POST /login from an address with too many failures?  else 429 + Retry-After
            -> the app (Gradio); its CORS answers only ever reach allowed hosts and origins

Why: a page on another site can re-resolve its own name to 127.0.0.1 (DNS rebinding) and then talk
to a loopback app as "its" origin; only the Host header tells such a request apart. The guard wraps
the whole ASGI app (outside Gradio's own middleware) when the server starts, before it listens.
"""

from __future__ import annotations

import time
from collections import deque
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
LOGIN_FAILURES = 5  # failed logins allowed per client address ...
LOGIN_WINDOW_S = 60.0  # ... within this many seconds; more get 429 until the oldest expires


def hostname(value: str) -> str:
    """The host name of a Host header (`name:port`, `[v6]:port`) or an Origin URL, lowercased."""
    value = (value or "").strip()
    if "://" in value:
        name = urlsplit(value).hostname or ""
    elif value.startswith("["):
        name = value[1 : value.find("]")] if "]" in value else value[1:]
    else:
        name = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
    return name.lower().rstrip(".")


def allowed_hosts(bind: str) -> frozenset[str] | None:
    """Loopback names, plus the bound address; None (any Host) for a wildcard bind (0.0.0.0 / ::),
    whose users reach it by names this process cannot know."""
    if bind in ("0.0.0.0", "::", ""):
        return None
    return LOOPBACK_NAMES | {hostname(bind)}


class Guard:
    """ASGI middleware: Host and Origin checks, and failed-login back-off per client address."""

    def __init__(
        self, app, hosts, max_failures: int = LOGIN_FAILURES, window_s: float = LOGIN_WINDOW_S, clock=time.monotonic
    ):
        self.app = app
        self.hosts = None if hosts is None else frozenset(hostname(h) for h in hosts)
        self.max_failures, self.window_s, self.clock = max_failures, window_s, clock
        self.failures: dict[str, deque] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        host = hostname(headers.get("host", ""))
        if self.hosts is not None and host not in self.hosts:
            return await _refuse(scope, send, 421, "unknown host: this server answers only its own address")
        origin = headers.get("origin")
        if origin is not None and hostname(origin) != host:
            return await _refuse(scope, send, 403, "cross-origin requests are not allowed")
        if (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and scope.get("path", "").rstrip("/").endswith("/login")
        ):
            return await self._login(scope, receive, send)
        return await self.app(scope, receive, send)

    async def _login(self, scope, receive, send):
        client = (scope.get("client") or ("?", 0))[0]
        now = self.clock()
        recent = self.failures.setdefault(client, deque())
        while recent and now - recent[0] > self.window_s:
            recent.popleft()
        if len(recent) >= self.max_failures:
            wait = max(1, int(self.window_s - (now - recent[0]) + 0.999))
            return await _refuse(
                scope,
                send,
                429,
                f"too many failed logins; try again in {wait}s",
                [(b"retry-after", str(wait).encode())],
            )
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status.get("code", 500) >= 400:
            recent.append(self.clock())
        elif status.get("code", 500) < 300:
            self.failures.pop(client, None)


async def _refuse(scope, send, status: int, text: str, extra=()):
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def app_kwargs(bind: str, **options) -> dict:
    """`launch(app_kwargs=...)` for Gradio: a lifespan that puts the Guard around the whole app as it
    starts (before the server listens)."""
    hosts = allowed_hosts(bind)

    @asynccontextmanager
    async def lifespan(app):
        stack = app.middleware_stack or app.build_middleware_stack()
        app.middleware_stack = Guard(stack, hosts, **options)
        yield

    return {"lifespan": lifespan}
