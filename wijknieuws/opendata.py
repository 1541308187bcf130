"""Open data: every published article's metadata and the registries as JSON, with a JSON Schema."""
from __future__ import annotations

import json
from dataclasses import asdict

from .links import path_of
from .model import SiteModel


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def article_records(model: SiteModel) -> list[dict]:
    base = model.config.base_url
    return [{
        "slug": a.slug,
        "title": a.title,
        "date": a.date.isoformat(),
        "url": base + path_of(a),
        "wijken": [w.slug for w in a.wijken],
        "wethouders": [w.slug for w in a.wethouders],
        "type": a.type,
        "status": a.status,
        "dossier": a.dossier.slug if a.dossier else None,
        "tags": [t.slug for t in a.tags],
        "summary": a.summary,
        "image": base + a.image if a.image else None,
    } for a in model.articles]


_STRING_LIST = {"type": "array", "items": {"type": "string"}}
ARTICLES_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Artikelen",
    "description": "Every published article, newest first. Slugs refer to wijken.json, wethouders.json and dossiers.json.",
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["slug", "title", "date", "url", "wijken", "wethouders", "type", "status", "dossier",
                     "tags", "summary", "image"],
        "properties": {
            "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
            "title": {"type": "string", "minLength": 1},
            "date": {"type": "string", "format": "date-time"},
            "url": {"type": "string", "format": "uri"},
            "wijken": dict(_STRING_LIST, minItems=1),
            "wethouders": _STRING_LIST,
            "type": {"enum": ["nieuws", "besluit", "memo", "raadsvragen", "raadsvoorstel"]},
            "status": {"enum": [None, "voorgenomen", "aangenomen", "verworpen", "uitgesteld", "ingetrokken",
                                "uitgevoerd"]},
            "dossier": {"type": ["string", "null"]},
            "tags": _STRING_LIST,
            "summary": {"type": "string"},
            "image": {"type": ["string", "null"], "format": "uri"},
        },
    },
}


def _registry_schema(title: str, required: list[str], optional: list[str]) -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "array",
        "items": {"type": "object", "additionalProperties": False, "required": required + ["url"],
                  "properties": {k: {"type": "string"} for k in required + optional + ["url"]}},
    }


def data_files(model: SiteModel) -> list[tuple[str, bytes]]:
    base = model.config.base_url
    registries = (("wijken", model.wijken, ["slug", "name"], ["description"]),
                  ("wethouders", model.wethouders, ["slug", "name"], ["party", "portfolio", "period"]),
                  ("dossiers", model.dossiers, ["slug", "title"], ["description"]))
    files = [("data/artikelen.json", _json(article_records(model))),
             ("data/artikelen.schema.json", _json(ARTICLES_SCHEMA))]
    for name, entries, required, optional in registries:
        files.append((f"data/{name}.json", _json([dict(asdict(e), url=base + path_of(e)) for e in entries])))
        files.append((f"data/{name}.schema.json", _json(_registry_schema(name.capitalize(), required, optional))))
    return files
