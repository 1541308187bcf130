"""The site's brand, from site.yml `theme:`: a logo, two colours, an NL Design System theme and
dark mode; checked here, with every problem at its line, and made into the files a build adds.

A configured colour is refused where the theme would show it without WCAG 2.1 AA contrast
(`USES`: every pair of colours the stylesheet puts together). The theme's CSS reads all its
colours from custom properties (templates/static/style.css, section 1); a brand sets them again
in static/thema.css, derived here from its primary and accent colour, for light and dark mode.
"""
from __future__ import annotations

import posixpath
import re
import struct
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path

from .contentfiles import Unreadable, read_whole, svg_problem
from .contrast import NON_TEXT, TEXT, hex_of, mix, parse_hex, ratio, shown
from .errors import Problems, closest, suggest
from .images import PictureProblem, svg_size, without_metadata
from .images import check as check_picture

STYLESHEET = "static/thema.css"   # the brand's colours, when it has its own
TOKENS = "static/tokens.css"      # the NL Design System theme, copied from the content folder
LOGO_HEIGHT = 40                  # px: the logo's size in the e-mail, and its shape in the header
LOGO_MAX_WIDTH = 240
_KEYS = ("logo", "colors", "tokens", "class", "dark")
_COLORS = ("primary", "accent")
_CLASS_RE = re.compile(r"-?[_a-zA-Z][_a-zA-Z0-9-]*")
_WHITE, _BLACK = (255, 255, 255), (0, 0, 0)


@dataclass(frozen=True)
class Palette:
    """The theme's colours, as the custom properties of style.css (field name with '-' for '_')."""

    page: str
    surface: str
    text: str
    muted: str
    heading: str
    brand: str
    on_brand: str
    brand_strong: str
    brand_ink: str
    link: str
    link_hover: str
    tint: str
    tint_strong: str
    border: str
    border_strong: str
    border_accent: str
    footer_text: str
    footer_muted: str
    focus: str
    on_focus: str
    focus_outline: str
    mark: str          # behind the words a search found

    def declarations(self) -> str:
        return "".join(f"  --{f.name.replace('_', '-')}: {getattr(self, f.name)};\n" for f in fields(self))


# The default theme's colours: style.css section 1 has the same (tests/test_brand.py compares).
DEFAULT = Palette(
    page="#fff", surface="#fff", text="#1b2631", muted="#4b5865", heading="#0b2f47", brand="#0b4f7c",
    on_brand="#fff", brand_strong="#0b2f47", brand_ink="#0b4f7c", link="#0a5587", link_hover="#06385a",
    tint="#eef4f9", tint_strong="#e3edf6", border="#c9d7e3", border_strong="#6a7782", border_accent="#9fbdd6",
    footer_text="#fff", footer_muted="#e1e9ef", focus="#ffd84d", on_focus="#000", focus_outline="#000",
    mark="#fff1a8")
DEFAULT_DARK = Palette(
    page="#101a24", surface="#16232f", text="#e6edf3", muted="#aab8c5", heading="#dbe8f4", brand="#0b4f7c",
    on_brand="#fff", brand_strong="#0b2f47", brand_ink="#8cc8f5", link="#8cc8f5", link_hover="#c5e3ff",
    tint="#1b2a37", tint_strong="#22364a", border="#33475a", border_strong="#8193a3", border_accent="#4d6f8c",
    footer_text="#fff", footer_muted="#e1e9ef", focus="#ffd84d", on_focus="#000", focus_outline="#fff",
    mark="#3d3300")


@dataclass(frozen=True)
class Use:
    """Two colours the stylesheet puts together, and which configured colour decides them."""

    fg: str          # a Palette field; "ring" is the focus indicator: its fill or its outline
    bg: str
    minimum: float
    owner: str       # "primary", "accent", or "" for the theme's own neutral colours
    what: str        # how a reader meets it, for the message


