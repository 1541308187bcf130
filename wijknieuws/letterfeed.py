"""The Atom feed (RFC 4287) of a list's newsletter editions, for mailing tools that send a
newsletter by themselves from a feed (RSS-to-email): one entry per edition, newest first, its
web version as the link and its e-mail body as the content.

Like the site's feeds, a pure function of what it shows: ids are the editions' web addresses and
every date is the edition's send time, so the same editions give the same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from .feeds import ATOM, EMPTY_UPDATED, FEED_SIZE, rfc3339
from .feeds import _xml as xml_text  # without the characters XML does not allow
from .registry import SiteConfig


@dataclass(frozen=True)
class FeedEntry:
    url: str            # the web version, absolute
    title: str          # the e-mail's subject
    summary: str        # its preheader
    updated: datetime   # when it is sent
    html: str           # the e-mail body, as sent


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def edition_feed(config: SiteConfig, path: str, title: str, folder: str, entries: list[FeedEntry]) -> bytes:
    """The feed at `path` of the newest FEED_SIZE entries (given newest first); `folder` is the
    archive page it belongs to."""
    base = config.base_url
    entries = entries[:FEED_SIZE]
    root = ET.Element("feed", xmlns=ATOM)
    root.set("xml:lang", config.language)
    _sub(root, "id", base + path)
    _sub(root, "title", title)
    _sub(root, "link", rel="self", type="application/atom+xml", href=base + path)
    _sub(root, "link", rel="alternate", type="text/html", href=base + folder)
    _sub(root, "updated", rfc3339(entries[0].updated) if entries else EMPTY_UPDATED)
    _sub(_sub(root, "author"), "name", config.title)
    _sub(root, "generator", "wijknieuws")
    for item in entries:
        entry = _sub(root, "entry")
        _sub(entry, "id", item.url)
        _sub(entry, "title", item.title)
        _sub(entry, "link", rel="alternate", type="text/html", href=item.url)
        _sub(entry, "published", rfc3339(item.updated))
        _sub(entry, "updated", rfc3339(item.updated))
        _sub(entry, "summary", item.summary)
        _sub(entry, "content", item.html, type="html")
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
