"""Error messages no other test reaches: the exact lines, the exit code, and nothing written.

Content errors (exit 1) are `PATH:LINE: message` lines followed by a count; usage errors (exit 2)
are one `wijknieuws: error: ...` line. A run that fails leaves every file as it was: `check` writes
nothing, a failed build creates no `site/` (only its cache, which SPEC section 1 allows), a
failed `newsletter` writes no edition and records none, a failed `new` writes no article.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import tree_bytes, write_content
from wijknieuws import newarticle

GOOD = """\
---
title: Goed bericht
date: 2021-05-01
wijk: Rokkeveen
---

Tekst.
"""
# A second dossier, so that an article can name two.
DOSSIERS = """\
- slug: huizen-van-de-wijk
  title: Huizen van de Wijk
- slug: fietsroutes
  title: Fietsroutes
"""
BASE = ("title: Fout", "date: 2021-05-01", "wijk: Rokkeveen")  # lines 2-4 of the article
CACHE = ".wijknieuws-cache"
NEWSLETTER = ("newsletter", "--since", "2021-08-01", "--until", "2021-08-31")


def front(*lines: str, body: str = "Tekst.\n") -> str:
    """An article: '---' is line 1, the keys lines 2.., then '---', an empty line and the body."""
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n\n" + body


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under root, except the build cache."""
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None
            for p in sorted(root.rglob("*")) if CACHE not in p.relative_to(root).parts}


def fails(cli, tmp_path: Path, *args: str, code: int = 1) -> list[str]:
    """Runs the command, which must fail with code and change nothing; returns its stderr lines."""
    before = snapshot(tmp_path)
    result = cli(*args)
    assert result.code == code, result.err
    assert result.out == ""
    assert snapshot(tmp_path) == before
    return result.err.splitlines()


def usage_error(cli, tmp_path: Path, *args: str) -> str:
    """The one message of a usage error (exit 2), which must change nothing."""
    lines = fails(cli, tmp_path, *args, code=2)
    assert len(lines) == 1 and lines[0].startswith("wijknieuws: error: "), lines
    return lines[0].removeprefix("wijknieuws: error: ")


def content_with(tmp_path: Path, name: str, text: str | bytes, **registries: str) -> Path:
    content = write_content(tmp_path, {"2021/goed.md": GOOD}, dossiers=DOSSIERS, **registries)
    path = content / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return content


# ---------------------------------------------------------------- articles (content.py)

@pytest.mark.parametrize("lines, expected", [
    (("title: [a, b]", "date: 2021-05-01", "wijk: Rokkeveen"), ["content/2021/fout.md:2: 'title' must be text"]),
    (BASE + ("summary: {a: 1}",), ["content/2021/fout.md:5: 'summary' must be text"]),
    (BASE + ("type: [memo]", "status: {a: b}"), ["content/2021/fout.md:5: 'type' must be text",
                                                "content/2021/fout.md:6: 'status' must be text"]),
    (BASE + ("image_caption: true",), ["content/2021/fout.md:5: 'image_caption' must be text"]),
    (BASE + ("slug: [fout]",), ["content/2021/fout.md:5: 'slug' must be text"]),
    (BASE + ("dossier: [huizen-van-de-wijk, Fietsroutes]",),
     ["content/2021/fout.md:5: an article belongs to one dossier"]),
    (BASE + ("tags: [inzet, '?!', '---']",), ["content/2021/fout.md:5: tag '---' has no letters or digits",
                                              "content/2021/fout.md:5: tag '?!' has no letters or digits"]),
    (BASE + ("related: [goed, Mijn Artikel, goed_2]",),
     ["content/2021/fout.md:5: 'Mijn Artikel' in related is not an article slug",
      "content/2021/fout.md:5: 'goed_2' in related is not an article slug"]),
], ids=["title-list", "summary-mapping", "type-and-status", "caption-bool", "slug-list", "two-dossiers",
        "tags-without-letters", "related-not-slugs"])
def test_front_matter_error(cli, tmp_path, lines, expected):
    content_with(tmp_path, "2021/fout.md", front(*lines))
    assert fails(cli, tmp_path, "check") == expected + [f"{len(expected)} error(s)."]


