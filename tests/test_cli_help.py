"""`talks` teaches itself: every command's --help shows an example that parses, every argument has help text,
and `talks --version` prints the installed version."""

import argparse
import shlex
import subprocess
import sys
from importlib.metadata import version

import pytest

from assistant.cli import build_parser


def all_parsers(parser=None, path=()):
    """(command words, parser) for the top level and every command and action under it."""
    parser = parser or build_parser()
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from all_parsers(sub, (*path, name))


PARSERS = list(all_parsers())


def examples(parser) -> list[str]:
    return [line.strip() for line in (parser.epilog or "").splitlines() if line.strip().startswith("talks ")]


@pytest.mark.parametrize("path,parser", PARSERS, ids=[" ".join(p) or "talks" for p, _ in PARSERS])
def test_help_shows_an_example_that_parses(path, parser):
    text = parser.format_help()
    assert "example" in text, f"talks {' '.join(path)} --help has no example"
    shown = examples(parser)
    assert shown and all(f"  {line}" in text for line in shown)  # kept as written, not re-wrapped
    for line in shown:
        argv = shlex.split(line)[1:]
        assert argv[: len(path)] == list(path), f"the example for `talks {' '.join(path)}` runs another command: {line}"
        args = build_parser().parse_args(argv)  # exits (SystemExit) if an example has gone stale
        assert hasattr(args, "func"), line


@pytest.mark.parametrize("path,parser", PARSERS, ids=[" ".join(p) or "talks" for p, _ in PARSERS])
def test_every_argument_has_help(path, parser):
    missing = [
        a.option_strings[-1] if a.option_strings else a.dest
        for a in parser._actions
        if not isinstance(a, argparse._SubParsersAction) and not a.help
    ]
    assert not missing, f"talks {' '.join(path)}: no help text for {', '.join(missing)}"


def test_version_prints_the_installed_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"talks {version('talks')}"


def test_help_and_version_from_the_command_line():
    def talks(*args):
        return subprocess.run(
            [sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, timeout=60
        )

    top = talks("--help")
    assert top.returncode == 0 and "examples:" in top.stdout and 'talks ask "' in top.stdout
    ask = talks("ask", "--help")
    assert ask.returncode == 0 and "example:" in ask.stdout and "the question" in ask.stdout
    out = talks("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"talks {version('talks')}"
