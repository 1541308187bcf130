"""The build cache: trusted only when it is whole and ours, and an edit rewrites little of it."""
from __future__ import annotations

import os
import pickle
import shutil

import pytest

from conftest import tree_bytes

CACHE = ".wijknieuws-cache"


def _cache_files(tmp_path):
    """The cache's own files (the shadow copy and compiled templates aside)."""
    folder = tmp_path / CACHE
    return sorted(p for p in folder.rglob("*") if p.is_file() and
                  not p.relative_to(folder).parts[0].endswith((".shadow", "templates")))


def _edit(content):
    memo = content / "2021/memo.md"
    memo.write_text(memo.read_text(encoding="utf-8").replace("in de koelkast.", "voorlopig in de koelkast."),
                    encoding="utf-8")


def test_an_edit_rewrites_only_the_shard_with_that_article(cli, content, tmp_path):
    for path in content.rglob("*"):  # saved a while ago: a file saved just now is always looked at
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 10**10))
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
