"""Turn talk descriptions written in reStructuredText, Markdown or a mix of both into plain text.

Abstracts are read by people and by the embedding model, so markup is noise in both: link targets,
heading underlines, directive lines and emphasis markers are dropped, while the words (link text,
code, list items) are kept. Paragraph breaks survive as one blank line.

Why regular expressions and not docutils, measured on the 16,094 non-empty descriptions of
pyvideo/data (docutils 0.23, CPython 3.11, one core):

- docutils only knows reStructuredText, and the descriptions are a mix: 915 use reST-only syntax,
  176 Markdown-only syntax (`[text](url)` links, `#` headings, fenced code, `[n]: url`
  definitions), which docutils passes through verbatim, and the rest is plain text with the odd
  `*` or underline in it;
- it is strict: 21 descriptions draw warnings (mostly "block quote ends without a blank line"
  from indented text, and disabled `raw` directives); the messages land in the document tree, so
  their text would have to be filtered out, and with a lower halt level they raise instead;
- it is slow for a batch import: 1.6 ms per description, 25 s for the archive, where these rules
  take under a second for all 21,715 descriptions;
- it is not a dependency of this project.

The rules below handle the constructs that occur in the data and leave anything they do not
recognize as it is. Text is dropped only on purpose: pictures, link targets, reST comments.

Every rule runs in linear time on any input (tests/test_markup_adversarial.py): a pattern's body
never spans its own opening delimiter, so a failed match stops at the next opener instead of
rescanning the rest of the text; unclosed `<script>` and `<!--` are found with `str.find`; nested
directives deeper than `MAX_DEPTH` are read as plain text.
"""

from __future__ import annotations

import html
import re

__all__ = ["to_plain_text"]

# ---------------------------------------------------------------- block (line) rules

# A line made only of one repeated adornment character: a reST heading under/overline, a
# Markdown setext underline or horizontal rule, a reST transition.
_ADORNMENT = re.compile(r"^\s*([=\-~^*+#_`'\"])(?:\s*\1){2,}\s*$")
# reST grid/simple table borders and Markdown table separator rows.
_TABLE_BORDER_CHARS = re.compile(r"[-=:+| \t\f\v]*+\Z")  # possessive: one pass over the line
_RULE_RUN = re.compile(r"[-=]{3}")
_FENCE = re.compile(r"^\s*(?:```|~~~)[\w+.#-]*\s*$")
_MD_HEADING = re.compile(r"^\s*+#{1,6}\s+(.*)$")
_CLOSING_HASHES = re.compile(r"\s#+\Z")
# One or more list markers: `* - cell` in a reST list-table is a list in a list.
_BULLET = re.compile(r"^\s*(?:(?:[*+\-\u2022\u2023\u25e6]|#\.)\s+)+")
# A table row framed by `|` or `+` on both sides, with at least one `|` between cells.
_TABLE_ROW = re.compile(r"^\s*[|+]\s([^|]*\|.*)\s[|+]\s*$")
_QUOTE = re.compile(r"^\s*>(?!>)\s?")
_MD_REF_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*\S+\s*(?:\"[^\"]*\")?\s*$")
_EXPLICIT = re.compile(r"^(\s*)\.\.(?:\s+(.*))?$")
_DIRECTIVE = re.compile(r"^([\w-]+(?::[\w-]+)?)::\s*(.*)$")
_FOOTNOTE = re.compile(r"^(\[[^\]]+\])\s*(.*)$")
_OPTION = re.compile(r"^\s*:[\w -]+:(?:\s.*)?$")
_LITERAL_MARK = re.compile(r"(\S?)(\s*)::$")

# Directives whose whole block is dropped: their content is a file, a picture or a setting.
_DROP_DIRECTIVES = frozenset(
    {
        "image",
        "figure",
        "raw",
        "include",
        "meta",
        "contents",
        "sectnum",
        "target-notes",
        "highlight",
        "role",
        "default-role",
        "title",
        "header",
        "footer",
        "csv-table",
    }
)
# Directives whose argument is readable text (a note's first sentence, a topic's title).
_TEXT_ARGUMENT = frozenset(
    {
        "note",
        "warning",
        "tip",
        "important",
        "hint",
        "caution",
        "attention",
        "danger",
        "error",
        "admonition",
        "topic",
        "sidebar",
        "rubric",
        "seealso",
        "versionadded",
        "versionchanged",
        "deprecated",
        "epigraph",
        "pull-quote",
        "highlights",
    }
)

# ---------------------------------------------------------------- inline rules

