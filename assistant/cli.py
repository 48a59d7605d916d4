"""The `talks` command. Each subcommand imports what it needs only when it runs, so `talks corpus ...`
never loads a model and nothing on the search path imports litellm or gradio."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from assistant.offline import OFFLINE_ENV, set_offline_env  # noqa: F401 - app.py imports them from here


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
    for line in result.failures[:20]:
        print(f"failed: {line}", file=sys.stderr)
    if len(result.failures) > 20:
        print(f"failed: ... and {len(result.failures) - 20} more", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- index and search


def settings_from(args):
    from assistant.settings import Settings

    corpus = getattr(args, "corpus", None)
    if corpus and not Path(corpus).is_file():
        raise UserError(f"--corpus {corpus}: no such file (give a corpus JSONL; see corpus/FORMAT.md)")
    return Settings.from_env(os.environ, corpus=Path(corpus) if corpus else None)


def cmd_index_build(args) -> int:
    settings = settings_from(args)
    if args.ray is not None:
        report = _ray_build(args, settings)
    elif args.ray_actors or args.ray_batch_size:
        raise UserError("--ray-actors and --ray-batch-size go with --ray (the Ray build)")
    else:
        from assistant.engine import build

        report = build(settings, progress=not args.quiet)
    m = report.manifest
    print(
        f"indexed {m.n_items} items ({m.n_passages} passages, {report.embedded} newly embedded) "
        f"with {m.model} into {report.folder} [{m.faiss['type']}] in {report.seconds:.1f}s"
    )
    return 0


def _ray_build(args, settings):
    """`index build --ray [ADDRESS]`: the embedding on Ray actors (index/ray_build.py), the same index folder."""
    from importlib.util import find_spec

    if find_spec("ray") is None:
        raise UserError("--ray needs Ray: pip install 'talks[ray]' (or pip install 'ray[data]==2.60.0')")
    from corpus.jsonl import load_items
    from index import ray_build

    items = load_items(settings.corpus)
    make = ray_build.minilm_factory(settings.model, settings.models_dir, settings.embed_backend)
    try:
        return ray_build.build_index_ray(
            items,
            settings.index_dir,
            make,
            cache_dir=settings.cache_dir,
            corpus_file=str(Path(settings.corpus).resolve()),
            progress=not args.quiet,
            address=None if args.ray == "local" else args.ray,
            actors=args.ray_actors,
            batch_size=args.ray_batch_size or ray_build.BATCH_SIZE,
        )
    except ray_build.RayBuildError as exc:
        raise UserError(str(exc)) from exc


def cmd_index_check(args) -> int:
    from assistant.engine import check_index

    settings = settings_from(args)
    summary = check_index(settings)
    how = (
        f"{summary['files']} files, sizes and checksums match the manifest"
        if summary["listed"]
        else "no file list in its manifest (built by an older version): loaded, but not verified file by file"
    )
    print(f"{summary['folder']}: OK, {summary['items']} items, {summary['passages']} passages; {how}")
    return 0


def _searcher(args):
    from assistant.engine import open_searcher

    return open_searcher(settings_from(args), progress=sys.stderr.isatty())  # a bar if it must build


def _hit_line(h) -> str:
    who = ", ".join(h.item.names()[:3]) + (" et al." if len(h.item.people) > 3 else "")
    from assistant.agenda import when as when_of

    when = f" {when_of(h.item)}" if h.item.start else ""
    line = f"{h.rank:>2}. [{h.item.kind}]{when} {h.item.title}" + (f" — {who}" if who else "")
    judged = f"  {h.label} (p={h.relevance:.2f})" if h.relevance is not None else ""
    line += f"\n    id: {h.item.id}  score: {h.score:.3f}{judged}"
    if h.reason:
        line += f"\n    why: {h.reason}"
    return line


def print_result(result) -> None:
    plan = result.plan
    if plan.notes:
        print("plan: " + "; ".join(plan.notes))
    if result.hits:
        for h in result.hits:
            print(_hit_line(h))
    else:
        print("No talk or poster on the agenda matches that.")
        if result.closest:
            print("Closest, not matching:")
            for h in result.closest:
                print(_hit_line(h))


def _filters(args):
    from assistant.records import Filters

    kinds = tuple(args.kind or ())
    return Filters(kinds=kinds, orgs=tuple(args.org or ())) if kinds or args.org else None


def read_batch(path: Path, flag: str) -> list[str]:
    """The lines of a batch file: UTF-8, split on "\n" only (a "\r" before it is dropped), so that
    U+2028, vertical tabs or form feeds inside a line never make extra inputs."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{flag} {path}: cannot read it ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UserError(
            f"{flag} {path}: not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start} "
            f"(line {line}); save the file as UTF-8"
        ) from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _batch(file_arg: str, flag: str, run, empty) -> int:
    """One input per line in, one JSON object per line out, in order: output line n answers input
    line n. A blank line gets the empty result with an "error" saying so; a bad line gets an "error"."""
    from assistant.search import SearchError

    path = Path(file_arg)
    if not path.is_file():
        raise UserError(f"{flag} {path}: no such file")
    for lineno, line in enumerate(read_batch(path, flag), 1):
        if not line.strip():
            out = {**empty(line), "error": f"line {lineno}: empty line, nothing asked"}
        else:
            try:
                out = run(line)
            except SearchError as exc:
                out = {**empty(line), "error": f"line {lineno}: {exc}"}
        print(json_line(out), flush=True)
    return 0


