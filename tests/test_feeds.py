"""What machines read: the Atom feeds (RFC 4287), sitemap.xml and robots.txt, and the 404 page.

The feeds are checked by `atom_problems`, a structural validator of the RFC's rules, and then
for what a feed reader needs: absolute URLs everywhere, ids that never change, newest first.
"""
from __future__ import annotations

import re
import shutil
import textwrap
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import ARTICLES, page, write_content
from sitecheck import resolve, site_pages

from wijknieuws.pages import Page
from wijknieuws.pipeline import Options, load
from wijknieuws.sitemap import sitemap, sitemap_files

A = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://nieuws.example.nl/"
SUB = "https://gemeente.nl/nieuws/"
SITE_TITLE = "Stadsnieuws Testdorp"
WIJKEN = ("rokkeveen", "oosterheem", "de-leyens")
FEEDS = ["feed.xml", *(f"wijk/{w}/feed.xml" for w in WIJKEN), "wethouder/ter-laak/feed.xml",
         "dossier/huizen-van-de-wijk/feed.xml"]
# RFC 3339 section 5.6 date-time (Atom date constructs, RFC 4287 section 3.3)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
W3C_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$")


def build(cli, *args):
    result = cli("build", *args)
    assert result.code == 0, result.err
    return result


# ------------------------------------------------------------------ an Atom validator (RFC 4287)

FEED_CHILDREN = {"author", "category", "contributor", "generator", "icon", "id", "link", "logo", "rights",
                 "subtitle", "title", "updated", "entry"}
ENTRY_CHILDREN = {"author", "category", "content", "contributor", "id", "link", "published", "rights",
                  "source", "summary", "title", "updated"}
TEXT_CONSTRUCTS = {"title", "subtitle", "summary", "rights"}


def _is_absolute_iri(value: str | None) -> bool:
    parts = urlsplit(value or "")
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("tag", "urn", "mailto"))


def _date(value: str | None) -> datetime | None:
    if value is None or not RFC3339.match(value):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _container_problems(where: str, element, allowed: set[str], once: set[str], required: set[str]) -> list[str]:
    problems = []
    names = [child.tag.removeprefix(A) for child in element if isinstance(child.tag, str)]
    for child in element:
        if isinstance(child.tag, str) and not child.tag.startswith(A):
            problems.append(f"{where}: element {child.tag} outside the Atom namespace")
    for name in names:
        if name not in allowed:
            problems.append(f"{where}: atom:{name} is not allowed here")
    for name in required:
        if names.count(name) != 1:
            problems.append(f"{where}: needs exactly one atom:{name}, has {names.count(name)}")
    for name in once - required:
        if names.count(name) > 1:
            problems.append(f"{where}: at most one atom:{name}, has {names.count(name)}")
    return problems


def _common_problems(where: str, element) -> list[str]:
    """Rules for the constructs a feed and an entry share."""
    problems = []
    ident = element.find(A + "id")
    if ident is not None and not _is_absolute_iri(ident.text):
        problems.append(f"{where}: atom:id {ident.text!r} is not an absolute IRI (4.2.6)")
    for name in ("updated", "published"):
        for date in element.findall(A + name):
            if _date(date.text) is None:
                problems.append(f"{where}: atom:{name} {date.text!r} is not an RFC 3339 date-time (3.3)")
    for name in TEXT_CONSTRUCTS:
        for text in element.findall(A + name):
            kind = text.get("type", "text")
            if kind not in ("text", "html", "xhtml"):
                problems.append(f"{where}: atom:{name} type={kind!r} (3.1.1)")
            if kind != "xhtml" and len(text):
                problems.append(f"{where}: atom:{name} of type {kind} has child elements (3.1.1)")
    for person in element.findall(A + "author") + element.findall(A + "contributor"):
        names = person.findall(A + "name")
        if len(names) != 1 or not (names[0].text or "").strip():
            problems.append(f"{where}: a person construct needs exactly one non-empty atom:name (3.2)")
        if len(person.findall(A + "uri")) > 1 or len(person.findall(A + "email")) > 1:
            problems.append(f"{where}: a person construct has more than one uri or email (3.2)")
    for category in element.findall(A + "category"):
        if not category.get("term"):
            problems.append(f"{where}: atom:category without term (4.2.2)")
    alternates = set()
    for link in element.findall(A + "link"):
        href = link.get("href")
        if not href:
            problems.append(f"{where}: atom:link without href (4.2.7)")
        elif not _is_absolute_iri(href):
            problems.append(f"{where}: atom:link href {href!r} is not absolute")
        if link.get("rel", "alternate") == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            if key in alternates:
                problems.append(f"{where}: two alternate links with the same type and hreflang (4.1.1)")
            alternates.add(key)
    return problems


