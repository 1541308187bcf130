"""The search index and the browser's query side agree: same folding, same stems, same buckets."""
from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from itertools import accumulate
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijknieuws.search import _bucket_file, _json, _pairs, bucket_of
from wijknieuws.words import FIELDS, SCALE, STOPWORDS, fold, split, stem, weigh

ROOT = Path(__file__).resolve().parent.parent
SEARCH_JS = ROOT / "templates/static/search.js"


def node_stems(words: list[str]) -> dict:
    script = (f"const s=require({json.dumps(str(SEARCH_JS))});let d='';process.stdin.on('data',c=>d+=c);"
              "process.stdin.on('end',()=>{const w=JSON.parse(d);process.stdout.write(JSON.stringify("
              "w.map(x=>[s.stem(s.fold(x)),s.bucketOf(s.stem(s.fold(x)),257)])))});")
    run = subprocess.run([shutil.which("node") or "node", "-e", script], input=json.dumps(words),
                         capture_output=True, text=True, check=True)
    return dict(zip(words, map(tuple, json.loads(run.stdout))))


def vocabulary() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "content").rglob("*.md")))
    words = set(re.findall(r"[^\W\d_]+", text.lower()))
    rng = random.Random(2021)  # Dutch-looking nonsense reaches the stemmer's rarer branches
    letters = "aaeeiioouuyjbcdfghkllmnnprsstttvwz"
    suffixes = ["", "en", "ene", "heden", "heid", "s", "se", "e", "end", "ing", "ig", "lijk", "baar", "bar",
                "ingen", "igheid", "kken", "dde", "tten", "aar", "oor", "ieuw", "ijk", "gemen"]
    for _ in range(4000):
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(1, 9))) + rng.choice(suffixes))
    return sorted(words | {"Piëzo", "bibliotheken", "één", "yoghurt", "ayia", "koffie", "ideeën"})


def test_browser_and_build_stem_every_word_alike():
    words = vocabulary()
    from_node = node_stems(words)
    differ = {w: (from_node[w][0], stem(fold(w))) for w in words if from_node[w][0] != stem(fold(w))}
    assert differ == {}
    assert all(from_node[w][1] == bucket_of(stem(fold(w)), 257) for w in words)


def test_words_are_stemmed_in_c():
    """snowballstemmer hands the work to PyStemmer (the same Snowball algorithms in C, 30x faster:
    a site's whole vocabulary is stemmed in a first build) when it is installed; the node test
    above holds its stems to the browser's."""
    from wijknieuws.words import _STEMMER
    assert type(_STEMMER).__module__ == "Stemmer"


@pytest.mark.parametrize("a, b", [("bibliotheken", "bibliotheek"), ("Piezo", "Piëzo"), ("wijken", "wijk"),
                                  ("Huizen", "huis"), ("sporthallen", "sporthal"), ("processen", "proces"),
                                  ("brieven", "brief"), ("reizen", "reis"), ("zonnepanelen", "zonnepaneel")])
def test_dutch_forms_meet(a, b):
    assert stem(fold(a)) == stem(fold(b))


def test_index_finds_articles_by_dutch_forms(cli, content, tmp_path):
    assert cli("build").code == 0
    index = tmp_path / "site/zoeken/index"
    meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
    assert meta["count"] == 4 and ["rokkeveen", "Rokkeveen"] in meta["wijken"]

    def docs(word):
        term = stem(fold(word))
        bucket = json.loads((index / f"t/{bucket_of(term, meta['buckets'])}.json").read_text(encoding="utf-8"))
        found = set()
        for flat in bucket.get(term, {}).values():  # each form: [id gap, weight, ...]
            found |= set(accumulate(flat[0::2]))
        # ids count from the oldest; each article's fragment starts with its title
        return [json.loads((index / f"f/{i}.json").read_text(encoding="utf-8"))[0] for i in sorted(found)]

    assert docs("bibliotheken") == ["Huizen van de Wijk in de koelkast"]
    assert docs("Nathaliegangen") == ["De Vlieger blijft dicht"]
    assert docs("de") == []  # a stop word: in every article, so not indexed at all


def test_index_updated_in_place_equals_a_fresh_one(cli, tmp_path):
    """Over several buckets and chunks, edits that add and drop words, a new title and a new
    article leave the same index files as a build from scratch (which has no cache to update)."""
    from conftest import tree_bytes, write_content

    def body(n: int) -> str:
        return f"---\ntitle: Bericht {n} over wijk{n % 7}\ndate: 2021-01-{n % 28 + 1:02d}\nwijk: Rokkeveen\n---\n\n" \
               f"Buurthuis{n} opent en de bibliotheek{n % 5} sluit; fietsroute{n % 11} blijft.\n"

    content = write_content(tmp_path, {f"2021/a{n}.md": body(n) for n in range(130)})
    assert cli("build", "--jobs", "1").code == 0
    edits = [  # each one alone: an edit keeps every id, a new newest article adds one, a removal renumbers
        lambda: (content / "2021/a7.md").write_text(body(7).replace("bibliotheek2 sluit", "zwembad opent")
                                                    .replace("Bericht 7", "Melding zeven"), encoding="utf-8"),
        lambda: (content / "2021/a8.md").write_text(body(8) + "Nieuwe woorden: kinderboerderij.\n", encoding="utf-8"),
        lambda: (content / "2021/nieuw.md").write_text(body(200).replace("2021-01", "2022-01"), encoding="utf-8"),
        lambda: (content / "2021/a9.md").unlink(),
    ]
    for number, edit in enumerate(edits):
        edit()
        assert cli("build", "--jobs", "1").code == 0
        assert cli("build", "--jobs", "1", "--out", f"fresh{number}").code == 0
        index = tree_bytes(tmp_path / "site/zoeken/index")
        assert index == tree_bytes(tmp_path / f"fresh{number}/zoeken/index"), edit
    assert json.loads(index["meta.json"])["buckets"] > 2


