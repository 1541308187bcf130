"""The brand in Debian's chromium: the default theme's colours as before, dark mode, a site's own
colours, and two municipalities' NL Design System tokens (installed by scripts/test with npm ci)
restyling the sample site; axe-core finds nothing in any of them, and the screenshots of each
sit side by side in SCREENSHOTS (thema-*.png, themas-*.png)."""
from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import REPO, SCREENSHOTS, serve
from wijknieuws.cli import main

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PACKAGES = REPO / "node_modules"
OWN_COLOURS = """theme:
  logo: images/logo.svg
  colors:
    primary: "#8b0000"
    accent: "#ffd54f"
"""
# name: (site.yml `theme:`, {file in content: where it comes from})
THEMES = {
    "eigen-kleuren": (OWN_COLOURS, {}),
    "licht": ("theme:\n  dark: false\n", {}),
    "utrecht": ("theme:\n  tokens: thema/utrecht.css\n  class: utrecht-theme\n",
                {"thema/utrecht.css": PACKAGES / "@utrecht/design-tokens/dist/theme.css"}),
    "denhaag": ("theme:\n  tokens: thema/denhaag.css\n  class: denhaag-theme\n",
                {"thema/denhaag.css": PACKAGES / "@gemeente-denhaag/design-tokens-components/dist/theme/index.css"}),
}
PAGES = {"home": "", "article": "nieuws/de-vlieger-blijft-dicht/", "besluiten": "besluiten/",
         "dossier": "dossier/gebiedsgerichte-ondersteuning/", "search": "zoeken/?q=bibliotheek"}

# Computed styles of the default theme, taken from the build before colours became custom
# properties (commit c415972): the default theme must look exactly as it did.
TODAY = {
    ("", "body"): {"color": "rgb(27, 38, 49)", "background-color": "rgb(255, 255, 255)", "font-size": "18px",
                   "font-family": '-apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Roboto, '
                                  '"Helvetica Neue", Arial, sans-serif', "line-height": "28.8px"},
    ("", "h1"): {"color": "rgb(11, 47, 71)", "font-size": "41.6px", "font-weight": "700"},
    ("", "main h2"): {"color": "rgb(11, 47, 71)", "font-size": "25.6px"},
    ("", ".brand__link"): {"color": "rgb(11, 47, 71)"},
    ("", ".brand__logo rect"): {"fill": "rgb(11, 79, 124)"},
    ("", ".site-header"): {"background-color": "rgb(255, 255, 255)", "border-bottom-color": "rgb(27, 38, 49)"},
    ("", ".mainnav"): {"background-color": "rgb(11, 79, 124)"},
    ("", ".mainnav__list a"): {"color": "rgb(255, 255, 255)", "border-top-color": "rgb(255, 255, 255)"},
    ("", ".mainnav__list a[aria-current]"): {"border-bottom-color": "rgb(255, 255, 255)"},
    ("", ".card"): {"background-color": "rgb(255, 255, 255)", "border-top-color": "rgb(201, 215, 227)"},
    ("", ".card__title a"): {"color": "rgb(10, 85, 135)", "text-decoration-thickness": "1px",
                             "text-underline-offset": "3.12px"},
    ("", ".panel"): {"background-color": "rgb(238, 244, 249)", "border-top-color": "rgb(11, 47, 71)"},
    ("", ".label"): {"color": "rgb(10, 85, 135)", "background-color": "rgb(227, 237, 246)",
                     "border-top-color": "rgb(159, 189, 214)"},
    ("", ".badge.status--aangenomen"): {"color": "rgb(255, 255, 255)", "background-color": "rgb(29, 95, 160)",
                                        "border-top-left-radius": "3px", "padding-left": "7.2px"},
    ("", ".badge.status--voorgenomen"): {"color": "rgb(27, 27, 27)", "background-color": "rgb(244, 244, 244)",
                                         "border-top-color": "rgb(89, 89, 89)"},
    ("", ".badge.status--uitgesteld"): {"color": "rgb(27, 27, 27)", "background-color": "rgb(251, 214, 96)",
                                        "border-top-color": "rgb(201, 162, 39)"},
    ("", ".meta"): {"color": "rgb(75, 88, 101)"},
    ("", ".site-footer"): {"background-color": "rgb(11, 47, 71)", "color": "rgb(255, 255, 255)",
                           "padding-top": "40px", "padding-bottom": "24px"},
    ("", ".site-footer a"): {"color": "rgb(255, 255, 255)"},
    ("", ".site-footer__bottom"): {"color": "rgb(225, 233, 239)", "border-top-color": "rgba(255, 255, 255, 0.35)"},
    ("zoeken/", ".button"): {"color": "rgb(255, 255, 255)", "background-color": "rgb(11, 79, 124)",
                             "border-top-color": "rgb(11, 79, 124)", "border-top-left-radius": "4px",
                             "padding-left": "17.6px", "padding-top": "8px", "font-weight": "700"},
    ("zoeken/", ".zoeken input"): {"color": "rgb(27, 38, 49)", "background-color": "rgb(255, 255, 255)",
                                   "border-top-color": "rgb(106, 119, 130)", "border-top-width": "2px"},
    ("besluiten/", ".filter[aria-current]"): {"color": "rgb(255, 255, 255)", "background-color": "rgb(11, 79, 124)"},
    ("besluiten/", ".table th"): {"background-color": "rgb(238, 244, 249)", "border-bottom-color": "rgb(11, 47, 71)"},
    ("dossier/gebiedsgerichte-ondersteuning/", ".timeline"): {"border-left-color": "rgb(159, 189, 214)"},
    ("nieuws/de-vlieger-blijft-dicht/", ".dossier-box"): {"background-color": "rgb(238, 244, 249)",
                                                          "border-left-color": "rgb(11, 79, 124)"},
    ("nieuws/pagina/2/", ".pagination__page[aria-current]"): {"color": "rgb(255, 255, 255)",
                                                              "background-color": "rgb(11, 79, 124)"},
}
TODAY_FOCUS = {"color": "rgb(0, 0, 0)", "background-color": "rgb(255, 216, 77)", "outline-color": "rgb(0, 0, 0)",
               "outline-width": "3px", "outline-style": "solid"}

