"""Atom 1.0 feeds (RFC 4287): the whole site, per wijk, wethouder and dossier, and the changes of
decisions (besluiten/feed.xml: an entry each time a decision's status changed).

Every URL in a feed is absolute (a feed reader shows entries away from the site), and a feed
is a pure function of the model: ids are the articles' URLs and `updated` is the newest entry's
date, so an unchanged site gives the same bytes.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote, urljoin
from xml.etree import ElementTree as ET

from .content import Article
from .decisions import Change, changes
from .links import path_of
from .markup import ROOT
from .model import SiteModel

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 20
EMPTY_UPDATED = "2000-01-01T00:00:00Z"  # a feed without entries still needs a fixed `updated`

# Characters XML 1.0 does not allow at all; a stray one would make the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A start tag of sanitised HTML (nh3 escapes '<' and '>' inside attribute values), and its URL attributes.
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_URL_ATTR = re.compile(r'(\s(?:href|src|cite)=")([^"]*)(")')


def rfc3339(moment: datetime) -> str:
    """An RFC 3339 date-time. Offsets with seconds (Amsterdam before 1937) are not allowed: use UTC."""
    offset = moment.utcoffset()
    if offset is None or offset.seconds % 60 or offset.microseconds:
        moment = moment.astimezone(timezone.utc) if offset is not None else moment.replace(tzinfo=timezone.utc)
        return moment.isoformat().replace("+00:00", "Z")
    return moment.isoformat()


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _xml(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _xml(text)
    return element


def absolute_urls(fragment: str, page_url: str) -> str:
    """Every href/src/cite in sanitised HTML made absolute, resolved against the page it came from."""
    def attr(match: re.Match) -> str:
        url = urljoin(page_url, html.unescape(match[2]))
        return match[1] + html.escape(url, quote=True) + match[3]

    return _TAG.sub(lambda tag: _URL_ATTR.sub(attr, tag[0]), fragment)


def absolute_body(model: SiteModel, article: Article) -> str:
    """The article's body for use away from the site: internal links under base_url, all absolute."""
    base = model.config.base_url
    return absolute_urls(model.body_of(article).replace(ROOT, base), base + path_of(article))


def _content(model: SiteModel, article: Article) -> str:
    base = model.config.base_url
    body = absolute_body(model, article)
    picture = model.picture(article)
    if picture:
        src = html.escape(base + quote(picture.src, safe="/"), quote=True)
        caption = (f"<figcaption>{html.escape(article.image_caption)}</figcaption>"
                   if article.image_caption else "")
        size = f' width="{picture.variant_for(800).width}" height="{picture.variant_for(800).height}"' \
            if picture.variants else f' width="{picture.width}" height="{picture.height}"'
        body = f'<figure><img src="{src}" alt="{html.escape(article.image_alt)}"{size}>{caption}</figure>\n' + body
    return body


def _entry(feed: ET.Element, article: Article, model: SiteModel) -> None:
    base = model.config.base_url
    url = base + path_of(article)
    date = rfc3339(article.date)
    entry = _sub(feed, "entry")
    _sub(entry, "id", url)
    _sub(entry, "title", article.title)
    _sub(entry, "link", rel="alternate", type="text/html", href=url)
    _sub(entry, "published", date)
    _sub(entry, "updated", date)
    for name in [w.name for w in article.wethouders] or [model.config.title]:
        _sub(_sub(entry, "author"), "name", name)
    for wijk in article.wijken:
        _sub(entry, "category", term=wijk.slug, label=wijk.name, scheme=base + "wijk/")
    for tag in article.tags:
        _sub(entry, "category", term=tag.slug, label=tag.name, scheme=base + "tag/")
    _sub(entry, "summary", article.summary or article.title)
    _sub(entry, "content", _content(model, article), type="html")


@dataclass(frozen=True)
class Feed:
    """One feed, by what it shows: a pure value, so the build can tell it is unchanged without
    making it (fingerprint.py), as it does for pages."""

    path: str
    title: str
    folder: str
    articles: tuple[Article, ...]  # the newest FEED_SIZE, newest first


