"""The build, read top to bottom: load and validate -> model -> pages -> render -> write atomically.

Each step skips what the previous build already did: unchanged files are not parsed again
(loader.py), unchanged pages are not rendered again (fingerprint.py), unchanged bytes are not
written again (output.py), and when no input changed at all nothing is done.
"""
from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import time
from collections.abc import Collection
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .brand import site_files as brand_files
from .cache import BuildCache, Content
from .content import Loaded
from .errors import ContentErrors, Problems
from .feeds import atom, decision_feed, decisions_atom, site_feeds
from .fingerprint import Dependencies, Fingerprints, pictures_key
from .hosting import hosting_files
from .images import MediaStore, icon_files, prepare, uses_of
from .loader import OUTSIDE, RACY_NS, articles_of, load_articles, rescan, scan
from .model import SiteModel, build_model, revise_model
from .newsletter import TEMPLATES as NEWSLETTER_TEMPLATES
from .newsletter import Recorded, recorded_editions
from .newsletter import site_files as newsletter_files
from .opendata import ARTICLES, DECISIONS, articles_file, data_files, decisions_file
from .output import SiteWriter, check_out_folder, folder_stamps, inode, one_at_a_time, untouched
from .pages import DECISIONS_FEED, Page, site_pages
from .registry import Registries, load_registries
from .render import Renderer, theme_dirs
from .search import SearchIndex
from .sharing import Brand, brand_of
from .sitemap import robots, sitemap_files, sitemap_names
from .workers import can_fork, in_workers

PARALLEL_FROM = 300  # fewer pages than this render faster than a pool of processes starts
CACHE_FOLDER = ".wijknieuws-cache"


@dataclass(frozen=True)
class Options:
    content: Path = Path("content")
    out: Path = Path("site")
    templates: Path | None = None
    drafts: bool = False
    base_url: str | None = None
    jobs: int = 1


@dataclass(frozen=True)
class Result:
    articles: int
    warnings: list
    pages: int        # files in the site
    written: int      # of which written by this build (the rest kept their bytes)
    seconds: float
    laps: list        # (step, seconds)
    changed: tuple = ()  # files added, changed or removed since the previous site


@dataclass(frozen=True)
class Loading:
    model: SiteModel
    problems: Problems
    loaded: dict[str, Loaded]
    pictures: dict  # every picture the content uses, drafts' too (the model has the published ones)
    registries: Registries
    editions: list[Recorded]  # the newsletters recorded in nieuwsbrieven.yml
    made_with: tuple = ()     # what the model depends on besides the articles and pictures


@dataclass(frozen=True)
class LastBuild:
    """What the last good build was made from and made, kept in memory by a caller that builds
    again and again (serve), for preview.py."""

    files: dict           # the content folder's scan()
    themes: list          # (folder, scan()) of each templates folder
    loading: Loading
    renderer: Renderer
    linked: bool = False  # the content folder has symbolic links (a file listed under two names)


def cache_folder(options: Options) -> Path:
    return options.out.parent / CACHE_FOLDER


def open_cache(options: Options) -> BuildCache:
    return BuildCache(cache_folder(options), options.out.name)


def _registries(options: Options, problems: Problems) -> Registries:
    registries = load_registries(options.content, problems)
    if options.base_url:
        base = options.base_url if options.base_url.endswith("/") else options.base_url + "/"
        registries = dataclasses.replace(registries, site=dataclasses.replace(registries.site, base_url=base))
    return registries


