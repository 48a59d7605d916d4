"""The app's lean gradio import (assistant/gradio_import.py): each step it skips or defers is real in this gradio
(a plain import does it), the app's import does not do it, and what the step was for still works when used."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEAN = "from assistant.gradio_import import import_gradio; import_gradio()"


def python(code: str) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT, check=False
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    return out


def count_source_reads(import_line: str) -> list[str]:
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
    return python(code).stdout.split()


def test_the_app_imports_gradio_without_its_development_steps():
    plain_sources, plain_templates, _ = count_source_reads("import gradio")
    # the steps exist in this gradio (else the skip list is stale) and the app's import runs neither
    assert int(plain_sources) > 50 and int(plain_templates) > 100, (plain_sources, plain_templates)
    assert count_source_reads("import app; app.import_gradio()") == ["0", "0", "EventListener"]


def test_pandas_waits_until_something_uses_it():
    probe = "import sys; print('pandas' in sys.modules)"
    assert python(f"import gradio; {probe}").stdout.split() == ["True"]  # a plain import loads it
    out = python(
        f"{LEAN}; {probe}\n"
        "import gradio.caching as caching\n"
        "key = caching._hash_repr(caching.pd.DataFrame({'x': [1, 2]}))\n"  # what gradio imports it for
        "print(type(sys.modules['pandas']).__name__, key[:3])\n"
        "import pandas; print(pandas is sys.modules['pandas'], pandas.DataFrame is caching.pd.DataFrame)"
    )
    assert out.stdout.split() == ["False", "module", "DF(", "True", "True"]


def test_an_event_imports_matplotlib_only_to_switch_it_back():
    out = python(
        f"{LEAN}; import sys; from gradio.utils import MatplotlibBackendMananger as switch\n"
        "with switch():\n    print('matplotlib' in sys.modules)\n"
        "import matplotlib; matplotlib.use('svg')\n"  # a process that draws: the switch is gradio's own
        "with switch():\n    print(matplotlib.get_backend())\n"
        "print(matplotlib.get_backend())"
    )
    assert out.stdout.split() == ["False", "agg", "svg"]


def test_gradio_still_reads_its_package_data():
    # the modules it runs are gradio's own: their loader still serves package files (the version in the config)
    out = python(f"{LEAN}; import gradio; from gradio.utils import get_package_version; print(get_package_version())")
    assert out.stdout.strip() == python("import gradio; print(gradio.__version__)").stdout.strip()


def test_blocks_built_without_early_servers_launch_as_usual():
    import httpx

    from assistant.gradio_import import blocks_without_early_servers, import_gradio

    gr = import_gradio()
    with blocks_without_early_servers(), gr.Blocks() as demo:
        box = gr.Textbox()
        gr.Button().click(lambda s: s.upper(), box, box, api_name="shout")
    with gr.Blocks() as usual:
        gr.Textbox()
    assert demo.app is None and usual.app is not None  # none built for nothing; others as before
    demo.launch(server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True)
    try:
        assert httpx.get(f"{demo.local_url}config", timeout=30).json()["version"] == gr.__version__
        from gradio_client import Client

        assert Client(demo.local_url, verbose=False).predict("hi", api_name="/shout") == "HI"
    finally:
        demo.close()
        usual.close()


def test_the_command_lines_wait_until_called():
    probe = "import sys; print(*(m in sys.modules for m in ('gradio.cli.cli', 'httpx._main', 'rich')))"
    assert python(f"import gradio; {probe}").stdout.split() == ["True"] * 3  # a plain import loads them
    out = python(
        f"{LEAN}; {probe}\n"
        "import gradio, httpx\n"
        "print(gradio.deploy.__name__, httpx.main.__name__)\n"
        "with gradio.Blocks() as demo:\n    gradio.Textbox()\n"
        "demo.launch(server_name='127.0.0.1', prevent_thread_lock=True, quiet=True)\n"
        "running = demo._is_running_in_reload_thread\n"
        "demo.close()\n"
        "print(running, 'gradio.cli.cli' in sys.modules)\n"  # launch() no longer imports it to ask
        "from gradio.cli.commands.reload import reload_thread\n"
        "reload_thread.running_reload = True\n"  # as under `gradio app.py`
        "print(demo._is_running_in_reload_thread)"
    )
    said = [w for line in out.stdout.splitlines() if not line.startswith("Closing server") for w in line.split()]
    assert said == ["False"] * 3 + ["deploy", "main", "False", "False", "True"]


def test_a_stand_in_imports_the_real_module_when_used():
    out = python(
        "import sys; from assistant.gradio_import import Deferred\n"
        "stand_in = Deferred('colorsys', ('rgb_to_hsv',)); sys.modules['colorsys'] = stand_in\n"
        "from colorsys import rgb_to_hsv\n"  # what `from m import f` takes: no import yet
        "print(sys.modules['colorsys'] is stand_in, rgb_to_hsv(1, 0, 0))\n"
        "print(sys.modules['colorsys'] is stand_in, stand_in.hsv_to_rgb(0, 1, 1))"  # any other name: the real one
    )
    assert out.stdout.split("\n")[:2] == ["True (0.0, 1.0, 1)", "False (1, 0.0, 0.0)"]


def test_gradio_is_never_imported_while_torch_is():
    """The app imports gradio on a second thread; a first start exports the model on the first (torch,
    transformers) at the same time. Two threads importing shared modules at once can be handed a partially
    initialized module, so the gradio thread waits while the lock the export holds is taken."""
    code = (
        "import sys, threading, time\n"
        "import app\n"
        "from index.embedder import HEAVY_IMPORTS\n"
        "HEAVY_IMPORTS.acquire()\n"
        "t = threading.Thread(target=app.import_gradio_aside); t.start(); time.sleep(1.0)\n"
        "waited = 'gradio' not in sys.modules\n"
        "HEAVY_IMPORTS.release(); t.join(120)\n"
        "print(waited, 'gradio' in sys.modules)"
    )
    assert python(code).stdout.split() == ["True", "True"]
