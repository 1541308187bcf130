"""Every kind of content mistake: the exact PATH:LINE, a helpful message, exit 1, nothing written."""
from __future__ import annotations

import pytest

from conftest import ARTICLES, write_content

GOOD = """\
---
title: Goed bericht
date: 2021-05-01
wijk: Rokkeveen
---

Tekst.
"""


def check_one(cli, tmp_path, text: str | bytes, name: str = "2021/fout.md"):
    content = write_content(tmp_path, {"2021/goed.md": GOOD})
    path = content / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    result = cli("check")
    assert result.code == 1, result.err
    return result.error_lines


def front(*lines: str, body: str = "Tekst.\n") -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n\n" + body


BASE = ("title: Fout", "date: 2021-05-01", "wijk: Rokkeveen")


@pytest.mark.parametrize("lines, expected", [
    (("title: Fout", "date: 2021-05-01", "wijk: Rokeveen"),
     "content/2021/fout.md:4: unknown wijk 'Rokeveen' (did you mean 'Rokkeveen'?)"),
    (BASE + ("wethouders: Ter Laak",),
     "content/2021/fout.md:5: unknown key 'wethouders' (did you mean 'wethouder'?)"),
    (BASE + ("wethouder: Ter Lak",),
     "content/2021/fout.md:5: unknown wethouder 'Ter Lak' (did you mean 'Ter Laak'?)"),
    (BASE + ("dossier: huizen-van-wijk",),
     "content/2021/fout.md:5: unknown dossier 'huizen-van-wijk' (did you mean 'Huizen van de Wijk'?)"),
    (BASE + ("type: besluitt",),
     "content/2021/fout.md:5: unknown type 'besluitt' (did you mean 'besluit'?); "
     "use one of: nieuws, besluit, memo, raadsvragen, raadsvoorstel"),
    (BASE + ("status: no",),
     "content/2021/fout.md:5: unknown status 'no'; "
     "use one of: voorgenomen, aangenomen, verworpen, uitgesteld, ingetrokken, uitgevoerd"),
    (("title: Fout", "date: 24-08-2021", "wijk: Rokkeveen"),
     "content/2021/fout.md:3: date '24-08-2021' is not a date; write YYYY-MM-DD, e.g. 2021-08-24"),
    (("date: 2021-05-01", "wijk: Rokkeveen"), "content/2021/fout.md:1: 'title' is required"),
    (("title: ''", "date: 2021-05-01", "wijk: Rokkeveen"), "content/2021/fout.md:2: 'title' must not be empty"),
    (("title: Fout", "wijk: Rokkeveen"), "content/2021/fout.md:1: 'date' is required (YYYY-MM-DD)"),
    (("title: Fout", "date: 2021-05-01"), "content/2021/fout.md:1: 'wijk' is required"),
    (BASE + ("slug: Mijn_Slug",),
     "content/2021/fout.md:5: slug 'Mijn_Slug' may hold only a-z, 0-9 and single '-' between them"),
    (BASE + ("image: images/vlieger.png",),
     "content/2021/fout.md:5: 'image_alt' is required with 'image': "
     "describe the picture for readers who cannot see it"),
    (BASE + ("image: images/bestaat-niet.jpg", "image_alt: Foto"),
     "content/2021/fout.md:5: image 'images/bestaat-niet.jpg' does not exist"),
    (BASE + ("draft: ja",), "content/2021/fout.md:5: draft must be true or false"),
    (BASE + ("title: Nog eens",), "content/2021/fout.md:5: front matter: key 'title' is given twice; remove one of them"),
    (BASE + ("tags: [a, [b]]",), "content/2021/fout.md:5: 'tags' must be a name or a list of names"),
    (BASE + ("related: [bestaat-niet]",), "content/2021/fout.md:5: related article 'bestaat-niet' does not exist"),
    (BASE + ("summary: &a x", "image_caption: *a"),
     "content/2021/fout.md:6: front matter: YAML aliases (*name) are not allowed here"),
])
def test_front_matter_error(cli, tmp_path, lines, expected):
    assert check_one(cli, tmp_path, front(*lines)) == [expected]


