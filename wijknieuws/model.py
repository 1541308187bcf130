"""The site model: every published article and the relations between them, built once.

Like a library catalogue, relations are kept as indices (wijk slug -> its articles) rather than
as links inside the articles, so the articles stay simple immutable records.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .content import Article, Tag
from .decisions import Decision, check_same_day, follow
from .errors import Problems, suggest
from .images import Picture, body_pictures, is_raster
from .markup import ARTICLE_LINK, ROOT
from .registry import Dossier, Registries, SiteConfig, Wethouder, Wijk

RELATED_COUNT = 4
# How far to look along each shared list (dossier, wijk, ...) for related candidates: enough to
# find good neighbours, and it keeps a new article from reshuffling old articles' lists.
RELATED_WINDOW = 6


@dataclass(frozen=True)
class DossierPlace:
    """Where an article stands in its dossier's timeline (oldest first)."""

    number: int
    count: int
    previous: Article | None
    next: Article | None


@dataclass(frozen=True)
class SiteModel:
    config: SiteConfig
    articles: tuple[Article, ...]          # published, newest first
    wijken: tuple[Wijk, ...]
    wethouders: tuple[Wethouder, ...]
    dossiers: tuple[Dossier, ...]
    tags: tuple[Tag, ...]                  # by name
    by_slug: dict[str, Article]
    slug_of: dict[str, str]                # content path of an article -> its slug
    by_wijk: dict[str, tuple[Article, ...]]
    by_wethouder: dict[str, tuple[Article, ...]]
    by_dossier: dict[str, tuple[Article, ...]]
    by_tag: dict[str, tuple[Article, ...]]
    by_year: dict[int, tuple[Article, ...]]
    related: dict[str, tuple[Article, ...]]
    dossier_place: dict[str, DossierPlace]
    decisions: tuple[Decision, ...]        # the most recently changed first (decisions.follow)
    decision_of: dict[str, Decision]       # article slug -> the decision it reports on
    files: tuple[str, ...]                 # content files to copy as they are (SVG, attachments)
    shape: str                             # _shape(): the same pages and lists as a build with the same shape
    pictures: dict[str, Picture]           # content path -> what was made of each picture used

    def picture(self, article: Article) -> Picture | None:
        """The article's own (lead) picture, as made for the site."""
        return self.pictures.get(article.image) if article.image else None

    def shown_with(self, article: Article) -> tuple:
        """What a page showing the article shows besides its own fields (fingerprint.py): its
        links' targets (a renamed target changes the body's links) and its pictures (a replaced
        photo of the same name gets copies of other names)."""
        pictures = tuple(self.pictures[rel].digest for rel in (article.image, *article.files) if rel in self.pictures)
        links = self.links_of(article)
        return (links, pictures) if pictures else links

    def links_of(self, article: Article) -> tuple[tuple[str, str], ...]:
        """(content path, slug) of each article its body links to. Part of what a page showing
        the article is made from (fingerprint.py): a renamed target changes the body's links."""
        return tuple((target, self.slug_of[target]) for target, _ in article.article_links)

    def body_of(self, article: Article) -> str:
        """The body with its links to .md files pointing at those articles' pages. Done where a
        body is shown, not in the model: an article stays the record its file was parsed into."""
        html = article.body_html
        for target, slug in self.links_of(article):  # plain replaces: a regular expression is slower
            for end in ('"', "#"):
                html = html.replace(ARTICLE_LINK + target + end, f"{ROOT}nieuws/{slug}/{end}")
        own = {rel: self.pictures[rel] for rel in article.files if rel in self.pictures}
        if own:
            html = body_pictures(html, own, ROOT)
        return html

    @property
    def open_decisions(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if d.is_open)


def newest_first(articles) -> list[Article]:
    return sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)


def _index(articles, keys) -> dict[str, tuple[Article, ...]]:
    index = defaultdict(list)
    for article in articles:
        for key in keys(article):
            index[key].append(article)
    return {key: tuple(items) for key, items in index.items()}


def _check_slugs(articles: list[Article], content: Path, problems: Problems) -> None:
    first: dict[str, Article] = {}
    for article in articles:
        other = first.setdefault(article.slug, article)
        if other is not article:
            problems.error(content / article.source, article.line_of("slug"),
                           f"slug '{article.slug}' is also used by {other.source}; give one of them another slug")


def _check_links(articles: list[Article], failed: frozenset[str], content: Path, drafts: bool,
                 problems: Problems, checked=None) -> None:
    """Reports body links to .md files that are not (published) articles, and unknown `related`,
    of the `checked` articles (default: all). A link to an article that has errors of its own
    is not one more error: it is one when that article is fixed."""
    by_source = {a.source: a for a in articles}
    by_slug = {a.slug: a for a in articles}
    for article in articles if checked is None else checked:
        for target, line in article.article_links:
            found = by_source.get(target)
            if found is None and target in failed:
                continue
            if found is None:
                problems.error(content / article.source, line,
                               f"link to '{target}', which is not an article{suggest(target, by_source)}")
            elif found.draft and not drafts and not article.draft:
                problems.error(content / article.source, line,
                               f"link to '{target}', which is a draft and will not be published")
        for line_key, slug in ((article.line_of("related"), s) for s in article.related):
            if slug not in by_slug:
                problems.error(content / article.source, line_key,
                               f"related article '{slug}' does not exist{suggest(slug, by_slug)}")


