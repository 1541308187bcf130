"""Which pages the site has and what each template receives: a pure function of the model.

Every page is a Page(path, template, context). Templates get ready lists and objects; they
decide how things look, never what is shown.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from typing import Callable

from .content import OPEN_STATUSES, STATUSES, TYPES, Article
from .decisions import Decision, Step
from .links import file_of, page_path, path_of
from .model import SiteModel
from .registry import Besluit

STATUS_MEANING = {
    "voorgenomen": "Het college is het van plan; er is nog niets besloten.",
    "uitgesteld": "Het besluit of de uitvoering is voorlopig uitgesteld.",
    "aangenomen": "Het voorstel is aangenomen.",
    "uitgevoerd": "Besloten en uitgevoerd.",
    "verworpen": "Het voorstel is afgewezen.",
    "ingetrokken": "Het voorstel is ingetrokken en gaat niet door.",
}
TYPE_LABEL = {"nieuws": "Nieuws", "besluit": "Besluit", "memo": "Memo", "raadsvragen": "Raadsvragen",
              "raadsvoorstel": "Raadsvoorstel"}
HOME_DECISIONS = 5
DECISIONS_FEED = "besluiten/feed.xml"


@dataclass(frozen=True)
class Page:
    path: str                 # file in the output, e.g. 'wijk/rokkeveen/index.html'
    template: str
    fields: dict = field(default_factory=dict, compare=False)
    make: Callable[[], dict] | None = field(default=None, compare=False, repr=False)

    @property
    def context(self) -> dict:
        """What the template receives: `fields`, or for an article's page what `make` makes
        when asked. A rebuild finds most article pages unchanged without looking at them, so
        their contexts are not made for nothing, nor kept in the main process while the
        workers render."""
        return self.fields if self.make is None else self.make()


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    folders: tuple[str, ...]  # site-relative folder of each page

    @property
    def previous(self) -> str | None:
        return self.folders[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.folders[self.number] if self.number < self.count else None

    @property
    def shown(self) -> list[tuple[int, str | None]]:
        """The numbers to link: the first, the last and the current one's neighbours, with
        None for a gap ('…') where pages are left out."""
        near = {1, self.count, self.number - 1, self.number, self.number + 1}
        gaps = {2, self.count - 1} - near
        return [(n, self.folders[n - 1] if n in near else None)
                for n in sorted((near | gaps) & set(range(1, self.count + 1)))]


@dataclass(frozen=True)
class Entry:
    """One row of an index page: an item and how many articles it has."""

    item: object
    count: int
    newest: Article | None = None


@dataclass(frozen=True)
class DecisionNote:
    """What an article's page says of the decision it reports on: which one, and, when its
    status has changed since this article, the status now and the newest article."""

    besluit: Besluit
    now: Step | None = None
    newest: Article | None = None


def decision_note(model: SiteModel, a: Article) -> DecisionNote | None:
    """Made from the decision without this article itself, so that the page of an article just
    edited (preview.py) is the one the build makes."""
    decision = model.decision_of.get(a.slug)
    if decision is None or decision.besluit is None:
        return None
    if not decision.moved_on(a):
        return DecisionNote(decision.besluit)
    return DecisionNote(decision.besluit, decision.steps[-1], decision.newest)


def _decisions_by(decisions, keys) -> dict[str, tuple[Decision, ...]]:
    index = defaultdict(list)
    for decision in decisions:
        for key in keys(decision):
            index[key].append(decision)
    return {key: tuple(items) for key, items in index.items()}


def paginate(target, items, size: int, template: str, **context) -> list[Page]:
    """One page per `size` items; page 1 at the target's folder, then .../pagina/<n>/."""
    items = tuple(items)
    count = max(1, -(-len(items) // size))
    folders = tuple(page_path(target, n) for n in range(1, count + 1))
    return [Page(file_of(folders[n]), template,
                 dict(context, items=items[n * size:(n + 1) * size],
                      pagination=Pagination(n + 1, count, folders), total=len(items)))
            for n in range(count)]


def _entries(model: SiteModel, items, index: dict) -> list[Entry]:
    return [Entry(item, len(index.get(item.slug, ())), (index.get(item.slug) or (None,))[0]) for item in items]


def home(model: SiteModel) -> list[Page]:
    open_decisions = model.open_decisions  # by their current status: a decision that moved on is not open
    return [Page("index.html", "home.html", dict(
        section="home", title=model.config.title,
        latest=model.articles[:model.config.page_size],
        open_decisions=open_decisions[:HOME_DECISIONS], open_count=len(open_decisions),
        open_by_status=[(s, sum(1 for a in open_decisions if a.status == s)) for s in OPEN_STATUSES],
        wijken=_entries(model, model.wijken, model.by_wijk),
        statuses=[(s, STATUS_MEANING[s]) for s in STATUSES]))]


def article_page(model: SiteModel, a: Article) -> Page:
    return Page(file_of(page_path(a)), "article.html", make=partial(_article_context, model, a))


def _article_context(model: SiteModel, a: Article) -> dict:
    return dict(section="nieuws", title=a.title, article=a, picture=model.picture(a),
                related=model.related.get(a.slug, ()), place=model.dossier_place.get(a.slug),
                decision=decision_note(model, a), breadcrumbs=[("Nieuws", "nieuws/")])


def articles(model: SiteModel) -> list[Page]:
    return [article_page(model, a) for a in model.articles]


def news(model: SiteModel) -> list[Page]:
    return paginate("nieuws/", model.articles, model.config.page_size, "listing.html",
                    section="nieuws", title="Alle nieuwsberichten", feed="feed.xml")


def wijken(model: SiteModel) -> list[Page]:
    size = model.config.page_size
    pages = [Page("wijk/index.html", "wijken.html", dict(
        section="wijk", title="Wijken", entries=_entries(model, model.wijken, model.by_wijk)))]
    open_by_wijk = _decisions_by(model.open_decisions, lambda d: [w.slug for w in d.wijken])
    for wijk in model.wijken:
        items = model.by_wijk.get(wijk.slug, ())
        dossiers = Counter(a.dossier for a in items if a.dossier)
        open_decisions = open_by_wijk.get(wijk.slug, ())
        pages += paginate(wijk, items, size, "wijk.html", section="wijk", title=wijk.name, wijk=wijk,
                          open_decisions=open_decisions[:HOME_DECISIONS], open_count=len(open_decisions),
                          dossiers=[Entry(d, n) for d, n in sorted(dossiers.items(), key=lambda e: e[0].title)],
                          breadcrumbs=[("Wijken", "wijk/")], feed=f"wijk/{wijk.slug}/feed.xml")
    return pages


def wethouders(model: SiteModel) -> list[Page]:
    size = model.config.page_size
    pages = [Page("wethouder/index.html", "wethouders.html", dict(
        section="wethouder", title="Wethouders",
        entries=_entries(model, model.wethouders, model.by_wethouder)))]
    by_wethouder = _decisions_by(model.decisions, lambda d: [w.slug for w in d.wethouders])
    for wethouder in model.wethouders:
        items = model.by_wethouder.get(wethouder.slug, ())
        pages += paginate(wethouder, items, size, "wethouder.html", section="wethouder",
                          title=f"Wethouder {wethouder.name}", wethouder=wethouder,
                          decisions=by_wethouder.get(wethouder.slug, ())[:HOME_DECISIONS],
                          breadcrumbs=[("Wethouders", "wethouder/")], feed=f"wethouder/{wethouder.slug}/feed.xml")
    return pages


def dossiers(model: SiteModel) -> list[Page]:
    size = model.config.page_size
    pages = [Page("dossier/index.html", "dossiers.html", dict(
        section="dossier", title="Dossiers", entries=_entries(model, model.dossiers, model.by_dossier)))]
    by_dossier = _decisions_by(model.decisions, lambda d: [d.dossier.slug] if d.dossier else [])
    for dossier in model.dossiers:
        timeline = model.by_dossier.get(dossier.slug, ())[::-1]
        listing = paginate(dossier, timeline, size, "dossier.html", section="dossier", title=dossier.title,
                           dossier=dossier, breadcrumbs=[("Dossiers", "dossier/")],
                           decisions=by_dossier.get(dossier.slug, ()),  # each with its current status
                           feed=f"dossier/{dossier.slug}/feed.xml")
        for later in listing[1:]:  # the decisions once, on the dossier's own page, not on each page after it
            later.context["decisions"] = ()
        pages += listing
    return pages


def decisions(model: SiteModel) -> list[Page]:
    """All decisions, each once by its current status, and the same list per status and per wijk,
    as plain pages (no JavaScript); and a page per decision that articles follow (besluiten.yml)."""
    size, every = model.config.page_size, model.decisions
    by_status, by_wijk = defaultdict(list), defaultdict(list)
    for decision in every:
        by_status[decision.status].append(decision)
        for wijk in decision.wijken:
            by_wijk[wijk.slug].append(decision)
    statuses = [(s, len(by_status[s])) for s in STATUSES]
    wijken = [(w, len(by_wijk[w.slug])) for w in model.wijken]
    common = dict(section="besluiten", statuses=statuses, wijken=wijken, all_count=len(every),
                  decisions_feed=DECISIONS_FEED)
    # `feed` is what a page announces as its own feed: all decisions' changes, on the page of all decisions
    pages = paginate("besluiten/", every, size, "besluiten.html", title="Besluiten", feed=DECISIONS_FEED, **common)
    for status, _ in statuses:
        pages += paginate(f"besluiten/status/{status}/", by_status[status], size,
                          "besluiten.html", title=f"Besluiten: {status}", current_status=status,
                          breadcrumbs=[("Besluiten", "besluiten/")], **common)
    for wijk, _ in wijken:
        pages += paginate(f"besluiten/wijk/{wijk.slug}/", by_wijk[wijk.slug], size,
                          "besluiten.html", title=f"Besluiten in {wijk.name}", current_wijk=wijk,
                          breadcrumbs=[("Besluiten", "besluiten/")], **common)
    for decision in every:
        if decision.besluit is not None:
            pages.append(Page(file_of(path_of(decision)), "besluit.html", dict(
                section="besluiten", title=decision.title, decision=decision,
                breadcrumbs=[("Besluiten", "besluiten/")], decisions_feed=DECISIONS_FEED)))
    return pages


def tags(model: SiteModel) -> list[Page]:
    pages = [Page("tag/index.html", "tags.html", dict(
        section="nieuws", title="Onderwerpen", entries=_entries(model, model.tags, model.by_tag)))]
    for tag in model.tags:
        pages += paginate(tag, model.by_tag[tag.slug], model.config.page_size, "listing.html",
                          section="nieuws", title=f"Onderwerp: {tag.name}", breadcrumbs=[("Onderwerpen", "tag/")])
    return pages


def archive(model: SiteModel) -> list[Page]:
    years = sorted(model.by_year, reverse=True)
    pages = [Page("archief/index.html", "archief.html", dict(
        section="nieuws", title="Archief", years=[(y, len(model.by_year[y])) for y in years]))]
    for year in years:
        for page in paginate(f"archief/{year}/", model.by_year[year], model.config.page_size,
                             "archief_jaar.html", section="nieuws", title=f"Archief {year}", year=year,
                             breadcrumbs=[("Archief", "archief/")]):
            page.context["months"] = [(month, tuple(group)) for month, group
                                      in groupby(page.context["items"], key=lambda a: a.day.replace(day=1))]
            pages.append(page)
    return pages


def search(model: SiteModel) -> list[Page]:
    return [Page("zoeken/index.html", "zoeken.html", dict(section="zoeken", title="Zoeken"))]


def not_found(model: SiteModel) -> list[Page]:
    return [Page("404.html", "404.html", dict(section=None, title="Pagina niet gevonden",
                                              wijken=model.wijken))]


SECTIONS = (home, articles, news, wijken, wethouders, dossiers, decisions, tags, archive, search, not_found)


def site_pages(model: SiteModel) -> list[Page]:
    return [page for section in SECTIONS for page in section(model)]


__all__ = ["Page", "Pagination", "Entry", "DecisionNote", "site_pages", "STATUS_MEANING", "TYPE_LABEL", "TYPES",
           "DECISIONS_FEED"]
