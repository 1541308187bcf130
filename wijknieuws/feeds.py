"""Atom 1.0 feeds (RFC 4287): the whole site, and per wijk, wethouder and dossier."""
from __future__ import annotations

import html
from xml.etree import ElementTree as ET

from .content import Article
from .links import path_of
from .markup import ROOT
from .model import SiteModel

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 20


def _sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def absolute_body(article: Article, base_url: str) -> str:
    return article.body_html.replace(ROOT, base_url)


def _entry(feed: ET.Element, article: Article, model: SiteModel) -> None:
    base = model.config.base_url
    url = base + path_of(article)
    entry = _sub(feed, "entry")
    _sub(entry, "id", url)
    _sub(entry, "title", article.title)
    _sub(entry, "link", rel="alternate", type="text/html", href=url)
    _sub(entry, "published", article.date.isoformat())
    _sub(entry, "updated", article.date.isoformat())
    for name in [w.name for w in article.wethouders] or [model.config.title]:
        _sub(_sub(entry, "author"), "name", name)
    for wijk in article.wijken:
        _sub(entry, "category", term=wijk.slug, label=wijk.name, scheme=base + "wijk/")
    for tag in article.tags:
        _sub(entry, "category", term=tag.slug, label=tag.name, scheme=base + "tag/")
    if article.summary:
        _sub(entry, "summary", article.summary)
    body = absolute_body(article, base)
    if article.image:
        body = f'<p><img src="{base}{article.image}" alt="{html.escape(article.image_alt)}"></p>\n' + body
    _sub(entry, "content", body, type="html")


def atom(model: SiteModel, title: str, folder: str, articles: tuple[Article, ...]) -> bytes:
    """One feed; its `updated` is the newest entry's date, so an unchanged site gives the same bytes."""
    base = model.config.base_url
    feed = ET.Element("feed", xmlns=ATOM)
    feed.set("xml:lang", model.config.language)
    _sub(feed, "id", base + folder)
    _sub(feed, "title", title)
    if model.config.tagline:
        _sub(feed, "subtitle", model.config.tagline)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=f"{base}{folder}feed.xml")
    _sub(feed, "link", rel="alternate", type="text/html", href=base + folder)
    newest = articles[0].date.isoformat() if articles else "2000-01-01T00:00:00+00:00"
    _sub(feed, "updated", newest)
    _sub(_sub(feed, "author"), "name", model.config.title)
    _sub(feed, "generator", "wijknieuws")
    for article in articles[:FEED_SIZE]:
        _entry(feed, article, model)
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"


def site_feeds(model: SiteModel) -> list[tuple[str, bytes]]:
    site = model.config.title
    feeds = [("feed.xml", atom(model, site, "", model.articles))]
    for kind, entries, index, label in (
            ("wijk", model.wijken, model.by_wijk, lambda e: e.name),
            ("wethouder", model.wethouders, model.by_wethouder, lambda e: f"wethouder {e.name}"),
            ("dossier", model.dossiers, model.by_dossier, lambda e: e.title)):
        for entry in entries:
            folder = path_of(entry)
            feeds.append((folder + "feed.xml",
                          atom(model, f"{site}: {label(entry)}", folder, index.get(entry.slug, ()))))
    return feeds