def test_one_dossier_named_twice_is_one_dossier(cli, tmp_path):
    """By name and by slug it is the same entry: not 'an article belongs to one dossier'."""
    content_with(tmp_path, "2021/fout.md", front(*BASE, "dossier: [huizen-van-de-wijk, Huizen van de Wijk]"))
    result = cli("check")
    assert result.code == 0, result.err


@pytest.mark.parametrize("name", ["2021/_.md", "2021/!!!.md", "2021/---.md"])
def test_no_slug_from_the_file_name(cli, tmp_path, name):
    content_with(tmp_path, name, front(*BASE))
    assert fails(cli, tmp_path, "build") == [
        f"content/{name}:1: cannot make a slug from the file name '{Path(name).name}'; add 'slug: ...'",
        "1 error(s); nothing written, 'site' is unchanged."]
    assert not (tmp_path / "site").exists()


def test_a_slug_key_rescues_an_unsluggable_file_name(cli, tmp_path):
    content_with(tmp_path, "2021/_.md", front(*BASE, "slug: underscore"))
    result = cli("check")
    assert result.code == 0, result.err


@pytest.mark.parametrize("target", ["goed.md", "../2021/goed.md", "bestaat-niet.md"])
def test_picture_of_an_article(cli, tmp_path, target):
    """An image that points at a .md file would publish the article's source: refused, whether
    or not that file exists."""
    content_with(tmp_path, "2021/fout.md", front(*BASE, body=f"Tekst.\n\n![foto]({target})\n"))
    assert fails(cli, tmp_path, "build") == [
        f"content/2021/fout.md:9: '{target}' is an article: link to it as [text]({target}), not as a picture",
        "1 error(s); nothing written, 'site' is unchanged."]
    assert not (tmp_path / "site").exists()


# ---------------------------------------------------------------- site.yml and registries (registry.py)

@pytest.mark.parametrize("site, expected", [
    ("- title: T\n- base_url: https://x.nl/\n",
     ["content/site.yml:1: site.yml must be a mapping of settings (title: ..., base_url: ...)"]),
    ("title: T\nbase_url: nieuws.example.nl\n",
     ["content/site.yml:2: base_url must be a full URL such as https://nieuws.example.nl/, not 'nieuws.example.nl'"]),
    ("title: T\nbase_url: //nieuws.example.nl/\n",
     ["content/site.yml:2: base_url must be a full URL such as https://nieuws.example.nl/, "
      "not '//nieuws.example.nl/'"]),
    ("title: T\n\nbase_url: 5\n",
     ["content/site.yml:3: base_url must be a full URL such as https://nieuws.example.nl/, not '5'"]),
    ("title: T\nbase_url: https://x.nl/\nnewsletter: ja\n",
     ["content/site.yml:3: newsletter must be a mapping (from:, footer:, unsubscribe:, signup:)"]),
    ("title: T\nbase_url: https://x.nl/\nnewsletter: [a@example.nl]\n",
     ["content/site.yml:3: newsletter must be a mapping (from:, footer:, unsubscribe:, signup:)"]),
    ("title: T\nbase_url: https://x.nl/\nnewsletter:\n  form: a@example.nl\n  footer: x\n  unsubscribe_url: y\n",
     ["content/site.yml:4: unknown newsletter setting 'form' (did you mean 'from'?)",
      "content/site.yml:6: unknown newsletter setting 'unsubscribe_url' (did you mean 'unsubscribe'?)"]),
], ids=["list", "no-scheme", "no-scheme-slashes", "number", "newsletter-text", "newsletter-list",
        "newsletter-unknown-keys"])
def test_site_yml_error(cli, tmp_path, site, expected):
    write_content(tmp_path, {"2021/goed.md": GOOD}, site=site)
    assert fails(cli, tmp_path, "check") == expected + [f"{len(expected)} error(s)."]


