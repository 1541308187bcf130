"""The build, read top to bottom: load and validate -> model -> render -> write atomically."""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from .content import load_articles
from .errors import ContentErrors, Problems
from .feeds import site_feeds
from .model import SiteModel, build_model
from .newsletter import site_files as newsletter_files
from .opendata import data_files
from .output import Transaction, check_out_folder
from .pages import site_pages
from .registry import load_registries
from .sitemap import seo_files
from .render import Renderer, theme_dirs
from .search import index_files


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
    model: SiteModel
    warnings: list
    written: int
    seconds: float


def load(options: Options) -> tuple[SiteModel, Problems]:
    """Reads and checks all content; raises ContentErrors listing every problem found."""
    problems = Problems()
    registries = load_registries(options.content, problems)
    if options.base_url:
        base = options.base_url if options.base_url.endswith("/") else options.base_url + "/"
        registries = dataclasses.replace(registries, site=dataclasses.replace(registries.site, base_url=base))
    articles = load_articles(options.content, registries, problems)
    model = build_model(registries, articles, options.content, drafts=options.drafts, problems=problems)
    if problems:
        raise ContentErrors(problems.errors)
    return model, problems


def static_files(templates: Path | None) -> dict[str, Path]:
    """The theme's static/ files by name; an overriding theme wins file by file."""
    files: dict[str, Path] = {}
    for folder in reversed(theme_dirs(templates)):
        static = folder / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file():
                    files[path.relative_to(folder).as_posix()] = path
    return files


def build(options: Options, progress=lambda iterable, total: iterable) -> Result:
    started = time.perf_counter()
    check_out_folder(options.out, [options.content, *theme_dirs(options.templates)])
    model, problems = load(options)
    renderer = Renderer(model, options.templates)
    pages = site_pages(model)
    with Transaction(options.out) as tx:
        for page in progress(pages, len(pages)):
            tx.write(page.path, renderer.render(page))
        extra = (site_feeds(model) + data_files(model) + seo_files(model, pages)
                 + newsletter_files(model, options.content, renderer.env) + index_files(model))
        for rel, data in extra:
            tx.write(rel, data)
        for rel, source in static_files(options.templates).items():
            tx.copy(source, rel)
        for rel in model.files:
            tx.copy(options.content / rel, rel)
        tx.commit()
    return Result(model, problems.warnings, tx.written, time.perf_counter() - started)
