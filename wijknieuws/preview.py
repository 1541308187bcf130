"""The edited article's own page first, for `serve`: written in milliseconds, while the build
that follows (most of a second at 10,000 articles) brings the rest of the site along.

Only in the plain case, which is most saves: one article changed and nothing else, without
errors, and with its place in the site the same (the fields that decide the lists it is in,
the files it uses, the articles it links to). Its page is then exactly the page the build will
make, because nothing else it shows has changed. Anything else waits for the build.
"""
from __future__ import annotations

from collections.abc import Collection

from .cache import BuildCache
from .content import Reader
from .contentfiles import Unreadable, read_whole
from .errors import ContentErrors
from .loader import OUTSIDE, rescan, scan
from .model import in_place_of
from .output import inode, one_at_a_time, replace_live
from .pages import article_page
from .pipeline import Options, build_lock, cache_folder, theme_files
from .render import theme_dirs


def write_edited_page(options: Options, cache: BuildCache, saved: Collection[str] | None = None) -> str | None:
    """Writes the page of the one article saved since the last good build into the live site;
    its path, or None when this save needs the whole build. saved: every path the file system
    reported saved since that build, when serve knows them: then only those are looked at, not
    every file of the content (0.07 s at 10,000 articles) and the templates."""
    last = cache.last
    if last is None:
        return None
    told = rescan(options.content, last.files, saved) if saved is not None and not last.linked else None
    if told is None:  # not told, or not by files of the content alone: walk both
        files = scan(options.content)
        if theme_files(theme_dirs(options.templates)) != last.themes:
            return None
        candidates = files.keys() | last.files.keys()
    else:
        files, candidates = told
    changed = [rel for rel in candidates if files.get(rel) != last.files.get(rel)]
    if len(changed) != 1:
        return None
    source, model = changed[0], last.loading.model
    shown = model.by_slug.get(model.slug_of.get(source, ""))  # as the site shows it
    if shown is None or files.get(source) in (None, OUTSIDE):  # new, gone, a draft, or not an article
        return None
    old = last.loading.loaded[source].article  # as its file was read (tags as spelled there)
    try:
        raw = read_whole(options.content / source)
    except Unreadable:
        return None
    present = frozenset(rel for rel, state in files.items() if state != OUTSIDE)
    loaded = Reader(options.content, last.loading.registries, present).read(source, raw)
    new = loaded.article
    if (loaded.errors or new is None or not new.keeps_place_of(old)
            or any(target not in model.slug_of for target, _ in new.article_links)):
        return None
    page = article_page(model, in_place_of(new, shown))
    try:
        data = last.renderer.render(page)
    except ContentErrors:
        return None
    with one_at_a_time(build_lock(options), wait=False) as ours:  # else a build is busy: it follows
        cache.refresh()
        live = cache.state.trees.get(inode(options.out))
        if not ours or cache.last is None or live is None or page.path not in live:
            return None
        # Made unknown, on disk, before the file changes: the build after this one then makes
        # the page afresh instead of trusting the live file, even if serve is stopped in between;
        # its folder, changed now, is listed next time rather than known by its time.
        cache.forget(inode(options.out), page.path)
        return page.path if replace_live(options.out, page.path, data, cache_folder(options)) else None
