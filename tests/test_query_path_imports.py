"""Nothing heavy on the query path: with an index and an exported ONNX model on disk, `talks search`,
`talks ask`, `talks related` and the app answer without importing torch, transformers or
sentence-transformers (and the CLI without gradio or litellm)."""

import subprocess
import sys
from pathlib import Path

import pytest

from index.onnx_embedder import ensure_exported

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "transformers", "sentence_transformers")


@pytest.fixture(scope="module")
def ready(real_settings, real_searcher):
    ensure_exported(real_settings.models_dir)  # what the first build does on a fresh install
    return real_settings


def run(code: str, settings) -> subprocess.CompletedProcess:
    env = {
        "TALKS_DATA_DIR": str(settings.data_dir),
        "PATH": "/usr/bin:/bin",
        "HF_HUB_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, cwd=ROOT, check=False
    )


@pytest.mark.model
def test_cli_search_ask_related_import_no_torch(ready):
    code = (
        "import sys; from assistant.cli import main\n"
        "rc = main(['search', 'which talks cover data quality for agents?'])\n"
        "rc |= main(['ask', 'any posters about training data storage?'])\n"
        "rc |= main(['related', 'faiss-vector-search-at-meta'])\n"
        f"bad = [m for m in {HEAVY + ('gradio', 'litellm')!r} if m in sys.modules]\n"
        "print('heavy:', bad); sys.exit(rc or bool(bad))"
    )
    out = run(code, ready)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "heavy: []" in out.stdout and "Data Quality" in out.stdout and "why: " in out.stdout


@pytest.mark.model
def test_app_answers_without_torch(ready):
    code = (
        "import sys, os; import app\n"
        "from assistant.answer import Assistant; from assistant.settings import Settings\n"
        "assistant = Assistant.open(Settings.from_env(os.environ)); demo = app.build_app(assistant)\n"
        "a = assistant.answer('Which talks cover data quality for agents?')\n"
        "assert a.citations, a.text\n"
        f"bad = [m for m in {HEAVY + ('litellm',)!r} if m in sys.modules]\n"
        "print('heavy:', bad); sys.exit(bool(bad))"
    )
    out = run(code, ready)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "heavy: []" in out.stdout


def count_source_reads(import_line: str) -> subprocess.CompletedProcess:
    """Import gradio as `import_line` says, counting gradio's re-reads of its own component sources (the .pyi
    rewrite parses each class out of its file with ast.get_source_segment) and its docstring templates."""
    code = (
        "import ast, sys, jinja2\n"
        "calls = {'sources': 0, 'templates': 0}\n"
        "segment, template = ast.get_source_segment, jinja2.Template.__new__\n"
        "def counted_segment(*a, **k):\n    calls['sources'] += 1; return segment(*a, **k)\n"
        "def counted_template(*a, **k):\n    calls['templates'] += 1; return template(*a, **k)\n"
        "ast.get_source_segment, jinja2.Template.__new__ = counted_segment, counted_template\n"
        f"{import_line}\n"
        "import gradio.events\n"
        "print(calls['sources'], calls['templates'], gradio.events.EventListener.__name__)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT, check=False
    )


def test_app_imports_gradio_without_its_development_steps():
    plain = count_source_reads("import gradio")
    lean = count_source_reads("import app; app.import_gradio()")
    assert plain.returncode == 0 and lean.returncode == 0, plain.stderr[-2000:] + lean.stderr[-2000:]
    plain_sources, plain_templates, _ = plain.stdout.split()
    lean_sources, lean_templates, name = lean.stdout.split()
    # the steps exist in this gradio (else the app's skip list is stale) and the app's import runs neither
    assert int(plain_sources) > 50 and int(plain_templates) > 100, plain.stdout
    assert (lean_sources, lean_templates, name) == ("0", "0", "EventListener"), lean.stdout
