"""Loading and validating articles: Markdown files with front matter become Article objects."""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import pickle
import posixpath
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import frontmatter
from slugify import slugify

from . import yamlsafe
from .contentfiles import active_problem, active_suffix, device_name, device_problem, site_own, site_own_problem
from .errors import ContentError, Problems, suggest
from .images import PICTURE_SUFFIXES
from .markup import MarkdownRenderer, MarkupProblem
from .registry import SLUG_RE, Besluit, Dossier, Registries, Wethouder, Wijk
from .words import article_terms

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TYPES = ("nieuws", "besluit", "memo", "raadsvragen", "raadsvoorstel")
STATUSES = ("voorgenomen", "aangenomen", "verworpen", "uitgesteld", "ingetrokken", "uitgevoerd")
OPEN_STATUSES = ("voorgenomen", "uitgesteld")
KEYS = ("title", "date", "wijk", "wethouder", "type", "status", "besluit", "dossier", "tags", "summary", "image",
        "image_alt", "image_caption", "slug", "related", "draft")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FRONT_MATTER = frontmatter.YAMLHandler()


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    date: datetime           # aware, in Europe/Amsterdam
    wijken: tuple[Wijk, ...]
    wethouders: tuple[Wethouder, ...]
    type: str
    status: str | None
    besluit: Besluit | None  # the decision in besluiten.yml whose status this article reports
    dossier: Dossier | None
    tags: tuple[Tag, ...]
    summary: str
    body_html: str           # sanitised; internal links start with markup.ROOT
    image: str | None        # relative to the content folder
    image_alt: str
    image_caption: str
    related: tuple[str, ...]  # explicit, as slugs
    draft: bool
    source: str              # relative to the content folder, with '/'
    files: tuple[str, ...]   # content files the body links to, to be copied
    file_lines: tuple[tuple[str, int], ...]     # (one of files, line of its first use in the file)
    article_links: tuple[tuple[str, int], ...]  # (content path of a .md file, line) from the body
    key_lines: tuple[tuple[str, int], ...]      # front-matter key -> line in the file

    def line_of(self, key: str) -> int:
        return dict(self.key_lines).get(key, 1)

    @functools.cached_property
    def shaping(self) -> bytes:
        """A hash of the fields that decide which pages there are and which lists the article is
        in (all but SHOWN_ONLY), registry entries by slug: the model's shape is made of these.
        Computed with the digest, in the worker that parsed the article."""
        return hashlib.sha1(repr(tuple(_key(getattr(self, name)) for name in _SHAPING)).encode()).digest()

    @functools.cached_property
    def digest(self) -> bytes:
        """A hash of every field, for page fingerprints. Computed once, where the article is
        parsed (a worker), and kept with it in the cache; an article changed with
        dataclasses.replace is a new object and hashes itself again."""
        fields = tuple(getattr(self, f.name) for f in dataclasses.fields(self))
        return hashlib.sha1(pickle.dumps(fields, protocol=5)).digest()

    def keeps_place_of(self, old: Article) -> bool:
        """This article, an edit of `old`, changed only what it shows itself: the same fields of
        shape (so the same lists and order) and the same files and picture. serve then puts it in
        place of the old one (model.revise_model, preview.py) rather than making the site anew."""
        return self.shaping == old.shaping and (self.files, self.image) == (old.files, old.image)

    def revised(self, **changes) -> Article:
        """A copy with these fields changed, its digest derived from this one's and the changes
        (equal digests still mean equal articles) rather than hashed whole again."""
        copy = dataclasses.replace(self, **changes)
        copy.__dict__["digest"] = hashlib.sha1(self.digest + pickle.dumps(sorted(changes.items()), protocol=5)).digest()
        return copy

    @property
    def day(self) -> date:
        return self.date.date()


# Fields of an article that only show it; every other field (date, wijk, status, tags, ...)
# decides which pages there are and which lists the article is in.
SHOWN_ONLY = frozenset({"title", "summary", "body_html", "image", "image_alt", "image_caption", "files", "file_lines",
                        "article_links", "key_lines"})
_SHAPING = tuple(f.name for f in dataclasses.fields(Article) if f.name not in SHOWN_ONLY)


