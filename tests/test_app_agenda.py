"""The attendee's agenda (day listing, conflicts, iCalendar export), the one time format, terminal
rendering of answers and the stream-accumulation rule: pure functions, and `talks agenda` end to end."""

from datetime import datetime

import icalendar
import pytest

from assistant import agenda
from assistant.answer import Delta
from assistant.cli import main as talks
from assistant.records import Answer, Citation, Hit
from assistant.render import TerminalStream, accumulate, plain_text, terminal
from corpus.item import Item, Person


def test_one_time_format(items):
    by_id = {i.id: i for i in items}
    assert (
        agenda.when(by_id["beyond-rag-production-ready-ai-agents-powered-by-enterprise"])
        == "Wed 25 Jun, 10:55–11:15 AM"
    )
    assert agenda.when(by_id["q-a-session"]) == "Wed 25 Jun, 11:55 AM–12:20 PM"
    assert agenda.when(by_id["faiss-vector-search-at-meta"]) == ""
    assert agenda.windows_text(agenda.poster_sessions(items)) == "Wed 25 Jun, 12:20–1:20 PM; 2:40–3:05 PM; 4:30–6:00 PM"


def test_day_in_time_order_with_posters_under_their_sessions(items):
    rows = agenda.day(items)
    starts = [r.item.start_dt for r in rows if r.item.start]
    assert starts == sorted(starts) and len(starts) == sum(1 for i in items if i.start and i.kind != "event")
    sessions = [r for r in rows if r.is_poster_session]
    assert [r.item.id for r in sessions] == [s.id for s in agenda.poster_sessions(items)] and len(sessions) == 3
    n_posters = sum(1 for i in items if i.kind == "poster")
    assert all(len(r.posters) == n_posters for r in sessions)
    assert not any(r.item.kind == "poster" for r in rows)  # posters only inside their windows
    assert not any(r.item.kind == "event" for r in rows)  # the event record is the day, not a row of it


def test_filters(items):
    rows = agenda.day(items)
    panels = agenda.filter_rows(rows, kinds=["panel"])
    assert panels and all(r.item.kind == "panel" for r in panels)
    snow = agenda.filter_rows(rows, orgs=["Snowflake"])
    titles = {r.item.title for r in snow} | {p.title for r in snow for p in r.posters}
    assert "Beyond RAG: Production-Ready AI Agents Powered by Enterprise-Scale Data" in titles
    assert all("Snowflake" in p.orgs for r in snow for p in r.posters)
    morning = agenda.filter_rows(rows, part="morning")
    assert morning and all(r.item.start_dt.hour < 12 for r in morning)
    assert "happy-hour-poster-sessions" in {r.item.id for r in agenda.filter_rows(rows, part="afternoon")}
    with pytest.raises(ValueError, match="valid: morning, afternoon, evening"):
        agenda.filter_rows(rows, part="night")


def test_conflicts_are_overlaps_not_touching_ends(items):
    mine = agenda.pick(
        items, ["event-welcome", "opening-remarks", "attendee-registration", "nope", "faiss-vector-search-at-meta"]
    )
    assert [i.id for i in mine] == [
        "attendee-registration",
        "event-welcome",
        "opening-remarks",
        "faiss-vector-search-at-meta",
    ]
    assert [(a.id, b.id) for a, b in agenda.conflicts(mine)] == [("attendee-registration", "event-welcome")]
    assert agenda.parse_ids("a, b\nc a") == ["a", "b", "c"]


def test_ics_parses_back_with_times_in_the_event_zone(items):
    ids = [
        "beyond-rag-production-ready-ai-agents-powered-by-enterprise",
        "live-panel-genai-startups",
        "faiss-vector-search-at-meta",
    ]
    mine = agenda.pick(items, ids)
    cal = icalendar.Calendar.from_ical(agenda.to_ics(mine, items))
    events = list(cal.walk("VEVENT"))
    assert len(events) == 3
    by_uid = {str(e["UID"]): e for e in events}
    assert set(by_uid) == {f"{i}@talks.local" for i in ids}
    talk = by_uid["beyond-rag-production-ready-ai-agents-powered-by-enterprise@talks.local"]
    start, end = talk.decoded("DTSTART"), talk.decoded("DTEND")
    assert (
        start == datetime.fromisoformat("2025-06-25T10:55:00-07:00") and start.utcoffset().total_seconds() == -7 * 3600
    )
    assert end == datetime.fromisoformat("2025-06-25T11:15:00-07:00")
    assert str(talk["SUMMARY"]).startswith("Beyond RAG") and "Jeff Hollan (Snowflake)" in str(talk["DESCRIPTION"])
    assert str(talk["LOCATION"]).startswith("Santa Clara Convention Center")  # the event record's venue
    poster = by_uid["faiss-vector-search-at-meta@talks.local"]
    assert "poster sessions" in str(poster["DESCRIPTION"]) and poster.decoded("DTSTART").hour == 12
    # the same item gets the same UID in another export
    again = icalendar.Calendar.from_ical(agenda.to_ics(mine[:1], items))
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(events[0]["UID"])]


