"""What a page is made from, as one hash: if it is the same as last time, so is the page.

Templates see only their page's context and the settings (render.py), so hashing the
context, the settings and the theme covers everything a page can show.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from .content import Article

# Values hashed once per build by identity (the memo keeps them alive): at most this many, for
# at 100,000 articles the memo would keep every page's lists alive (300 MB in each worker);
# 10,000 articles need fewer in a worker.
MEMO_LIMIT = 300_000
_PLAIN = frozenset({str, int, float, bool, type(None), date, datetime})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(kind):
            raise TypeError(f"cannot fingerprint {kind.__name__} in a page context")
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


class Fingerprints:
    def __init__(self, salt: str, links_of=lambda article: ()):
        self.salt = salt.encode()
        self._links_of = links_of  # what an article's body shows besides its own fields
        # Immutable values shared by many pages (articles, a listing's page folders) are
        # hashed once per build, by identity; the memo keeps them alive so ids stay unique.
        self._memo: dict[int, tuple[object, bytes, frozenset[str]]] = {}
        self._shown: set[str] = set()

    def _digest(self, value) -> bytes:
        kind = type(value)
        if kind in _PLAIN:
            return repr(value).encode()
        found = self._memo.get(id(value))
        if found is not None:
            self._shown |= found[2]
            return found[1]
        outer, self._shown = self._shown, set()
        if kind is Article:
            links = self._links_of(value)
            digest = hashlib.sha1(value.digest + repr(links).encode()).digest() if links else value.digest
            self._shown.add(value.source)
        elif kind is tuple or kind is list:
            digest = hashlib.sha1(b"[" + b",".join([self._digest(item) for item in value])).digest()
        elif kind is dict:
            digest = hashlib.sha1(b"{" + b",".join(
                [key.encode() + b":" + self._digest(value[key]) for key in sorted(value)])).digest()
        else:
            digest = hashlib.sha1(kind.__name__.encode() + b"(" + b",".join(
                [self._digest(getattr(value, name)) for name in _field_names(kind)])).digest()
        if kind is not list and kind is not dict:
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()  # afresh: the articles' own digests stay cached on them
            self._memo[id(value)] = (value, digest, frozenset(self._shown))
        outer |= self._shown
        self._shown = outer
        return digest

    def page(self, path: str, template: str, context: dict) -> tuple[str, frozenset[str]]:
        """The page's fingerprint, and the articles (by source) whose fields it shows."""
        self._shown = set()
        digest = self._digest(context)
        return (hashlib.sha1(self.salt + f"\0{path}\0{template}\0".encode() + digest).hexdigest(),
                frozenset(self._shown))

    def article(self, article: Article) -> bytes:
        return self._digest(article)

    def articles(self, articles, before: Dependencies | None, pictures: str) -> dict[str, bytes]:
        """Every article's fingerprint, by source. An article's fingerprint depends on its own
        fields (its digest), its links' targets (by slug: part of the shape) and its pictures:
        with `before` of the same shape and the same `pictures` (pictures_key()), an article of
        the same digest keeps the fingerprint it had then (at 10,000 articles, hashing them all
        again was a tenth of a rebuild in serve)."""
        known = before.articles if before is not None and before.pictures == pictures else {}
        digests = before.digests if known else {}
        found = {}
        for article in articles:
            if digests.get(article.source) == article.digest:
                digest = found[article.source] = known[article.source]
                # Memoised as _digest() would have: pages and lists that show it are hashed with it.
                self._memo[id(article)] = (article, digest, frozenset((article.source,)))
            else:
                found[article.source] = self._digest(article)
        return found


def pictures_key(pictures: dict) -> str:
    """What the articles' fingerprints depend on of the pictures: each one's digest."""
    return hashlib.sha1(repr(sorted((rel, picture.digest) for rel, picture in pictures.items())).encode()).hexdigest()


@dataclass
class Dependencies:
    """What the pages of the last good build were made from: with the same shape, only the
    pages that show an article whose fingerprint changed need a look."""

    inputs: str = ""                               # that build's inputs (cache.State.inputs)
    shape: str = ""                                # the model's shape, with the templates
    articles: dict = field(default_factory=dict)   # source -> Fingerprints.article()
    digests: dict = field(default_factory=dict)    # source -> Article.digest, of the article fingerprinted
    pictures: str = ""                             # pictures_key() of the model fingerprinted
    # Page path -> the articles it shows, as numbers into `sources`: at 100,000 articles the
    # cache read 150,000 frozensets of paths in 1.4 s, the same as tuples of numbers in 0.14 s.
    sources: list = field(default_factory=list)
    shows: dict = field(default_factory=dict)

    def numbers(self, sources: set[str]) -> set[int]:
        return {number for number, source in enumerate(self.sources) if source in sources}

    @classmethod
    def of(cls, inputs: str, shape: str, articles: dict, digests: dict, pictures: str, shows: dict,
           before: Dependencies | None) -> Dependencies:
        """shows: page path -> the sources of the articles it shows, or, for a page kept from
        the build before (same shape), its numbers there."""
        sources = list(before.sources) if before else []
        numbered = {source: number for number, source in enumerate(sources)}

        def encode(shown) -> tuple[int, ...]:
            if isinstance(shown, tuple):
                return shown
            for source in shown:
                if source not in numbered:
                    numbered[source] = len(sources)
                    sources.append(source)
            return tuple(numbered[source] for source in shown)

        return cls(inputs, shape, articles, digests, pictures, sources,
                   {path: encode(shown) for path, shown in shows.items()})
