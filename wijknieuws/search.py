"""The search index: static files that the search page queries in the browser.

Words are folded (lower case, no accents: 'Piëzo' is 'piezo') and stemmed with the Dutch
Snowball stemmer ('bibliotheken' and 'bibliotheek' meet at 'bibliothek'). The index is cut
into buckets by a hash of the stem, and the article records into chunks, so one query
downloads only the few small files it needs, whatever the size of the site. The browser
folds and stems the query the same way (static/search.js; tests check both agree).
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from .content import Article
from .links import path_of
from .markup import plain_text
from .model import SiteModel
from .pages import TYPE_LABEL
from .render import dutch_date

INDEX = "zoeken/index/"
DOCS_PER_CHUNK = 50
DOCS_PER_BUCKET = 40   # about 40 articles' worth of postings per bucket file
MAX_BUCKETS = 512
_WORD = re.compile(r"[a-z0-9]+")
# Words in nearly every article: indexing them would only make every bucket heavier.
STOPWORDS = frozenset("""
aan al als bij dan dat de der des die dit door een en er had heb hebben heeft het hij hoe
hun ik in is je kan kunnen maar met na naar niet nog nu of om omdat ook op over te tot uit
van veel voor was wat we wel werd wie wij wil worden wordt zal ze zich zij zijn zo zou
""".split())
_STEMMER = snowballstemmer.stemmer("dutch_porter")


def fold(text: str) -> str:
    """Lower case without accents, as the browser does it: NFKD, then drop combining marks."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def terms(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(fold(text)) if w not in STOPWORDS}


def article_terms(article: Article) -> tuple[frozenset, frozenset]:
    """(stems of the title, stems of everything a reader might search the article by)."""
    title = terms(article.title)
    names = " ".join([t.name for t in article.tags] + [w.name for w in article.wijken + article.wethouders])
    every = title | terms(article.summary) | terms(names) | terms(plain_text(article.body_html))
    return frozenset(title), frozenset(every)


def bucket_of(term: str, buckets: int) -> int:
    """FNV-1a over the stem's characters; static/search.js computes the same."""
    h = 0x811C9DC5
    for char in term:
        h = ((h ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return h % buckets


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _deltas(ids: list[int]) -> list[int]:
    """Ascending ids as gaps: shorter files, the browser adds them up again."""
    return [b - a for a, b in zip([0] + ids[:-1], ids)]


def index_files(model: SiteModel, terms_of=article_terms) -> list[tuple[str, bytes]]:
    """Every file of the index. Article i is the i-th newest, so ascending ids are newest first."""
    articles = model.articles
    buckets = max(1, min(MAX_BUCKETS, -(-len(articles) // DOCS_PER_BUCKET)))
    wijken = {w.slug: i for i, w in enumerate(model.wijken)}
    types = list(TYPE_LABEL)
    postings: list[dict[str, dict[str, list[int]]]] = [{"title": {}, "text": {}} for _ in range(buckets)]
    for doc, article in enumerate(articles):
        title, every = terms_of(article)
        for term in sorted(every):
            bucket = postings[bucket_of(term, buckets)]
            bucket["text"].setdefault(term, []).append(doc)
            if term in title:
                bucket["title"].setdefault(term, []).append(doc)
    files = [(INDEX + "meta.json", _json({
        "version": 1, "count": len(articles), "buckets": buckets, "chunk": DOCS_PER_CHUNK,
        "wijken": [w.name for w in model.wijken], "types": [TYPE_LABEL[t] for t in types]}))]
    files.append((INDEX + "filters.json", _json(
        [[[wijken[w.slug] for w in a.wijken], types.index(a.type)] for a in articles])))
    for number, bucket in enumerate(postings):
        files.append((f"{INDEX}t/{number}.json", _json(
            {part: {t: _deltas(ids) for t, ids in bucket[part].items()} for part in ("title", "text")})))
    for start in range(0, len(articles), DOCS_PER_CHUNK):
        files.append((f"{INDEX}d/{start // DOCS_PER_CHUNK}.json", _json([
            [a.title, path_of(a), dutch_date(a.day), " · ".join(w.name for w in a.wijken), TYPE_LABEL[a.type],
             a.summary] for a in articles[start:start + DOCS_PER_CHUNK]])))
    return files
