"""Markdown bodies to safe HTML, with links to other articles and files made site-relative.

The HTML that comes out does not know where it will be shown (an article page, a feed, an
e-mail), so every internal link starts with ROOT, a marker that each output replaces by its
own way to the site's root: '../../' on a page, base_url in a feed.
"""
from __future__ import annotations

import html
import posixpath
import re
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import safehtml

ROOT = "__wn_root__/"
# A link to another article's Markdown file; the model replaces it once slugs are known.
ARTICLE_LINK = ROOT + "__wn_md__/"

# Markdown may take quadratic time on hostile text (thousands of unclosed '[' or '<a ', quotes
# nested by the thousand): one article gets this much CPU time, then it is an error.
FORMAT_SECONDS = 10.0


class MarkupProblem(Exception):
    """A body that cannot be made into HTML; line is 0-based within the body."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


@dataclass
class Reference:
    """A link or image in a body that points at a file in the content folder."""

    target: str      # as written by the editor
    path: str        # resolved, relative to the content folder ('' when it points outside)
    is_article: bool


@dataclass
class Body:
    html: str
    summary: str
    references: list[Reference] = field(default_factory=list)
    removed: list[tuple[int, str]] = field(default_factory=list)  # (0-based line in the body, warning)


class _LocalLinks(Treeprocessor):
    """Rewrites relative links and images; demotes '# heading' because a page has one h1."""

    def __init__(self, md):
        super().__init__(md)
        self.article_dir = ""
        self.references: list[Reference] = []

    def run(self, root):
        for element in root.iter():
            if element.tag == "h1":
                element.tag = "h2"
            attr = {"a": "href", "img": "src"}.get(element.tag)
            if attr and element.get(attr):
                element.set(attr, self._rewrite(element.get(attr), element.tag == "a"))

    def _rewrite(self, target: str, is_link: bool) -> str:
        # Markdown keeps entities in attributes ('&#106;avascript:'); read the URL as a browser would.
        parts = urlsplit(html.unescape(target))
        if parts.scheme or parts.netloc or parts.path.startswith("/") or not parts.path:
            return target
        path = posixpath.normpath(posixpath.join(self.article_dir, unquote(parts.path)))
        inside = not (path == ".." or path.startswith("../"))
        is_article = is_link and path.endswith(".md")
        self.references.append(Reference(target, path if inside else "", is_article))
        if not inside:
            return target
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return (ARTICLE_LINK if is_article else ROOT) + path + fragment


class _LocalLinksExtension(Extension):
    def extendMarkdown(self, md):
        md.local_links = _LocalLinks(md)
        md.treeprocessors.register(md.local_links, "wn_local_links", 1)


# What each inline pattern cannot match without: a body with none of these characters skips the
# pattern altogether. Python-Markdown tries all of them on every piece of text (some 350 tries per
# article, a fifth of formatting time), though most bodies have no '`', '<', '&' or '\\' at all.
# A pattern not named here (a newer Python-Markdown's) is always tried.
_TRIGGERS = {
    "BacktickInlineProcessor": ("`",), "EscapeInlineProcessor": ("\\",), "FootnoteInlineProcessor": ("[^",),
    "ReferenceInlineProcessor": ("[",), "LinkInlineProcessor": ("[",), "ShortReferenceInlineProcessor": ("[",),
    "ImageInlineProcessor": ("![",), "ImageReferenceInlineProcessor": ("![",),
    "ShortImageReferenceInlineProcessor": ("![",), "AutolinkInlineProcessor": ("<",),
    "AutomailInlineProcessor": ("<",), "HtmlInlineProcessor": ("<", "&"), "DelimiterProcessor": ("*", "_"),
}

# The same for block processors (tried on every block; a Registry even sorts itself each time).
_BLOCK_TRIGGERS = {
    "TableProcessor": ("|",), "HashHeaderProcessor": ("#",), "SetextHeaderProcessor": ("=", "-"),
    "HRProcessor": ("*", "-", "_"), "SaneUListProcessor": ("*", "+", "-"), "UListProcessor": ("*", "+", "-"),
    "DefListProcessor": (":",), "BlockQuoteProcessor": (">",), "FootnoteBlockProcessor": ("[^",),
    "AbbrBlockprocessor": ("*[",), "ReferenceProcessor": ("[",),
}


def _needed(known: list, text: str) -> list:
    return [step for step, needs in known if needs is None or any(c in text for c in needs)]


class MarkdownRenderer:
    """One Python-Markdown instance, reset between documents (building one is slow)."""

    def __init__(self):
        self._md = self._new()

    @staticmethod
    def _new() -> markdown.Markdown:
        md = markdown.Markdown(extensions=["extra", "sane_lists", _LocalLinksExtension()],
                               extension_configs={"extra": {"tables": {"use_align_attribute": True}}},
                               output_format="html")
        # The inline step looks its patterns up by index some 300 times per article, and the
        # registry sorts itself on every lookup: the same patterns, in their order, as a list
        # (4 % of formatting time). They are all registered by now, none is added later.
        inline = md.treeprocessors["inline"]
        inline.inlinePatterns = list(inline.inlinePatterns)
        md.all_inline = [(pattern, _TRIGGERS.get(type(pattern).__name__)) for pattern in inline.inlinePatterns]
        md.all_blocks = [(step, _BLOCK_TRIGGERS.get(type(step).__name__)) for step in md.parser.blockprocessors]
        return md

    def convert(self, text: str) -> str:
        """Python-Markdown's HTML of text, trying only the block processors and inline patterns
        that can match in it (in their order)."""
        md = self._md
        md.reset()
        md.treeprocessors["inline"].inlinePatterns = _needed(md.all_inline, text)
        md.parser.blockprocessors = _needed(md.all_blocks, text)
        return md.convert(text)

    def render(self, text: str, article_dir: str) -> Body:
        """The body as safe HTML; raises MarkupProblem for text too deep or too costly to format."""
        md = self._md
        md.local_links.article_dir = article_dir
        md.local_links.references = []
        lines = _Lines(text)
        try:
            with _cpu_limit(FORMAT_SECONDS):
                raw = self.convert(text)
                # A large body is inspected before cleaning, for the depth that makes cleaning slow.
                removals = safehtml.inspect(raw) if safehtml.is_large(raw) else None
        except safehtml.TooDeep as exc:
            raise MarkupProblem(lines.find((f"<{exc.tag}",), lines.deepest()),
                                f"HTML nested more than {safehtml.MAX_DEPTH} levels deep; "
                                "simplify the lists, quotes or HTML here") from None
        except (RecursionError, _OutOfTime) as exc:
            self._md = self._new()  # an interrupted conversion leaves its instance in an unknown state
            what = "is nested too deeply" if isinstance(exc, RecursionError) else \
                f"takes more than {FORMAT_SECONDS:g} s to format"
            raise MarkupProblem(lines.deepest(), f"the text {what}: look for lists or quotes inside each "
                                "other by the hundred, or thousands of '[' or '<' without their closing "
                                "']' or '>'") from None
        clean = safehtml.clean(raw)
        if removals is None:  # Markdown's own HTML comes out of clean() as it went in: most bodies do
            removals = safehtml.inspect(raw) if clean != raw else []
        removed = [(lines.find(r.needles), r.message) for r in removals]
        return Body(html=clean, summary=first_paragraph(clean), references=md.local_links.references,
                    removed=removed)


class _OutOfTime(BaseException):
    """BaseException: Python-Markdown's own 'except Exception' must not swallow it."""