def _groups(article: Article) -> list[tuple[str, int]]:
    """The shared lists an article is in, with the weight of sharing each one."""
    groups = [("wethouder:" + w.slug, 2) for w in article.wethouders]
    groups += [("wijk:" + w.slug, 1) for w in article.wijken]
    groups += [("tag:" + t.slug, 1) for t in article.tags]
    if article.dossier:
        groups.append(("dossier:" + article.dossier.slug, 4))
    return groups


def _shape(articles: tuple[Article, ...], registries: Registries, drafts: bool) -> str:
    """What decides the pages and their lists, apart from what each article shows: while it is
    the same, a page changes only when an article on it does (pipeline.py), and related
    articles need no new ranking."""
    entries = (registries.site, registries.wijken.entries, registries.wethouders.entries, registries.dossiers.entries,
               registries.besluiten.entries)
    return hashlib.sha1(b"".join(a.shaping for a in articles) + repr((entries, drafts)).encode()).hexdigest()


def _related(articles: tuple[Article, ...], by_slug: dict[str, Article], shape: str,
             memo: dict) -> dict[str, tuple[Article, ...]]:
    """Explicit `related` first, then the nearest articles that share the most with this one.
    memo keeps the last ranking, by shape (an edit of a body or a title does not rank 10,000
    articles again)."""
    if shape not in memo:
        memo.clear()
        memo[shape] = _ranked(articles, by_slug)
    return {slug: tuple(by_slug[s] for s in chosen) for slug, chosen in memo[shape].items()}


def _ranked(articles: tuple[Article, ...], by_slug: dict[str, Article]) -> dict[str, tuple[str, ...]]:
    groups = {a.slug: _groups(a) for a in articles}
    members = defaultdict(list)
    for article in articles:
        for group, _ in groups[article.slug]:
            members[group].append(article.slug)
    position = {(group, slug): i for group, slugs in members.items() for i, slug in enumerate(slugs)}
    moment = {a.slug: a.date.timestamp() for a in articles}
    related = {}
    for article in articles:
        own = article.slug
        chosen = [s for s in dict.fromkeys(article.related) if s in by_slug and s != own]
        scores: dict[str, int] = {}
        for group, weight in groups[own]:
            slugs, at = members[group], position[(group, own)]
            for other in slugs[max(0, at - RELATED_WINDOW): at + RELATED_WINDOW + 1]:
                scores[other] = scores.get(other, 0) + weight
        scores.pop(own, None)
        for slug in chosen:
            scores.pop(slug, None)
        when = moment[own]
        ranked = sorted([(-score, abs(moment[slug] - when), slug) for slug, score in scores.items()])
        related[own] = tuple(chosen + [slug for _, _, slug in ranked[:RELATED_COUNT - len(chosen)]])
    return related


def _dossier_places(by_dossier: dict[str, tuple[Article, ...]]) -> dict[str, DossierPlace]:
    places = {}
    for items in by_dossier.values():
        timeline = items[::-1]
        for i, article in enumerate(timeline):
            places[article.slug] = DossierPlace(
                number=i + 1, count=len(timeline),
                previous=timeline[i - 1] if i > 0 else None,
                next=timeline[i + 1] if i + 1 < len(timeline) else None)
    return places


def _tag_names(articles) -> tuple[Tag, ...]:
    """One Tag per slug, named by its most used spelling (ties: alphabetical)."""
    spellings = defaultdict(Counter)
    for article in articles:
        for tag in article.tags:
            spellings[tag.slug][tag.name] += 1
    tags = [Tag(slug, min(names, key=lambda n: (-names[n], n))) for slug, names in spellings.items()]
    return tuple(sorted(tags, key=lambda t: (t.name.lower(), t.slug)))


