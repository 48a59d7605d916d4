"""Import gradio for a server: without its development-time steps, and without pandas until something uses it.

Importing gradio takes 3-5 s on a 2-core machine, and most of it is work a server that shows no table never needs:

- as each component class is defined, gradio re-reads its source file, parses it and rewrites its type stub
  (.pyi) in site-packages (`create_or_modify_pyi`; the stubs ship in the wheel);
- it renders every event listener's docstring through a Jinja template (`EventListener.set_doc`);
- `gradio.caching` imports pandas (and with it pyarrow, when that is installed) at the top, for one use: hashing
  DataFrames into the keys of `gr.Cache`, which the app does not use. Every other pandas import in gradio sits
  inside the function that needs it;
- `gradio` imports its own command line (`gradio.cli`: typer, rich and every command) for one name, `deploy`, and
  `httpx` imports its command line (rich, pygments) for `httpx.main`; `launch()` imports gradio's again only to
  ask whether `gradio app.py`'s reload thread is running.

And one step of every event: gradio switches matplotlib's backend to "agg" around each event so that plots render
off screen, importing matplotlib (0.3 s, on the first answer) wherever it is installed, even in a process that
never draws.

`import_gradio()` skips the first two, gives `gradio.caching` a stand-in for pandas that imports the real one on
first use, gives `deploy` and `httpx.main` stand-ins that import their command lines when called, reads the reload
thread as not running where its module was never imported, and switches matplotlib's backend only once something
has imported matplotlib. Measured on this machine: `import gradio` 3.7-4.8 s; with the two steps skipped 1.7-2.7 s;
with pandas deferred too, 0.6 s less again (1.99 vs 2.61 s, medians of five); with the command lines deferred,
1.85 vs 2.11 s (medians of seven). Nothing else changes: a gradio release without these names imports
exactly as before, and a gradio already imported is returned as it is.

`blocks_without_early_servers()` is the one step of building the app: gradio builds its whole FastAPI server
app twice before `launch()` builds the one it serves.

A meta-path hook rather than an edit of site-packages: the app must run on a stock install.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from contextlib import contextmanager


def _switch_only_when_imported(module):
    manager = module.MatplotlibBackendMananger  # sic: gradio's spelling
    enter, exit_ = manager.__enter__, manager.__exit__

    def __enter__(self):
        self._switched = "matplotlib" in sys.modules
        return enter(self) if self._switched else None

    def __exit__(self, *exc):
        return exit_(self, *exc) if self._switched else None

    manager.__enter__, manager.__exit__ = __enter__, __exit__


def _reload_only_when_imported(module):
    # `launch()` asks whether it runs under `gradio app.py`'s reload thread by importing the `gradio` command line
    # (typer, rich and every command: 0.13 s); that thread runs only where the command line was imported
    def running(self):
        reload = sys.modules.get("gradio.cli.commands.reload")
        return reload is not None and getattr(reload.reload_thread, "running_reload", False)

    module.Blocks._is_running_in_reload_thread = property(running)


STEPS = {  # module -> what to change in it once it has run
    "gradio.component_meta": lambda module: setattr(module, "create_or_modify_pyi", lambda *a, **k: None),
    "gradio.events": lambda module: setattr(module.EventListener, "set_doc", lambda *a, **k: None),
    "gradio.utils": _switch_only_when_imported,
    "gradio.blocks": _reload_only_when_imported,
}
# module -> {an import at its top that it uses only inside functions: the functions it takes from it by name}
DEFERRED = {
    "gradio.caching": {"pandas": ()},  # hashing DataFrames into gr.Cache keys
    "gradio": {"gradio.cli": ("deploy",)},  # the `gradio` command line: typer, rich and every command (0.13 s)
    "httpx": {"httpx._main": ("main",)},  # the `httpx` command line (rich, pygments)
}


def _real(name: str):
    """The real module `name`, imported now (and no longer stood in for)."""
    if isinstance(sys.modules.get(name), Deferred):
        del sys.modules[name]
    return importlib.import_module(name)


class Deferred(types.ModuleType):
    """Stands in for a module not yet imported: the first attribute asked for imports the real one, and each
    function in `functions` (taken from it by name, `from m import f`) imports it when first called."""

    def __init__(self, name: str, functions: tuple[str, ...] = ()):
        super().__init__(name)
        for f in functions:
            setattr(self, f, self._forward(f))

    def _forward(self, f: str):
        name = self.__name__

        def call(*args, **kwargs):
            return getattr(_real(name), f)(*args, **kwargs)

        call.__name__ = call.__qualname__ = f
        return call

    def __getattr__(self, attr):
        if attr == "__path__":  # the import system's probe on `from m import f`: not a package
            raise AttributeError(attr)
        return getattr(_real(self.__name__), attr)


class _Lean(importlib.abc.Loader):
    """Runs one module of STEPS or DEFERRED through the loader that would have run it, as described above; anything
    else (get_data, the resource reader, ...) is that loader's."""

    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, attr):
        return getattr(self._inner, attr)

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        name = module.__name__
        stand_ins = [Deferred(n, fs) for n, fs in DEFERRED.get(name, {}).items() if n not in sys.modules]
        sys.modules.update((s.__name__, s) for s in stand_ins)
        try:
            self._inner.exec_module(module)
        finally:  # the module keeps its stand-ins; everyone else imports the real thing
            for s in stand_ins:
                if sys.modules.get(s.__name__) is s:
                    del sys.modules[s.__name__]
        try:
            STEPS.get(name, lambda m: None)(module)
        except AttributeError:  # a gradio without this step: nothing to change
            pass


class _LeanGradio(importlib.abc.MetaPathFinder):
    """Finds the modules named in STEPS and DEFERRED as usual and has each run by a `_Lean` loader."""

    def find_spec(self, name, path, target=None):
        if name not in STEPS and name not in DEFERRED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Lean(spec.loader)
        return spec


def import_gradio():
    """gradio, imported lean (see the module's docstring) when this is the process's first import of it."""
    if "gradio" not in sys.modules and not any(isinstance(f, _LeanGradio) for f in sys.meta_path):
        sys.meta_path.insert(0, _LeanGradio())
    import gradio

    return gradio


@contextmanager
def blocks_without_early_servers():
    """A `with gr.Blocks()` that builds no server app: gradio builds its whole FastAPI app when a Blocks is created
    and again when its `with` closes, and `launch()` builds the one it serves. The first two are thrown away before
    anything uses them (0.2 s of the app's start). Within this context they are not built; `launch()` is unchanged."""
    from gradio.routes import App

    create = App.__dict__["create_app"]
    App.create_app = staticmethod(lambda *a, **k: None)
    try:
        yield
    finally:
        App.create_app = create
