"""manifest.json: what an index folder was built from, checked before the index is used."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from corpus.item import Item

SCHEMA_VERSION = 4
MANIFEST = "manifest.json"


class IndexMismatch(ValueError):
    """An index folder that does not fit the corpus or settings; names the field and the fix."""

    def __init__(self, folder: Path, field_name: str, found, expected):
        self.field = field_name
        super().__init__(f"index at {folder} does not match: {field_name} is {found!r}, expected {expected!r}. "
                         f"Run `talks index build` to rebuild it.")


def item_hash(item: Item) -> str:
    return hashlib.sha256(json.dumps(item.to_dict(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def corpus_hash(items: list[Item]) -> str:
    h = hashlib.sha256()
    for item in items:
        h.update(item_hash(item).encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Manifest:
    schema_version: int
    model: str
    dim: int
    normalized: bool
    corpus_file: str
    corpus_hash: str
    n_items: int
    n_passages: int
    faiss: dict
    bm25: dict
    versions: dict
    created_at: str
    n_sentences: int = 0
    passages: dict = field(default_factory=dict)
    item_hashes: dict = field(default_factory=dict)
    embed_backend: str = ""      # what computed the vectors: "onnxruntime", "sentence-transformers", ...
    embed_export_hash: str = ""  # sha256[:16] of the ONNX export used (index/onnx_embedder.py), if any

    def write(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(asdict(self), indent=1, ensure_ascii=False) + "\n")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise IndexMismatch(folder, "manifest.json", "missing", "present") from None
        except json.JSONDecodeError:
            raise IndexMismatch(folder, "manifest.json", "unreadable", "valid JSON") from None
        if data.get("schema_version") != SCHEMA_VERSION:
            raise IndexMismatch(folder, "schema_version", data.get("schema_version"), SCHEMA_VERSION)
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    def check(self, folder: Path, model: str, dim: int, items_hash: str | None, passages: dict) -> None:
        """Refuse an index built with another model, dimension or passage split, or from another corpus."""
        for name, found, expected in (("model", self.model, model), ("dim", self.dim, dim),
                                      ("passages", self.passages, passages)):
            if found != expected:
                raise IndexMismatch(folder, name, found, expected)
        if items_hash is not None and self.corpus_hash != items_hash:
            raise IndexMismatch(folder, "corpus_hash", self.corpus_hash, items_hash)