def build_model(registries: Registries, loaded: list[Article], content: Path, *, drafts: bool,
                problems: Problems, memo: dict | None = None, failed: frozenset[str] = frozenset(),
                pictures: dict[str, Picture] | None = None) -> SiteModel:
    """memo: kept by the caller between builds, to reuse what did not change (related articles);
    failed: the articles not loaded because of their own errors; pictures: what was made of the
    pictures the articles use (images.prepare)."""
    _check_slugs(loaded, content, problems)
    _check_links(loaded, failed, content, drafts, problems)
    check_same_day(loaded, content, problems)
    articles = tuple(newest_first(a for a in loaded if drafts or not a.draft))
    tags = _tag_names(articles)
    tag_by_slug = {t.slug: t for t in tags}
    # Every article shows a tag under the site-wide name, whatever spelling it used.
    articles = tuple(a.revised(tags=tuple(tag_by_slug[t.slug] for t in a.tags))
                     if any(t != tag_by_slug[t.slug] for t in a.tags) else a for a in articles)
    by_slug = {a.slug: a for a in articles}
    by_dossier = _index(articles, lambda a: [a.dossier.slug] if a.dossier else [])
    shape = _shape(articles, registries, drafts)
    used = {f for a in articles for f in a.files} | {a.image for a in articles if a.image}
    pictures = {rel: picture for rel, picture in (pictures or {}).items()
                if rel in used or rel == registries.site.image}
    # A photo is published only as its copies; its file itself never is.
    files = sorted(rel for rel in used if not is_raster(rel))
    decisions = follow(articles)
    return SiteModel(
        config=registries.site,
        articles=articles,
        wijken=tuple(sorted(registries.wijken, key=lambda w: w.name.lower())),
        wethouders=tuple(sorted(registries.wethouders, key=lambda w: w.name.lower())),
        dossiers=tuple(sorted(registries.dossiers, key=lambda d: d.title.lower())),
        tags=tags,
        by_slug=by_slug,
        slug_of={a.source: a.slug for a in articles},
        by_wijk=_index(articles, lambda a: [w.slug for w in a.wijken]),
        by_wethouder=_index(articles, lambda a: [w.slug for w in a.wethouders]),
        by_dossier=by_dossier,
        by_tag=_index(articles, lambda a: [t.slug for t in a.tags]),
        by_year=_index(articles, lambda a: [a.day.year]),
        related=_related(articles, by_slug, shape, {} if memo is None else memo),
        shape=shape,
        dossier_place=_dossier_places(by_dossier),
        decisions=decisions,
        decision_of={a.slug: d for d in decisions for a in d.articles},
        files=tuple(files),
        pictures=pictures,
    )


def in_place_of(article: Article, shown: Article) -> Article:
    """An edited article that keeps the place of `shown` (the model's), with the site-wide
    spelling of its tags as build_model() gives it (the same tags: the same spellings)."""
    return article.revised(tags=shown.tags) if article.tags != shown.tags else article


def revise_model(model: SiteModel, before: dict[str, Article], loaded: list[Article], content: Path, *,
                 drafts: bool, problems: Problems) -> SiteModel | None:
    """build_model() for the articles now `loaded`, made from the model of the articles `before`
    (by source, with the same registries, pictures and drafts) by putting the changed ones in
    place: 0.03 s where build_model() takes 0.3-0.4 s at 10,000 articles, for serve, which has
    the last model at hand. Only where every changed article kept its place in the site (the
    same fields of shape: the same lists, order, related articles and decision steps) and its
    files and pictures; otherwise None, and build_model() makes it anew."""
    if len(loaded) != len(before):
        return None
    changed = []
    for article in loaded:
        old = before.get(article.source)
        if old is not article:
            if old is None or not article.keeps_place_of(old):
                return None
            changed.append(article)
    # The checks of build_model() that read more than the fields of shape: the links in a body.
    _check_links(loaded, frozenset(), content, drafts, problems, checked=changed)
    swap = {}  # id of the model's article -> its successor
    for article in changed:
        shown = model.by_slug.get(model.slug_of.get(article.source, ""))
        if shown is not None:  # (a draft is in no list)
            swap[id(shown)] = in_place_of(article, shown)
    if not swap:
        return model

    def put(items: tuple) -> tuple:
        return tuple(swap.get(id(item), item) for item in items)

    olds = [model.by_slug[model.slug_of[a.source]] for a in changed if a.source in model.slug_of]
    indices = {}
    for name, keys in (("by_wijk", lambda a: [w.slug for w in a.wijken]),
                       ("by_wethouder", lambda a: [w.slug for w in a.wethouders]),
                       ("by_dossier", lambda a: [a.dossier.slug] if a.dossier else []),
                       ("by_tag", lambda a: [t.slug for t in a.tags]),
                       ("by_year", lambda a: [a.day.year])):
        index = indices[name] = dict(getattr(model, name))
        for key in {key for old in olds for key in keys(old)}:
            index[key] = put(index[key])
    places = dict(model.dossier_place)
    places.update(_dossier_places({old.dossier.slug: indices["by_dossier"][old.dossier.slug]
                                   for old in olds if old.dossier}))
    decisions = {id(model.decision_of[old.slug]): model.decision_of[old.slug]
                 for old in olds if old.slug in model.decision_of}
    followed = {key: follow(put(tuple(a for step in decision.steps for a in step.articles)))[0]
                for key, decision in decisions.items()}
    decision_of = dict(model.decision_of)
    for decision in followed.values():
        decision_of.update((a.slug, decision) for step in decision.steps for a in step.articles)
    by_slug = dict(model.by_slug)
    by_slug.update((new.slug, new) for new in swap.values())
    return dataclasses.replace(
        model, articles=put(model.articles), by_slug=by_slug, **indices,
        related={slug: put(items) if any(id(item) in swap for item in items) else items
                 for slug, items in model.related.items()},
        dossier_place=places,
        decisions=tuple(followed.get(id(decision), decision) for decision in model.decisions),
        decision_of=decision_of)
