"""Conference corpora: the `Item` record, the parsers that make items, and JSONL storage.

Nothing here imports `index`, `assistant` or any model library.
"""

from pathlib import Path

from corpus.item import KINDS, ROLES, Item, ItemError, Person, Source
from corpus.jsonl import CorpusError, load_items, write_items

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
SOURCES_DIR = HERE / "sources"

# The built-in conference: its source page, the JSONL made from it, and the event name items carry.
ATSCALE_SOURCE = SOURCES_DIR / "atscale-ai-data-2025.txt"
ATSCALE_EVENT = "@Scale: AI & Data 2025"
DEFAULT_CORPUS = DATA_DIR / "atscale-ai-data-2025.jsonl"

__all__ = [
    "KINDS",
    "ROLES",
    "Item",
    "ItemError",
    "Person",
    "Source",
    "CorpusError",
    "load_items",
    "write_items",
    "DEFAULT_CORPUS",
    "ATSCALE_SOURCE",
    "ATSCALE_EVENT",
    "build_atscale",
]


def build_atscale() -> list[Item]:
    """Parse the built-in agenda page into items (what `talks corpus build` writes)."""
    from corpus.agenda import parse_agenda_file

    return parse_agenda_file(ATSCALE_SOURCE, "corpus/sources/atscale-ai-data-2025.txt", ATSCALE_EVENT)
