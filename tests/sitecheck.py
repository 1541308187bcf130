"""Reading a built site as a reader (and a link checker) would."""
from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html


EMAIL = "nieuwsbrief.html"  # the e-mail body of a newsletter edition, not a page of the site


def site_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if p.name != EMAIL]


def resolve(page_path: str, href: str) -> str | None:
    """The site file a relative link on page_path points at, or None for external/anchor links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    if parts.path.startswith("/"):
        raise AssertionError(f"{page_path}: root-absolute link {href!r} breaks under a sub-path")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), unquote(parts.path)))
    if parts.path.endswith("/") or target == ".":
        target = posixpath.join(target, "index.html") if target != "." else "index.html"
    return target


def links(site: Path, page_path: str) -> dict[str, str]:
    """{link text: resolved target} of every internal <a> on a page."""
    doc = lxml_html.fromstring((site / page_path).read_bytes())
    found = {}
    for a in doc.iter("a"):
        target = resolve(page_path, a.get("href", ""))
        if target:
            found.setdefault(" ".join(a.text_content().split()), target)
    return found


def broken_links(site: Path) -> list[str]:
    """Every internal href/src in every HTML page that does not resolve to a file in the output."""
    broken = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel == "404.html" or path.name == EMAIL:  # 404: root-absolute by design; e-mail: absolute URLs
            continue
        doc = lxml_html.fromstring(path.read_bytes())
        for element in doc.iter():
            for attr in ("href", "src"):
                value = element.get(attr)
                if value is None:
                    continue
                target = resolve(rel, value)
                if target and not (site / target).is_file():
                    broken.append(f"{rel}: {attr}={value}")
    return broken


def reachable(site: Path, start: str = "index.html") -> set[str]:
    """Every HTML page a reader can reach by following links from start."""
    seen, todo = set(), [start]
    while todo:
        page = todo.pop()
        if page in seen or not page.endswith(".html") or not (site / page).is_file():
            continue
        seen.add(page)
        todo.extend(links(site, page).values())
    return seen