def _key(value):
    """A registry entry or tag by its slug (and a tag's spelling): the entries themselves are in
    the shape once, as the registries."""
    if isinstance(value, tuple):
        return tuple(_key(item) for item in value)
    if isinstance(value, Tag):
        return value.slug, value.name
    return value.slug if isinstance(value, (Wijk, Wethouder, Dossier, Besluit)) else value


def english_date(day: date) -> str:
    """'24 May 2018': messages are in English, whatever the system's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def tag_slug(name: str) -> str:
    return slugify(str(name))


def parse_date(value) -> datetime | None:
    text = str(value).strip()
    try:
        if _DATE_RE.match(text):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=AMSTERDAM)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=AMSTERDAM)
    return moment.astimezone(AMSTERDAM)


class _Fields:
    """Reads one article's front matter, recording each problem at the line of its key."""

    def __init__(self, path: Path, meta: yamlsafe.LineDict, first_line: int, problems: Problems):
        self.path, self.meta, self.first_line, self.problems = path, meta, first_line, problems
        self.ok = True

    def line(self, key: str) -> int:
        return self.first_line + (self.meta.line_of(key) if key in self.meta else 0)

    def error(self, key: str, message: str) -> None:
        self.problems.error(self.path, self.line(key), message)
        self.ok = False

    def text(self, key: str, *, required: bool = False) -> str:
        value = self.meta.get(key)
        if value is None or value == "":
            if required:
                self.error(key, f"'{key}' is required" if key not in self.meta else f"'{key}' must not be empty")
            return ""
        if isinstance(value, (list, dict, bool)):
            self.error(key, f"'{key}' must be text")
            return ""
        return str(value).strip()

    def names(self, key: str, *, required: bool = False) -> list[str]:
        value = self.meta.get(key)
        if value is None or value == [] or value == "":
            if required:
                self.error(key, f"'{key}' is required")
            return []
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, (list, dict, bool)) or v is None or str(v).strip() == "" for v in values):
            self.error(key, f"'{key}' must be a name or a list of names")
            return []
        return [str(v).strip() for v in values]

    def lookup(self, key: str, registry, *, required: bool = False) -> tuple:
        found = []
        for name in self.names(key, required=required):
            entry = registry.lookup(name)
            if entry is None:
                self.error(key, registry.unknown(name))
            elif entry not in found:
                found.append(entry)
        return tuple(found)

    def choice(self, key: str, choices: tuple[str, ...], default: str | None) -> str | None:
        value = self.text(key)
        if not value:
            return default
        if value.lower() not in choices:
            self.error(key, f"unknown {key} '{value}'{suggest(value, choices)}; use one of: {', '.join(choices)}")
            return default
        return value.lower()


def split_front_matter(text: str) -> tuple[str, int, str, int] | None:
    """(front matter, its first line, body, its first line) or None when there is none."""
    if not _FRONT_MATTER.detect(text):
        return None
    try:
        fm, body = _FRONT_MATTER.split(text)
    except ValueError:  # an opening '---' that is never closed
        return None
    fm_start = text.index(fm, 3) if fm else text.index("\n") + 1
    fm_line = text.count("\n", 0, fm_start) + 1
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    return fm, fm_line, body, body_line


@dataclass(frozen=True)
class Loaded:
    """What one file gave: its article (None when it has errors), its problems, and the other
    content files whose existence it was checked against (so a cached result can be re-checked)."""

    article: Article | None
    errors: tuple[ContentError, ...]
    warnings: tuple[ContentError, ...]
    looked_up: tuple[tuple[str, bool], ...]
    terms: tuple[str, str] = ("", "")  # for the search index (words.article_terms)

    def still_valid(self, present: frozenset[str]) -> bool:
        return all((rel in present) == existed for rel, existed in self.looked_up)


@dataclass
class Reader:
    """Everything reading an article needs besides its bytes; no disk access of its own."""

    content: Path
    registries: Registries
    present: frozenset[str]          # every file in the content folder, relative, with '/'
    renderer: MarkdownRenderer = field(default_factory=MarkdownRenderer, repr=False)

    def __getstate__(self):  # a Markdown instance does not pickle; each process makes its own
        return {k: v for k, v in self.__dict__.items() if k != "renderer"}

    def __setstate__(self, state):
        self.__dict__.update(state, renderer=MarkdownRenderer())

    def read(self, source: str, raw: bytes) -> Loaded:
        problems = Problems()
        looked_up: dict[str, bool] = {}

        def exists(rel: str) -> bool:
            looked_up[rel] = rel in self.present
            return looked_up[rel]

        article = _read(self.content / source, source, raw, self.registries, self.renderer, exists, problems)
        if article:
            article.digest, article.shaping  # hashed here, on the worker's core, and cached with the article
        return Loaded(article, tuple(problems.errors), tuple(problems.warnings), tuple(sorted(looked_up.items())),
                      article_terms(article) if article else ("", ""))


