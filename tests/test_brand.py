"""The brand from site.yml `theme:` (SPEC section 7, issue 13): logo, colours refused without WCAG
AA contrast where the theme uses them, NL Design System tokens, dark mode, the newsletter's brand.
What only a browser shows (computed styles, axe, screenshots) is in test_browser_theme.py."""
from __future__ import annotations

import os
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from conftest import SITE_YML, page, tree_bytes, write_content
from wijknieuws.brand import DEFAULT, DEFAULT_DARK, USES, contrast_of
from wijknieuws.contrast import hex_of, parse_hex
from wijknieuws.errors import Problems
from wijknieuws.registry import load_registries

REPO = Path(__file__).resolve().parent.parent
STYLE = REPO / "templates" / "static" / "style.css"
THEME_LINE = SITE_YML.count("\n") + 1   # `theme:` is appended after the fixture's site.yml
LOGO = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40">
  <rect width="120" height="40" rx="4" fill="#8b0000"/>
  <path d="M8 30V18l8-7 8 7v12z" fill="#fff"/>
</svg>
"""
BRANDED = """theme:
  logo: images/logo.svg
  colors:
    primary: "#8b0000"
    accent: "#ffd54f"
"""
TOKENS = """/* tokens of a municipality, as its npm package has them */
.gemeente-theme {
  --utrecht-link-color: #7a1f5c;
  --utrecht-document-background-color: #fff;
}
"""


def png(width: int, height: int) -> bytes:
    """A real PNG file of that size (one grey pixel row repeated), made without any library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def branded(tmp_path: Path, theme: str = BRANDED, files: dict[str, bytes | str] | None = None) -> Path:
    content = write_content(tmp_path, site=SITE_YML + theme)
    for name, data in ({"images/logo.svg": LOGO} if files is None else files).items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return content


def css_properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*([^;]+);", block))


def style_blocks() -> tuple[str, str]:
    """style.css's :root block and its dark-mode :root block."""
    css = re.sub(r"/\*.*?\*/", "", STYLE.read_text(encoding="utf-8"), flags=re.S)
    light = re.search(r"^:root \{(.*?)^\}", css, re.S | re.M).group(1)
    dark = re.search(r"@media \(prefers-color-scheme: dark\) \{\s*:root \{(.*?)\}", css, re.S).group(1)
    return light, dark


# ---------------------------------------------------------------- the default theme's colours

@pytest.mark.parametrize("palette, block", [(DEFAULT, 0), (DEFAULT_DARK, 1)], ids=["light", "dark"])
def test_style_css_has_the_palette_brand_py_checks(palette, block):
    """brand.py derives, checks and writes the colours that style.css declares: one list."""
    declared = css_properties(style_blocks()[block])
    for name, value in vars(palette).items():
        assert parse_hex(declared[name.replace("_", "-")]) == parse_hex(value), name


