"""The newsletter (SPEC section 6): an edition as e-mail files, its web version and the archive.

An edition is a period and optionally one wijk (its list: the whole city, or that wijk). `export`
writes its three e-mail files and records it in <content>/nieuwsbrieven.yml with the articles it
held; every build puts each recorded edition on the site as made from that list (`site_files`;
made again only when what it is made from changed), so the site's copy is byte-identical to what
was sent and survives rebuilds, and puts the editions of each list in an Atom feed for mailing
tools that send a newsletter from a feed.

The daily routine: without --since an edition starts the day after the list's newest recorded one,
and also takes the list's late articles (dated in the period of an edition that was sent without
them), so that every article goes out once, even after a missed day or a back-dated article.
"""
from __future__ import annotations

import os
import re
import textwrap
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time, timedelta
from itertools import islice
from pathlib import Path
from urllib.parse import quote, urlsplit

import jinja2

from .content import AMSTERDAM, Article
from .decisions import Decision, changes_in
from .images import Picture
from .errors import ContentErrors, Problems, UsageError, display_path, suggest
from .letterfeed import FeedEntry, edition_feed
from .links import path_of, root_of
from .model import SiteModel, newest_first
from .pages import TYPE_LABEL
from .registry import Registry, SiteConfig, Wijk, read_yaml
from .render import dutch_date, template_error
from .sharing import Brand, share_of

RECORD = "nieuwsbrieven.yml"
ARCHIVE = "nieuwsbrief/"
FEED = "nieuwsbrief/feed.xml"  # the editions for the whole city; a wijk's own list: feed_of(wijk)
LATEST = "nieuwsbrief/laatste/"
TEMPLATES = ("newsletter/email.html", "newsletter/email.txt", "newsletter/web.html")  # an edition's files
CURRENT_DAYS = 7
TEXT_WIDTH = 72
SEND_TIME = time(8, 0)
PREHEADER_LENGTH = 140
_KEYS = ("since", "until", "wijk", "articles")
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@lru_cache(maxsize=1)
def _inliner():
    """Puts the e-mail's CSS into its elements: mail clients that drop <style> still get every
    rule; only @media rules cannot be inlined. Made when an e-mail is: css_inline (and the
    e-mail package it imports) would cost every other command 10 ms of its start-up."""
    import css_inline

    return css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


class NothingToSend(Exception):
    """The period has no published articles: there is no edition to export. `daily`: the period
    was the daily routine's own (no --since), for which a day without news is no failure."""

    def __init__(self, message: str, daily: bool = False):
        super().__init__(message)
        self.daily = daily


@dataclass(frozen=True)
class Edition:
    since: date
    until: date
    wijk: Wijk | None = None

    @property
    def id(self) -> str:
        return f"{self.until}-{self.wijk.slug}" if self.wijk else f"{self.until}"

    @property
    def folder(self) -> str:
        return f"{ARCHIVE}{self.id}/"

    @property
    def topic(self) -> str:
        """'nieuws uit Rokkeveen van 1 augustus 2021 t/m 24 augustus 2021', for subject and headings."""
        where = f" uit {self.wijk.name}" if self.wijk else ""
        if self.since == self.until:
            return f"nieuws{where} van {dutch_date(self.until)}"
        return f"nieuws{where} van {dutch_date(self.since)} t/m {dutch_date(self.until)}"


@dataclass(frozen=True)
class Recorded:
    edition: Edition
    since_line: int  # 1-based, in nieuwsbrieven.yml
    # The slugs of the articles it held, newest first; None for an entry recorded before they
    # were kept (its articles are then those of its period).
    articles: tuple[str, ...] | None = None
    article_lines: tuple[int, ...] = field(default=(), compare=False)
    lines: tuple[int, int] = field(default=(0, 0), compare=False)  # the entry's first and last line

    def same_list(self, edition: Edition) -> bool:
        return (self.edition.wijk and self.edition.wijk.slug) == (edition.wijk and edition.wijk.slug)