_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_CODE_DOUBLE = re.compile(r"``(.+?)``", re.S)
_ROLE = re.compile(r":[\w.+-]+:`([^`]+)`")
_CODE_SINGLE = re.compile(r"(?<![`\w])`([^`\n]+)`(?![`_\w])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~:\"'=&])")
_ESCAPED_SPACE = re.compile(r"\\ ")
_MD_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()\[\]\s]*(?:\s+\"[^\"\n]{0,300}\")?\)")
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*(<?[^()\[\]\s]*(?:\n[^()\[\]\s]*)?>?)(?:\s+\"[^\"\n]{0,300}\")?\s*\)")
_MD_REF_LINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]\n]*\]")
_RST_LINK = re.compile(r"`([^`<]*?)\s*<([^>`]+)>`__?")
_RST_REF = re.compile(r"`([^`]+)`__?(?![\w])")
_RST_WORD_REF = re.compile(r"(?<![\w/.-])([A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?)__?(?![\w/])")
_RST_FOOTNOTE_REF = re.compile(r"(\[(?:\d+|#[\w-]*|\*)\])_")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+)>")
# Emphasis may wrap onto the next line but never crosses a paragraph break. The underscore forms
# need a space inside so that `__init__` and `_private_` names are left alone.
_SPAN = r"(?:[^\n]|\n(?![ \t]*\n))"
_STRONG = re.compile(rf"(?<![\w*])\*\*(?=\S)((?:(?!\*\*){_SPAN})+?)(?<=\S)\*\*(?![\w*])")
_STRONG_UNDERSCORE = re.compile(rf"(?<![\w_])__(?=\S)([^_\n]*\s(?:(?!__){_SPAN})*?)(?<=\S)__(?![\w_])")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=\S)\*(?![\w*])")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]*\s[^_\n]*?)(?<=\S)_(?![\w_])")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.I)
_HTML_PARAGRAPH = re.compile(r"</?(?:p|div|ul|ol|table|tr|h[1-6]|blockquote|pre)\b[^<>]*>", re.I)
_HTML_ITEM = re.compile(r"<li\b[^<>]*>", re.I)
_HTML_SCRIPT_OPEN = re.compile(r"<(script|style)\b[^<>]*>", re.I)
MAX_DEPTH = 8  # directive/footnote bodies nested deeper than this are kept as plain lines
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|big|center|cite|code|dd|del|dl|dt|em|font|i|iframe|img|ins|kbd|li|mark|s|"
    r"small|span|strike|strong|sub|sup|td|th|tbody|thead|tt|u|hr|section|article|header|footer|"
    r"figure|figcaption|video|source|object|embed|param)\b[^<>]*>",
    re.I,
)
_SPACES = re.compile(r"[ \t\f\v]{2,}")
_BLANK_LINES = re.compile(r"\n{3,}")


def to_plain_text(text: str | None) -> str:
    """Plain text of a reST/Markdown/HTML description: words kept, markup dropped."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    lines = _blocks(text.split("\n"))
    text = _SPACES.sub(" ", _inline("\n".join(lines)))
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


# ---------------------------------------------------------------- block level


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """Index just past the block that starts at `start`: its indented lines and blank lines."""
    i = start
    while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > indent):
        i += 1
    return i


def _blocks(lines: list[str], depth: int = 0) -> list[str]:
    """Apply the line rules: explicit markup, headings, fences, rules, bullets, quotes."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        explicit = _EXPLICIT.match(line) if depth < MAX_DEPTH else None
        if explicit:
            i = _explicit_block(lines, i, explicit, out, depth)
            continue
        reduced = _line(line)
        if reduced is not None:
            out.append(reduced)
        i += 1
    return out


def _explicit_block(lines: list[str], i: int, match: re.Match, out: list[str], depth: int = 0) -> int:
    """Handle a reST `.. ` construct at lines[i]; append what is kept; return the next index.

    Directives keep their body (a note's text, a code sample) unless they only point at a file or
    picture; hyperlink targets, substitution definitions and comments are dropped; footnotes keep
    their text.
    """
    indent, rest = len(match.group(1)), (match.group(2) or "").strip()
    end = _block_end(lines, i + 1, indent)
    directive = _DIRECTIVE.match(rest)
    if directive:
        name = directive.group(1).lower()
        if name in _DROP_DIRECTIVES:
            return end
        out.append("")
        if name in _TEXT_ARGUMENT and directive.group(2):
            out.append(_line(directive.group(2)))
        body = lines[i + 1 : end]
        while body and _OPTION.match(body[0]):
            body.pop(0)
        out.extend(_blocks([ln[indent:] if not ln[:indent].strip() else ln for ln in body], depth + 1))
        out.append("")
        return end
    footnote = _FOOTNOTE.match(rest)
    if footnote:
        out.extend(_blocks([f"{footnote.group(1)} {footnote.group(2)}".strip(), *lines[i + 1 : end]], depth + 1))
        return end
    return end  # hyperlink target (.. _name: url), substitution (.. |x| ...) or comment


def _is_table_border(line: str) -> bool:
    """A reST grid/simple table border or a Markdown table separator row: only `-=:+| `, with a run
    of three `-`/`=` in it."""
    return bool(_TABLE_BORDER_CHARS.match(line) and _RULE_RUN.search(line))


