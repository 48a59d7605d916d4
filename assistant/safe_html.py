"""What the chat may show: text that is not ours is escaped, our own chip markup is all that stays HTML.

The chat renders Markdown with raw HTML allowed (the citation chips are HTML). Everything else in it
comes from outside: corpus titles, people and orgs (an imported pyvideo record), typed questions,
LLM output, provider error messages. Those pass through `escape_markdown` before our markup is added:

    untrusted text -> escape & < >            (tags and entities become visible text)
                   -> neutralize link targets  ([x](javascript:..), ![img](http://...))
                   -> [n] markers become chips (ours)
                   -> `sanitize`: an nh3 allow-list pass over the result, keeping only
                      <a class="cite-chip" href="#aK-src-N" data-answer="K" title="source N"> and inline formatting

Every function here is pure and cheap; `sanitize` imports nh3 on first use.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

# A Markdown link `](target` or definition `]: target` is kept only when its target starts as a web
# link, a mail address or an in-page anchor; any other (javascript:, data:, vbscript:, a scheme split
# by spaces or tabs, which browsers drop) loses its link syntax: `](` becomes `]\(`, a Markdown escape
# shown as typed. (Not an entity: the allow-list pass decodes entities, and would give the link back.)
_SAFE_START = r"(?:https?://|mailto:|#)"
_LINK_OPEN = re.compile(rf"\]\((?!{_SAFE_START})", re.I)
_REF_DEF = re.compile(rf"^([ \t]{{0,3}}\[[^\]\n]{{1,999}}\]):(?![ \t]*{_SAFE_START})", re.I | re.M)

CHIP = re.compile(
    r'<a class="cite-chip" href="#a(\d{1,4})-src-(\d{1,4})" data-answer="(\d{1,4})" '
    r'title="source (\d{1,4})">(\d{1,4})</a>'
)
_CHIP_HREF = re.compile(r"#a\d{1,4}-src-\d{1,4}\Z")
_DIGITS = re.compile(r"\d{1,4}\Z")
_CHIP_TITLE = re.compile(r"source \d{1,4}\Z")

# Inline formatting that cannot run anything; kept if a trusted caller produced it.
ALLOWED_TAGS = frozenset({"a", "b", "strong", "i", "em", "code", "mark", "br", "sub", "sup"})


def escape_html(text: object) -> str:
    """Text as literal HTML text (quotes included): for attribute values and HTML fragments."""
    return html.escape(str(text), quote=True)


def escape_markdown(text: object) -> str:
    """Untrusted text made safe to embed in the chat's Markdown: no tag, entity, script URL or remote
    image survives; ordinary Markdown (bold, lists, web links) still renders."""
    text = html.escape(str(text).replace("\x00", "\ufffd"), quote=False)
    if "](" in text:
        text = _LINK_OPEN.sub(r"]\\(", text)
    if "![" in text:  # images load from anywhere (a tracking pixel, an intranet URL): never shown
        text = text.replace("![", r"!\[")
    if "]:" in text:
        text = _REF_DEF.sub(r"\1\\:", text)
    return text


@lru_cache(maxsize=1)
def _nh3():
    import nh3

    return nh3


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if element != "a":
        return None
    if attribute == "class":
        return value if value == "cite-chip" else None
    if attribute == "href":
        return value if _CHIP_HREF.match(value) else None
    if attribute == "title":
        return value if _CHIP_TITLE.match(value) else None
    if attribute == "data-answer":
        return value if _DIGITS.match(value) else None
    return None


def sanitize(fragment: str) -> str:
    """An allow-list pass over HTML: only inline formatting and our chip anchors survive, anchors only
    with class cite-chip, href #aK-src-N, data-answer K and title "source N"; everything else is removed or escaped."""
    nh3 = _nh3()
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={"a": {"class", "href", "title", "data-answer"}},
        attribute_filter=_attribute_filter,
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )


def chat_markdown(text: str, chips) -> str:
    """Untrusted answer text for the chat: escaped, then `chips` (a function adding our chip markup to
    [n] markers), then the allow-list pass. Markdown block markers at line starts (`>`, `#`, `-`) are
    unaffected by the pass because every `<` and `>` in the text was escaped first."""
    return sanitize(chips(escape_markdown(text)))


def unescape_markdown(text: str) -> str:
    """The text `escape_markdown` was given (for re-asking a question shown in the chat)."""
    text = text.replace("]\\(", "](").replace("!\\[", "![").replace("]\\:", "]:")
    return html.unescape(text)
