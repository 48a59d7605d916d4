"""Secrets out of every string that leaves the process (notices, traces, the Trace panel, logs).

Redact first, cut afterwards: a key cut in half by a length limit can no longer be found and replaced.
Two kinds of secret are removed: the configured API key (wherever it appears, also JSON- or
URL-escaped) and the password of any `scheme://user:password@host` URL.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

MASK = "***"
# scheme://user:password@host: everything up to the last '@' before the path (a password may hold '@').
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,30}://)([^\s/?#]*)@")


def _forms(secret: str) -> list[str]:
    """The spellings a secret takes in text: as is, JSON-escaped, URL-quoted."""
    forms = {secret, json.dumps(secret)[1:-1], quote(secret, safe="")}
    return sorted((f for f in forms if f), key=len, reverse=True)


def redact(text: object, secrets: tuple[str | None, ...] | list[str | None] = ()) -> str:
    """`text` with every secret (and URL credentials) replaced by ***."""
    out = str(text)
    for secret in secrets:
        if secret and len(secret) >= 4:  # a 1-3 character "key" would mask half the text
            for form in _forms(secret):
                out = out.replace(form, MASK)
    if "@" in out:
        out = _URL_CREDENTIALS.sub(lambda m: m.group(1) + (MASK + "@" if m.group(2) else "@"), out)
    return out


def redact_url(url: str | None) -> str | None:
    """A URL fit to show: `http://user:pw@host/` becomes `http://***@host/`."""
    return None if url is None else redact(url)


def redact_tree(value, secrets=()):
    """The same structure (dicts, lists, tuples, strings) with every string redacted."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {redact(k, secrets) if isinstance(k, str) else k: redact_tree(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_tree(v, secrets) for v in value]
    return value


def cut(text: str, limit: int) -> str:
    """Whitespace squashed, then at most `limit` characters (an ellipsis marks a cut)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
