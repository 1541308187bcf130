"""Property: however the content changes between builds, an incremental build gives exactly
the site a full build from scratch gives (same files, same bytes), and writes only what changed."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ARTICLES, tree_bytes, write_content
from wijknieuws.cli import main

WIJKEN = ["Rokkeveen", "Oosterheem", "De Leyens"]
TEXTS = ["De raad besluit.", "Zie ook [het memo](memo.md).", "Een **nieuwe** fietsroute.", "Bibliotheken blijven open."]


BESLUITEN = "- slug: sluiting\n  title: Sluiting De Vlieger\n  dossier: huizen-van-de-wijk\n"


def article(title: str, day: int, wijk: str, text: str, status: str | None, followed: bool = False) -> str:
    lines = [f"title: {title}", f"date: 2021-03-{day:02d}", f"wijk: {wijk}", "tags: [inzet]"]
    if status:
        lines += ["type: besluit", f"status: {status}", "dossier: huizen-van-de-wijk"]
        if followed:  # one decision across articles: its newest status shows on the others' pages
            lines.append("besluit: sluiting")
    return "---\n" + "\n".join(lines) + "\n---\n\n" + text + "\n"


names = st.sampled_from(["a", "b", "c", "d", "memo"])
new_article = st.builds(article, st.sampled_from(["Nieuw bericht", "Raad praat mee", "Wijk krijgt park"]),
                        st.integers(1, 28), st.sampled_from(WIJKEN), st.sampled_from(TEXTS),
                        st.sampled_from([None, "voorgenomen", "uitgevoerd"]), st.booleans())
steps = st.lists(st.one_of(
    st.tuples(st.just("write"), names, new_article),
    st.tuples(st.just("delete"), names, st.none()),
    st.tuples(st.just("rename"), names, names),
    st.tuples(st.just("template"), st.none(), st.sampled_from(["Onderwerpen", "Thema's"])),
), min_size=1, max_size=4)


def build(folder: Path, out: str) -> int:
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return main(["build", "--out", out, "--templates", "thema", "--jobs", "1"])
    finally:
        os.chdir(cwd)


def full_build(folder: Path) -> int:
    """A build into full/ from scratch: no output, no cache."""
    shutil.rmtree(folder / "full", ignore_errors=True)
    for stale in (folder / ".wijknieuws-cache").glob("full.*"):
        stale.unlink() if stale.is_file() else shutil.rmtree(stale)
    return build(folder, "full")


def apply(content: Path, theme: Path, step) -> None:
    kind, name, value = step
    path = content / f"2021/{name}.md"
    if kind == "write":
        path.write_text(value, encoding="utf-8")
    elif kind == "delete" and path.exists():
        path.unlink()
    elif kind == "rename" and path.exists() and name != value:
        path.rename(content / f"2021/{value}.md")
    elif kind == "template":
        (theme / "tags.html").write_text('{% extends "base.html" %}{% block content %}<h1>' + value +
                                         "</h1>{% endblock %}", encoding="utf-8")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.lists(new_article, min_size=2, max_size=4), changes=steps)
def test_incremental_build_equals_full_build(first, changes):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        content = write_content(folder, {f"2021/{n}.md": text for n, text in zip("abcd", first)},
                                besluiten=BESLUITEN)
        theme = folder / "thema"
        theme.mkdir()
        assert build(folder, "site") in (0, 1)
        for step in changes:
            apply(content, theme, step)
            incremental = build(folder, "site")
            full = full_build(folder)
            assert incremental == full
            if full == 0:
                assert tree_bytes(folder / "site") == tree_bytes(folder / "full")


def test_edits_one_after_another_equal_full_builds(tmp_path):
    """Each build hands on what it knew of the pages it did not render again (which articles
    they show) to the next: after a series of edits, each to another article, every build still
    equals one from scratch."""
    content = write_content(tmp_path)
    (tmp_path / "thema").mkdir()
    assert build(tmp_path, "site") == 0
    for number, source in enumerate(sorted(ARTICLES)):
        path = content / source
        text = path.read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.startswith("title:"))
        path.write_text(text.replace(title, f"{title} ({number})", 1), encoding="utf-8")
        assert build(tmp_path, "site") == 0 == full_build(tmp_path)
        assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "full"), source


def test_an_edit_rewrites_only_the_pages_that_show_it(cli, content, tmp_path):
    assert cli("build").code == 0
    site = tmp_path / "site"
    before = {p: p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    memo = content / "2019/fiets.md"
    memo.write_text(memo.read_text(encoding="utf-8").replace("door de wijk", "door het park"), encoding="utf-8")
    result = cli("build")
    assert result.code == 0
    after = {p: p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    changed = sorted(p.relative_to(site).as_posix() for p in after if before.get(p) != after[p])
    # the article itself, the listings showing its summary, its feeds, data and search files
    assert "nieuws/fiets/index.html" in changed
    assert "nieuws/vlieger/index.html" not in changed
    assert "wijk/rokkeveen/index.html" not in changed  # fiets is in Oosterheem
    assert "static/style.css" not in changed
    assert "written" in result.out and "unchanged" in result.out


def test_an_edit_makes_the_context_of_no_other_article_page(cli, tmp_path, monkeypatch):
    """An article page's context is made when the page is looked at: a rebuild after a sentence
    changed in one of 30 articles looks at its page and the few that show it, not at all 30."""
    from wijknieuws import pages

    texts = {f"2021/bericht-{n}.md": article(f"Bericht {n}", 1 + n % 28, WIJKEN[n % 3], TEXTS[(0, 2, 3)[n % 3]], None)
             for n in range(30)}
    content = write_content(tmp_path, texts)
    assert cli("build").code == 0
    made = []
    real = pages._article_context
    monkeypatch.setattr(pages, "_article_context", lambda model, a: made.append(a.slug) or real(model, a))
    edited = content / "2021/bericht-7.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEen zin erbij.\n", encoding="utf-8")
    assert cli("build").code == 0
    assert "bericht-7" in made
    assert len(set(made)) <= 8, made
    assert "Een zin erbij." in (tmp_path / "site/nieuws/bericht-7/index.html").read_text(encoding="utf-8")


def test_an_edit_hashes_no_other_article_again(cli, tmp_path, monkeypatch):
    """An article's fingerprint is kept from the last build while the article, the shape and the
    pictures are the same: after a sentence changed in one of 30 articles, only that one is
    looked at for what its page shows besides its own fields (its links' targets)."""
    from wijknieuws.model import SiteModel

    texts = {f"2021/bericht-{n}.md": article(f"Bericht {n}", 1 + n % 28, WIJKEN[n % 3], TEXTS[n % 4], None)
             for n in range(30)}
    texts["2021/memo.md"] = article("Memo", 2, WIJKEN[0], TEXTS[0], None)
    write_content(tmp_path, texts)
    assert cli("build").code == 0
    looked = []
    real = SiteModel.shown_with
    monkeypatch.setattr(SiteModel, "shown_with", lambda model, a: looked.append(a.slug) or real(model, a))
    edited = tmp_path / "content/2021/bericht-5.md"  # links to the memo (TEXTS[1])
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEen zin erbij.\n", encoding="utf-8")
    assert cli("build").code == 0
    assert set(looked) == {"bericht-5"}, looked
    assert "Een zin erbij." in (tmp_path / "site/nieuws/bericht-5/index.html").read_text(encoding="utf-8")


def test_no_change_build_does_nothing(cli, content, tmp_path):
    for path in content.rglob("*"):  # saved a while ago: a file saved just now is always looked at
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 10**10))
    assert cli("build").code == 0
    result = cli("build")
    assert result.code == 0
    assert result.out.startswith("Nothing changed")