STYLES = "(el, names) => Object.fromEntries(names.map(n => [n, getComputedStyle(el).getPropertyValue(n)]))"
# WCAG relative luminance and contrast in the page, for the colours the browser computed
CONTRAST_JS = """
const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
  .map(v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const opaque = c => !/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent';
const surroundings = el => { for (let e = el.parentElement; e; e = e.parentElement) {
  const bg = getComputedStyle(e).backgroundColor; if (opaque(bg)) return bg; } return 'rgb(255, 255, 255)'; };
"""


@pytest.fixture(scope="session")
def themed_sites(tmp_path_factory):
    """The sample site built once per theme (content copied, site.yml given the theme), all
    served from one server, their base URL that server's so that the e-mail's logo loads."""
    missing = [str(source) for _, files in THEMES.values() for source in files.values() if not source.is_file()]
    if missing:  # never skip: scripts/test installs them, so a missing package is a broken setup
        raise RuntimeError(f"{missing[0]} is missing: run 'bash scripts/test', which installs the npm test tools")
    www = tmp_path_factory.mktemp("themes")
    server, url = serve(www / "sites")
    (www / "sites").mkdir()
    cwd = os.getcwd()
    urls = {}
    try:
        for name, (theme, files) in THEMES.items():
            content = www / name / "content"
            shutil.copytree(REPO / "content", content)
            (content / "site.yml").write_text((REPO / "content/site.yml").read_text(encoding="utf-8") + theme,
                                              encoding="utf-8")
            for rel, source in files.items():
                (content / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, content / rel)
            os.chdir(www / name)
            assert main(["build", "--quiet", "--out", str(www / "sites" / name), "--base-url", f"{url}{name}/"]) == 0
            urls[name] = f"{url}{name}/"
    finally:
        os.chdir(cwd)
    yield urls
    server.shutdown()


@pytest.fixture
def context(browser):
    made = []

    def new(scheme: str = "light", width: int = 1280):
        made.append(browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900}))
        return made[-1].new_page()

    yield new
    for context in made:
        context.close()


def styles(tab, selector: str, names) -> dict[str, str]:
    return tab.eval_on_selector(selector, STYLES, list(names))