USES = (
    # First the use that most often fails: an editor sees one message per colour.
    Use("on_brand", "brand", TEXT, "primary", "white text on it"),
    Use("link", "page", TEXT, "primary", "links in it on the page"),
    Use("link", "tint", TEXT, "primary", "links in it on the side panels"),
    Use("link", "tint_strong", TEXT, "primary", "links in it on the wijk labels"),
    Use("brand_ink", "surface", TEXT, "primary", "the menu button in it"),
    Use("link_hover", "page", TEXT, "primary", "links under the pointer"),
    Use("heading", "page", TEXT, "primary", "headings"),
    Use("on_brand", "brand_strong", TEXT, "primary", "white text on the footer and buttons under the pointer"),
    Use("footer_muted", "brand_strong", TEXT, "primary", "the footer's small print"),
    Use("on_focus", "focus", TEXT, "accent", "black text on it (a link with keyboard focus, the skip link)"),
    Use("ring", "page", NON_TEXT, "accent", "the focus ring on the page"),
    Use("ring", "brand", NON_TEXT, "accent", "the focus ring on the menu bar"),
    Use("ring", "brand_strong", NON_TEXT, "accent", "the focus ring in the footer"),
    Use("text", "page", TEXT, "", "body text"),
    Use("text", "surface", TEXT, "", "text on cards"),
    Use("text", "tint", TEXT, "", "text on the side panels"),
    Use("muted", "page", TEXT, "", "secondary text"),
    Use("muted", "surface", TEXT, "", "secondary text on cards"),
    Use("muted", "tint", TEXT, "", "secondary text on the side panels"),
    Use("muted", "tint_strong", TEXT, "", "counts on the wijk labels"),
    Use("heading", "tint", TEXT, "", "headings on the side panels"),
    Use("border_strong", "surface", NON_TEXT, "", "the border of a search field"),
    Use("text", "mark", TEXT, "", "a word the search found, in a result's title or excerpt"),
    Use("muted", "mark", TEXT, "", "a word the search found, in a result's small print"),
)


def contrast_of(palette: Palette, use: Use) -> float:
    bg = parse_hex(getattr(palette, use.bg))
    if use.fg == "ring":  # the NL Design System focus: a fill with an outline around it
        return max(ratio(parse_hex(palette.focus), bg), ratio(parse_hex(palette.focus_outline), bg))
    return ratio(parse_hex(getattr(palette, use.fg)), bg)


@lru_cache(maxsize=64)
def light_colors(primary: str | None, accent: str | None) -> Palette:
    """The default colours with the brand's in their place: the primary colour as it is for the
    menu bar, buttons and links, a dark shade of it for headings and the footer, and faint tints
    of it for panels and borders."""
    palette = DEFAULT
    if primary:
        p = parse_hex(primary)
        strong = hex_of(mix(p, _BLACK, 0.45))
        palette = replace(palette, brand=primary, brand_ink=primary, link=primary,
                          link_hover=hex_of(mix(p, _BLACK, 0.3)), brand_strong=strong, heading=strong,
                          tint=hex_of(mix(_WHITE, p, 0.07)), tint_strong=hex_of(mix(_WHITE, p, 0.12)),
                          border=hex_of(mix(_WHITE, p, 0.25)), border_accent=hex_of(mix(_WHITE, p, 0.45)))
    return replace(palette, focus=accent) if accent else palette


@lru_cache(maxsize=64)
def dark_colors(primary: str | None, accent: str | None) -> Palette:
    """The dark default with the brand's colours in their place. On a dark page the primary colour
    stays for the menu bar and buttons (white text on it), and links take the first lighter mix of
    it that reads on every dark background they stand on."""
    palette = DEFAULT_DARK
    if primary:
        p = parse_hex(primary)
        backgrounds = [parse_hex(getattr(DEFAULT_DARK, name)) for name in ("page", "surface", "tint", "tint_strong")]
        step = next(step for step in range(21)
                    if min(ratio(mix(p, _WHITE, step / 20), bg) for bg in backgrounds) >= TEXT)
        link = mix(p, _WHITE, step / 20)
        palette = replace(palette, brand=primary, brand_strong=hex_of(mix(p, _BLACK, 0.45)), link=hex_of(link),
                          brand_ink=hex_of(link), link_hover=hex_of(mix(link, _WHITE, 0.4)))
    return replace(palette, focus=accent) if accent else palette


