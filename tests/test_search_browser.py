"""The search page in Chromium: ranked results with marked excerpts, suggestions for typos, the
search in the address (links, filters, the back button), keyboard and screen-reader behaviour,
and only the index files a query needs downloaded. On the sample site, served under /nieuws/."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from wijknieuws.words import fold, stem

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def tab(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def announced(tab, query: str | None = None) -> str:
    """The status line, once it announces the current query's results."""
    expected = "document.getElementById('zoekterm').value.trim()" if query is None else repr(query)
    tab.wait_for_function("document.getElementById('zoek-status').textContent.includes("
                          f"'\u2018' + {expected} + '\u2019')")
    return tab.inner_text("#zoek-status")


def titles(tab) -> list[str]:
    return tab.locator("#zoek-resultaten h2").all_inner_texts()


def test_results_are_ranked_with_the_hits_marked_in_an_excerpt(tab, sample_site):
    _, url = sample_site
    tab.goto(url + "zoeken/?q=bibliotheken")
    assert announced(tab) == "1 resultaat voor \u2018bibliotheken\u2019."
    card = tab.locator("#zoek-resultaten li").first
    assert card.locator("h2").inner_text() == "Huizen van de Wijk voorlopig in de koelkast"
    marks = card.locator(".card__summary mark").all_inner_texts()
    # matched by stem: the query's plural marks the singular in the text
    assert marks and {stem(fold(m)) for m in marks} == {stem("bibliotheken")} and "bibliotheek" in marks
    excerpt = card.locator(".card__summary").inner_text()
    assert excerpt.startswith("\u2026 ") and len(excerpt.split()) < 40  # a passage, not the summary or the body

    tab.fill("#zoekterm", "koelkast huizen")
    announced(tab)
    assert titles(tab)[0] == "Huizen van de Wijk voorlopig in de koelkast"
    assert tab.locator("#zoek-resultaten li").first.locator("h2 mark").all_inner_texts() == ["Huizen", "koelkast"]


def test_a_typo_offers_the_word_meant_as_a_link_that_runs_that_search(tab, sample_site):
    _, url = sample_site
    tab.goto(url + "zoeken/?q=vliger&wijk=rokkeveen")
    status = announced(tab)
    assert status == "Geen resultaten voor \u2018vliger\u2019. Bedoelde u: vlieger?"
    link = tab.locator("#zoek-status a")
    assert parse_qs(urlsplit(link.get_attribute("href")).query) == {"q": ["vlieger"], "wijk": ["rokkeveen"]}
    assert tab.evaluate("document.activeElement === document.body")  # nothing took the focus
    results = Axe().run(tab, options=WCAG)
    assert results.violations_count == 0, results.generate_report()

    tab.keyboard.press("Tab")  # the search field, the filters, the button, then the suggestion
    link.focus()
    tab.keyboard.press("Enter")
    assert announced(tab, "vlieger") == "5 resultaten voor \u2018vlieger\u2019."
    assert tab.input_value("#zoekterm") == "vlieger" and tab.input_value("#zoek-wijk") == "rokkeveen"
    assert parse_qs(urlsplit(tab.url).query) == {"q": ["vlieger"], "wijk": ["rokkeveen"]}
    assert tab.evaluate("document.activeElement.id") == "zoekterm"  # the link is gone; the query field has it
    assert "Bedoelde" not in tab.inner_text("#zoek-status")
    tab.go_back()  # the typo again, as it was
    assert announced(tab, "vliger").endswith("Bedoelde u: vlieger?")


