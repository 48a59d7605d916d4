"""Building the project (wheel and editable) must print no setuptools warnings: a newcomer reads a wall of
BuildBackendWarning text during `make install` as a failure."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# pip shows the Python warnings a build backend raises (as BuildBackendWarning); setuptools' log lines stay hidden
BUILD = """
import json, sys, warnings
from setuptools import build_meta
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    build_meta.build_wheel(sys.argv[1])
    build_meta.build_editable(sys.argv[1])
print(json.dumps([f"{w.category.__name__}: {w.message}" for w in caught]))
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build in a copy of the tree (the project's own setuptools, no network), so the checkout stays clean."""
    pytest.importorskip("setuptools")
    src = tmp_path_factory.mktemp("src") / "talks"
    keep = {"pyproject.toml", "README.md", "app.py", "assistant", "corpus", "eval", "index"}
    src.mkdir()
    for name in keep:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "results"))
        else:
            shutil.copy2(path, src / name)
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-c", BUILD, str(out)], cwd=src, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc, out


def test_build_prints_no_setuptools_warnings(built):
    import json

    proc, _ = built
    warnings = json.loads(proc.stdout.strip().splitlines()[-1])
    assert warnings == [], "\n".join(warnings)


def test_wheel_ships_the_package_data(built):
    import zipfile

    _, out = built
    wheel = next(p for p in out.glob("talks-*.whl") if "editable" not in p.name)
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "app.py",
        "assistant/cli.py",
        "assistant/prompts/system.txt",
        "corpus/FORMAT.md",
        "corpus/data/atscale-ai-data-2025.jsonl",
        "corpus/sources/atscale-ai-data-2025.txt",
        "eval/data/queries.jsonl",
        "eval/data/qrels.json",
        "index/__init__.py",
    ):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "eval/results/", "docs/")) for n in names)
