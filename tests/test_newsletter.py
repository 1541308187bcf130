"""The newsletter export (SPEC section 6): the three e-mail files, the record, the site's copies."""
from __future__ import annotations

import email
import email.policy
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import ARTICLES, page, text_of, tree_bytes, write_content
from wijknieuws.newsletter import Printer

REPO = Path(__file__).resolve().parent.parent
BASE = "https://nieuws.example.nl/"
UNSUBSCRIBE = "{{unsubscribe_url}}"
FILES = ("nieuwsbrief.eml", "nieuwsbrief.html", "nieuwsbrief.txt")

# One article in three wijken, listed first under Oosterheem, its first wijk.
ARTICLES_3 = dict(ARTICLES, **{"2021/drie.md": """\
    ---
    title: Drie wijken krijgen een ontmoetingsplek
    date: 2021-08-20T23:30:00+00:00
    wijk: [Oosterheem, Rokkeveen, de-leyens]
    summary: In drie wijken opent een Huis van de Wijk.
    ---

    Tekst.
    """})


def export(cli, *args: str):
    return cli("newsletter", *args)


def message(folder: Path):
    return email.message_from_bytes((folder / "nieuwsbrief.eml").read_bytes(), policy=email.policy.default)


def subject(msg) -> str:
    # RFC 5322 folding may start the value on a continuation line, which the parser keeps as a space
    return " ".join(str(msg["Subject"]).split())


def links(markup: str) -> list[str]:
    tree = lxml_html.fromstring(markup)
    return tree.xpath("//@href | //@src")


@pytest.fixture
def three(tmp_path) -> Path:
    return write_content(tmp_path, ARTICLES_3)


def test_export_writes_three_files_and_prints_folder(cli, three, tmp_path):
    result = export(cli, "--since", "2021-08-01", "--until", "2021-08-31")
    assert result.code == 0, result.err
    assert result.out.strip() == str(Path("nieuwsbrief") / "2021-08-31")
    folder = tmp_path / "nieuwsbrief" / "2021-08-31"
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)