def test_a_build_right_after_a_save_is_followed_by_nothing_changed(cli, content, tmp_path):
    """A file saved just before a build is known by its bytes: the next build with nothing
    changed says so, and one whose bytes changed unseen (same size, same time) is rebuilt."""
    memo = content / "2021/memo.md"
    for path in content.rglob("*"):  # saved a while ago, but for the memo
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 10**10))
    memo.write_text(memo.read_text(encoding="utf-8").replace("koelkast", "vriezer"), encoding="utf-8")
    assert cli("build").code == 0
    result = cli("build")
    assert result.code == 0 and result.out.startswith("Nothing changed"), result.out
    # the same size, and the time it had: only its bytes tell
    saved = memo.stat()
    memo.write_text(memo.read_text(encoding="utf-8").replace("vriezer", "kelder "), encoding="utf-8")
    os.utime(memo, ns=(saved.st_atime_ns, saved.st_mtime_ns))
    assert memo.stat().st_size == saved.st_size
    result = cli("build")
    assert result.code == 0 and not result.out.startswith("Nothing changed"), result.out
    assert b"kelder" in (tmp_path / "site/nieuws/memo/index.html").read_bytes()
    assert cli("build", "--out", "full").code == 0
    assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "full")


def _age(paths, seconds=10):
    for path in paths:
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 10**9))


def test_the_site_changed_by_hand_is_made_whole_again(cli, content, tmp_path):
    """"Nothing changed" looks at the site's folders, not only at the content: a page deleted
    by hand comes back, a stray file goes, whether the folders changed a moment ago (listed)
    or long ago (known by their time)."""
    _age(content.rglob("*"))
    assert cli("build").code == 0
    site = tmp_path / "site"
    page = site / "nieuws/fiets/index.html"
    page.unlink()  # just after the build: the folders are listed
    assert not cli("build").out.startswith("Nothing changed")
    assert page.is_file()
    _age([site, *(p for p in site.rglob("*") if p.is_dir())])
    assert cli("build").out.startswith("Nothing changed")  # listed, and from now on known by their time
    assert cli("build").out.startswith("Nothing changed")
    page.unlink()
    assert not cli("build").out.startswith("Nothing changed")
    assert page.is_file()
    _age([site, *(p for p in site.rglob("*") if p.is_dir())])
    assert cli("build").out.startswith("Nothing changed")
    stray = site / "nieuws/fiets/oud.html"
    stray.write_text("weg ermee", encoding="utf-8")
    assert not cli("build").out.startswith("Nothing changed")
    assert not stray.exists() and page.is_file()
