"""The switches that keep every library offline and quiet, in one place.

Set before any library that reads them is imported (gradio, litellm, huggingface_hub,
transformers): the CLI and the app call `set_offline_env()` first thing; tests, eval scripts and
subprocesses use the same `OFFLINE_ENV` / `offline_env()`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping

OFFLINE_ENV = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # litellm: no download of the model cost map
    "GRADIO_ANALYTICS_ENABLED": "False",  # gradio: no analytics calls
    "HF_HUB_OFFLINE": "1",  # huggingface_hub: never reach the hub
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",  # tokenizers: no fork warning, no thread storm
}


def set_offline_env(environ: MutableMapping[str, str] | None = None) -> None:
    """Set the offline switches (keeping any value already set) in `environ` (default os.environ)."""
    environ = os.environ if environ is None else environ
    for key, value in OFFLINE_ENV.items():
        environ.setdefault(key, value)


def offline_env(base: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
    """An environment for a subprocess: `base` (default os.environ), the offline switches, then `extra`."""
    env = dict(os.environ if base is None else base)
    set_offline_env(env)
    env.update(extra)
    return env
