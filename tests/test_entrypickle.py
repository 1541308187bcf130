"""Parsed articles come back from the build cache and from the workers that parsed them with the
registries' own entries and one Tag per spelling, not a copy of each for each article."""
from __future__ import annotations

import gc
import os
import textwrap
from pathlib import Path

import pytest

from conftest import write_content
from wijknieuws import content as content_module
from wijknieuws import entrypickle
from wijknieuws.cache import BuildCache
from wijknieuws.content import Tag
from wijknieuws.errors import Problems
from wijknieuws.loader import PARALLEL_FROM
from wijknieuws.pipeline import Options, build, cache_folder, load, open_cache
from wijknieuws.registry import Wijk, load_registries


def _article(i: int) -> str:
    wijk = ("Rokkeveen", "Oosterheem")[i % 2]
    return textwrap.dedent(f"""\
        ---
        title: Bericht {i}
        date: 2022-03-{1 + i % 28:02d}
        wijk: {wijk}
        tags: [Verkeer, Groen]
        ---

        Tekst van bericht {i}.
        """)


def _shared(loading) -> None:
    """Every article's wijken are the registry's own objects; equal tags are one object."""
    wijken = loading.registries.wijken.by_slug
    tags: dict = {}
    articles = [item.article for item in loading.loaded.values() if item.article]
    assert articles
    for article in articles:
        assert all(wijk is wijken[wijk.slug] for wijk in article.wijken)
        for tag in article.tags:
            assert tags.setdefault((tag.slug, tag.name), tag) is tag


def test_articles_read_from_the_cache_share_the_registries_entries(tmp_path, monkeypatch):
    write_content(tmp_path, {f"2022/bericht-{i}.md": _article(i) for i in range(12)})
    monkeypatch.chdir(tmp_path)
    options = Options(content=Path("content"), out=Path("site"))
    build(options)

    def parse_again(*args):
        raise AssertionError("an unchanged article was parsed again instead of read from the cache")

    monkeypatch.setattr(content_module.Reader, "read", parse_again)
    loading = load(options, open_cache(options))
    assert len(loading.model.articles) == 12
    _shared(loading)


def test_articles_parsed_by_workers_share_the_registries_entries(tmp_path, monkeypatch):
    count = PARALLEL_FROM + 10  # enough to be parsed on two cores
    write_content(tmp_path, {f"2022/bericht-{i}.md": _article(i) for i in range(count)})
    monkeypatch.chdir(tmp_path)
    loading = load(Options(content=Path("content"), out=Path("site"), jobs=2))
    assert len(loading.model.articles) == count
    _shared(loading)


def test_a_shard_that_names_an_entry_the_registries_lack_is_parsed_again(tmp_path, monkeypatch):
    write_content(tmp_path, {f"2022/bericht-{i}.md": _article(i) for i in range(6)})
    monkeypatch.chdir(tmp_path)
    options = Options(content=Path("content"), out=Path("site"))
    build(options)
    cache = open_cache(options)
    namespace = cache.content.namespace
    registries = load_registries(Path("content"), Problems())
    assert len(BuildCache(cache_folder(options), "site").articles_for(namespace, registries)) == 6

    without_oosterheem = tuple(w for w in registries.wijken.entries if w.slug != "oosterheem")
    fewer = type(registries)(registries.site, type(registries.wijken)("wijk", without_oosterheem),
                             registries.wethouders, registries.dossiers, registries.besluiten)
    kept = BuildCache(cache_folder(options), "site").articles_for(namespace, fewer)
    # The shards with an article in Oosterheem cannot be read: their articles are parsed anew.
    assert 0 < len(kept) < 6
    assert all(all(w.slug != "oosterheem" for w in item.loaded.article.wijken) for item in kept.values())


def test_a_reference_the_registries_cannot_resolve_is_an_error_not_a_wrong_entry(tmp_path):
    registries = load_registries(write_content(tmp_path), Problems())
    oosterheem = registries.wijken.by_slug["oosterheem"]
    data = entrypickle.dumps((oosterheem,), registries)
    assert entrypickle.loads(data, registries)[0] is oosterheem
    empty = type(registries)(registries.site, type(registries.wijken)("wijk", ()), registries.wethouders,
                             registries.dossiers, registries.besluiten)
    with pytest.raises(entrypickle.UnknownEntry, match="oosterheem"):
        entrypickle.loads(data, empty)


def test_an_entry_that_is_not_the_registrys_own_goes_by_value(tmp_path):
    registries = load_registries(write_content(tmp_path), Problems())
    stranger = Wijk("oosterheem", "Een ander Oosterheem")  # same slug, other fields
    back = entrypickle.loads(entrypickle.dumps([stranger, Tag("groen", "Groen")], registries), registries)
    assert back[0] == stranger and back[0] is not registries.wijken.by_slug["oosterheem"]
    assert back[1] == Tag("groen", "Groen")


def test_pickling_leaves_no_cycles_behind(tmp_path):
    """A build runs with the cycle collector off: a pickler or unpickler in a cycle would keep
    everything in its memo alive until the end."""
    root = write_content(tmp_path)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        loading = load(Options(content=Path("content"), out=Path("site")))
    finally:
        os.chdir(cwd)
    values = list(loading.loaded.values())
    assert root.is_dir() and values
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            entrypickle.loads(entrypickle.dumps(values, loading.registries), loading.registries)
        assert gc.collect() == 0
    finally:
        gc.enable()
