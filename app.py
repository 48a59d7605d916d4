"""The web app: a Gradio chat over `assistant/` (UI only: retrieval and answering live in assistant/).

    python app.py [--host 127.0.0.1] [--port 7860] [--corpus FILE] [--auth user:pass]

Binds 127.0.0.1 by default; any other address needs credentials (--auth or TALKS_AUTH). Named API
endpoints /ask, /search and /related serve gradio_client. No share links, no analytics.

    question -> respond() -> Turn(question, Answer) -> turn_markup() -> chat message with its own sources
    clicks in chat/agenda markup (data-action) -> the #action bridge -> on_action() -> the details panel
    "Add to my agenda" -> browser localStorage -> the #my-ids bridge -> my agenda, conflicts, .ics
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote as url_quote

from assistant import safe_html, webguard
from assistant.cli import set_offline_env
from assistant.gradio_import import blocks_without_early_servers, import_gradio

set_offline_env()  # before gradio (and litellm) are imported
# gradio wraps every event in a matplotlib backend switch once matplotlib is imported (assistant/gradio_import.py);
# with the backend left to "auto", that switch would import pyplot to resolve it (0.4 s). A server draws nothing.
os.environ.setdefault("MPLBACKEND", "agg")
# Four answers at once (gradio's default is one). Set here rather than by `demo.queue(...)`, which would build the
# whole server app a fourth time (0.2 s of the launch): every Blocks already sets up its queue from this variable.
os.environ.setdefault("GRADIO_DEFAULT_CONCURRENCY_LIMIT", "4")
# After every event gradio rebuilds the API page's per-endpoint stats (success rate, latency percentiles) as a pandas
# DataFrame of up to 10,000 past events: 5-17 ms of CPU per answer, and the first one imports pandas (0.5 s of the
# first answer). Every 25 events is fresh enough for a stats page.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "25")

EXAMPLES = [
    "Which talks cover data quality for agents?",
    "What follows the afternoon break?",
    "Any posters about training data storage?",
    "What is Fiddler showing?",
    "Posters like the Faiss poster",
    "Who is on the infrastructure panel?",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
ANSWERER_LABEL = re.compile(r"^\s*_Composed .*_\s*$")  # the grounded answerer's label: shown in the trace instead
TIMES_OF_DAY = ["any", "morning", "afternoon", "evening"]
AGENDA_KEY = "talks.myAgenda"  # localStorage key of the attendee's agenda (item ids)

CSS = """
.cite-chip { display:inline-block; padding:0 7px; margin:0 1px; border-radius:10px; font-size:0.8em;
  background:#e0e7ff; color:#3730a3 !important; text-decoration:none !important; font-weight:600; cursor:pointer; }
.cite-chip:hover { background:#c7d2fe; }
.cite-chip.active { background:#6366f1; color:#fff !important; }
.answer-sources { margin-top:10px; }
.answer-sources > summary { cursor:pointer; font-weight:600; color:#374151; }
.source-card { border:1px solid #e5e7eb; border-radius:10px; padding:8px 10px; margin:8px 0; background:#fff;
  scroll-margin-top:8px; }
.source-card.active { outline:3px solid #6366f1; background:#eef2ff; }
.source-card .head { font-weight:600; margin-bottom:2px; }
.meta { color:#4b5563; font-size:0.85em; margin-bottom:4px; }
.source-card .evidence { font-size:0.9em; line-height:1.45; margin:4px 0; }
.source-card .abstract, .row-body .abstract { font-size:0.88em; line-height:1.45; white-space:pre-wrap; }
mark { background:#fef08a; padding:0 1px; }
.badge { display:inline-block; font-size:0.72em; padding:1px 7px; border-radius:8px; margin-right:6px;
  text-transform:uppercase; letter-spacing:0.03em; color:#fff; vertical-align:middle; }
.kind-talk { background:#2563eb; } .kind-panel { background:#7c3aed; } .kind-poster { background:#059669; }
.kind-logistics { background:#6b7280; }
.unsupported { color:#b91c1c; font-size:0.8em; }
.tools { font-size:0.82em; margin-top:4px; display:flex; flex-wrap:wrap; gap:6px 12px; align-items:center; }
.tools button, .tools a, button.agenda-toggle, button.linkish { font-size:0.82em; border:1px solid #c7d2fe; border-radius:8px;
  padding:1px 8px; background:#f8fafc; color:#3730a3 !important; cursor:pointer; text-decoration:none !important; }
button.agenda-toggle.on { background:#dcfce7; border-color:#86efac; color:#166534 !important; }
a.person, a.open-item { color:#1d4ed8 !important; cursor:pointer; text-decoration:underline dotted !important; }
.related-item { border-left:3px solid #a5b4fc; padding:4px 8px; margin:0 0 8px 0; }
.why { color:#4b5563; font-size:0.85em; }
.notice { border-left:3px solid #f59e0b; background:#fffbeb; padding:6px 10px; border-radius:6px; }
.filter-chips { display:flex; flex-wrap:wrap; gap:6px; align-items:center; font-size:0.85em; min-height:0; }
.filter-chip { background:#fef3c7; border:1px solid #fcd34d; border-radius:12px; padding:1px 9px; }
.agenda-row { border-bottom:1px solid #e5e7eb; padding:4px 0; }
.agenda-row > summary { cursor:pointer; list-style:none; display:flex; gap:8px; align-items:baseline; flex-wrap:wrap; }
.agenda-row > summary::-webkit-details-marker { display:none; }
.agenda-row .time { font-variant-numeric:tabular-nums; color:#374151; min-width:11em; font-size:0.9em; }
.agenda-row .title { font-weight:600; flex:1; min-width:12em; }
.row-body { padding:4px 0 8px 1em; }
.poster-list { margin:4px 0 4px 1em; }
.conflict { color:#b45309; font-weight:600; }
.person-page .bio { font-size:0.92em; line-height:1.45; }
.bridge { display:none !important; }
.tools.back { display:none; }
@media (max-width: 700px) { .tools.back { display:flex; } }
#header h2 { margin-bottom:2px; }
@media (max-width: 640px) {
  #header h2 { font-size:1.1em !important; margin:0 !important; }
  #header p { font-size:0.8em !important; margin:2px 0 !important; line-height:1.3 !important; }
  .agenda-row .time { min-width:0; }
}
"""

# Clicks inside our markup (chips, cards, agenda rows) are handled here: chips open their own answer's
# card; data-action elements send {op, arg} to the server through the hidden #action box; the agenda
# lives in localStorage and is sent through #my-ids.
JS = """
() => {
  const KEY = "%(key)s";
  const mine = () => { try { const v = JSON.parse(localStorage.getItem(KEY) || "[]"); return Array.isArray(v) ? v : []; }
                       catch (e) { return []; } };
  const send = (id, value) => {
    const el = document.querySelector(`#${id} textarea, #${id} input`);
    if (!el) return;
    el.value = value;
    el.dispatchEvent(new Event("input", {bubbles: true}));
  };
  const sync = () => {
    const ids = new Set(mine());
    document.querySelectorAll("button.agenda-toggle").forEach((b) => {
      const on = ids.has(b.dataset.id);
      b.classList.toggle("on", on);
      const label = on ? "✓ In my agenda" : "+ Add to my agenda";
      if (b.textContent !== label) b.textContent = label;
    });
  };
  const save = (ids) => { localStorage.setItem(KEY, JSON.stringify(ids)); send("my-ids", ids.join(" ")); sync(); };
  window.talksAgenda = { mine, save, sync };
  let queued = false;
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; sync(); follow(); }); } })
    .observe(document.body, {childList: true, subtree: true});
  const scroller = (el) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const y = getComputedStyle(box).overflowY;
      if ((y === "auto" || y === "scroll") && box.scrollHeight > box.clientHeight + 4) return box;
    }
    return null;
  };
  // bring el to the top of its scroll box (the chat), and into the window if it is not
  const reveal = (el) => {
    const box = scroller(el);
    if (box) box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
    const r = el.getBoundingClientRect();
    if (r.top < 0 || r.top > window.innerHeight - 80) window.scrollBy(0, r.top - 8);
  };
  window.talksReveal = reveal;
  const openCard = (chip) => {
    const card = document.getElementById(chip.getAttribute("href").slice(1));
    if (!card) return;
    const box = card.closest("details");
    if (box) box.open = true;
    document.querySelectorAll(".source-card.active, .cite-chip.active").forEach((c) => c.classList.remove("active"));
    card.classList.add("active");
    chip.classList.add("active");
    reveal(card);
  };
  // a new answer starts: show its beginning (answers are read from the top, not the end)
  let answers = 0;
  const follow = () => {
    const all = document.querySelectorAll("#chat .answer-anchor");
    if (all.length > answers) { const box = scroller(all[all.length - 1]); if (box) reveal(all[all.length - 1]); }
    answers = all.length;
  };
  const copy = async (text, button) => {
    try { await navigator.clipboard.writeText(text); }
    catch (e) {
      const t = document.createElement("textarea"); t.value = text; document.body.appendChild(t); t.select();
      document.execCommand("copy"); t.remove();
    }
    if (button) { button.textContent = "Copied"; setTimeout(() => { button.textContent = "Copy"; }, 1500); }
  };
  document.addEventListener("click", (ev) => {
    const t = ev.target.closest("a.cite-chip, button.agenda-toggle, [data-action], a.back-to-answer, button.copy-answer");
    if (!t) return;
    ev.preventDefault();
    ev.stopPropagation();
    if (t.matches("a.cite-chip")) { openCard(t); return; }
    if (t.matches("a.back-to-answer")) {
      const a = document.getElementById(t.getAttribute("href").slice(1));
      if (a) reveal(a);
      return;
    }
    if (t.matches("button.copy-answer")) {
      const src = document.getElementById(t.dataset.copy);
      if (src) copy(src.value, t);
      return;
    }
    if (t.matches("button.agenda-toggle")) {
      const ids = mine().filter((x) => x !== t.dataset.id);
      if (!t.classList.contains("on")) ids.push(t.dataset.id);
      save(ids);
      return;
    }
    window.talksShowDetails = !["ask", "clear-filters-ask"].includes(t.dataset.action);
    send("action", JSON.stringify({op: t.dataset.action, arg: t.dataset.arg || "", t: Date.now()}));
  }, true);
  sync();
}
""" % {"key": AGENDA_KEY}

# After an answer is complete: show the start of the latest answer (not its end) and keep the input in view.
SHOW_LATEST = """
() => {
  const all = document.querySelectorAll("#chat .answer-anchor");
  if (all.length && window.talksReveal) window.talksReveal(all[all.length - 1]);
}
"""
SHOW_DETAILS = """
() => {
  const d = document.getElementById("details");
  if (d && window.talksShowDetails && window.innerWidth < 700) d.scrollIntoView({block: "start"});
}
"""
READ_AGENDA = (
    "(ids) => { try { return [(JSON.parse(localStorage.getItem('%s') || '[]')).join(' ')]; } catch (e) { return ['']; } }"
    % AGENDA_KEY
)


# ---------------------------------------------------------------- rendering (pure, testable)


def e(text) -> str:
    """Escape text from the corpus or the user for markup; newlines survive inside HTML blocks."""
    return html.escape(str(text), quote=True).replace("\n", "&#10;")


@dataclass(frozen=True)
class Turn:
    """One question in the chat and what came back: an Answer, or an error; `note` is our own markup
    (why filters left nothing) shown instead of the answer text."""

    question: str
    answer: object = None
    note: str = ""
    error: str = ""


@dataclass(frozen=True)
class Context:
    """What renderers need to know about the corpus: poster windows, to say when a poster is shown."""

    windows: str = ""


def with_chips(text: str, k: int) -> str:
    """Turn [n] / [n, m] markers into chips that open source n of answer k."""

    def chip(m):
        return "".join(
            f'<a class="cite-chip" href="#a{k}-src-{n.strip()}" data-answer="{k}" title="source {n.strip()}">'
            f"{n.strip()}</a>"
            for n in m.group(1).split(",")
        )

    return MARKER.sub(chip, text)


def highlight(abstract: str, quote: str) -> str:
    if quote and quote in abstract:
        i = abstract.index(quote)
        return e(abstract[:i]) + "<mark>" + e(quote) + "</mark>" + e(abstract[i + len(quote) :])
    return e(abstract)


def person_link(name: str) -> str:
    return f'<a class="person" data-action="person" data-arg="{e(name)}">{e(name)}</a>'


def people_html(item, limit: int = 6) -> str:
    people = [person_link(p.name) + (f" ({e(p.org)})" if p.org else "") for p in item.people[:limit]]
    if len(item.people) > limit:
        people.append(f"and {len(item.people) - limit} more")
    return ", ".join(people)


def when_html(item, ctx: Context) -> str:
    from assistant.agenda import when

    if item.start:
        return e(when(item))
    if item.kind == "poster" and ctx.windows:
        return "Poster sessions: " + e(ctx.windows)
    return ""


def meta_html(item, ctx: Context) -> str:
    bits = [b for b in (when_html(item, ctx), people_html(item) or e(", ".join(item.orgs))) if b]
    return " · ".join(bits)


def agenda_button(item) -> str:
    return f'<button class="agenda-toggle" data-id="{e(item.id)}">+ Add to my agenda</button>'


def badge(item) -> str:
    return f"<span class='badge kind-{e(item.kind)}'>{e(item.kind)}</span>"


def source_card(k: int, n: int, item, cite, ctx: Context) -> str:
    warn = (
        ""
        if cite is None or cite.supported
        else "<div class='unsupported'>The answer's claim citing this item was not found in its text.</div>"
    )
    quote = cite.quote if cite else ""
    if quote and item.abstract and quote in item.abstract:
        evidence = f"<div class='evidence'>“<mark>{e(quote)}</mark>”</div>"
    elif quote:
        evidence = f"<div class='evidence'><mark>{e(quote)}</mark></div>"
    else:
        evidence = ""
    abstract = (
        f"<details><summary>Abstract</summary><div class='abstract'>{highlight(item.abstract, quote)}</div></details>"
        if item.abstract
        else "<div class='meta'><i>No abstract published.</i></div>"
    )
    return (
        f"<div class='source-card' id='a{k}-src-{n}' data-id='{e(item.id)}'>"
        f"<div class='head'>[{n}] {badge(item)}<a class='open-item' data-action='item' data-arg='{e(item.id)}'>"
        f"{e(item.title)}</a></div><div class='meta'>{meta_html(item, ctx)}</div>{warn}{evidence}{abstract}"
        f"<div class='tools'>{agenda_button(item)}"
        f"<button class='linkish' data-action='related' data-arg='{e(item.id)}'>Related</button>"
        f"<a class='back-to-answer' href='#a{k}'>↑ Back to answer {k}</a></div></div>"
    )


def answer_body(text: str, k: int, names=()) -> str:
    """The answer's Markdown with corpus text escaped, the answerer's label dropped, chips for [n], and the
    people of its sources (`names`) as links to their pages."""
    lines = [line for line in text.split("\n") if not ANSWERER_LABEL.match(line)]
    body = safe_html.escape_markdown("\n".join(lines).strip())
    if names:
        escaped = {safe_html.escape_markdown(n): n for n in names if len(n) > 3}
        pattern = re.compile(
            r"(?<![\w>])(" + "|".join(re.escape(n) for n in sorted(escaped, key=len, reverse=True)) + r")(?![\w<])"
        )
        body = pattern.sub(lambda m: person_link(escaped[m.group(1)]), body)
    return with_chips(body, k)


def turn_markup(turn: Turn, k: int, ctx: Context) -> str:
    """The one function that turns an answer into chat markup. Everything that comes from the corpus,
    the model or the question is escaped here; the rest is our own markup."""
    from assistant.render import plain_text

    anchor = f"<span class='answer-anchor' id='a{k}'></span>"
    if turn.error:
        return f"{anchor}⚠ {e(turn.error)}"
    ans = turn.answer
    names = {p.name for h in ans.hits for p in h.item.people}
    body = turn.note or answer_body(ans.text, k, names)
    if ans.notices and not turn.note:
        body += "\n\n" + "\n".join(f"> ⚠ {safe_html.escape_markdown(n)}" for n in ans.notices)
    cites = {c.n: c for c in ans.citations}
    shown = [(n, h) for n, h in enumerate(ans.hits, 1) if not cites or n in cites]
    parts = [anchor + body, ""]
    if shown and not turn.note:
        cards = "".join(source_card(k, n, h.item, cites.get(n), ctx) for n, h in shown)
        parts.append(
            f"<details class='answer-sources' open><summary>Sources of answer {k} ({len(shown)})</summary>"
            f"{cards}</details>"
        )
    copy_id = f"a{k}-copy"
    link = "?q=" + url_quote(turn.question)
    parts.append(
        f"<div class='tools answer-tools'><button class='copy-answer' data-copy='{copy_id}'>Copy</button>"
        f"<a class='share-link' href='{e(link)}' target='_blank'>Link to this answer</a>"
        f"<textarea class='copy-text' id='{copy_id}' hidden readonly>{e(plain_text(ans))}</textarea></div>"
    )
    return "\n".join(parts)


def streaming_markup(text: str, k: int) -> str:
    return f"<span class='answer-anchor' id='a{k}'></span>" + answer_body(text, k)


def messages(turns, ctx: Context) -> list[dict]:
    out = []
    for k, turn in enumerate(turns, 1):
        out.append({"role": "user", "content": safe_html.escape_markdown(turn.question)})
        out.append({"role": "assistant", "content": turn_markup(turn, k, ctx)})
    return out


def describe_filters(kinds, orgs, tod) -> list[str]:
    out = []
    if kinds:
        out.append("Kind: " + ", ".join(kinds))
    if orgs:
        out.append("Organisation: " + ", ".join(orgs))
    if tod and tod != "any":
        out.append(f"Time: {tod}")
    return out


def filter_chips(kinds, orgs, tod) -> str:
    active = describe_filters(kinds, orgs, tod)
    if not active:
        return ""
    return (
        "<div class='filter-chips'>Filters on: "
        + "".join(f"<span class='filter-chip'>{e(a)}</span>" for a in active)
        + "</div>"
    )


def filtered_out_note(filters: list[str], unfiltered) -> str:
    """What to say when the filters, not the agenda, left nothing."""
    titles = "; ".join(e(h.item.title) for h in unfiltered[:3])
    return (
        f"<div class='notice'>Nothing matches with your filters on ({e(' · '.join(filters))}). "
        f"Without them, {len(unfiltered)} item{'s match' if len(unfiltered) != 1 else ' matches'}, e.g. {titles}."
        "<div class='tools'><button class='linkish' data-action='clear-filters-ask'>Clear filters and ask again"
        "</button></div></div>"
    )


BACK_TO_CHAT = "<div class='tools back'><a class='back-to-answer' href='#chat'>↑ Back to the answers</a></div>"


def related_html(source, hits) -> str:
    from assistant.render import why_related

    if source is None:
        return ""
    if not hits:
        return f"<p>Nothing on the agenda is close to <b>{e(source.title)}</b>.</p>"
    rows = "".join(
        f"<div class='related-item'>{badge(h.item)}<a class='open-item' data-action='item' "
        f"data-arg='{e(h.item.id)}'><b>{e(h.item.title)}</b></a> {agenda_button(h.item)}"
        f"<div class='why'>Why: {e(why_related(source, h.item, h.reason))}</div></div>"
        for h in hits
    )
    return f"<h4>Related to {e(source.title)}</h4>{rows}{BACK_TO_CHAT}"


def item_page(item, ctx: Context, related: str = "") -> str:
    abstract = (
        f"<div class='abstract'>{e(item.abstract)}</div>" if item.abstract else "<p><i>No abstract published.</i></p>"
    )
    return (
        f"<div class='item-page'><h3>{badge(item)}{e(item.title)}</h3><div class='meta'>{meta_html(item, ctx)}</div>"
        f"<div class='tools'>{agenda_button(item)}<button class='linkish' data-action='ask' "
        f"data-arg='{e(ask_about(item))}'>Ask about it</button></div>{abstract}</div>{related or BACK_TO_CHAT}"
    )


def ask_about(item) -> str:
    return f'Tell me about "{item.title}"'


def person_page(name: str, items, ctx: Context) -> str:
    """A speaker: org, bio (the longest one given), and every item they are on, in time order."""
    entries = [(i, p) for i in items for p in i.people if p.name == name]
    if not entries:
        return f"<p>No one called {e(name)} is on the agenda.</p>"
    orgs = list(dict.fromkeys(p.org for _, p in entries if p.org))
    bio = max((p for _, p in entries), key=lambda p: len(p.bio))
    on = sorted({i.id: i for i, _ in entries}.values(), key=lambda i: (i.start or "9999", i.title))
    rows = "".join(
        f"<li>{badge(i)}<a class='open-item' data-action='item' data-arg='{e(i.id)}'>{e(i.title)}</a>"
        f" <span class='meta'>{when_html(i, ctx)}</span> {agenda_button(i)}</li>"
        for i in on
    )
    bio_html = (
        f"<p class='bio'>{e(bio.bio)}{'…' if bio.bio_truncated else ''}</p>"
        if bio.bio
        else "<p class='meta'><i>No bio published.</i></p>"
    )
    return (
        f"<div class='person-page'><h3>{e(name)}</h3><div class='meta'>{e(', '.join(orgs))}</div>{bio_html}"
        f"<h4>On the agenda</h4><ul>{rows}</ul>{BACK_TO_CHAT}</div>"
    )


def agenda_html(rows, ctx: Context) -> str:
    from assistant.agenda import when

    if not rows:
        return "<p>Nothing on the agenda matches these filters.</p>"
    out, last_day = [], None
    for row in rows[:400]:
        item = row.item
        d = item.start_dt.date() if item.start else None
        if d != last_day and d is not None:
            out.append(f"<h4>{e(when(item).split(',')[0])}</h4>")
        last_day = d
        clock = e(when(item).split(", ", 1)[-1]) if item.start else "—"
        body = []
        if item.people:
            body.append(f"<div class='meta'>{people_html(item, limit=20)}</div>")
        if item.abstract:
            body.append(f"<div class='abstract'>{e(item.abstract)}</div>")
        if row.posters:
            posters = "".join(
                f"<li>{badge(p)}<a class='open-item' data-action='item' data-arg='{e(p.id)}'>{e(p.title)}</a>"
                f" <span class='meta'>{people_html(p, limit=3)}</span> {agenda_button(p)}</li>"
                for p in row.posters
            )
            body.append(
                f"<div>Posters shown in this session ({len(row.posters)}):</div><ul class='poster-list'>{posters}</ul>"
            )
        label = f" · {len(row.posters)} posters" if row.posters else ""
        out.append(
            f"<details class='agenda-row' data-id='{e(item.id)}'><summary><span class='time'>{clock}</span>"
            f"{badge(item)}<span class='title'>{e(item.title)}{label}</span>{agenda_button(item)}</summary>"
            f"<div class='row-body'>{''.join(body) or '<i>No details published.</i>'}</div></details>"
        )
    if len(rows) > 400:
        out.append(f"<p class='meta'>… and {len(rows) - 400} more; use the filters or the Search tab.</p>")
    return "".join(out)


def my_agenda_html(mine, clashes, ctx: Context) -> str:
    from assistant.agenda import when

    if not mine:
        return "<p class='meta'>Your agenda is empty: use “+ Add to my agenda” on any item or source card. It stays in this browser.</p>"
    clash_ids = {i.id for pair in clashes for i in pair}
    rows = []
    for item in mine:
        warn = " <span class='conflict'>⚠ overlaps</span>" if item.id in clash_ids else ""
        rows.append(
            f"<li>{badge(item)}<b>{e(item.title)}</b> <span class='meta'>{when_html(item, ctx)}</span>{warn} "
            f"<button class='agenda-toggle' data-id='{e(item.id)}'>✓ In my agenda</button></li>"
        )
    warnings = "".join(
        f"<li class='conflict'>⚠ Conflict: {e(a.title)} ({e(when(a))}) overlaps {e(b.title)} ({e(when(b))})</li>"
        for a, b in clashes
    )
    return (
        f"<div id='my-agenda-list'><ul>{''.join(rows)}</ul>"
        + (f"<ul class='conflicts'>{warnings}</ul>" if warnings else "")
        + "</div>"
    )


def label_html(hit) -> str:
    """A ranked hit's judgement: match / possibly relevant / weak, with its calibrated probability."""
    if hit.relevance is None:
        return ""
    text = {"match": "match", "possible": "possibly relevant", "weak": "weak"}[str(hit.label)]
    return f" · <span class='rel rel-{e(str(hit.label))}'>{text} (p={hit.relevance:.2f})</span>"


def search_html(result, ctx: Context) -> str:
    if not result.hits:
        close = "".join(f"<li>{e(h.item.title)}</li>" for h in result.closest)
        return f"<p>No item matches.</p><p>Closest, not matching:</p><ul>{close}</ul>"
    rows = []
    for h in result.hits:
        rows.append(
            f"<div class='source-card'><div class='head'>{h.rank}. {badge(h.item)}<a class='open-item' "
            f"data-action='item' data-arg='{e(h.item.id)}'>{e(h.item.title)}</a></div>"
            f"<div class='meta'>{meta_html(h.item, ctx)} · score {h.score:.3f}{label_html(h)}</div>"
            f"<div class='abstract'>{e(h.item.abstract[:600])}{'…' if len(h.item.abstract) > 600 else ''}</div>"
            f"<div class='tools'>{agenda_button(h.item)}</div></div>"
        )
    plan = "; ".join(result.plan.notes)
    return (f"<p class='meta'>Plan: {e(plan)}</p>" if plan else "") + "".join(rows)


DETAILS_EMPTY = (
    "<p class='meta'>Click a person for their page, a title for the item, or “Related” on a source "
    "for similar talks and posters.</p>"
)


# ---------------------------------------------------------------- the app: layout


@dataclass
class UI:
    """The components handlers read and write (handlers return {component: update} dicts)."""

    tabs: object
    chat: object
    box: object
    turns: object
    retry_btn: object
    clear_btn: object
    chips: object
    chips_row: object
    clear_filters: object
    kinds: object
    orgs: object
    tod: object
    examples: object
    details: object
    trace: object
    action: object
    my_ids: object
    mine: object
    ics: object
    day: object
    akinds: object
    aorgs: object
    atod: object
    sq: object
    sk: object
    skinds: object
    sbtn: object
    sout: object


def layout(title: str, orgs: list[str], kinds: tuple[str, ...], day_html: str) -> UI:
    import gradio as gr

    gr.Markdown(
        f"## {title}: your guide to the day\nAsk about the talks, panels, posters and speakers — every answer "
        "shows its sources. Build your own agenda, see clashes, and add it to your calendar.",
        elem_id="header",
    )
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=340):
            with gr.Tabs() as tabs:
                with gr.Tab("Ask", id="ask"):
                    chat = gr.Chatbot(
                        show_label=False,
                        height="min(60vh, 640px)",
                        elem_id="chat",
                        sanitize_html=False,
                        autoscroll=False,
                        group_consecutive_messages=False,
                        buttons=[],
                        feedback_options=None,
                        placeholder="Ask a question: answers appear here, each with its own sources.",
                    )
                    with gr.Row(equal_height=True, visible=False) as chips_row:
                        chips = gr.HTML("", elem_id="filter-chips", padding=False)
                        clear_filters = gr.Button(
                            "Clear filters", size="sm", elem_id="clear-filters", scale=0, min_width=110
                        )
                    box = gr.Textbox(
                        placeholder="Ask about talks, posters, speakers or the schedule…",
                        show_label=False,
                        elem_id="question",
                        submit_btn=True,
                    )
                    with gr.Row():
                        retry_btn = gr.Button("Retry", size="sm", elem_id="retry")
                        clear_btn = gr.Button("Clear", size="sm", elem_id="clear")
                    with gr.Accordion("Filters", open=False, elem_id="filters"):
                        kinds_in = gr.CheckboxGroup(list(kinds), label="Kind", elem_id="filter-kind")
                        org_in = gr.Dropdown(orgs, multiselect=True, label="Organisation", elem_id="filter-org")
                        tod = gr.Radio(TIMES_OF_DAY, value="any", label="Time of day", elem_id="filter-time")
                    examples = gr.Examples(EXAMPLES, inputs=box, label="Try (click to ask)")
                with gr.Tab("Agenda", id="agenda", elem_id="agenda-tab"):
                    gr.Markdown("### My agenda")
                    mine = gr.HTML(my_agenda_html([], [], Context()), elem_id="my-agenda")
                    ics = gr.DownloadButton("Download .ics (calendar)", visible=False, elem_id="ics", size="sm")
                    gr.Markdown("### The day")
                    with gr.Row():
                        akinds = gr.CheckboxGroup(list(kinds), label="Kind", elem_id="agenda-kind")
                        aorgs = gr.Dropdown(orgs, multiselect=True, label="Organisation", elem_id="agenda-org")
                        atod = gr.Radio(TIMES_OF_DAY, value="any", label="Time of day", elem_id="agenda-time")
                    day = gr.HTML(day_html, elem_id="day")
                with gr.Tab("Search", id="search"):
                    with gr.Row():
                        sq = gr.Textbox(
                            placeholder="Search talks and posters…", show_label=False, scale=4, elem_id="search-box"
                        )
                        sk = gr.Slider(1, 25, value=10, step=1, label="Results", scale=1)
                    skinds = gr.CheckboxGroup(list(kinds), label="Kind")
                    sbtn = gr.Button("Search", variant="primary")
                    sout = gr.HTML()
        with gr.Column(scale=2, min_width=300):
            details = gr.HTML(DETAILS_EMPTY, elem_id="details", container=True)
            with gr.Accordion("Trace (answerer, plan, hits and scores, timings, citation check)", open=False):
                trace = gr.JSON(label="Trace")
    turns = gr.State([])
    action = gr.Textbox(elem_id="action", elem_classes=["bridge"], show_label=False, container=False)
    my_ids = gr.Textbox(elem_id="my-ids", elem_classes=["bridge"], show_label=False, container=False)
    return UI(
        tabs=tabs,
        chat=chat,
        box=box,
        turns=turns,
        retry_btn=retry_btn,
        clear_btn=clear_btn,
        chips=chips,
        chips_row=chips_row,
        clear_filters=clear_filters,
        kinds=kinds_in,
        orgs=org_in,
        tod=tod,
        examples=examples,
        details=details,
        trace=trace,
        action=action,
        my_ids=my_ids,
        mine=mine,
        ics=ics,
        day=day,
        akinds=akinds,
        aorgs=aorgs,
        atod=atod,
        sq=sq,
        sk=sk,
        skinds=skinds,
        sbtn=sbtn,
        sout=sout,
    )


# ---------------------------------------------------------------- the app: handlers


class Handlers:
    """Event handlers over one Assistant; each returns (or yields) a dict of component updates."""

    def __init__(self, assistant, ui: UI, ctx: Context, ics_dir: Path):
        self.assistant = assistant
        self.searcher = assistant.searcher
        self.ui = ui
        self.ctx = ctx
        self.ics_dir = ics_dir
        # what the chat shows until the first words arrive: an LLM can take a while
        self.waiting = "Waiting for the model…" if assistant.settings.llm_model else "…"

    # -- chat

    def _filters(self, kinds, orgs, tod):
        from assistant.records import Filters

        return Filters(
            kinds=tuple(kinds or ()), orgs=tuple(orgs or ()), time_of_day=None if tod in (None, "", "any") else tod
        )

    def _empty_state(self, question, answer, kinds, orgs, tod) -> str:
        active = describe_filters(kinds, orgs, tod)
        if not (answer.refused and active):
            return ""
        from assistant.search import SearchError

        try:
            unfiltered = self.searcher.search(question).hits
        except SearchError:
            return ""
        return filtered_out_note(active, unfiltered) if unfiltered else ""

    def respond(self, question, turns, kinds, orgs, tod):
        from assistant.answer import Delta
        from assistant.render import accumulate
        from assistant.search import SearchError

        ui = self.ui
        question = (question or "").strip()
        turns = list(turns or [])
        if not question:
            yield {ui.box: ""}
            return
        k = len(turns) + 1
        chat = messages(turns, self.ctx) + [
            {"role": "user", "content": safe_html.escape_markdown(question)},
            {"role": "assistant", "content": self.waiting},
        ]
        yield {ui.box: "", ui.chat: chat}
        history = [t.answer for t in turns if t.answer is not None]
        shown, answer = "", None
        try:
            for event in self.assistant.stream(question, history, self._filters(kinds, orgs, tod)):
                if isinstance(event, Delta):
                    shown = accumulate(shown, event)
                    chat[-1] = {"role": "assistant", "content": streaming_markup(shown, k)}
                    yield {ui.chat: chat}
                else:
                    answer = event
            turn = Turn(question, answer, note=self._empty_state(question, answer, kinds, orgs, tod))
        except SearchError as exc:
            turn = Turn(question, error=str(exc))
        turns.append(turn)
        yield {ui.chat: messages(turns, self.ctx), ui.turns: turns, ui.trace: answer.trace if answer else {}}

    def retry(self, turns, kinds, orgs, tod):
        turns = list(turns or [])
        if not turns:
            yield {self.ui.box: ""}
            return
        last = turns.pop()
        yield from self.respond(last.question, turns, kinds, orgs, tod)

    def clear(self):
        ui = self.ui
        return {ui.box: "", ui.chat: [], ui.turns: [], ui.details: DETAILS_EMPTY, ui.trace: {}}

    def show_filters(self, kinds, orgs, tod):
        active = bool(describe_filters(kinds, orgs, tod))
        return {self.ui.chips: filter_chips(kinds, orgs, tod), self.ui.chips_row: _visible(active)}

    def clear_filters(self):
        ui = self.ui
        return {ui.kinds: [], ui.orgs: [], ui.tod: "any", ui.chips: "", ui.chips_row: _visible(False)}

    def from_url(self, turns, request=None):
        """?q=... in the page address asks that question (the answer's "Link")."""
        q = (dict(request.query_params).get("q") if request is not None else None) or ""
        if q.strip() and not turns:
            yield from self.respond(q, turns, [], [], "any")
        else:
            yield {self.ui.box: _skip()}

    # -- details panel (people, items, related) and the agenda

    def on_action(self, payload, turns, kinds, orgs, tod):
        from assistant.search import SearchError

        ui = self.ui
        try:
            msg = json.loads(payload or "{}")
        except json.JSONDecodeError:
            msg = {}
        if not isinstance(msg, dict):
            msg = {}
        op, arg = msg.get("op"), str(msg.get("arg", ""))
        if op == "person":
            yield {ui.details: person_page(arg, self.searcher.items, self.ctx)}
        elif op in ("item", "related"):
            try:
                item = self.searcher.resolve(arg)
            except SearchError as exc:
                yield {ui.details: f"<p>⚠ {e(exc)}</p>"}
                return
            rel = related_html(item, self.searcher.related(item.id, k=5)) if item.kind != "logistics" else ""
            yield {ui.details: item_page(item, self.ctx, rel) if op == "item" else rel}
        elif op == "ask" and arg.strip():
            yield {ui.tabs: _tab("ask")}
            yield from self.respond(arg, turns, kinds, orgs, tod)
        elif op == "clear-filters-ask":
            yield self.clear_filters()
            yield from self.retry(turns, [], [], "any")
        else:
            yield {ui.details: _skip()}

    def my_agenda(self, ids_text):
        from assistant import agenda

        ui = self.ui
        chosen = agenda.pick(self.searcher.items, agenda.parse_ids(ids_text))
        clashes = agenda.conflicts(chosen)
        out = {ui.mine: my_agenda_html(chosen, clashes, self.ctx)}
        if chosen:
            data = agenda.to_ics(chosen, self.searcher.items)
            key = hashlib.sha1(" ".join(i.id for i in chosen).encode()).hexdigest()[:12]
            path = self.ics_dir / key / "my-agenda.ics"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            out[ui.ics] = _download(str(path))
        else:
            out[ui.ics] = _download(None)
        return out

    def filter_day(self, kinds, orgs, tod):
        from assistant import agenda

        rows = agenda.filter_rows(
            agenda.day(self.searcher.items), kinds or (), orgs or (), None if tod in (None, "", "any") else tod
        )
        return {self.ui.day: agenda_html(rows, self.ctx)}

    def run_search(self, query, kinds, k):
        from assistant.records import Filters
        from assistant.search import SearchError

        try:
            result = self.searcher.search(query, k=int(k), filters=Filters(kinds=tuple(kinds or ())))
        except SearchError as exc:
            return {self.ui.sout: f"<p>⚠ {e(exc)}</p>"}
        return {self.ui.sout: search_html(result, self.ctx)}


def _skip():
    import gradio as gr

    return gr.skip()


def _tab(name: str):
    import gradio as gr

    return gr.Tabs(selected=name)


def _visible(flag: bool):
    import gradio as gr

    return gr.update(visible=flag)


def _download(path):
    import gradio as gr

    return gr.update(value=path, visible=path is not None)


def build_app(assistant):
    gr = import_gradio()

    from assistant import agenda
    from corpus.item import KINDS

    searcher = assistant.searcher
    items = searcher.items
    orgs = sorted({o for i in items for o in i.orgs})
    events = sorted({i.event for i in items if i.event})
    title = events[0] if len(events) == 1 else "Conference talks"
    ctx = Context(windows=agenda.windows_text(agenda.poster_sessions(items)))
    kinds = tuple(k for k in KINDS if any(i.kind == k for i in items)) or KINDS

    # Named API endpoints (gradio_client: Client(url).predict(..., api_name="/ask")). A request that cannot be
    # served (an empty question, a bad k, an unknown item) is answered with our message, not a Python traceback.
    def api_errors(fn):
        from functools import wraps

        from assistant.search import SearchError

        @wraps(fn)
        def call(*args):
            try:
                return fn(*args)
            except (SearchError, ValueError, TypeError) as exc:
                raise gr.Error(str(exc)) from None

        return call

    @api_errors
    def ask(question: str) -> dict:
        """Answer a question about the agenda; returns the answer text and its citations."""
        ans = assistant.answer(question)
        return {
            "answer": ans.text,
            "citations": [c.to_dict() for c in ans.citations],
            "refused": ans.refused,
            "notices": list(ans.notices),
            "answerer": ans.answerer,
        }

    @api_errors
    def search(query: str, k: int = 10) -> dict:
        """Search the talks and posters; returns the plan and the hits with their scores."""
        return searcher.search(query, k=int(k)).to_dict()

    @api_errors
    def related(item: str, k: int = 5) -> dict:
        """Items like a given one (id or title), each with the reason."""
        source = searcher.resolve(item)
        return {
            "item": {"id": source.id, "title": source.title},
            "hits": [h.to_dict() for h in searcher.related(source.id, k=int(k))],
        }

    with blocks_without_early_servers(), gr.Blocks(title=f"{title} — ask the agenda") as demo:
        ui = layout(title, orgs, kinds, agenda_html(agenda.day(items), ctx))
        h = Handlers(assistant, ui, ctx, Path(tempfile.mkdtemp(prefix="talks-ics-")))
        private = {"api_visibility": "private"}
        chat_in = [ui.turns, ui.kinds, ui.orgs, ui.tod]
        chat_out = [ui.box, ui.chat, ui.turns, ui.trace]
        ui.box.submit(h.respond, [ui.box, *chat_in], chat_out, **private).then(None, js=SHOW_LATEST)
        ui.examples.load_input_event.then(h.respond, [ui.box, *chat_in], chat_out, **private).then(
            None, js=SHOW_LATEST
        )  # an example is asked, not just typed
        ui.retry_btn.click(h.retry, chat_in, chat_out, **private).then(None, js=SHOW_LATEST)
        ui.chat.retry(h.retry, chat_in, chat_out, **private).then(None, js=SHOW_LATEST)
        reset = [ui.box, ui.chat, ui.turns, ui.details, ui.trace]
        ui.clear_btn.click(h.clear, None, reset, **private)
        ui.chat.clear(h.clear, None, reset, **private)
        for control in (ui.kinds, ui.orgs, ui.tod):
            control.change(h.show_filters, [ui.kinds, ui.orgs, ui.tod], [ui.chips, ui.chips_row], **private)
        filters_out = [ui.kinds, ui.orgs, ui.tod, ui.chips, ui.chips_row]
        ui.clear_filters.click(h.clear_filters, None, filters_out, **private)
        ui.action.change(
            h.on_action, [ui.action, *chat_in], [ui.details, ui.tabs, *chat_out, *filters_out], **private
        ).then(None, js=SHOW_DETAILS)
        ui.my_ids.change(h.my_agenda, ui.my_ids, [ui.mine, ui.ics], **private)
        demo.load(h.my_agenda, ui.my_ids, [ui.mine, ui.ics], js=READ_AGENDA, **private)

        def from_url(turns, request=None):
            yield from h.from_url(turns, request)

        from_url.__annotations__["request"] = gr.Request  # (this module's annotations are strings)
        demo.load(from_url, ui.turns, chat_out, **private).then(None, js=SHOW_LATEST)
        for control in (ui.akinds, ui.aorgs, ui.atod):
            control.change(h.filter_day, [ui.akinds, ui.aorgs, ui.atod], ui.day, **private)
        ui.sbtn.click(h.run_search, [ui.sq, ui.skinds, ui.sk], ui.sout, **private)
        ui.sq.submit(h.run_search, [ui.sq, ui.skinds, ui.sk], ui.sout, **private)
        gr.api(ask, api_name="ask")
        gr.api(search, api_name="search")
        gr.api(related, api_name="related")
    return demo


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError(f"credentials must look like user:password, got {value!r}")
    return user, password


def launch(demo, host: str, port: int, auth, block: bool = True):
    return demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        ssr_mode=False,
        show_error=True,
        quiet=True,
        css=CSS,
        js=JS,
        prevent_thread_lock=not block,
        footer_links=["api"],
        app_kwargs=webguard.app_kwargs(host),
    )


def import_gradio_aside() -> None:
    """import_gradio() for a second thread: never while the first imports torch (index.embedder.HEAVY_IMPORTS)."""
    from index.embedder import HEAVY_IMPORTS

    with HEAVY_IMPORTS:
        import_gradio()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="app.py", description="Ask the agenda: the web app.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port to listen on (default 7860)")
    p.add_argument("--corpus", help="corpus JSONL (default: the @Scale corpus)")
    p.add_argument("--auth", help="user:password, required to bind anything but 127.0.0.1 (or TALKS_AUTH)")
    p.add_argument(
        "--no-browser",
        action="store_true",
        help="only print the URL (default: also open it when a desktop browser is available)",
    )
    args = p.parse_args(argv)
    try:
        auth = parse_auth(args.auth or os.environ.get("TALKS_AUTH"))
    except ValueError as exc:
        print(f"app.py: error: {exc}", file=sys.stderr)
        return 2
    if args.host not in LOOPBACK and auth is None:
        print(
            f"app.py: error: refusing to serve on {args.host} without credentials: anyone who can reach it "
            "could use it. Pass --auth user:password (or set TALKS_AUTH), or bind 127.0.0.1.",
            file=sys.stderr,
        )
        return 2
    if not 1 <= args.port <= 65535:
        print(f"app.py: error: --port {args.port} is not a port number (1-65535)", file=sys.stderr)
        return 2
    if args.corpus and not Path(args.corpus).is_file():
        print(f"app.py: error: --corpus {args.corpus}: no such file", file=sys.stderr)
        return 2

    from assistant.answer import Assistant
    from assistant.settings import Settings
    from corpus.jsonl import CorpusError
    from index.manifest import IndexMismatch

    t0 = time.perf_counter()
    # gradio imports on a second thread while the index loads (Faiss and ONNX Runtime release the GIL), never at
    # the same time as torch (a first start exports the model)
    threading.Thread(target=import_gradio_aside, name="import-gradio", daemon=True).start()
    try:
        settings = Settings.from_env(os.environ, corpus=Path(args.corpus) if args.corpus else None)
        assistant = Assistant.open(settings, progress=sys.stderr.isatty())
    except (CorpusError, IndexMismatch, ValueError) as exc:
        print(f"app.py: error: {exc}", file=sys.stderr)
        return 2
    demo = build_app(assistant)
    url = f"http://{'127.0.0.1' if args.host in LOOPBACK else args.host}:{args.port}"
    try:
        launch(demo, args.host, args.port, auth, block=False)
    except OSError as exc:
        print(f"app.py: error: cannot listen on {args.host}:{args.port} ({exc}); pass --port", file=sys.stderr)
        return 2
    print(f"Ask the agenda: {url}  (ready in {time.perf_counter() - t0:.1f}s; Ctrl-C stops)", flush=True)
    if not args.no_browser and (
        sys.platform in ("darwin", "win32") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        import webbrowser  # a desktop session; a headless one (no display) only gets the URL above

        try:
            browser = webbrowser.get()
            if type(browser) is not webbrowser.GenericBrowser:  # never a console browser (lynx, w3m): it would
                browser.open(url)  # take over the terminal the server logs to
        except webbrowser.Error:
            pass
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
