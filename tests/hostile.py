"""A hostile corpus for the security tests (not a test module): HTML and script URLs in every text field."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from corpus import DEFAULT_CORPUS, load_items
from corpus.item import Person
from corpus.jsonl import write_items

TITLE = 'Vector search <img src=x onerror="window.__xss=1;alert(1)"> for agents'
PERSON = "<script>window.__xss=2</script>Mallory"
ORG = '<svg onload="window.__xss=3">EvilCorp'
ABSTRACT = (
    "Vector search helps agents find data quality signals. "
    'See [the docs](javascript:window.__xss=4) and <iframe srcdoc="<script>parent.__xss=5</script>"></iframe>. '
    '<a href="javascript:window.__xss=6">click</a> ![pixel](http://127.0.0.1:9/p.png) '
    'Vector databases store [2] embeddings for "quoted [99] evidence" agents use.'
)
QUESTION = 'vector search for agents <img src=y onerror="window.__xss=7"> [x](javascript:window.__xss=8)'
LLM_TEXT = (
    'Mallory presents vector search [1]. <img src=z onerror="window.__xss=9"> '
    '[more](javascript:window.__xss=10) <a class="cite-chip" href="javascript:window.__xss=11">1</a>'
)


def hostile_corpus(folder: Path) -> Path:
    items = load_items(DEFAULT_CORPUS)
    evil = replace(
        items[-1],
        id="evil-vector-search",
        title=TITLE,
        abstract=ABSTRACT,
        kind="talk",
        people=(Person(name=PERSON, org=ORG, role="speaker"),),
        orgs=(ORG,),
        source=None,
        start=None,
        end=None,
    )
    path = Path(folder) / "hostile.jsonl"
    write_items(path, [*items, evil])
    return path