def test_all_problems_of_a_file_are_listed(cli, tmp_path):
    errors = check_one(cli, tmp_path, front("title: Fout", "date: gisteren", "wijk: Rokeveen", "tpye: memo"))
    assert errors == [
        "content/2021/fout.md:3: date 'gisteren' is not a date; write YYYY-MM-DD, e.g. 2021-08-24",
        "content/2021/fout.md:4: unknown wijk 'Rokeveen' (did you mean 'Rokkeveen'?)",
        "content/2021/fout.md:5: unknown key 'tpye' (did you mean 'type'?)",
    ]


def test_errors_of_all_files_are_listed(cli, tmp_path):
    content = write_content(tmp_path, {"a.md": front("title: A", "date: 2021-01-01", "wijk: Nergens"),
                                       "sub/b.md": front("title: B", "date: 2021-01-01", "wijk: Rokkeveen", "x: 1")})
    result = cli("check", "--content", str(content.relative_to(tmp_path)))
    assert result.code == 1
    assert result.error_lines == ["content/a.md:4: unknown wijk 'Nergens'",
                                  "content/sub/b.md:5: unknown key 'x'"]


@pytest.mark.parametrize("text, expected", [
    (b"", "content/2021/fout.md:1: the file is empty; an article starts with front matter between '---' lines"),
    ("Alleen tekst, geen front matter.\n",
     "content/2021/fout.md:1: no front matter: an article starts with a line '---', its keys, then '---'"),
    ("---\ntitle: nooit gesloten\n", "content/2021/fout.md:1: no front matter: an article starts with a line "
                                     "'---', its keys, then '---'"),
    ("---\n- a\n- b\n---\n", "content/2021/fout.md:1: front matter must be keys with values, such as 'title: ...'"),
    (b"---\ntitle: caf\xe9\ndate: 2021-01-01\n---\n", "content/2021/fout.md:2: not UTF-8 (byte 14); save the file as UTF-8"),
    ("---\ntitle: Fout\ndate: 2021-05-01\nwijk: Rokkeveen\nsummary: 'open\n---\n",
     "content/2021/fout.md:5: front matter: the quote ' opened on this line is never closed"),
])
def test_file_error(cli, tmp_path, text, expected):
    assert check_one(cli, tmp_path, text) == [expected]


def test_body_links_to_missing_article_and_file(cli, tmp_path):
    body = "Eerste regel.\n\nZie [dit](bestaat-niet.md).\n\n![foto](../images/weg.jpg)\n"
    errors = check_one(cli, tmp_path, front(*BASE, body=body))
    assert errors == ["content/2021/fout.md:9: linked article 'bestaat-niet.md' does not exist",
                      "content/2021/fout.md:11: linked file '../images/weg.jpg' does not exist"]


def test_a_link_to_an_article_with_errors_is_not_an_error_of_its_own(cli, tmp_path):
    """The linked article's typo is the one problem; the link is right once that is fixed."""
    content = write_content(tmp_path, {"2021/goed.md": GOOD.replace("Tekst", "Zie [fout](fout.md).", 1),
                                       "2021/fout.md": front("title: Fout", "date: 2021-05-01", "wijk: Rokeveen")})
    assert "Zie [fout](fout.md)." in (content / "2021/goed.md").read_text(encoding="utf-8")
    result = cli("check")
    assert result.error_lines == ["content/2021/fout.md:4: unknown wijk 'Rokeveen' (did you mean 'Rokkeveen'?)"]
    (content / "2021/fout.md").write_text(front(*BASE), encoding="utf-8")
    assert cli("check").code == 0


def test_body_link_outside_the_content_folder(cli, tmp_path):
    errors = check_one(cli, tmp_path, front(*BASE, body="[geheim](../../../etc/passwd)\n"))
    assert errors == ["content/2021/fout.md:7: link '../../../etc/passwd' points outside the content folder"]


