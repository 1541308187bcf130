"""The build end to end: a content folder in tmp_path, `wijknieuws build`, and what a reader sees."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import CORPUS, page, text_of, tree_bytes, write_content
from sitecheck import broken_links, links, reachable, site_pages


def build(cli, *args):
    result = cli("build", *args)
    assert result.code == 0, result.err
    return result


def test_article_page_shows_what_a_reader_needs(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    doc = page(site, "nieuws/vlieger/index.html")
    assert doc.get("lang") == "nl"
    assert [text_of(h) for h in doc.iter("h1")] == ["De Vlieger blijft dicht"]
    text = text_of(doc)
    assert "24 augustus 2021" in text
    assert "uitgevoerd" in text and "Besluit" in text
    found = links(site, "nieuws/vlieger/index.html")
    assert found["Rokkeveen"] == "wijk/rokkeveen/index.html"
    assert found["Ter Laak"] == "wethouder/ter-laak/index.html"
    assert found["Huizen van de Wijk"] == "dossier/huizen-van-de-wijk/index.html"
    assert found["inZet"] == "tag/inzet/index.html"
    # body links to .md files become links to the article pages
    assert found["het memo"] == "nieuws/memo/index.html"
    assert found["raadsvoorstel"] == "nieuws/voorstel/index.html"
    image = doc.xpath("//figure//img")[0]
    assert image.get("alt") == "Het gebouw van De Vlieger"
    # the picture is published as a stripped copy; the original file never is
    assert (site / "nieuws/vlieger" / image.get("src")).resolve().parent == (site / "media").resolve()
    assert (site / "nieuws/vlieger" / image.get("src")).is_file()
    assert not (site / "images/vlieger.png").exists()
    assert "Activiteitencentrum De Vlieger." in text_of(doc.xpath("//figure//figcaption")[0])


def test_dossier_previous_next_and_timeline(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    # the memo (April) comes before De Vlieger (August) in the dossier
    assert "nieuws/memo/index.html" in links(site, "nieuws/vlieger/index.html").values()
    assert "nieuws/vlieger/index.html" in links(site, "nieuws/memo/index.html").values()
    timeline = text_of(page(site, "dossier/huizen-van-de-wijk/index.html"))
    assert timeline.index("Huizen van de Wijk in de koelkast") < timeline.index("De Vlieger blijft dicht")
    assert "uitgesteld" in timeline and "uitgevoerd" in timeline


def test_wijk_wethouder_and_tag_pages_list_their_articles(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    rokkeveen = text_of(page(site, "wijk/rokkeveen/index.html"))
    assert rokkeveen.index("De Vlieger blijft dicht") < rokkeveen.index("Huizen van de Wijk in de koelkast")
    assert "Nieuwe fietsroute" not in rokkeveen
    assert "Nog niet af" not in rokkeveen  # a draft
    wethouder = text_of(page(site, "wethouder/ter-laak/index.html"))
    assert "CDA" in wethouder and "Zorg en welzijn" in wethouder
    # 'inZet' and 'inzet' are one tag
    tag = text_of(page(site, "tag/inzet/index.html"))
    assert "De Vlieger blijft dicht" in tag and "Huizen van de Wijk in de koelkast" in tag
    assert "wijk/oosterheem/index.html" in links(site, "wijk/index.html").values()


def test_decisions_with_views_per_status_and_wijk(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    every = text_of(page(site, "besluiten/index.html"))
    for title in ("De Vlieger blijft dicht", "Huizen van de Wijk in de koelkast", "Raad neemt voorstel aan"):
        assert title in every
    assert "Nieuwe fietsroute" not in every  # no status: not a decision
    uitgesteld = text_of(page(site, "besluiten/status/uitgesteld/index.html"))
    assert "Huizen van de Wijk in de koelkast" in uitgesteld and "De Vlieger" not in uitgesteld
    leyens = text_of(page(site, "besluiten/wijk/de-leyens/index.html"))
    assert "Raad neemt voorstel aan" in leyens and "De Vlieger" not in leyens
    home = text_of(page(site, "index.html"))
    open_box = home  # the home page names the open decision
    assert "Huizen van de Wijk in de koelkast" in open_box


def test_archive_by_year_and_month(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    archive = text_of(page(site, "archief/index.html"))
    assert re.search(r"2021\D+2\b", archive), archive  # two published articles in 2021
    year = text_of(page(site, "archief/2021/index.html"))
    assert year.index("augustus 2021") < year.index("april 2021")


def test_pagination_at_page_size(cli, content, tmp_path):
    build(cli)  # page_size is 3 and there are 4 published articles
    site = tmp_path / "site"
    first = links(site, "nieuws/index.html")
    assert "nieuws/pagina/2/index.html" in first.values()
    second = text_of(page(site, "nieuws/pagina/2/index.html"))
    assert "Nieuwe fietsroute" in second
    assert not (site / "nieuws/pagina/3").exists()


def test_every_link_resolves_and_every_page_type_is_reachable(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    assert broken_links(site) == []
    pages = reachable(site)
    for expected in ("nieuws/vlieger/index.html", "wijk/index.html", "wijk/rokkeveen/index.html",
                     "wethouder/index.html", "wethouder/ter-laak/index.html", "dossier/index.html",
                     "dossier/huizen-van-de-wijk/index.html", "besluiten/index.html",
                     "besluiten/status/aangenomen/index.html", "tag/inzet/index.html", "archief/index.html",
                     "archief/2019/index.html", "nieuws/pagina/2/index.html"):
        assert expected in pages


def test_every_page_has_one_h1_skip_link_and_landmarks(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    for path in site_pages(site):
        doc = page(site, path.relative_to(site).as_posix())
        assert doc.get("lang") == "nl", path
        assert len(doc.xpath("//h1")) == 1, path
        first_link = doc.xpath("//body//a")[0]
        assert first_link.get("href") == "#inhoud", path
        assert doc.xpath("//main[@id='inhoud']"), path
        assert doc.xpath("//header") and doc.xpath("//nav") and doc.xpath("//footer"), path
        # nothing from another host (the canonical link names the page's own address, it loads nothing)
        assert not doc.xpath("//script[contains(@src, '//')] | //link[not(@rel='canonical')][contains(@href, '//')]"
                             " | //img[contains(@src, '//')] | //source[contains(@srcset, '//')]"), path
        # CSP-friendly: no inline code (JSON-LD is data, which no browser runs)
        assert not doc.xpath("//script[not(@src)][not(@type='application/ld+json')] | //*[@style]"), path


def test_sub_path_404_page_links_from_base_url(cli, content, tmp_path):
    build(cli, "--base-url", "https://gemeente.nl/nieuws/")
    doc = page(tmp_path / "site", "404.html")
    hrefs = [a.get("href") for a in doc.iter("a") if not a.get("href", "").startswith("#")]
    assert hrefs and all(h.startswith("/nieuws/") for h in hrefs), hrefs
    assert doc.xpath("//link[@rel='stylesheet']")[0].get("href").startswith("/nieuws/")


def test_drafts_only_with_the_flag(cli, content, tmp_path):
    build(cli)
    assert not (tmp_path / "site/nieuws/concept").exists()
    build(cli, "--drafts")
    assert (tmp_path / "site/nieuws/concept/index.html").is_file()


def test_feeds_sitemap_and_open_data(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    records = json.loads((site / "data/artikelen.json").read_text(encoding="utf-8"))
    assert [r["slug"] for r in records] == ["vlieger", "memo", "voorstel", "fiets"]
    assert records[0]["url"] == "https://nieuws.example.nl/nieuws/vlieger/"
    assert (site / "feed.xml").is_file() and (site / "wijk/rokkeveen/feed.xml").is_file()
    assert b"<loc>https://nieuws.example.nl/nieuws/vlieger/</loc>" in (site / "sitemap.xml").read_bytes()
    assert b"Sitemap: https://nieuws.example.nl/sitemap.xml" in (site / "robots.txt").read_bytes()


def test_two_builds_are_byte_identical(cli, content, tmp_path):
    build(cli, "--out", "a")
    build(cli, "--out", "b")
    first, second = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    assert first.keys() == second.keys()
    assert first == second


def test_front_matter_text_is_escaped(cli, tmp_path):
    write_content(tmp_path, {"a.md": "---\ntitle: '<script>alert(1)</script> & co'\ndate: 2021-01-01\n"
                                      "wijk: Rokkeveen\nsummary: '<img src=x onerror=alert(1)>'\n---\n\nTekst.\n"})
    build(cli)
    raw = (tmp_path / "site/nieuws/a/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in raw and "&lt;script&gt;" in raw
    assert "<img src=x" not in (tmp_path / "site/index.html").read_text(encoding="utf-8")


def test_parallel_build_equals_a_single_process_build(cli, tmp_path):
    # Enough articles that parsing and rendering both go to a pool of forked workers.
    subprocess.run([sys.executable, str(CORPUS), "--n", "400", "--out", str(tmp_path / "corpus"), "--format", "ours"],
                   check=True, capture_output=True)
    build(cli, "--content", "corpus", "--out", "one", "--jobs", "1")
    result = build(cli, "--content", "corpus", "--out", "two", "--jobs", "2")
    assert "400 articles" in result.out
    one, two = tree_bytes(tmp_path / "one"), tree_bytes(tmp_path / "two")
    assert len(one) > 600 and one.keys() == two.keys()
    assert one == two
    # A first build leaves a shadow copy of hard links, so that the first edit after it costs
    # what any edit costs.
    for out in ("one", "two"):
        site, shadow = tmp_path / out, tmp_path / f".wijknieuws-cache/{out}.shadow"
        files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(shadow) for p in shadow.rglob("*") if p.is_file())
        assert all((site / rel).stat().st_ino == (shadow / rel).stat().st_ino for rel in files)
    article = next((tmp_path / "corpus").glob("*/*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\nNog een zin.\n", encoding="utf-8")
    again = build(cli, "--content", "corpus", "--out", "two", "--jobs", "2")
    written = int(again.out.split(" files written")[0].rsplit(" ", 1)[1])
    assert 0 < written < 30, again.out
