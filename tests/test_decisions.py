"""Decisions followed over time (issue 19): one decision across the articles that report on it,
its current status everywhere, its history on its own page, in a feed, in open data and in the
newsletter, and every mistake an editor can make with it as a `PATH:LINE` error."""
from __future__ import annotations

import copy
import json
import os
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from conftest import REPO, page, text_of, tree_bytes, write_content
from sitecheck import broken_links, links, resolve
from test_feeds import atom_problems

BASE = "https://nieuws.example.nl/"
A = "{http://www.w3.org/2005/Atom}"
BESLUITEN = """\
- slug: sluiting-de-vlieger
  title: Sluiting De Vlieger
  wijk: Rokkeveen
  dossier: huizen-van-de-wijk
  bron: https://raad.example.nl/besluit/12
"""


def front(*lines: str, body: str = "Tekst.\n") -> str:
    """An article: '---' is line 1, the keys lines 2.., then '---', an empty line and the body."""
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n\n" + body


def step(title: str, day: str, status: str, wijk: str = "Rokkeveen", *more: str) -> str:
    return front(f"title: {title}", f"date: {day}", f"wijk: {wijk}", "wethouder: Ter Laak",
                 f"status: {status}", "besluit: sluiting-de-vlieger", *more)


ARTICLES = {
    "2021/plan.md": step("College wil De Vlieger sluiten", "2021-07-12", "voorgenomen"),
    "2021/vragen.md": step("Vragen over De Vlieger", "2021-08-10", "voorgenomen", "Oosterheem", "type: raadsvragen"),
    "2021/dicht.md": step("De Vlieger is dicht", "2021-09-01", "uitgevoerd"),
    "2021/warmte.md": front("title: Warmtenet Oosterheem", "date: 2021-06-14", "wijk: Oosterheem",
                            "type: raadsvoorstel", "status: voorgenomen"),
    "2019/fiets.md": front("title: Nieuwe fietsroute", "date: 2019-03-02", "wijk: Oosterheem"),
}
DECISION = "besluit/sluiting-de-vlieger/index.html"


@pytest.fixture
def decisions(tmp_path) -> Path:
    return write_content(tmp_path, ARTICLES, besluiten=BESLUITEN)


def build(cli, *args) -> Path:
    """Builds, and returns the site folder."""
    result = cli("build", *args)
    assert result.code == 0, result.err
    return Path(args[args.index("--out") + 1] if "--out" in args else "site").resolve()


def check_errors(cli, *expected: str) -> None:
    """`check` fails with exactly these lines, then the count."""
    result = cli("check")
    assert result.code == 1, result.err
    assert result.err.splitlines() == [*expected, f"{len(expected)} error(s)."]


# ---------------------------------------------------------------- the decision's page

def test_the_decision_page_shows_its_status_history_and_sources(cli, decisions):
    site = build(cli)
    doc = page(site, DECISION)
    assert doc.findtext(".//h1") == "Sluiting De Vlieger"
    status = text_of(doc.find_class("current-status")[0])
    assert "uitgevoerd sinds 1 september 2021" in status
    steps = doc.find_class("timeline__item")
    assert [text_of(s.find_class("timeline__when")[0]) for s in steps] == [
        "12 juli 2021 Status: voorgenomen", "1 september 2021 Status: uitgevoerd was voorgenomen"]
    # each step with the articles that reported it, oldest first, linked
    assert [[a.text_content() for a in s.find_class("mini__title")] for s in steps] == [
        ["College wil De Vlieger sluiten", "Vragen over De Vlieger"], ["De Vlieger is dicht"]]
    targets = links(site, DECISION)
    for slug in ("plan", "vragen", "dicht"):
        assert f"nieuws/{slug}/index.html" in targets.values()
    facts = text_of(doc.find_class("facts")[0])
    # the registry's wijk first, then those of its articles; wethouders and dossier from the articles
    assert "Wijken: Rokkeveen Oosterheem" in facts and "Ter Laak (CDA)" in facts and "Huizen van de Wijk" in facts
    assert doc.xpath("//a[@href='https://raad.example.nl/besluit/12']")
    assert broken_links(site) == []


def test_a_reader_follows_a_decision_from_any_of_its_articles(cli, decisions):
    site = build(cli)
    for slug in ("plan", "vragen", "dicht"):
        assert links(site, f"nieuws/{slug}/index.html")["Sluiting De Vlieger"] == DECISION


def test_an_older_article_says_the_decision_has_moved_on(cli, decisions):
    site = build(cli)
    for slug in ("plan", "vragen"):
        doc = page(site, f"nieuws/{slug}/index.html")
        note = doc.find_class("decision-note")
        assert len(note) == 1, slug
        assert text_of(note[0]).startswith("Inmiddels uitgevoerd, 1 september 2021.")
        targets = [resolve(f"nieuws/{slug}/index.html", a.get("href")) for a in note[0].iter("a")]
        assert targets == ["nieuws/dicht/index.html", DECISION]
    assert not page(site, "nieuws/dicht/index.html").find_class("decision-note")  # the newest is up to date
    assert not page(site, "nieuws/warmte/index.html").find_class("decision-note")  # a decision of its own