def atom_problems(data: bytes) -> list[str]:
    """Everything in a feed document that breaks a rule of RFC 4287 checkable from its structure."""
    try:
        feed = etree.fromstring(data)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    if feed.tag != A + "feed":
        return [f"root element is {feed.tag}, not atom:feed"]
    problems = _container_problems("feed", feed, FEED_CHILDREN,
                                   {"generator", "icon", "id", "logo", "rights", "subtitle", "title", "updated"},
                                   {"id", "title", "updated"})
    problems += _common_problems("feed", feed)
    if not [link for link in feed.findall(A + "link") if link.get("rel") == "self"]:
        problems.append("feed: no atom:link rel='self' (4.1.1, SHOULD)")
    entries = feed.findall(A + "entry")
    if feed.find(A + "author") is None and any(e.find(A + "author") is None for e in entries):
        problems.append("feed: no atom:author, and not every entry has one (4.1.1)")
    seen = set()
    for number, entry in enumerate(entries, 1):
        where = f"entry {number}"
        problems += _container_problems(where, entry, ENTRY_CHILDREN,
                                        {"content", "id", "published", "rights", "source", "summary", "title",
                                         "updated"}, {"id", "title", "updated"})
        problems += _common_problems(where, entry)
        key = (entry.findtext(A + "id"), entry.findtext(A + "updated"))
        if key in seen:
            problems.append(f"{where}: same atom:id and atom:updated as an earlier entry (4.1.1)")
        seen.add(key)
        content = entry.find(A + "content")
        links = entry.findall(A + "link")
        if content is None and not [link for link in links if link.get("rel", "alternate") == "alternate"]:
            problems.append(f"{where}: no atom:content and no alternate link (4.1.2)")
        if content is not None:
            kind = content.get("type", "text")
            if content.get("src") is not None and entry.find(A + "summary") is None:
                problems.append(f"{where}: out-of-line content needs an atom:summary (4.1.2)")
            if kind in ("text", "html") and len(content):
                problems.append(f"{where}: atom:content of type {kind} has child elements (4.1.3.3)")
    return problems


def feed_of(site: Path, rel: str):
    data = (site / rel).read_bytes()
    assert atom_problems(data) == [], rel
    return etree.fromstring(data)


def entries(feed) -> list:
    return feed.findall(A + "entry")


def slug_of(entry) -> str:
    return entry.findtext(A + "id").rstrip("/").rsplit("/", 1)[1]