@dataclass(frozen=True)
class Logo:
    source: str   # its path in the content folder
    kind: str     # "svg" or "png"
    width: int    # px, at LOGO_HEIGHT high (or less, for a wide one)
    height: int

    @property
    def url(self) -> str:
        """Where the site has it: beside the theme's own files, whatever its name in the content."""
        return f"static/logo.{self.kind}"


@dataclass(frozen=True)
class Theme:
    logo: Logo | None = None
    primary: str | None = None    # '#rrggbb'
    accent: str | None = None
    tokens: str | None = None     # a CSS file in the content folder
    css_class: str = ""           # the class its tokens hang on, given to <html>
    dark: bool = True

    @property
    def palette(self) -> Palette:
        return light_colors(self.primary, self.accent)

    @property
    def dark_palette(self) -> Palette | None:
        return dark_colors(self.primary, self.accent) if self.dark else None

    @property
    def stylesheet(self) -> str:
        """static/thema.css when the site's colours are not the default theme's, else ''."""
        return STYLESHEET if self.primary or self.accent or not self.dark else ""

    @property
    def tokens_url(self) -> str:
        return TOKENS if self.tokens else ""


def stylesheet(theme: Theme) -> str:
    """static/thema.css: every colour again, after style.css, so that the brand's win; its dark
    colours, or, without dark mode, the light ones whatever the reader's system asks for."""
    text = "/* The colours of this site's brand, made by wijknieuws from site.yml `theme:`. */\n"
    text += ":root {\n" + ("" if theme.dark else "  color-scheme: light;\n") + theme.palette.declarations() + "}\n"
    if theme.dark_palette is not None:
        text += ("\n@media (prefers-color-scheme: dark) {\n  :root {\n"
                 + theme.dark_palette.declarations().replace("  --", "    --") + "  }\n}\n")
    return text


def site_files(theme: Theme, content: Path) -> list[tuple[str, bytes]]:
    """The files the brand adds to the site (read again: the site gets what is there now)."""
    files = []
    if theme.stylesheet:
        files.append((theme.stylesheet, stylesheet(theme).encode("utf-8")))
    if theme.tokens:
        files.append((TOKENS, (content / theme.tokens).read_bytes()))
    if theme.logo:
        data = (content / theme.logo.source).read_bytes()
        files.append((theme.logo.url, without_metadata(data) if theme.logo.kind == "png" else data))
    return files


# --- reading site.yml `theme:` ---------------------------------------------------------------