@dataclass(frozen=True)
class Item:
    article: Article
    url: str
    image_url: str | None
    facts: tuple[str, ...]  # date, type, status and the other wijken: one line under the title


@dataclass(frozen=True)
class ChangeItem:
    """A decision whose status changed in the edition's period: from `previous` to `status`."""

    decision: Decision
    url: str
    previous: str
    status: str
    day: date
    article: Article  # the article that reported the newest status
    article_url: str


@dataclass(frozen=True)
class Group:
    wijk: Wijk
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Letter:
    """One edition, ready to render: everything a template shows, with absolute URLs."""

    edition: Edition
    groups: tuple[Group, ...]
    count: int
    folder: str       # where its web version lives in the site
    web_url: str
    subject: str
    heading: str
    preheader: str
    message_id: str
    changes: tuple[ChangeItem, ...] = ()  # "Besluiten die veranderden"


# --- selection ---------------------------------------------------------------------------------

def select(model: SiteModel, edition: Edition, history: list[Recorded] = ()) -> list[Article]:
    """Published articles of the edition's list whose Amsterdam day is in the period, newest
    first; with the list's `history`, also its late articles: dated in the period of an
    edition that was recorded without them (published after it was sent, or back-dated)."""
    sent: set[str] = set()
    covered: list[tuple[date, date]] = []  # periods whose articles are known
    for entry in history:
        if entry.articles is not None and entry.same_list(edition) and entry.edition.id != edition.id:
            sent.update(entry.articles)
            covered.append((entry.edition.since, entry.edition.until))
    earliest = min([edition.since, *(since for since, _ in covered)])
    chosen = []
    # newest first: start at the edition's last day, and the first article before them all ends it
    start = bisect_left(model.articles, -edition.until.toordinal(), key=lambda a: -a.day.toordinal())
    for article in islice(model.articles, start, None):
        day = article.day
        if day < earliest:
            break
        if day > edition.until or (edition.wijk and all(w.slug != edition.wijk.slug for w in article.wijken)):
            continue
        if day >= edition.since or (article.slug not in sent and any(a <= day <= b for a, b in covered)):
            chosen.append(article)
    return chosen


def _count(n: int) -> str:
    return f"{n} bericht" if n == 1 else f"{n} berichten"


def _item(article: Article, home: Wijk, base: str, picture: Picture | None) -> Item:
    others = tuple(w for w in article.wijken if w.slug != home.slug)
    facts = [dutch_date(article.day), TYPE_LABEL.get(article.type, article.type)]
    if article.status:
        facts.append(article.status)
    if others:
        facts.append("ook in " + ", ".join(w.name for w in others))
    # the copy made for e-mail: a photo about 800 px wide, an SVG drawn as PNG (Gmail and
    # Outlook show no SVG)
    image = base + quote(picture.email, safe="/") if picture and picture.email else None
    return Item(article, base + path_of(article), image, tuple(facts))


def compose(model: SiteModel, edition: Edition, folder: str | None = None,
            articles: list[Article] | None = None, decisions=None) -> Letter:
    """The edition's articles (by default those of its period) grouped by wijk, each article
    once, under its first wijk; decisions: those that can have changed (by default all)."""
    base = model.config.base_url
    articles = select(model, edition) if articles is None else articles
    grouped: dict[str, list[Item]] = defaultdict(list)
    for article in articles:
        home = edition.wijk or article.wijken[0]
        grouped[home.slug].append(_item(article, home, base, model.picture(article)))
    groups = tuple(Group(w, tuple(grouped[w.slug])) for w in model.wijken if w.slug in grouped)
    changes = tuple(ChangeItem(c.decision, base + path_of(c.decision), c.previous, c.step.status,
                               c.step.since.date(), c.step.articles[0], base + path_of(c.step.articles[0]))
                    for c in changes_in(model.decisions if decisions is None else decisions, articles,
                                        edition.since, edition.until, edition.wijk))
    folder = folder or edition.folder
    titles = " · ".join(a.title for a in articles)
    preheader = f"{_count(len(articles))}: {titles}" if articles else "Geen nieuwe berichten."
    if len(preheader) > PREHEADER_LENGTH:
        preheader = preheader[:PREHEADER_LENGTH - 1].rstrip() + "…"
    return Letter(
        edition=edition, groups=groups, count=len(articles), folder=folder, web_url=base + folder,
        subject=f"{model.config.title}: {edition.topic}", heading=edition.topic[:1].upper() + edition.topic[1:],
        preheader=preheader,
        message_id=f"<nieuwsbrief-{edition.id}@{urlsplit(base).hostname or 'localhost'}>", changes=changes)


