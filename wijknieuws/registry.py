"""The site settings and the registries (wijken, wethouders, dossiers, besluiten) an article refers to."""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from . import yamlsafe
from .brand import Theme, load_theme
from .contentfiles import Unreadable, device_name, device_problem, read_whole
from .errors import Problems, closest, suggest
from .images import PICTURE_SUFFIXES

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Wijk:
    slug: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Wethouder:
    slug: str
    name: str
    party: str = ""
    portfolio: str = ""
    period: str = ""                # free text, e.g. "2018-2022"
    van: date | None = None         # the term, both days included: an article dated outside it is an error
    tot: date | None = None

    def in_office(self, day: date) -> bool:
        return (self.van is None or self.van <= day) and (self.tot is None or day <= self.tot)


@dataclass(frozen=True)
class Dossier:
    slug: str
    title: str
    description: str = ""

    @property
    def name(self) -> str:
        return self.title


@dataclass(frozen=True)
class Besluit:
    """A decision that articles follow over time (besluiten.yml); its status comes from them."""

    slug: str
    title: str
    bron: str = ""                   # the official document on the council information system
    dossier: Dossier | None = None
    wijken: tuple[Wijk, ...] = ()

    @property
    def name(self) -> str:
        return self.title


@dataclass(frozen=True)
class Signup:
    """Where a reader signs up for the newsletter (site.yml `newsletter.signup`): a form that
    posts to the mailing tool's address, or, without `email_field`, a link to its own page."""

    url: str                                  # https: the form's action, or the page to link to
    email_field: str = ""                     # the tool's name for the e-mail field; "" for a link
    hidden: tuple[tuple[str, str], ...] = ()  # fields the tool needs besides the address
    wijk_field: str = ""                      # a field for the reader's choice of wijk, if any
    wijken: tuple[tuple[str, str], ...] = ()  # (slug, name) of each wijk to choose from

    @property
    def origin(self) -> str:
        """scheme://host[:port]: what the Content-Security-Policy lets the form post to."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class SiteConfig:
    title: str
    base_url: str
    language: str = "nl"
    tagline: str = ""
    page_size: int = 20
    newsletter_from: str = ""
    newsletter_footer: str = ""
    newsletter_unsubscribe: str = "{{unsubscribe_url}}"
    signup: Signup | None = None
    image: str = ""             # the site's own picture for sharing, relative to the content folder
    image_alt: str = ""
    image_line: int = field(default=1, repr=False, compare=False)  # where to report a bad picture
    theme: Theme = Theme()  # logo, colours, NL Design System tokens, dark mode (brand.py)
    reminder_months: int = 6        # `check` names open decisions without news for this long; 0: never

    @property
    def base_path(self) -> str:
        """The path part of base_url, always ending in '/': where the site lives on its host."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"


T = TypeVar("T")


class Registry(Generic[T]):
    """Entries of one kind, found by slug or name in any letter case."""

    def __init__(self, kind: str, entries: tuple[T, ...]):
        self.kind = kind
        self.entries = entries
        self.by_slug = {e.slug: e for e in entries}
        self._index: dict[str, T] = {}
        for e in entries:
            self._index.setdefault(e.name.lower(), e)
            self._index.setdefault(e.slug, e)

    def lookup(self, value: str) -> T | None:
        return self._index.get(str(value).strip().lower())

    def unknown(self, value: str) -> str:
        match = closest(value, list(self._index))
        # name the entry, whichever of its spellings (name or slug) happened to be closest
        hint = f" (did you mean '{self._index[match].name}'?)" if match else ""
        return f"unknown {self.kind} '{value}'{hint}"

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class Registries:
    site: SiteConfig
    wijken: Registry[Wijk]
    wethouders: Registry[Wethouder]
    dossiers: Registry[Dossier]
    besluiten: Registry[Besluit]


def read_yaml(path: Path, problems: Problems, *, required: bool = True, empty=None):
    """The YAML document in path (`empty` for a file without one), or None after recording why
    it could not be read."""
    if not path.is_file():
        if required:
            problems.error(path, 1, f"missing file {path.name}")
        return None
    if path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve()):
        return None  # never read; the scan of the content folder reports it (loader.scan)
    try:
        text = read_whole(path).decode("utf-8-sig")
    except Unreadable as exc:
        problems.error(path, 1, str(exc))
        return None
    except UnicodeDecodeError as exc:
        problems.error(path, 1, f"not UTF-8 (byte {exc.start})")
        return None
    try:
        data = yamlsafe.load(text)
    except yamlsafe.YamlProblem as exc:
        problems.error(path, exc.line + 1, exc.message)
        return None
    return empty if data is None else data


