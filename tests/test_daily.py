"""The daily newsletter (issue 17): `wijknieuws newsletter` without --since starts the day after the
newest recorded edition of the same list, and takes the list's late articles (published after
their day's edition went out, or back-dated), so that a run every morning sends every article
exactly once, even after a missed day; --dry-run lists what would go in; and each list's
recorded editions make an Atom feed for mailing tools that send from a feed."""
from __future__ import annotations

import email
import email.policy
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import SITE_YML, page, text_of, write_content
from test_feeds import atom_problems

A = "{http://www.w3.org/2005/Atom}"
BASE = "https://nieuws.example.nl/"
RECORD = "content/nieuwsbrieven.yml"


def article(title: str, day: str, wijk: str = "Rokkeveen", draft: bool = False) -> str:
    return (f"---\ntitle: {title}\ndate: {day}\nwijk: {wijk}\n" + ("draft: true\n" if draft else "")
            + f"---\n\nOver {title.lower()}.\n")


def add(content: Path, slug: str, day: str, **kwargs) -> None:
    (content / "2021" / f"{slug}.md").write_text(article(slug.replace("-", " ").capitalize(), day, **kwargs),
                                                 encoding="utf-8")


def sent(folder: Path) -> list[str]:
    """The article URLs in an exported e-mail, in its order (from the .eml, as a mailing tool reads it)."""
    message = email.message_from_bytes((folder / "nieuwsbrief.eml").read_bytes(), policy=email.policy.default)
    tree = etree.HTML(message.get_body(("html",)).get_content())
    return [href for href in tree.xpath("//h3/a/@href")]


def record(content: Path) -> list[dict]:
    return yaml.safe_load((content / "nieuwsbrieven.yml").read_text(encoding="utf-8"))


@pytest.fixture
def august(tmp_path) -> Path:
    return write_content(tmp_path, {
        "2021/maandag.md": article("Maandag", "2021-08-23"),
        "2021/dinsdag-a.md": article("Dinsdag a", "2021-08-24T09:00"),
        "2021/dinsdag-b.md": article("Dinsdag b", "2021-08-24T22:30", wijk="Oosterheem"),
        "2021/woensdag.md": article("Woensdag", "2021-08-25"),
        "2021/donderdag.md": article("Donderdag", "2021-08-26"),
    })


def test_three_mornings_one_skipped_send_every_article_once(cli, august, tmp_path):
    first = cli("newsletter", "--since", "2021-08-23", "--until", "2021-08-23")
    assert first.code == 0, first.err
    assert cli("newsletter", "--until", "2021-08-24").code == 0
    # Wednesday's run is missed; Thursday's picks up from Wednesday.
    assert cli("newsletter", "--until", "2021-08-26").code == 0
    editions = {folder.name: sent(folder) for folder in sorted((tmp_path / "nieuwsbrief").iterdir())}
    assert editions == {
        "2021-08-23": [BASE + "nieuws/maandag/"],
        "2021-08-24": [BASE + "nieuws/dinsdag-b/", BASE + "nieuws/dinsdag-a/"],
        "2021-08-26": [BASE + "nieuws/donderdag/", BASE + "nieuws/woensdag/"],
    }
    assert [(e["since"], e["until"], e["articles"]) for e in record(august)] == [
        (date(2021, 8, 23), date(2021, 8, 23), ["maandag"]),
        (date(2021, 8, 24), date(2021, 8, 24), ["dinsdag-b", "dinsdag-a"]),
        (date(2021, 8, 25), date(2021, 8, 26), ["donderdag", "woensdag"]),
    ]