def _read(path: Path, source: str, raw: bytes, registries: Registries, renderer: MarkdownRenderer,
          exists, problems: Problems) -> Article | None:
    """The Article in raw, or None after recording every problem found in it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.error(path, raw.count(b"\n", 0, exc.start) + 1,
                       f"not UTF-8 (byte {exc.start}); save the file as UTF-8")
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        problems.error(path, 1, "the file is empty; an article starts with front matter between '---' lines")
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.error(path, 1, "no front matter: an article starts with a line '---', its keys, then '---'")
        return None
    fm_text, fm_line, body_text, body_line = parts
    try:
        meta = yamlsafe.load(fm_text)
    except yamlsafe.YamlProblem as exc:
        problems.error(path, fm_line + exc.line, f"front matter: {exc.message}")
        return None
    if not isinstance(meta, dict):
        problems.error(path, 1, "front matter must be keys with values, such as 'title: ...'")
        return None
    return _article_from(path, source, meta, fm_line, body_text, body_line, registries, renderer, exists,
                         problems)


def _article_from(path, source, meta, fm_line, body_text, body_line, registries, renderer, exists, problems):
    f = _Fields(path, meta, fm_line, problems)
    for key in meta:
        if key not in KEYS:
            f.error(key, f"unknown key '{key}'{suggest(key, KEYS)}")
    title = f.text("title", required=True)
    moment = None
    if "date" not in meta or meta["date"] in (None, ""):
        f.error("date", "'date' is required (YYYY-MM-DD)")
    else:
        moment = parse_date(meta["date"])
        if moment is None:
            f.error("date", f"date '{meta['date']}' is not a date; write YYYY-MM-DD, e.g. 2021-08-24")
    wijken = f.lookup("wijk", registries.wijken, required=True)
    wethouders = f.lookup("wethouder", registries.wethouders)
    kind = f.choice("type", TYPES, "nieuws")
    status = f.choice("status", STATUSES, None)
    besluiten = f.lookup("besluit", registries.besluiten)
    if len(besluiten) > 1:
        f.error("besluit", "an article reports on one besluit; write an article for each")
    elif besluiten and status is None and meta.get("status") in (None, ""):  # a wrong status is reported already
        f.error("besluit", f"'besluit' needs a 'status': what is the status of '{besluiten[0].title}' "
                           f"in this article? One of: {', '.join(STATUSES)}")
    if moment is not None:
        _check_terms(f, wethouders, moment.date())
    dossiers = f.lookup("dossier", registries.dossiers)
    if len(dossiers) > 1:
        f.error("dossier", "an article belongs to one dossier")

    tags, seen = [], set()
    for name in f.names("tags"):
        slug = tag_slug(name)
        if not slug:
            f.error("tags", f"tag '{name}' has no letters or digits")
        elif device_name(slug):
            f.error("tags", device_problem(name, "tag"))
        elif slug not in seen:
            seen.add(slug)
            tags.append(Tag(slug, name))

    image = f.text("image") or None
    image_alt = f.text("image_alt")
    if image:
        image = _content_file(f, "image", image, exists)
        if image and not image.lower().endswith(PICTURE_SUFFIXES):
            # shown nowhere (page, feed, e-mail, sharing): said now rather than left out
            f.error("image", f"image '{image}' is a {posixpath.splitext(image)[1] or 'file without extension'}"
                             " file; an article's picture is JPEG, PNG, WebP, HEIC or SVG")
            image = None
        if not image_alt:
            f.error("image" if "image_alt" not in meta else "image_alt",
                    "'image_alt' is required with 'image': describe the picture for readers who cannot see it")

    slug = f.text("slug")
    if slug and not SLUG_RE.match(slug):
        f.error("slug", f"slug '{slug}' may hold only a-z, 0-9 and single '-' between them")
    if not slug:
        slug = slugify(path.stem)
        if not slug:
            f.error("slug", f"cannot make a slug from the file name '{path.name}'; add 'slug: ...'")
    if device_name(path.name):
        problems.error(path, 1, device_problem(path.name, "file name"))
        f.ok = False
    elif device_name(slug):
        f.error("slug", device_problem(slug, "slug"))

    related = []
    for name in f.names("related"):
        if not SLUG_RE.match(name):
            f.error("related", f"'{name}' in related is not an article slug")
        related.append(name)

    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        f.error("draft", "draft must be true or false")

    try:
        body = renderer.render(body_text, source.rpartition("/")[0])
    except MarkupProblem as exc:
        problems.error(path, body_line + exc.line, exc.message)
        return None
    for line, message in body.removed:
        problems.warn(path, body_line + line, message)
    files, file_lines, article_links = [], [], []
    body_lines = body_text.split("\n")
    for ref in body.references:
        line = body_line + next((i for i, text in enumerate(body_lines) if ref.target in text), 0)
        if not ref.path:
            problems.error(path, line, f"link '{ref.target}' points outside the content folder")
            f.ok = False
        elif device_name(ref.path):
            problems.error(path, line, device_problem(device_name(ref.path), "linked file"))
            f.ok = False
        elif not ref.is_article and ref.path.endswith(".md"):  # a picture of an article would publish its source
            problems.error(path, line, f"'{ref.target}' is an article: link to it as [text]({ref.target}), "
                                       "not as a picture")
            f.ok = False
        elif not ref.is_article and active_suffix(ref.path):
            problems.error(path, line, active_problem(ref.target))
            f.ok = False
        elif not ref.is_article and site_own(ref.path):
            problems.error(path, line, site_own_problem(ref.target))
            f.ok = False
        elif not exists(ref.path):
            problems.error(path, line, f"linked {'article' if ref.is_article else 'file'} '{ref.target}' does not exist")
            f.ok = False
        elif ref.is_article:
            article_links.append((ref.path, line))
        elif ref.path not in files:
            files.append(ref.path)
            file_lines.append((ref.path, line))
    summary, image_caption = f.text("summary"), f.text("image_caption")
    if not f.ok:
        return None
    return Article(
        slug=slug, title=title, date=moment, wijken=wijken, wethouders=wethouders, type=kind,
        status=status, besluit=besluiten[0] if besluiten else None,
        dossier=dossiers[0] if dossiers else None, tags=tuple(tags),
        summary=summary or body.summary, body_html=body.html, image=image,
        image_alt=image_alt, image_caption=image_caption, related=tuple(related),
        draft=draft, source=source, files=tuple(files), file_lines=tuple(file_lines),
        article_links=tuple(article_links),
        key_lines=tuple((key, fm_line + line) for key, line in meta.key_lines.items()),
    )


def _check_terms(f: _Fields, wethouders: tuple[Wethouder, ...], day: date) -> None:
    """A wethouder named outside their term is a wrong date or a wrong name, caught before it is published."""
    for w in wethouders:
        if w.in_office(day):
            continue
        if w.van and w.tot:
            term = f"was wethouder from {english_date(w.van)} to {english_date(w.tot)}"
        elif w.van:
            term = f"is wethouder from {english_date(w.van)}"
        else:
            term = f"was wethouder until {english_date(w.tot)}"
        f.error("wethouder", f"{w.name} {term}; this article is dated {english_date(day)}")


def _content_file(f: _Fields, key: str, value: str, exists) -> str | None:
    """value as a normalised path relative to the content folder, when that file exists."""
    rel = posixpath.normpath(value.replace("\\", "/"))
    if rel.startswith(("../", "/")) or rel == "..":
        f.error(key, f"'{value}' is outside the content folder")
        return None
    if device_name(rel):
        f.error(key, device_problem(device_name(rel), key))
        return None
    if active_suffix(rel):
        f.error(key, active_problem(value))
        return None
    if site_own(rel):
        f.error(key, site_own_problem(value))
        return None
    if rel.endswith(".md"):  # copied into the site as a picture, an article's source would be published
        f.error(key, f"'{value}' is an article, not a picture: '{key}' names an image file such as images/bieb.jpg")
        return None
    if not exists(rel):
        f.error(key, f"{key} '{value}' does not exist")
        return None
    return rel
