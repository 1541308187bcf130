"""Words as search sees them: folded (lower case, no accents) and stemmed with Dutch Snowball.

'bibliotheken' and 'bibliotheek' meet at 'bibliothek'; 'Piëzo' is 'piezo'. The search page
folds and stems queries the same way (templates/static/search.js; the tests hold both to it).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from .markup import plain_text

_WORD = re.compile(r"[a-z0-9]+")
# Words in nearly every article: indexing them would only make every bucket heavier.
STOPWORDS = frozenset("""
aan al als bij dan dat de der des die dit door een en er had heb hebben heeft het hij hoe
hun ik in is je kan kunnen maar met na naar niet nog nu of om omdat ook op over te tot uit
van veel voor was wat we wel werd wie wij wil worden wordt zal ze zich zij zijn zo zou
""".split())
_STEMMER = snowballstemmer.stemmer("dutch_porter")


_COMBINING = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower case without accents, exactly as the browser does it: NFKD, then drop the
    combining marks U+0300-U+036F."""
    text = text.lower()
    return text if text.isascii() else _COMBINING.sub("", unicodedata.normalize("NFKD", text))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def terms(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(fold(text)) if w not in STOPWORDS}


def article_terms(article) -> tuple[str, str]:
    """(stems of the title, stems of everything a reader might search the article by), each as
    one sorted, space-separated string: thousands of articles' terms stay small in the cache."""
    title = terms(article.title)
    names = " ".join([t.name for t in article.tags] + [w.name for w in article.wijken + article.wethouders])
    every = title | terms(article.summary) | terms(names) | terms(plain_text(article.body_html))
    return " ".join(sorted(title)), " ".join(sorted(every))