def local_file(site: Path, url: str, base: str) -> Path:
    """The file in the output that an absolute URL under base points at."""
    assert url.startswith(base), url
    rel = urlsplit(url).path.removeprefix(urlsplit(base).path)
    return site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def test_the_validator_catches_broken_feeds():
    good = (b'<feed xmlns="http://www.w3.org/2005/Atom"><id>https://x.nl/</id><title>T</title>'
            b'<updated>2021-08-24T00:00:00+02:00</updated><author><name>A</name></author>'
            b'<link rel="self" href="https://x.nl/feed.xml"/>'
            b'<entry><id>https://x.nl/a/</id><title>a</title><updated>2021-08-24T00:00:00Z</updated>'
            b'<link href="https://x.nl/a/"/></entry></feed>')
    assert atom_problems(good) == []
    for broken, rule in ((good.replace(b"<id>https://x.nl/</id>", b""), "exactly one atom:id"),
                         (good.replace(b"https://x.nl/a/</id>", b"a/</id>"), "absolute IRI"),
                         (good.replace(b"2021-08-24T00:00:00Z", b"24 Aug 2021"), "RFC 3339"),
                         (good.replace(b"<author><name>A</name></author>", b""), "atom:author"),
                         (good.replace(b'href="https://x.nl/a/"', b'href="a/"'), "not absolute"),
                         (good.replace(b"<title>a</title>", b"<title>a</title><title>b</title>"), "atom:title"),
                         (good.replace(b"</feed>", b"<entry/></feed>"), "needs exactly one"),
                         (good.replace(b"<feed ", b"<rss ").replace(b"</feed>", b"</rss>"), "not atom:feed"),
                         (good.replace(b"</feed>", b""), "well-formed")):
        assert any(rule in p for p in atom_problems(broken)), (rule, atom_problems(broken))


# ------------------------------------------------------------------ the feeds

