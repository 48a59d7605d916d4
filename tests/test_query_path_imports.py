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