@contextmanager
def _no_cycle_collection():
    """A build makes millions of small objects (the article cache alone) and frees them by
    reference counting: the cycle collector, walking them again and again as they pile up,
    would add a third to a rebuild's time. Afterwards they are frozen, so that it does not walk
    them once more at the end (a long-running caller, serve, unfreezes them when it is idle)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@_no_cycle_collection()
def load(options: Options, cache: BuildCache | None = None, files: dict | None = None,
         previous: Loading | None = None) -> Loading:
    """Reads and checks all content (files: its scan(), if the caller made one already);
    raises ContentErrors listing every problem found. previous: the last good build's, kept by
    a caller that builds again and again (serve): its model is revised where it can be."""
    cache = cache or BuildCache()
    problems = Problems()
    registries = _registries(options, problems)
    # A parsed article embeds its registry entries, and its errors name paths from here.
    namespace = repr((os.getcwd(), registries.wijken.entries, registries.wethouders.entries,
                      registries.dossiers.entries, registries.besluiten.entries))
    files = scan(options.content) if files is None else files
    loaded = load_articles(options.content, files, registries, problems,
                           cache.articles_for(namespace, registries), options.jobs)
    articles = articles_of(loaded)
    # Pictures are checked (and their copies made, unless only checking) before the model: a
    # photo that cannot be published is an error of the article that uses it.
    readable = {rel: state for rel, state in files.items() if state != OUTSIDE}  # a link out is reported, not read
    pictures = prepare(options.content, readable, uses_of(options.content, articles, registries.site.image,
                                                       registries.site.image_line),
                       cache.content.media, MediaStore(cache.media_root), options.jobs, problems)
    made_with = (namespace, registries.site, options.content, options.drafts)  # the model's inputs but articles, pictures
    model = None
    if previous is not None and previous.made_with == made_with and previous.pictures == pictures:
        before = {source: item.article for source, item in previous.loaded.items() if item.article is not None}
        model = revise_model(previous.model, before, articles, options.content, drafts=options.drafts,
                             problems=problems)  # None unless every article kept its place
    if model is None:
        model = build_model(registries, articles, options.content, drafts=options.drafts, problems=problems,
                            memo=cache.content.model, pictures=pictures,
                            failed=frozenset(source for source, item in loaded.items() if item.article is None))
    editions = recorded_editions(options.content, registries.wijken, registries.site, problems, model)
    if problems:
        raise ContentErrors(problems.errors)
    return Loading(model, problems, loaded, pictures, registries, editions, made_with)


def theme_files(dirs: list[Path]) -> list[tuple[str, dict]]:
    return [(str(d), scan(d)) for d in dirs]


def _inputs(options: Options, files: dict, themes: list) -> tuple[str, dict[str, str]]:
    """Everything a build reads (the content's and the templates' scan()), by file size and
    time: equal means nothing to do; and the content files saved just now, by their bytes' hash:
    one may change again within one clock tick, its time and size the same."""
    state = [os.getcwd(), repr(dataclasses.astuple(options)), files, *themes]
    now = time.time_ns()
    recent = {rel: _file_hash(options.content / rel) for rel, (mtime, size) in files.items()
              if (mtime, size) != OUTSIDE and now - mtime < RACY_NS}
    return hashlib.sha1(repr(state).encode()).hexdigest(), recent


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:  # gone or unreadable: the build says so
        return None


def _same_recent(options: Options, recent: dict[str, str]) -> bool:
    """The files saved just before the last build still hold the bytes that build read."""
    return all(_file_hash(options.content / rel) == digest for rel, digest in recent.items())


def _as_left(options: Options, cache: BuildCache) -> bool:
    """The site holds the files the last build left there (told by its folders' times): not
    so when a file was deleted or added by hand."""
    manifest = cache.state.trees.get(inode(options.out)) if options.out.is_dir() else None
    return manifest is not None and bool(cache.state.folders) and untouched(options.out, manifest, cache.state.folders)


def _note_folder_times(options: Options, cache: BuildCache) -> None:
    """Folders listed this time are known by their time from now on, once it is old enough."""
    if None in cache.state.folders.values():
        fresh = folder_stamps(options.out, cache.state.trees[inode(options.out)])
        if fresh != cache.state.folders:
            cache.state.folders = fresh
            cache.save(content=False)


_JOB: tuple | None = None


def _render_chunk(chunk: range) -> tuple[list[tuple[str, str, str, frozenset | None]], int]:
    """Renders pages todo[i] into the shadow: (path, fingerprint, digest, shown) of each, and how
    many were written; shown (the articles on it) where the page came without a fingerprint. Only the indices cross a pipe: a page's context would pickle half the model."""
    renderer, writer, todo, fingerprints = _JOB
    written = writer.written
    done = []
    for i in chunk:
        page, fingerprint = todo[i]
        shown, context = None, page.context  # made once for both
        if fingerprint is None:
            fingerprint, shown = _fingerprint(fingerprints, renderer, page, context)
        done.append((page.path, fingerprint, writer.put(page.path, renderer.render(page, context)), shown))
    return done, writer.written - written


def _render_serially(chunk: range):
    """_render_chunk in this process, whose cycle collector is off during a build: a page leaves
    cycles behind (Jinja2's contexts and macros refer to each other), some 30 MB per 1,000 pages
    that only the collector frees. Everything older is frozen (_render), so collecting the
    youngest generation looks at this chunk's objects alone."""
    done = _render_chunk(chunk)
    gc.collect(0)
    return done


def _render(todo: list[tuple[Page, str | None]], renderer: Renderer, writer: SiteWriter,
            fingerprints: Fingerprints, shows: dict, jobs: int, progress, meanwhile) -> None:
    """Renders the pages into the shadow; on all cores where the system can fork. The main
    process does `meanwhile` while its workers render (they often wait for the disk)."""
    global _JOB
    _JOB = (renderer, writer, todo, fingerprints)  # forked workers inherit it
    gc.freeze()  # the model, loaded content and pages: long-lived, never to be walked by the collector
    written = 0

    def collect(done, count: int) -> None:
        nonlocal written
        for results, count_written in progress(done, count):
            for path, fingerprint, digest, shown in results:
                writer.record(path, fingerprint, digest)
                if shown is not None:
                    shows[path] = shown
            written += count_written

    try:
        if jobs > 1 and len(todo) >= PARALLEL_FROM and can_fork():
            count = jobs * 8
            chunks = [range(i, len(todo), count) for i in range(count)]  # interleaved: costly pages spread out
            collect((result for _, result in in_workers(_render_chunk, chunks, jobs, meanwhile=meanwhile)),
                    len(chunks))
            writer.written += written  # a forked worker's count stays in the worker: add them up here
        else:
            meanwhile()
            collect(map(_render_serially, [range(i, min(i + 50, len(todo))) for i in range(0, len(todo), 50)]),
                    (len(todo) + 49) // 50)
    finally:
        _JOB = None


def _extra_files(model: SiteModel, loading: Loading, options: Options, renderer: Renderer,
                 newsletter: list[tuple[str, bytes]], search: SearchIndex):
    terms = {item.article.source: item.terms for item in loading.loaded.values() if item.article}
    yield from data_files(model)
    yield "robots.txt", robots(model)
    yield from hosting_files(model.config)
    yield from newsletter
    yield from search.files(model, terms)
    for folder in reversed(renderer.dirs):  # theme static files; an override wins file by file
        for rel in scan(folder / "static"):
            yield f"static/{rel}", (folder / "static" / rel).read_bytes()
    yield from brand_files(model.config.theme, options.content)  # site.yml `theme:`: logo, colours, tokens


def _write_files(model: SiteModel, files: dict, options: Options, writer: SiteWriter, store: MediaStore,
                 brand: Brand) -> None:
    """The files the articles use: attachments and SVG as they are, photos as the copies made of
    them, and the site's icons. Each is known by what it is made from (a file's size and time, a
    picture's hash), so that one still in the live site is neither read nor made again."""
    for rel in model.files:
        fingerprint = f"file:{files[rel]}"
        if not _kept(writer, rel, fingerprint):
            writer.write(rel, (options.content / rel).read_bytes(), fingerprint)
    for picture in model.pictures.values():
        for path, name, digest in picture.files:
            fingerprint = f"media:{store.folder.name}:{picture.digest}:{name}"
            if not _kept(writer, path, fingerprint):
                writer.adopt(path, store.path(picture.digest, name), digest, fingerprint)
    fingerprint = f"brand:{brand.digest}:{store.folder.name}"
    if not all(_kept(writer, path, fingerprint) for path, _ in brand.files):
        made = icon_files(brand.logo, brand.logo_is_svg)
        for path, name in brand.files:
            writer.write(path, made[name], fingerprint)


def _edition_key(fingerprints: Fingerprints, renderer: Renderer, letter) -> str:
    """What a recorded newsletter edition's files are made from: the letter, the settings and
    the brand (the fingerprints' salt) and its templates."""
    templates = tuple(renderer.template_digest(name) for name in NEWSLETTER_TEMPLATES)
    return fingerprints.page(letter.folder, "newsletter", {"letter": letter, "templates": templates})[0]


def _kept(writer: SiteWriter, path: str, fingerprint: str) -> bool:
    """The live file was made from the same inputs: the shadow gets it too, nothing is made."""
    digest = writer.live_digest(path, fingerprint)
    return digest is not None and writer.keep(path, fingerprint, digest)


def _fingerprint(fingerprints: Fingerprints, renderer: Renderer, page: Page,
                 context: dict | None = None) -> tuple[str, frozenset[str]]:
    return fingerprints.page(page.path, renderer.template_digest(page.template),
                             page.context if context is None else context)


def _stale_pages(pages: list[Page], renderer: Renderer, writer: SiteWriter, fingerprints: Fingerprints,
                 before: Dependencies | None, changed: set[str]) -> tuple[list[tuple[Page, str | None]], dict]:
    """The pages that must be rendered, with their fingerprints, and the articles each page shows.
    With `before` (same shape as the last good build), a page that shows none of the `changed`
    articles is the same as then and is not even fingerprinted. Without a live site to compare
    with, every page is rendered and the workers fingerprint them."""
    if not writer.live:
        return [(page, None) for page in pages], {}
    todo, shows = [], {}
    changed_numbers = before.numbers(changed) if before else set()
    for page in pages:
        shown = before.shows.get(page.path) if before else None
        if shown is not None and changed_numbers.isdisjoint(shown) and writer.live.get(page.path, (None,))[0] is not None:
            if writer.keep(page.path, *writer.live[page.path]):
                shows[page.path] = shown
                continue
        fingerprint, shows[page.path] = _fingerprint(fingerprints, renderer, page)
        if not _kept(writer, page.path, fingerprint):
            todo.append((page, fingerprint))
    return todo, shows


def _write_known(model: SiteModel, pages: list[Page], extra: list[str], writer: SiteWriter,
                 fingerprints: Fingerprints, articles: dict[str, bytes], content: Content) -> None:
    """Files known by what they are made from, like pages, and made again only when that
    changed: feeds by the articles they show, search fragments by their article, open data by
    all articles and decisions, the sitemap by the site's shape (its pages and their dates) and
    the newsletter pages (extra)."""
    made = [(feed.path, {"feed": feed}, partial(atom, model, feed)) for feed in site_feeds(model)]
    changes = decision_feed(model, DECISIONS_FEED)
    made.append((changes.path, {"feed": changes}, partial(decisions_atom, model, changes)))
    made.append((ARTICLES, {"articles": model.articles}, partial(articles_file, model, content.records)))
    # Decisions are made from the articles alone (their besluit entries in them): hashed as those,
    # already known from artikelen.json, not walked again decision by decision.
    made.append((DECISIONS, {"articles": model.articles}, partial(decisions_file, model, content.decision_lines)))
    for path, inputs, make in made:
        fingerprint, _ = fingerprints.page(path, "made", inputs)
        if not _kept(writer, path, fingerprint):
            writer.write(path, make(), fingerprint)
    # A search fragment is its article's text: known by the article's fingerprint, already made
    # (one per article: hashing each as a page context cost 0.7 s at 100,000 articles).
    for path, article, make in SearchIndex.fragments(model):
        fingerprint = "fragment:" + articles[article.source].hex()
        if not _kept(writer, path, fingerprint):
            writer.write(path, make(), fingerprint)
    # The sitemap shows every page and its date: made from the site's shape (one file, or past
    # 50,000 pages an index and its parts, all made together).
    fingerprint, _ = fingerprints.page("sitemap.xml", "made", {"shape": model.shape, "extra": tuple(extra)})
    if not all(_kept(writer, path, fingerprint) for path in sitemap_names(pages, extra)):
        for path, data in sitemap_files(model, pages, extra):
            writer.write(path, data, fingerprint)


class _Laps:
    """Time per step, for --verbose and for knowing where a build spends it."""

    def __init__(self):
        self.started = self._last = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self._last))
        self._last = now

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started