def test_eml_parts_and_headers(cli, three, tmp_path):
    assert export(cli, "--since", "2021-08-01", "--until", "2021-08-31").code == 0
    folder = tmp_path / "nieuwsbrief" / "2021-08-31"
    msg = message(folder)
    assert msg.get_content_type() == "multipart/alternative"
    text, html = msg.iter_parts()
    assert [text.get_content_type(), html.get_content_type()] == ["text/plain", "text/html"]
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    assert subject(msg) == "Stadsnieuws Testdorp: nieuws van 1 augustus 2021 t/m 31 augustus 2021"
    assert msg["From"].addresses[0].addr_spec == "nieuwsbrief@example.nl"
    assert msg["Date"] == "Tue, 31 Aug 2021 08:00:00 +0200"
    assert msg["Message-ID"] == "<nieuwsbrief-2021-08-31@nieuws.example.nl>"
    assert msg["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["MIME-Version"] == "1.0"
    # The parts are exactly the files next to the message (the .eml uses CRLF line ends).
    assert text.get_content().replace("\r\n", "\n") == (folder / "nieuwsbrief.txt").read_text(encoding="utf-8")
    assert html.get_content().replace("\r\n", "\n") == (folder / "nieuwsbrief.html").read_text(encoding="utf-8")
    assert "·" in text.get_content()  # non-ASCII survives the round trip


def test_html_is_an_email_body_with_absolute_links_and_inline_styles(cli, three, tmp_path):
    assert export(cli, "--since", "2021-08-01", "--until", "2021-08-31").code == 0
    markup = (tmp_path / "nieuwsbrief" / "2021-08-31" / "nieuwsbrief.html").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(markup)
    found = links(markup)
    assert found and all(url.startswith(BASE) or url == UNSUBSCRIBE for url in found), found
    assert UNSUBSCRIBE in found
    assert f"{BASE}nieuwsbrief/2021-08-31/" in found
    # the article's picture: the copy made for e-mail, never the original file
    assert any(url.startswith(f"{BASE}media/vlieger-") for url in found), found
    assert f"{BASE}images/vlieger.png" not in found
    assert not tree.xpath("//link[@rel='stylesheet']")
    for style in tree.xpath("//style"):
        only_media = r"\s*(@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}\s*)*"
        assert re.fullmatch(only_media, style.text_content()), style.text_content()
    outer = tree.xpath("//table")
    assert outer and all(t.get("role") == "presentation" for t in outer)
    assert tree.xpath("//table[@width='600']")
    assert not tree.xpath("//body/@style")  # dropped by some clients: the outer table has its background
    for xpath in ("//table", "//td", "//h1", "//h2", "//h3", "//a", "//img", "//p"):
        elements = tree.xpath(xpath)
        assert elements and all(e.get("style") for e in elements), xpath
    assert "display: none" in tree.xpath("//div[@class='preheader']")[0].get("style")
    assert [img.get("alt") for img in tree.xpath("//img")] == ["Het gebouw van De Vlieger"]
    assert text_of(tree.xpath("//h1")[0]) == "Stadsnieuws Testdorp"
    body = text_of(tree)
    for expected in ("Bekijk deze nieuwsbrief in de browser", "24 augustus 2021", "De Vlieger blijft dicht",
                     "De activiteiten verhuizen naar de Nathaliegang.",
                     "U ontvangt deze nieuwsbrief omdat u zich hebt aangemeld."):
        assert expected in body


def test_grouped_by_first_wijk_newest_first_with_the_others_named(cli, three, tmp_path):
    assert export(cli, "--since", "2021-01-01", "--until", "2021-12-31").code == 0
    folder = tmp_path / "nieuwsbrief" / "2021-12-31"
    tree = lxml_html.fromstring((folder / "nieuwsbrief.html").read_bytes())
    titles = [text_of(h) for h in tree.xpath("//h2 | //h3")]
    assert titles == ["Oosterheem", "Drie wijken krijgen een ontmoetingsplek", "Huizen van de Wijk in de koelkast",
                      "Rokkeveen", "De Vlieger blijft dicht"]
    assert "ook in Rokkeveen, De Leyens" in text_of(tree)
    text = (folder / "nieuwsbrief.txt").read_text(encoding="utf-8")
    assert text.count("Drie wijken krijgen een ontmoetingsplek") == 1
    assert "ook in Rokkeveen, De Leyens" in text


def test_day_is_the_amsterdam_calendar_day(cli, three, tmp_path):
    # 2021-08-20T23:30Z is 21 August in Amsterdam
    assert export(cli, "--since", "2021-08-21", "--until", "2021-08-21", "--no-record").code == 0
    text = (tmp_path / "nieuwsbrief" / "2021-08-21" / "nieuwsbrief.txt").read_text(encoding="utf-8")
    assert "Drie wijken" in text and "21 augustus 2021" in text
    assert export(cli, "--since", "2021-08-20", "--until", "2021-08-20").code == 1


def test_text_is_wrapped_with_links_written_out(cli, tmp_path):
    long = "Een heel lange samenvatting over de wijk die zeker niet op een regel past " * 4
    write_content(tmp_path, {"2021/lang.md": f"---\ntitle: Lang\ndate: 2021-08-02\nwijk: Rokkeveen\n"
                                             f"summary: {long}\n---\n\nTekst.\n"})
    assert export(cli, "--since", "2021-08-01", "--until", "2021-08-31").code == 0
    text = (tmp_path / "nieuwsbrief" / "2021-08-31" / "nieuwsbrief.txt").read_text(encoding="utf-8")
    assert all(len(line) <= 72 for line in text.splitlines() if "https://" not in line)
    assert f"{BASE}nieuws/lang/" in text
    assert f"{BASE}nieuwsbrief/2021-08-31/" in text
    assert f"Afmelden: {UNSUBSCRIBE}" in text
    assert "&" not in text and "&#" not in text


def test_per_wijk_edition(cli, three, tmp_path):
    result = export(cli, "--since", "2021-01-01", "--until", "2021-12-31", "--wijk", "rokkeveen")
    assert result.code == 0, result.err
    folder = tmp_path / "nieuwsbrief" / "2021-12-31-rokkeveen"
    assert result.out.strip() == str(Path("nieuwsbrief") / "2021-12-31-rokkeveen")
    msg = message(folder)
    assert subject(msg) == "Stadsnieuws Testdorp: nieuws uit Rokkeveen van 1 januari 2021 t/m 31 december 2021"
    assert msg["Message-ID"] == "<nieuwsbrief-2021-12-31-rokkeveen@nieuws.example.nl>"
    tree = lxml_html.fromstring((folder / "nieuwsbrief.html").read_bytes())
    assert [text_of(h) for h in tree.xpath("//h2")] == ["Rokkeveen"]
    assert [text_of(h) for h in tree.xpath("//h3")] == [
        "De Vlieger blijft dicht", "Drie wijken krijgen een ontmoetingsplek", "Huizen van de Wijk in de koelkast"]
    assert "Nieuwe fietsroute" not in text_of(tree)  # Oosterheem only
    assert "ook in Oosterheem, De Leyens" in text_of(tree)
    assert f"{BASE}nieuwsbrief/2021-12-31-rokkeveen/" in links(msg.get_body(("html",)).get_content())


def test_empty_period_writes_nothing(cli, three, tmp_path):
    result = export(cli, "--since", "2022-01-01", "--until", "2022-01-31")
    assert result.code == 1
    assert "no published articles" in result.err and "nothing written" in result.err
    assert result.out == ""
    assert not (tmp_path / "nieuwsbrief").exists()
    assert not (three / "nieuwsbrieven.yml").exists()


@pytest.mark.parametrize("args, message", [
    (("--since", "2021-08-31", "--until", "2021-08-01"), "after --until"),
    (("--since", "2021-13-01",), "not a date"),
    (("--since", "1-8-2021",), "not a date"),
    (("--since", "2021-08-01", "--until", "morgen"), "not a date"),
    (("--since", "2021-08-01", "--wijk", "Rokeveen"), "unknown wijk 'Rokeveen' (did you mean 'Rokkeveen'?)"),
    ((), "--since"),
])
def test_usage_errors(cli, three, tmp_path, args, message):
    result = export(cli, *args)
    assert result.code == 2, result.err
    assert message in result.err
    assert not (tmp_path / "nieuwsbrief").exists()


def test_content_errors_are_listed(cli, tmp_path):
    content = write_content(tmp_path)
    (content / "2021" / "fout.md").write_text("---\ntitle: Fout\ndate: 2021-08-02\nwijk: Rokeveen\n---\n\nTekst.\n")
    result = export(cli, "--since", "2021-08-01", "--until", "2021-08-31")
    assert result.code == 1
    assert any(line.startswith(str(Path("content/2021/fout.md")) + ":4: unknown wijk") for line in result.error_lines)
    assert not (tmp_path / "nieuwsbrief").exists()


@pytest.mark.parametrize("site, where, message", [
    ("title: T\nbase_url: /\nnewsletter:\n  from: a@example.nl\n", ":2:", "base_url"),
    ("title: T\nbase_url: https://x.example.nl/\n", ":1:", "sender"),
    ("title: T\nbase_url: https://x.example.nl/\nnewsletter:\n  from: Redactie\n", ":3:", "not an e-mail address"),
])
def test_site_settings_the_email_needs(cli, tmp_path, site, where, message):
    write_content(tmp_path, site=site)
    result = export(cli, "--since", "2021-08-01", "--until", "2021-08-31")
    assert result.code == 1
    assert any(where in line and message in line for line in result.error_lines), result.err
    assert not (tmp_path / "nieuwsbrief").exists()


def test_exporting_twice_gives_identical_files(cli, three, tmp_path):
    args = ("--since", "2021-08-01", "--until", "2021-08-31")
    assert export(cli, *args, "--out", "een").code == 0
    assert export(cli, *args, "--out", "twee").code == 0
    assert tree_bytes(tmp_path / "een") == tree_bytes(tmp_path / "twee")


def test_until_defaults_to_today(cli, three, tmp_path):
    result = export(cli, "--since", "2021-08-01", "--no-record")
    assert result.code == 0, result.err
    folder = tmp_path / result.out.strip()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", folder.name)
    assert "De Vlieger blijft dicht" in (folder / "nieuwsbrief.txt").read_text(encoding="utf-8")


def test_record_is_appended_once_and_keeps_comments(cli, three, tmp_path):
    record = three / "nieuwsbrieven.yml"
    record.write_text("# verstuurd\n", encoding="utf-8")
    for _ in range(2):
        assert export(cli, "--since", "2021-08-01", "--until", "2021-08-31").code == 0
    assert export(cli, "--since", "2021-01-01", "--until", "2021-12-31", "--wijk", "Rokkeveen").code == 0
    assert export(cli, "--since", "2021-01-01", "--until", "2021-12-31", "--no-record").code == 0
    assert record.read_text(encoding="utf-8") == (
        "# verstuurd\n"
        "- since: 2021-08-01\n  until: 2021-08-31\n  articles:\n    - vlieger\n    - drie\n"
        "- since: 2021-01-01\n  until: 2021-12-31\n  wijk: rokkeveen\n  articles:\n"
        "    - vlieger\n    - drie\n    - memo\n")
    # The same edition id with another start replaces the entry: one id is one folder on the site.
    assert export(cli, "--since", "2021-08-22", "--until", "2021-08-31").code == 0
    assert record.read_text(encoding="utf-8") == (
        "# verstuurd\n"
        "- since: 2021-08-22\n  until: 2021-08-31\n  articles:\n    - vlieger\n"
        "- since: 2021-01-01\n  until: 2021-12-31\n  wijk: rokkeveen\n  articles:\n"
        "    - vlieger\n    - drie\n    - memo\n")
    assert cli("check").code == 0


def test_bad_record_entries_are_content_errors_with_lines(cli, three, tmp_path):
    (three / "nieuwsbrieven.yml").write_text(
        "- since: 2021-08-01\n  until: 2021-08-31\n"
        "- since: 2021-08-01\n  until: 2021-08-31\n"
        "- since: 2021-13-01\n  until: 2021-08-31\n"
        "- since: 2021-08-01\n  until: 2021-08-31\n  wijk: Rokeveen\n"
        "- since: 2021-08-01\n  untill: 2021-08-30\n", encoding="utf-8")
    result = export(cli, "--since", "2021-08-01", "--until", "2021-08-31")
    assert result.code == 1
    lines = result.error_lines
    where = str(Path("content/nieuwsbrieven.yml"))
    assert f"{where}:3: edition 2021-08-31 is recorded twice (also on line 1)" in lines
    assert any(line.startswith(f"{where}:5: since '2021-13-01' is not a date") for line in lines)
    assert f"{where}:9: unknown wijk 'Rokeveen' (did you mean 'Rokkeveen'?)" in lines
    assert any(line.startswith(f"{where}:11: unknown key 'untill'") for line in lines)
    assert not (tmp_path / "nieuwsbrief").exists()


def resolved(site: Path, rel: str) -> list[str]:
    """The internal links of a page in the site that do not resolve to a file there."""
    folder = (site / rel).parent
    broken = []
    for href in page(site, rel).xpath("//@href | //@src"):
        if "://" in href or href.startswith(("#", "mailto:")):
            continue
        target = (folder / href.split("#")[0]).resolve()
        if not (target.is_file() or (target / "index.html").is_file()):
            broken.append(href)
    return broken


def test_build_renders_recorded_editions_identical_to_the_export(cli, three, tmp_path):
    assert export(cli, "--since", "2021-08-01", "--until", "2021-08-31").code == 0
    assert export(cli, "--since", "2021-01-01", "--until", "2021-12-31", "--wijk", "rokkeveen").code == 0
    result = cli("build")
    assert result.code == 0, result.err
    site = tmp_path / "site"
    for edition in ("2021-08-31", "2021-12-31-rokkeveen"):
        exported = tree_bytes(tmp_path / "nieuwsbrief" / edition)
        built = tree_bytes(site / "nieuwsbrief" / edition)
        assert sorted(built) == sorted(FILES + ("index.html",))
        assert {name: built[name] for name in exported} == exported
        web = page(site, f"nieuwsbrief/{edition}/index.html")
        assert len(web.xpath("//h1")) == 1
        assert web.xpath("//a[@href='../../nieuwsbrief/%s/nieuwsbrief.eml']" % edition)
        assert resolved(site, f"nieuwsbrief/{edition}/index.html") == []
    archive = [h for h in page(site, "nieuwsbrief/index.html").xpath("//main//a/@href") if re.search(r"/20\d\d-", h)]
    assert archive == ["../nieuwsbrief/2021-12-31-rokkeveen/", "../nieuwsbrief/2021-08-31/"]  # newest first
    assert resolved(site, "nieuwsbrief/index.html") == []
    assert page(site, "nieuwsbrief/2021-08-31/index.html").xpath("//a[@href='../../nieuws/vlieger/']")


def test_recorded_editions_are_made_again_only_when_what_they_show_changes(cli, three, tmp_path, monkeypatch):
    """A recorded edition's files are kept from the build before while its articles, the
    settings and its templates are the same (a year of daily editions is not rendered again
    for every edit); a change in any of those makes them again, as a build from scratch does."""
    made = []
    email_files = Printer.email_files
    monkeypatch.setattr(Printer, "email_files",
                        lambda self, letter: made.append(letter.edition.id) or email_files(self, letter))
    assert export(cli, "--since", "2021-08-01", "--until", "2021-08-31").code == 0
    assert export(cli, "--since", "2021-04-01", "--until", "2021-04-30").code == 0
    (tmp_path / "thema" / "newsletter").mkdir(parents=True)

    def build() -> set[str]:
        made.clear()
        assert cli("build", "--templates", "thema").code == 0
        remade = set(made) & {"2021-08-31", "2021-04-30"}
        shutil.rmtree(tmp_path / "full", ignore_errors=True)
        for stale in (tmp_path / ".wijknieuws-cache").glob("full.*"):
            stale.unlink() if stale.is_file() else shutil.rmtree(stale)
        assert cli("build", "--templates", "thema", "--out", "full").code == 0
        assert tree_bytes(tmp_path / "site" / "nieuwsbrief") == tree_bytes(tmp_path / "full" / "nieuwsbrief")
        return remade

    def edit(source: str, old: str, new: str) -> None:
        path = three / source
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")

    assert build() == {"2021-08-31", "2021-04-30"}
    edit("2019/fiets.md", "door de wijk", "door het park")  # in neither edition
    assert build() == set()
    edit("2021/vlieger.md", "De Vlieger blijft dicht", "De Vlieger gaat dicht")  # in August's
    assert build() == {"2021-08-31"}
    template = (REPO / "templates" / "newsletter" / "email.html").read_text(encoding="utf-8")
    (tmp_path / "thema" / "newsletter" / "email.html").write_text(template + "<!-- eigen -->\n", encoding="utf-8")
    assert build() == {"2021-08-31", "2021-04-30"}


def test_an_edition_template_sees_its_letter_and_the_settings_not_the_whole_site(cli, three, tmp_path):
    """Like a page, an edition's template is made from what it is given (which is what the build
    keeps it by): the whole model is not among that, and a theme that asks for it is told where."""
    assert export(cli, "--since", "2021-08-01", "--until", "2021-08-31").code == 0
    template = (REPO / "templates" / "newsletter" / "web.html").read_text(encoding="utf-8")
    override = tmp_path / "thema" / "newsletter" / "web.html"
    override.parent.mkdir(parents=True)
    override.write_text(template.replace("{% block content %}", "{% block content %}{{ site.articles|length }}", 1),
                        encoding="utf-8")
    result = cli("build", "--templates", "thema")
    assert result.code == 1
    line = template.split("{% block content %}")[0].count("\n") + 1
    assert any(l.startswith(f"{Path('thema/newsletter/web.html')}:{line}:") and "site" in l
               for l in result.error_lines), result.err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("command", ["build", "check"])
def test_bad_record_entries_are_listed_with_the_other_problems(cli, three, tmp_path, command):
    """One list of everything that is wrong, from `check` as from `build`: the record file's
    entries beside an article's typo, not only once the articles are right."""
    (three / "nieuwsbrieven.yml").write_text("- since: 2021-08-01\n  until: 2021-08-3\n", encoding="utf-8")
    memo = next(three.rglob("*.md"))
    memo.write_text(memo.read_text(encoding="utf-8").replace("wijk: ", "wijkk: ", 1), encoding="utf-8")
    result = cli(command)
    assert result.code == 1
    assert any(line.startswith(str(Path("content/nieuwsbrieven.yml")) + ":2: until '2021-08-3' is not a date")
               for line in result.error_lines), result.err
    assert any("unknown key 'wijkk'" in line for line in result.error_lines), result.err
    assert not (tmp_path / "site").exists()


def test_build_exports_the_current_edition(cli, three, tmp_path):
    assert cli("build").code == 0
    site = tmp_path / "site"
    latest = site / "nieuwsbrief" / "laatste"
    assert sorted(p.name for p in latest.iterdir()) == sorted(FILES + ("index.html",))
    msg = message(latest)
    # The newest article is of 24 August 2021: the week of 18 up to and including 24 August.
    assert subject(msg) == "Stadsnieuws Testdorp: nieuws van 18 augustus 2021 t/m 24 augustus 2021"
    text = (latest / "nieuwsbrief.txt").read_text(encoding="utf-8")
    assert "De Vlieger blijft dicht" in text and "Drie wijken" in text and "koelkast" not in text
    assert f"{BASE}nieuwsbrief/laatste/" in text
    assert page(site, "nieuwsbrief/index.html").xpath("//a[@href='../nieuwsbrief/laatste/']")
    assert resolved(site, "nieuwsbrief/laatste/index.html") == []
    # not sent yet: this page is the edition's only one
    assert page(site, "nieuwsbrief/laatste/index.html").xpath("//link[@rel='canonical']/@href") == [
        f"{BASE}nieuwsbrief/laatste/"]


def test_build_without_newsletter_settings_still_builds(cli, tmp_path):
    write_content(tmp_path, site="title: T\nbase_url: https://x.example.nl/\n")
    result = cli("build")
    assert result.code == 0, result.err
    assert not (tmp_path / "site" / "nieuwsbrief" / "laatste").exists()
    assert (tmp_path / "site" / "nieuwsbrief" / "index.html").is_file()


def test_current_edition_that_was_sent_is_the_sent_copy(cli, three, tmp_path):
    assert export(cli, "--since", "2021-08-18", "--until", "2021-08-24").code == 0
    assert cli("build").code == 0
    site = tmp_path / "site" / "nieuwsbrief"
    latest, sent = tree_bytes(site / "laatste"), tree_bytes(site / "2021-08-24")
    assert {name: latest[name] for name in FILES} == {name: sent[name] for name in FILES}
    assert f"{BASE}nieuwsbrief/2021-08-24/" in latest["nieuwsbrief.txt"].decode()
    # the web page is a copy of the sent edition's: shared and found as that one
    for folder, canonical in (("laatste", "2021-08-24"), ("2021-08-24", "2021-08-24")):
        doc = page(site, f"{folder}/index.html")
        assert doc.xpath("//link[@rel='canonical']/@href") == [f"{BASE}nieuwsbrief/{canonical}/"]
        assert doc.xpath("//meta[@property='og:url']/@content") == [f"{BASE}nieuwsbrief/{canonical}/"]

    # an article of that week published after it was sent is not in it: nor in its latest copy
    (three / "2021/laat.md").write_text(textwrap.dedent(ARTICLES_3["2021/drie.md"]).replace(
        "Drie wijken krijgen een ontmoetingsplek", "Een laat bericht").replace("2021-08-20T23:30", "2021-08-22T10:00"),
        encoding="utf-8")
    assert cli("build").code == 0
    latest, sent = (page(site, f"{folder}/index.html") for folder in ("laatste", "2021-08-24"))
    assert latest.xpath("//main//h3//text()") == sent.xpath("//main//h3//text()")
    assert "Een laat bericht" not in latest.text_content()
    assert b"Een laat bericht" not in (site / "laatste" / "nieuwsbrief.html").read_bytes()