@contextmanager
def _cpu_limit(seconds: float):
    """Interrupts the block after that much CPU time of this process. Signals reach only the main
    thread; elsewhere (a server's worker thread) the block runs without a limit."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise _OutOfTime()

    previous = signal.signal(signal.SIGVTALRM, expired)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


class _Lines:
    """Finds where in the Markdown source something in the HTML came from: the n-th time a needle
    is looked for, its n-th occurrence (any letter case)."""

    _STRUCTURE = re.compile(r"[ \t>*+\-]*")

    def __init__(self, text: str):
        self.lines = text.lower().split("\n")
        self._found: dict[str, list[int]] = {}
        self._used: dict[str, int] = {}

    def find(self, needles, default: int = 0) -> int:
        for needle in needles:
            needle = needle.lower()
            if needle not in self._found:
                self._found[needle] = [i for i, line in enumerate(self.lines) for _ in range(line.count(needle))]
            found = self._found[needle]
            if found:
                used = self._used.get(needle, 0)
                self._used[needle] = used + 1
                return found[min(used, len(found) - 1)]
        return default

    def deepest(self) -> int:
        """The line that starts with the most list, quote and indentation marks, or that has the
        most '[' and '<': where text too deep or too costly to format most likely is."""
        def weight(i: int) -> int:
            line = self.lines[i]
            return len(self._STRUCTURE.match(line)[0]) + line.count("[") + line.count("<")

        return max(range(len(self.lines)), key=weight)


_PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.S)
_TAG_RE = re.compile(r"<[^>]+>")


def plain_text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG_RE.sub(" ", fragment)).split())


def first_paragraph(body_html: str) -> str:
    match = _PARAGRAPH_RE.search(body_html)
    return plain_text(match.group(1)) if match else ""
