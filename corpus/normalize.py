"""Text clean-up shared by the parsers: odd spaces and hyphens, quotes, slugs, org spellings."""

from __future__ import annotations

import re
import unicodedata

# Characters a web page carries that look like plain ones: normalized so that search, quoting and
# matching see one form. Curly apostrophes become ASCII so "O’Kelly" and "O'Kelly" are one name.
_CHAR_MAP = str.maketrans(
    {
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space
        "\u2007": " ",  # figure space
        "\u2009": " ",  # thin space
        "\u200b": "",  # zero-width space
        "\ufeff": "",  # byte-order mark
        "\u2011": "-",  # non-breaking hyphen
        "\u2010": "-",  # hyphen
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
    }
)

# One spelling per organisation. Keys are matched case-insensitively after punctuation is dropped.
ORG_ALIASES = {
    "meta": "Meta",
    "anyscale": "Anyscale",
    "fiddler": "Fiddler AI",
    "fiddlerai": "Fiddler AI",
    "evolutionaryscale": "EvolutionaryScale",
    "evolutionaryscaleai": "EvolutionaryScale",
    "axiom": "Axiom Math",
    "axiommath": "Axiom Math",
    "nvidia": "NVIDIA",
    "towerdev": "Tower.dev",
}


def clean_text(text: str) -> str:
    """Normalize special spaces, hyphens and quotes; strip trailing spaces on each line."""
    text = unicodedata.normalize("NFC", text).translate(_CHAR_MAP)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def squash(text: str) -> str:
    """Collapse runs of whitespace into one space."""
    return re.sub(r"\s+", " ", text).strip()


def org_key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", name.lower())


def normalize_org(name: str) -> str:
    name = squash(clean_text(name))
    return ORG_ALIASES.get(org_key(name), name)


def slugify(text: str, max_len: int = 64) -> str:
    """Lowercase ASCII slug, cut at a word boundary to at most max_len characters."""
    text = unicodedata.normalize("NFKD", clean_text(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug or "item"