def test_every_feed_at_its_spec_path_is_valid_atom(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    for rel in FEEDS:
        feed = feed_of(site, rel)
        folder = rel.removesuffix("feed.xml")
        assert feed.findtext(A + "id") == BASE + folder
        assert feed.findtext(A + "title").startswith(SITE_TITLE)
        assert feed.findtext(f"{A}author/{A}name") == SITE_TITLE
        links = {link.get("rel"): link for link in feed.findall(A + "link")}
        assert links["self"].get("href") == BASE + rel
        assert links["self"].get("type") == "application/atom+xml"
        assert links["alternate"].get("href") == BASE + folder
        assert local_file(site, links["alternate"].get("href"), BASE).is_file()
        for entry in entries(feed):
            alternate = entry.find(A + "link[@rel='alternate']")
            assert alternate.get("href") == entry.findtext(A + "id")
            assert local_file(site, alternate.get("href"), BASE).is_file()


def test_site_feed_newest_first_with_author_summary_and_dates(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    feed = feed_of(site, "feed.xml")
    items = entries(feed)
    assert [slug_of(e) for e in items] == ["vlieger", "memo", "voorstel", "fiets"]  # no draft
    updated = [datetime.fromisoformat(e.findtext(A + "updated").replace("Z", "+00:00")) for e in items]
    assert updated == sorted(updated, reverse=True)
    assert feed.findtext(A + "updated") == items[0].findtext(A + "updated") == "2021-08-24T00:00:00+02:00"
    vlieger, memo, voorstel, fiets = items
    assert vlieger.findtext(A + "title") == "De Vlieger blijft dicht"
    assert voorstel.findtext(A + "updated") == "2020-06-29T20:30:00+02:00"  # a time in Amsterdam, summer
    assert [a.findtext(A + "name") for a in vlieger.findall(A + "author")] == ["Ter Laak"]
    assert [a.findtext(A + "name") for a in voorstel.findall(A + "author")] == [SITE_TITLE]  # no wethouder
    for entry in items:
        assert (entry.findtext(A + "summary") or "").strip(), slug_of(entry)
        assert entry.find(A + "content").get("type") == "html"
    assert "De activiteiten verhuizen naar de Nathaliegang." in vlieger.findtext(A + "summary")
    terms = {(c.get("scheme"), c.get("term")) for c in vlieger.findall(A + "category")}
    assert {(BASE + "wijk/", "rokkeveen"), (BASE + "tag/", "inzet")} <= terms


def test_feeds_per_wijk_wethouder_and_dossier_hold_their_articles(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    expected = {"wijk/rokkeveen/feed.xml": ["vlieger", "memo"],
                "wijk/oosterheem/feed.xml": ["memo", "fiets"],
                "wijk/de-leyens/feed.xml": ["voorstel"],
                "wethouder/ter-laak/feed.xml": ["vlieger", "memo"],
                "dossier/huizen-van-de-wijk/feed.xml": ["vlieger", "memo"]}
    for rel, slugs in expected.items():
        feed = feed_of(site, rel)
        assert [slug_of(e) for e in entries(feed)] == slugs, rel
        assert feed.findtext(A + "updated") == entries(feed)[0].findtext(A + "updated")
    assert feed_of(site, "wijk/rokkeveen/feed.xml").findtext(A + "title") == f"{SITE_TITLE}: Rokkeveen"


def test_content_has_only_absolute_urls(cli, tmp_path):
    articles = dict(ARTICLES)
    articles["2021/links.md"] = """\
        ---
        title: Alle soorten links
        date: 2021-09-10
        wijk: Rokkeveen
        ---

        Zie [de kop](#besluit), [het memo](memo.md#kop), [de site](/over/),
        [elders](https://example.org/x?a=1&b=2) en [mail](mailto:info@example.nl).

        ![De Vlieger](../images/vlieger.png)
        """
    write_content(tmp_path, articles)
    build(cli, "--base-url", SUB)
    site = tmp_path / "site"
    for rel in FEEDS:
        for entry in entries(feed_of(site, rel)):
            content = entry.findtext(A + "content")
            assert "__wn_root__" not in content
            fragment = lxml_html.fragment_fromstring(content, create_parent="div")
            srcsets = [item.split()[0] for value in fragment.xpath("//@srcset") for item in value.split(",")]
            for url in fragment.xpath("//@href | //@src") + srcsets:
                parts = urlsplit(url)
                assert parts.scheme in ("https", "mailto"), (rel, url)
                assert parts.netloc or parts.scheme == "mailto", (rel, url)
                if url.startswith(SUB) and "#" not in url:
                    assert local_file(site, url, SUB).is_file(), url
    by_slug = {slug_of(e): e for e in entries(feed_of(site, "feed.xml"))}
    body = lxml_html.fragment_fromstring(by_slug["links"].findtext(A + "content"), create_parent="div")
    assert body.xpath("//a/@href") == [SUB + "nieuws/links/#besluit", SUB + "nieuws/memo/#kop",
                                       "https://gemeente.nl/over/", "https://example.org/x?a=1&b=2",
                                       "mailto:info@example.nl"]
    # pictures as their published copies (the original file is not published)
    [src] = body.xpath("//img/@src")
    assert src.startswith(SUB + "media/vlieger-") and src.endswith(".png")
    vlieger = lxml_html.fragment_fromstring(by_slug["vlieger"].findtext(A + "content"), create_parent="div")
    assert vlieger.xpath("//img/@src")[0] == src  # the article's own image first
    assert vlieger.xpath("//img/@alt")[0] == "Het gebouw van De Vlieger"
    assert SUB + "nieuws/voorstel/" in vlieger.xpath("//a/@href")


def test_entry_ids_are_stable_across_builds(cli, content, tmp_path):
    build(cli, "--out", "a")
    build(cli, "--out", "b")

    def ids(out: str, rel: str = "feed.xml") -> list[str]:
        return [e.findtext(A + "id") for e in entries(feed_of(tmp_path / out, rel))]

    for rel in FEEDS:
        assert ids("a", rel) == ids("b", rel), rel
    first = ids("a")
    assert len(set(first)) == len(first) and BASE not in first
    assert set(ids("a", "wijk/rokkeveen/feed.xml")) <= set(first)  # one article, one id, in every feed
    # a new article does not change the ids of the others
    (content / "2021/nieuw.md").write_text("---\ntitle: Nieuw\ndate: 2021-10-01\nwijk: Rokkeveen\n---\n\nTekst.\n",
                                           encoding="utf-8")
    build(cli, "--out", "c")
    assert ids("c") == [BASE + "nieuws/nieuw/", *first]


def test_at_most_twenty_newest_entries(cli, tmp_path):
    articles = {f"2021/bericht-{n:02}.md": f"---\ntitle: Bericht {n}\ndate: 2021-03-{n:02}\nwijk: Rokkeveen\n"
                                           f"---\n\nTekst {n}.\n" for n in range(1, 26)}
    write_content(tmp_path, articles)
    build(cli)
    site = tmp_path / "site"
    for rel in ("feed.xml", "wijk/rokkeveen/feed.xml"):
        feed = feed_of(site, rel)
        assert [slug_of(e) for e in entries(feed)] == [f"bericht-{n:02}" for n in range(25, 5, -1)], rel
        assert feed.findtext(A + "updated") == "2021-03-25T00:00:00+01:00"
    empty = feed_of(site, "wijk/oosterheem/feed.xml")  # a wijk without articles: a valid, empty feed
    assert entries(empty) == [] and empty.findtext(A + "updated")


def test_titles_are_escaped_and_old_dates_stay_rfc3339(cli, tmp_path):
    write_content(tmp_path, {"a.md": "---\ntitle: 'Raad & college: <akkoord>'\ndate: 1930-05-01\n"
                                     "wijk: Rokkeveen\n---\n\nOude <b>tekst</b> & meer.\n"})
    build(cli)
    feed = feed_of(tmp_path / "site", "feed.xml")
    entry = entries(feed)[0]
    assert entry.findtext(A + "title") == "Raad & college: <akkoord>"
    # Amsterdam's offset in 1930 was +00:19:32, which RFC 3339 cannot write: the same moment in UTC
    assert entry.findtext(A + "updated") == "1930-04-30T23:40:28Z" == feed.findtext(A + "updated")


def test_every_page_announces_the_site_feed_and_its_own(cli, content, tmp_path):
    build(cli, "--base-url", SUB)
    site = tmp_path / "site"
    own = {"wijk/rokkeveen/index.html": "wijk/rokkeveen/feed.xml",
           "wethouder/ter-laak/index.html": "wethouder/ter-laak/feed.xml",
           "dossier/huizen-van-de-wijk/index.html": "dossier/huizen-van-de-wijk/feed.xml",
           "nieuwsbrief/index.html": "nieuwsbrief/feed.xml"}  # the newsletter editions (issue 17)
    for path in site_pages(site):
        rel = path.relative_to(site).as_posix()
        hrefs = page(site, rel).xpath("/html/head/link[@rel='alternate'][@type='application/atom+xml']/@href")
        if rel == "404.html":  # served at any depth: root-absolute under the base path
            targets = [h.removeprefix("/nieuws/") for h in hrefs if h.startswith("/nieuws/")]
        else:
            targets = [resolve(rel, h) for h in hrefs]
        assert targets and targets[0] == "feed.xml", (rel, hrefs)
        for target in targets:
            assert (site / target).is_file(), (rel, target)
            assert atom_problems((site / target).read_bytes()) == []
        if rel in own:
            assert targets == ["feed.xml", own[rel]], rel
        elif rel.startswith(("wijk/", "wethouder/", "dossier/")) and rel.count("/") > 1:
            assert len(targets) == 2 and targets[1] == rel.split("/")[0] + "/" + rel.split("/")[1] + "/feed.xml"
        elif rel == "besluiten/index.html" or rel.startswith("besluiten/pagina/"):  # their changes
            assert targets == ["feed.xml", "besluiten/feed.xml"], rel
        else:
            assert targets == ["feed.xml"], rel


def test_a_paginated_wijk_page_announces_the_wijk_feed(cli, tmp_path):
    articles = {f"2021/b-{n}.md": f"---\ntitle: B {n}\ndate: 2021-03-0{n}\nwijk: Rokkeveen\n---\n\nT.\n"
                for n in range(1, 5)}
    write_content(tmp_path, articles)
    build(cli)
    rel = "wijk/rokkeveen/pagina/2/index.html"
    hrefs = page(tmp_path / "site", rel).xpath("//head/link[@type='application/atom+xml']/@href")
    assert [resolve(rel, h) for h in hrefs] == ["feed.xml", "wijk/rokkeveen/feed.xml"]


# ------------------------------------------------------------------ sitemap.xml, robots.txt and 404.html

def sitemap_locs(site: Path, base: str) -> dict[str, str | None]:
    """{loc: lastmod} after checking the sitemap protocol's structure."""
    data = (site / "sitemap.xml").read_bytes()
    assert len(data) < 50 * 1024 * 1024
    urlset = etree.fromstring(data)
    assert urlset.tag == SM + "urlset"
    found = {}
    for url in urlset:
        assert url.tag == SM + "url"
        tags = [child.tag for child in url]
        assert tags.count(SM + "loc") == 1 and set(tags) <= {SM + t for t in ("loc", "lastmod", "changefreq",
                                                                                "priority")}, tags
        loc = url.findtext(SM + "loc")
        assert loc.startswith(base) and len(loc) < 2048, loc
        assert loc not in found, f"{loc} twice"
        lastmod = url.findtext(SM + "lastmod")
        assert lastmod is None or W3C_DATE.match(lastmod), lastmod
        found[loc] = lastmod
    assert len(found) <= 50_000
    return found


@pytest.mark.parametrize("base", [BASE, SUB])
def test_sitemap_lists_every_page_and_robots_points_at_it(cli, content, tmp_path, base):
    build(cli, "--base-url", base)
    site = tmp_path / "site"
    locs = sitemap_locs(site, base)
    files = {local_file(site, loc, base).relative_to(site).as_posix() for loc in locs}
    for rel in files:
        assert (site / rel).is_file(), rel
    pages = {p.relative_to(site).as_posix() for p in site_pages(site)}
    assert files == {p for p in pages if p != "404.html"}
    assert locs[base] == "2021-08-24" and locs[base + "nieuws/memo/"] == "2021-04-15"
    assert (site / "robots.txt").read_text(encoding="utf-8").splitlines()[-1] == f"Sitemap: {base}sitemap.xml"


def test_sitemap_lists_the_newsletter_web_pages(cli, content, tmp_path):
    assert cli("newsletter", "--since", "2021-08-01", "--until", "2021-08-31").code == 0
    build(cli)
    site = tmp_path / "site"
    assert (site / "nieuwsbrief/2021-08-31/index.html").is_file()
    locs = sitemap_locs(site, BASE)
    assert BASE + "nieuwsbrief/2021-08-31/" in locs and BASE + "nieuwsbrief/" in locs


def test_sitemap_takes_extra_pages_but_no_email_bodies(content, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = load(Options(content=content)).model
    pages = [Page("index.html", "home.html"), Page("404.html", "404.html")]
    extra = ["nieuwsbrief/index.html", "nieuwsbrief/2021-08-31/index.html", "nieuwsbrief/2021-08-31/nieuwsbrief.html",
             "nieuwsbrief/2021-08-31/nieuwsbrief.eml", "index.html"]
    urlset = etree.fromstring(sitemap(model, pages, extra))
    assert [u.findtext(SM + "loc") for u in urlset] == [BASE, BASE + "nieuwsbrief/2021-08-31/", BASE + "nieuwsbrief/"]


def test_sitemap_of_sixteen_thousand_pages_is_fast_and_deterministic(content, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = load(Options(content=content)).model
    pages = [Page(f"nieuws/bericht-{n}/index.html", "article.html") for n in range(16_000)]
    started = time.perf_counter()
    data = sitemap(model, pages)
    assert time.perf_counter() - started < 1.0
    assert data == sitemap(model, pages)
    assert len(etree.fromstring(data)) == 16_000


def test_past_fifty_thousand_urls_sitemap_xml_is_an_index(content, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = load(Options(content=content)).model
    pages = [Page(f"nieuws/bericht-{n}/index.html", "article.html") for n in range(120_001)]
    files = dict(sitemap_files(model, pages))
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = etree.fromstring(files["sitemap.xml"])
    assert index.tag == SM + "sitemapindex"
    assert [s.findtext(SM + "loc") for s in index] == [f"{BASE}sitemap-{n}.xml" for n in (1, 2, 3)]
    assert all(W3C_DATE.match(s.findtext(SM + "lastmod")) for s in index)
    parts = [etree.fromstring(files[f"sitemap-{n}.xml"]) for n in (1, 2, 3)]
    assert [len(p) for p in parts] == [50_000, 50_000, 20_001]
    assert all(p.tag == SM + "urlset" for p in parts)
    assert parts[2][-1].findtext(SM + "loc") == BASE + "nieuws/bericht-120000/"
    assert dict(sitemap_files(model, pages[:50_000])).keys() == {"sitemap.xml"}  # at the limit: one file


def test_a_sitemap_in_parts_is_kept_while_the_site_keeps_its_shape(cli, content, tmp_path, monkeypatch):
    """Past the limit the sitemap is an index and its parts, made from the site's shape: an edit
    of an article's text does not make them again, a new date or a new article does, and
    either way they are what a build from scratch makes."""
    monkeypatch.setattr("wijknieuws.sitemap.MAX_URLS", 12)
    made = []
    monkeypatch.setattr("wijknieuws.pipeline.sitemap_files", lambda *args: made.append(1) or sitemap_files(*args))
    site = tmp_path / "site"
    vlieger = content / "2021/vlieger.md"

    def sitemaps(folder: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(folder.glob("sitemap*.xml"))}

    def full_build() -> dict[str, bytes]:
        shutil.rmtree(tmp_path / "full", ignore_errors=True)
        shutil.rmtree(tmp_path / ".wijknieuws-cache" / "full.articles", ignore_errors=True)
        build(cli, "--out", "full")
        return sitemaps(tmp_path / "full")

    def edit(old: str, new: str) -> dict[str, bytes]:
        vlieger.write_text(vlieger.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        made.clear()
        build(cli)
        return sitemaps(site)

    build(cli)
    first = sitemaps(site)
    assert len(first) >= 4 and etree.fromstring(first["sitemap.xml"]).tag == SM + "sitemapindex"

    kept = edit("Nathaliegang.", "Nathaliegang. Een zin erbij.")
    assert not made  # the article's text is in none of them: kept as they were
    assert kept == first == full_build()

    moved = edit("date: 2021-08-24", "date: 2021-08-27")
    assert made and moved.keys() == first.keys() and moved != first and moved == full_build()

    nieuw = textwrap.dedent(ARTICLES["2021/vlieger.md"]).replace("De Vlieger blijft dicht", "Een nieuw bericht")
    (content / "2021/nieuw.md").write_text(nieuw, encoding="utf-8")
    build(cli)
    grown = sitemaps(site)
    assert grown != moved and grown == full_build()


def test_404_helps_a_lost_reader(cli, content, tmp_path):
    build(cli, "--base-url", SUB)
    site = tmp_path / "site"
    doc = page(site, "404.html")
    form = doc.xpath("//main//form")[0]
    assert form.get("action") == "/nieuws/zoeken/" and (site / "zoeken/index.html").is_file()
    field = form.xpath(".//input[@type='search']")[0]
    assert field.get("name") and form.xpath(f".//label[@for='{field.get('id')}']")
    hrefs = set(doc.xpath("//main//a/@href"))
    for wijk in WIJKEN:
        assert f"/nieuws/wijk/{wijk}/" in hrefs
    for href in hrefs:
        assert href.startswith("/nieuws/") and (site / href.removeprefix("/nieuws/") / "index.html").is_file(), href

