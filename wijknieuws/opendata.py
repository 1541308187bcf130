"""Open data: every published article's metadata, every decision's history and the registries as
JSON, each with a JSON Schema (Draft 2020-12) beside it in data/, so a journalist can analyse
decisions without scraping.

artikelen.json is written compactly, one article per line (it grows with the site); the
registries and schemas are small and indented for reading. Same model in, same bytes out.
"""
from __future__ import annotations

import json
from dataclasses import fields
from urllib.parse import quote

from .content import STATUSES, TYPES, Article
from .decisions import Decision, follow
from .feeds import rfc3339
from .links import path_of
from .model import SiteModel
from .registry import SLUG_RE, Dossier, Wethouder, Wijk

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# Patterns in the ECMA-262 subset every JSON Schema validator understands.
SLUG = {"type": "string", "pattern": SLUG_RE.pattern}
URL = {"type": "string", "format": "uri", "pattern": "^https?://[^\\s/?#]+/[^\\s]*$"}
DATE_TIME = {"type": "string", "format": "date-time",
             "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$"}
SLUGS = {"type": "array", "items": SLUG, "uniqueItems": True}
DAY = {"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}


def _pretty(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _array(lines) -> bytes:
    """A JSON array without indentation, one record per line: small, and still diffable."""
    rows = ",\n".join(lines)
    return f"[\n{rows}\n]\n".encode("utf-8") if rows else b"[]\n"


def _record(a: Article, base: str, image: str | None) -> dict:
    return {
        "slug": a.slug,
        "title": a.title,
        "date": rfc3339(a.date),
        "url": base + path_of(a),
        "wijken": [w.slug for w in a.wijken],
        "wethouders": [w.slug for w in a.wethouders],
        "type": a.type,
        "status": a.status,
        "dossier": a.dossier.slug if a.dossier else None,
        "tags": [t.slug for t in a.tags],
        "summary": a.summary,
        "image": base + quote(image, safe="/") if image else None,
    }


def _schema(name: str, title: str, description: str, item: dict, base: str) -> dict:
    return {"$schema": DRAFT, "$id": f"{base}data/{name}.schema.json", "title": title,
            "description": description, "type": "array", "items": item}


def articles_schema(base: str) -> dict:
    properties = {
        "slug": dict(SLUG, description="Unique; the article's page is nieuws/<slug>/."),
        "title": {"type": "string", "minLength": 1},
        "date": dict(DATE_TIME, description="Publication date-time (RFC 3339), Europe/Amsterdam offset."),
        "url": dict(URL, description="The article's page."),
        "wijken": dict(SLUGS, minItems=1, description="Slugs from wijken.json."),
        "wethouders": dict(SLUGS, description="Slugs from wethouders.json."),
        "type": {"enum": list(TYPES)},
        "status": {"enum": [None, *STATUSES], "description": "null: not a decision."},
        "dossier": {"anyOf": [SLUG, {"type": "null"}], "description": "A slug from dossiers.json, or null."},
        "tags": dict(SLUGS, description="Tag slugs; the tag's page is tag/<slug>/."),
        "summary": {"type": "string"},
        "image": {"anyOf": [URL, {"type": "null"}]},
    }
    item = {"type": "object", "additionalProperties": False, "required": list(properties),
            "properties": properties}
    return _schema("artikelen", "Artikelen",
                   "Every published article, newest first. Slugs refer to wijken.json, wethouders.json "
                   "and dossiers.json.", item, base)


def registry_schema(name: str, kind: type, base: str) -> dict:
    """Every text field of the registry entry is always present ('' when not given), plus its
    page's url; a date (a wethouder's term) only when given."""
    texts = [f.name for f in fields(kind) if f.type == "str"]
    properties = {n: {"type": "string"} for n in texts}
    properties["slug"] = SLUG
    label = "title" if "title" in properties else "name"
    properties[label] = {"type": "string", "minLength": 1}
    properties["url"] = URL
    required = list(properties)
    terms = {"van": "The first day of the term; absent when not given.",
             "tot": "The last day of the term; absent when not given."}
    for f in fields(kind):
        if f.type == "date | None":
            properties[f.name] = dict(DAY, description=terms[f.name])
    item = {"type": "object", "additionalProperties": False, "required": required, "properties": properties}
    return _schema(name, name.capitalize(), f"The {name} registry ({name}.yml), by name.", item, base)


def _entry(entry, base: str) -> dict:
    record = {}
    for f in fields(entry):
        value = getattr(entry, f.name)
        if f.type == "str":
            record[f.name] = value
        elif value is not None:  # a date
            record[f.name] = value.isoformat()
    record["url"] = base + path_of(entry)
    return record


def decision_record(d: Decision, base: str) -> dict:
    return {
        "slug": d.besluit.slug if d.besluit else None,
        "title": d.title,
        "url": base + path_of(d),
        "bron": (d.besluit.bron or None) if d.besluit else None,
        "status": d.status,
        "since": rfc3339(d.since),
        "wijken": [w.slug for w in d.wijken],
        "wethouders": [w.slug for w in d.wethouders],
        "dossier": d.dossier.slug if d.dossier else None,
        "history": [{"status": step.status, "previous": d.steps[i - 1].status if i else None,
                     "date": rfc3339(step.since), "articles": [a.slug for a in step.articles]}
                    for i, step in enumerate(d.steps)],
    }


def decisions_schema(base: str) -> dict:
    status = {"enum": list(STATUSES)}
    step = {"type": "object", "additionalProperties": False,
            "required": ["status", "previous", "date", "articles"],
            "properties": {
                "status": status,
                "previous": {"enum": [None, *STATUSES], "description": "The status before; null: first reported."},
                "date": dict(DATE_TIME, description="When the article that reported the change was published."),
                "articles": dict(SLUGS, minItems=1, description="Slugs from artikelen.json that reported this "
                                                                "status, oldest first."),
            }}
    properties = {
        "slug": {"anyOf": [SLUG, {"type": "null"}],
                 "description": "The decision's slug in besluiten.yml; its page is besluit/<slug>/. null: an article "
                                "with a status and no besluit, a decision of its own on the article's page (url)."},
        "title": {"type": "string", "minLength": 1},
        "url": dict(URL, description="The decision's page."),
        "bron": {"anyOf": [URL, {"type": "null"}], "description": "The official document, or null."},
        "status": dict(status, description="The current status: the newest article's."),
        "since": dict(DATE_TIME, description="Since when the current status holds (RFC 3339)."),
        "wijken": dict(SLUGS, minItems=1, description="Slugs from wijken.json."),
        "wethouders": dict(SLUGS, description="Slugs from wethouders.json."),
        "dossier": {"anyOf": [SLUG, {"type": "null"}], "description": "A slug from dossiers.json, or null."},
        "history": {"type": "array", "items": step, "minItems": 1,
                    "description": "Each status the decision had, oldest first; the last is the current one."},
    }
    item = {"type": "object", "additionalProperties": False, "required": list(properties),
            "properties": properties}
    return _schema("besluiten", "Besluiten",
                   "Every decision with its history, the most recently changed first. Slugs refer to "
                   "artikelen.json, wijken.json, wethouders.json and dossiers.json.", item, base)


DECISIONS = "data/besluiten.json"


def decisions_file(model: SiteModel, lines: dict) -> bytes:
    """data/besluiten.json: every decision of the published articles (drafts never), one per line
    like artikelen.json: it grows with the site. lines: each decision's line by what it is made
    of, its articles (whose digests cover their wijken, wethouders and dossier), kept between
    builds: an edit encodes only the decisions of the edited article again."""
    base = model.config.base_url
    published = [a for a in model.articles if not a.draft]
    decisions = model.decisions if len(published) == len(model.articles) else follow(published)
    kept = {}
    for d in decisions:
        key = (base, d.besluit, tuple(a.digest for step in d.steps for a in step.articles))
        kept[key] = lines.get(key) or _line(decision_record(d, base))
    lines.clear()
    lines.update(kept)
    return _array(kept.values())


ARTICLES = "data/artikelen.json"


def articles_file(model: SiteModel, lines: dict) -> bytes:
    """data/artikelen.json: every published article, newest first; drafts never, not even in a
    --drafts preview. Made apart from the other files, as it is the one an edit changes.
    lines: each article's line by its digest, kept between builds (an edit encodes one again)."""
    base = model.config.base_url
    kept = {}
    for a in model.articles:
        if not a.draft:
            picture = model.picture(a)
            # the largest copy published of its picture (the original never is)
            image = (picture.variants[-1].fallback if picture.variants else picture.source) if picture else None
            key = (a.digest, base, image)
            kept[key] = lines.get(key) or _line(_record(a, base, image))
    lines.clear()
    lines.update(kept)
    return _array(kept.values())


def data_files(model: SiteModel) -> list[tuple[str, bytes]]:
    """The registries and the schemas (artikelen.json and besluiten.json are made apart)."""
    base = model.config.base_url
    files = [("data/artikelen.schema.json", _pretty(articles_schema(base))),
             ("data/besluiten.schema.json", _pretty(decisions_schema(base)))]
    for name, kind, entries in (("wijken", Wijk, model.wijken), ("wethouders", Wethouder, model.wethouders),
                                ("dossiers", Dossier, model.dossiers)):
        records = [_entry(e, base) for e in entries]
        files.append((f"data/{name}.json", _pretty(records)))
        files.append((f"data/{name}.schema.json", _pretty(registry_schema(name, kind, base))))
    return files