def test_cli_agenda_ics(tmp_path, capsys, items):
    out = tmp_path / "mine.ics"
    assert talks(["agenda", "--ics", str(out), "--ids", "event-welcome", "attendee-registration"]) == 0
    assert "wrote 2 events" in capsys.readouterr().out
    events = list(icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    assert sorted(e.decoded("DTSTART").strftime("%H:%M") for e in events) == ["08:30", "09:55"]
    assert talks(["agenda", "--ids", "event-welcome", "attendee-registration"]) == 0
    text = capsys.readouterr().out
    assert "conflict: Attendee Registration" in text and "Wed 25 Jun, 9:55–10:00 AM" in text
    assert talks(["agenda", "--ids", "no-such-item"]) == 2
    assert "no item with id no-such-item" in capsys.readouterr().err
    everything = tmp_path / "all.ics"
    assert talks(["agenda", "--ics", str(everything)]) == 0
    n = sum(1 for i in items if i.start and i.kind != "event")
    assert len(list(icalendar.Calendar.from_ical(everything.read_bytes()).walk("VEVENT"))) == n


def test_terminal_rendering_leaves_no_markdown_marks():
    text = (
        'The agenda has 1 talk on this:\n- **Beyond RAG** (talk; 10:55–11:15 AM): "quote" [1]\n\n'
        "_Composed from the talk and poster abstracts (grounded answerer, no LLM)._"
    )
    out = terminal(text)
    assert "**" not in out and "_Composed" not in out and "• Beyond RAG (talk" in out
    assert "\033[1mBeyond RAG\033[22m" in terminal(text, color=True)
    assert terminal("snake_case_name stays") == "snake_case_name stays"


def test_stream_accumulation_and_terminal_stream():
    shown = ""
    for d in (Delta("a\n"), Delta("b"), Delta("a\nB\n", replace=True)):
        shown = accumulate(shown, d)
    assert shown == "a\nB\n"
    written = []
    ts = TerminalStream(written.append, lambda line: line.upper())
    for d in (Delta("one\n"), Delta("two"), Delta("\nthree"), Delta("one\ntwo\nthree [1]", replace=True)):
        ts.feed(d)
    ts.close()
    assert "".join(written) == "ONE\nTWO\nTHREE [1]\n"
    written.clear()
    ts = TerminalStream(written.append)
    ts.feed(Delta("draft line\n"))
    ts.feed(Delta("final\n", replace=True))
    ts.close()
    assert "".join(written) == "draft line\n\nfinal\n"


def test_plain_text_has_numbered_sources():
    item = Item(
        id="x",
        kind="talk",
        title="A talk",
        people=(Person("Ada", "Org"),),
        start="2025-06-25T10:55:00-07:00",
        end="2025-06-25T11:15:00-07:00",
    )
    ans = Answer(
        question="q",
        text="- **A talk** says so [1]\n\n_Composed from x._",
        citations=(Citation(1, "x", "A talk", "so"),),
        hits=(Hit(item, 1.0, 1),),
        refused=False,
        answerer="grounded",
    )
    assert plain_text(ans) == "- A talk says so [1]\n\nSources:\n[1] A talk — Ada (Org) — Wed 25 Jun, 10:55–11:15 AM"


def test_cli_ask_renders_for_the_terminal_unless_markdown(real_settings, real_searcher, monkeypatch, capsys):
    monkeypatch.setenv("TALKS_DATA_DIR", str(real_settings.data_dir))
    assert talks(["ask", "Which talks cover data quality for agents?"]) == 0
    out = capsys.readouterr().out
    assert "**" not in out and "_Composed" not in out and "• Beyond RAG: Production-Ready AI Agents" in out
    assert "\nSources:\n  [1] Scaling Business AI Agents" in out  # the squarely-about poster leads
    assert talks(["ask", "--markdown", "Which talks cover data quality for agents?"]) == 0
    assert "- **Beyond RAG: Production-Ready AI Agents" in capsys.readouterr().out


def test_related_reasons_read_as_phrases():
    from assistant.render import why_related

    a = Item(id="a", kind="talk", title="Training data storage", abstract="We store training data at exabyte scale.")
    b = Item(id="b", kind="poster", title="Faster loading", abstract="Loading training data for RAG is slow.")
    assert (
        why_related(a, b, "shared topics: training, enhanced; same org: Acme")
        == "both mention “training data”; same org: Acme"
    )
    c = Item(id="c", kind="poster", title="Other", abstract="Nothing in common.")
    assert why_related(a, c, "shared topics: enhanced, RAG") == "both about RAG"
    assert why_related(a, c, "shared topics: enhanced") == "close in meaning (similar abstracts)"
    assert why_related(a, c, "similar abstract (embedding similarity)") == "close in meaning (similar abstracts)"


def test_chat_keeps_a_question_history(tmp_path, monkeypatch):
    readline = pytest.importorskip("readline")
    from assistant import cli

    history = tmp_path / "history"
    history.write_text("which talks cover agents?\nwho presented it?\n")
    monkeypatch.setenv("TALKS_HISTORY", str(history))
    readline.clear_history()
    cli._line_editing()
    assert [readline.get_history_item(i) for i in (1, 2)] == ["which talks cover agents?", "who presented it?"]
