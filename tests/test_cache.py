"""The build cache: trusted only when it is whole and ours, and an edit rewrites little of it."""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import tree_bytes
from wijknieuws import cache
from wijknieuws import content as content_module
from wijknieuws.pipeline import Options, load, open_cache
from wijknieuws.errors import Problems
from wijknieuws.registry import load_registries

CACHE = ".wijknieuws-cache"


def _cache_files(tmp_path):
    """The cache's own files (the shadow copy, compiled templates, the build lock and the pictures'
    copies aside: those are hard links of the site's files, see test_pictures.py)."""
    folder = tmp_path / CACHE
    return sorted(p for p in folder.rglob("*") if p.is_file() and
                  not p.relative_to(folder).parts[0].endswith((".shadow", "templates", ".lock", ".media")))


def _edit(content):
    memo = content / "2021/memo.md"
    memo.write_text(memo.read_text(encoding="utf-8").replace("in de koelkast.", "voorlopig in de koelkast."),
                    encoding="utf-8")


def _saved_a_while_ago(content):
    """A file saved just now is looked at by every build; these are as if saved 10 s ago."""
    for path in content.rglob("*"):
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 10**10))


def test_an_edit_rewrites_only_the_shard_with_that_article(cli, content, tmp_path):
    _saved_a_while_ago(content)
    assert cli("build").code == 0
    shards = tmp_path / CACHE / "site.articles"
    before = {p.name: p.stat().st_ino for p in shards.iterdir()}  # each write is a new file, renamed in
    assert len([name for name in before if name.endswith(".pickle")]) >= 3
    _edit(content)
    assert cli("build").code == 0
    after = {p.name: p.stat().st_ino for p in shards.iterdir()}
    assert after.keys() == before.keys()
    assert len([name for name in after if after[name] != before[name]]) == 1


