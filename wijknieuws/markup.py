"""Markdown bodies to safe HTML, with links to other articles and files made site-relative.

The HTML that comes out does not know where it will be shown (an article page, a feed, an
e-mail), so every internal link starts with ROOT, a marker that each output replaces by its
own way to the site's root: '../../' on a page, base_url in a feed.
"""
from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ROOT = "__wn_root__/"
# A link to another article's Markdown file; the model replaces it once slugs are known.
ARTICLE_LINK = ROOT + "__wn_md__/"

SAFE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr",
    "u", "ul", "var", "wbr",
}
SAFE_ATTRIBUTES = {
    "*": {"id", "class", "lang", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "time": {"datetime"},
}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


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
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or target.startswith(("#", "/")) or not parts.path:
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


class MarkdownRenderer:
    """One Python-Markdown instance, reset between documents (building one is slow)."""

    def __init__(self):
        self._md = markdown.Markdown(extensions=["extra", "sane_lists", _LocalLinksExtension()],
                                     output_format="html")

    def render(self, text: str, article_dir: str) -> Body:
        md = self._md
        md.reset()
        md.local_links.article_dir = article_dir
        md.local_links.references = []
        raw = md.convert(text)
        clean = nh3.clean(raw, tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, url_schemes=SAFE_SCHEMES,
                          link_rel=None, strip_comments=True)
        return Body(html=clean, summary=first_paragraph(clean), references=md.local_links.references)


_PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.S)
_TAG_RE = re.compile(r"<[^>]+>")


def plain_text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG_RE.sub(" ", fragment)).split())


def first_paragraph(body_html: str) -> str:
    match = _PARAGRAPH_RE.search(body_html)
    return plain_text(match.group(1)) if match else ""