def test_the_address_holds_the_query_and_the_filters(tab, sample_site):
    _, url = sample_site
    tab.goto(url + "zoeken/?q=vlieger&wijk=rokkeveen&type=besluit")
    announced(tab)
    status = tab.evaluate("document.getElementById('zoek-status').textContent")
    assert tab.input_value("#zoek-wijk") == "rokkeveen" and tab.input_value("#zoek-soort") == "besluit"
    assert titles(tab) == ["De Vlieger blijft dicht, activiteiten verhuizen naar de Nathaliegang"]
    assert all("Rokkeveen" in m and "Besluit" in m for m in tab.locator(".zoeken__meta").all_inner_texts())

    tab.select_option("#zoek-soort", "")  # all types: the address follows
    tab.wait_for_function("!location.search.includes('type=')")
    # the same words announce the old results until the new ones are there: wait for those
    tab.wait_for_function("old => document.getElementById('zoek-status').textContent !== old", arg=status)
    announced(tab)
    assert parse_qs(urlsplit(tab.url).query) == {"q": ["vlieger"], "wijk": ["rokkeveen"]}
    before = titles(tab)
    assert len(before) == 5 and before[0].startswith("Vijf fracties")  # the council's questions: more on De Vlieger

    tab.locator("#zoek-resultaten h2 a").first.click()
    tab.wait_for_url(re.compile("nieuws/raadsvragen-de-vlieger/"))
    tab.go_back()
    announced(tab)
    assert titles(tab) == before and tab.input_value("#zoekterm") == "vlieger"
    assert tab.input_value("#zoek-wijk") == "rokkeveen" and tab.input_value("#zoek-soort") == ""

    # a link from before the filters had names: the wijk and the type (soort) by number
    tab.goto(url + "zoeken/?q=vlieger&wijk=9&soort=1")
    announced(tab)
    assert tab.input_value("#zoek-wijk") == "rokkeveen" and tab.input_value("#zoek-soort") == "besluit"
    assert len(titles(tab)) == 1


def test_a_query_downloads_only_its_bucket_and_the_texts_on_screen(tab, sample_site):
    _, url = sample_site
    fetched = []
    tab.on("request", lambda request: fetched.append(request.url.split("/zoeken/index/")[-1])
           if "/zoeken/index/" in request.url else None)
    tab.goto(url + "zoeken/?q=college")
    status = announced(tab)
    shown = tab.locator("#zoek-resultaten li").count()
    found = int(status.split()[0])
    assert shown == 10 < found  # one screen of results, and a button for the rest
    assert sorted(f for f in fetched if not f.startswith("f/")) == ["meta.json", "t/0.json"]
    assert len([f for f in fetched if f.startswith("f/")]) == 10  # the text of the results shown, no more

    more = tab.locator("#zoek-meer")
    more.focus()
    tab.keyboard.press("Enter")
    tab.wait_for_function(f"document.querySelectorAll('#zoek-resultaten li').length === {found}")
    assert len([f for f in fetched if f.startswith("f/")]) == found
    # the keyboard goes on at the first new result; the button is gone
    assert tab.evaluate("document.activeElement.closest('li') === "
                        "document.querySelectorAll('#zoek-resultaten li')[10]")
    assert more.is_hidden()

    before = tab.evaluate("document.getElementById('zoek-status').textContent")
    tab.select_option("#zoek-wijk", "rokkeveen")  # a filter needs the articles' wijken and types
    tab.wait_for_function("location.search.includes('wijk=rokkeveen')")
    tab.wait_for_function("old => document.getElementById('zoek-status').textContent !== old", arg=before)
    announced(tab)
    assert "filters.json" in fetched and not any(f.startswith("v/") for f in fetched)


HOLD_FRAGMENTS = """
window.__gate = false; window.__held = [];
const fetched = window.fetch;
window.fetch = function (url, ...rest) {
  const answer = fetched.call(this, url, ...rest);
  if (!window.__gate || !String(url).includes("/zoeken/index/f/")) return answer;
  return new Promise((resolve) => window.__held.push(() => resolve(answer)));
};
window.__release = () => window.__held.splice(0).forEach((go) => go());
"""


def test_results_of_an_earlier_query_that_arrive_late_are_dropped(tab, sample_site):
    """A reader types on while the texts of the first results are still loading: those texts
    arrive after the new query's results and must not join them."""
    _, url = sample_site
    tab.add_init_script(HOLD_FRAGMENTS)
    tab.goto(url + "zoeken/")
    tab.evaluate("window.__gate = true")
    tab.fill("#zoekterm", "fiets")
    tab.wait_for_function("window.__held.length > 0")  # the first results' texts are on their way
    tab.evaluate("window.__gate = false")
    tab.fill("#zoekterm", "vlieger")
    found = int(announced(tab, "vlieger").split()[0])
    tab.evaluate("window.__release()")
    tab.evaluate("new Promise((done) => setTimeout(done, 0))")  # let the late answers be handled
    assert len(titles(tab)) == found == 6 and not any("fiets" in t.lower() for t in titles(tab)), titles(tab)
