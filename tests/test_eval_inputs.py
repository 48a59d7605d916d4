"""A user's own evaluation set: queries as JSONL or TSV, graded qrels as TREC or JSON, and the split."""

import json

import pytest

from eval.retrieval import EvalInputError, load_qrels, load_queries, query_sets, split


def test_queries_jsonl_and_tsv(tmp_path):
    (tmp_path / "q.jsonl").write_text(
        '{"qid": "a", "query": "faiss"}\n\n{"qid": "b", "query": "gpus", "type": "topic"}\n'
    )
    (tmp_path / "q.tsv").write_text("a\tfaiss\nb\tgpus\ttopic\n")
    for name in ("q.jsonl", "q.tsv"):
        qs = load_queries(tmp_path / name)
        assert [(q["qid"], q["query"], q["type"]) for q in qs] == [("a", "faiss", "query"), ("b", "gpus", "topic")]


def test_qrels_trec_and_json(tmp_path):
    (tmp_path / "r.trec").write_text("a 0 doc-1 2\na 0 doc-2 1\nb 0 doc-3 0\n")
    (tmp_path / "r.json").write_text(json.dumps({"a": {"doc-1": 2, "doc-2": 1}, "b": {}}))
    assert load_qrels(tmp_path / "r.trec") == {"a": {"doc-1": 2, "doc-2": 1}, "b": {}}
    assert load_qrels(tmp_path / "r.json") == {"a": {"doc-1": 2, "doc-2": 1}, "b": {}}


@pytest.mark.parametrize(
    "name,text,where",
    [
        ("q.tsv", "a\tfaiss\nonly-an-id\n", "q.tsv:2"),
        ("q.jsonl", '{"qid": "a", "query": "x"}\n{"qid": "a", "query": "y"}\n', "q.jsonl:2: duplicate qid 'a'"),
        ("q.jsonl", '{"qid": "a", "query": "x"}\n{"qid": "b", \n', "q.jsonl:2: not valid JSON"),
    ],
)
def test_bad_query_files_name_the_line(tmp_path, name, text, where):
    (tmp_path / name).write_text(text)
    with pytest.raises(EvalInputError, match=where.replace("'", ".")):
        load_queries(tmp_path / name)


def test_bad_trec_line_is_named(tmp_path):
    (tmp_path / "r.trec").write_text("a 0 doc-1 2\na doc-2 one\n")
    with pytest.raises(EvalInputError, match=r"r.trec:2: expected TREC qrels"):
        load_qrels(tmp_path / "r.trec")


def test_split_is_stratified_fixed_and_disjoint():
    sets = query_sets()
    tune, held = sets["tune"][0], sets["heldout"][0]
    assert not {q["qid"] for q in tune} & {q["qid"] for q in held}
    assert split(tune + held) == split(held + tune)  # same halves whatever the input order
    by_type = {}
    for part, qs in (("tune", tune), ("heldout", held)):
        for q in qs:
            by_type.setdefault(q["type"], {"tune": 0, "heldout": 0})[part] += 1
    assert all(abs(c["tune"] - c["heldout"]) <= 1 for c in by_type.values())
    assert len(sets["independent"][0]) >= 60


def test_evaluate_on_a_set_it_did_not_write(tmp_path, fake_settings):
    """The `talks eval retrieval --queries --qrels --corpus` path on someone else's conference."""
    from dataclasses import replace

    from eval.retrieval import evaluate, format_table
    from index.embedder import HashingEmbedder

    items = [
        {"id": f"t{i}", "kind": "talk", "title": t, "abstract": a}
        for i, (t, a) in enumerate(
            [
                ("Packaging Python in 2024", "Wheels, build backends and lock files."),
                ("Async IO deep dive", "Event loops, tasks and structured concurrency."),
                ("Data science with pandas", "Data frames, group-by and plotting."),
            ]
        )
    ]
    corpus = tmp_path / "conf.jsonl"
    corpus.write_text("".join(json.dumps(i) + "\n" for i in items))
    (tmp_path / "q.tsv").write_text("k1\tpackaging wheels\nk2\tevent loops\n")
    (tmp_path / "r.trec").write_text("k1 0 t0 2\nk2 0 t1 2\n")
    sets = {"mine": (load_queries(tmp_path / "q.tsv"), load_qrels(tmp_path / "r.trec"))}
    report = evaluate(
        ["bm25"], replace(fake_settings, corpus=corpus), out_dir=None, embedder=HashingEmbedder(), sets=sets
    )
    scores = report["configs"]["bm25"]["mine"]
    assert scores["ranked_ndcg@10"] == pytest.approx(1.0) and scores["judged"] == 2
    assert "**mine** (2 queries)" in format_table(report)


def test_answer_gap_names_what_an_answer_to_a_wording_lacks():
    from types import SimpleNamespace as NS

    from eval.planner import answer_gap

    def answer(*ids, refused=False):
        return NS(refused=refused, citations=[NS(id=i) for i in ids])

    who = {"intent": "who", "targets": ["faiss"]}
    assert answer_gap(who, answer("faiss", "other")) is None
    assert answer_gap(who, answer("other")) == "its item not cited"
    assert answer_gap(who, answer(refused=True)) == "refused"
    compare = {"intent": "compare", "targets": ["a", "b"]}
    assert answer_gap(compare, answer("a")) == "the two items not both cited"
    assert answer_gap({"intent": "related", "targets": ["a"]}, answer("a", "b")) == "cites the named item itself"
    assert answer_gap({"intent": "topic"}, answer()) == "nothing cited"
    assert answer_gap({"intent": "event"}, answer()) is None