def _text(value) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        return None
    return str(value).strip()


def base_url_problem(url: str) -> str | None:
    """Feeds, the sitemap and open data link with it: a full http(s) URL, or '/' for a site that
    is only looked at locally."""
    parts = urlsplit(url)
    if url == "/" or (parts.scheme in ("http", "https") and parts.netloc):
        return None
    return f"base_url must be a full URL such as https://nieuws.example.nl/, not '{url}'"


def _load_site(content: Path, problems: Problems) -> SiteConfig:
    path = content / "site.yml"
    # Empty, or comments only: the settings it needs are missing, as said below.
    data = read_yaml(path, problems, empty=yamlsafe.LineDict())
    fallback = SiteConfig(title="", base_url="/")
    if data is None:
        return fallback
    if not isinstance(data, dict):
        problems.error(path, 1, "site.yml must be a mapping of settings (title: ..., base_url: ...)")
        return fallback
    known = {"title", "base_url", "language", "tagline", "page_size", "newsletter", "image", "image_alt", "theme", "reminder_months"}
    for key in data:
        if key not in known:
            problems.error(path, data.line_of(key) + 1, f"unknown setting '{key}'{suggest(key, known)}")
    values = {}
    for key in ("title", "base_url"):
        text = _text(data.get(key))
        if not text:
            problems.error(path, data.line_of(key) + 1, f"site.yml needs a non-empty '{key}'")
        values[key] = text or getattr(fallback, key)
    if problem := base_url_problem(values["base_url"]):
        problems.error(path, data.line_of("base_url") + 1, problem)
    if not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    for key in ("language", "tagline", "image_alt"):
        if key in data:
            values[key] = _text(data[key]) or ""
    if data.get("image") not in (None, ""):
        line = data.line_of("image") + 1
        image = posixpath.normpath(str(data["image"]).replace("\\", "/"))
        if image.startswith(("../", "/")) or image == "..":
            problems.error(path, line, f"image '{data['image']}' is outside the content folder")
        elif not image.lower().endswith(PICTURE_SUFFIXES):
            problems.error(path, line, f"image '{data['image']}' is not a picture (JPEG, PNG, WebP, HEIC or SVG)")
        elif not (content / image).is_file():
            problems.error(path, line, f"image '{data['image']}' does not exist")
        else:
            values.update(image=image, image_line=line)
    if "page_size" in data:
        size = data["page_size"]
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            problems.error(path, data.line_of("page_size") + 1, "page_size must be a whole number of at least 1")
        else:
            values["page_size"] = size
    if "reminder_months" in data:
        months = data["reminder_months"]
        if isinstance(months, bool) or not isinstance(months, int) or months < 0:
            problems.error(path, data.line_of("reminder_months") + 1,
                           "reminder_months must be a whole number of months (0: no reminders)")
        else:
            values["reminder_months"] = months
    letter = data.get("newsletter") or {}
    if not isinstance(letter, dict):
        problems.error(path, data.line_of("newsletter") + 1,
                       "newsletter must be a mapping (from:, footer:, unsubscribe:, signup:)")
        letter = {}
    for key in letter:
        if key not in NEWSLETTER_KEYS:
            problems.error(path, letter.line_of(key) + 1,
                           f"unknown newsletter setting '{key}'{suggest(key, NEWSLETTER_KEYS)}")
    for key in ("from", "footer", "unsubscribe"):
        if key in letter:
            values[f"newsletter_{key}"] = _text(letter[key]) or ""
    values["theme"] = load_theme(data, path, content, problems)
    if letter.get("signup") not in (None, ""):
        values["signup"] = _signup(letter["signup"], letter.line_of("signup") + 1, path, problems)
    return SiteConfig(**values)


NEWSLETTER_KEYS = ("from", "footer", "unsubscribe", "signup")
SIGNUP_KEYS = ("action", "email_field", "hidden", "wijk_field")
# What HTML allows in a name is nearly anything; what mailing tools use is this (EMAIL,
# MERGE1, group[123][4], b_abc_def), and a space or a quote here is a typo.
_FIELD_NAME = re.compile(r"^[A-Za-z0-9_.:\[\]-]+$")