def build_lock(options: Options) -> Path:
    return cache_folder(options) / f"{options.out.name}.lock"


def build(options: Options, *, cache: BuildCache | None = None, progress=lambda items, total: items,
          on_wait=lambda: None, saved: Collection[str] | None = None) -> Result:
    """One build. The cache lives in .wijknieuws-cache/ beside --out; a caller that builds again
    and again (serve) passes its own, to keep parsed content in memory and save it at the end,
    and the paths the file system reported saved since its last build (saved), if it knows them.
    A build of the same --out in another process is waited for (on_wait is told)."""
    dirs = theme_dirs(options.templates)
    check_out_folder(options.out, [options.content, *dirs])
    with one_at_a_time(build_lock(options), on_wait):
        return _build(options, dirs, cache, progress, saved)


def _scan(options: Options, dirs: list[Path], last: LastBuild | None, saved) -> tuple[dict, list, set[str]]:
    """The content's and the templates' scan(), and the links in the content: from the last
    build's and the paths reported saved since, where those tell (loader.rescan), so that a
    rebuild in serve does not look at 10,000 files to find the one saved."""
    told = rescan(options.content, last.files, saved) if saved is not None and last and not last.linked else None
    if told is not None:  # only files of the content were saved: the templates are as they were
        return told[0], last.themes, set()
    links: set[str] = set()
    return scan(options.content, links), theme_files(dirs), links


