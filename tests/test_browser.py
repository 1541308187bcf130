"""What only a browser shows: search, keyboard use, axe-core at WCAG 2.1 A/AA, and screenshots."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import SCREENSHOTS

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PAGE_TYPES = {
    "home": "",
    "article": "nieuws/de-vlieger-blijft-dicht/",
    "news-page-2": "nieuws/pagina/2/",
    "wijken": "wijk/",
    "wijk": "wijk/rokkeveen/",
    "wethouders": "wethouder/",
    "wethouder": "wethouder/ter-laak/",
    "dossiers": "dossier/",
    "dossier": "dossier/gebiedsgerichte-ondersteuning/",
    "besluiten": "besluiten/",
    "besluiten-status": "besluiten/status/uitgevoerd/",
    "besluiten-wijk": "besluiten/wijk/rokkeveen/",
    "besluit": "besluit/sluiting-de-vlieger/",
    "article-moved-on": "nieuws/de-vlieger-gaat-sluiten/",
    "tags": "tag/",
    "tag": "tag/inzet/",
    "archive": "archief/",
    "archive-year": "archief/2021/",
    "search": "zoeken/?q=bibliotheek",
    "404": "404.html",
    "newsletter-web": "nieuwsbrief/laatste/",
    "newsletter-archive": "nieuwsbrief/",
}
SCREENSHOT_PAGES = ("home", "article", "wijk", "dossier", "search", "besluit", "article-moved-on")


@pytest.fixture
def tab(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
@pytest.mark.parametrize("width", [1280, 375])
def test_no_axe_violations(tab, sample_site, name, width):
    _, url = sample_site
    tab.set_viewport_size({"width": width, "height": 900})
    tab.goto(url + PAGE_TYPES[name])
    if name == "search":
        tab.wait_for_selector("#zoek-resultaten li")
    results = Axe().run(tab, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    # nothing sticks out sideways at phone width
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if name in SCREENSHOT_PAGES:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def test_skip_link_is_first_and_moves_focus_to_main(tab, sample_site):
    _, url = sample_site
    tab.goto(url + "wijk/rokkeveen/")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent.trim()") == "Naar de inhoud"
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "inhoud"


def results(tab) -> list[str]:
    """The result titles, once the status line announces them for the current query."""
    tab.wait_for_function("document.getElementById('zoek-status').textContent.includes("
                          "'\u2018' + document.getElementById('zoekterm').value.trim() + '\u2019')")
    return tab.locator("#zoek-resultaten h2").all_inner_texts()


def test_search_is_dutch_aware(tab, sample_site):
    _, url = sample_site
    tab.goto(url + "zoeken/")
    tab.fill("#zoekterm", "bibliotheken")
    found = results(tab)
    assert any("Huizen van de Wijk" in t for t in found), found
    tab.fill("#zoekterm", "Piezo")
    assert any("inZet" in t for t in results(tab)), results(tab)


def test_search_shows_date_wijk_and_filters(tab, sample_site):
    _, url = sample_site
    tab.goto(url + "zoeken/?q=inzet")
    everything = results(tab)
    assert len(everything) >= 3
    card = tab.locator("#zoek-resultaten li").first
    assert "2021" in card.locator(".zoeken__meta").inner_text()
    tab.select_option("#zoek-wijk", label="Oosterheem")
    tab.wait_for_function(f"document.querySelectorAll('#zoek-resultaten li').length < {len(everything)}")
    narrowed = results(tab)
    assert narrowed and set(narrowed) < set(everything)
    # the link of a result opens the article
    tab.locator("#zoek-resultaten h2 a").first.click()
    assert tab.locator("h1").inner_text() == narrowed[0]


def test_search_works_with_the_keyboard_only(tab, sample_site):
    _, url = sample_site
    tab.goto(url + "zoeken/")
    tab.focus("#zoekterm")
    tab.keyboard.type("Vlieger")
    tab.keyboard.press("Enter")
    assert any("Vlieger" in t for t in results(tab))
    assert tab.locator("#zoek-status").get_attribute("role") == "status"


@pytest.mark.parametrize("width", [600, 375])
def test_newsletter_email_screenshot(tab, sample_site, width):
    """The e-mail body as a mail client at that width would show it, for people to look at."""
    _, url = sample_site
    tab.set_viewport_size({"width": width, "height": 900})
    tab.goto(url + "nieuwsbrief/laatste/nieuwsbrief.html")
    assert "Stadsnieuws Zoetermeer" in tab.inner_text("body")
    # nothing wider than the screen: the 600 px table shrinks on a phone
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"newsletter-email-{width}.png"), full_page=True)
