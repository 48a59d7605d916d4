"""Open the retrieval stack for some settings: load the corpus, build the index when it is missing,
check it when it is there. The CLI and the app call this once and share the result."""

from __future__ import annotations

import sys
from pathlib import Path

from corpus.jsonl import load_items
from index.build import BuildReport, build_index
from index.embedder import Embedder, get_embedder
from index.store import Index

from assistant.search import Searcher
from assistant.settings import Settings


def build(settings: Settings, embedder: Embedder | None = None, progress: bool = False) -> BuildReport:
    items = load_items(settings.corpus)
    embedder = embedder or get_embedder(settings.model, settings.models_dir, settings.embed_backend)
    return build_index(items, settings.index_dir, embedder, cache_dir=settings.cache_dir,
                       corpus_file=str(Path(settings.corpus).resolve()), progress=progress)


def open_index(settings: Settings, embedder: Embedder | None = None, build_missing: bool = True,
               progress: bool = False) -> Index:
    items = load_items(settings.corpus)
    embedder = embedder or get_embedder(settings.model, settings.models_dir, settings.embed_backend)
    if build_missing and not (settings.index_dir / "manifest.json").exists():
        print(f"talks: no index for {settings.corpus} yet; building it in {settings.index_dir} ...", file=sys.stderr)
        build_index(items, settings.index_dir, embedder, cache_dir=settings.cache_dir,
                    corpus_file=str(Path(settings.corpus).resolve()), progress=progress)
    return Index(settings.index_dir, embedder, items=items)


def open_searcher(settings: Settings, embedder: Embedder | None = None, progress: bool = False) -> Searcher:
    return Searcher(open_index(settings, embedder, progress=progress), settings)
