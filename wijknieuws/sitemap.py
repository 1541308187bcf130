"""sitemap.xml and robots.txt, so search engines find every page."""
from __future__ import annotations

from xml.etree import ElementTree as ET

from .model import SiteModel
from .pages import Page

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _lastmod(page: Page, model: SiteModel) -> str | None:
    """The date of the newest article a page shows: it changes when the page's news does."""
    article = page.context.get("article")
    shown = [article] if article else list(page.context.get("items", ())) or list(page.context.get("latest", ()))
    dates = [a.day for a in shown if a is not None]
    if not dates and model.articles:
        dates = [model.articles[0].day]
    return max(dates).isoformat() if dates else None


def sitemap(model: SiteModel, pages: list[Page]) -> bytes:
    urlset = ET.Element("urlset", xmlns=SITEMAP_NS)
    for page in pages:
        if page.path == "404.html":
            continue
        url = ET.SubElement(urlset, "url")
        folder = page.path.removesuffix("index.html")
        ET.SubElement(url, "loc").text = model.config.base_url + folder
        lastmod = _lastmod(page, model)
        if lastmod:
            ET.SubElement(url, "lastmod").text = lastmod
    ET.indent(urlset)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(urlset, encoding="utf-8") + b"\n"


def robots(model: SiteModel) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {model.config.base_url}sitemap.xml\n".encode()


def seo_files(model: SiteModel, pages: list[Page]) -> list[tuple[str, bytes]]:
    return [("sitemap.xml", sitemap(model, pages)), ("robots.txt", robots(model))]
