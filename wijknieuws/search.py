"""The search index: static files that the search page queries in the browser.

The stems of each article (words.py) are cut into buckets by a hash of the stem, and the
article records into chunks, so one query downloads only the few small files it needs,
whatever the size of the site.
"""
from __future__ import annotations

import json
from functools import lru_cache

from .links import path_of
from .model import SiteModel
from .pages import TYPE_LABEL
from .render import dutch_date

INDEX = "zoeken/index/"
DOCS_PER_CHUNK = 50
DOCS_PER_BUCKET = 40   # about 40 articles' worth of postings per bucket file
MAX_BUCKETS = 512


@lru_cache(maxsize=500_000)
def bucket_of(term: str, buckets: int) -> int:
    """FNV-1a over the stem's characters; static/search.js computes the same."""
    h = 0x811C9DC5
    for char in term:
        h = ((h ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return h % buckets


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _deltas(ids) -> list[int]:
    """Ascending ids as gaps: shorter files, the browser adds them up again."""
    ids = sorted(ids)
    return [b - a for a, b in zip([0] + ids[:-1], ids)]


class SearchIndex:
    """The index files, kept between builds (in the build cache) and updated in place.

    Article ids count from the oldest article, so a new article gets the next id and the
    others keep theirs: an edit or an addition rewrites only the buckets of the words it
    touches and the chunk it is in. The browser shows the highest ids (newest) first.
    """

    def __init__(self):
        self.order: tuple[str, ...] = ()
        self.terms: dict[str, tuple[str, str]] = {}
        self.postings: list[dict[str, dict[str, set[int]]]] = []
        self.buckets = 0
        self.bucket_files: dict[int, bytes] = {}
        self.chunk_files: dict[int, tuple[tuple, bytes]] = {}

    def _add(self, doc: int, terms: tuple[str, str], sign: int) -> set[int]:
        title, every = (set(t.split()) for t in terms)
        touched = set()
        for term in every:
            bucket = bucket_of(term, self.buckets)
            touched.add(bucket)
            for part in ("text", "title") if term in title else ("text",):
                ids = self.postings[bucket][part].setdefault(term, set())
                if sign > 0:
                    ids.add(doc)
                else:
                    ids.discard(doc)
                    if not ids:
                        del self.postings[bucket][part][term]
        return touched

    def _update_postings(self, order: tuple[str, ...], terms: dict[str, tuple[str, str]], buckets: int) -> set[int]:
        if order != self.order or buckets != self.buckets:
            self.order, self.terms, self.buckets, self.bucket_files = order, {}, buckets, {}
            self.postings = [{"title": {}, "text": {}} for _ in range(buckets)]
        dirty = set(range(buckets)) - set(self.bucket_files)
        for doc, source in enumerate(order):
            new, old = terms[source], self.terms.get(source)
            if new != old:
                if old is not None:
                    dirty |= self._add(doc, old, -1)
                dirty |= self._add(doc, new, +1)
                self.terms[source] = new
        return dirty

    def files(self, model: SiteModel, terms: dict[str, tuple[str, str]]) -> list[tuple[str, bytes]]:
        articles = model.articles[::-1]  # oldest first: stable ids
        buckets = max(1, min(MAX_BUCKETS, -(-len(articles) // DOCS_PER_BUCKET)))
        for bucket in self._update_postings(tuple(a.source for a in articles), terms, buckets):
            self.bucket_files[bucket] = _json({part: {t: _deltas(ids) for t, ids in self.postings[bucket][part].items()}
                                               for part in ("title", "text")})
        wijken = {w.slug: i for i, w in enumerate(model.wijken)}
        types = list(TYPE_LABEL)
        files = [(INDEX + "meta.json", _json({
            "version": 2, "count": len(articles), "buckets": buckets, "chunk": DOCS_PER_CHUNK,
            "wijken": [w.name for w in model.wijken], "types": [TYPE_LABEL[t] for t in types]}))]
        files.append((INDEX + "filters.json", _json(
            [[[wijken[w.slug] for w in a.wijken], types.index(a.type)] for a in articles])))
        files += [(f"{INDEX}t/{b}.json", self.bucket_files[b]) for b in range(buckets)]
        for start in range(0, len(articles), DOCS_PER_CHUNK):
            records = tuple((a.title, path_of(a), dutch_date(a.day), " · ".join(w.name for w in a.wijken),
                             TYPE_LABEL[a.type], a.summary) for a in articles[start:start + DOCS_PER_CHUNK])
            number = start // DOCS_PER_CHUNK
            known = self.chunk_files.get(number)
            if known is None or known[0] != records:
                known = self.chunk_files[number] = (records, _json(records))
            files.append((f"{INDEX}d/{number}.json", known[1]))
        return files
