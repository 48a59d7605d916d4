"""Write a known-item query set for any corpus, in the formats `talks eval retrieval --queries --qrels` reads.

    python -m eval.known_items data/pycon.jsonl -n 60 -o data/pycon-eval
    talks eval retrieval --corpus data/pycon.jsonl --queries data/pycon-eval/queries.tsv \
        --qrels data/pycon-eval/qrels.trec --configs hybrid,bm25,dense --no-write

Queries are made from the items themselves by eval/pyvideo.py's generator (a paraphrased title, specific
tags, or an abstract sentence; deterministic for a seed), so nobody writes or tunes them: a quick check of
retrieval on a conference that has no hand-labeled set. The answer to each is its source item (and any
item with the same title).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corpus.jsonl import load_items
from eval.pyvideo import SEED, build_queries, qrels_of


def write_set(corpus: Path, out: Path, n: int, seed: int = SEED) -> tuple[Path, Path]:
    items = load_items(corpus)
    queries = build_queries([i for i in items if i.kind != "event"], n=n, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    qfile, rfile = out / "queries.tsv", out / "qrels.trec"
    qfile.write_text("".join(f"{q.qid}\t{' '.join(q.query.split())}\t{q.type}\n" for q in queries), encoding="utf-8")
    rfile.write_text(
        "".join(f"{qid} 0 {doc} {grade}\n" for qid, docs in qrels_of(queries).items() for doc, grade in docs.items()),
        encoding="utf-8",
    )
    return qfile, rfile


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m eval.known_items",
        description=__doc__.split("\n")[0],
        epilog="example: python -m eval.known_items data/pycon.jsonl -n 60 -o data/pycon-eval",
    )
    p.add_argument("corpus", type=Path, help="a corpus JSONL (corpus/FORMAT.md)")
    p.add_argument("-n", type=int, default=60, help="how many queries (default 60)")
    p.add_argument("-o", "--out", type=Path, required=True, help="folder for queries.tsv and qrels.trec")
    p.add_argument("--seed", type=int, default=SEED, help="the generator's seed")
    args = p.parse_args(argv)
    qfile, rfile = write_set(args.corpus, args.out, args.n, args.seed)
    print(f"wrote {qfile} and {rfile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
