"""Pages to HTML with Jinja2: the theme, its filters, and template errors as TEMPLATE:LINE."""
from __future__ import annotations

import hashlib
import traceback
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
from jinja2 import meta
from babel.dates import format_date
from markupsafe import Markup

from .errors import ContentError, ContentErrors, display_path
from .images import picture_html
from .links import relative, root_of
from .markup import ROOT
from .model import SiteModel
from .pages import STATUS_MEANING, TYPE_LABEL, Page
from .sharing import Brand, share_of

# What once() keeps, in characters of its results: above what 10,000 articles need in a worker
# (lower costs that build 3 % in CPU), far below the 600 MB of 100,000.
ONCE_LIMIT = 64_000_000


def default_theme() -> Path:
    """The theme that ships with the program (the top-level templates/ folder)."""
    return Path(str(resources.files("wijknieuws.theme")))


def theme_dirs(templates: Path | None) -> list[Path]:
    """Where templates are looked up, first match wins: --templates, ./templates, then the default."""
    default = default_theme()
    if templates is None and Path("templates").is_dir():
        templates = Path("templates")
    dirs = [templates] if templates is not None else []
    if not any(d.resolve() == default.resolve() for d in dirs):
        dirs.append(default)
    return dirs


@lru_cache(maxsize=4096)
def dutch_date(day) -> str:
    return format_date(day, "d MMMM y", locale="nl")


@lru_cache(maxsize=1024)
def dutch_month(day) -> str:
    return format_date(day, "MMMM y", locale="nl")


def _datum(value) -> str:
    """Article dates (date-times) and plain dates alike, as '12 augustus 2021'."""
    return dutch_date(value.date() if isinstance(value, datetime) else value)


@jinja2.pass_context
def _url(context, target) -> str:
    return relative(context["root"], target)


@jinja2.pass_context
def _picture(context, picture, alt: str, lead: bool = False) -> Markup:
    """A picture in the page: <picture> with its copies in WebP and the fallback format."""
    return Markup(picture_html(picture, alt, context["root"], lead=lead))


def make_environment(dirs: list[Path], compiled: Path | None = None) -> jinja2.Environment:
    """The theme's environment; with `compiled`, compiled templates are kept there between runs
    (Jinja2 checks each against its source, so an edited template is compiled again). One
    environment serves one build (serve makes a new one for each), whose templates do not change
    under it: it does not look at each template file's time again on every page (auto_reload),
    three times a page."""
    bytecode = None
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(compiled))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in dirs]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        bytecode_cache=bytecode, auto_reload=False)
    env.filters.update(url=_url, datum=_datum, maand=dutch_month, iso=lambda d: d.isoformat(), picture=_picture)
    env.globals.update(type_label=TYPE_LABEL, status_meaning=STATUS_MEANING)
    return env


def template_error(exc: BaseException, dirs: list[Path]) -> ContentError:
    """The template file and line an exception came from, as an editor-facing error."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return ContentError(display_path(exc.filename), exc.lineno or 1, exc.message or str(exc))
    if isinstance(exc, jinja2.TemplateNotFound):
        return ContentError(display_path(dirs[0]), 1, f"template '{exc.name}' not found")
    roots = [str(d.resolve()) for d in dirs]
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        name = str(Path(frame.f_code.co_filename).resolve()) if frame.f_code.co_filename else ""
        if any(name.startswith(r) for r in roots):
            return ContentError(display_path(name), line, f"{type(exc).__name__}: {exc}")
    return ContentError(display_path(dirs[0]), 1, f"{type(exc).__name__}: {exc}")


class Renderer:
    def __init__(self, model: SiteModel, templates: Path | None, compiled: Path | None = None,
                 references: dict | None = None, brand: Brand | None = None):
        """references: what each template source refers to, from the last build (parsing every
        template again costs a rebuild more than rendering its few pages); self.references
        has this build's, for the next."""
        self.model = model
        self.brand = brand  # the site's icons and sharing picture (sharing.py); none for e-mail only
        self._known = references or {}
        self.references: dict[bytes, list[str]] = {}
        self.dirs = theme_dirs(templates)
        self.env = make_environment(self.dirs, compiled)
        self.env.filters["body"] = self._body
        self.env.globals["once"] = self._once
        self._digests: dict[str, str] = {}
        self._made: dict[tuple, tuple] = {}
        self._made_size = 0  # characters in _made's results

    @jinja2.pass_context
    def _body(self, context, article) -> Markup:
        return Markup(self.model.body_of(article).replace(ROOT, context["root"]))

    @jinja2.pass_context
    def _once(self, context, macro, *args) -> Markup:
        """macro(*args), made once per build for the same arguments at the same depth: a card for
        an article that is in seven lists, or the footer. Only for macros that show nothing but
        their arguments and the settings (the same for the whole build), and link relative to the
        page's folder."""
        # By the macro's code (two templates may each have a `card`), and the arguments by
        # identity, kept alive with the result so that no other object can take their id.
        key = (getattr(getattr(macro, "_func", None), "__code__", macro.name), context["root"], *map(id, args))
        found = self._made.get(key)
        if found is None:
            # Bounded: at 100,000 articles the cards alone would hold 600 MB in each worker.
            # Past the bound it starts afresh: what it dropped is made again when next needed.
            if self._made_size > ONCE_LIMIT:
                self.release()
            found = self._made[key] = (args, macro(*args))
            self._made_size += len(found[1])
        return found[1]

    def release(self) -> None:
        """Drops what this build's pages shared (once()), for a renderer kept after its build."""
        self._made.clear()
        self._made_size = 0

    def template_digest(self, name: str) -> str:
        """Hash of a template and every template it extends, imports or includes: a page
        needs rendering again only when one of those changed."""
        if name not in self._digests:
            self._digests[name] = ""  # a template that includes itself ends here
            try:
                source, filename, _ = self.env.loader.get_source(self.env, name)
                digest = hashlib.sha1(source.encode())
                names = self._known.get(digest.digest())
                if names is None:
                    parsed = self.env.parse(source, name, filename)  # errors then name the file and line
                    names = sorted(n for n in meta.find_referenced_templates(parsed) if n)
                self.references[digest.digest()] = names
            except Exception as exc:
                raise ContentErrors([template_error(exc, self.dirs)]) from None
            for other in names:
                digest.update(self.template_digest(other).encode())
            self._digests[name] = digest.hexdigest()
        return self._digests[name]

    def render(self, page: Page, context: dict | None = None) -> bytes:
        """context: page.context, if the caller made it already (an article page's is made anew
        each time it is asked for)."""
        root = self.model.config.base_path if page.path == "404.html" else root_of(page.path)
        context = page.context if context is None else context
        try:
            template = self.env.get_template(page.template)
            # Templates see the page's own context and the settings (with the brand), nothing
            # else: what a page shows is then known from its context alone, which incremental
            # builds rely on; its sharing data is made from those too.
            share = share_of(page.path, context, self.model.config, self.brand)
            text = template.render(context, config=self.model.config, root=root, page_path=page.path,
                                   brand=self.brand, share=share)
        except Exception as exc:  # a theme author's mistake: report it where it is
            raise ContentErrors([template_error(exc, self.dirs)]) from None
        return text.encode("utf-8")
