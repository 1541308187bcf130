"""serve's edited page first (preview.py): the page it writes ahead of the build is the page the
build makes, and anything but a plain edit of one article waits for the build."""
from __future__ import annotations

import shutil
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ARTICLES, tree_bytes
from wijknieuws.errors import ContentErrors
from wijknieuws import loader
from wijknieuws.loader import rescan, scan
from wijknieuws.pipeline import Options, build, open_cache
from wijknieuws.preview import write_edited_page
from wijknieuws.serve import Site

MEMO = "2021/memo.md"
MEMO_PAGE = "nieuws/memo/index.html"


def _options(tmp_path, out: str = "site") -> Options:
    return Options(content=tmp_path / "content", out=tmp_path / out)


def _full_build(tmp_path) -> dict[str, bytes]:
    """The site built from nothing, beside the one serve keeps."""
    for stale in (tmp_path / "full", tmp_path / ".wijknieuws-cache/full.shadow"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in (tmp_path / ".wijknieuws-cache").glob("full.*"):
        stale.unlink() if stale.is_file() else shutil.rmtree(stale)
    build(_options(tmp_path, "full"))
    return tree_bytes(tmp_path / "full")


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def served(content, tmp_path):
    """A built site and the cache serve keeps in memory."""
    options = _options(tmp_path)
    cache = open_cache(options)
    build(options, cache=cache)
    return options, cache


def test_the_edited_page_is_the_page_the_build_makes(served, content, tmp_path):
    options, cache = served
    before = tree_bytes(tmp_path / "site")
    _edit(content / MEMO, "Het college zet", "Het college van B en W zet")

    assert write_edited_page(options, cache) == MEMO_PAGE
    now = tree_bytes(tmp_path / "site")
    assert now.keys() == before.keys()  # no temporary file left in the site
    assert [rel for rel in now if now[rel] != before[rel]] == [MEMO_PAGE]  # the rest waits for the build
    assert b"Het college van B en W zet" in now[MEMO_PAGE]
    full = _full_build(tmp_path)
    assert now[MEMO_PAGE] == full[MEMO_PAGE]

    # the shadow kept the old page: the file was replaced, not written through its hard link
    assert (tmp_path / ".wijknieuws-cache/site.shadow" / MEMO_PAGE).read_bytes() == before[MEMO_PAGE]

    build(options, cache=cache)  # the build that follows
    assert tree_bytes(tmp_path / "site") == full


def test_a_title_edit_shows_at_once_on_its_page_and_in_lists_after_the_build(served, content, tmp_path):
    options, cache = served
    _edit(content / MEMO, "title: Huizen van de Wijk in de koelkast", "title: Huizen van de Wijk even niet")
    assert write_edited_page(options, cache) == MEMO_PAGE
    assert "Huizen van de Wijk even niet" not in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    build(options, cache=cache)
    assert "Huizen van de Wijk even niet" in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert tree_bytes(tmp_path / "site") == _full_build(tmp_path)


def test_a_build_after_a_registry_or_a_picture_changed_is_the_full_build(served, content, tmp_path):
    """serve revises its last model where only what articles show changed (model.revise_model):
    not when a wijk's entry or a photo changed under articles that did not."""
    import io

    from PIL import Image

    options, cache = served
    _edit(content / "wijken.yml", "description: Wijk in het zuiden.", "description: Wijk in het zuiden, bij de A12.")
    build(options, cache=cache)
    assert tree_bytes(tmp_path / "site") == _full_build(tmp_path)
    photo = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(photo, "PNG")
    (content / "images/vlieger.png").write_bytes(photo.getvalue())
    build(options, cache=cache)
    assert tree_bytes(tmp_path / "site") == _full_build(tmp_path)


def _new_article(content):
    (content / "2021/nieuw.md").write_text("---\ntitle: Nieuw\ndate: 2021-09-01\nwijk: Rokkeveen\n"
                                           "type: nieuws\n---\n\nTekst.\n", encoding="utf-8")


def _two_articles(content):
    _edit(content / MEMO, "Het college zet", "Het college van B en W zet")
    _edit(content / "2021/vlieger.md", "De activiteiten verhuizen", "De activiteiten gaan")


def _template(content):
    theme = content.parent / "templates"
    theme.mkdir()
    (theme / "tags.html").write_text('{% extends "base.html" %}', encoding="utf-8")


PLAIN = lambda c: _edit(c / MEMO, "Het college zet", "Het college van B en W zet")  # noqa: E731
WAITS_FOR_THE_BUILD = {
    "date (its place in lists)": lambda c: _edit(c / MEMO, "date: 2021-04-15", "date: 2021-04-16"),
    "wijk": lambda c: _edit(c / MEMO, "wijk: [Oosterheem, Rokkeveen]", "wijk: Oosterheem"),
    "an error": lambda c: _edit(c / MEMO, "wijk: [Oosterheem, Rokkeveen]", "wijk: Oosterhem"),
    "a link to no article": lambda c: _edit(c / MEMO, "in de koelkast.", "in de [koelkast](koelkast.md)."),
    "becomes a draft": lambda c: _edit(c / MEMO, "type: memo", "type: memo\ndraft: true"),
    "a new article": _new_article,
    "two articles": _two_articles,
    "a template": _template,
    "an article removed": lambda c: (c / MEMO).unlink(),
}


def reported(tmp_path, change) -> set[str]:
    """Makes the change; returns the paths the file system reports for it (watch.py): every
    file of the content and templates added, changed or removed, as absolute paths."""
    folders = [tmp_path / "content", tmp_path / "templates"]
    before = {folder: scan(folder) for folder in folders}
    change()
    return {str(folder / rel) for folder in folders for rel in before[folder].keys() | scan(folder).keys()
            if before[folder].get(rel) != scan(folder).get(rel)}


@pytest.mark.parametrize("told", [False, True], ids=["walked", "told"])
@pytest.mark.parametrize("change", WAITS_FOR_THE_BUILD)
def test_anything_but_a_plain_edit_waits_for_the_build(served, content, tmp_path, change, told):
    """Found by walking the content, or told by serve which paths were saved (then nothing else
    is looked at): the same answer."""
    options, cache = served
    before = tree_bytes(tmp_path / "site")
    saved = reported(tmp_path, lambda: WAITS_FOR_THE_BUILD[change](content))
    assert write_edited_page(options, cache, saved if told else None) is None
    assert tree_bytes(tmp_path / "site") == before


def test_told_what_was_saved_only_that_is_looked_at(served, content, tmp_path):
    """serve hands over the paths the system reported (watch.py); a file it did not report is
    not looked for, which is what spares the walk of every file."""
    options, cache = served
    site = Site(options, quiet=True)
    site.cache = cache
    site.noticed(reported(tmp_path, lambda: _edit(content / MEMO, "Het college zet", "Het college van B en W zet")))
    _edit(content / "2021/vlieger.md", "De activiteiten verhuizen", "De activiteiten gaan")  # not reported
    assert site.write_edited_page() == MEMO_PAGE
    assert site.rebuild() is not None
    assert site.saved == set()  # read by the build: the next save starts afresh
    # two saves before the build: each reported on its own, both count
    site.noticed(reported(tmp_path, lambda: _edit(content / MEMO, "Het college van B en W zet", "Het college zet")))
    assert site.write_edited_page() == MEMO_PAGE
    site.noticed(reported(tmp_path, lambda: _edit(content / "2021/vlieger.md", "De activiteiten gaan",
                                                  "De activiteiten verhuizen")))
    assert site.write_edited_page() is None
    assert site.rebuild() is not None
    site.noticed(None)  # a watcher that polls cannot tell: walk, and see both files
    _edit(content / MEMO, "Het college zet", "Het college van B en W zet")
    _edit(content / "2021/vlieger.md", "De activiteiten verhuizen", "De activiteiten gaan")
    assert site.write_edited_page() is None


def test_rescan_needs_a_walk_for_folders_links_and_what_it_cannot_know(content, tmp_path):
    files = scan(content)
    memo = content / MEMO
    memo.write_text(memo.read_text(encoding="utf-8") + "\nMeer.\n", encoding="utf-8")
    assert rescan(content, files, [str(memo)]) == (scan(content), {MEMO})
    (content / "2021/.memo.md.swp").write_bytes(b"swap")  # hidden: skipped, as by scan()
    assert rescan(content, files, [str(content / "2021/.memo.md.swp")]) == (files, set())
    gone = content / "2021/vlieger.md"
    gone.unlink()
    assert rescan(content, files, [str(gone)]) == ({rel: v for rel, v in files.items() if rel != "2021/vlieger.md"},
                                                  {"2021/vlieger.md"})
    # an editor's test file, made and removed within the save: nothing to walk for
    assert rescan(content, files, [str(content / "2021/4913")]) == (files, {"2021/4913"})
    (content / "2022").mkdir()
    (content / "2022/link.md").symlink_to(memo)
    shutil.move(content / "2021", tmp_path / "elders")
    for path in [content / "2022", content / "2022/link.md", tmp_path / "templates/base.html", content,
                 content / "2021"]:  # a folder, a link, outside, the folder itself, a folder of known files moved away
        assert rescan(content, files, [str(path)]) is None, path


def test_with_links_in_the_content_a_walk_it_is(served, content, tmp_path):
    """A file reached through a link is listed under each of its names, a save is reported
    under one: with links in the content, the edited page is found by walking."""
    options, cache = served
    (content / "2021/bijlage.txt").write_text("bijlage", encoding="utf-8")
    (content / "2021/kopie.txt").symlink_to("bijlage.txt")
    build(options, cache=cache)
    assert cache.last.linked
    saved = reported(tmp_path, lambda: _edit(content / MEMO, "Het college zet", "Het college van B en W zet"))
    _edit(content / "2021/vlieger.md", "De activiteiten verhuizen", "De activiteiten gaan")  # not reported
    assert write_edited_page(options, cache, saved) is None


def test_a_failed_build_leaves_nothing_told(served, content, tmp_path):
    """A build that fails may leave the last good one in place; what it read is not in that one,
    so the next page written ahead looks at everything."""
    options, cache = served
    site = Site(options, quiet=True)
    site.cache = cache
    site.noticed(reported(tmp_path, lambda: _edit(content / MEMO, "wijk: [Oosterheem, Rokkeveen]", "wijk: Nergens")))
    assert site.rebuild() is None
    assert site.saved is None


def _outcome(site, run) -> dict[str, bytes] | list[str]:
    try:
        run()
    except ContentErrors as exc:
        return [str(error) for error in exc.errors]
    return tree_bytes(site)


@pytest.mark.parametrize("change", ["a plain edit", *WAITS_FOR_THE_BUILD])
def test_a_build_told_what_was_saved_is_the_full_build(served, content, tmp_path, change):
    """serve's build looks only at the paths the file system reported saved (loader.rescan),
    and makes the site a build that walks every file makes, or finds the same errors."""
    options, cache = served
    saved = reported(tmp_path, lambda: {"a plain edit": PLAIN, **WAITS_FOR_THE_BUILD}[change](content))
    told = _outcome(tmp_path / "site", lambda: build(options, cache=cache, saved=saved))
    assert told == _outcome(tmp_path / "full", lambda: build(_options(tmp_path, "full")))


def test_a_build_told_what_was_saved_walks_no_folder(served, content, tmp_path, monkeypatch):
    options, cache = served
    saved = reported(tmp_path, lambda: PLAIN(content))
    real = loader.scan
    monkeypatch.setattr("wijknieuws.pipeline.scan",
                        lambda folder, *args: pytest.fail("walked the content") if folder == content else real(folder, *args))
    build(options, cache=cache, saved=saved)
    assert b"Het college van B en W zet" in (tmp_path / "site" / MEMO_PAGE).read_bytes()


def test_a_page_written_first_is_not_trusted_by_a_later_build_in_another_process(served, content, tmp_path):
    """serve stopped right after writing the page, and the edit undone: a build in a new
    process (its own cache, read from disk) must not keep the page of the undone edit."""
    options, cache = served
    _edit(content / MEMO, "Het college zet", "Het college van Zoetermeer zet")
    build(options, cache=cache)  # the shadow (the tree before) holds another page than the live one
    original = (content / MEMO).read_bytes()
    before = (tmp_path / "site" / MEMO_PAGE).read_bytes()
    _edit(content / MEMO, "Het college van Zoetermeer zet", "Het college van B en W zet")
    assert write_edited_page(options, cache) == MEMO_PAGE
    assert (tmp_path / ".wijknieuws-cache/site.state.forgotten").read_text(encoding="utf-8").endswith(f"\t{MEMO_PAGE}\n")
    (content / MEMO).write_bytes(original)
    build(options, cache=open_cache(options))
    assert (tmp_path / "site" / MEMO_PAGE).read_bytes() == before
    assert not (tmp_path / ".wijknieuws-cache/site.state.forgotten").exists()  # taken into the state
    assert tree_bytes(tmp_path / "site") == _full_build(tmp_path)


def test_nothing_before_a_first_good_build(content, tmp_path):
    options = _options(tmp_path)
    _edit(content / MEMO, "Het college zet", "Het college van B en W zet")
    assert write_edited_page(options, open_cache(options)) is None
    assert not (tmp_path / "site").exists()


def _memo_text() -> str:
    """The sample memo with its title, date, summary and body to fill in."""
    text = textwrap.dedent(ARTICLES[MEMO])
    for old, new in [("title: Huizen van de Wijk in de koelkast", "title: {title}"), ("date: 2021-04-15", "date: {date}"),
                     ("tags: [inzet, bibliotheek]\n", "tags: [inzet, bibliotheek]\nsummary: {summary}\n"),
                     ("Het college zet de plannen voor de Huizen van de Wijk in de koelkast.", "{body}")]:
        assert old in text
        text = text.replace(old, new)
    return text


MEMO_TEXT = _memo_text()
memo_versions = st.builds(
    MEMO_TEXT.format,
    title=st.sampled_from(["Huizen van de Wijk in de koelkast", "Huizen van de Wijk even niet", "Koelkast"]),
    date=st.sampled_from(["2021-04-15", "2021-04-15", "2019-01-02"]),
    summary=st.sampled_from(["Plannen uitgesteld.", "Het college wacht."]),
    body=st.sampled_from(["Het college zet de plannen in de koelkast.", "Zie [De Vlieger](vlieger.md).",
                          "Een *andere* tekst.\n\n- met\n- een lijst"]))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(versions=st.lists(memo_versions, min_size=1, max_size=4))
def test_every_page_written_first_is_the_page_of_a_full_build(content, tmp_path, versions):
    options = _options(tmp_path)
    shutil.rmtree(tmp_path / "site", ignore_errors=True)
    shutil.rmtree(tmp_path / ".wijknieuws-cache", ignore_errors=True)
    (content / MEMO).write_text(MEMO_TEXT.format(title="Begin", date="2021-04-15", summary="Begin.",
                                                 body="Begin."), encoding="utf-8")
    cache = open_cache(options)
    build(options, cache=cache)
    for version in versions:
        (content / MEMO).write_text(version, encoding="utf-8")
        written = write_edited_page(options, cache)
        full = _full_build(tmp_path)
        if written is not None:
            assert (tmp_path / "site" / written).read_bytes() == full[written]
        build(options, cache=cache)
        assert tree_bytes(tmp_path / "site") == full


def test_a_build_says_which_files_it_changed(served, content, tmp_path):
    """What serve reloads the tabs by: the files a build added, changed or removed."""
    options, cache = served
    _edit(content / MEMO, "Het college zet", "Het college van B en W zet")
    changed = build(options, cache=cache).changed
    assert MEMO_PAGE in changed and "nieuws/vlieger/index.html" not in changed
    assert "static/style.css" not in changed
    (content / "2019/fiets.md").unlink()
    changed = build(options, cache=cache).changed
    assert "nieuws/fiets/index.html" in changed and not (tmp_path / "site/nieuws/fiets/index.html").exists()
