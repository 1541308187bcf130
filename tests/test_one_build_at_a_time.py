"""Two builds of one --out (serve, and a build in another window) never run at the same time,
and a build that keeps its cache (serve) goes by what the other build made."""
from __future__ import annotations

import fcntl
import shutil
import subprocess
import time
from pathlib import Path

from conftest import WIJKNIEUWS, tree_bytes
from wijknieuws.output import one_at_a_time
from wijknieuws.pipeline import Options, build, build_lock, open_cache



def _edit(content: Path, old: str, new: str) -> None:
    memo = content / "2021/memo.md"
    memo.write_text(memo.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_second_build_waits_for_the_first_and_says_so(content, tmp_path):
    options = Options(content=Path("content"), out=Path("site"))
    lock = tmp_path / build_lock(options)
    lock.parent.mkdir(parents=True)
    with open(lock, "a") as held:  # as a build in another process holds it
        fcntl.flock(held, fcntl.LOCK_EX)
        second = subprocess.Popen([WIJKNIEUWS, "build", "--quiet"], cwd=tmp_path, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        assert second.poll() is None, second.communicate()
        assert not (tmp_path / "site").exists()
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert err == ("Waiting for another build of 'site' (wijknieuws serve, or a build in another window) "
                   "to end...\n")
    assert (tmp_path / "site/index.html").is_file()


def test_a_kept_cache_follows_a_build_made_by_another_process(cli, content, tmp_path, monkeypatch):
    """serve keeps its cache in memory; a build in another window swaps the trees it knows.
    Here two such builds showed edits that were then undone: to the kept cache the article is as it
    was, but the live page is not, and its next build must still give what a fresh build gives."""
    monkeypatch.chdir(tmp_path)
    options = Options(content=Path("content"), out=Path("site"), jobs=1)
    kept = open_cache(options)
    build(options, cache=kept)
    expected = tree_bytes(tmp_path / "site")
    for edit in ("voorlopig in de koelkast.", "nog even in de koelkast."):  # both trees change
        _edit(content, "in de koelkast.", edit)
        assert cli("build").code == 0  # its own cache, read from the disk: the other window
        _edit(content, edit, "in de koelkast.")
    build(options, cache=kept)
    assert tree_bytes(tmp_path / "site") == expected


def test_serves_page_first_step_is_skipped_while_a_build_runs(tmp_path):
    """preview.py asks without waiting: the build it would race with is followed by serve's own."""
    lock = tmp_path / "cache/site.lock"
    with one_at_a_time(lock) as first:
        with one_at_a_time(lock, wait=False) as second:
            assert (first, second) == (True, False)
    with one_at_a_time(lock, wait=False) as again:
        assert again