def test_an_article_added_then_removed_leaves_no_trace_in_the_index(cli, tmp_path):
    """Found by the incremental property test: an article added at the end, then removed again."""
    from conftest import tree_bytes, write_content

    def body(day: int) -> str:
        return f"---\ntitle: Bericht\ndate: 2021-03-{day:02d}\nwijk: Rokkeveen\n---\n\nDe raad besluit.\n"

    content = write_content(tmp_path, {"2021/a.md": body(24), "2021/b.md": body(1)})
    assert cli("build").code == 0
    (content / "2021/c.md").write_text(body(27), encoding="utf-8")
    assert cli("build").code == 0
    (content / "2021/c.md").unlink()
    assert cli("build").code == 0
    assert cli("build", "--out", "fresh").code == 0
    assert tree_bytes(tmp_path / "site/zoeken/index") == tree_bytes(tmp_path / "fresh/zoeken/index")


def test_the_first_article_of_an_empty_site_fills_the_vocabulary(cli, tmp_path):
    """Found in a review: a site without articles has vocabulary files without words; the
    first article's words must reach them, as in a build from scratch."""
    from conftest import tree_bytes, write_content

    content = write_content(tmp_path, {})
    assert cli("build").code == 0
    (content / "2021").mkdir(exist_ok=True)
    (content / "2021/a.md").write_text("---\ntitle: De bibliotheek opent\ndate: 2021-03-01\nwijk: Rokkeveen\n"
                                       "---\n\nDe raad besluit.\n", encoding="utf-8")
    assert cli("build").code == 0
    assert cli("build", "--out", "fresh").code == 0
    index = tree_bytes(tmp_path / "site/zoeken/index")
    assert index == tree_bytes(tmp_path / "fresh/zoeken/index")
    assert "bibliotheek" in json.loads(index["v/11.json"])[0]


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_the_fast_word_split_is_the_regular_expression(text):
    """words.split (a byte table) finds exactly the words of [a-z0-9]+ in the folded text,
    which search.js uses for queries."""
    assert split(text) == re.findall(r"[a-z0-9]+", fold(text))


def bm25f(fields: dict[str, str]) -> dict[str, int]:
    """The weights by their definition (words.py): per field, each word's count times its
    length-scaled weight, added up from 0.5 field by field in the order body, summary, names,
    title, then rounded down."""
    total: dict[str, float] = {}
    for name in ("body", "summary", "names", "title"):
        kept = [w for w in re.findall(r"[a-z0-9]+", fold(fields[name])) if w not in STOPWORDS]
        if kept:
            weight, b, usual = FIELDS[name]
            scaled = max(SCALE * weight / (1 - b + b * len(kept) / usual), 0.5)
            for form in dict.fromkeys(kept):
                total[form] = total.get(form, 0.5) + kept.count(form) * scaled
    return {form: int(value) for form, value in total.items()}


_WORDS = st.sampled_from(["de", "het", "vlieger", "Vlieger", "wijk", "één", "een", "bibliotheek", "2024",
                          "raad", "x", "Huizen", "huizen", "van", "wijk-", "Ré"])
_FIELD = st.lists(_WORDS, max_size=400).map(" ".join) | st.text(max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({"title": _FIELD, "names": _FIELD, "summary": _FIELD, "body": _FIELD}))
def test_the_weights_are_bm25f_to_the_last_bit(fields):
    """weigh looks most weights up by count and adds the short fields' separately; every form's
    weight is still exactly what the definition gives, so a build's index bytes stay the same."""
    forms, weights = weigh(fields)
    assert len(forms.split()) == len(weights.split()) == len(set(forms.split()))
    assert _pairs((forms, weights)) == bm25f(fields)


_POSTINGS = (st.dictionaries(st.integers(0, 10**6), st.integers(1, 10**4), min_size=1, max_size=20)   # read back
             | st.dictionaries(st.integers(0, 10**6), st.integers(1, 10**4).map(str), min_size=1, max_size=20))  # first build


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), st.dictionaries(st.text(max_size=8), _POSTINGS, min_size=1, max_size=4),
                       max_size=6))
def test_a_bucket_written_as_text_is_the_json_of_its_postings(bucket):
    """The bucket files are joined as text for speed; they are still exactly what json.dumps
    (sorted keys, no spaces, UTF-8) writes for {stem: {form: [id gap, weight, ...]}}, whatever
    the keys hold and whether a weight is still text (a first build) or a number."""
    flat = {term: {form: [x for doc in sorted(docs) for x in (doc, docs[doc])] for form, docs in forms.items()}
            for term, forms in bucket.items()}

    def numbers(docs):
        ids = sorted(docs)
        return [x for i, doc in enumerate(ids) for x in (doc - (ids[i - 1] if i else 0), int(docs[doc]))]

    gaps = {term: {form: numbers(docs) for form, docs in forms.items()} for term, forms in bucket.items()}
    assert _bucket_file(flat) == _json(gaps)
    assert json.loads(_bucket_file(flat)) == gaps