def test_the_cache_holds_the_edit(cli, content, tmp_path):
    """A site built from the cache alone (nothing left to parse) has the edit: the changed shard
    was saved, not only the article in memory."""
    assert cli("build").code == 0
    _edit(content)
    assert cli("build").code == 0
    expected = tree_bytes(tmp_path / "site")
    shutil.rmtree(tmp_path / "site")
    shutil.rmtree(tmp_path / CACHE / "site.shadow")
    assert cli("build").code == 0
    assert tree_bytes(tmp_path / "site") == expected
    assert "voorlopig in de koelkast" in (tmp_path / "site/nieuws/memo/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("damage", ["truncated", "garbage", "another version", "empty"])
def test_a_damaged_cache_is_ignored_never_trusted(cli, content, tmp_path, damage):
    assert cli("build").code == 0
    _edit(content)
    assert cli("build").code == 0
    expected = tree_bytes(tmp_path / "site")
    files = _cache_files(tmp_path)
    assert {"site.state", "site.pickle"} <= {p.name for p in files}
    assert any(p.parent.name == "site.articles" for p in files)
    for path in files:
        data = path.read_bytes()
        path.write_bytes({"truncated": data[:len(data) // 2],
                          "garbage": bytes(range(256)) * 4,
                          "another version": b"wijknieuws-cache-0-0.0\n" + data.split(b"\n", 1)[1],
                          "empty": b""}[damage])
    shutil.rmtree(tmp_path / "site")
    result = cli("build")
    assert result.code == 0, result.err
    assert result.err == ""
    assert tree_bytes(tmp_path / "site") == expected
    # and the cache it wrote instead is whole again: a second build has nothing to do
    again = cli("build")
    assert again.code == 0


def test_a_cache_from_a_program_with_fewer_fields_is_ignored(cli, content, tmp_path):
    """Written by a version that kept less (a field added since, the format line not changed):
    read as not ours, not as a traceback."""
    assert cli("build").code == 0
    expected = tree_bytes(tmp_path / "site")
    path = tmp_path / CACHE / "site.pickle"
    header, data = path.read_bytes().split(b"\n", 1)
    older = pickle.loads(data)
    del older.__dict__["records"]
    path.write_bytes(header + b"\n" + pickle.dumps(older))
    shutil.rmtree(tmp_path / "site")
    result = cli("build")
    assert result.code == 0 and result.err == ""
    assert tree_bytes(tmp_path / "site") == expected


def test_the_program_id_changes_with_any_source_file(tmp_path):
    """The same version number with other code (a pull, a local fix) is another program."""
    package = Path(cache.__file__).parent
    copy = tmp_path / "wijknieuws"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert cache.program_id(copy) == cache.program_id(package) == cache.PROGRAM
    assert cache.FORMAT.endswith(cache.PROGRAM)  # every cache file starts with it
    with open(copy / "markup.py", "a", encoding="utf-8") as handle:
        handle.write("# a fix\n")
    assert cache.program_id(copy) != cache.PROGRAM


def test_another_program_rebuilds_from_the_content_not_the_cache(cli, content, tmp_path, monkeypatch):
    """What a build of other code left (parsed articles, the note that nothing changed since) is
    not used: the site is made again, to the same bytes when the change does not show."""
    _saved_a_while_ago(content)
    assert cli("build").code == 0
    expected = tree_bytes(tmp_path / "site")
    assert cli("build").out.startswith("Nothing changed")
    monkeypatch.setattr(cache, "FORMAT", "wijknieuws-cache-6-another")
    result = cli("build", "-v")
    assert result.code == 0 and not result.out.startswith("Nothing changed"), result.out
    assert "load and check content" in result.out
    assert tree_bytes(tmp_path / "site") == expected
    assert (tmp_path / CACHE / "site.state").read_bytes().startswith(b"wijknieuws-cache-6-another\n")


def _search_files(folder):
    return {path: data for path, data in tree_bytes(folder).items() if path.startswith("zoeken/")}


def test_the_search_terms_are_kept_once_with_their_articles(cli, content, tmp_path):
    """The search index's terms of an article are its parsed article's own: saved with the
    article, named by the index, and taken back when the articles are read."""
    assert cli("build").code == 0
    header, data = (tmp_path / CACHE / "site.pickle").read_bytes().split(b"\n", 1)
    saved = pickle.loads(data)
    assert saved.search.terms == {}
    assert sorted(saved._named_terms) == sorted(str(p.relative_to(content)) for p in content.rglob("*.md")
                                                if "draft: true" not in p.read_text(encoding="utf-8"))
    kept = cache.BuildCache(tmp_path / CACHE, "site")
    articles = kept.articles_for(kept.content.namespace, load_registries(content, Problems()))
    assert kept.content.search.terms.keys() == saved._named_terms.keys()
    assert all(terms is articles[source].loaded.terms for source, terms in kept.content.search.terms.items())
    _edit(content)
    assert cli("build").code == 0
    assert cli("build", "--out", "full").code == 0  # a cache of its own: built from scratch
    assert _search_files(tmp_path / "site") == _search_files(tmp_path / "full")
    assert "voorlopig" in (tmp_path / "site/zoeken/index/v/9.json").read_text(encoding="utf-8")


def test_the_search_index_after_a_failed_build_is_still_right(cli, content, tmp_path):
    """A build that stops at an error keeps the article it parsed, not the index's update: the
    index keeps that article's old terms itself, to take them out when the article is fixed."""
    assert cli("build").code == 0
    memo = content / "2021/memo.md"
    good = memo.read_text(encoding="utf-8")
    memo.write_text(good.replace("date:", "date: niet-een-datum\nx:", 1), encoding="utf-8")
    assert cli("build").code == 1
    memo.write_text(good.replace("in de koelkast.", "in de vriezer."), encoding="utf-8")
    assert cli("build").code == 0
    assert cli("build", "--out", "full").code == 0
    assert _search_files(tmp_path / "site") == _search_files(tmp_path / "full")


def test_a_search_index_whose_terms_are_gone_is_made_anew(cli, content, tmp_path):
    """A build killed between saving the articles and saving the index leaves an index that
    names terms no article has any more: it is made again from the articles, not trusted."""
    assert cli("build").code == 0
    index = tmp_path / CACHE / "site.pickle"
    older = index.read_bytes()
    _edit(content)
    assert cli("build").code == 0
    index.write_bytes(older)  # the index of the build before, beside this build's articles
    vlieger = content / "2021/vlieger.md"
    vlieger.write_text(vlieger.read_text(encoding="utf-8") + "\nDe sleutels gaan terug.\n", encoding="utf-8")
    assert cli("build").code == 0
    assert cli("build", "--out", "full").code == 0
    assert _search_files(tmp_path / "site") == _search_files(tmp_path / "full")


# A build that stops dead (os._exit: no clean-up, as when killed) at its first page.
STOP_WHILE_RENDERING = ("import os, sys; from wijknieuws import render; "
                        "render.Renderer.render = lambda *args, **kwargs: os._exit(9); "
                        "from wijknieuws.cli import main; sys.exit(main(['build', '--quiet']))")


def test_a_build_stopped_while_rendering_keeps_the_articles_it_parsed(content, tmp_path, monkeypatch):
    """The parsed articles are saved while the pages are rendered, not after: a first build
    killed then (a laptop shut, Ctrl-C twice) does not leave the next to parse them all again."""
    done = subprocess.run([sys.executable, "-c", STOP_WHILE_RENDERING], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    assert not (tmp_path / CACHE / "site.pickle").exists()  # the build saved nothing else

    def parse_again(*args):
        raise AssertionError("an article was parsed again instead of read from the cache")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(content_module.Reader, "read", parse_again)
    options = Options(content=Path("content"), out=Path("site"))
    assert len(load(options, open_cache(options)).model.articles) == 4


def test_the_search_index_follows_a_renamed_wijk_after_a_stopped_build(cli, content, tmp_path):
    """Other registries are another namespace, whose articles have other terms (a wijk's name is
    among them): when a build stopped after saving them, the next does not take them for the
    terms the index was made from."""
    assert cli("build").code == 0
    wijken = content / "wijken.yml"
    wijken.write_text(wijken.read_text(encoding="utf-8").replace("name: Oosterheem", "name: Oosterheemse Polder"),
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", STOP_WHILE_RENDERING], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    assert cli("build").code == 0
    assert cli("build", "--out", "full").code == 0
    assert _search_files(tmp_path / "site") == _search_files(tmp_path / "full")
    assert "polder" in (tmp_path / "site/zoeken/index/v/6.json").read_text(encoding="utf-8")
