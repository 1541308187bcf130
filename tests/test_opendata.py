"""Open data in data/: artikelen.json and the registries, each checked against the JSON Schema
(Draft 2020-12) published beside it, and the schemas checked to be strict, not just present."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from conftest import tree_bytes, write_content

BASE = "https://nieuws.example.nl/"
SUB = "https://gemeente.nl/nieuws/"
NAMES = ("artikelen", "besluiten", "wijken", "wethouders", "dossiers")


def build(cli, *args):
    result = cli("build", *args)
    assert result.code == 0, result.err
    return result


def read(site: Path, name: str):
    return json.loads((site / f"data/{name}.json").read_text(encoding="utf-8"))


def validator(site: Path, name: str) -> jsonschema.Draft202012Validator:
    schema = read(site, f"{name}.schema")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def errors(check: jsonschema.Draft202012Validator, data) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(data)]


def local_file(site: Path, url: str, base: str) -> Path:
    assert url.startswith(base), url
    rel = urlsplit(url).path.removeprefix(urlsplit(base).path)
    return site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


@pytest.mark.parametrize("base", [BASE, SUB])
def test_every_data_file_is_valid_against_its_schema(cli, content, tmp_path, base):
    build(cli, "--base-url", base)
    site = tmp_path / "site"
    for name in NAMES:
        data = read(site, name)
        assert data, name
        assert errors(validator(site, name), data) == [], name
        assert read(site, f"{name}.schema")["$id"] == f"{base}data/{name}.schema.json"
        for record in data:  # every URL is a page of this site
            assert local_file(site, record["url"], base).is_file(), record["url"]


def test_articles_hold_what_a_journalist_needs(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    records = read(site, "artikelen")
    assert [r["slug"] for r in records] == ["vlieger", "memo", "voorstel", "fiets"]  # newest first
    # the largest published copy of the article's picture (the original is not published)
    assert records[0]["image"].startswith(BASE + "media/vlieger-")
    assert local_file(site, records[0]["image"], BASE).is_file()
    assert {**records[0], "image": None} == {
        "slug": "vlieger",
        "title": "De Vlieger blijft dicht",
        "date": "2021-08-24T00:00:00+02:00",
        "url": BASE + "nieuws/vlieger/",
        "wijken": ["rokkeveen"],
        "wethouders": ["ter-laak"],
        "type": "besluit",
        "status": "uitgevoerd",
        "dossier": "huizen-van-de-wijk",
        "tags": ["inzet", "de-vlieger"],
        "summary": "De activiteiten verhuizen naar de Nathaliegang.",
        "image": None,
    }
    assert local_file(site, records[0]["image"], BASE).is_file()
    voorstel = records[2]
    assert (voorstel["date"], voorstel["wethouders"], voorstel["dossier"], voorstel["tags"], voorstel["image"]) \
        == ("2020-06-29T20:30:00+02:00", [], None, [], None)
    assert records[3]["type"] == "nieuws" and records[3]["status"] is None
    # every slug refers to an entry of a registry file
    registry = {name: {e["slug"] for e in read(site, name)} for name in ("wijken", "wethouders", "dossiers")}
    for record in records:
        assert set(record["wijken"]) <= registry["wijken"]
        assert set(record["wethouders"]) <= registry["wethouders"]
        assert record["dossier"] is None or record["dossier"] in registry["dossiers"]
        for tag in record["tags"]:
            assert (site / f"tag/{tag}/index.html").is_file()
    assert len({r["slug"] for r in records}) == len(records)


def test_registries_with_every_field(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    wijken = read(site, "wijken")
    assert [w["slug"] for w in wijken] == ["de-leyens", "oosterheem", "rokkeveen"]  # by name
    assert wijken[2] == {"slug": "rokkeveen", "name": "Rokkeveen", "description": "Wijk in het zuiden.",
                         "url": BASE + "wijk/rokkeveen/"}
    assert wijken[0]["description"] == ""  # not given: present and empty, never missing
    assert read(site, "wethouders") == [{"slug": "ter-laak", "name": "Ter Laak", "party": "CDA",
                                         "portfolio": "Zorg en welzijn", "period": "",
                                         "url": BASE + "wethouder/ter-laak/"}]
    assert read(site, "dossiers") == [{"slug": "huizen-van-de-wijk", "title": "Huizen van de Wijk",
                                       "description": "Een ontmoetingsplek in elke wijk.",
                                       "url": BASE + "dossier/huizen-van-de-wijk/"}]


def test_drafts_never_appear_not_even_in_a_preview(cli, content, tmp_path):
    for args in ((), ("--drafts",)):
        build(cli, *args)
        site = tmp_path / "site"
        raw = (site / "data/artikelen.json").read_text(encoding="utf-8")
        assert "concept" not in raw and "Nog niet af" not in raw, args
    assert (site / "nieuws/concept/index.html").is_file()  # the preview itself does show it


def good_article() -> dict:
    return {"slug": "vlieger", "title": "De Vlieger blijft dicht", "date": "2021-08-24T00:00:00+02:00",
            "url": BASE + "nieuws/vlieger/", "wijken": ["rokkeveen"], "wethouders": ["ter-laak"], "type": "besluit",
            "status": "uitgevoerd", "dossier": "huizen-van-de-wijk", "tags": ["inzet"], "summary": "Tekst.",
            "image": None}


BAD_ARTICLES = {
    "missing title": lambda r: r.pop("title"),
    "unknown key": lambda r: r.update(wijk="rokkeveen"),
    "empty title": lambda r: r.update(title=""),
    "Dutch date": lambda r: r.update(date="24-08-2021"),
    "date without offset": lambda r: r.update(date="2021-08-24T00:00:00"),
    "impossible date": lambda r: r.update(date="2021-02-30T00:00:00Z"),
    "relative url": lambda r: r.update(url="nieuws/vlieger/"),
    "no wijk": lambda r: r.update(wijken=[]),
    "wijk by name": lambda r: r.update(wijken=["Rokkeveen"]),
    "wijk twice": lambda r: r.update(wijken=["rokkeveen", "rokkeveen"]),
    "wethouder not a list": lambda r: r.update(wethouders="ter-laak"),
    "unknown type": lambda r: r.update(type="persbericht"),
    "unknown status": lambda r: r.update(status="besloten"),
    "dossier number": lambda r: r.update(dossier=3),
    "tag with spaces": lambda r: r.update(tags=["de vlieger"]),
    "summary null": lambda r: r.update(summary=None),
    "relative image": lambda r: r.update(image="images/vlieger.png"),
    "slug with capitals": lambda r: r.update(slug="Vlieger"),
}


def test_the_articles_schema_rejects_bad_records(cli, content, tmp_path):
    build(cli)
    check = validator(tmp_path / "site", "artikelen")
    assert errors(check, [good_article()]) == []
    for problem, spoil in BAD_ARTICLES.items():
        record = copy.deepcopy(good_article())
        spoil(record)
        assert errors(check, [record]), f"the schema accepts a record with: {problem}"
    assert errors(check, {"vlieger": good_article()}), "not a list"


BAD_ENTRIES = {
    "wijken": [lambda r: r.pop("url"), lambda r: r.update(slug="Rokkeveen"), lambda r: r.update(name=""),
               lambda r: r.update(party="CDA"), lambda r: r.pop("description"), lambda r: r.update(url="/wijk/x/")],
    "wethouders": [lambda r: r.pop("party"), lambda r: r.update(period=2018), lambda r: r.update(title="x")],
    "dossiers": [lambda r: r.pop("title"), lambda r: r.update(name="x"), lambda r: r.update(description=None)],
}


def test_the_registry_schemas_reject_bad_entries(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    for name, spoilers in BAD_ENTRIES.items():
        check, good = validator(site, name), read(site, name)[-1]
        assert errors(check, [good]) == []
        for number, spoil in enumerate(spoilers):
            entry = copy.deepcopy(good)
            spoil(entry)
            assert errors(check, [entry]), f"{name}: bad entry {number} accepted: {entry}"


def test_articles_file_is_compact_and_builds_are_byte_identical(cli, content, tmp_path):
    build(cli, "--out", "a")
    build(cli, "--out", "b")
    raw = (tmp_path / "a/data/artikelen.json").read_text(encoding="utf-8")
    lines = raw.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 4 + 2  # one article per line
    assert not any(line[:1].isspace() for line in lines)  # no indentation
    assert len(json.loads(raw)) == 4
    assert all(line.startswith('{"slug":') for line in lines[1:-1])
    a, b = tree_bytes(tmp_path / "a/data"), tree_bytes(tmp_path / "b/data")
    assert sorted(a) == sorted(f"{n}{ext}" for n in NAMES for ext in (".json", ".schema.json"))
    assert a == b


def test_a_site_without_articles_still_has_valid_open_data(cli, tmp_path):
    write_content(tmp_path, {})
    build(cli)
    site = tmp_path / "site"
    assert (site / "data/artikelen.json").read_bytes() == b"[]\n"
    for name in NAMES:
        assert errors(validator(site, name), read(site, name)) == []