def _line(line: str) -> str | None:
    """One line of ordinary text with its block markers (heading, rule, bullet...) reduced, or
    None for a line that is only markup inside a block (a table border, a link definition).

    A heading underline or a rule becomes a blank line, so the heading stands as its own paragraph.
    """
    if _ADORNMENT.match(line):
        return ""
    if _is_table_border(line) or _FENCE.match(line) or _MD_REF_DEF.match(line):
        return None
    heading = _MD_HEADING.match(line)
    if heading:
        title = heading.group(1).rstrip()
        m = _CLOSING_HASHES.search(title)
        return "\n" + (title[: m.start()].rstrip() if m else title) + "\n"
    row = _TABLE_ROW.match(line)
    if row:
        return " | ".join(cell.strip() for cell in row.group(1).split("|") if cell.strip())
    line = _QUOTE.sub("", line, count=1)
    line = _BULLET.sub("- ", line, count=1)
    if line.endswith("::"):
        line = _LITERAL_MARK.sub(lambda m: m.group(1) + (":" if m.group(1) else ""), line)
    return line


# ---------------------------------------------------------------- inline level


def _inline(text: str) -> str:
    """Reduce inline markup. Code spans and escaped characters are set aside first so that the
    emphasis and link rules never touch them (``**kwargs`` stays as written).

    Each rule runs only when its marker character occurs: most descriptions have no markup at
    all, and skipping the scan is what keeps the whole archive to a couple of seconds."""
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return f"\ue000{len(kept) - 1}\ue001"

    if "\\" in text:
        text = _ESCAPED_SPACE.sub("", text)
    if "`" in text:
        text = _CODE_DOUBLE.sub(lambda m: keep(m.group(1)), text)
    if "\\" in text:
        text = _ESCAPE.sub(lambda m: keep(m.group(1)), text)
    if "`" in text:
        text = _ROLE.sub(lambda m: keep(_link_text(m.group(1))), text)
        text = _RST_LINK.sub(lambda m: m.group(1) or m.group(2), text)
        text = _RST_REF.sub(r"\1", text)
        text = _CODE_SINGLE.sub(lambda m: keep(m.group(1)), text)
    if "<" in text:
        text = _drop_scripts(text)
        text = _drop_between(text, "<!--", "-->")
    if "[" in text:
        text = _MD_IMAGE.sub("", text)
        text = _MD_LINK.sub(lambda m: m.group(1) or m.group(2).strip("<>"), text)
        text = _MD_REF_LINK.sub(r"\1", text)
        text = _RST_FOOTNOTE_REF.sub(r"\1", text)
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
        text = _html_tags(text)
    # Underscore emphasis goes before `word_` references so `__two words__` loses both ends.
    if "_" in text:
        text = _STRONG_UNDERSCORE.sub(r"\1", text)
        text = _EMPHASIS_UNDERSCORE.sub(r"\1", text)
        text = _RST_WORD_REF.sub(r"\1", text)
    if "*" in text:
        text = _STRONG.sub(r"\1", text)
        text = _EMPHASIS.sub(r"\1", text)
    if kept:
        text = _PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], text)
    # Entities are decoded inside code spans too: they come from HTML-escaped exports, not authors.
    return html.unescape(text) if "&" in text else text


def _drop_between(text: str, start: str, end: str) -> str:
    """Text without every `start ... end` span (an unclosed `start` is left as it is); linear."""
    out, pos = [], 0
    while True:
        i = text.find(start, pos)
        j = text.find(end, i + len(start)) if i >= 0 else -1
        if j < 0:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:i])
        pos = j + len(end)


def _drop_scripts(text: str) -> str:
    """Text without `<script>...</script>` and `<style>...</style>` blocks; linear."""
    lower = text.lower()
    if "<script" not in lower and "<style" not in lower:
        return text
    out, pos, unclosed = [], 0, set()
    for m in _HTML_SCRIPT_OPEN.finditer(text):
        name = m.group(1).lower()
        if m.start() < pos or name in unclosed:
            continue
        close = lower.find(f"</{name}", m.end())
        if close < 0:
            unclosed.add(name)  # no later one is closed either
            continue
        end = lower.find(">", close)
        if end < 0:
            break
        out.append(text[pos : m.start()])
        pos = end + 1
    out.append(text[pos:])
    return "".join(out)


def _link_text(target: str) -> str:
    """`text <target>` inside a role reads as its text; a bare target as itself."""
    match = re.match(r"^(.*?)\s*<[^<>]+>$", target, re.S)
    return match.group(1) if match and match.group(1) else target


def _html_tags(text: str) -> str:
    """Strip the HTML tags descriptions carry; only known tag names, so `List<T>` survives."""
    text = _HTML_BREAK.sub("\n", text)
    text = _HTML_ITEM.sub("\n- ", text)
    text = _HTML_PARAGRAPH.sub("\n\n", text)
    return _HTML_TAG.sub("", text)
