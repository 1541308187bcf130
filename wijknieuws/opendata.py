"""Open data: every published article's metadata and the registries as JSON, each with a JSON
Schema (Draft 2020-12) beside it in data/, so a journalist can analyse decisions without scraping.

artikelen.json is written compactly, one article per line (it grows with the site); the
registries and schemas are small and indented for reading. Same model in, same bytes out.
"""
from __future__ import annotations

import json
from dataclasses import asdict, fields
from urllib.parse import quote

from .content import STATUSES, TYPES, Article
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
    """Every field of the registry entry is always present ('' when not given), plus its page's url."""
    names = [f.name for f in fields(kind)]
    properties = {n: {"type": "string"} for n in names}
    properties["slug"] = SLUG
    label = "title" if "title" in properties else "name"
    properties[label] = {"type": "string", "minLength": 1}
    properties["url"] = URL
    item = {"type": "object", "additionalProperties": False, "required": list(properties),
            "properties": properties}
    return _schema(name, name.capitalize(), f"The {name} registry ({name}.yml), by name.", item, base)


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
    """The registries and the schemas (artikelen.json is articles_file)."""
    base = model.config.base_url
    files = [("data/artikelen.schema.json", _pretty(articles_schema(base)))]
    for name, kind, entries in (("wijken", Wijk, model.wijken), ("wethouders", Wethouder, model.wethouders),
                                ("dossiers", Dossier, model.dossiers)):
        records = [dict(asdict(e), url=base + path_of(e)) for e in entries]
        files.append((f"data/{name}.json", _pretty(records)))
        files.append((f"data/{name}.schema.json", _pretty(registry_schema(name, kind, base))))
    return files
