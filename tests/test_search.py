"""Search behaviour over the real corpus with the fake embedder (fast), and bad input handling."""

import json
import subprocess
import sys

import pytest

from assistant.offline import offline_env
from assistant.records import Filters
from assistant.search import SearchError


def ids(result):
    return [h.item.id for h in result.hits]


def test_hits_carry_their_signals(fake_searcher):
    res = fake_searcher.search("faiss vector search")
    hit = res.ranked[0]
    assert {"dense", "dense_rank", "bm25", "bm25_rank", "coverage", "fused", "relevance"} <= set(hit.signals)
    assert res.plan.query == "faiss vector search"
    assert res.ranked[0].item.id == "faiss-vector-search-at-meta"


def test_filters_from_flags_narrow_results(fake_searcher):
    res = fake_searcher.search("training data", filters=Filters(kinds=("poster",)))
    assert res.ranked and all(h.item.kind == "poster" for h in res.ranked)
    res = fake_searcher.search("agents", filters=Filters(orgs=("Snowflake",)))
    assert res.ranked and all("Snowflake" in h.item.orgs for h in res.ranked)
    res = fake_searcher.search("agents", filters=Filters(time_of_day="afternoon"))
    assert res.ranked and all(
        h.item.start >= "2025-06-25T12" for h in res.ranked
    )  # non-empty: all() of nothing is True


def test_filter_only_questions_list_every_match(fake_searcher):
    res = fake_searcher.search("what is Snowflake showing?")
    assert sorted(ids(res)) == sorted(i.id for i in fake_searcher.items if "Snowflake" in i.orgs)
    assert len(res.hits) == 4


def test_schedule_answers_come_from_times(fake_searcher):
    res = fake_searcher.search("what follows the afternoon break?")
    assert ids(res) == ["agentic-observability-making-llm-apps-debuggable-trustworthy"]
    assert res.hits[0].signals == {"schedule": True}


def test_related_excludes_the_item_and_gives_reasons(fake_searcher):
    hits = fake_searcher.related("faiss-vector-search-at-meta", k=5)
    assert len(hits) == 5 and "faiss-vector-search-at-meta" not in [h.item.id for h in hits]
    assert all(h.reason for h in hits)
    assert all(h.item.kind != "logistics" for h in hits)
    posters = fake_searcher.related("Faiss & Vector Search at Meta", k=3, kinds=("poster",))
    assert {h.item.kind for h in posters} == {"poster"}


@pytest.mark.parametrize("query", ["", "   ", "\x00\x01\n\t"])
def test_empty_queries_are_refused_clearly(fake_searcher, query):
    with pytest.raises(SearchError, match="empty"):
        fake_searcher.search(query)


@pytest.mark.parametrize("k", [0, -3, 2.5, "5", True])
def test_bad_k(fake_searcher, k):
    with pytest.raises(SearchError, match="k must be a positive whole number"):
        fake_searcher.search("agents", k=k)


def test_long_and_noisy_queries_still_work(fake_searcher):
    res = fake_searcher.search("faiss " * 2000)
    assert any("cut" in n for n in res.plan.notes)
    res = fake_searcher.search("fa\x00iss\x07 vector\x1b search")
    assert res.ranked


def test_unknown_ids_and_filters(fake_searcher):
    with pytest.raises(SearchError, match="no item with id or title 'no-such-talk'"):
        fake_searcher.related("no-such-talk")
    with pytest.raises(SearchError, match="unknown kind 'workshop'; valid kinds: talk, panel, poster, logistics"):
        fake_searcher.search("x", filters=Filters(kinds=("workshop",)))
    with pytest.raises(SearchError, match="unknown org 'Acme'"):
        fake_searcher.search("x", filters=Filters(orgs=("Acme",)))


def run_cli(args, settings, stdin=None):
    env = offline_env({"PATH": "/usr/bin:/bin"}, TALKS_DATA_DIR=str(settings.data_dir))
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=300,
    )


def test_cli_queries_file_one_json_line_per_query_in_order(real_settings, real_searcher, tmp_path):
    qf = tmp_path / "q.txt"
    qf.write_text("faiss\nwhat follows the afternoon break?\n\nquantum computing error correction\n")
    out = run_cli(["search", "--queries-file", str(qf), "--json"], real_settings)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["query"] for r in rows] == [
        "faiss",
        "what follows the afternoon break?",
        "",
        "quantum computing error correction",
    ]
    assert rows[0]["hits"][0]["id"] == "faiss-vector-search-at-meta"
    hit = rows[1]["hits"][0]
    assert {"id", "title", "kind", "people", "orgs", "start", "end", "score", "signals"} <= set(hit)
    assert rows[2]["hits"] == [] and "empty line" in rows[2]["error"]  # one output line per input line
    assert rows[3]["hits"] == [] and rows[3]["closest"]


def test_cli_bad_input_gives_message_not_traceback(real_settings, real_searcher):
    for args, expect in (
        (["search", "   "], "query is empty"),
        (["search", "-k", "0", "x"], "positive whole number"),
        (["related", "no-such-item"], "no item with id or title"),
        (["search", "x", "--corpus", "/nonexistent.jsonl"], "no such file"),
    ):
        out = run_cli(args, real_settings)
        assert out.returncode == 2, (args, out.stdout)
        assert expect in out.stderr and "Traceback" not in out.stderr


def test_search_path_never_imports_llm_or_ui(real_settings, real_searcher):
    code = (
        "import sys; from assistant.cli import main; rc = main(['search', 'faiss']);"
        "bad = [m for m in ('litellm', 'gradio', 'ranx') if m in sys.modules]; print(bad); sys.exit(rc or bool(bad))"
    )
    env = offline_env({"PATH": "/usr/bin:/bin"}, TALKS_DATA_DIR=str(real_settings.data_dir))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "faiss-vector-search-at-meta" in out.stdout


def test_an_org_left_out(fake_searcher):
    """ "other than Meta", "non-Meta", "not from Meta": items with that org are left out, the rest listed."""
    for q in (
        "which posters are from companies other than Meta? list them all",
        "non-Meta posters",
        "posters from companies other than Meta",
    ):
        res = fake_searcher.search(q)
        assert res.plan.not_orgs == ("Meta",) and res.plan.orgs == () and res.plan.text == ""
        assert res.hits and all(h.item.kind == "poster" and "Meta" not in h.item.orgs for h in res.hits)
        every = [i for i in fake_searcher.items if i.kind == "poster" and "Meta" not in i.orgs]
        assert {h.item.id for h in res.hits} == {i.id for i in every}
    assert fake_searcher.search("posters by Meta").plan.orgs == ("Meta",)


def test_posters_are_up_in_a_window_that_meets_a_poster_session(fake_searcher):
    kinds = lambda hits: {h.item.kind for h in hits}  # noqa: E731
    topical = fake_searcher.search("this afternoon, anything on customer feedback with LLMs?")
    assert "poster" in kinds(topical.hits)  # posters have no slot; the afternoon's poster sessions show them
    assert kinds(fake_searcher.search("posters this afternoon").hits) == {"poster"}
    assert not fake_searcher.search("posters this morning").hits  # no poster session before noon
    assert "poster" not in kinds(fake_searcher.search("afternoon sessions").hits)  # the program's slots
