"""What a build keeps in memory is bounded, and the bounds change nothing it makes.

At 100,000 articles the memos that spare work (a card made once for all the lists it is in, a
value hashed once for all the pages that show it) and the cycles that each rendered page leaves
behind added up to gigabytes; these tests hold the bounds to giving the same site."""
from __future__ import annotations

import gc
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import tree_bytes, write_content
from wijknieuws import fingerprint, render
from wijknieuws.pages import site_pages
from wijknieuws.pipeline import Options, build, load


def _build(folder: Path, out: str, jobs: int = 1) -> None:
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        build(Options(content=Path("content"), out=Path(out), jobs=jobs))
    finally:
        os.chdir(cwd)


def test_a_site_made_with_the_smallest_memos_is_the_same(tmp_path, monkeypatch):
    write_content(tmp_path)
    _build(tmp_path, "plain")
    monkeypatch.setattr(render, "ONCE_LIMIT", 0)       # the memo starts afresh at nearly every card
    monkeypatch.setattr(fingerprint, "MEMO_LIMIT", 1)  # every value hashed anew
    _build(tmp_path, "bounded")
    assert tree_bytes(tmp_path / "bounded") == tree_bytes(tmp_path / "plain")


def test_page_fingerprints_do_not_depend_on_the_memo(tmp_path, monkeypatch):
    """Fingerprints are kept for the next build: one made after the memo was emptied must
    equal one made from it, or an edit would render pages that did not change (or keep ones
    that did)."""
    content = write_content(tmp_path)
    model = load(Options(content=content)).model
    pages = site_pages(model)

    def fingerprints() -> list:
        prints = fingerprint.Fingerprints("salt", model.shown_with)
        return [prints.page(p.path, p.template, p.context) for p in pages]

    plain = fingerprints()
    monkeypatch.setattr(fingerprint, "MEMO_LIMIT", 3)
    assert fingerprints() == plain
    assert len({shown for _, shown in plain}) > 3  # pages show different articles: the sets count


def test_rendering_in_one_process_leaves_no_cycles_behind(tmp_path):
    """With the cycle collector off for the build, each page's Jinja2 contexts and macros (which
    refer to each other) would stay in memory until the process ends: 30 MB per 1,000 pages."""
    content = write_content(tmp_path)
    for number in range(100):  # some pages more, so that what they would leave stands out
        (content / f"2021/extra-{number}.md").write_text(
            f"---\ntitle: Bericht {number}\ndate: 2021-05-{number % 28 + 1:02d}\nwijk: Rokkeveen\n---\n\nTekst.\n",
            encoding="utf-8")
    gc.unfreeze()  # what earlier builds in this process froze, garbage or not
    gc.collect()
    try:
        _build(tmp_path, "site", jobs=1)
        gc.unfreeze()  # the build froze what it kept: let the collector see all
        left = gc.collect()
    finally:
        gc.enable()
    assert (tmp_path / "site/index.html").exists()
    assert left < 8_000, f"{left} objects in cycles left behind"


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's; other C libraries do without")
def test_memory_freed_before_a_fork_goes_back_to_the_system():
    """The workers of a build are forked from it: what it freed (the files read before parsing)
    but the C library kept would be theirs too. Here: 200 MB of 3 kB pieces freed while what
    came after them is kept, as a build frees the files it read once their articles came back."""
    script = """
import os
from wijknieuws.workers import give_back_free_memory

def resident():
    return int(open(f"/proc/{os.getpid()}/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

pieces = [bytes(3000) + str(n).encode() for n in range(70_000)]
kept = [bytes(600) + str(n).encode() for n in range(70_000)]
del pieces
before = resident()
give_back_free_memory()
print(before - resident())
"""
    returned = int(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                  check=True).stdout)
    assert returned > 100_000_000