def test_a_late_or_back_dated_article_goes_in_the_next_edition(cli, august, tmp_path):
    assert cli("newsletter", "--since", "2021-08-23", "--until", "2021-08-24").code == 0
    # After Tuesday's edition: an article dated Monday (back-dated), a draft of Tuesday published
    # at last, and one for Wednesday; and one dated before the list began, which stays out.
    add(august, "teruggedateerd", "2021-08-23T08:00")
    add(august, "concept", "2021-08-24", draft=True)
    add(august, "oud", "2021-08-20")
    dry = cli("newsletter", "--until", "2021-08-25", "--dry-run")
    assert dry.code == 0 and "concept" not in dry.out.lower()
    (august / "2021/concept.md").write_text(article("Concept", "2021-08-24"), encoding="utf-8")
    dry = cli("newsletter", "--until", "2021-08-25", "--dry-run")
    assert dry.code == 0, dry.err
    assert dry.out.splitlines() == [
        "edition 2021-08-25 (nieuws van 25 augustus 2021): 3 berichten; nothing written (--dry-run)",
        "  2021-08-25  Woensdag  [Rokkeveen]",
        "  2021-08-24  Concept  [Rokkeveen] (late: dated before the period, not sent before)",
        "  2021-08-23  Teruggedateerd  [Rokkeveen] (late: dated before the period, not sent before)",
    ]
    assert not (tmp_path / "nieuwsbrief/2021-08-25").exists() and len(record(august)) == 1  # dry: nothing
    assert cli("newsletter", "--until", "2021-08-25").code == 0
    assert sent(tmp_path / "nieuwsbrief/2021-08-25") == [
        BASE + "nieuws/woensdag/", BASE + "nieuws/concept/", BASE + "nieuws/teruggedateerd/"]
    assert cli("newsletter", "--until", "2021-08-26").code == 0
    assert sent(tmp_path / "nieuwsbrief/2021-08-26") == [BASE + "nieuws/donderdag/"]  # nothing twice
    # The site shows each edition as it was sent: Tuesday's web version did not gain them.
    assert cli("build").code == 0
    web = page(tmp_path / "site", "nieuwsbrief/2021-08-24/index.html")
    assert [text_of(h) for h in web.xpath("//main//h3")] == ["Dinsdag b", "Dinsdag a", "Maandag"]
    assert (tmp_path / "site/nieuwsbrief/2021-08-24/nieuwsbrief.html").read_bytes() == \
        (tmp_path / "nieuwsbrief/2021-08-24/nieuwsbrief.html").read_bytes()


def test_each_list_continues_on_its_own(cli, august, tmp_path):
    assert cli("newsletter", "--since", "2021-08-23", "--until", "2021-08-23").code == 0
    assert cli("newsletter", "--since", "2021-08-20", "--until", "2021-08-24", "--wijk", "oosterheem").code == 0
    assert cli("newsletter", "--until", "2021-08-26", "--wijk", "Oosterheem").code == 0  # nothing new there
    assert not (tmp_path / "nieuwsbrief/2021-08-26-oosterheem").exists()
    result = cli("newsletter", "--until", "2021-08-26", "--wijk", "Oosterheem", "--dry-run")
    assert result.code == 0 and "no published articles in wijk Oosterheem from 2021-08-25 to 2021-08-26" in result.err
    city = cli("newsletter", "--until", "2021-08-24", "--dry-run")
    assert "nieuws van 24 augustus 2021" in city.out and "Dinsdag b" in city.out  # from the city's own last


def test_a_day_without_news_and_a_second_run_are_no_failure(cli, august, tmp_path):
    assert cli("newsletter", "--since", "2021-08-23", "--until", "2021-08-26").code == 0
    before = (august / "nieuwsbrieven.yml").read_bytes()
    quiet = cli("newsletter", "--until", "2021-08-27")
    assert quiet.code == 0 and quiet.out == ""
    assert quiet.err == "wijknieuws: no published articles from 2021-08-27 to 2021-08-27; nothing written\n"
    again = cli("newsletter", "--until", "2021-08-26")
    assert again.code == 0 and again.out == ""
    assert again.err == (f"wijknieuws: edition 2021-08-26 ({Path(RECORD)}:2) already goes up to 2021-08-26: "
                         "the next one starts on 2021-08-27; nothing written\n")
    assert (august / "nieuwsbrieven.yml").read_bytes() == before
    assert not (tmp_path / "nieuwsbrief/2021-08-27").exists()
    # an explicit period without articles is still an error, as before
    assert cli("newsletter", "--since", "2021-08-27", "--until", "2021-08-27").code == 1