@pytest.mark.parametrize("registry, text, expected", [
    ("wijken", "- rokkeveen\n- name: Rokkeveen\n  slug: rokkeveen\n",
     "content/wijken.yml:1: each entry in wijken.yml must be a mapping such as '- slug: ...'"),
    ("dossiers", "- huizen-van-de-wijk\n",
     "content/dossiers.yml:1: each entry in dossiers.yml must be a mapping such as '- title: ...'"),
    ("wethouders", "- name: Ter Laak\n  slug: ter-laak\n- name: ter laak\n  slug: ter-laak-2\n",
     "content/wethouders.yml:3: wethouder name 'ter laak' is used twice (also on line 1)"),
    ("wijken", "- name: Rokkeveen\n  slug: rokkeveen\n- name: [Zuid]\n  slug: zuid\n",
     "content/wijken.yml:3: wijk entry needs a non-empty 'name'"),
    ("wijken", "- name: Rokkeveen\n  slug: rokkeveen\n  description: 'open\n",
     "content/wijken.yml:3: the quote ' opened on this line is never closed"),
    ("wijken", b"- name: Rokkeveen\n  slug: rokkeveen\n  description: caf\xe9\n",
     "content/wijken.yml:1: not UTF-8 (byte 54)"),
], ids=["wijk-not-mapping", "dossier-not-mapping", "wethouder-name-twice", "name-not-text", "yaml", "not-utf8"])
def test_registry_error(cli, tmp_path, registry, text, expected):
    content = write_content(tmp_path, {})  # no articles: no follow-up errors about unknown names
    path = content / f"{registry}.yml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    assert fails(cli, tmp_path, "check") == [expected, "1 error(s)."]


# ---------------------------------------------------------------- copied SVG files (contentfiles.py)

@pytest.mark.parametrize("svg, expected", [
    (b'<svg xmlns="http://www.w3.org/2000/svg">\n<g>\n<rect/>\n</svg>\n',
     "4: not a well-formed SVG file (mismatched tag)"),
    (b"geen svg", "1: not a well-formed SVG file (syntax error)"),
    (b"", "1: not a well-formed SVG file (no element found)"),
    (b'<svg xmlns="http://www.w3.org/2000/svg">&geheim;</svg>', "1: not a well-formed SVG file (undefined entity)"),
], ids=["mismatched", "text", "empty", "entity"])
@pytest.mark.parametrize("how", ["image", "body"])
def test_malformed_svg(cli, tmp_path, svg, expected, how):
    if how == "image":
        article = front(*BASE, "image: images/kaart.svg", "image_alt: Kaart van de wijk")
    else:
        article = front(*BASE, body="Zie de ![kaart](../images/kaart.svg).\n")
    content = content_with(tmp_path, "2021/fout.md", article)
    (content / "images" / "kaart.svg").write_bytes(svg)
    assert fails(cli, tmp_path, "build") == [f"content/images/kaart.svg:{expected}",
                                             "1 error(s); nothing written, 'site' is unchanged."]
    assert not (tmp_path / "site").exists()


def test_malformed_svg_keeps_the_previous_site(cli, tmp_path):
    content = content_with(tmp_path, "2021/fout.md", front(*BASE))
    assert cli("build").code == 0
    site = tree_bytes(tmp_path / "site")
    (content / "images" / "kaart.svg").write_bytes(b"<svg>")
    (content / "2021" / "fout.md").write_text(front(*BASE, body="![kaart](../images/kaart.svg)\n"), encoding="utf-8")
    assert fails(cli, tmp_path, "build") == [
        "content/images/kaart.svg:1: not a well-formed SVG file (no element found)",
        "1 error(s); nothing written, 'site' is unchanged."]
    assert tree_bytes(tmp_path / "site") == site


# ---------------------------------------------------------------- newsletter (newsletter.py)