def json_line(obj) -> str:
    """JSON on one line for any line splitter: the characters some split on (U+2028, U+2029, NEL)
    are written as escapes, as JSON already does for the control characters."""
    text = json.dumps(obj, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")


def cmd_search(args) -> int:

    searcher = _searcher(args)
    filters = _filters(args)
    if args.queries_file:
        return _batch(
            args.queries_file,
            "--queries-file",
            lambda line: searcher.search(line, k=args.k, filters=filters).to_dict(),
            lambda line: {"query": line, "plan": None, "hits": []},
        )
    if not args.query:
        raise UserError("give a query, or --queries-file FILE")
    result = searcher.search(" ".join(args.query), k=args.k, filters=filters)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        print_result(result)
    return 0


def cmd_related(args) -> int:
    searcher = _searcher(args)
    source = searcher.resolve(" ".join(args.item))
    hits = searcher.related(source.id, k=args.k, kinds=tuple(args.kind) if args.kind else None)
    if args.json:
        print(
            json.dumps(
                {"item": {"id": source.id, "title": source.title}, "hits": [h.to_dict() for h in hits]},
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        print(f"Related to: {source.title} [{source.kind}]")
        for h in hits:
            print(_hit_line(h))
    return 0


def _assistant(args):
    from assistant.answer import Assistant

    return Assistant.open(settings_from(args), progress=sys.stderr.isatty())


def print_answer(ans, trace: bool = False, stream_text: bool = False) -> None:
    if not stream_text:
        print(ans.text)
    for notice in ans.notices:
        print(f"note: {notice}", file=sys.stderr)
    if ans.citations:
        print("\nSources:")
        for c in ans.citations:
            flag = "" if c.supported else "  (not supported by the item's text)"
            print(f"  [{c.n}] {c.title} ({c.id}){flag}")
    if trace:
        print("\nTrace:")
        print(json.dumps(ans.trace, ensure_ascii=False, indent=1))


def _answer_stream(assistant, question, history, echo: bool, markdown: bool = True):
    """Print the answer as it streams (when echo), a line at a time, rendered for the terminal unless
    `markdown`; return the final Answer."""
    from assistant.answer import Delta
    from assistant.render import TerminalStream, terminal_line

    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    out = TerminalStream(
        lambda text: (sys.stdout.write(text), sys.stdout.flush()),
        None if markdown else (lambda line: terminal_line(line, color)),
    )
    final = None
    for event in assistant.stream(question, history):
        if isinstance(event, Delta):
            if echo:
                out.feed(event)
        else:
            final = event
    if echo:
        out.close()
    return final


def cmd_ask(args) -> int:

    assistant = _assistant(args)
    if args.questions_file:

        def one(line):
            ans = assistant.answer(line)
            return {**ans.to_dict(), **({"trace": ans.trace} if args.trace else {})}

        return _batch(
            args.questions_file,
            "--questions-file",
            one,
            lambda line: {"question": line, "answer": "", "citations": [], "refused": False, "hits": [], "notices": []},
        )
    if not args.question:
        raise UserError("give a question, or --questions-file FILE")
    question = " ".join(args.question)
    if args.json:
        ans = assistant.answer(question)
        out = ans.to_dict()
        if args.trace:
            out["trace"] = ans.trace
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    ans = _answer_stream(assistant, question, (), echo=True, markdown=args.markdown)
    print_answer(ans, trace=args.trace, stream_text=True)
    return 0


def cmd_chat(args) -> int:
    from assistant.search import SearchError

    assistant = _assistant(args)
    print(
        f"Ask about the talks and posters ({assistant.answerer} answerer). Follow-ups work: "
        '"the second one", "who presented it?", "any related posters?". Empty line or Ctrl-D quits.'
    )
    history = []
    _line_editing()
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            print()
            return 0
        if not question or question in ("quit", "exit"):
            return 0
        try:
            ans = _answer_stream(assistant, question, history, echo=True, markdown=args.markdown)
        except SearchError as exc:
            print(f"talks: {exc}")
            continue
        print_answer(ans, trace=args.trace, stream_text=True)
        history.append(ans)


def _line_editing() -> None:
    """Arrow keys and a question history (kept in ~/.talks_history, or TALKS_HISTORY) for `talks chat`."""
    try:
        import readline
    except ImportError:  # not on this platform: plain input() still works
        return
    import atexit

    path = Path(os.environ.get("TALKS_HISTORY") or Path.home() / ".talks_history")
    try:
        readline.read_history_file(path)
    except OSError:
        pass
    readline.set_history_length(1000)

    def save():
        try:
            readline.write_history_file(path)
        except OSError:
            pass

    atexit.register(save)


def cmd_agenda(args) -> int:
    from corpus import DEFAULT_CORPUS, load_items

    from assistant import agenda

    corpus = getattr(args, "corpus", None)
    if corpus and not Path(corpus).is_file():
        raise UserError(f"--corpus {corpus}: no such file (give a corpus JSONL; see corpus/FORMAT.md)")
    items = load_items(Path(corpus) if corpus else DEFAULT_CORPUS)
    if args.ids:
        ids = agenda.parse_ids(" ".join(args.ids))
        known = {i.id for i in items}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise UserError(f"no item with id {', '.join(unknown)} (ids are listed by `talks agenda`)")
        chosen = agenda.pick(items, ids)
    else:
        chosen = [r.item for r in agenda.day(items) if r.item.kind != "poster"] if args.ics else None
    if args.ics:
        data = agenda.to_ics(chosen, items)
        Path(args.ics).write_bytes(data)
        print(f"wrote {data.count(b'BEGIN:VEVENT')} events to {args.ics}")
        return 0
    sessions = agenda.poster_sessions(items)
    if chosen is not None:
        for item in chosen:
            when = agenda.when(item) or (
                f"poster sessions: {agenda.windows_text(sessions)}" if item.kind == "poster" else ""
            )
            print(f"{when:<30} [{item.kind}] {item.title}  ({item.id})")
        for a, b in agenda.conflicts(chosen):
            print(f"conflict: {a.title} ({agenda.when(a)}) overlaps {b.title} ({agenda.when(b)})")
        return 0
    listed = False
    for row in agenda.day(items):
        print(f"{agenda.when(row.item):<30} [{row.item.kind}] {row.item.title}  ({row.item.id})")
        if row.posters and listed:
            print(f"{'':<32}the same {len(row.posters)} posters")
        elif row.posters:
            for p in row.posters:
                print(f"{'':<32}[poster] {p.title}  ({p.id})")
            listed = True
    return 0


def cmd_eval_retrieval(args) -> int:
    from eval.retrieval import CONFIGS, evaluate, format_table

    configs = [c.strip() for c in args.configs.split(",") if c.strip()] if args.configs else list(CONFIGS)
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        raise UserError(f"unknown configuration(s) {', '.join(unknown)}; valid: {', '.join(CONFIGS)}")
    sets = None
    if args.queries or args.qrels:
        from eval.retrieval import EvalInputError, load_qrels, load_queries

        if not (args.queries and args.qrels):
            raise UserError("--queries and --qrels go together: give both files")
        try:
            queries, qrels = load_queries(Path(args.queries)), load_qrels(Path(args.qrels))
        except (OSError, EvalInputError) as exc:
            raise UserError(str(exc)) from None
        missing = [q["qid"] for q in queries if q["qid"] not in qrels]
        if len(missing) == len(queries):
            raise UserError(f"{args.qrels} judges none of the queries in {args.queries} (qids like {missing[0]!r})")
        sets = {Path(args.queries).stem: (queries, qrels)}
    report = evaluate(configs, settings_from(args), out_dir=None if args.no_write else Path(args.out), sets=sets)
    print(format_table(report))
    for set_name, text in report.get("significance", {}).items():
        print(f"\n{set_name}:\n{text}")
    if not args.no_write:
        print(f"\nwrote {args.out}/{report['date']}-retrieval.md, .json and run files")
    return 0


def cmd_eval_answers(args) -> int:
    from eval.answers import evaluate, format_table

    report = evaluate(settings_from(args), out_dir=None if args.no_write else Path(args.out))
    print(format_table(report))
    if not args.no_write:
        print(f"\nwrote {args.out}/{report['date']}-answers.md and .json")
    return 0


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {value}")
    return value


# ---------------------------------------------------------------- parser


def package_version() -> str:
    """The installed distribution's version (pyproject.toml is its one source)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("talks")
    except PackageNotFoundError:
        return "unknown (not installed: run make install)"


def example(*commands: str) -> dict:
    """add_parser keywords for a help epilog that shows how a command is used, kept as written."""
    return {
        "epilog": "example:\n" + "\n".join(f"  {c}" for c in commands),
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="talks",
        description="Search and ask questions about a conference's talks and posters.",
        epilog="examples:\n"
        '  talks ask "Which talks cover data quality for agents?"\n'
        '  talks search "posters about vector search" -k 5\n'
        '  talks related "Faiss & Vector Search at Meta"\n\n'
        "`talks COMMAND --help` shows a command's options and an example. The web app: python app.py",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--version", action="version", version=f"%(prog)s {package_version()}", help="print the version and exit"
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    corpus = sub.add_parser(
        "corpus", help="build, import, check and summarize corpora", **example("talks corpus stats")
    )
    csub = corpus.add_subparsers(dest="corpus_command", required=True, metavar="ACTION")
    c = csub.add_parser(
        "build",
        help="regenerate the @Scale corpus JSONL from its source page",
        **example("talks corpus build -o /tmp/atscale.jsonl"),
    )
    c.add_argument("-o", "--output", help="output file (default: the committed corpus)")
    c.set_defaults(func=cmd_corpus_build)
    c = csub.add_parser(
        "stats",
        help="counts by kind, events, orgs and people",
        **example("talks corpus stats corpus/data/atscale-ai-data-2025.jsonl --json"),
    )
    c.add_argument("file", nargs="?", help="corpus JSONL (default: the @Scale corpus)")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=cmd_corpus_stats)
    c = csub.add_parser(
        "check",
        help="validate a corpus JSONL file",
        **example("talks corpus check corpus/data/atscale-ai-data-2025.jsonl"),
    )
    c.add_argument("file", help="corpus JSONL to validate (every bad line is reported with its field)")
    c.set_defaults(func=cmd_corpus_check)
    c = csub.add_parser(
        "import-pyvideo",
        help="import pyvideo/data (archive or folder) as a corpus",
        **example("talks corpus import-pyvideo pyvideo-data.tar.gz --events pycon-us-2019 -o data/pycon.jsonl"),
    )
    c.add_argument("path", help="pyvideo-data.tar.gz or an extracted pyvideo/data folder")
    c.add_argument("--events", help="comma-separated event folder names (default: all)")
    c.add_argument("-o", "--output", required=True, help="output JSONL file")
    c.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    c.set_defaults(func=cmd_corpus_import_pyvideo)

    from corpus.item import KINDS

    # --corpus, shared by every command that searches (each corpus gets its own index folder)
    with_corpus = argparse.ArgumentParser(add_help=False)
    with_corpus.add_argument("--corpus", help="corpus JSONL (default: the @Scale corpus)")

    index = sub.add_parser("index", help="build the search index", **example("talks index build"))
    isub = index.add_subparsers(dest="index_command", required=True, metavar="ACTION")
    c = isub.add_parser(
        "build",
        help="embed the corpus and write its index folder (atomically)",
        parents=[with_corpus],
        **example("talks index build --corpus data/pycon.jsonl"),
    )
    c.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    c.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="embed on Ray actors: a local Ray instance, or the cluster at ADDRESS (needs talks[ray])",
    )
    c.add_argument(
        "--ray-actors",
        type=positive_int,
        metavar="N",
        help="embedder actors, one CPU each (default: one per CPU of the Ray cluster)",
    )
    c.add_argument("--ray-batch-size", type=positive_int, metavar="N", help="passages per actor call (default 256)")
    c.set_defaults(func=cmd_index_build)
    c = isub.add_parser(
        "check",
        help="verify the index files against their manifest (sizes, checksums) and load it",
        parents=[with_corpus],
        **example("talks index check"),
    )
    c.set_defaults(func=cmd_index_check)

    c = sub.add_parser(
        "search",
        help="search talks, panels and posters",
        parents=[with_corpus],
        **example('talks search "what\'s on at 3pm?" --kind talk -k 5'),
    )
    c.add_argument("query", nargs="*", help="question or keywords")
    c.add_argument("-k", type=positive_int, default=None, help="how many hits (default 10; list questions up to 25)")
    c.add_argument("--kind", action="append", choices=KINDS, help="only this kind (repeatable)")
    c.add_argument("--org", action="append", help="only items from this org (repeatable)")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.add_argument("--queries-file", help="one query per line in; one JSON object per line out")
    c.set_defaults(func=cmd_search)

    c = sub.add_parser(
        "related",
        help="items like a given one",
        parents=[with_corpus],
        **example('talks related "Faiss & Vector Search at Meta" --kind poster -k 3'),
    )
    c.add_argument("item", nargs="+", help="item id or title")
    c.add_argument("-k", type=positive_int, default=5, help="how many related items (default 5)")
    c.add_argument("--kind", action="append", choices=KINDS, help="only this kind (repeatable)")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=cmd_related)

    c = sub.add_parser(
        "ask",
        help="ask a question; get an answer that cites its sources",
        parents=[with_corpus],
        **example('talks ask "Who speaks right after lunch?" --trace'),
    )
    c.add_argument("question", nargs="*", help="the question (quote it, or give it as several words)")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.add_argument("--trace", action="store_true", help="print the trace (plan, hits, timings, citation check)")
    c.add_argument("--questions-file", help="one question per line in; one JSON object per line out")
    c.add_argument(
        "--markdown", action="store_true", help="print the answer's Markdown as is (default: rendered for the terminal)"
    )
    c.set_defaults(func=cmd_ask)

    c = sub.add_parser(
        "agenda",
        help="the day in time order; pick items, see conflicts, export .ics",
        parents=[with_corpus],
        **example("talks agenda --ids beyond-rag-production-ready-ai-agents-powered-by-enterprise --ics my.ics"),
    )
    c.add_argument("--ids", nargs="+", help="item ids for your agenda (as `talks agenda` lists them)")
    c.add_argument("--ics", metavar="FILE", help="write an iCalendar file (the --ids items, or every session)")
    c.set_defaults(func=cmd_agenda)

    ev = sub.add_parser(
        "eval",
        help="offline evaluations on the labeled queries in eval/data",
        **example("talks eval retrieval --configs bm25,hybrid --no-write"),
    )
    esub = ev.add_subparsers(dest="eval_command", required=True, metavar="WHAT")
    results = Path(__file__).resolve().parent.parent / "eval" / "results"
    c = esub.add_parser(
        "retrieval",
        help="nDCG@10, Recall@10, MRR@10 on the held-out, tuning and independent sets",
        **example("talks eval retrieval --queries my-queries.tsv --qrels my-qrels.trec --corpus my.jsonl"),
    )
    c.add_argument(
        "--configs", help="comma-separated: bm25,dense,rrf,hybrid,hybrid-noplanner,hybrid-norefusal (default: all)"
    )
    c.add_argument("--queries", help='your own queries: JSONL {"qid", "query", "type"?} or TSV qid<TAB>query')
    c.add_argument("--qrels", help="their judgments: TREC qrels (qid 0 doc-id grade) or JSON {qid: {doc-id: grade}}")
    c.add_argument("--corpus", default=None, help="the corpus the queries are about (default: the @Scale corpus)")
    c.add_argument("--out", default=str(results), help="results folder")
    c.add_argument("--no-write", action="store_true", help="print only")
    c.set_defaults(func=cmd_eval_retrieval)
    c = esub.add_parser(
        "answers",
        help="citation precision/recall, list completeness, refusals, event facts",
        **example("talks eval answers --no-write"),
    )
    c.add_argument("--out", default=str(results), help="results folder")
    c.add_argument("--no-write", action="store_true", help="print only")
    c.set_defaults(func=cmd_eval_answers, corpus=None)

    c = sub.add_parser(
        "chat",
        help="interactive questions with follow-ups",
        parents=[with_corpus],
        **example("talks chat --corpus data/pycon.jsonl"),
    )
    c.add_argument("--trace", action="store_true", help="print each answer's trace (plan, hits, timings, citations)")
    c.add_argument("--markdown", action="store_true", help="print answers' Markdown as is")
    c.set_defaults(func=cmd_chat)
    return p


def main(argv: list[str] | None = None) -> int:
    set_offline_env()
    args = build_parser().parse_args(argv)
    from corpus.agenda import AgendaError
    from corpus.jsonl import CorpusError
    from index.manifest import IndexMismatch

    errors = (UserError, CorpusError, AgendaError, IndexMismatch)
    if args.command in ("search", "related", "ask", "chat", "eval"):
        from assistant.search import SearchError

        errors += (SearchError,)
    try:
        return args.func(args)
    except errors as exc:
        print(f"talks: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
