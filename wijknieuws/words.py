"""Words as search sees them: folded (lower case, no accents), stemmed with Dutch Snowball, and
weighed by where in an article they stand.

'bibliotheken' and 'bibliotheek' meet at 'bibliothek', 'huizen' and 'huis' at 'huis'; 'Piëzo'
is 'piezo'. The search page folds and stems queries the same way (templates/static/search.js;
the tests hold both to it).

Ranking is BM25F (Robertson and Zaragoza, "The Probabilistic Relevance Framework", 2009): each
word of an article gets one pseudo-frequency, the sum over the article's fields of the word's
count there times the field's weight, each count first scaled by the field's length against a
usual length. The browser adds the rarity of the word (idf) and the saturation (k1) at query
time. Everything here depends on the article alone, so an edit changes only its own entries in
the index, and a build from scratch gives the same bytes as one that updated the index.
"""
from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import chain

import snowballstemmer

# Words are runs of a-z and 0-9 in the folded text (search.js: /[a-z0-9]+/g); to find them,
# every byte but those (UTF-8's too) is made a space.
_SPACES = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32 for c in range(256))
_TAG = re.compile(r"<[^>]+>")
# Words in nearly every article: indexing them would only make every bucket heavier.
STOPWORDS = frozenset("""
aan al als bij dan dat de der des die dit door een en er had heb hebben heeft het hij hoe
hun ik in is je kan kunnen maar met na naar niet nog nu of om omdat ook op over te tot uit
van veel voor was wat we wel werd wie wij wil worden wordt zal ze zich zij zijn zo zou
""".split())
_STEMMER = snowballstemmer.stemmer("dutch_porter")

# The fields of an article, as (weight, b, usual length in words): a word in the title tells
# most about what the article is about, then the names it is filed under (tags, wijken,
# wethouders, dossier, type and status), then the summary and the caption of its picture,
# then the body. b is how much a longer field dilutes a word in it: a title or a list of names
# hardly does (one more tag does not make the others less true), a long body does. The usual
# lengths are fixed, not the site's averages, so that adding an article changes no other
# article's weights. A short body still weighs less than a short summary, and that less than
# the names: the order holds for articles of every length the sample and the corpus have.
FIELDS = {
    "title": (8.0, 0.3, 6),
    "names": (4.0, 0.3, 8),
    "summary": (2.0, 0.5, 30),
    "body": (1.0, 0.6, 250),
}
SCALE = 4  # weights are stored as whole numbers of quarters: small files, and exact between builds

_COMBINING = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower case without accents, exactly as the browser does it: NFKD, then drop the
    combining marks U+0300-U+036F."""
    text = text.lower()
    return text if text.isascii() else _COMBINING.sub("", unicodedata.normalize("NFKD", text))


_DOUBLED = re.compile(r"([b-df-hj-np-tv-xz])\1$")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Dutch Snowball (the Porter variant), then two steps of Dutch spelling it leaves out: a
    doubled final consonant is one (sporthallen, sporthal; processen, proces), and a final z
    or v is an s or f (huizen, huis; brieven, brief; reizen, reis)."""
    s = _STEMMER.stemWord(word)
    if len(s) >= 3:
        if _DOUBLED.search(s):
            s = s[:-1]
        if s[-1] == "z":
            s = s[:-1] + "s"
        elif s[-1] == "v":
            s = s[:-1] + "f"
    return s


def split(text: str) -> list[str]:
    """The folded words of text, stop words too: re.findall("[a-z0-9]+", fold(text)), in a third
    of the time."""
    return fold(text).encode().translate(_SPACES).decode("ascii").split()


def article_fields(article) -> dict[str, str]:
    """The text of each field of an article, as search reads it. Its type and status count as
    names: a reader looks for 'raadsvragen De Vlieger' or 'aangenomen fietsbrug'."""
    names = [t.name for t in article.tags] + [w.name for w in article.wijken + article.wethouders]
    names += [article.type, article.status or ""]
    if article.dossier:
        names.append(article.dossier.title)
    return {"title": article.title, "names": " ".join(names),
            "summary": f"{article.summary} {article.image_caption}",
            "body": body_text(article)}


def body_text(article) -> str:
    """The text of the body: markup.plain_text, its line breaks and runs of spaces left as
    they are (the page shows them as single spaces; joining them again costs a third of this)."""
    return html.unescape(_TAG.sub(" ", article.body_html))


def _counted(text: str) -> tuple[Counter, int]:
    """The words of text without the stop words, counted, and how many there were."""
    found = split(text)
    counts = Counter(found)
    length = len(found)
    for word in STOPWORDS & counts.keys():
        length -= counts.pop(word)
    return counts, length


def _scaled(name: str, length: int) -> float:
    """What one occurrence weighs in the field, in quarters: at least an eighth (a word once in
    3,000 is still there)."""
    weight, b, usual = FIELDS[name]
    return max(SCALE * weight / (1 - b + b * length / usual), 0.5)


def weigh(fields: dict[str, str]) -> tuple[str, str]:
    """Each word form of the fields with its BM25F pseudo-frequency in quarters (at least 1), as
    two strings, the forms and their weights, space-separated: thousands of articles' terms stay
    small in the cache, and making them is two joins, not a formatting per word.

    Each weight starts at 0.5, so that int() rounds it. Most forms are only in the body, where
    a form's weight depends on its count alone: those are looked up in a table by count. The
    few forms of the short fields are added up one by one, in the same order as always (body,
    summary, names, title), so that the sums are the same to the last bit."""
    counts, length = _counted(fields["body"])
    body = _scaled("body", length) if length else 0.0
    shared: dict[str, float] = {}  # the forms of the short fields, with their sums so far
    for name in ("summary", "names", "title"):
        found, length = _counted(fields[name])
        if not length:
            continue
        scaled = _scaled(name, length)
        for form, count in found.items():
            if form not in shared:
                shared[form] = counts.pop(form) * body + 0.5 if form in counts else 0.5
            shared[form] += count * scaled
    by_count = [str(int(count * body + 0.5)) for count in range(max(counts.values(), default=0) + 1)]
    return (" ".join(chain(counts, shared)),
            " ".join(chain(map(by_count.__getitem__, counts.values()), map(str, map(int, shared.values())))))


def article_terms(article) -> tuple[str, str]:
    return weigh(article_fields(article))