def test_every_colour_of_the_stylesheet_is_a_custom_property():
    """A brand can only restyle what reads a custom property: no colour written into a rule."""
    css = re.sub(r"/\*.*?\*/", "", STYLE.read_text(encoding="utf-8"), flags=re.S)
    rules = [line.strip() for line in css.splitlines() if ":" in line and not line.strip().startswith("--")]
    literal = re.compile(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(|:\s*(white|black)\b")
    assert [line for line in rules if literal.search(line)] == []


@pytest.mark.parametrize("palette", [DEFAULT, DEFAULT_DARK], ids=["light", "dark"])
def test_the_default_palettes_pass_every_check(palette):
    assert [(use.fg, use.bg, round(contrast_of(palette, use), 2)) for use in USES
            if contrast_of(palette, use) < use.minimum] == []


hex_colours = st.tuples(*[st.integers(0, 255)] * 3).map(hex_of)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(primary=st.none() | hex_colours, accent=st.none() | hex_colours)
def test_a_brand_the_build_accepts_is_readable_everywhere(tmp_path, primary, accent):
    """Property: whatever colours an editor gives, if the build takes them then every pair of
    colours the theme shows, in light and dark mode, including the shades derived from them,
    has WCAG AA contrast; and the build refuses only by naming a colour that was given. (The build
    checks the light colours only: this is what makes the dark ones safe.)"""
    colors = "".join(f'    {name}: "{value}"\n' for name, value in (("primary", primary), ("accent", accent)) if value)
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    (content / "site.yml").write_text(SITE_YML + ("theme:\n  colors:\n" + colors if colors else ""), encoding="utf-8")
    problems = Problems()
    theme = load_registries(content, problems).site.theme
    given_names = {n for n, v in (("primary", primary), ("accent", accent)) if v}
    errors = [e.message for e in problems.errors if e.path.endswith("site.yml")]
    assert all(message.split(" ", 1)[0] in given_names for message in errors), errors
    if not errors:
        for palette in (theme.palette, theme.dark_palette):
            assert [use.what for use in USES if contrast_of(palette, use) < use.minimum] == []


# ---------------------------------------------------------------- building with a brand

def test_without_a_theme_the_site_has_no_brand_files(cli, content, tmp_path):
    assert cli("build").code == 0
    site = tmp_path / "site"
    # the theme's own logo is there as a file too: the browser's icon (issue 14), not a brand file
    assert sorted(p.name for p in (site / "static").iterdir()) == ["logo.svg", "search.js", "style.css"]
    home = page(site, "index.html")
    assert home.get("class") is None
    assert home.xpath("//head/link[@rel='stylesheet']/@href") == ["static/style.css"]
    assert home.xpath("//svg[@class='brand__logo']")


def test_logo_and_colours(cli, tmp_path):
    content = branded(tmp_path)
    assert cli("build").code == 0
    site = tmp_path / "site"
    article = page(site, "nieuws/vlieger/index.html")
    logo = article.xpath("//a[contains(@class, 'brand__link')]/img")[0]
    assert (logo.get("src"), logo.get("width"), logo.get("height"), logo.get("alt")) == (
        "../../static/logo.svg", "120", "40", "")
    assert not article.xpath("//svg[@class='brand__logo']")
    assert (site / "static/logo.svg").read_bytes() == (content / "images/logo.svg").read_bytes()
    # the brand's colours come after the theme's, so that they win
    assert article.xpath("//head/link[@rel='stylesheet']/@href") == ["../../static/style.css",
                                                                     "../../static/thema.css"]
    light, _, dark = (site / "static/thema.css").read_text(encoding="utf-8").partition("@media (prefers-color-scheme: dark)")
    assert css_properties(light)["brand"] == "#8b0000" and css_properties(light)["focus"] == "#ffd54f"
    assert css_properties(light)["link"] == "#8b0000"
    # dark mode stays on: links in a light shade of the brand that reads on the dark page
    assert parse_hex(css_properties(dark)["link"]) != parse_hex("#8b0000")
    assert css_properties(dark)["brand"] == "#8b0000"


def test_colours_without_a_logo_colour_the_theme_s_mark_everywhere(cli, tmp_path):
    """The header draws the theme's mark in the brand's colour; the browser's icons, the
    sharing picture and the e-mail's logo show the same mark in the same colour."""
    branded(tmp_path, 'theme:\n  colors:\n    primary: "#8b0000"\n', files={})
    assert cli("build").code == 0
    site = tmp_path / "site"
    home = page(site, "index.html")
    assert home.xpath("//svg[@class='brand__logo']")  # the theme's mark in the header
    icon = home.xpath("//head/link[@rel='icon'][@type='image/svg+xml']/@href")[0]
    assert icon.startswith("media/site-") and b'fill="#8b0000"' in (site / icon).read_bytes()
    assert b"#0b4f7c" not in (site / icon).read_bytes()
    share = home.xpath("//meta[@property='og:image']/@content")[0].removeprefix("https://nieuws.example.nl/")
    email = next((site / "media").glob("site-*-logo.png"))
    for picture, (x, y) in ((site / "favicon-32.png", (3, 16)), (site / "apple-touch-icon.png", (10, 90)),
                            (site / share, (600, 160)), (email, (4, 40))):
        with Image.open(picture) as drawn:
            red, green, blue = drawn.convert("RGB").getpixel((x, y))
        assert (abs(red - 0x8b), green, blue) < (12, 12, 12), picture.name


def test_png_logo_keeps_its_shape(cli, tmp_path):
    branded(tmp_path, "theme:\n  logo: images/logo.png\n", {"images/logo.png": png(300, 50)})
    assert cli("build").code == 0
    logo = page(tmp_path / "site", "index.html").xpath("//img[contains(@class, 'brand__logo')]")[0]
    assert (logo.get("src"), logo.get("width"), logo.get("height")) == ("static/logo.png", "240", "40")
    # a logo alone keeps the default colours and dark mode: no stylesheet of its own
    assert not (tmp_path / "site/static/thema.css").exists()


def test_a_very_wide_logo_is_limited_in_width(cli, tmp_path):
    branded(tmp_path, "theme:\n  logo: images/logo.png\n", {"images/logo.png": png(1000, 20)})
    assert cli("build").code == 0
    logo = page(tmp_path / "site", "index.html").xpath("//img[contains(@class, 'brand__logo')]")[0]
    assert (logo.get("width"), logo.get("height")) == ("240", "5")


def test_dark_mode_off(cli, tmp_path):
    branded(tmp_path, "theme:\n  dark: false\n", {})
    assert cli("build").code == 0
    css = (tmp_path / "site/static/thema.css").read_text(encoding="utf-8")
    assert "color-scheme: light;" in css and "prefers-color-scheme" not in css
    assert css_properties(css)["page"] == "#fff"  # the light values, whatever the reader's system asks
    assert page(tmp_path / "site", "index.html").xpath("//head/link[@rel='stylesheet']/@href")[-1] == "static/thema.css"


def test_nl_design_system_tokens(cli, tmp_path):
    content = branded(tmp_path, "theme:\n  tokens: thema/gemeente.css\n  class: gemeente-theme\n",
                      {"thema/gemeente.css": TOKENS})
    assert cli("build").code == 0
    site = tmp_path / "site"
    home = page(site, "index.html")
    assert home.get("class") == "gemeente-theme"
    # the tokens first (style.css falls back on them), then the light colours: a token theme is light
    assert home.xpath("//head/link[@rel='stylesheet']/@href") == ["static/tokens.css", "static/style.css",
                                                                  "static/thema.css"]
    assert (site / "static/tokens.css").read_bytes() == (content / "thema/gemeente.css").read_bytes()
    assert "prefers-color-scheme" not in (site / "static/thema.css").read_text(encoding="utf-8")


def test_tokens_on_root_need_no_class(cli, tmp_path):
    branded(tmp_path, "theme:\n  tokens: tokens.css\n", {"tokens.css": ":root { --utrecht-link-color: #333; }\n"})
    assert cli("build").code == 0
    assert page(tmp_path / "site", "index.html").get("class") is None


def test_the_newsletter_follows_the_brand(cli, tmp_path):
    branded(tmp_path)
    assert cli("build").code == 0
    mail = (tmp_path / "site/nieuwsbrief/laatste/nieuwsbrief.html").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(mail)
    logo = tree.xpath("//img[@class='logo-image']")[0]
    # as PNG, drawn at twice its size (Gmail and Outlook show no SVG), and on the site
    assert re.fullmatch(r"https://nieuws\.example\.nl/media/site-[0-9a-f]{10}-logo\.png", logo.get("src"))
    assert (logo.get("alt"), logo.get("width"), logo.get("height")) == ("", "120", "40")
    with Image.open(tmp_path / "site" / logo.get("src").removeprefix("https://nieuws.example.nl/")) as drawn:
        assert drawn.format == "PNG" and drawn.size == (240, 80)
    # inlined, as every other style of the e-mail: mail clients drop <style>
    assert "background-color: #8b0000" in tree.xpath("//td[contains(@class, 'header')]/@style")[0]
    assert "color: #8b0000" in tree.xpath("//a[@class='title-link']/@style")[0]
    assert "#0b4f7c" not in mail and "#0a5587" not in mail
    # the exported edition is the same e-mail
    assert cli("newsletter", "--since", "2021-08-01", "--until", "2021-08-31").code == 0
    exported = (tmp_path / "nieuwsbrief/2021-08-31/nieuwsbrief.html").read_text(encoding="utf-8")
    assert logo.get("src") in exported and "background-color: #8b0000" in exported
    assert exported == mail.replace("/laatste/", "/2021-08-31/") or "nieuwsbrief" in exported


def test_changing_and_removing_the_brand_rebuilds_the_same_as_a_full_build(cli, tmp_path):
    """Incremental == full: every page shows the brand, so each theme change reaches all of them;
    taking the theme out again gives back the default site to the byte."""
    content = write_content(tmp_path)
    (content / "images/logo.svg").write_bytes(LOGO)
    assert cli("build").code == 0
    default = tree_bytes(tmp_path / "site")
    for theme in (BRANDED, BRANDED.replace("#8b0000", "#1d4d2b"), "theme:\n  logo: images/logo.svg\n", ""):
        (content / "site.yml").write_text(SITE_YML + theme, encoding="utf-8")
        assert cli("build").code == 0
        assert cli("build", "--out", "vol").code == 0
        assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "vol")
        for stale in [tmp_path / "vol", *(tmp_path / ".wijknieuws-cache").glob("vol.*")]:
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()  # the next full build starts afresh
    assert tree_bytes(tmp_path / "site") == default


# ---------------------------------------------------------------- every way to get it wrong

def fails(cli, tmp_path: Path, *args: str) -> list[str]:
    """Runs a command that must fail with content errors and write nothing; its stderr lines."""
    result = cli(*args)
    assert result.code == 1, result.err
    assert not (tmp_path / "site").exists()
    return result.err.splitlines()


L = THEME_LINE
SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">\n<rect/>\n<script>alert(1)</script>\n</svg>\n'


@pytest.mark.parametrize("theme, files, expected", [
    ('theme:\n  colors:\n    primary: "#ffd700"\n', {},
     [f"{L + 2}: primary '#ffd700': white text on it has contrast 1.4:1, WCAG AA needs 4.5:1"]),
    ('theme:\n  colors:\n    primary: "#777"\n', {},
     [f"{L + 2}: primary '#777': white text on it has contrast 4.4:1, WCAG AA needs 4.5:1"]),
    ('theme:\n  colors:\n    primary: "#727272"\n', {},
     [f"{L + 2}: primary '#727272': links in it on the side panels has contrast 4.4:1, WCAG AA needs 4.5:1"]),
    ('theme:\n  colors:\n    accent: "#8b0000"\n', {},
     [f"{L + 2}: accent '#8b0000': black text on it (a link with keyboard focus, the skip link) "
      "has contrast 2.0:1, WCAG AA needs 4.5:1"]),
    ('theme:\n  colors:\n    accent: "#8a8a8a"\n', {},
     [f"{L + 2}: accent '#8a8a8a': the focus ring on the menu bar has contrast 2.5:1, WCAG AA needs 3:1"]),
    ('theme:\n  colors:\n    primary: "#ffd700"\n    accent: "#000080"\n', {},
     [f"{L + 2}: primary '#ffd700': white text on it has contrast 1.4:1, WCAG AA needs 4.5:1",
      f"{L + 3}: accent '#000080': black text on it (a link with keyboard focus, the skip link) "
      "has contrast 1.3:1, WCAG AA needs 4.5:1"]),
    ("theme:\n  colors:\n    primary: #8b0000\n", {},
     [f"{L + 2}: primary is empty: in YAML '#' starts a comment, so a colour needs quotes: primary: \"#8b0000\""]),
    ("theme:\n  colors:\n    accent: darkred\n", {},
     [f"{L + 2}: accent 'darkred' is not a colour the build can check: write it as \"#rrggbb\", e.g. \"#8b0000\""]),
    ("theme:\n  colors:\n    primery: '#8b0000'\n", {},
     [f"{L + 2}: unknown colour 'primery' (did you mean 'primary'?); a theme has a primary and an accent colour"]),
    ("theme:\n  colors: rood\n", {}, [f"{L + 1}: colors must be a mapping (primary:, accent:)"]),
    ("theme: rood\n", {}, [f"{L}: theme must be a mapping (logo:, colors:, tokens:, class:, dark:)"]),
    ("theme:\n  logo: images/logo.svg\n  kleur: rood\n", None,
     [f"{L + 2}: unknown theme setting 'kleur'"]),
    ("theme:\n  colours:\n    primary: '#8b0000'\n", {},
     [f"{L + 1}: unknown theme setting 'colours' (did you mean 'colors'?)"]),
    ("theme:\n  logo: images/logoo.svg\n", None,
     [f"{L + 1}: logo 'images/logoo.svg' does not exist (did you mean 'images/logo.svg'?)"]),
    ("theme:\n  logo: ../logo.svg\n", {}, [f"{L + 1}: logo '../logo.svg' is outside the content folder"]),
    ("theme:\n  logo: images/logo.jpg\n", {},
     [f"{L + 1}: logo must be an SVG or PNG picture such as images/logo.svg, not 'images/logo.jpg'"]),
    ("theme:\n  logo:\n", {}, [f"{L + 1}: logo needs a path in the content folder, e.g. images/logo.svg"]),
    ("theme:\n  logo: images/logo.svg\n", {"images/logo.svg": SVG_SCRIPT},
     ["content/images/logo.svg:3: SVG file with <script>, which could run a script on the site; "
      "save the picture without it"]),
    ("theme:\n  logo: images/logo.svg\n", {"images/logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'},
     [f"{L + 1}: logo 'images/logo.svg' has no viewBox, nor a width and height, so its shape is unknown: "
      "give its <svg> a viewBox, e.g. viewBox=\"0 0 200 60\""]),
    ("theme:\n  logo: images/logo.png\n", {"images/logo.png": b"GIF89a...."},
     [f"{L + 1}: logo 'images/logo.png' is not a PNG picture (the file says otherwise); save it as PNG or SVG"]),
    ("theme:\n  tokens: thema/gemeente.css\n", {"thema/gemeente.css": TOKENS},
     [f"{L + 1}: the tokens in 'thema/gemeente.css' hang on a class: add it under theme, e.g. class: gemeente-theme"]),
    ("theme:\n  tokens: thema/gemeente.css\n  class: gemeente-them\n", {"thema/gemeente.css": TOKENS},
     [f"{L + 2}: class 'gemeente-them' is not in 'thema/gemeente.css' (did you mean 'gemeente-theme'?)"]),
    ("theme:\n  tokens: thema/gemeente.css\n  class: .gemeente-theme\n", {"thema/gemeente.css": TOKENS},
     [f"{L + 2}: class '.gemeente-theme' is not a CSS class name (letters, digits, '-' and '_')"]),
    ("theme:\n  tokens: thema/gemeente.scss\n", {}, [f"{L + 1}: tokens must be a CSS file such as "
                                                    "thema/utrecht.css, not 'thema/gemeente.scss'"]),
    ("theme:\n  tokens: thema/gemeente.css\n  class: gemeente-theme\n",
     {"thema/gemeente.css": "/* index */\n@import \"./design-tokens.css\";\n"},
     ["content/thema/gemeente.css:2: @import of './design-tokens.css': the site gets this one file only; "
      "name the file with the tokens themselves in 'tokens:'"]),
    ("theme:\n  tokens: thema/gemeente.css\n  class: gemeente-theme\n", {"thema/gemeente.css": b".a { --x: caf\xe9; }"},
     ["content/thema/gemeente.css:1: not UTF-8 (byte 13)"]),
    ("theme:\n  class: gemeente-theme\n", {},
     [f"{L + 1}: class goes with tokens: the CSS file whose tokens hang on that class"]),
    ("theme:\n  dark: nee\n", {}, [f"{L + 1}: dark must be true or false, not 'nee'"]),
    ("theme:\n  tokens: thema/gemeente.css\n  class: gemeente-theme\n  dark: true\n", {"thema/gemeente.css": TOKENS},
     [f"{L + 3}: dark: true does not go with tokens: wijknieuws's dark colours would mix with the theme's "
      "light ones; leave 'dark' out"]),
], ids=["primary-white-text", "primary-just-under", "primary-links-on-panels", "accent-black-text",
        "accent-focus-ring", "both", "yaml-comment", "not-hex", "unknown-colour", "colors-text", "theme-text",
        "unknown-setting", "unknown-setting-suggestion", "logo-missing", "logo-outside", "logo-jpg", "logo-empty",
        "logo-script", "logo-no-size", "logo-not-png", "tokens-no-class", "tokens-wrong-class",
        "tokens-bad-class", "tokens-not-css", "tokens-import", "tokens-not-utf8", "class-without-tokens",
        "dark-not-boolean", "dark-with-tokens"])
def test_theme_error(cli, tmp_path, theme, files, expected):
    branded(tmp_path, theme, files)
    count = len(expected)
    for command in ("check", "build"):
        lines = fails(cli, tmp_path, command)
        assert lines[:-1] == [line if line.startswith("content/") else f"content/site.yml:{line}" for line in expected]
        assert lines[-1].startswith(f"{count} error(s)")


def test_a_logo_symlinked_from_outside_is_refused(cli, tmp_path):
    outside = tmp_path / "elders.svg"
    outside.write_bytes(LOGO)
    content = branded(tmp_path, "theme:\n  logo: images/logo.svg\n", {})
    (content / "images/logo.svg").symlink_to(outside)
    assert fails(cli, tmp_path, "build")[:-1] == [
        "content/images/logo.svg:1: symlink points outside the content folder",
        f"content/site.yml:{L + 1}: logo 'images/logo.svg' is outside the content folder"]


def test_a_refused_colour_keeps_the_published_site(cli, tmp_path):
    content = branded(tmp_path)
    assert cli("build").code == 0
    before = tree_bytes(tmp_path / "site")
    (content / "site.yml").write_text(SITE_YML + BRANDED.replace("#8b0000", "#ffd700"), encoding="utf-8")
    result = cli("build")
    assert result.code == 1
    assert f"content/site.yml:{L + 3}: primary '#ffd700': white text on it has contrast 1.4:1" in result.err
    assert tree_bytes(tmp_path / "site") == before



def test_every_custom_property_the_stylesheet_uses_is_defined():
    """A rule that names a property nobody defines falls back to nothing (a merge renamed --navy)."""
    css = (Path(__file__).resolve().parent.parent / "templates/static/style.css").read_text(encoding="utf-8")
    defined = set(re.findall(r"(--[a-z0-9-]+)\s*:", css))
    used = set(re.findall(r"var\((--[a-z0-9-]+)", css))
    assert sorted(u for u in used - defined if not u.startswith("--utrecht-")) == []


def test_a_new_logo_reaches_every_page_as_a_full_build_makes_them(cli, tmp_path):
    """The icons and the sharing picture are drawn from the logo, and every page names them: a
    replaced logo is a new shape of the site, not an edit of no article."""
    content = branded(tmp_path)
    assert cli("build").code == 0
    (content / "images/logo.svg").write_bytes(LOGO.replace(b"#8b0000", b"#1d4d2b"))
    assert cli("build").code == 0
    fresh = tmp_path / "vers"
    fresh.mkdir()
    (fresh / "content").symlink_to(content)
    os.chdir(fresh)
    assert cli("build").code == 0
    assert tree_bytes(fresh / "site") == tree_bytes(tmp_path / "site")


def test_a_cut_off_png_logo_is_an_error_at_its_line(cli, tmp_path):
    whole = png(300, 50)
    branded(tmp_path, "theme:\n  logo: images/logo.png\n", {"images/logo.png": whole[:60]})
    expected = [f"content/site.yml:{THEME_LINE + 1}: logo 'images/logo.png' is damaged or cut off: export or copy the picture again"]
    assert cli("check").error_lines == expected
    assert cli("build").error_lines == expected
