"""The `talks` command. Each subcommand imports what it needs only when it runs, so `talks corpus ...`
never loads a model and nothing on the search path imports litellm or gradio."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

OFFLINE_ENV = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def set_offline_env() -> None:
    """Set the offline switches before any library that reads them is imported."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


class UserError(Exception):
    """A bad input from the user: printed as one clear message, exit status 2."""


# ---------------------------------------------------------------- corpus


def cmd_corpus_build(args) -> int:
    from corpus import DEFAULT_CORPUS, build_atscale
    from corpus.jsonl import write_items

    out = Path(args.output) if args.output else DEFAULT_CORPUS
    items = build_atscale()
    write_items(out, items)
    print(f"wrote {len(items)} items to {out}")
    return 0


def cmd_corpus_stats(args) -> int:
    from corpus import DEFAULT_CORPUS, load_items
    from corpus.stats import corpus_stats, format_stats

    items = load_items(args.file or DEFAULT_CORPUS)
    stats = corpus_stats(items)
    print(json.dumps(stats, ensure_ascii=False, indent=2) if args.json else format_stats(stats))
    return 0


def cmd_corpus_check(args) -> int:
    from corpus import load_items

    items = load_items(args.file)
    print(f"{args.file}: OK, {len(items)} valid items")
    return 0


def cmd_corpus_import_pyvideo(args) -> int:
    from corpus.jsonl import write_items
    from corpus.pyvideo import import_pyvideo

    events = [e.strip() for e in args.events.split(",") if e.strip()] if args.events else None
    result = import_pyvideo(args.path, events=events, progress=not args.quiet)
    write_items(args.output, result.items)
    print(f"wrote {len(result.items)} items from {result.events} event(s) to {args.output}")
    if result.skipped:
        print("skipped: " + ", ".join(f"{n} {why}" for why, n in sorted(result.skipped.items())))
    return 0


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="talks", description="Search and ask questions about a conference's talks and posters.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    corpus = sub.add_parser("corpus", help="build, import, check and summarize corpora")
    csub = corpus.add_subparsers(dest="corpus_command", required=True, metavar="ACTION")
    c = csub.add_parser("build", help="regenerate the @Scale corpus JSONL from its source page")
    c.add_argument("-o", "--output", help="output file (default: the committed corpus)")
    c.set_defaults(func=cmd_corpus_build)
    c = csub.add_parser("stats", help="counts by kind, events, orgs and people")
    c.add_argument("file", nargs="?", help="corpus JSONL (default: the @Scale corpus)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_corpus_stats)
    c = csub.add_parser("check", help="validate a corpus JSONL file")
    c.add_argument("file")
    c.set_defaults(func=cmd_corpus_check)
    c = csub.add_parser("import-pyvideo", help="import pyvideo/data (archive or folder) as a corpus")
    c.add_argument("path", help="pyvideo-data.tar.gz or an extracted pyvideo/data folder")
    c.add_argument("--events", help="comma-separated event folder names (default: all)")
    c.add_argument("-o", "--output", required=True, help="output JSONL file")
    c.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    c.set_defaults(func=cmd_corpus_import_pyvideo)
    return p


def main(argv: list[str] | None = None) -> int:
    set_offline_env()
    args = build_parser().parse_args(argv)
    from corpus.agenda import AgendaError
    from corpus.jsonl import CorpusError

    try:
        return args.func(args)
    except (UserError, CorpusError, AgendaError) as exc:
        print(f"talks: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
