"""Replay a planner group's first contact: its wordings read by the readers as they stood before the group
was run (a git worktree of that commit), with this checkout's intent classifier fit on the groups written
before it. It measures the classifier on wordings neither it nor the readers had seen, and fits its bars.

    python -m eval.planner_replay P --fit   # the bars with the most of P read right (ties: the higher bars)
    python -m eval.planner_replay Q         # Q read with the bars in settings

The commit is the parent of the first commit that added the group's file (`--at` to choose another).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # this checkout
MODULES = ("assistant.gloss", "assistant.intent_examples", "assistant.intents", "eval.planner")  # from this checkout
MIN_BARS = (0.3, 0.4, 0.5, 0.6, 0.7)
SURE_BARS = (0.7, 0.8, 0.9, 0.95, 1.01)  # 1.01: never overrule a reader


def first_commit(group: str) -> str:
    from eval.planner import group_files

    path = group_files()[group].relative_to(HERE)
    log = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", str(path)],
        cwd=HERE,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if not log:
        raise SystemExit(f"group {group}: {path} is not in git history")
    return log[-1] + "^"


def child(group: str, fit: bool, min_bar: float, sure_bar: float) -> dict:
    """Runs inside the worktree: its readers, this checkout's classifier."""
    for name in MODULES:
        spec = importlib.util.spec_from_file_location(name, HERE / (name.replace(".", "/") + ".py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    from assistant.engine import open_searcher
    from assistant.settings import Settings

    planner = sys.modules["eval.planner"]
    planner.PLANNER = HERE / "eval" / "data" / "planner"  # this checkout's wordings (later groups too)
    intents = sys.modules["assistant.intents"]
    settings = Settings()
    searcher = open_searcher(settings)
    vocab = searcher.vocab
    wordings = planner.masked_wordings(vocab)
    order = list(wordings)
    examples = planner.examples_without({g: wordings[g] for g in order[: order.index(group)]}, None)
    model = intents.ExampleIntents(searcher.index.embedder, min_bar, sure_bar, settings.cache_dir, examples)
    rows = planner.load_wordings(planner.group_files()[group])
    memo = {}

    class Barred:  # the model's guesses, once per text, under other bars
        def __init__(self, lo, hi):
            self.lo, self.hi = lo, hi

        def classify(self, text, also=""):
            if text not in memo:
                memo[text] = model.likeliest(text)
            g = memo[text]
            return intents.Guess(g.label, g.probability, g.probability >= self.hi) if g.probability >= self.lo else None

    alone, _ = planner.score(rows, vocab, None)
    grid = [(lo, hi) for lo in MIN_BARS for hi in SURE_BARS if hi > lo] if fit else [(min_bar, sure_bar)]
    scored = {f"{lo} {hi}": planner.score(rows, vocab, Barred(lo, hi)) for lo, hi in grid}
    results = {bars: per for bars, (per, _) in scored.items()}
    wrong = {
        bars: [w[:4] + (str(memo.get(intents.mask_references(w[2], vocab)[0], "")),) for w in ws]
        for bars, (_, ws) in scored.items()
    }
    return {"alone": alone, "results": results, "wrong": wrong, "examples": sum(len(v) for v in examples.values())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.planner_replay", description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("group", help="a planner group's name (B, C, ..., Z, AA, ...)")
    ap.add_argument("--at", help="the commit whose readers read it (default: just before the group was added)")
    ap.add_argument("--fit", action="store_true", help="try every pair of bars")
    ap.add_argument("--show", action="store_true", help="list the wordings read wrong at the best bars")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--bars", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:  # inside the worktree, whose settings are older
        lo, hi = map(float, args.bars.split(","))
        Path(args.child).write_text(json.dumps(child(args.group, args.fit, lo, hi)))
        return 0
    from assistant.settings import Settings

    settings = Settings()
    at = args.at or first_commit(args.group)
    with tempfile.TemporaryDirectory() as tmp:
        tree, result = Path(tmp) / "tree", Path(tmp) / "result.json"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), at], cwd=HERE, check=True, capture_output=True)
        try:
            data = Path(settings.data_dir).resolve()
            (tree / "data").mkdir()
            for part in ("models", "embedding-cache"):  # the exported model and cached vectors; its own index
                if (data / part).exists():
                    (tree / "data" / part).symlink_to(data / part)
            env = {**os.environ, "PYTHONPATH": str(tree)}
            cmd = [sys.executable, str(HERE / "eval" / "planner_replay.py"), args.group, "--child", str(result)]
            cmd += ["--bars", f"{settings.intent_min_probability},{settings.intent_sure_probability}"]
            subprocess.run(cmd + (["--fit"] if args.fit else []), cwd=tree, env=env, check=True)
            out = json.loads(result.read_text())
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=HERE, capture_output=True)
    total = lambda per: (sum(a for a, _ in per.values()), sum(n for _, n in per.values()))  # noqa: E731
    print(f"group {args.group}, readers at {at}, classifier fit on {out['examples']} examples written before it")
    a, n = total(out["alone"])
    print(f"  readers alone: {a}/{n} ({a / n:.3f})")
    best = max(out["results"].items(), key=lambda kv: (total(kv[1])[0], kv[0]))
    for bars, per in out["results"].items():
        a, n = total(per)
        low = ", ".join(f"{k} {x}/{m}" for k, (x, m) in sorted(per.items()) if x < m)
        print(
            f"  bars {bars}: {a}/{n} ({a / n:.3f}){'  <- best' if bars == best[0] and args.fit else ''}; misses: {low}"
        )
    if args.show:
        for wid, label, text, read, guess in out["wrong"][best[0]]:
            print(f"  {wid} {label} read as {read} ({guess}): {text}")
    return 0


if __name__ == "__main__":
    if "--child" in sys.argv:  # the worktree's packages first, this checkout's modules over them
        sys.path.insert(0, os.environ["PYTHONPATH"])
    sys.exit(main())