def no_axe_violations(tab) -> None:
    results = Axe().run(tab, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def shot(tab, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


# ---------------------------------------------------------------- the default theme

def test_default_theme_keeps_todays_colours(context, sample_site):
    _, url = sample_site
    tab = context("light")
    for (rel, selector), expected in TODAY.items():
        if tab.url != url + rel:
            tab.goto(url + rel)
        assert styles(tab, selector, expected) == expected, (rel, selector)
    tab.goto(url)
    tab.keyboard.press("Tab")  # the skip link
    tab.keyboard.press("Tab")  # the site's name
    assert tab.evaluate("document.activeElement.className") == "brand__link"
    assert tab.evaluate(f"({STYLES})(document.activeElement, {list(TODAY_FOCUS)})") == TODAY_FOCUS


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("width", [1280, 375])
def test_dark_mode_has_no_axe_violations(context, sample_site, name, width):
    _, url = sample_site
    tab = context("dark", width)
    tab.goto(url + PAGES[name])
    if name == "search":
        tab.wait_for_selector("#zoek-resultaten li")
    assert styles(tab, "body", ["background-color"]) == {"background-color": "rgb(16, 26, 36)"}
    no_axe_violations(tab)
    if name in ("home", "article"):
        shot(tab, f"dark-{name}-{width}")


FOCUS_TARGETS = [("", ".skiplink"), ("", ".brand__link"), ("", ".mainnav__list a"), ("", "main a"),
                 ("", ".label"), ("", ".panel a"), ("", ".site-footer a"), ("zoeken/", ".button")]


@pytest.mark.parametrize("site, scheme", [("standaard", "light"), ("standaard", "dark"),
                                          ("eigen-kleuren", "light"), ("eigen-kleuren", "dark")])
def test_the_focus_ring_stands_out_wherever_it_is(context, sample_site, themed_sites, site, scheme):
    """WCAG 2.4.7 and 1.4.11 for the NL Design System focus (a fill with an outline around it),
    which axe does not check: text on the fill reads (4.5:1), and the fill or the outline stands
    out from what is around the element (3:1), on the page, the menu bar and the footer alike."""
    url = sample_site[1] if site == "standaard" else themed_sites[site]
    tab = context(scheme)
    for rel, selector in FOCUS_TARGETS:
        tab.goto(url + rel)
        tab.keyboard.press("Tab")  # keyboard use: what has focus from now on shows it
        tab.focus(selector)
        found = tab.eval_on_selector(selector, "el => {" + CONTRAST_JS + """
            const s = getComputedStyle(el), around = surroundings(el);
            return {text: contrast(s.color, s.backgroundColor),
                    ring: Math.max(contrast(s.backgroundColor, around), contrast(s.outlineColor, around)),
                    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }""")
        assert found["text"] >= 4.5 and found["ring"] >= 3 and found["outline"], (selector, found)


# ---------------------------------------------------------------- a site's own colours and logo

def test_own_colours_and_logo_reach_the_page(context, themed_sites):
    url = themed_sites["eigen-kleuren"]
    tab = context("light")
    tab.goto(url)
    assert styles(tab, ".mainnav", ["background-color"]) == {"background-color": "rgb(139, 0, 0)"}
    assert styles(tab, ".card__title a", ["color"]) == {"color": "rgb(139, 0, 0)"}
    assert tab.eval_on_selector(".brand__logo--image", "img => [img.complete, img.naturalWidth, img.naturalHeight]") \
        == [True, 120, 40]
    tab.keyboard.press("Tab")
    assert styles(tab, ".skiplink", ["background-color"]) == {"background-color": "rgb(255, 213, 79)"}
    dark = context("dark")
    dark.goto(url)
    assert styles(dark, ".mainnav", ["background-color"]) == {"background-color": "rgb(139, 0, 0)"}
    assert styles(dark, "body", ["background-color"]) == {"background-color": "rgb(16, 26, 36)"}


def test_dark_mode_can_be_turned_off(context, themed_sites):
    tab = context("dark")
    tab.goto(themed_sites["licht"])
    assert styles(tab, "body", ["background-color", "color"]) == {"background-color": "rgb(255, 255, 255)",
                                                                  "color": "rgb(27, 38, 49)"}
    assert styles(tab, ":root", ["color-scheme"]) == {"color-scheme": "light"}


@pytest.mark.parametrize("name", ["home", "article", "search"])
@pytest.mark.parametrize("theme, scheme", [("eigen-kleuren", "light"), ("eigen-kleuren", "dark"),
                                           ("utrecht", "light"), ("denhaag", "light")])
@pytest.mark.parametrize("width", [1280, 375])
def test_themes_have_no_axe_violations(context, themed_sites, theme, scheme, name, width):
    tab = context(scheme, width)
    tab.goto(themed_sites[theme] + PAGES[name])
    if name == "search":
        tab.wait_for_selector("#zoek-resultaten li")
    no_axe_violations(tab)
    if name == "article":  # the home pages: test_themes_side_by_side
        shot(tab, f"thema-{theme}{'-donker' if scheme == 'dark' else ''}-{name}-{width}")


def test_the_newsletter_email_in_the_brand(context, themed_sites):
    tab = context("light", 600)
    tab.goto(themed_sites["eigen-kleuren"] + "nieuwsbrief/laatste/nieuwsbrief.html")
    # the logo as PNG (mail programs show no SVG), drawn at twice the 120x40 it is shown at
    assert tab.eval_on_selector(".logo-image", "img => [img.complete, img.naturalWidth, img.naturalHeight, "
                                "img.clientWidth, img.currentSrc.endsWith('.png')]") == [True, 240, 80, 120, True]
    assert styles(tab, ".header", ["background-color"]) == {"background-color": "rgb(139, 0, 0)"}
    shot(tab, "newsletter-email-eigen-kleuren-600")


# ---------------------------------------------------------------- NL Design System tokens

# (page, element, CSS property, the tokens that set it, first found wins)
TOKEN_USES = [
    ("", "body", "color", ["--utrecht-document-color"]),
    ("", "main .card__title a", "color", ["--utrecht-link-color"]),
    ("", "h1", "font-size", ["--utrecht-heading-1-font-size"]),
    ("", "h1", "color", ["--utrecht-heading-1-color", "--utrecht-heading-color"]),
    ("", "h1", "font-weight", ["--utrecht-heading-1-font-weight", "--utrecht-heading-font-weight"]),
    ("zoeken/", ".button", "background-color", ["--utrecht-button-primary-action-background-color"]),
    ("zoeken/", ".button", "color", ["--utrecht-button-primary-action-color"]),
    ("", ".site-footer", "background-color", ["--utrecht-page-footer-background-color"]),
    ("", ".site-footer", "color", ["--utrecht-page-footer-color"]),
    ("", ".site-footer a", "color", ["--utrecht-page-footer-color"]),
    ("", ".badge.status--voorgenomen", "background-color", ["--utrecht-badge-background-color"]),
]
# What a municipality's package must set for this test to mean something, and of those, what
# must come out unlike the default theme (a white footer text may well stay white).
REQUIRED = {"--utrecht-document-color", "--utrecht-link-color", "--utrecht-heading-1-font-size",
            "--utrecht-button-primary-action-background-color", "--utrecht-page-footer-background-color",
            "--utrecht-page-footer-color", "--utrecht-badge-background-color"}
CHANGED = {"--utrecht-link-color", "--utrecht-button-primary-action-background-color",
           "--utrecht-page-footer-background-color", "--utrecht-badge-background-color"}


@pytest.mark.parametrize("theme", ["utrecht", "denhaag"])
def test_nl_design_system_tokens_restyle_the_site(context, sample_site, themed_sites, theme):
    """Each element takes the value of the package's token (resolved by the browser, through the
    package's own var() chains), and where that differs from the default theme, it changed."""
    tab, default = context("light"), context("light")
    checked = set()
    for rel, selector, prop, tokens in TOKEN_USES:
        tab.goto(themed_sites[theme] + rel)
        token = next((t for t in tokens if tab.evaluate(
            f"getComputedStyle(document.documentElement).getPropertyValue('{t}').trim()")), None)
        if token is None:
            continue  # the package leaves this to the default theme
        expected = tab.evaluate("""([prop, token]) => { const probe = document.createElement('span');
            probe.style.setProperty(prop, `var(${token})`); document.querySelector('main').append(probe);
            const value = getComputedStyle(probe).getPropertyValue(prop); probe.remove(); return value; }""",
                                [prop, token])
        assert styles(tab, selector, [prop]) == {prop: expected}, (selector, prop, token)
        default.goto(sample_site[1] + rel)
        if token in CHANGED:
            assert styles(default, selector, [prop]) != {prop: expected}, (selector, prop, "same as the default")
        checked.add(token)
    assert REQUIRED <= checked


# ---------------------------------------------------------------- side by side

def test_themes_side_by_side(context, sample_site, themed_sites):
    """The home page in every theme, one image per width, for people to compare."""
    columns = [("standaard", "Standaard", sample_site[1], "light"),
               ("standaard-donker", "Standaard, donker", sample_site[1], "dark"),
               ("eigen-kleuren", "Eigen kleuren en logo", themed_sites["eigen-kleuren"], "light"),
               ("eigen-kleuren-donker", "Eigen kleuren, donker", themed_sites["eigen-kleuren"], "dark"),
               ("utrecht", "Utrecht (@utrecht/design-tokens)", themed_sites["utrecht"], "light"),
               ("denhaag", "Den Haag (@gemeente-denhaag/design-tokens-components)", themed_sites["denhaag"], "light")]
    for width in (1280, 375):
        cells = []
        for slug, title, url, scheme in columns:
            tab = context(scheme, width)
            tab.goto(url)
            path = shot(tab, f"thema-{slug}-home-{width}")
            data = base64.b64encode(path.read_bytes()).decode()
            cells.append(f'<figure><figcaption>{title}</figcaption><img src="data:image/png;base64,{data}"></figure>')
        sheet = context("light", width * 3 + 120)
        sheet.set_content('<style>body{margin:0;display:grid;grid-template-columns:repeat(3,1fr);gap:20px;'
                          'padding:20px;font:16px sans-serif;background:#ddd}figure{margin:0}img{width:100%;'
                          'border:1px solid #999;vertical-align:top}</style>' + "".join(cells))
        path = shot(sheet, f"themas-{width}")
        assert path.stat().st_size > 10_000