def test_no_notice_while_the_status_is_still_the_same(cli, tmp_path):
    write_content(tmp_path, {k: v for k, v in ARTICLES.items() if k != "2021/dicht.md"}, besluiten=BESLUITEN)
    site = build(cli)
    assert not page(site, "nieuws/plan/index.html").find_class("decision-note")  # vragen says the same


# ---------------------------------------------------------------- current status everywhere

def test_lists_show_each_decision_once_by_its_current_status(cli, decisions):
    site = build(cli)
    rows = page(site, "besluiten/index.html").xpath("//table//tbody/tr")
    assert [text_of(r) for r in rows] == [
        "1 september 2021 Sluiting De Vlieger 3 berichten Status: uitgevoerd Rokkeveen, Oosterheem",
        "14 juni 2021 Warmtenet Oosterheem Raadsvoorstel Status: voorgenomen Oosterheem"]
    assert resolve("besluiten/index.html", rows[0].xpath(".//a")[0].get("href")) == DECISION
    open_list = text_of(page(site, "besluiten/status/voorgenomen/index.html").xpath("//table")[0])
    assert "Warmtenet" in open_list and "De Vlieger" not in open_list
    assert "Sluiting De Vlieger" in text_of(page(site, "besluiten/status/uitgevoerd/index.html").xpath("//table")[0])
    oosterheem = text_of(page(site, "besluiten/wijk/oosterheem/index.html").xpath("//table")[0])
    assert "Sluiting De Vlieger" in oosterheem  # one of its articles is about Oosterheem
    home = text_of(page(site, "index.html").get_element_by_id("open-besluiten").getparent())
    assert "Warmtenet Oosterheem" in home and "Vlieger" not in home
    for wijk in ("rokkeveen", "oosterheem"):
        panel = text_of(page(site, f"wijk/{wijk}/index.html").get_element_by_id("open-besluiten").getparent())
        assert "Vlieger" not in panel, wijk


def test_open_until_the_newest_article_says_otherwise(cli, tmp_path):
    write_content(tmp_path, {k: v for k, v in ARTICLES.items() if k != "2021/dicht.md"}, besluiten=BESLUITEN)
    site = build(cli)
    home = page(site, "index.html").get_element_by_id("open-besluiten").getparent()
    titles = [a.text_content() for a in home.find_class("mini__title")]
    assert titles == ["Sluiting De Vlieger", "Warmtenet Oosterheem"]  # once, however many articles
    assert "sinds 12 juli 2021" in text_of(home)  # since the first article with this status


def test_dossier_and_wethouder_pages_show_decisions_with_current_status(cli, decisions):
    site = build(cli)
    dossier = page(site, "dossier/huizen-van-de-wijk/index.html").get_element_by_id("besluiten").getparent()
    assert text_of(dossier) == ("Besluiten in dit dossier Met hun huidige status. Status: uitgevoerd "
                                "Sluiting De Vlieger Rokkeveen, Oosterheem · sinds 1 september 2021")
    wethouder = page(site, "wethouder/ter-laak/index.html").xpath("//table//tbody/tr")
    assert [text_of(r).split(" Status: ")[1] for r in wethouder] == ["uitgevoerd Rokkeveen, Oosterheem"]


def test_a_dossier_lists_its_decisions_once_on_its_own_page_not_on_every_page_after(cli, tmp_path):
    articles = {f"2021/d{i}.md": f"---\ntitle: Besluit {i}\ndate: 2021-03-{i + 1:02d}\nwijk: Rokkeveen\n"
                                 f"dossier: huizen-van-de-wijk\nstatus: voorgenomen\n---\n\nTekst.\n" for i in range(8)}
    write_content(tmp_path, articles)  # page_size 3: the dossier's articles on three pages
    site = build(cli)
    first = page(site, "dossier/huizen-van-de-wijk/index.html")
    assert len(first.get_element_by_id("besluiten").getparent().xpath(".//li")) == 8
    for later in ("dossier/huizen-van-de-wijk/pagina/2/index.html", "dossier/huizen-van-de-wijk/pagina/3/index.html"):
        assert not page(site, later).xpath("//*[@id='besluiten']")


# ---------------------------------------------------------------- what changed: feed, data, newsletter

def test_the_decisions_feed_has_an_entry_per_change_newest_first(cli, decisions):
    site = build(cli)
    raw = (site / "besluiten/feed.xml").read_bytes()
    assert atom_problems(raw) == []
    feed = etree.fromstring(raw)
    entries = feed.findall(A + "entry")
    assert [e.findtext(A + "title") for e in entries] == [
        "Sluiting De Vlieger: voorgenomen \u2192 uitgevoerd", "Sluiting De Vlieger: voorgenomen",
        "Warmtenet Oosterheem: voorgenomen"]
    assert [e.findtext(A + "id") for e in entries] == [
        BASE + "besluit/sluiting-de-vlieger/#2021-09-01-uitgevoerd",
        BASE + "besluit/sluiting-de-vlieger/#2021-07-12-voorgenomen", BASE + "nieuws/warmte/#2021-06-14-voorgenomen"]
    first = entries[0]
    assert first.find(A + "link[@rel='alternate']").get("href") == BASE + "besluit/sluiting-de-vlieger/"
    assert first.find(A + "link[@rel='related']").get("href") == BASE + "nieuws/dicht/"
    assert first.findtext(A + "published") == "2021-09-01T00:00:00+02:00"
    assert feed.findtext(A + "updated") == "2021-09-01T00:00:00+02:00"
    announced = page(site, "besluiten/index.html").xpath("/html/head/link[@type='application/atom+xml']/@href")
    assert [resolve("besluiten/index.html", href) for href in announced] == ["feed.xml", "besluiten/feed.xml"]