def current_edition(model: SiteModel) -> Edition | None:
    """The seven days up to and including the newest published article's day."""
    if not model.articles:
        return None
    until = model.articles[0].day
    return Edition(until - timedelta(days=CURRENT_DAYS - 1), until)


# --- settings and the record of editions -------------------------------------------------------

def _setting_line(content: Path, key: str) -> int:
    data = read_yaml(content / "site.yml", Problems(), required=False)
    return data.line_of(key) + 1 if isinstance(data, dict) else 1


def check_config(config: SiteConfig, content: Path, problems: Problems) -> bool:
    """Records why site.yml cannot make an e-mail (absolute links, a sender); True when it can."""
    path = content / "site.yml"
    ok = True
    parts = urlsplit(config.base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.error(path, _setting_line(content, "base_url"),
                       "the newsletter needs a full base_url such as https://nieuws.example.nl/: "
                       "every link in an e-mail must be absolute")
        ok = False
    from email.utils import parseaddr  # here: the e-mail package costs every other command 10 ms

    if "@" not in parseaddr(config.newsletter_from)[1]:
        problems.error(path, _setting_line(content, "newsletter"),
                       "the newsletter needs a sender: add 'from: \"Naam <adres@example.nl>\"' under 'newsletter:'"
                       if not config.newsletter_from else
                       f"newsletter 'from' is not an e-mail address: '{config.newsletter_from}'")
        ok = False
    return ok


def _day(value) -> date | None:
    text = str(value).strip()
    if isinstance(value, (list, dict, bool)) or value is None or not _DAY_RE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def read_editions(content: Path, wijken: Registry, problems: Problems) -> list[Recorded]:
    """The editions in nieuwsbrieven.yml, in file order; every bad entry is a problem at its line."""
    path = content / RECORD
    data = read_yaml(path, problems, required=False)
    if data is None:
        return []
    if not isinstance(data, list):
        problems.error(path, 1, f"{RECORD} must be a list of editions, each starting with '- since: '")
        return []
    recorded, seen = [], {}
    for item, item_line in zip(data, data.item_lines):
        if not isinstance(item, dict):
            problems.error(path, item_line + 1,
                           f"each entry in {RECORD} must be a mapping such as '- since: 2021-08-01'")
            continue
        before = len(problems.errors)
        for key in item:
            if key not in _KEYS:
                problems.error(path, item.line_of(key) + 1, f"unknown key '{key}' in an edition{suggest(key, _KEYS)}")
        days = {}
        for key in ("since", "until"):
            days[key] = _day(item.get(key))
            if days[key] is None:
                problems.error(path, item.line_of(key) + 1,
                               f"edition needs '{key}' as a date YYYY-MM-DD" if key not in item else
                               f"{key} '{item[key]}' is not a date; write YYYY-MM-DD")
        slugs, slug_lines = None, ()
        if "articles" in item:
            value = item["articles"]
            if not isinstance(value, list) or any(isinstance(s, (list, dict)) or s is None for s in value):
                problems.error(path, item.line_of("articles") + 1,
                               "articles must be a list of article slugs, one per line as '    - de-vlieger'")
            else:
                slugs = tuple(str(s).strip() for s in value)
                slug_lines = tuple(line + 1 for line in value.item_lines)
        wijk = None
        if item.get("wijk") is not None:
            wijk = wijken.lookup(str(item["wijk"]))
            if wijk is None:
                problems.error(path, item.line_of("wijk") + 1, wijken.unknown(str(item["wijk"])))
        if days["since"] and days["until"] and days["since"] > days["until"]:
            problems.error(path, item.line_of("since") + 1,
                           f"since {days['since']} is after until {days['until']}")
        if len(problems.errors) > before:
            continue
        edition = Edition(days["since"], days["until"], wijk)
        line = item.line_of("since") + 1
        if edition.id in seen:
            problems.error(path, line, f"edition {edition.id} is recorded twice (also on line {seen[edition.id]})")
            continue
        seen[edition.id] = line
        last = max([*item.key_lines.values(), *(n - 1 for n in slug_lines)]) + 1
        recorded.append(Recorded(edition, line, slugs, slug_lines, (item_line + 1, last)))
    return recorded


def _entry_text(edition: Edition, slugs: tuple[str, ...]) -> str:
    wijk = f"  wijk: {edition.wijk.slug}\n" if edition.wijk else ""
    articles = "".join(f"    - {slug}\n" for slug in slugs)
    return f"- since: {edition.since}\n  until: {edition.until}\n{wijk}  articles:\n{articles}"


def record(content: Path, edition: Edition, recorded: list[Recorded], slugs: tuple[str, ...]) -> None:
    """Adds the edition and the slugs of its articles to nieuwsbrieven.yml, keeping the editors'
    text and comments as they are."""
    path = content / RECORD
    same = next((r for r in recorded if r.edition.id == edition.id), None)
    if same is not None and same.edition == edition and same.articles == slugs:
        return
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    if same is not None:
        # One id is one folder in the site: the entry is replaced, so the site shows what was
        # sent last.
        lines = text.split("\n")
        first, last = same.lines
        lines[first - 1:last] = _entry_text(edition, slugs).rstrip("\n").split("\n")
        text = "\n".join(lines)
    elif recorded:
        text = (text if text.endswith("\n") else text + "\n") + _entry_text(edition, slugs)
    else:
        # An empty list may be written as '[]', which cannot be appended to: keep only the comments.
        comments = "".join(line + "\n" for line in text.splitlines() if line.lstrip().startswith("#"))
        text = (comments or "# Newsletter editions exported so far; every build puts each one on the site.\n"
                ) + _entry_text(edition, slugs)
    temporary = path.with_name(f".{RECORD}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# --- rendering ---------------------------------------------------------------------------------

def _fill(text: str) -> str:
    return textwrap.fill(" ".join(str(text).split()), TEXT_WIDTH, break_long_words=False, break_on_hyphens=False)


class Printer:
    """Renders letters with the site's theme: the e-mail files, the web page and the archive."""

    def __init__(self, model: SiteModel, env: jinja2.Environment, brand: Brand | None = None):
        self.model = model
        self.env = env
        self.brand = brand  # the site's icons and sharing picture, for the web pages
        # Plain text must not be HTML-escaped; the same loader keeps theme overrides working.
        self.text_env = jinja2.Environment(loader=env.loader, autoescape=False, trim_blocks=True,
                                           lstrip_blocks=True, keep_trailing_newline=True)
        self.text_env.filters.update(env.filters, fill=_fill)
        self.text_env.globals.update(env.globals)

    def _render(self, env: jinja2.Environment, name: str, **context) -> str:
        try:
            # Like a page (render.py), a template sees its context and the settings, not the whole
            # model: what an edition is made from is then known (pipeline.py keeps it by that).
            return env.get_template(name).render(context, config=self.model.config)
        except Exception as exc:  # a theme author's mistake: report it at its template line
            loaders = getattr(env.loader, "loaders", [env.loader])
            dirs = [Path(p) for loader in loaders for p in getattr(loader, "searchpath", ())]
            raise ContentErrors([template_error(exc, dirs)]) from None

    def email_files(self, letter: Letter) -> dict[str, bytes]:
        # the inliner drops the final newline, which the .eml part would add back: keep both the same
        html = _inliner().inline(self._render(self.env, "newsletter/email.html", letter=letter,
                                            brand=self.brand)).rstrip("\n") + "\n"
        # Outlook's and Yahoo's apps drop <body> (caniemail.com): the e-mail sets nothing on it, and
        # leaves out the tag the inliner writes (HTML allows that; text in it is always escaped).
        html = html.replace("<body>", "", 1).replace("</body>", "", 1)
        text = self._render(self.text_env, "newsletter/email.txt", letter=letter)
        return {"nieuwsbrief.html": html.encode("utf-8"), "nieuwsbrief.txt": text.encode("utf-8"),
                "nieuwsbrief.eml": self._message(letter, text, html)}

    def _message(self, letter: Letter, text: str, html: str) -> bytes:
        from email import policy  # here: the e-mail package costs every other command 10 ms
        from email.message import EmailMessage
        from email.utils import format_datetime

        config = self.model.config
        message = EmailMessage(policy=policy.SMTP)
        message["Subject"] = letter.subject
        message["From"] = config.newsletter_from
        message["Date"] = format_datetime(datetime.combine(letter.edition.until, SEND_TIME, AMSTERDAM))
        message["Message-ID"] = letter.message_id
        message["List-Unsubscribe"] = f"<{config.newsletter_unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        # Quoted-printable keeps lines short and 7-bit for any relay, and cannot contain '=_',
        # so a boundary made from the edition id is both stable and safe.
        message.set_content(text, charset="utf-8", cte="quoted-printable")
        message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
        message.set_boundary(f"=_nieuwsbrief-{letter.edition.id}")
        for part in message.iter_parts():
            del part["MIME-Version"]  # set_content adds it to each part; it belongs on the message only
        return message.as_bytes()

    def page(self, path: str, template: str, canonical: str | None = None, **context) -> bytes:
        """A site page extending base.html, with links relative to `path` like every other page;
        shared and found as the page at `canonical` when it is a copy of that one."""
        share = share_of(canonical or path, context, self.model.config, self.brand)
        return self._render(self.env, template, root=root_of(path), page_path=path, section=None,
                            brand=self.brand, share=share, **context).encode("utf-8")

    def web_page(self, letter: Letter, title: str, folder: str | None = None, canonical: str | None = None) -> bytes:
        return self.page((folder or letter.folder) + "index.html", "newsletter/web.html", canonical, letter=letter,
                         title=title, breadcrumbs=[("Nieuwsbrieven", ARCHIVE)])

    def archive(self, letters: list[Letter], latest: Letter | None, feeds: list[tuple[str, str]]) -> bytes:
        return self.page(ARCHIVE + "index.html", "newsletter/archive.html", title="Nieuwsbrieven",
                         letters=letters, latest=latest, feeds=feeds, feed=FEED)


def _title(edition: Edition) -> str:
    where = f" {edition.wijk.name}" if edition.wijk else ""
    return f"Nieuwsbrief{where} {dutch_date(edition.until)}"


def _newest_first(letters: list[Letter]) -> list[Letter]:
    return sorted(letters, key=lambda l: (l.edition.until, l.edition.since, l.edition.id), reverse=True)


def feed_of(wijk: Wijk | None) -> str:
    return f"{ARCHIVE}wijk/{wijk.slug}/feed.xml" if wijk else FEED


def recorded_editions(content: Path, wijken: Registry, config: SiteConfig, problems: Problems,
                      model: SiteModel | None = None) -> list[Recorded]:
    """The editions a build puts on the site, checked with the rest of the content (`check`
    too): a bad entry, or settings that cannot make those e-mails, is a problem like any other.
    An article an edition held that is no longer published is a warning: it was sent, and the
    web version can only leave it out."""
    recorded = read_editions(content, wijken, problems)
    if recorded:
        check_config(config, content, problems)
    for entry in recorded if model is not None else ():
        for slug, line in zip(entry.articles or (), entry.article_lines):
            if slug not in model.by_slug:
                problems.warn(content / RECORD, line,
                              f"edition {entry.edition.id} held article '{slug}', which is not published (any more): "
                              f"its web version leaves it out{suggest(slug, model.by_slug)}")
    return recorded


def _held(model: SiteModel, entry: Recorded) -> list[Article] | None:
    """The articles a recorded edition held, newest first; None: those of its period."""
    if entry.articles is None:
        return None
    held = [model.by_slug[slug] for slug in set(entry.articles) if slug in model.by_slug]
    return newest_first(held)


def _feeds(model: SiteModel, letters: list[Letter], emails: dict) -> list[tuple[str, str, bytes]]:
    """One Atom feed per list, the newest editions first, each with its e-mail as the content:
    a mailing tool that sends a newsletter from a feed sends one list's editions only."""
    config = model.config
    lists: dict[str, list[FeedEntry]] = {FEED: []}
    names = {FEED: "de hele stad"}  # who the list is for
    for letter in _newest_first(letters):
        wijk = letter.edition.wijk
        path = feed_of(wijk)
        names.setdefault(path, wijk.name if wijk else "")
        lists.setdefault(path, []).append(FeedEntry(
            url=letter.web_url, title=letter.subject, summary=letter.preheader,
            updated=datetime.combine(letter.edition.until, SEND_TIME, AMSTERDAM),
            html=emails[letter.edition]["nieuwsbrief.html"].decode("utf-8")))
    return [(path, names[path], edition_feed(config, path, f"{config.title}: nieuwsbrieven voor {names[path]}",
                                             ARCHIVE, entries))
            for path, entries in lists.items()]


def site_files(model: SiteModel, recorded: list[Recorded], content_dir: Path,
               env: jinja2.Environment, brand: Brand | None = None,
               memo: dict | None = None, key=None) -> list[tuple[str, bytes]]:
    """Every recorded edition at nieuwsbrief/<id>/, the current one at nieuwsbrief/laatste/, the archive.
    A recorded edition's files are kept in memo by key(letter), what they are made from (a year
    of daily editions rendered again cost an edit 3 s at 10,000 articles)."""
    printer = Printer(model, env, brand)
    files: list[tuple[str, bytes]] = []
    letters, emails, kept = [], {}, {}
    changing = [d for d in model.decisions if len(d.steps) > 1]  # what an edition can report as changed
    for entry in recorded:
        letter = compose(model, entry.edition, articles=_held(model, entry), decisions=changing)
        known = key(letter) if key else None
        made = memo.get(known) if memo is not None and known else None
        if made is None:
            made = {**printer.email_files(letter), "index.html": printer.web_page(letter, _title(letter.edition))}
        kept[known] = made
        emails[entry.edition] = {name: data for name, data in made.items() if name != "index.html"}
        files += [(letter.folder + name, data) for name, data in made.items()]
        letters.append(letter)
    if memo is not None:  # only this build's editions: one deleted from the record is forgotten
        memo.clear()
        memo.update((known, made) for known, made in kept.items() if known)
    current = current_edition(model)
    latest = None
    # A site without newsletter settings still builds; it just has no current edition to send.
    if current is not None and check_config(model.config, content_dir, Problems()):
        sent = next((letter for letter in letters if letter.edition == current), None)
        # Once sent, the latest edition is that edition, as sent (its own page is the canonical
        # one); until then, what it would hold now.
        latest = sent or compose(model, current, LATEST)
        mail = emails[current] if sent else printer.email_files(latest)
        files += [(LATEST + name, data) for name, data in mail.items()]
        canonical = sent.folder + "index.html" if sent else None
        files.append((LATEST + "index.html", printer.web_page(latest, "Laatste nieuwsbrief", LATEST, canonical)))
    feeds = _feeds(model, letters, emails)
    files += [(path, data) for path, _, data in feeds]
    files.append((ARCHIVE + "index.html",
                  printer.archive(_newest_first(letters), latest, [(path, name) for path, name, _ in feeds])))
    return files


# --- the command -------------------------------------------------------------------------------

def parse_day(text: str, option: str) -> date:
    day = _day(text)
    if day is None:
        raise UsageError(f"{option} '{text}' is not a date; write YYYY-MM-DD, e.g. 2021-08-24")
    return day


@dataclass(frozen=True)
class Plan:
    """What an export will write: the edition and its articles, newest first."""

    edition: Edition
    articles: tuple[Article, ...]
    recorded: list[Recorded]

    @property
    def late(self) -> tuple[Article, ...]:
        """Articles dated before the period: published after the edition of their day was sent."""
        return tuple(a for a in self.articles if a.day < self.edition.since)


def _next_since(recorded: list[Recorded], edition: Edition, content: Path) -> tuple[date, Recorded]:
    """The day after the newest recorded edition of the same list: the daily routine's start."""
    same = [entry for entry in recorded if entry.same_list(edition)]
    if not same:
        where = f" for wijk {edition.wijk.name}" if edition.wijk else ""
        raise UsageError(f"no edition{where} is recorded in {display_path(content / RECORD)} yet: "
                         f"give the first day of the first one with --since YYYY-MM-DD")
    newest = max(same, key=lambda entry: (entry.edition.until, entry.since_line))
    return newest.edition.until + timedelta(days=1), newest


def plan(model: SiteModel, content: Path, since: str | None, until: str | None, wijk: str | None) -> Plan:
    """The edition to export and its articles. Without `since`, it starts the day after the
    newest recorded edition of the same list (the city's or the wijk's)."""
    last = parse_day(until, "--until") if until else datetime.now(AMSTERDAM).date()
    wijken = Registry("wijk", model.wijken)
    home = None
    if wijk is not None:
        home = wijken.lookup(wijk)
        if home is None:
            raise UsageError(f"--wijk: {wijken.unknown(wijk)}")
    problems = Problems()
    recorded = read_editions(content, wijken, problems)
    check_config(model.config, content, problems)
    if problems:
        raise ContentErrors(problems.errors)
    where = f" in wijk {home.name}" if home else ""
    if since is None:
        first, newest = _next_since(recorded, Edition(last, last, home), content)
        if first > last:
            raise NothingToSend(f"edition {newest.edition.id} ({display_path(content / RECORD)}:{newest.since_line}) "
                                f"already goes up to {newest.edition.until}: the next one starts on {first}; "
                                f"nothing written", daily=True)
    else:
        first = parse_day(since, "--since")
        if first > last:
            raise UsageError(f"--since {first} is after --until {last}")
    edition = Edition(first, last, home)
    articles = select(model, edition, recorded)
    # an edition without articles still goes out when a decision of its wijk changed (issue 19)
    if not articles and not changes_in(model.decisions, articles, first, last, home):
        raise NothingToSend(f"no published articles{where} from {first} to {last}; nothing written", daily=since is None)
    return Plan(edition, tuple(articles), recorded)


def describe(plan: Plan) -> str:
    """The articles an export would send, for --dry-run."""
    edition, late = plan.edition, set(plan.late)
    lines = [f"edition {edition.id} ({edition.topic}): {_count(len(plan.articles))}; nothing written (--dry-run)"]
    for article in plan.articles:
        note = " (late: dated before the period, not sent before)" if article in late else ""
        lines.append(f"  {article.day}  {article.title}  [{', '.join(w.name for w in article.wijken)}]{note}")
    return "\n".join(lines)


def export(model: SiteModel, env: jinja2.Environment, content: Path, plan: Plan, out: Path | None, *,
           record_edition: bool = True, brand: Brand | None = None) -> Path:
    """Writes the planned edition's three files from the loaded model, with the theme's templates
    (env), and records it with its articles; returns the folder written."""
    edition = plan.edition
    letter = compose(model, edition, articles=list(plan.articles))
    out = out if out is not None else Path("nieuwsbrief") / edition.id
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out '{out}' exists and is not a folder")
    files = Printer(model, env, brand).email_files(letter)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    if record_edition:
        record(content, edition, plan.recorded, tuple(a.slug for a in plan.articles))
    return out
