"""Answers for people rather than programs: the one rule for accumulating a streamed answer, terminal
rendering of the answer's light Markdown, and the plain text of an answer with its numbered sources.

    Delta, Delta, ... -> accumulate() -> the text shown so far        (the app and `talks ask/chat`)
    answer text       -> terminal()   -> bold/dim on a TTY, bare text otherwise (no ** or _ left)
    Answer            -> plain_text() -> text + "Sources: [n] title — people — time"   (Copy, CLI)
"""

from __future__ import annotations

import re
from itertools import pairwise

from corpus.item import Item

BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC_LINE = re.compile(r"^_(.+)_$")  # a whole line in _..._ (the answerer's label)
ITALIC = re.compile(r"(?<![\w*])_(?!\s)(.+?)(?<!\s)_(?![\w])")
STYLE = {"bold": ("\033[1m", "\033[22m"), "dim": ("\033[2m", "\033[22m")}


def accumulate(shown: str, delta) -> str:
    """The answer text after one streamed piece: a piece marked `replace` stands for everything so far,
    any other piece is appended."""
    return delta.text if delta.replace else shown + delta.text


def _style(text: str, kind: str, color: bool) -> str:
    if not color:
        return text
    on, off = STYLE[kind]
    return f"{on}{text}{off}"


def terminal_line(line: str, color: bool = False) -> str:
    """One line of an answer for a terminal: **bold** and _label_ lose their marks (and are styled when
    `color`), '- ' bullets become '• ', '> ' quotes become '│ '."""
    m = ITALIC_LINE.match(line.strip())
    if m:
        return _style(m.group(1), "dim", color)
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped.startswith("- "):
        stripped = "• " + stripped[2:]
    elif stripped.startswith("> "):
        stripped = "│ " + stripped[2:]
    stripped = BOLD.sub(lambda m: _style(m.group(1), "bold", color), stripped)
    stripped = ITALIC.sub(lambda m: m.group(1), stripped)
    return indent + stripped


def terminal(text: str, color: bool = False) -> str:
    return "\n".join(terminal_line(line, color) for line in text.split("\n"))


class TerminalStream:
    """Writes a streamed answer to a terminal a whole line at a time (so each line can be rendered);
    when a replacing piece changes what was already written, the new text is written out again below."""

    def __init__(self, write, render=None):
        self.write = write
        self.render = render or (lambda line: line)
        self.shown = ""  # the text so far
        self.written = ""  # the part of it already written (whole lines)

    def feed(self, delta) -> None:
        self.shown = accumulate(self.shown, delta)
        if not self.shown.startswith(self.written):
            self.write("\n")
            self.written = ""
        done = self.shown.rfind("\n") + 1
        if done > len(self.written):
            for line in self.shown[len(self.written) : done].split("\n")[:-1]:
                self.write(self.render(line) + "\n")
            self.written = self.shown[:done]

    def close(self) -> None:
        rest = self.shown[len(self.written) :]
        if rest:
            self.write(self.render(rest) + "\n")
            self.written = self.shown


def source_line(n: int, item: Item, when: str = "") -> str:
    """'[1] Title — Name (Org), Name — Wed 25 Jun, 10:55–11:15 AM'."""
    people = ", ".join(f"{p.name} ({p.org})" if p.org else p.name for p in item.people[:6])
    if len(item.people) > 6:
        people += f" and {len(item.people) - 6} more"
    return " — ".join(x for x in (f"[{n}] {item.title}", people, when) if x)


def plain_text(answer, when=None) -> str:
    """An answer as plain text followed by its numbered sources (title, people, time): what Copy gives."""
    from assistant.agenda import when as default_when

    when = when or default_when
    lines = [x for x in answer.text.split("\n") if not ITALIC_LINE.match(x.strip())]
    body = "\n".join(ITALIC.sub(r"\1", BOLD.sub(r"\1", x)) for x in lines).strip()
    cited = {c.n for c in answer.citations}
    lines = [source_line(n, h.item, when(h.item)) for n, h in enumerate(answer.hits, 1) if not cited or n in cited]
    if not lines:
        return body
    return body + "\n\nSources:\n" + "\n".join(lines)


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#-]*")
_WEAK = set(
    """a an the of to in on for and or with about at by from is are was were be been this that these those
it its we our you your they their how what which who when where why can will would should could into over under
across than then also more most such using use used new based via while each all any both other many much very
talk poster panel session sessions we'll we've it's need needs make makes made help helps get gets
give gives like just well way ways lot lots able enable enables let lets one two three first""".split()
)


def _bigrams(text: str) -> dict[tuple[str, str], str]:
    words = _WORD.findall(text)
    out = {}
    for a, b in pairwise(words):
        la, lb = a.lower(), b.lower()
        if la in _WEAK or lb in _WEAK or len(la) < 3 or len(lb) < 3:
            continue
        out.setdefault((la.rstrip("s"), lb.rstrip("s")), f"{a} {b}")
    return out


def shared_phrases(a: Item, b: Item, limit: int = 3) -> list[str]:
    """Two-word phrases both items use (in title or abstract), as `a` writes them: "training data"."""
    pa = _bigrams(f"{a.abstract}. {a.title}")  # the abstract's spelling first: "training data", not "Training data"
    pb = _bigrams(f"{b.abstract}. {b.title}")
    shared = [pa[k] for k in pa if k in pb]
    return shared[:limit]


def why_related(a: Item, b: Item, reason: str) -> str:
    """A reason to read as phrases: two-word phrases both items use, when there are any; otherwise only the
    search's shared words that are names or acronyms ("RAG", not "enhanced"); then the rest of the search's
    reason (same people, same org, same slot); "close in meaning" when nothing else is left."""
    phrases = shared_phrases(a, b)
    parts = [p.strip() for p in reason.split(";") if p.strip()]
    out = ["both mention " + ", ".join(f"“{p}”" for p in phrases)] if phrases else []
    for part in parts:
        if part.startswith("shared topics:"):
            words = [w.strip() for w in part.split(":", 1)[1].split(",")]
            named = [w for w in words if len(w) > 1 and (w.isupper() or w[:1].isupper())]
            if named and not phrases:
                out.append("both about " + ", ".join(named))
        elif part.startswith("similar abstract"):
            continue
        else:
            out.append(part)
    return "; ".join(out) or "close in meaning (similar abstracts)"