def test_feed_ids_stay_when_the_decision_changes_again(cli, decisions):
    site = build(cli)
    before = [e.findtext(A + "id") for e in etree.parse(str(site / "besluiten/feed.xml")).iter(A + "entry")]
    (decisions / "2021/heropend.md").write_text(step("De Vlieger weer open", "2021-10-01", "ingetrokken"))
    after = [e.findtext(A + "id") for e in etree.parse(str(build(cli) / "besluiten/feed.xml")).iter(A + "entry")]
    assert after == [BASE + "besluit/sluiting-de-vlieger/#2021-10-01-ingetrokken", *before]


def _validator(site: Path) -> jsonschema.Draft202012Validator:
    schema = json.loads((site / "data/besluiten.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_open_data_holds_each_decisions_history(cli, decisions):
    site = build(cli)
    records = json.loads((site / "data/besluiten.json").read_text(encoding="utf-8"))
    assert list(_validator(site).iter_errors(records)) == []
    assert records[0] == {
        "slug": "sluiting-de-vlieger", "title": "Sluiting De Vlieger", "url": BASE + "besluit/sluiting-de-vlieger/",
        "bron": "https://raad.example.nl/besluit/12", "status": "uitgevoerd", "since": "2021-09-01T00:00:00+02:00",
        "wijken": ["rokkeveen", "oosterheem"], "wethouders": ["ter-laak"], "dossier": "huizen-van-de-wijk",
        "history": [
            {"status": "voorgenomen", "previous": None, "date": "2021-07-12T00:00:00+02:00",
             "articles": ["plan", "vragen"]},
            {"status": "uitgevoerd", "previous": "voorgenomen", "date": "2021-09-01T00:00:00+02:00",
             "articles": ["dicht"]}]}
    assert records[1]["slug"] is None and records[1]["url"] == BASE + "nieuws/warmte/"  # a decision of its own
    articles = {a["slug"] for a in json.loads((site / "data/artikelen.json").read_text(encoding="utf-8"))}
    assert {slug for r in records for s in r["history"] for slug in s["articles"]} <= articles


BAD_RECORDS = {
    "unknown status": lambda r: r.update(status="besloten"),
    "no history": lambda r: r.update(history=[]),
    "step without articles": lambda r: r["history"][0].update(articles=[]),
    "previous not a status": lambda r: r["history"][1].update(previous="eerder"),
    "bron not a URL": lambda r: r.update(bron="raad.example.nl"),
    "since without offset": lambda r: r.update(since="2021-09-01T00:00:00"),
    "unknown key": lambda r: r.update(besluit="x"),
    "slug missing": lambda r: r.pop("slug"),
}


def test_the_decisions_schema_rejects_bad_records(cli, decisions):
    site = build(cli)
    check = _validator(site)
    good = json.loads((site / "data/besluiten.json").read_text(encoding="utf-8"))[0]
    for problem, spoil in BAD_RECORDS.items():
        record = copy.deepcopy(good)
        spoil(record)
        assert list(check.iter_errors([record])), f"the schema accepts a record with: {problem}"


def test_a_draft_never_reaches_the_open_data(cli, decisions):
    (decisions / "2021/concept.md").write_text(step("Concept", "2021-10-01", "ingetrokken", "Rokkeveen",
                                                    "draft: true"))
    for args in ((), ("--drafts",)):
        site = build(cli, *args)
        raw = (site / "data/besluiten.json").read_text(encoding="utf-8")
        assert "concept" not in raw and '"status":"uitgevoerd"' in raw, args
    assert "Inmiddels ingetrokken" in (site / "nieuws/dicht/index.html").read_text(encoding="utf-8")  # the preview


def test_the_newsletter_names_the_decisions_that_changed(cli, decisions, tmp_path):
    result = cli("newsletter", "--since", "2021-08-15", "--until", "2021-09-30", "--no-record")
    assert result.code == 0, result.err
    folder = tmp_path / "nieuwsbrief/2021-09-30"
    text = (folder / "nieuwsbrief.txt").read_text(encoding="utf-8")
    assert "BESLUITEN DIE VERANDERDEN" in text
    assert "Sluiting De Vlieger: voorgenomen -> uitgevoerd (1 september 2021)" in text
    assert BASE + "besluit/sluiting-de-vlieger/" in text
    html = (folder / "nieuwsbrief.html").read_text(encoding="utf-8")
    assert "Besluiten die veranderden" in html and "voorgenomen → uitgevoerd" in html
    mail = message_from_bytes((folder / "nieuwsbrief.eml").read_bytes(), policy=policy.default)
    assert "voorgenomen -> uitgevoerd" in mail.get_body(("plain",)).get_content()


@pytest.mark.parametrize("args, named", [
    (("--since", "2021-07-01", "--until", "2021-08-31"), False),  # first reported: nothing changed yet
    (("--since", "2021-09-01", "--until", "2021-09-30", "--wijk", "Oosterheem"), True),  # its article there
    (("--since", "2021-09-01", "--until", "2021-09-30", "--wijk", "De Leyens"), None),  # nothing there at all
])
def test_only_changes_in_the_period_and_wijk(cli, decisions, tmp_path, args, named):
    (decisions / "2021/leyens.md").write_text(front("title: Leyens", "date: 2021-07-01", "wijk: De Leyens"))
    result = cli("newsletter", *args, "--no-record")
    if named is None:
        assert result.code == 1 and "no published articles in wijk De Leyens" in result.err
        return
    assert result.code == 0, result.err
    text = (Path(result.out.strip()) / "nieuwsbrief.txt").read_text(encoding="utf-8")
    assert ("BESLUITEN DIE VERANDERDEN" in text) is named


def test_the_web_version_of_an_edition_shows_the_changes(cli, decisions, tmp_path):
    (decisions / "nieuwsbrieven.yml").write_text("- since: 2021-09-01\n  until: 2021-09-30\n")
    site = build(cli)
    doc = page(site, "nieuwsbrief/2021-09-30/index.html")
    section = doc.get_element_by_id("besluiten-die-veranderden").getparent()
    assert text_of(section) == ("Besluiten die veranderden Sluiting De Vlieger Status: voorgenomen → werd "
                                "Status: uitgevoerd op 1 september 2021 · gemeld in De Vlieger is dicht")
    assert broken_links(site) == []


# ---------------------------------------------------------------- wethouders in office

TERM = """\
- name: Ter Laak
  slug: ter-laak
  party: CDA
  van: 2018-05-24
  tot: 2022-03-30
- name: De Wit
  slug: de-wit
  van: 2022-06-01
- name: Van den Berg
  slug: van-den-berg
  tot: 2020-12-31
"""


def test_the_wethouder_page_shows_the_term(cli, tmp_path):
    write_content(tmp_path, {"2021/a.md": front("title: A", "date: 2021-05-01", "wijk: Rokkeveen",
                                                "wethouder: Ter Laak")}, wethouders=TERM)
    site = build(cli)
    facts = text_of(page(site, "wethouder/ter-laak/index.html").find_class("facts")[0])
    assert "In functie:van 24 mei 2018 tot en met 30 maart 2022" in facts
    assert "In functie:van 1 juni 2022 tot heden" in text_of(page(site, "wethouder/de-wit/index.html"))
    wethouders = json.loads((site / "data/wethouders.json").read_text(encoding="utf-8"))
    assert [w["slug"] for w in wethouders] == ["de-wit", "ter-laak", "van-den-berg"]
    assert (wethouders[1]["van"], wethouders[1]["tot"]) == ("2018-05-24", "2022-03-30")
    assert wethouders[0]["van"] == "2022-06-01" and "tot" not in wethouders[0]
    assert "van" not in wethouders[2] and wethouders[2]["tot"] == "2020-12-31"
    schema = json.loads((site / "data/wethouders.schema.json").read_text(encoding="utf-8"))
    check = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert list(check.iter_errors(wethouders)) == []
    for bad in ({"van": "24-05-2018"}, {"tot": "2022-02-30"}, {"tot": None}):
        assert list(check.iter_errors([dict(wethouders[1], **bad)])), bad


@pytest.mark.parametrize("day, wethouder, message", [
    ("2023-01-05", "Ter Laak", "Ter Laak was wethouder from 24 May 2018 to 30 March 2022; "
                               "this article is dated 5 January 2023"),
    ("2018-05-23", "Ter Laak", "Ter Laak was wethouder from 24 May 2018 to 30 March 2022; "
                               "this article is dated 23 May 2018"),
    ("2022-05-31", "De Wit", "De Wit is wethouder from 1 June 2022; this article is dated 31 May 2022"),
    ("2020-06-01", "[De Wit, Van den Berg]",
     "De Wit is wethouder from 1 June 2022; this article is dated 1 June 2020"),
    ("2021-01-01T00:30:00+01:00", "Van den Berg",
     "Van den Berg was wethouder until 31 December 2020; this article is dated 1 January 2021"),
], ids=["after", "before", "not-yet", "one-of-two", "amsterdam-day"])
def test_an_article_dated_outside_a_wethouders_term(cli, tmp_path, day, wethouder, message):
    write_content(tmp_path, {"2021/fout.md": front("title: Fout", f"date: {day}", "wijk: Rokkeveen",
                                                   f"wethouder: {wethouder}")}, wethouders=TERM)
    check_errors(cli, f"content/2021/fout.md:5: {message}")


@pytest.mark.parametrize("day", ["2018-05-24", "2022-03-30", "2020-12-31T23:59:00+01:00"])
def test_the_first_and_last_day_are_in_office(cli, tmp_path, day):
    write_content(tmp_path, {"2021/a.md": front("title: A", f"date: {day}", "wijk: Rokkeveen",
                                                "wethouder: [Ter Laak, Van den Berg]" if "T" in day
                                                else "wethouder: Ter Laak")}, wethouders=TERM)
    assert cli("check").code == 0


# ---------------------------------------------------------------- mistakes, at their lines

@pytest.mark.parametrize("lines, expected", [
    (("status: voorgenomen", "besluit: sluiting-de-vliger"),
     ["content/2021/fout.md:6: unknown besluit 'sluiting-de-vliger' (did you mean 'Sluiting De Vlieger'?)"]),
    (("besluit: Sluiting De Vlieger",),
     ["content/2021/fout.md:5: 'besluit' needs a 'status': what is the status of 'Sluiting De Vlieger' in this "
      "article? One of: voorgenomen, aangenomen, verworpen, uitgesteld, ingetrokken, uitgevoerd"]),
    (("besluit: sluiting-de-vlieger", "status:"),
     ["content/2021/fout.md:5: 'besluit' needs a 'status': what is the status of 'Sluiting De Vlieger' in this "
      "article? One of: voorgenomen, aangenomen, verworpen, uitgesteld, ingetrokken, uitgevoerd"]),
    (("besluit: sluiting-de-vlieger", "status: besloten"),
     ["content/2021/fout.md:6: unknown status 'besloten'; use one of: voorgenomen, "
      "aangenomen, verworpen, uitgesteld, ingetrokken, uitgevoerd"]),
    (("status: uitgevoerd", "besluit: [sluiting-de-vlieger, Sluiting Het Vonkje]"),
     ["content/2021/fout.md:6: an article reports on one besluit; write an article for each"]),
    (("status: uitgevoerd", "besluiten: sluiting-de-vlieger"),
     ["content/2021/fout.md:6: unknown key 'besluiten' (did you mean 'besluit'?)"]),
], ids=["unknown", "no-status", "empty-status", "wrong-status", "two", "misspelt-key"])
def test_an_article_with_a_mistake_in_its_decision(cli, tmp_path, lines, expected):
    write_content(tmp_path, {"2021/fout.md": front("title: Fout", "date: 2021-05-01", "wijk: Rokkeveen", *lines)},
                  besluiten=BESLUITEN + "- slug: sluiting-het-vonkje\n  title: Sluiting Het Vonkje\n")
    check_errors(cli, *expected)


def test_two_statuses_on_one_day_name_both_articles(cli, decisions):
    (decisions / "2021/ook-dicht.md").write_text(step("Toch nog open", "2021-09-01T18:00:00", "voorgenomen"))
    (decisions / "2021/nog-eens.md").write_text(step("Nog eens dicht", "2021-09-01", "uitgevoerd"))  # the same: fine
    check_errors(cli, "content/2021/ook-dicht.md:6: status 'voorgenomen' of besluit 'Sluiting De Vlieger' on "
                      "1 September 2021, while 2021/dicht.md gives it the status 'uitgevoerd' on the same day; "
                      "a decision has one status a day")


def test_a_draft_that_contradicts_on_the_same_day_is_caught_before_it_is_published(cli, decisions):
    (decisions / "2021/zz-concept.md").write_text(step("Concept", "2021-09-01", "ingetrokken", "Rokkeveen",
                                                       "draft: true"))
    check_errors(cli, "content/2021/zz-concept.md:6: status 'ingetrokken' of besluit 'Sluiting De Vlieger' on "
                      "1 September 2021, while 2021/dicht.md gives it the status 'uitgevoerd' on the same day; "
                      "a decision has one status a day")
    assert cli("build").code == 1


@pytest.mark.parametrize("text, expected", [
    ("- slug: a\n  title: A\n  wijk: Rokeveen\n",
     ["content/besluiten.yml:3: unknown wijk 'Rokeveen' (did you mean 'Rokkeveen'?)"]),
    ("- slug: a\n  title: A\n  wijk: [Rokkeveen, Osterheem]\n",
     ["content/besluiten.yml:3: unknown wijk 'Osterheem' (did you mean 'Oosterheem'?)"]),
    ("- slug: a\n  title: A\n  dossier: huizen-van-de-wyk\n",
     ["content/besluiten.yml:3: unknown dossier 'huizen-van-de-wyk' (did you mean 'Huizen van de Wijk'?)"]),
    ("- slug: a\n  title: A\n  bron: raad.example.nl/besluit/12\n",
     ["content/besluiten.yml:3: bron must be the web address of the official document, such as "
      "https://raad.example.nl/besluit/123, not 'raad.example.nl/besluit/12'"]),
    ("- slug: a\n  title: A\n  status: uitgevoerd\n",
     ["content/besluiten.yml:3: unknown key 'status' in besluit"]),
    ("- slug: a\n\n- slug: b\n  title: B\n- slug: b\n  title: C\n",
     ["content/besluiten.yml:1: besluit entry needs a non-empty 'title'",
      "content/besluiten.yml:5: besluit slug 'b' is used twice (also on line 3)"]),
    ("- slug: a\n  title: A\n  wijk: {name: Rokkeveen}\n",
     ["content/besluiten.yml:3: 'wijk' must be a name or a list of names"]),
    ("slug: a\n", ["content/besluiten.yml:1: besluiten.yml must be a list of entries, each starting with '- '"]),
], ids=["wijk", "wijk-in-list", "dossier", "bron", "unknown-key", "title-and-twice", "wijk-mapping", "not-a-list"])
def test_a_mistake_in_besluiten_yml(cli, tmp_path, text, expected):
    write_content(tmp_path, {}, besluiten=text)
    check_errors(cli, *expected)


@pytest.mark.parametrize("text, expected", [
    ("- name: Ter Laak\n  slug: ter-laak\n  van: 24-05-2018\n",
     "content/wethouders.yml:3: 'van' must be a date YYYY-MM-DD, e.g. 2018-05-24, not '24-05-2018'"),
    ("- name: Ter Laak\n  slug: ter-laak\n  tot: 2022-02-30\n",
     "content/wethouders.yml:3: 'tot' must be a date YYYY-MM-DD, e.g. 2018-05-24, not '2022-02-30'"),
    ("- name: Ter Laak\n  slug: ter-laak\n  van: 2022-03-30\n  tot: 2018-05-24\n",
     "content/wethouders.yml:4: the term ends (2018-05-24) before it starts (2022-03-30)"),
    ("- name: Ter Laak\n  slug: ter-laak\n  vanaf: 2018-05-24\n",
     "content/wethouders.yml:3: unknown key 'vanaf' in wethouder (did you mean 'van'?)"),
], ids=["dutch-date", "impossible-date", "ends-before-it-starts", "misspelt-key"])
def test_a_mistake_in_a_wethouders_term(cli, tmp_path, text, expected):
    write_content(tmp_path, {}, wethouders=text)
    check_errors(cli, expected)


@pytest.mark.parametrize("value", ["-1", "zes", "1.5", "true"])
def test_reminder_months_is_a_number(cli, tmp_path, value):
    write_content(tmp_path, {}, site=f"title: T\nbase_url: https://x.nl/\nreminder_months: {value}\n")
    check_errors(cli, "content/site.yml:3: reminder_months must be a whole number of months (0: no reminders)")


def test_a_site_without_besluiten_yml_builds_as_before(cli, tmp_path):
    write_content(tmp_path, {"2021/a.md": ARTICLES["2021/warmte.md"]})
    site = build(cli)
    assert not (site / "besluit").exists()
    assert links(site, "besluiten/index.html")["Warmtenet Oosterheem"] == "nieuws/a/index.html"
    write_content(tmp_path, {"2021/b.md": step("B", "2021-05-01", "voorgenomen")})
    check_errors(cli, "content/2021/b.md:7: unknown besluit 'sluiting-de-vlieger'")


# ---------------------------------------------------------------- editors

def test_new_besluit_has_the_lines_to_fill_in(cli, decisions, tmp_path):
    result = cli("new", "Raad: 'De Vlieger' blijft dicht", "--wijk", "rokkeveen", "--type", "besluit")
    assert result.code == 0, result.err
    path = tmp_path / result.out.strip()
    lines = path.read_text(encoding="utf-8").splitlines()
    today = date.today().isoformat()
    assert lines[1:5] == ["title: 'Raad: ''De Vlieger'' blijft dicht'", f"date: {today}", "wijk: Rokkeveen",
                          "type: besluit"]
    assert lines[5].startswith("status:   # voorgenomen, aangenomen, ")
    assert lines[6].startswith("besluit:  # ") and lines[6].endswith(": sluiting-de-vlieger")
    assert cli("check").code == 0  # left empty, it is a valid article
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status:  ", "status: uitgevoerd ").replace("besluit: ", "besluit: sluiting-de-vlieger "))
    assert cli("check").code == 0
    site = build(cli)
    assert text_of(page(site, DECISION).find_class("current-status")[0]).startswith("Huidige status: Status: uitgevoerd")


@pytest.mark.parametrize("title", ["2021", "ja", "Raad: besluit", "#1 in de wijk", "'quote'", "Gewoon een titel"])
def test_new_writes_a_title_that_reads_back_the_same(cli, decisions, tmp_path, title):
    result = cli("new", title, "--wijk", "Rokkeveen")
    assert result.code == 0, result.err
    assert cli("check").code == 0
    assert f"<h1>{title}</h1>".replace("'", "&#39;") in (build(cli) / "nieuws").joinpath(
        Path(result.out.strip()).stem, "index.html").read_text(encoding="utf-8")


def _dated(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


def test_check_reminds_of_open_decisions_without_news(cli, tmp_path):
    write_content(tmp_path, {
        "2021/oud.md": step("Oud plan", _dated(400), "voorgenomen"),
        "2021/nieuwer.md": step("Nog steeds", _dated(200), "voorgenomen"),
        "2021/eigen.md": front("title: Eigen", f"date: {_dated(300)}", "wijk: Rokkeveen", "status: uitgesteld"),
        "2021/vers.md": front("title: Vers", f"date: {_dated(20)}", "wijk: Rokkeveen", "status: voorgenomen"),
        "2021/klaar.md": front("title: Klaar", f"date: {_dated(900)}", "wijk: Rokkeveen", "status: uitgevoerd"),
        # open for long, but with recent news: no reminder
        "2021/warmte-1.md": front("title: W1", f"date: {_dated(500)}", "wijk: Rokkeveen", "status: voorgenomen",
                                  "besluit: warmtenet"),
        "2021/warmte-2.md": front("title: W2", f"date: {_dated(100)}", "wijk: Rokkeveen", "status: voorgenomen",
                                  "besluit: warmtenet"),
    }, besluiten=BESLUITEN + "- slug: warmtenet\n  title: Warmtenet\n")
    result = cli("check")
    assert result.code == 0
    since = lambda days: (date.today() - timedelta(days=days))  # noqa: E731
    english = lambda d: f"{d.day} {d.strftime('%B')} {d.year}"  # noqa: E731  (the tests run in the C locale)
    assert result.err.splitlines() == [
        f"content/2021/eigen.md:5: reminder: 'Eigen' is uitgesteld since {english(since(300))}, with no news "
        "for more than 6 months; is there news, or did it change?",
        f"content/2021/nieuwer.md:6: reminder: 'Sluiting De Vlieger' is voorgenomen since {english(since(400))}, "
        "with no news for more than 6 months; is there news, or did it change?",
        "7 articles, no errors."]
    assert cli("build").code == 0 and "reminder" not in cli("build").err  # a reminder is not a build's business


@pytest.mark.parametrize("months, count", [(0, 0), (1, 3), (12, 0), (9, 1)])
def test_reminder_months_is_configurable(cli, tmp_path, months, count):
    write_content(tmp_path, {
        "2021/a.md": front("title: A", f"date: {_dated(300)}", "wijk: Rokkeveen", "status: uitgesteld"),
        "2021/b.md": front("title: B", f"date: {_dated(200)}", "wijk: Rokkeveen", "status: voorgenomen"),
        "2021/c.md": front("title: C", f"date: {_dated(45)}", "wijk: Rokkeveen", "status: voorgenomen"),
    }, site=f"title: T\nbase_url: https://x.nl/\nreminder_months: {months}\n")
    result = cli("check")
    assert result.code == 0
    assert sum(": reminder: " in line for line in result.err.splitlines()) == count


# ---------------------------------------------------------------- incremental builds

def _inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


def test_a_new_status_changes_the_pages_that_show_it_and_only_those(cli, decisions):
    site = build(cli)
    before = _inodes(site)
    dicht = decisions / "2021/dicht.md"
    dicht.write_text(dicht.read_text().replace("status: uitgevoerd", "status: ingetrokken"))
    build(cli)
    changed = {rel for rel, ino in _inodes(site).items() if before.get(rel) != ino}
    for rel in ("nieuws/plan/index.html", "nieuws/vragen/index.html", "nieuws/dicht/index.html", DECISION,
                "besluiten/index.html", "besluiten/status/ingetrokken/index.html", "besluiten/feed.xml",
                "data/besluiten.json", "dossier/huizen-van-de-wijk/index.html"):
        assert rel in changed, rel
    for rel in ("nieuws/warmte/index.html", "nieuws/fiets/index.html", "wijk/de-leyens/index.html",
                "static/style.css"):
        assert rel not in changed, rel
    assert "Inmiddels ingetrokken" in (site / "nieuws/plan/index.html").read_text(encoding="utf-8")


def test_a_new_title_of_the_newest_article_reaches_the_older_ones(cli, decisions):
    """Not a change of status, nor of the site's shape: the older pages show the newest's title."""
    site = build(cli)
    dicht = decisions / "2021/dicht.md"
    dicht.write_text(dicht.read_text().replace("title: De Vlieger is dicht", "title: De Vlieger is gesloten"))
    build(cli)
    assert "De Vlieger is gesloten" in text_of(page(site, "nieuws/plan/index.html").find_class("decision-note")[0])
    assert "De Vlieger is gesloten" in text_of(page(site, DECISION).find_class("timeline")[0])


# ---------------------------------------------------------------- the sample site

def test_the_sample_site_follows_the_de_vlieger_closure(cli, tmp_path):
    os.chdir(REPO)
    result = cli("build", "--quiet", "--out", str(tmp_path / "site"))
    assert result.code == 0, result.err
    site = tmp_path / "site"
    decision = "besluit/sluiting-de-vlieger/index.html"
    articles = [resolve(decision, a.get("href")) for a in page(site, decision).find_class("mini__title")]
    assert len(articles) >= 3
    for rel in articles:  # from any of its articles to the decision page, which shows each step
        assert links(site, rel)["Sluiting activiteitencentrum De Vlieger"] == decision
    statuses = [text_of(s.find_class("badge")[0]) for s in page(site, decision).find_class("timeline__item")]
    assert statuses == ["Status: voorgenomen", "Status: uitgevoerd"]
    for slug in ("raadsvoorstel-gebiedsgerichte-ondersteuning", "huizen-van-de-wijk"):
        assert (site / f"besluit/{slug}/index.html").is_file()
    assert tree_bytes(site)["data/besluiten.json"].count(b'"slug":"') == 3


@pytest.mark.parametrize("source, old, new", [
    ("2021/plan.md", "title: College wil De Vlieger sluiten", "title: College wil De Vlieger dicht"),
    ("2021/dicht.md", "Tekst.", "Nu echt dicht."),
    ("2021/vragen.md", "Tekst.", "Vijf fracties vragen."),
])
def test_serve_writes_an_edited_decision_article_as_the_build_makes_it(decisions, tmp_path, source, old, new):
    """preview.py writes the edited page before the build: with a decision on it, still the same page."""
    from wijknieuws.pipeline import Options, build as build_site, open_cache
    from wijknieuws.preview import write_edited_page

    options = Options(content=decisions, out=tmp_path / "site")
    cache = open_cache(options)
    build_site(options, cache=cache)
    path = decisions / source
    path.write_text(path.read_text().replace(old, new))
    written = write_edited_page(options, cache)
    assert written == f"nieuws/{Path(source).stem}/index.html"
    first = (tmp_path / "site" / written).read_bytes()
    build_site(Options(content=decisions, out=tmp_path / "full"))
    assert first == (tmp_path / "full" / written).read_bytes()


def test_an_edit_of_besluiten_yml_reaches_every_page_as_a_full_build_makes_it(cli, decisions, tmp_path):
    build(cli)
    registry = decisions / "besluiten.yml"
    registry.write_text(registry.read_text().replace("title: Sluiting De Vlieger", "title: De Vlieger gaat dicht")
                        .replace("wijk: Rokkeveen", "wijk: De Leyens"))
    site = build(cli)
    assert links(site, "nieuws/plan/index.html")["De Vlieger gaat dicht"] == DECISION
    assert "De Vlieger gaat dicht" in text_of(page(site, "besluiten/wijk/de-leyens/index.html"))
    full = build(cli, "--out", "full")
    assert tree_bytes(site) == tree_bytes(full)


def test_a_bron_without_a_path_fits_the_schema_and_one_with_a_space_is_refused(cli, tmp_path):
    content = write_content(tmp_path, {"2021/a.md": "---\ntitle: Kort\ndate: 2021-05-01\nwijk: Rokkeveen\n"
                                                    "besluit: kort\nstatus: voorgenomen\n---\n\nTekst.\n"},
                            besluiten="- slug: kort\n  title: Kort besluit\n  bron: https://raad.example.nl\n")
    write = cli("build")
    assert write.code == 0, write.err
    records = json.loads((tmp_path / "site/data/besluiten.json").read_text(encoding="utf-8"))
    assert [r["bron"] for r in records] == ["https://raad.example.nl/"]
    schema = json.loads((tmp_path / "site/data/besluiten.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(records, schema, format_checker=jsonschema.FormatChecker())
    (content / "besluiten.yml").write_text(
        "- slug: kort\n  title: Kort besluit\n  bron: https://raad.example.nl/een besluit\n", encoding="utf-8")
    assert "content/besluiten.yml:3: bron must be the web address of the official document, such as " \
           "https://raad.example.nl/besluit/123, not 'https://raad.example.nl/een besluit'" in cli("check").error_lines


def test_a_change_reported_late_goes_in_the_next_edition_and_the_sent_one_stays_as_it_was(cli, tmp_path):
    """The article that carried De Vlieger to 'uitgevoerd' is published after September's edition
    went out, dated in September: that edition's web version does not change, and the next
    daily edition tells the change with the late article."""
    late = ARTICLES["2021/dicht.md"]
    content = write_content(tmp_path, {k: v for k, v in ARTICLES.items() if k != "2021/dicht.md"} | {
        "2021/sept.md": front("title: Nieuws in september", "date: 2021-09-15", "wijk: Rokkeveen")},
        besluiten=BESLUITEN)
    assert cli("newsletter", "--since", "2021-09-01", "--until", "2021-09-30").code == 0
    site = build(cli)
    sent_page = (site / "nieuwsbrief/2021-09-30/index.html").read_bytes()
    assert b"Besluiten die veranderden" not in sent_page
    (content / "2021/dicht.md").write_text(late, encoding="utf-8")
    site = build(cli)
    assert (site / "nieuwsbrief/2021-09-30/index.html").read_bytes() == sent_page  # sent: as it was
    result = cli("newsletter", "--until", "2021-10-05")  # the next morning's run, no --since
    assert result.code == 0, result.err
    text = (Path(result.out.strip()) / "nieuwsbrief.txt").read_text(encoding="utf-8")
    assert "De Vlieger is dicht" in text and "BESLUITEN DIE VERANDERDEN" in text
    assert "voorgenomen -> uitgevoerd" in text