@pytest.mark.parametrize("args, message", [
    ((), f"wijknieuws: error: no edition is recorded in {Path(RECORD)} yet: give the first day of the first "
         "one with --since YYYY-MM-DD"),
    (("--wijk", "rokkeveen"), f"wijknieuws: error: no edition for wijk Rokkeveen is recorded in {Path(RECORD)} "
                              "yet: give the first day of the first one with --since YYYY-MM-DD"),
], ids=["city", "wijk"])
def test_the_first_edition_needs_since(cli, august, tmp_path, args, message):
    if args:
        assert cli("newsletter", "--since", "2021-08-23", "--until", "2021-08-23").code == 0  # the city's
    result = cli("newsletter", "--until", "2021-08-26", *args)
    assert result.code == 2
    assert result.err.strip().splitlines()[-1] == message
    assert not (tmp_path / "nieuwsbrief/2021-08-26").exists()


@pytest.mark.parametrize("text, expected", [
    ("- since: 2021-08-01\n  until: 2021-08-31\n  articles: maandag\n",
     "content/nieuwsbrieven.yml:3: articles must be a list of article slugs, one per line as '    - de-vlieger'"),
    ("- since: 2021-08-01\n  until: 2021-08-31\n  articles:\n    - [maandag]\n",
     "content/nieuwsbrieven.yml:3: articles must be a list of article slugs, one per line as '    - de-vlieger'"),
], ids=["text", "nested"])
@pytest.mark.parametrize("command", [("check",), ("build",), ("newsletter", "--until", "2021-09-01")])
def test_bad_articles_in_the_record_are_errors(cli, august, text, expected, command):
    (august / "nieuwsbrieven.yml").write_text(text, encoding="utf-8")
    result = cli(*command)
    assert result.code == 1
    assert result.error_lines == [expected]


def test_an_article_no_longer_published_is_a_warning(cli, august, tmp_path):
    (august / "nieuwsbrieven.yml").write_text(
        "- since: 2021-08-23\n  until: 2021-08-24\n  articles:\n    - dinsdag-a\n    - maandg\n", encoding="utf-8")
    result = cli("build")
    assert result.code == 0, result.err
    assert result.error_lines == [
        "content/nieuwsbrieven.yml:5: warning: edition 2021-08-24 held article 'maandg', which is not published "
        "(any more): its web version leaves it out (did you mean 'maandag'?)"]
    web = page(tmp_path / "site", "nieuwsbrief/2021-08-24/index.html")
    assert [text_of(h) for h in web.xpath("//main//h3")] == ["Dinsdag a"]


# ---------------------------------------------------------------- every article once, whatever happens

@st.composite
def histories(draw):
    """Mornings on which the command runs (some skipped), and articles that appear before one of
    those runs, each dated any day of the fortnight: late, back-dated, or ahead."""
    runs = sorted(draw(st.sets(st.integers(0, 13), min_size=1, max_size=6)))
    articles = draw(st.lists(st.tuples(st.integers(0, 13), st.integers(0, len(runs))), max_size=10))
    return runs, articles


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories())
def test_every_article_goes_out_exactly_once(cli, tmp_path, history):
    runs, articles = history
    root = tmp_path / uuid.uuid4().hex
    content = write_content(root, {}, site=SITE_YML)
    (content / "2021").mkdir()
    start = date(2021, 8, 1)
    day = lambda n: (start + timedelta(days=n)).isoformat()  # noqa: E731
    editions: list[list[str]] = []
    # A last run a day after the fortnight, when every article is there, closes the history.
    for number, run in enumerate([*runs, 14]):
        for index, (dated, before) in enumerate(articles):
            if before == number:
                add(content, f"bericht-{index}", day(dated))
        since = () if editions else ("--since", day(0))  # the list's first edition starts it
        out = root / "nieuwsbrief" / day(run)
        result = cli("newsletter", "--content", str(content), "--until", day(run), "--out", str(out), *since)
        assert result.code == (1 if since and not out.exists() else 0), result.err
        if out.exists():
            editions.append([url.removeprefix(BASE + "nieuws/").rstrip("/") for url in sent(out)])
    everything = sorted(f"bericht-{index}" for index in range(len(articles)))
    assert sorted(slug for edition in editions for slug in edition) == everything