class _Reader:
    """Reads one `theme:` mapping, reporting each problem at its line of site.yml (or of the file
    it names)."""

    def __init__(self, path: Path, content: Path, problems: Problems):
        self.path, self.content, self.problems = path, content, problems

    def error(self, line: int, message: str) -> None:
        self.problems.error(self.path, line, message)

    def file(self, key: str, value, line: int, suffixes: tuple[str, ...], kind: str,
             example: str) -> tuple[str, bytes] | None:
        """The named file in the content folder, as (path, bytes), or None after saying why not."""
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            self.error(line, f"{key} needs a path in the content folder, e.g. {example}")
            return None
        rel = posixpath.normpath(text.replace("\\", "/"))
        full = self.content / rel
        if rel.startswith(("../", "/")) or rel == ".." or not full.resolve().is_relative_to(self.content.resolve()):
            self.error(line, f"{key} '{text}' is outside the content folder")
            return None
        if posixpath.splitext(rel)[1].lower() not in suffixes:
            self.error(line, f"{key} must be {kind} such as {example}, not '{text}'")
            return None
        if not full.is_file():
            siblings = [f"{posixpath.dirname(rel)}/{p.name}".lstrip("/") for p in full.parent.glob("*")
                        if p.suffix.lower() in suffixes] if full.parent.is_dir() else []
            self.error(line, f"{key} '{text}' does not exist{suggest(rel, siblings)}")
            return None
        try:
            return rel, read_whole(full)
        except Unreadable as exc:
            self.problems.error(full, 1, str(exc))
            return None

    def logo(self, value, line: int) -> Logo | None:
        found = self.file("logo", value, line, (".svg", ".png"), "an SVG or PNG picture", "images/logo.svg")
        if found is None:
            return None
        rel, data = found
        kind = posixpath.splitext(rel)[1].lower()[1:]
        if kind == "svg":
            problem = svg_problem(data)
            if problem:
                self.problems.error(self.content / rel, *problem)
                return None
            size = svg_size(data)
            if size is None:
                self.error(line, f"logo '{rel}' has no viewBox, nor a width and height, so its shape is unknown: "
                                 "give its <svg> a viewBox, e.g. viewBox=\"0 0 200 60\"")
                return None
        else:
            size = _png_size(data)
            if size is None:
                self.error(line, f"logo '{rel}' is not a PNG picture (the file says otherwise); "
                                 "save it as PNG or SVG")
                return None
            try:  # decoded whole now, so that a cut-off file is this error, not the build's failure later
                check_picture(data, "raster")
            except PictureProblem as exc:
                self.error(line, f"logo '{rel}' {exc}")
                return None
        width, height = size
        shown_width = min(LOGO_MAX_WIDTH, max(1, round(LOGO_HEIGHT * width / height)))
        return Logo(rel, kind, shown_width, max(1, round(shown_width * height / width)))

    def colors(self, value, line: int) -> dict[str, str]:
        """{'primary': '#rrggbb', ...} for the colours given well."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(line, "colors must be a mapping (primary:, accent:)")
            return {}
        found = {}
        for key in value:
            if key not in _COLORS:
                self.error(value.line_of(key) + 1, f"unknown colour '{key}'{suggest(key, _COLORS)}; "
                                                   "a theme has a primary and an accent colour")
        for key in _COLORS:
            if key not in value:
                continue
            at, given = value.line_of(key) + 1, value[key]
            rgb = parse_hex(given) if isinstance(given, str) else None
            if given is None:
                written = _comment_after(self.path, at)
                self.error(at, f"{key} is empty: in YAML '#' starts a comment, so a colour needs quotes: "
                               f"{key}: \"{written or '#8b0000'}\"")
            elif rgb is None:
                self.error(at, f"{key} '{given}' is not a colour the build can check: "
                               "write it as \"#rrggbb\", e.g. \"#8b0000\"")
            else:
                found[key] = hex_of(rgb)
        return found

    def tokens(self, value, line: int, css_class, class_line: int) -> tuple[str | None, str]:
        found = self.file("tokens", value, line, (".css",), "a CSS file", "thema/utrecht.css")
        if found is None:
            return None, ""
        rel, data = found
        full = self.content / rel
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problems.error(full, 1, f"not UTF-8 (byte {exc.start})")
            return None, ""
        text = _without_comments(text)
        imported = re.search(r"@import\s+(?:url\()?\s*['\"]?([^'\"\s);]*)", text, re.I)
        if imported:
            self.problems.error(full, text.count("\n", 0, imported.start()) + 1,
                                f"@import of '{imported.group(1)}': the site gets this one file only; "
                                "name the file with the tokens themselves in 'tokens:'")
            return None, ""
        selectors = _selectors(text)
        classes = sorted({name for selector in selectors if not selector.lstrip().startswith("@")
                          for name in re.findall(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)", selector)})
        if css_class is None:
            if any(":root" in selector for selector in selectors):
                return rel, ""  # tokens on :root apply without a class
            hint = next((c for c in classes if c.endswith("-theme")), classes[0] if classes else "")
            self.error(line, f"the tokens in '{rel}' hang on a class: add it under theme, "
                             f"e.g. class: {hint or 'utrecht-theme'}")
            return None, ""
        name = css_class.strip() if isinstance(css_class, str) else ""
        if not _CLASS_RE.fullmatch(name):
            self.error(class_line, f"class '{css_class}' is not a CSS class name (letters, digits, '-' and '_')")
            return None, ""
        if name not in classes:
            match = closest(name, classes)
            self.error(class_line, f"class '{name}' is not in '{rel}'"
                                   + (f" (did you mean '{match}'?)" if match else ""))
            return None, ""
        return rel, name


def load_theme(site: dict, path: Path, content: Path, problems: Problems) -> Theme:
    """site.yml's `theme:` (site: the whole file's mapping) as a Theme; problems at their lines."""
    data = site.get("theme")
    line = site.line_of("theme") + 1 if hasattr(site, "line_of") else 1
    if data is None:
        return Theme()
    if not isinstance(data, dict):
        problems.error(path, line, "theme must be a mapping (logo:, colors:, tokens:, class:, dark:)")
        return Theme()
    reader = _Reader(path, content, problems)
    for key in data:
        if key not in _KEYS:
            reader.error(data.line_of(key) + 1, f"unknown theme setting '{key}'{suggest(key, _KEYS)}")
    at = lambda key: data.line_of(key) + 1  # noqa: E731
    logo = reader.logo(data["logo"], at("logo")) if "logo" in data else None
    colors = reader.colors(data.get("colors"), at("colors"))
    tokens, css_class = None, ""
    if "tokens" in data:
        tokens, css_class = reader.tokens(data["tokens"], at("tokens"), data.get("class"), at("class"))
    elif "class" in data:
        reader.error(at("class"), "class goes with tokens: the CSS file whose tokens hang on that class")
    dark = "tokens" not in data  # an NL Design System theme is light: its tokens decide the colours
    if "dark" in data:
        if not isinstance(data["dark"], bool):
            reader.error(at("dark"), f"dark must be true or false, not '{data['dark']}'")
        elif data["dark"] and "tokens" in data:
            reader.error(at("dark"), "dark: true does not go with tokens: wijknieuws's dark colours would mix "
                                     "with the theme's light ones; leave 'dark' out")
        else:
            dark = data["dark"]
    theme = Theme(logo, colors.get("primary"), colors.get("accent"), tokens, css_class, dark)
    # The light colours only: the dark ones are made to pass wherever the light ones do (a property
    # test holds it for every pair of colours).
    reported = set()
    for use in USES:
        if use.owner not in colors or use.owner in reported:
            continue
        value = contrast_of(theme.palette, use)
        if value < use.minimum:
            reported.add(use.owner)  # one message per colour: the first, most telling use
            reader.error(data["colors"].line_of(use.owner) + 1,
                         f"{use.owner} '{data['colors'][use.owner]}': {use.what} has contrast {shown(value)}, "
                         f"WCAG AA needs {use.minimum:g}:1")
    return theme


# --- reading the files it names ----------------------------------------------------------------

def _comment_after(path: Path, line: int) -> str:
    """The '#...' colour YAML took for a comment on that line of the file, if any."""
    try:
        text = path.read_text(encoding="utf-8-sig").splitlines()[line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return ""
    found = re.search(r":\s*(#[0-9a-fA-F]{3,6})\b", text)
    return found.group(1) if found else ""


def _without_comments(css: str) -> str:
    """CSS without its comments, each kept as its line breaks so that lines stay where they were."""
    return re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), css, flags=re.S)


def _selectors(css: str) -> list[str]:
    """The text before each '{': selectors and at-rules. In one pass: a package's tokens file is
    100 kB of declarations, where a regular expression that looks back from each '{' takes minutes."""
    found, start = [], 0
    for brace in re.finditer(r"[{}]", css):
        if brace.group() == "{":
            found.append(css[start:brace.start()])
        start = brace.end()
    return found


def _png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG file's header, or None when it is no PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return (width, height) if width and height else None
