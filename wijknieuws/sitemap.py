"""sitemap.xml and robots.txt, so search engines find every page.

The sitemap is built as text: with one line per page it stays fast for tens of thousands of
pages, and escaping every value keeps it well-formed XML. Same pages in, same bytes out.
"""
from __future__ import annotations

import posixpath
from collections.abc import Iterable
from urllib.parse import quote

from .model import SiteModel
from .pages import Page

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NOT_PAGES = ("404.html",)          # served for missing pages; not a page to index
EMAIL = "nieuwsbrief.html"         # the e-mail body of a newsletter edition, not a page
MAX_URLS = 50_000                  # per sitemap file, by the protocol (sitemaps.org)


def _escape(text: str) -> str:
    """&, < and > as XML entities (xml.sax.saxutils.escape, which would import urllib.request
    and http.client into every command: 8 ms of each build's start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lastmod(page: Page, model: SiteModel) -> str | None:
    """The date of the newest article a page shows: it changes when the page's news does."""
    article = page.context.get("article") or page.context.get("decision")  # a decision's page: its newest news
    shown = [article] if article else list(page.context.get("items", ())) or list(page.context.get("latest", ()))
    moments = [a.date for a in shown if a is not None]
    if not moments and model.articles:
        moments = [model.articles[0].date]
    return max(moments).date().isoformat() if moments else None


def is_page(path: str) -> bool:
    """An HTML page a search engine should index (not the 404 page, not an e-mail body)."""
    return path.endswith(".html") and path not in NOT_PAGES and posixpath.basename(path) != EMAIL


def _url(base: str, path: str, lastmod: str | None) -> str:
    folder = path.removesuffix("index.html") if posixpath.basename(path) == "index.html" else path
    loc = _escape(base + quote(folder, safe="/"))
    return f"<url><loc>{loc}</loc><lastmod>{lastmod}</lastmod></url>" if lastmod else f"<url><loc>{loc}</loc></url>"


def _listed(pages: list[Page], extra: Iterable[str]) -> list[tuple[str, Page | None]]:
    """(path, page) of every HTML page the sitemap lists, once each in its order; `extra` are
    paths of files written outside pages.py (e.g. the newsletter's web versions), without a page."""
    listed, seen = [], set()
    for page in pages:
        if is_page(page.path) and page.path not in seen:
            seen.add(page.path)
            listed.append((page.path, page))
    listed += [(path, None) for path in sorted(set(extra) - seen) if is_page(path)]
    return listed


def _urls(model: SiteModel, pages: list[Page], extra: Iterable[str]) -> list[tuple[str, str | None]]:
    """(<url> element, lastmod) per listed page; extra pages have no lastmod."""
    base = model.config.base_url
    urls = []
    for path, page in _listed(pages, extra):
        lastmod = _lastmod(page, model) if page else None
        urls.append((_url(base, path, lastmod), lastmod))
    return urls


def _document(root: str, lines: Iterable[str]) -> bytes:
    return "\n".join(['<?xml version="1.0" encoding="utf-8"?>', f'<{root} xmlns="{SITEMAP_NS}">', *lines,
                      f"</{root}>\n"]).encode("utf-8")


def sitemap(model: SiteModel, pages: list[Page], extra: Iterable[str] = ()) -> bytes:
    """One <urlset> with a <url> per page."""
    return _document("urlset", [line for line, _ in _urls(model, pages, extra)])


def sitemap_files(model: SiteModel, pages: list[Page], extra: Iterable[str] = (),
                  limit: int | None = None) -> list[tuple[str, bytes]]:
    """sitemap.xml; past the protocol's limit of 50,000 URLs per file it is a sitemap index
    of sitemap-1.xml, sitemap-2.xml, ... (a large city's site has more pages than that)."""
    limit = limit or MAX_URLS
    urls = _urls(model, pages, extra)
    if len(urls) <= limit:
        return [("sitemap.xml", _document("urlset", [line for line, _ in urls]))]
    files, index = [], []
    for number, start in enumerate(range(0, len(urls), limit), 1):
        part = urls[start:start + limit]
        name = f"sitemap-{number}.xml"
        files.append((name, _document("urlset", [line for line, _ in part])))
        dates = [lastmod for _, lastmod in part if lastmod]
        lastmod = f"<lastmod>{max(dates)}</lastmod>" if dates else ""
        index.append(f"<sitemap><loc>{_escape(model.config.base_url + name)}</loc>{lastmod}</sitemap>")
    return [("sitemap.xml", _document("sitemapindex", index)), *files]


def robots(model: SiteModel) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {model.config.base_url}sitemap.xml\n".encode()


def sitemap_names(pages: list[Page], extra: Iterable[str]) -> list[str]:
    """The files sitemap_files() makes of these pages, without making them (pipeline.py keeps
    them unmade while the site's shape is the same)."""
    count = len(_listed(pages, extra))
    if count <= MAX_URLS:
        return ["sitemap.xml"]
    return ["sitemap.xml", *(f"sitemap-{number}.xml" for number in range(1, -(-count // MAX_URLS) + 1))]