# ---------------------------------------------------------------- the feed of editions

def feed(site: Path, rel: str):
    data = (site / rel).read_bytes()
    assert atom_problems(data) == [], atom_problems(data)
    return etree.fromstring(data)


def test_each_lists_editions_are_an_atom_feed_announced_on_the_newsletter_page(cli, august, tmp_path):
    assert cli("newsletter", "--since", "2021-08-23", "--until", "2021-08-23").code == 0
    assert cli("newsletter", "--until", "2021-08-24").code == 0
    assert cli("newsletter", "--until", "2021-08-26").code == 0
    assert cli("newsletter", "--since", "2021-08-01", "--until", "2021-08-31", "--wijk", "Oosterheem").code == 0
    assert cli("build").code == 0
    site = tmp_path / "site"
    city = feed(site, "nieuwsbrief/feed.xml")
    assert city.findtext(A + "id") == BASE + "nieuwsbrief/feed.xml"
    assert city.find(A + "link[@rel='self']").get("href") == BASE + "nieuwsbrief/feed.xml"
    assert city.find(A + "link[@rel='alternate']").get("href") == BASE + "nieuwsbrief/"
    assert city.findtext(A + "updated") == "2021-08-26T08:00:00+02:00"
    entries = city.findall(A + "entry")
    ids = ["2021-08-26", "2021-08-24", "2021-08-23"]  # newest first, the city's list only
    assert [e.findtext(A + "id") for e in entries] == [f"{BASE}nieuwsbrief/{i}/" for i in ids]
    for entry, edition in zip(entries, ids):
        assert entry.find(A + "link[@rel='alternate']").get("href") == f"{BASE}nieuwsbrief/{edition}/"
        assert (site / f"nieuwsbrief/{edition}/index.html").is_file()
        assert entry.findtext(A + "updated") == entry.findtext(A + "published") == f"{edition}T08:00:00+02:00"
        exported = (tmp_path / f"nieuwsbrief/{edition}/nieuwsbrief.html").read_text(encoding="utf-8")
        assert entry.find(A + "content").get("type") == "html" and entry.findtext(A + "content") == exported
        message = email.message_from_bytes((tmp_path / f"nieuwsbrief/{edition}/nieuwsbrief.eml").read_bytes(),
                                           policy=email.policy.default)
        assert entry.findtext(A + "title") == " ".join(str(message["Subject"]).split())
    wijk = feed(site, "nieuwsbrief/wijk/oosterheem/feed.xml")
    assert [e.findtext(A + "id") for e in wijk.findall(A + "entry")] == [f"{BASE}nieuwsbrief/2021-08-31-oosterheem/"]
    archive = page(site, "nieuwsbrief/index.html")
    assert archive.xpath("//head/link[@rel='alternate'][@type='application/atom+xml']"
                         "[@href='../nieuwsbrief/feed.xml']")
    assert {a.get("href"): text_of(a) for a in archive.xpath("//main//a[@class='feedlink']")} == {
        "../nieuwsbrief/feed.xml": "Nieuwsbrieven voor de hele stad",
        "../nieuwsbrief/wijk/oosterheem/feed.xml": "Nieuwsbrieven voor Oosterheem"}
    # the same editions give the same bytes
    before = (site / "nieuwsbrief/feed.xml").read_bytes()
    assert cli("build", "--out", "again").code == 0
    assert (tmp_path / "again/nieuwsbrief/feed.xml").read_bytes() == before


def test_without_editions_the_feed_is_there_and_empty(cli, august, tmp_path):
    assert cli("build").code == 0
    empty = feed(tmp_path / "site", "nieuwsbrief/feed.xml")
    assert empty.findall(A + "entry") == [] and empty.findtext(A + "updated") == "2000-01-01T00:00:00Z"
    assert not (tmp_path / "site/nieuwsbrief/wijk").exists()