def atom(model: SiteModel, feed: Feed) -> bytes:
    """The feed's XML; `updated` is the newest entry's date."""
    base = model.config.base_url
    root = ET.Element("feed", xmlns=ATOM)
    root.set("xml:lang", model.config.language)
    _sub(root, "id", base + feed.folder)
    _sub(root, "title", feed.title)
    if model.config.tagline:
        _sub(root, "subtitle", model.config.tagline)
    _sub(root, "link", rel="self", type="application/atom+xml", href=f"{base}{feed.path}")
    _sub(root, "link", rel="alternate", type="text/html", href=base + feed.folder)
    _sub(root, "updated", rfc3339(feed.articles[0].date) if feed.articles else EMPTY_UPDATED)
    _sub(_sub(root, "author"), "name", model.config.title)
    _sub(root, "generator", "wijknieuws")
    for article in feed.articles:
        _entry(root, article, model)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def site_feeds(model: SiteModel) -> list[Feed]:
    site = model.config.title
    feeds = [Feed("feed.xml", site, "", model.articles[:FEED_SIZE])]
    for entries, index, label in ((model.wijken, model.by_wijk, lambda e: e.name),
                                  (model.wethouders, model.by_wethouder, lambda e: f"wethouder {e.name}"),
                                  (model.dossiers, model.by_dossier, lambda e: e.title)):
        for entry in entries:
            folder = path_of(entry)
            feeds.append(Feed(folder + "feed.xml", f"{site}: {label(entry)}", folder,
                              index.get(entry.slug, ())[:FEED_SIZE]))
    return feeds


@dataclass(frozen=True)
class DecisionFeed:
    """besluiten/feed.xml by what it shows, like Feed."""

    path: str
    changes: tuple[Change, ...]  # the newest FEED_SIZE, newest first


def decision_feed(model: SiteModel, path: str) -> DecisionFeed:
    return DecisionFeed(path, tuple(changes(model.decisions)[:FEED_SIZE]))


def _change_entry(feed: ET.Element, change: Change, model: SiteModel) -> None:
    base = model.config.base_url
    decision, step = change.decision, change.step
    url, reported = base + path_of(decision), step.articles[0]
    date = rfc3339(step.since)
    if change.previous is None:
        title, said = f"{decision.title}: {step.status}", f"Nieuw besluit, status {step.status}."
    else:
        title = f"{decision.title}: {change.previous} \u2192 {step.status}"
        said = f"De status is veranderd van {change.previous} in {step.status}."
    entry = _sub(feed, "entry")
    # One entry per decision and status change: the same id in every build, a new one for the next change.
    _sub(entry, "id", f"{url}#{step.since.date().isoformat()}-{step.status}")
    _sub(entry, "title", title)
    _sub(entry, "link", rel="alternate", type="text/html", href=url)
    if path_of(reported) != path_of(decision):  # a decision of its own is its article
        _sub(entry, "link", rel="related", type="text/html", href=base + path_of(reported))
    _sub(entry, "published", date)
    _sub(entry, "updated", date)
    for name in [w.name for w in reported.wethouders] or [model.config.title]:
        _sub(_sub(entry, "author"), "name", name)
    for wijk in decision.wijken:
        _sub(entry, "category", term=wijk.slug, label=wijk.name, scheme=base + "wijk/")
    _sub(entry, "category", term=step.status, label=step.status, scheme=base + "besluiten/status/")
    _sub(entry, "summary", f"{said} Gemeld in: {reported.title}.")
    article = html.escape(base + path_of(reported), quote=True)
    _sub(entry, "content", f"<p>{html.escape(said)}</p>\n<p>Gemeld in: <a href=\"{article}\">"
                           f"{html.escape(reported.title)}</a>.</p>", type="html")


def decisions_atom(model: SiteModel, feed: DecisionFeed) -> bytes:
    """besluiten/feed.xml; `updated` is the newest change's date."""
    base = model.config.base_url
    root = ET.Element("feed", xmlns=ATOM)
    root.set("xml:lang", model.config.language)
    _sub(root, "id", base + "besluiten/")
    _sub(root, "title", f"{model.config.title}: besluiten die veranderden")
    _sub(root, "link", rel="self", type="application/atom+xml", href=base + feed.path)
    _sub(root, "link", rel="alternate", type="text/html", href=base + "besluiten/")
    _sub(root, "updated", rfc3339(feed.changes[0].step.since) if feed.changes else EMPTY_UPDATED)
    _sub(_sub(root, "author"), "name", model.config.title)
    _sub(root, "generator", "wijknieuws")
    for change in feed.changes:
        _change_entry(root, change, model)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
