"""The web app: a Gradio chat over `assistant/` (UI only: retrieval and answering live in assistant/).

    python app.py [--host 127.0.0.1] [--port 7860] [--corpus FILE] [--auth user:pass]

Binds 127.0.0.1 by default; any other address needs credentials (--auth or TALKS_AUTH). Named API
endpoints /ask, /search and /related serve gradio_client. No share links, no analytics.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import time
from pathlib import Path

from assistant import safe_html, webguard
from assistant.cli import set_offline_env

set_offline_env()  # before gradio (and litellm) are imported

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

CSS = """
.cite-chip { display:inline-block; padding:0 7px; margin:0 1px; border-radius:10px; font-size:0.8em;
  background:#e0e7ff; color:#3730a3 !important; text-decoration:none !important; font-weight:600; }
.cite-chip:hover { background:#c7d2fe; }
.source-card { border:1px solid #e5e7eb; border-radius:10px; padding:10px 12px; margin:0 0 10px 0; background:#fff; }
.source-card:target { outline:2px solid #6366f1; }
.source-card .head { font-weight:600; margin-bottom:4px; }
.source-card .meta { color:#4b5563; font-size:0.85em; margin-bottom:6px; }
.source-card .abstract { font-size:0.88em; line-height:1.45; max-height:16em; overflow:auto; white-space:pre-wrap; }
.source-card mark { background:#fef08a; padding:0 1px; }
.badge { display:inline-block; font-size:0.72em; padding:1px 7px; border-radius:8px; margin-right:6px;
  text-transform:uppercase; letter-spacing:0.03em; color:#fff; vertical-align:middle; }
.kind-talk { background:#2563eb; } .kind-panel { background:#7c3aed; } .kind-poster { background:#059669; }
.kind-logistics { background:#6b7280; }
.unsupported { color:#b91c1c; font-size:0.8em; }
.related-item { border-left:3px solid #a5b4fc; padding:4px 8px; margin:0 0 8px 0; }
.related-item .why { color:#4b5563; font-size:0.85em; }
.answerer-note { font-size:0.9em; color:#374151; }
#sources { overflow-y: auto; }
"""


# ---------------------------------------------------------------- rendering (pure, testable)


def e(text) -> str:
    return html.escape(str(text), quote=True)


def with_chips(text: str) -> str:
    """Turn [n] / [n, m] markers into chips that link to the source cards."""
    def chip(m):
        return "".join(f'<a class="cite-chip" href="#src-{n.strip()}" title="source {n.strip()}">{n.strip()}</a>'
                       for n in m.group(1).split(","))

    return MARKER.sub(chip, text)


def _meta(item) -> str:
    from assistant.extractive import byline, clock

    bits = []
    if item.start:
        bits.append(f"{item.start[:10]} {clock(item)}")
    if item.people:
        bits.append(byline(item, limit=6))
    elif item.orgs:
        bits.append(", ".join(item.orgs))
    return " · ".join(bits)


def highlight(abstract: str, quote: str) -> str:
    if quote and quote in abstract:
        i = abstract.index(quote)
        return e(abstract[:i]) + "<mark>" + e(quote) + "</mark>" + e(abstract[i + len(quote):])
    return e(abstract)


def source_cards(answer) -> str:
    if answer is None:
        return "<p>Sources of the answer appear here.</p>"
    if answer.refused:
        rows = "".join(f"<li>{e(h.item.title)} <span class='badge kind-{e(h.item.kind)}'>{e(h.item.kind)}</span></li>"
                       for h in answer.closest)
        return f"<p>No item on the agenda matches. Closest, <b>not</b> matching:</p><ul>{rows}</ul>"
    quotes = {c.n: c for c in answer.citations}
    cards = []
    for n, hit in enumerate(answer.hits, 1):
        item, cite = hit.item, quotes.get(n)
        warn = "" if cite is None or cite.supported else "<div class='unsupported'>The answer's claim citing this item was not found in its text.</div>"
        abstract = highlight(item.abstract, cite.quote if cite else "") if item.abstract else "<i>No abstract published.</i>"
        cards.append(
            f"<div class='source-card' id='src-{n}'><div class='head'><span class='badge kind-{e(item.kind)}'>{e(item.kind)}</span>"
            f"[{n}] {e(item.title)}</div><div class='meta'>{e(_meta(item))}</div>{warn}"
            f"<div class='abstract'>{abstract}</div></div>")
    return "".join(cards)


def related_html(source, hits) -> str:
    if source is None:
        return "<p>Choose a source to see related talks and posters.</p>"
    if not hits:
        return f"<p>Nothing on the agenda is close to <b>{e(source.title)}</b>.</p>"
    rows = "".join(f"<div class='related-item'><span class='badge kind-{e(h.item.kind)}'>{e(h.item.kind)}</span>"
                   f"<b>{e(h.item.title)}</b><div class='meta'>{e(_meta(h.item))}</div>"
                   f"<div class='why'>Why: {e(h.reason)}</div></div>" for h in hits)
    return f"<p>Related to <b>{e(source.title)}</b>:</p>{rows}"


def chat_text(answer) -> str:
    text = safe_html.chat_markdown(answer.text, with_chips)
    if answer.notices:
        text += "\n\n" + "\n".join(f"> ⚠ {safe_html.escape_markdown(n)}" for n in answer.notices)
    return text


def search_html(result) -> str:
    if not result.hits:
        close = "".join(f"<li>{e(h.item.title)}</li>" for h in result.closest)
        return f"<p>No item matches.</p><p>Closest, not matching:</p><ul>{close}</ul>"
    rows = []
    for h in result.hits:
        rows.append(f"<div class='source-card'><div class='head'><span class='badge kind-{e(h.item.kind)}'>{e(h.item.kind)}</span>"
                    f"{h.rank}. {e(h.item.title)}</div><div class='meta'>{e(_meta(h.item))} · score {h.score:.3f} · "
                    f"id {e(h.item.id)}</div><div class='abstract'>{e(h.item.abstract[:600])}"
                    f"{'…' if len(h.item.abstract) > 600 else ''}</div></div>")
    plan = "; ".join(result.plan.notes)
    return (f"<p class='meta'>Plan: {e(plan)}</p>" if plan else "") + "".join(rows)


# ---------------------------------------------------------------- the app


def build_app(assistant):
    import gradio as gr

    from assistant.records import Filters
    from assistant.search import SearchError
    from corpus.item import KINDS

    searcher = assistant.searcher
    orgs = sorted({o for i in searcher.items for o in i.orgs})
    if assistant.settings.llm_model:
        note = (f"Answerer: **{assistant.settings.llm_model}** via litellm. If it fails, you get the grounded "
                "answer composed from the abstracts, with a notice.")
    else:
        note = ("Answerer: **grounded** — answers are composed from the talk and poster abstracts, with quoted "
                "evidence. Set `TALKS_LLM_MODEL` to use an LLM.")
    events = sorted({i.event for i in searcher.items if i.event})
    title = events[0] if len(events) == 1 else "Conference talks"

    def filters_of(kinds, org_sel, tod):
        return Filters(kinds=tuple(kinds or ()), orgs=tuple(org_sel or ()),
                       time_of_day=None if tod in (None, "", "any") else tod)

    def respond(message, chat, answers, kinds, org_sel, tod):
        message = (message or "").strip()
        chat = list(chat or [])
        answers = list(answers or [])
        if not message:
            yield "", chat, answers, gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        chat += [{"role": "user", "content": safe_html.escape_markdown(message)}, {"role": "assistant", "content": "…"}]
        yield "", chat, answers, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        shown = ""
        try:
            for event in assistant.stream(message, answers, filters_of(kinds, org_sel, tod)):
                if hasattr(event, "replace"):
                    shown = event.text if event.replace else shown + event.text
                    chat[-1] = {"role": "assistant", "content": safe_html.chat_markdown(shown, with_chips)}
                    yield "", chat, answers, gr.skip(), gr.skip(), gr.skip(), gr.skip()
                else:
                    answer = event
        except SearchError as exc:
            chat[-1] = {"role": "assistant", "content": f"⚠ {safe_html.escape_markdown(exc)}"}
            yield "", chat, answers, gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        chat[-1] = {"role": "assistant", "content": chat_text(answer)}
        answers.append(answer)
        choices = [(f"[{n}] {h.item.title}", h.item.id) for n, h in enumerate(answer.hits, 1)]
        yield ("", chat, answers, source_cards(answer), gr.update(choices=choices, value=None),
               related_html(None, []), answer.trace)

    def show_related(item_id):
        if not item_id:
            return related_html(None, [])
        source = searcher.resolve(item_id)
        return related_html(source, searcher.related(item_id, k=5))

    def clear():
        return "", [], [], source_cards(None), gr.update(choices=[], value=None), related_html(None, []), {}

    def retry(chat, answers, kinds, org_sel, tod):
        answers = list(answers or [])
        chat = list(chat or [])
        last = next((safe_html.unescape_markdown(m["content"]) for m in reversed(chat) if m["role"] == "user"), None)
        if last is None:
            yield "", chat, answers, gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        while chat and chat[-1]["role"] != "user":
            chat.pop()
        chat.pop()
        if answers:
            answers.pop()
        yield from respond(last, chat, answers, kinds, org_sel, tod)

    def run_search(query, kinds, k):
        try:
            result = searcher.search(query, k=int(k), filters=Filters(kinds=tuple(kinds or ())))
        except SearchError as exc:
            return f"<p>⚠ {e(exc)}</p>"
        return search_html(result)

    # Named API endpoints (gradio_client: Client(url).predict(..., api_name="/ask"))
    def ask(question: str) -> dict:
        """Answer a question about the agenda; returns the answer text and its citations."""
        ans = assistant.answer(question)
        return {"answer": ans.text, "citations": [c.to_dict() for c in ans.citations], "refused": ans.refused,
                "notices": list(ans.notices), "answerer": ans.answerer}

    def search(query: str, k: int = 10) -> dict:
        """Search the talks and posters; returns the plan and the hits with their scores."""
        return searcher.search(query, k=int(k)).to_dict()

    def related(item: str, k: int = 5) -> dict:
        """Items like a given one (id or title), each with the reason."""
        source = searcher.resolve(item)
        return {"item": {"id": source.id, "title": source.title},
                "hits": [h.to_dict() for h in searcher.related(source.id, k=int(k))]}

    with gr.Blocks(title=f"{title} — ask the agenda") as demo:
        gr.Markdown(f"## {title}: ask the agenda\nSearch and ask questions about the talks, panels and posters. "
                    "Every answer cites its sources.")
        gr.Markdown(note, elem_classes=["answerer-note"])
        answers = gr.State([])
        with gr.Tab("Ask"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label="Answers", height=520, elem_id="chat", sanitize_html=False,
                                      group_consecutive_messages=False)
                    box = gr.Textbox(placeholder="Ask about talks, posters, speakers or the schedule…",
                                     show_label=False, elem_id="question", submit_btn=True)
                    with gr.Row():
                        retry_btn = gr.Button("Retry", size="sm")
                        clear_btn = gr.Button("Clear", size="sm")
                    with gr.Accordion("Filters", open=False):
                        kinds = gr.CheckboxGroup(list(KINDS), label="Kind")
                        org_sel = gr.Dropdown(orgs, multiselect=True, label="Organisation")
                        tod = gr.Radio(["any", "morning", "afternoon", "evening"], value="any", label="Time of day")
                    examples = gr.Examples(EXAMPLES, inputs=box, label="Try (click to ask)")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(source_cards(None), elem_id="sources", max_height=760, container=True)
                    gr.Markdown("### Related")
                    pick = gr.Dropdown([], label="Show items related to a source", elem_id="related-pick")
                    related_box = gr.HTML(related_html(None, []), elem_id="related")
            with gr.Accordion("Trace (plan, hits and scores, timings, model, citation check)", open=False):
                trace = gr.JSON(label="Trace")
        with gr.Tab("Search"):
            with gr.Row():
                sq = gr.Textbox(placeholder="Search talks and posters…", show_label=False, scale=4, elem_id="search-box")
                sk = gr.Slider(1, 25, value=10, step=1, label="Results", scale=1)
            skinds = gr.CheckboxGroup(list(KINDS), label="Kind")
            sbtn = gr.Button("Search", variant="primary")
            sout = gr.HTML()

        outs = [box, chat, answers, sources, pick, related_box, trace]
        box.submit(respond, [box, chat, answers, kinds, org_sel, tod], outs, api_visibility="private")
        examples.load_input_event.then(respond, [box, chat, answers, kinds, org_sel, tod], outs,
                                       api_visibility="private")  # an example is asked, not just typed
        retry_btn.click(retry, [chat, answers, kinds, org_sel, tod], outs, api_visibility="private")
        clear_btn.click(clear, None, outs, api_visibility="private")
        pick.change(show_related, pick, related_box, api_visibility="private")
        sbtn.click(run_search, [sq, skinds, sk], sout, api_visibility="private")
        sq.submit(run_search, [sq, skinds, sk], sout, api_visibility="private")
        gr.api(ask, api_name="ask")
        gr.api(search, api_name="search")
        gr.api(related, api_name="related")
    demo.queue(default_concurrency_limit=4)
    return demo


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError(f"credentials must look like user:password, got {value!r}")
    return user, password


def launch(demo, host: str, port: int, auth, block: bool = True):
    return demo.launch(server_name=host, server_port=port, auth=auth, share=False, ssr_mode=False,
                       show_error=True, quiet=True, css=CSS, prevent_thread_lock=not block, footer_links=["api"],
                       app_kwargs=webguard.app_kwargs(host))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="app.py", description="Ask the agenda: the web app.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port to listen on (default 7860)")
    p.add_argument("--corpus", help="corpus JSONL (default: the @Scale corpus)")
    p.add_argument("--auth", help="user:password, required to bind anything but 127.0.0.1 (or TALKS_AUTH)")
    p.add_argument("--no-browser", action="store_true",
                   help="only print the URL (default: also open it when a desktop browser is available)")
    args = p.parse_args(argv)
    try:
        auth = parse_auth(args.auth or os.environ.get("TALKS_AUTH"))
    except ValueError as exc:
        print(f"app.py: error: {exc}", file=sys.stderr)
        return 2
    if args.host not in LOOPBACK and auth is None:
        print(f"app.py: error: refusing to serve on {args.host} without credentials: anyone who can reach it "
              "could use it. Pass --auth user:password (or set TALKS_AUTH), or bind 127.0.0.1.", file=sys.stderr)
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
    if not args.no_browser and (sys.platform in ("darwin", "win32") or os.environ.get("DISPLAY")
                                or os.environ.get("WAYLAND_DISPLAY")):
        import webbrowser  # a desktop session; a headless one (no display) only gets the URL above

        try:
            browser = webbrowser.get()
            if type(browser) is not webbrowser.GenericBrowser:  # never a console browser (lynx, w3m): it would
                browser.open(url)                                  # take over the terminal the server logs to
        except webbrowser.Error:
            pass
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