def _https_problem(value, what: str) -> str | None:
    """Why value is not an https address with a host, or None. Never http: the form sends the
    reader's e-mail address, which must not cross the network unencrypted."""
    text = _text(value)
    parts = urlsplit(text or "")
    if text and parts.scheme == "https" and parts.hostname and not any(c.isspace() for c in text):
        return None
    shown = f"'{text}'" if text else "nothing"
    return f"{what} must be an https:// address (such as https://lijst.example.nl/aanmelden), not {shown}"


def _field_problem(name: str, what: str) -> str | None:
    if _FIELD_NAME.match(name):
        return None
    return f"{what} '{name}' is not a form field name: use letters, digits and - _ . : [ ] only"


def _signup(value, line: int, path: Path, problems: Problems) -> Signup | None:
    """newsletter.signup: an https address alone (a link to the tool's page), or a mapping for a
    form that posts to the tool; None after reporting what is wrong, so nothing half-made shows."""
    if not isinstance(value, dict):
        what = "newsletter signup (the mailing tool's sign-up page, or a mapping with action: and email_field:)"
        if problem := _https_problem(value, what):
            problems.error(path, line, problem)
            return None
        return Signup(_text(value))
    before = len(problems.errors)
    for key in value:
        if key not in SIGNUP_KEYS:
            problems.error(path, value.line_of(key) + 1, f"unknown signup setting '{key}'{suggest(key, SIGNUP_KEYS)}")
    if "action" not in value:
        problems.error(path, line, "newsletter signup needs 'action': the https:// address its form posts to")
    elif problem := _https_problem(value["action"], "signup action"):
        problems.error(path, value.line_of("action") + 1, problem)
    field_name = _text(value.get("email_field")) or ""
    if not field_name:
        problems.error(path, value.line_of("email_field") + 1 if "email_field" in value else line,
                       "newsletter signup needs 'email_field': the name of the e-mail field in the mailing "
                       "tool's form (Mailchimp: EMAIL, listmonk: email)")
    elif problem := _field_problem(field_name, "email_field"):
        problems.error(path, value.line_of("email_field") + 1, problem)
    hidden = value.get("hidden") or {}
    extra = []
    if not isinstance(hidden, dict):
        problems.error(path, value.line_of("hidden") + 1,
                       "signup 'hidden' must be a mapping of field names to values, such as {tags: \"123\"}")
        hidden = {}
    for name, item in hidden.items():
        where = hidden.line_of(name) + 1
        if problem := _field_problem(name, "hidden field"):
            problems.error(path, where, problem)
        elif isinstance(item, (list, dict)):
            problems.error(path, where, f"hidden field '{name}' must have one value (a text or a number)")
        else:
            text = "" if item is None else str(item).lower() if isinstance(item, bool) else str(item)
            extra.append((name, text))
    wijk_field = _text(value.get("wijk_field")) or ""
    if value.get("wijk_field") not in (None, "") and (problem := _field_problem(wijk_field, "wijk_field")):
        problems.error(path, value.line_of("wijk_field") + 1, problem)
    if len(problems.errors) > before:
        return None
    return Signup(_text(value["action"]), field_name, tuple(extra), wijk_field)


def _load_entries(content: Path, filename: str, cls, kind: str, required: tuple[str, ...],
                  problems: Problems, *, keys: tuple[str, ...] = (), extra=None, optional: bool = False) -> Registry:
    """The entries of a registry file. Text fields are read here; `keys` are the other keys an
    entry may have, which extra(item, line_of, report) turns into fields (None when one is wrong,
    after reporting it at its line)."""
    path = content / filename
    data = read_yaml(path, problems, required=not optional)
    if data is None:
        return Registry(kind, ())
    if not isinstance(data, list):
        problems.error(path, 1, f"{filename} must be a list of entries, each starting with '- '")
        return Registry(kind, ())
    texts = [f.name for f in fields(cls) if f.type == "str"]
    allowed = texts + list(keys)
    entries, seen_slug, seen_name = [], {}, {}
    for item, item_line in zip(data, data.item_lines):
        if not isinstance(item, dict):
            problems.error(path, item_line + 1,
                           f"each entry in {filename} must be a mapping such as '- {required[-1]}: ...'")
            continue
        line = item.line + 1
        ok = True
        for key in item:
            if key not in allowed:
                problems.error(path, item.line_of(key) + 1, f"unknown key '{key}' in {kind}{suggest(key, allowed)}")
                ok = False
        for key in required:
            if not _text(item.get(key)):
                problems.error(path, line, f"{kind} entry needs a non-empty '{key}'")
                ok = False
        more = {}
        if extra is not None:
            more = extra(item, lambda key: item.line_of(key) + 1,
                         lambda key, message: problems.error(path, item.line_of(key) + 1, message))
            ok = ok and more is not None
        if not ok:
            continue
        values = {k: _text(item[k]) or "" for k in texts if k in item}
        slug, name = values["slug"], values.get("name", values.get("title"))
        if not SLUG_RE.match(slug):
            problems.error(path, item.line_of("slug") + 1,
                           f"slug '{slug}' may hold only a-z, 0-9 and single '-' between them")
            continue
        if device_name(slug):
            problems.error(path, item.line_of("slug") + 1, device_problem(slug, "slug"))
            continue
        if slug in seen_slug:
            problems.error(path, item.line_of("slug") + 1,
                           f"{kind} slug '{slug}' is used twice (also on line {seen_slug[slug]})")
            continue
        if name.lower() in seen_name:
            problems.error(path, line, f"{kind} name '{name}' is used twice (also on line {seen_name[name.lower()]})")
            continue
        seen_slug[slug] = item.line_of("slug") + 1
        seen_name[name.lower()] = line
        entries.append(cls(**{**values, **more}))  # extra may also tidy a text field (bron)
    return Registry(kind, tuple(entries))


