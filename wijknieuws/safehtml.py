"""The safe list for HTML in articles, and the sanitiser that enforces it.

nh3 (ammonia, built on the html5ever parser that browsers' behaviour is specified by) does the
cleaning. Before it, the standard library's parser reads the same HTML once to name every tag,
attribute and link that will go, so that an editor gets a warning at the line instead of
silently losing text, and to refuse HTML nested so deeply that cleaning it would take
quadratic time (html5ever checks the stack of open elements at every block element).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

# The safe list (README: "Veilige HTML in artikelen"). Markdown itself only makes tags from it.
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
    "td": {"colspan", "rowspan", "align"},  # align: what a Markdown table's |:--| makes
    "th": {"colspan", "rowspan", "scope", "align"},
    "ol": {"start", "reversed"},
    "details": {"open"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "time": {"datetime"},
}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "cite"}
# Removed together with what they hold: the text inside a script or an iframe is no text for readers.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "applet", "noembed", "noframes",
                        "noscript", "template", "textarea", "title", "xmp", "svg", "math", "select"}
# Elements open inside each other, in a body of more than LARGE tags (fewer clean in a blink,
# however deep). Real articles stay far below 20.
MAX_DEPTH = 100
LARGE = 10_000

_SCHEME_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_BLANK_RE = re.compile(r"[\x00-\x20\x7f\s]+")


def url_scheme(value: str) -> str | None:
    """The scheme of an (entity-decoded) URL, lower-case; None for a relative URL. Browsers drop
    tabs and newlines anywhere in a URL and controls and spaces around it ('java<TAB>script:' is
    javascript); to be safe from every reader's quirks, this drops all of them everywhere."""
    match = _SCHEME_RE.match(_BLANK_RE.sub("", value))
    return match[1].lower() if match else None


def safe_url(value: str) -> bool:
    scheme = url_scheme(value)
    return scheme is None or scheme in SAFE_SCHEMES


def _keep_url(element: str, attribute: str, value: str) -> str | None:
    # nh3 checks the scheme of href and src, not of cite: one rule for all three, here.
    return None if attribute in URL_ATTRIBUTES and not safe_url(value) else value


def clean(raw: str) -> str:
    return nh3.clean(raw, tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, url_schemes=SAFE_SCHEMES,
                     clean_content_tags=DROPPED_WITH_CONTENT, attribute_filter=_keep_url,
                     link_rel=None, strip_comments=True)


@dataclass(frozen=True)
class Removal:
    needles: tuple[str, ...]  # what to look for in the Markdown source to find its line, best first
    message: str


class TooDeep(Exception):
    def __init__(self, tag: str):
        super().__init__(tag)
        self.tag = tag


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:39] + "…"


# How html5ever closes elements that the HTML leaves open, near enough to count nesting as it
# does (HTML Living Standard, "tree construction"): a start tag of these closes the nearest open
# element named in the first set, unless it meets one of the second set first.
_SPECIAL = {
    "address", "applet", "article", "aside", "blockquote", "body", "button", "caption", "center", "colgroup",
    "dd", "details", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "html", "iframe", "li", "listing", "main",
    "marquee", "menu", "nav", "noembed", "noframes", "noscript", "object", "ol", "p", "pre", "section",
    "select", "summary", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "tr",
    "ul", "xmp",
}
_BUTTON_SCOPE = {"applet", "button", "caption", "html", "marquee", "object", "table", "td", "template", "th"}
_CLOSES_P = {
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "dd",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "li", "listing", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table",
    "ul", "xmp",
}
_IMPLIED_END = {
    "li": ({"li"}, _SPECIAL - {"address", "div", "p"}),
    "dd": ({"dd", "dt"}, _SPECIAL - {"address", "div", "p"}),
    "dt": ({"dd", "dt"}, _SPECIAL - {"address", "div", "p"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "tr": ({"tr"}, {"table", "tbody", "thead", "tfoot"}),
    "tbody": ({"tbody", "thead", "tfoot"}, {"table"}),
    "thead": ({"tbody", "thead", "tfoot"}, {"table"}),
    "tfoot": ({"tbody", "thead", "tfoot"}, {"table"}),
    "option": ({"option"}, {"select"}),
}
_VOID = {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input",
         "keygen", "link", "meta", "param", "source", "track", "wbr"}


class Inspector(HTMLParser):
    """Lists what clean() will remove from this HTML, in document order; raises TooDeep."""

    # Elements whose content html5ever reads as text, not as tags (html.parser knows only two).
    CDATA_CONTENT_ELEMENTS = ("script", "style", "iframe", "noembed", "noframes", "noscript", "textarea",
                              "title", "xmp")

    def __init__(self, max_depth: int | None):
        super().__init__(convert_charrefs=True)
        self.removals: list[Removal] = []
        self._open: list[str] = []
        self._max_depth = max_depth

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        self._push(tag)

    def handle_startendtag(self, tag, attrs):
        # '<div/>' opens a div all the same in HTML; only SVG and MathML know self-closing tags.
        self._check(tag, attrs)
        if not {"svg", "math"} & set(self._open):
            self._push(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_comment(self, data):
        # Notes for editors go silently; markup inside a comment is what Word's conditional
        # comments ('<!--[if gte mso 9]>') and old browser tricks hide.
        if "<" in data:
            self._removed(("<!--",), f"an HTML comment with markup in it: '<!--{_short(data)}-->'")

    def unknown_decl(self, data):
        self._removed((f"<![{data[:5]}",), f"'<![{_short(data)}]>', which is not HTML")

    def _removed(self, needles: tuple[str, ...], what: str) -> None:
        self.removals.append(Removal(needles, f"removed {what}"))

    def _close_nearest(self, names: set[str], stop: set[str]) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i] in names:
                del self._open[i:]
                return
            if self._open[i] in stop:
                return

    def _push(self, tag: str) -> None:
        if tag in _VOID:
            return
        if tag in _CLOSES_P:
            self._close_nearest({"p"}, _BUTTON_SCOPE)
        if tag in _IMPLIED_END:
            self._close_nearest(*_IMPLIED_END[tag])
        self._open.append(tag)
        if self._max_depth is not None and len(self._open) > self._max_depth:
            raise TooDeep(tag)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_TAGS:
            content = " and its content" if tag in DROPPED_WITH_CONTENT else ""
            self._removed((f"<{tag}",), f"<{tag}>{content}: not on the safe list for HTML")
            return
        allowed = SAFE_ATTRIBUTES["*"] | SAFE_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            shown = name if value is None else f'{name}="{_short(value)}"'
            if name not in allowed:
                self._removed((f"{name}=", name), f"{shown} from <{tag}>: not on the safe list for HTML")
            elif name in URL_ATTRIBUTES and value and not safe_url(value):
                self._removed(self._written(name) + (value, f"{name}="), f"{shown} from <{tag}>: links may only "
                              f"use {', '.join(sorted(SAFE_SCHEMES))} or point inside the site")

    def _written(self, name: str) -> tuple[str, ...]:
        """The attribute's value as written, entities and all: what the Markdown source holds."""
        match = re.search(rf"""\s{re.escape(name)}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
                          self.get_starttag_text() or "", re.I)
        return tuple(filter(None, match.groups()))[:1] if match else ()


def is_large(raw: str) -> bool:
    return raw.count("<") > LARGE


def inspect(raw: str) -> list[Removal]:
    """What clean(raw) removes; raises TooDeep for a large body nested too deeply."""
    inspector = Inspector(MAX_DEPTH if is_large(raw) else None)
    inspector.feed(raw)
    inspector.close()
    return inspector.removals
