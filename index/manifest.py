"""manifest.json: what an index folder was built from, checked before the index is used.

`files` lists every file of the folder (manifest.json aside) with its size and SHA-256. Loading checks
every size, and the checksums of files up to `CHEAP_BYTES` (`talks index check` checks them all), so a
truncated, deleted or overwritten file is refused by name instead of failing deep in numpy or Faiss.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import MISSING, asdict, dataclass, field
from pathlib import Path

from corpus.item import Item

SCHEMA_VERSION = 4
MANIFEST = "manifest.json"
CHEAP_BYTES = 16 * 1024 * 1024  # files up to this size have their checksum verified on every load


class IndexMismatch(ValueError):
    """An index folder that does not fit the corpus or settings; names the field and the fix."""

    def __init__(self, folder: Path, field_name: str, found, expected):
        self.field = field_name
        super().__init__(
            f"index at {folder} does not match: {field_name} is {found!r}, expected {expected!r}. "
            f"Run `talks index build` to rebuild it."
        )


class IndexDamaged(IndexMismatch):
    """A file of an index folder that is missing, of the wrong size or content, or unreadable."""

    def __init__(self, folder: Path, file: str, problem: str):
        self.field, self.file = file, file
        ValueError.__init__(
            self, f"index at {folder} is damaged: {file} {problem}. Run `talks index build` to rebuild it."
        )


def file_table(folder: Path) -> dict[str, dict]:
    """{relative path: {"size", "sha256"}} for every file in folder except the manifest."""
    folder = Path(folder)
    table = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel != MANIFEST:
            table[rel] = {"size": path.stat().st_size, "sha256": _sha256(path)}
    return table


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify_files(folder: Path, manifest: Manifest, checksums: str = "cheap") -> int:
    """Refuse (IndexDamaged) a listed file that is missing, has another size, or (checksums "cheap": the
    files up to CHEAP_BYTES; "all": every file; "none") another checksum. Returns the files verified
    by checksum. An index written before files were listed passes unchecked."""
    folder = Path(folder)
    files = manifest.files if isinstance(manifest.files, dict) else {}
    checked = 0
    for rel, info in sorted(files.items()):
        path = folder / rel
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise IndexDamaged(folder, rel, "is missing") from None
        except OSError as exc:
            raise IndexDamaged(folder, rel, f"cannot be read ({exc.strerror or exc})") from None
        if size != info.get("size"):
            raise IndexDamaged(folder, rel, f"has {size} bytes, manifest.json says {info.get('size')}")
        if checksums == "all" or checksums == "cheap" and size <= CHEAP_BYTES:
            try:
                digest = _sha256(path)
            except OSError as exc:
                raise IndexDamaged(folder, rel, f"cannot be read ({exc.strerror or exc})") from None
            if digest != info.get("sha256"):
                raise IndexDamaged(folder, rel, "does not have the content it was built with (checksum differs)")
            checked += 1
    return checked


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
    files: dict = field(default_factory=dict)  # {relative path: {"size", "sha256"}}, see verify_files
    embed_backend: str = ""  # what computed the vectors: "onnxruntime", "sentence-transformers", ...
    embed_export_hash: str = ""  # sha256[:16] of the ONNX export used (index/onnx_embedder.py), if any

    def write(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(asdict(self), indent=1, ensure_ascii=False) + "\n")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IndexMismatch(folder, "manifest.json", "missing", "present") from None
        except (ValueError, OSError):  # bad JSON, bad UTF-8, unreadable
            raise IndexMismatch(folder, "manifest.json", "unreadable", "valid JSON") from None
        if not isinstance(data, dict):
            raise IndexMismatch(folder, "manifest.json", type(data).__name__, "a JSON object")
        if data.get("schema_version") != SCHEMA_VERSION:
            raise IndexMismatch(folder, "schema_version", data.get("schema_version"), SCHEMA_VERSION)
        known = set(cls.__dataclass_fields__)
        try:
            return cls(**{k: v for k, v in data.items() if k in known})
        except TypeError:
            missing = sorted(
                k
                for k, f in cls.__dataclass_fields__.items()
                if k not in data and f.default is MISSING and f.default_factory is MISSING
            )
            raise IndexMismatch(
                folder, "manifest.json", f"missing {', '.join(missing) or 'fields'}", "a complete manifest"
            ) from None

    def check(self, folder: Path, model: str, dim: int, items_hash: str | None, passages: dict) -> None:
        """Refuse an index built with another model, dimension or passage split, or from another corpus."""
        for name, found, expected in (
            ("model", self.model, model),
            ("dim", self.dim, dim),
            ("passages", self.passages, passages),
        ):
            if found != expected:
                raise IndexMismatch(folder, name, found, expected)
        if items_hash is not None and self.corpus_hash != items_hash:
            raise IndexMismatch(folder, "corpus_hash", self.corpus_hash, items_hash)