@pytest.mark.parametrize("args, message", [
    (("--since", "2021-08-31", "--until", "2021-08-01"), "--since 2021-08-31 is after --until 2021-08-01"),
    (("--since", "2021-02-30"), "--since '2021-02-30' is not a date; write YYYY-MM-DD, e.g. 2021-08-24"),
    (("--since", "2021-08-01", "--until", "morgen"),
     "--until 'morgen' is not a date; write YYYY-MM-DD, e.g. 2021-08-24"),
    (("--since", "2021-08-01", "--until", "2021-08-31", "--wijk", "Rokeveen"),
     "--wijk: unknown wijk 'Rokeveen' (did you mean 'Rokkeveen'?)"),
    (("--since", "2021-08-01", "--until", "2021-08-31", "--wijk", "Zuid"), "--wijk: unknown wijk 'Zuid'"),
    (("--since", "2021-08-01", "--until", "2021-08-31", "--content", "nergens"),
     "content folder 'nergens' does not exist"),
    (("--since", "2021-08-01", "--until", "2021-08-31", "--out", "bestand.txt"),
     "--out 'bestand.txt' exists and is not a folder"),
], ids=["since-after-until", "since-not-a-day", "until-not-a-date", "wijk-misspelt", "wijk-unknown",
        "no-content", "out-is-a-file"])
def test_newsletter_usage_error(cli, tmp_path, args, message):
    write_content(tmp_path)
    (tmp_path / "bestand.txt").write_text("blijft\n", encoding="utf-8")
    assert usage_error(cli, tmp_path, "newsletter", *args) == message
    assert not (tmp_path / "nieuwsbrief").exists()
    assert not (tmp_path / "content" / "nieuwsbrieven.yml").exists()


@pytest.mark.parametrize("record, expected", [
    ("since: 2021-08-01\nuntil: 2021-08-31\n",
     "content/nieuwsbrieven.yml:1: nieuwsbrieven.yml must be a list of editions, each starting with '- since: '"),
    ("- 2021-08-31\n",
     "content/nieuwsbrieven.yml:1: each entry in nieuwsbrieven.yml must be a mapping such as '- since: 2021-08-01'"),
    ("- since: 2021-08-01\n", "content/nieuwsbrieven.yml:1: edition needs 'until' as a date YYYY-MM-DD"),
    ("- until: 2021-08-31\n  wijk: rokkeveen\n",
     "content/nieuwsbrieven.yml:1: edition needs 'since' as a date YYYY-MM-DD"),
    ("# verstuurd\n- since: 2021-08-31\n  until: 2021-08-01\n",
     "content/nieuwsbrieven.yml:2: since 2021-08-31 is after until 2021-08-01"),
], ids=["mapping", "entry-not-mapping", "no-until", "no-since", "since-after-until"])
@pytest.mark.parametrize("args, summary", [
    (NEWSLETTER, "1 error(s); nothing written."),
    (("build",), "1 error(s); nothing written, 'site' is unchanged."),
    (("check",), "1 error(s)."),
], ids=["newsletter", "build", "check"])
def test_newsletter_record_error(cli, tmp_path, record, expected, args, summary):
    content = write_content(tmp_path)
    (content / "nieuwsbrieven.yml").write_text(record, encoding="utf-8")
    assert fails(cli, tmp_path, *args) == [expected, summary]
    assert not (tmp_path / "nieuwsbrief").exists()
    assert not (tmp_path / "site").exists()


# ---------------------------------------------------------------- new (newarticle.py)

class _Day(date):
    @classmethod
    def today(cls):
        return date(2030, 1, 2)


@pytest.mark.parametrize("title", ["", "   "])
def test_new_with_an_empty_title(cli, tmp_path, title):
    write_content(tmp_path)
    assert usage_error(cli, tmp_path, "new", title, "--wijk", "rokkeveen") == "the title must not be empty"


def test_new_without_a_free_file_name(cli, tmp_path, monkeypatch):
    """`new` never overwrites: when every name it may try is taken, it gives up. It tries 'titel',
    'titel-2' ... 'titel-9999'; the test lets it try three (10,000 files would take seconds)."""
    monkeypatch.setattr("wijknieuws.cli.date", _Day)
    monkeypatch.setattr(newarticle, "range", lambda start, stop: range(start, 4), raising=False)
    content = write_content(tmp_path, {})
    (content / "2030").mkdir()
    for name in ("titel.md", "titel-2.md", "titel-3.md"):
        (content / "2030" / name).write_text("van iemand anders\n", encoding="utf-8")
    assert usage_error(cli, tmp_path, "new", "Titel", "--wijk", "rokkeveen") == \
        "no free file name for 'titel' in content/2030"