def test_duplicate_slugs_name_both_files(cli, tmp_path):
    content = write_content(tmp_path, {"2021/a.md": front("title: A", "date: 2021-01-01", "wijk: Rokkeveen"),
                                       "2022/a.md": front("title: A2", "date: 2022-01-01", "wijk: Rokkeveen")})
    result = cli("check")
    assert result.code == 1
    assert result.error_lines == [
        "content/2022/a.md:1: slug 'a' is also used by 2021/a.md; give one of them another slug"]
    assert content.exists()


def test_link_to_a_draft_from_a_published_article(cli, tmp_path):
    write_content(tmp_path, {"a.md": front(*BASE, body="Zie [concept](b.md).\n"),
                             "b.md": front("title: B", "date: 2021-01-01", "wijk: Rokkeveen", "draft: true")})
    assert cli("check").code == 0  # check validates with drafts included
    result = cli("build")
    assert result.code == 1
    assert result.error_lines == ["content/a.md:7: link to 'b.md', which is a draft and will not be published"]


@pytest.mark.parametrize("registry, text, expected", [
    ("wijken", "- name: Rokkeveen\n  slug: rokkeveen\n- name: Rokkeveen Zuid\n  slug: rokkeveen\n",
     "content/wijken.yml:4: wijk slug 'rokkeveen' is used twice (also on line 2)"),
    ("wijken", "- name: Rokkeveen\n- name: Oosterheem\n  slug: oosterheem\n",
     "content/wijken.yml:1: wijk entry needs a non-empty 'slug'"),
    ("wijken", "- name: Rokkeveen\n  slug: rokkeveen\n  beschrijving: x\n",
     "content/wijken.yml:3: unknown key 'beschrijving' in wijk (did you mean 'description'?)"),
    ("wethouders", "- name: Ter Laak\n  slug: Ter Laak\n",
     "content/wethouders.yml:2: slug 'Ter Laak' may hold only a-z, 0-9 and single '-' between them"),
    ("dossiers", "slug: huizen\ntitle: Huizen\n",
     "content/dossiers.yml:1: dossiers.yml must be a list of entries, each starting with '- '"),
    ("dossiers", "- slug: a\n  title: A\n  title: B\n",
     "content/dossiers.yml:3: key 'title' is given twice; remove one of them"),
    ("site", "title: Test\n", "content/site.yml:1: site.yml needs a non-empty 'base_url'"),
    ("site", "# nog invullen\n", "content/site.yml:1: site.yml needs a non-empty 'title'"),
    ("site", "", "content/site.yml:1: site.yml needs a non-empty 'base_url'"),
    ("site", "title: Test\nbase_url: https://x.nl/\npage_sise: 5\n",
     "content/site.yml:3: unknown setting 'page_sise' (did you mean 'page_size'?)"),
    ("site", "title: Test\nbase_url: https://x.nl/\npage_size: nul\n",
     "content/site.yml:3: page_size must be a whole number of at least 1"),
])
def test_registry_error(cli, tmp_path, registry, text, expected):
    write_content(tmp_path, {"2021/goed.md": GOOD if registry != "wijken" else GOOD.replace("Rokkeveen", "Oosterheem")},
                  **{registry: text})
    result = cli("check")
    assert result.code == 1
    assert expected in result.error_lines, result.err


def test_missing_registry_file(cli, tmp_path):
    content = write_content(tmp_path, {})
    (content / "wethouders.yml").unlink()
    result = cli("check")
    assert result.error_lines == ["content/wethouders.yml:1: missing file wethouders.yml"]


def test_yaml_one_one_booleans_stay_text(cli, tmp_path):
    """`no` is Norway's code and a plain word here, not False (YAML 1.1's surprise)."""
    write_content(tmp_path, {"a.md": front("title: no", "date: 2021-01-01", "wijk: Rokkeveen", "tags: [on, off]")})
    assert cli("check").code == 0


def test_every_sample_article_passes(cli):
    """The repository's own sample content is valid (so the README's first command works)."""
    from pathlib import Path
    sample = Path(__file__).resolve().parent.parent / "content"
    result = cli("check", "--content", str(sample))
    assert result.code == 0, result.err


def test_article_fixture_is_valid(cli, tmp_path):
    write_content(tmp_path, ARTICLES)
    result = cli("check")
    assert result.code == 0, result.err
