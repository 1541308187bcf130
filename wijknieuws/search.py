"""The search index: static files that the search page queries in the browser.

Each word form of each article has a weight (words.py: BM25F over title, names, summary and
caption, body). The forms are filed under their stem, and the stems cut into buckets by a
hash, so a query downloads only the buckets of its words; the browser adds the rarity of each
word and ranks. Each article's text for the excerpt is a small file of its own (a fragment),
fetched only for the results on screen. The vocabulary, by word length, is fetched only when
a word finds nothing and the page looks for what the reader may have meant.

    meta.json         the number of articles and buckets, the wijken and types for the filters
    t/<bucket>.json   {stem: {form: [id gap, weight, id gap, weight, ...]}}
    f/<id>.json       [title, path, date, wijken, type, summary, caption, body text]
    v/<length>.json   [[form, articles], ...] most frequent first (v/20 holds every longer one)
    filters.json      [[wijk numbers], type number] per id, fetched only when a filter is set
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from functools import lru_cache, partial
from itertools import chain
from json.encoder import encode_basestring
from operator import sub

from .links import path_of
from .model import SiteModel
from .pages import TYPE_LABEL
from .render import dutch_date
from .words import body_text, stem

INDEX = "zoeken/index/"
DOCS_PER_BUCKET = 40   # about 40 articles' worth of postings per bucket file
MAX_BUCKETS = 512
LONGEST = 20           # the vocabulary of words this long or longer is one file


@lru_cache(maxsize=500_000)
def bucket_of(term: str, buckets: int) -> int:
    """FNV-1a over the stem's characters; static/search.js computes the same."""
    h = 0x811C9DC5
    for char in term:
        h = ((h ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return h % buckets


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _postings(flat: list) -> str:
    """[id, weight, id, weight, ...] by ascending id as the text of [gap, weight, gap, weight, ...]:
    the browser adds the gaps up."""
    ids, weights = flat[0::2], flat[1::2]
    if weights and not isinstance(weights[0], str):  # numbers, read back from a file; a first build's are text
        weights = map(str, weights)
    return ",".join(chain.from_iterable(zip(map(str, map(sub, ids, [0] + ids[:-1])), weights)))


def _bucket_file(postings: dict[str, dict[str, list]]) -> bytes:
    """{stem: {form: [gap, weight, ...]}} exactly as _json writes it, but made as text: a million
    postings at 10,000 articles are joined as the numbers (or, in a first build, the text) they
    are, not made into a list of ints and encoded again."""
    return ("{" + ",".join(
        encode_basestring(term) + ":{" + ",".join(encode_basestring(form) + ":[" + _postings(flat) + "]"
                                                  for form, flat in sorted(forms.items())) + "}"
        for term, forms in sorted(postings.items())) + "}").encode("utf-8")


def _pairs(terms: tuple[str, str]) -> dict[str, int]:
    """An article's (forms, weights) (words.article_terms) as {form: weight}."""
    forms, weights = terms
    return dict(zip(forms.split(), map(int, weights.split())))


_date = lru_cache(maxsize=4096)(dutch_date)  # Babel is slow, and days repeat


def fragment(article) -> bytes:
    """The article's fields as a JSON list of strings (what _json writes, without its set-up for
    every one of thousands of small lists)."""
    fields = [article.title, path_of(article), _date(article.day), " · ".join(w.name for w in article.wijken),
              TYPE_LABEL[article.type], article.summary, article.image_caption, body_text(article)]
    return ("[" + ",".join(map(encode_basestring, fields)) + "]").encode("utf-8")


class SearchIndex:
    """The index files, kept between builds (in the build cache) and updated in place.

    Article ids count from the oldest article, so a new article gets the next id and the
    others keep theirs: an edit or an addition rewrites only the buckets of the words it
    touches, its own fragment and the vocabulary files whose counts changed. The browser ranks
    equal scores by id, newest first.
    """

    def __init__(self):
        self.order: tuple[str, ...] = ()
        self.terms: dict[str, tuple[str, str]] = {}
        self.buckets = 0
        self.bucket_files: dict[int, bytes] = {}
        self.vocabulary: Counter = Counter()   # form -> the number of articles that have it
        self.vocabulary_files: dict[int, bytes] = {}
        self._lengths: set[int] = set()        # of the forms whose counts changed since those files
        self._postings: dict[int, dict[str, dict[str, dict[int, int]]]] = {}

    def __getstate__(self):
        # The postings are in the bucket files already; millions of ids would make the cache
        # slow to load, so a bucket is read back from its file when an edit touches it.
        return {key: value for key, value in self.__dict__.items() if key != "_postings"}

    def __setstate__(self, state):
        self.__dict__.update(state, _postings={})

    def _bucket(self, bucket: int) -> dict[str, dict[str, dict[int, int]]]:
        postings = self._postings.get(bucket)
        if postings is None:
            stored = json.loads(self.bucket_files[bucket]) if bucket in self.bucket_files else {}
            postings = self._postings[bucket] = {}
            for term, forms in stored.items():
                postings[term] = {}
                for form, flat in forms.items():
                    docs, at = {}, 0
                    for i in range(0, len(flat), 2):
                        at += flat[i]
                        docs[at] = flat[i + 1]
                    postings[term][form] = docs
        return postings

    def _change(self, doc: int, old: tuple[str, str], new: tuple[str, str]) -> set[int]:
        """Moves the article's postings from its old terms to its new ones; returns the buckets
        that changed. Only the forms that came, went or changed weight are touched: an edit of
        a sentence rewrites a few buckets, not every bucket the article has words in."""
        touched = set()
        before, after = _pairs(old), _pairs(new)
        for form in before.keys() - after.keys():
            term = stem(form)
            bucket = bucket_of(term, self.buckets)
            forms = self._bucket(bucket)[term]
            del forms[form][doc]
            if not forms[form]:
                del forms[form]
                if not forms:
                    del self._bucket(bucket)[term]
            self.vocabulary[form] -= 1
            if not self.vocabulary[form]:
                del self.vocabulary[form]
            self._lengths.add(min(len(form), LONGEST))
            touched.add(bucket)
        for form, weight in after.items():
            if before.get(form) != weight:
                term = stem(form)
                bucket = bucket_of(term, self.buckets)
                self._bucket(bucket).setdefault(term, {}).setdefault(form, {})[doc] = weight
                if form not in before:
                    self.vocabulary[form] += 1
                    self._lengths.add(min(len(form), LONGEST))
                touched.add(bucket)
        return touched

    def _fill(self, order: tuple[str, ...], terms: dict[str, tuple[str, str]]) -> dict[int, dict]:
        """All postings at once, for an empty index: each form's stem and bucket found once, the
        weights left as text, each form's postings one flat list in id order, none of _change's
        per-article bookkeeping. They are written once: an edit later reads the buckets it
        touches back from their files, as after a restart."""
        index: defaultdict[str, list] = defaultdict(list)
        # An empty index may still hold the files of an empty site (no words of any length):
        # everything is made anew.
        self.vocabulary, self.vocabulary_files, self.bucket_files = Counter(), {}, {}
        for doc, source in enumerate(order):
            forms, weights = terms[source]
            for form, weight in zip(forms.split(), weights.split()):
                index[form] += doc, weight
            self.terms[source] = terms[source]
        filled: dict[int, dict] = {bucket: {} for bucket in range(self.buckets)}
        for form, flat in index.items():
            term = stem(form)
            filled[bucket_of(term, self.buckets)].setdefault(term, {})[form] = flat
            self.vocabulary[form] = len(flat) // 2
        self._postings = {}
        return filled

    def _update_postings(self, order: tuple[str, ...], terms: dict[str, tuple[str, str]],
                         buckets: int) -> dict[int, dict]:
        """The buckets that changed, each {stem: {form: [id, weight, ...]}} by ascending id."""
        if order[:len(self.order)] != self.order or buckets != self.buckets:  # else: new articles at the end
            self.terms, self.buckets, self.bucket_files, self._postings = {}, buckets, {}, {}
            self.vocabulary, self.vocabulary_files = Counter(), {}
        self.order = order
        if not self.terms:
            return self._fill(order, terms)
        dirty = set(range(buckets)) - set(self.bucket_files)
        for doc, source in enumerate(order):
            new, old = terms[source], self.terms.get(source, ("", ""))
            if new != old:
                dirty |= self._change(doc, old, new)
                self.terms[source] = new
        return {bucket: {term: {form: list(chain.from_iterable(sorted(docs.items()))) for form, docs in forms.items()}
                         for term, forms in self._bucket(bucket).items()} for bucket in dirty}

    def _vocabulary_files(self) -> list[tuple[str, bytes]]:
        """The forms by length, most frequent first: what a misspelt word may have meant is
        within two edits, so within two letters of its length. Numbers are never meant. Made
        again only for the lengths whose counts changed."""
        dirty = self._lengths | (set(range(1, LONGEST + 1)) - set(self.vocabulary_files))
        if dirty:
            by_length: dict[int, list] = {length: [] for length in dirty}
            for form, count in self.vocabulary.items():
                length = min(len(form), LONGEST)
                if length in by_length and not form.isdigit():
                    by_length[length].append((-count, form))
            for length, forms in by_length.items():
                self.vocabulary_files[length] = _json([[form, -count] for count, form in sorted(forms)])
            self._lengths = set()
        return [(f"{INDEX}v/{length}.json", self.vocabulary_files[length]) for length in range(1, LONGEST + 1)]

    def files(self, model: SiteModel, terms: dict[str, tuple[str, str]]) -> list[tuple[str, bytes]]:
        articles = model.articles[::-1]  # oldest first: stable ids
        buckets = max(1, min(MAX_BUCKETS, -(-len(articles) // DOCS_PER_BUCKET)))
        for bucket, postings in self._update_postings(tuple(a.source for a in articles), terms, buckets).items():
            self.bucket_files[bucket] = _bucket_file(postings)
        wijken = {w.slug: i for i, w in enumerate(model.wijken)}
        types = list(TYPE_LABEL)
        files = [(INDEX + "meta.json", _json({
            "version": 3, "count": len(articles), "buckets": buckets, "longest": LONGEST,
            "wijken": [[w.slug, w.name] for w in model.wijken], "types": [[t, TYPE_LABEL[t]] for t in types]}))]
        files.append((INDEX + "filters.json", _json(
            [[[wijken[w.slug] for w in a.wijken], types.index(a.type)] for a in articles])))
        files += [(f"{INDEX}t/{b}.json", self.bucket_files[b]) for b in range(buckets)]
        files += self._vocabulary_files()
        return files

    @staticmethod
    def fragments(model: SiteModel):
        """(path, its article, how to make it) of each article's fragment: made again only when
        its article or its id (the path) changed (pipeline.py)."""
        for doc, article in enumerate(model.articles[::-1]):
            yield f"{INDEX}f/{doc}.json", article, partial(fragment, article)