_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value) -> date | None:
    text = _text(value)
    if not text or not _DAY_RE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _term(item, line_of, report) -> dict | None:
    """A wethouder's `van:` and `tot:`, the days the term starts and ends."""
    term, ok = {}, True
    for key in ("van", "tot"):
        if item.get(key) is None:
            continue
        term[key] = _day(item[key])
        if term[key] is None:
            report(key, f"'{key}' must be a date YYYY-MM-DD, e.g. 2018-05-24, not '{item[key]}'")
            ok = False
    if ok and term.get("van") and term.get("tot") and term["van"] > term["tot"]:
        report("tot", f"the term ends ({term['tot']}) before it starts ({term['van']})")
        ok = False
    return term if ok else None


def _besluit_refs(wijken: Registry, dossiers: Registry):
    """A decision's `wijk` (a name or a list) and `dossier`, looked up like an article's, and its
    `bron`, the web address of the official document."""
    def refs(item, line_of, report) -> dict | None:
        found, ok = {}, True
        names = item.get("wijk")
        names = [] if names is None else names if isinstance(names, list) else [names]
        found["wijken"] = []
        for name in names:
            wijk = wijken.lookup(name) if _text(name) else None
            if wijk is None:
                report("wijk", wijken.unknown(name) if _text(name) else "'wijk' must be a name or a list of names")
                ok = False
            elif wijk not in found["wijken"]:
                found["wijken"].append(wijk)
        found["wijken"] = tuple(found["wijken"])
        if item.get("dossier") is not None:
            found["dossier"] = dossiers.lookup(item["dossier"]) if _text(item["dossier"]) else None
            if found["dossier"] is None:
                report("dossier", dossiers.unknown(item["dossier"]) if _text(item["dossier"])
                       else "'dossier' must be the slug or title of one dossier")
                ok = False
        if item.get("bron") is not None:
            bron = _text(item["bron"]) or ""
            parts = urlsplit(bron)
            # as the open data's schema says a URL is (data/besluiten.schema.json): no spaces
            if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in bron):
                report("bron", f"bron must be the web address of the official document, "
                               f"such as https://raad.example.nl/besluit/123, not '{item['bron']}'")
                ok = False
            elif not parts.path:
                found["bron"] = bron + "/"  # https://raad.example.nl is https://raad.example.nl/
        return found if ok else None

    return refs


def load_registries(content: Path, problems: Problems) -> Registries:
    wijken = _load_entries(content, "wijken.yml", Wijk, "wijk", ("name", "slug"), problems)
    dossiers = _load_entries(content, "dossiers.yml", Dossier, "dossier", ("slug", "title"), problems)
    site = _load_site(content, problems)
    if site.signup is not None and site.signup.wijk_field:  # the sign-up form offers the wijken
        site = replace(site, signup=replace(site.signup, wijken=tuple((w.slug, w.name) for w in wijken)))
    return Registries(
        site=site,
        wijken=wijken,
        wethouders=_load_entries(content, "wethouders.yml", Wethouder, "wethouder", ("name", "slug"), problems,
                                 keys=("van", "tot"), extra=_term),
        dossiers=dossiers,
        # optional: a site that follows no decision over time has none
        besluiten=_load_entries(content, "besluiten.yml", Besluit, "besluit", ("slug", "title"), problems,
                                keys=("wijk", "dossier"), extra=_besluit_refs(wijken, dossiers), optional=True),
    )
