"""Open the retrieval stack for some settings: load the corpus, build the index when it is missing,
check it when it is there. The CLI and the app call this once and share the result."""

from __future__ import annotations

import sys
from pathlib import Path

from corpus.jsonl import load_items
from index.build import BuildReport, build_index
from index.embedder import Embedder, get_embedder
from index.manifest import IndexDamaged, IndexMismatch
from index.store import Index

from assistant.intents import ExampleIntents
from assistant.search import Searcher
from assistant.settings import Settings


def build(settings: Settings, embedder: Embedder | None = None, progress: bool = False) -> BuildReport:
    items = load_items(settings.corpus)
    embedder = embedder or get_embedder(settings.model, settings.models_dir, settings.embed_backend)
    if settings.intent_examples:  # the intent examples' vectors, cached now so no question pays for them
        ExampleIntents(embedder, settings.intent_min_probability, settings.intent_sure_probability, settings.cache_dir)
    return build_index(
        items,
        settings.index_dir,
        embedder,
        cache_dir=settings.cache_dir,
        corpus_file=str(Path(settings.corpus).resolve()),
        progress=progress,
    )


def open_index(
    settings: Settings, embedder: Embedder | None = None, build_missing: bool = True, progress: bool = False
) -> Index:
    items = load_items(settings.corpus)
    embedder = embedder or get_embedder(settings.model, settings.models_dir, settings.embed_backend)

    def rebuild():
        build_index(
            items,
            settings.index_dir,
            embedder,
            cache_dir=settings.cache_dir,
            corpus_file=str(Path(settings.corpus).resolve()),
            progress=progress,
        )

    if build_missing and not (settings.index_dir / "manifest.json").exists():
        print(f"talks: no index for {settings.corpus} yet; building it in {settings.index_dir} ...", file=sys.stderr)
        rebuild()
    try:
        return load_index(settings.index_dir, embedder, items)
    except IndexDamaged as exc:
        if not build_missing:
            raise
        print(f"talks: {exc.args[0].split('. Run')[0]}; rebuilding it from {settings.corpus} ...", file=sys.stderr)
        rebuild()
        return load_index(settings.index_dir, embedder, items)


# What numpy, Faiss, bm25s and the OS raise on a damaged file the manifest could not catch (an index
# written before files were listed, or a large file whose checksum is only checked by `index check`).
_LOAD_ERRORS = (OSError, ValueError, EOFError, RuntimeError, KeyError, IndexError, TypeError, MemoryError)


def load_index(folder: Path, embedder: Embedder, items=None) -> Index:
    """Index(...), with any failure to read its files as one IndexDamaged naming the folder."""
    try:
        return Index(folder, embedder, items=items)
    except IndexMismatch:
        raise
    except _LOAD_ERRORS as exc:
        raise IndexDamaged(folder, "a file", f"cannot be loaded ({type(exc).__name__}: {str(exc)[:200]})") from exc


def check_index(settings: Settings, embedder: Embedder | None = None) -> dict:
    """Verify every file of the index against its manifest (checksums of all files), then load it.
    Raises IndexMismatch/IndexDamaged; returns a summary."""
    from index.manifest import Manifest, verify_files

    folder = settings.index_dir
    manifest = Manifest.read(folder)
    checked = verify_files(folder, manifest, checksums="all")
    items = load_items(settings.corpus)
    index = load_index(folder, embedder or get_embedder(settings.model), items)
    return {
        "folder": str(folder),
        "files": len(manifest.files),
        "checksums": checked,
        "items": len(index),
        "passages": int(index.faiss.ntotal),
        "listed": bool(manifest.files),
    }


def open_searcher(settings: Settings, embedder: Embedder | None = None, progress: bool = False) -> Searcher:
    return Searcher(open_index(settings, embedder, progress=progress), settings)