# ---------------------------------------------------------------- command-line options (cli.py, output.py)

@pytest.mark.parametrize("args, message", [
    (("serve", "--port", "0"), "--port must be between 1 and 65535"),
    (("serve", "--port", "65536"), "--port must be between 1 and 65535"),
    (("build", "--jobs", "0"), "--jobs must be at least 1"),
    (("build", "--jobs", "-3"), "--jobs must be at least 1"),
    (("build", "--content", "nergens"), "content folder 'nergens' does not exist"),
    (("check", "--content", "nergens"), "content folder 'nergens' does not exist"),
    (("new", "Titel", "--wijk", "rokkeveen", "--content", "nergens"), "content folder 'nergens' does not exist"),
    (("build", "--templates", "nergens"), "templates folder 'nergens' does not exist"),
    (("build", "--out", "bestand.txt"), "--out 'bestand.txt' exists and is not a folder"),
    (("build", "--out", "content"), "--out 'content' must be outside '{content}' and must not contain it: "
                                    "a build replaces the whole output folder"),
    (("build", "--out", "content/site"), "--out 'content/site' must be outside '{content}' and must not "
                                         "contain it: a build replaces the whole output folder"),
    (("build", "--out", "."), "--out '.' must be outside '{content}' and must not contain it: "
                              "a build replaces the whole output folder"),
], ids=["port-0", "port-65536", "jobs-0", "jobs-negative", "build-no-content", "check-no-content",
        "new-no-content", "no-templates", "out-is-a-file", "out-is-content", "out-in-content", "out-holds-content"])
def test_option_usage_error(cli, tmp_path, args, message):
    content = write_content(tmp_path)
    (tmp_path / "bestand.txt").write_text("blijft\n", encoding="utf-8")
    assert usage_error(cli, tmp_path, *args) == message.format(content=content.resolve())
    assert not (tmp_path / "site").exists() and not (tmp_path / CACHE).exists()


# ---------------------------------------------------------------- gaps a review found, now closed

def test_front_matter_image_of_an_article(cli, tmp_path):
    content = content_with(tmp_path, "2021/fout.md", front(*BASE, "image: 2021/concept.md", "image_alt: Foto"))
    (content / "2021" / "concept.md").write_text(front("title: Concept", "date: 2021-05-01", "wijk: Rokkeveen",
                                                       "draft: true", body="Nog geheim.\n"), encoding="utf-8")
    result = cli("build")
    assert not (tmp_path / "site").exists()
    assert result.code == 1
    assert result.error_lines == ["content/2021/fout.md:5: '2021/concept.md' is an article, not a picture: "
                                  "'image' names an image file such as images/bieb.jpg"]


def test_base_url_host_and_port_without_scheme(cli, tmp_path):
    write_content(tmp_path, {"2021/goed.md": GOOD}, site="title: T\nbase_url: nieuws.example.nl:8080/\n")
    result = cli("check")
    assert result.error_lines == ["content/site.yml:2: base_url must be a full URL such as https://nieuws.example.nl/, "
                                  "not 'nieuws.example.nl:8080/'"]


def test_base_url_option_is_checked(cli, tmp_path):
    write_content(tmp_path, {"2021/goed.md": GOOD})
    assert usage_error(cli, tmp_path, "build", "--base-url", "nieuws.example.nl") == (
        "--base-url: base_url must be a full URL such as https://nieuws.example.nl/, not 'nieuws.example.nl'")
    assert not (tmp_path / "site").exists()


def test_entry_not_a_mapping_at_its_line(cli, tmp_path):
    content = write_content(tmp_path, {}, wijken="- name: Rokkeveen\n  slug: rokkeveen\n- oosterheem\n")
    (content / "nieuwsbrieven.yml").write_text("- since: 2021-08-01\n  until: 2021-08-31\n- 2021-09-30\n",
                                              encoding="utf-8")
    assert cli("check").error_lines == [
        "content/nieuwsbrieven.yml:3: each entry in nieuwsbrieven.yml must be a mapping such as '- since: 2021-08-01'",
        "content/wijken.yml:3: each entry in wijken.yml must be a mapping such as '- slug: ...'"]
