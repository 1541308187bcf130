"""Decisions followed over time: one decision across the articles that report on it.

An article with `besluit:` reports the status of a decision from besluiten.yml on its date; an
article with a status and no `besluit:` is a decision of its own, as it always was. A decision's
current status is its newest article's; its history is a list of steps, one for each time the
status changed, with the articles that reported it.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .content import OPEN_STATUSES, Article, english_date
from .errors import Problems, display_path
from .registry import Besluit, Dossier, Wethouder, Wijk


@dataclass(frozen=True)
class Step:
    """One status of a decision, from the article that first reported it on."""

    status: str
    articles: tuple[Article, ...]  # oldest first: the first one reported the change

    @property
    def since(self) -> datetime:
        return self.articles[0].date


@dataclass(frozen=True)
class Decision:
    besluit: Besluit | None    # None: an article with a status and no besluit: (a decision of its own)
    steps: tuple[Step, ...]    # oldest first
    wijken: tuple[Wijk, ...]
    wethouders: tuple[Wethouder, ...]
    dossier: Dossier | None

    @property
    def newest(self) -> Article:
        return self.steps[-1].articles[-1]

    @property
    def status(self) -> str:
        """The current status: the newest article's."""
        return self.steps[-1].status

    @property
    def since(self) -> datetime:
        """When the current status was first reported."""
        return self.steps[-1].since

    @property
    def date(self) -> datetime:
        """When it was last reported on."""
        return self.newest.date

    @property
    def title(self) -> str:
        return self.besluit.title if self.besluit else self.newest.title

    @property
    def slug(self) -> str:
        return self.besluit.slug if self.besluit else self.newest.slug

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def articles(self) -> tuple[Article, ...]:
        """Newest first, like every list of articles."""
        return tuple(a for step in reversed(self.steps) for a in reversed(step.articles))

    def moved_on(self, article: Article) -> bool:
        """Whether the status changed after this article reported it."""
        return all(a.slug != article.slug for a in self.steps[-1].articles)


@dataclass(frozen=True)
class Change:
    """A decision's status as it became `step.status`, from `previous` (None: first reported)."""

    decision: Decision
    step: Step
    previous: str | None


def _oldest_first(articles) -> list[Article]:
    return sorted(articles, key=lambda a: (a.date, a.slug))


def _unique(items) -> tuple:
    return tuple(dict.fromkeys(items))


def _own(article: Article) -> Decision:
    """An article with a status and no besluit: a decision of its own, with the article's lists."""
    return Decision(None, (Step(article.status, (article,)),), article.wijken, article.wethouders, article.dossier)


def _followed(besluit: Besluit, articles: list[Article]) -> Decision:
    steps: list[Step] = []
    for article in articles:  # oldest first
        if steps and steps[-1].status == article.status:
            steps[-1] = Step(article.status, steps[-1].articles + (article,))
        else:
            steps.append(Step(article.status, (article,)))
    dossier = besluit.dossier or next((a.dossier for a in reversed(articles) if a.dossier), None)
    return Decision(besluit, tuple(steps), _unique([*besluit.wijken, *(w for a in articles for w in a.wijken)]),
                    _unique(w for a in articles for w in a.wethouders), dossier)


def follow(articles) -> tuple[Decision, ...]:
    """Every decision the articles report on, the most recently changed first (an article of
    its own by its date and slug, as before there were decisions to follow)."""
    by_besluit: dict[str, list[Article]] = defaultdict(list)
    found = []
    for article in articles:
        if article.besluit is not None:
            by_besluit[article.besluit.slug].append(article)
        elif article.status:
            found.append(((article.date, article.slug), _own(article)))
    for items in by_besluit.values():
        decision = _followed(items[0].besluit, _oldest_first(items))
        found.append(((decision.since, decision.slug), decision))
    found.sort(key=lambda pair: pair[0], reverse=True)
    return tuple(decision for _, decision in found)


def check_same_day(articles, content: Path, problems: Problems) -> None:
    """Two articles of one decision on one day with different statuses leave its history
    without an order: an error at the second one's status, naming the first."""
    first: dict[tuple[str, date], Article] = {}
    for article in sorted(articles, key=lambda a: a.source):
        if article.besluit is None:
            continue
        other = first.setdefault((article.besluit.slug, article.day), article)
        if other is not article and other.status != article.status:
            problems.error(content / article.source, article.line_of("status"),
                           f"status '{article.status}' of besluit '{article.besluit.title}' on "
                           f"{english_date(article.day)}, while {other.source} gives it the status "
                           f"'{other.status}' on the same day; a decision has one status a day")


def changes(decisions) -> list[Change]:
    """Every step of every decision, the newest first."""
    found = [Change(d, step, d.steps[i - 1].status if i else None)
             for d in decisions for i, step in enumerate(d.steps)]
    return sorted(found, key=lambda c: (c.step.since, c.decision.slug), reverse=True)


def changes_in(decisions, articles, since: date, until: date, wijk: Wijk | None = None) -> list[Change]:
    """Each decision whose status changed in an edition, once: from its status before the first
    change to the status after the last. A decision first reported in it has not changed yet.

    A change belongs to the article that first reported it: an edition tells it when it holds
    that article (a late one too, in the edition that takes it), so an edition once sent never
    gains a change afterwards. A wijk's edition also tells the changes of its wijk's decisions
    reported in its period by articles of other wijken, which its readers get no other way."""
    held = {article.source for article in articles}

    def in_edition(step: Step) -> bool:
        first = step.articles[0]
        if first.source in held:
            return True
        return wijk is not None and all(w.slug != wijk.slug for w in first.wijken) and \
            since <= step.since.date() <= until

    found = []
    for d in decisions:
        if wijk is not None and all(w.slug != wijk.slug for w in d.wijken):
            continue
        inside = [i for i, step in enumerate(d.steps) if i and in_edition(step)]
        if not inside:
            continue
        previous, last = d.steps[inside[0] - 1].status, d.steps[inside[-1]]
        if previous != last.status:
            found.append(Change(d, last, previous))
    return sorted(found, key=lambda c: (c.step.since, c.decision.slug), reverse=True)


def months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def waiting(decisions, today: date, months: int) -> list[Decision]:
    """Open decisions without news for more than `months` months, the longest waiting first."""
    if months <= 0:
        return []
    before = months_before(today, months)
    return sorted((d for d in decisions if d.is_open and d.newest.day < before), key=lambda d: (d.date, d.slug))


def open_too_long(decisions, months: int, content: Path, today: date) -> list[str]:
    """`check`'s reminders, not errors: each open decision without news for more than `months`
    months (site.yml's reminder_months), at the status line of its newest article, where an
    editor would look first."""
    return [f"{display_path(content / d.newest.source)}:{d.newest.line_of('status')}: reminder: "
            f"'{d.title}' is {d.status} since {english_date(d.since.date())}, with no news for more than "
            f"{months} month{'s' if months != 1 else ''}; is there news, or did it change?"
            for d in waiting(decisions, today, months)]