@_no_cycle_collection()
def _build(options: Options, dirs: list[Path], cache: BuildCache | None, progress, saved) -> Result:
    lap = _Laps()
    own_cache = cache is None
    if own_cache:
        cache = open_cache(options)
    else:
        cache.refresh()
    files, themes, links = _scan(options, dirs, cache.last, saved)
    inputs, recent = _inputs(options, files, themes)
    as_left = _as_left(options, cache)
    # A caller that keeps its cache (serve) wants the model at hand for preview.py: its first
    # build is done in full even when nothing changed.
    if (own_cache or cache.last is not None) and as_left and cache.state.inputs == inputs \
            and _same_recent(options, cache.state.recent):
        _note_folder_times(options, cache)
        lap("nothing changed")
        return Result(-1, [], len(cache.state.trees[inode(options.out)]), 0, lap.total, lap.laps)
    last, cache.last = cache.last, None
    try:
        loading = load(options, cache, files, last.loading if last else None)
        last = None  # what this build replaces: not kept alive beside the new one
        model = loading.model
        lap("load and check content")
        brand = brand_of(model, dirs, options.content)
        store = MediaStore(cache.media_root)
        renderer = Renderer(model, options.templates, cache_folder(options) / "templates", cache.content.templates,
                            brand=brand)
        pages = site_pages(model)
        writer = SiteWriter(options.out, cache_folder(options) / f"{options.out.name}.shadow", cache.state.trees,
                            live_as_known=as_left)
        fingerprints = Fingerprints(repr((model.config, brand)), model.shown_with)
        # The brand (icons, the sharing picture) is on every page: a new logo is a new shape too.
        shape = repr((model.shape, brand, [(name, renderer.template_digest(name))
                                           for name in sorted({p.template for p in pages})]))
        before = cache.content.pages if cache.content.pages.shape == shape else None
        pictures = pictures_key(model.pictures)
        articles = fingerprints.articles(model.articles, before, pictures)
        if before is not None and before.inputs != cache.state.inputs:
            before = None  # not the live site's: look at every page
        changed = {source for source, digest in articles.items() if before and before.articles.get(source) != digest}
        todo, shows = _stale_pages(pages, renderer, writer, fingerprints, before, changed)
        lap(f"find changed pages ({len(todo)} of {len(pages)})")

        def extra_files() -> None:
            newsletter = newsletter_files(model, loading.editions, options.content, renderer.env, brand,
                                          cache.content.editions, partial(_edition_key, fingerprints, renderer))
            _write_known(model, pages, [rel for rel, _ in newsletter], writer, fingerprints, articles, cache.content)
            made = dict(_extra_files(model, loading, options, renderer, newsletter, cache.content.search))
            for rel, data in made.items():  # dict: a later file of one name (a theme override) wins
                writer.write(rel, data)
            _write_files(model, files, options, writer, store, brand)
            if own_cache:  # (serve keeps its articles in memory, and saves them when it stops)
                cache.save_articles()

        _render(todo, renderer, writer, fingerprints, shows, options.jobs, progress, meanwhile=extra_files)
        lap("render pages; feeds, data, search, newsletter and files alongside")
        # Until the swap is done and recorded, nothing is known of either tree: a build killed
        # in between then finds no manifest to trust and renders everything.
        cache.state.trees, cache.state.inputs, cache.state.folders, cache.state.recent = {}, "", {}, {}
        cache.save(content=False)
        changed = writer.changes()
        cache.state.trees = writer.commit()
        cache.state.folders = folder_stamps(options.out, writer.manifest)
        cache.state.inputs, cache.state.recent = inputs, recent
        cache.content.pages = Dependencies.of(inputs, shape, articles, {a.source: a.digest for a in model.articles},
                                              pictures, shows, before)
        store.prune({picture.digest for picture in loading.pictures.values()})  # drafts' too: kept for later
        cache.content.templates = renderer.references
        renderer.release()
        cache.last = LastBuild(files, themes, loading, renderer, bool(links))
    finally:
        cache.save(content=own_cache)  # parsed articles are worth keeping even when the build failed
    lap("swap in and save cache")
    return Result(len(model.articles), loading.problems.warnings, len(writer.manifest), writer.written,
                  lap.total, lap.laps, changed)
