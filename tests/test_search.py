"""Search ranks like a search engine: by relevance over weighted fields, with excerpts whose hits
are marked and suggestions for typos. Run through the built index with the search page's own
code (templates/static/search.js, in node); what only a browser shows is in test_search_browser.py."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, write_content

SEARCH_JS = REPO / "templates/static/search.js"
OURS = REPO / "bench/search_ours.js"


def node(script: str, *args: str, stdin: str = "") -> object:
    run = subprocess.run([shutil.which("node") or "node", "-e", script, *args], input=stdin,
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def ranked(site: Path, queries: list[str]) -> list[dict]:
    """Per query, as the search page has it: the first ten results' paths, the suggestion
    ("Bedoelde u") if any, and the first ten results of the suggested search."""
    run = subprocess.run([shutil.which("node") or "node", str(OURS), str(site)], input=json.dumps(queries),
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def first(site: Path, query: str) -> list[str]:
    return [p.removeprefix("nieuws/").removesuffix("/") for p in ranked(site, [query])[0]["paths"]]


def article(title: str, day: str, body: str, **extra) -> str:
    lines = [f"title: {title}", f"date: {day}", f"wijk: {extra.pop('wijk', 'Rokkeveen')}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


FILLER = ("Het college praat met bewoners en partners over geld, gebouwen en de toekomst van de wijk, "
          "en de gemeenteraad volgt dat overleg op de voet. ")


def test_a_memo_about_the_library_beats_23_notices_that_mention_it_once(cli, tmp_path):
    """The issue's scenario: a memo tagged bibliotheek, its photo captioned 'De bibliotheek in
    Oosterheem', its body on 'bibliotheken', among 23 newer one-line notices that each mention
    'Palenstein-bibliotheek' once. Ordered by date, the notices came first."""
    articles = {"2021/memo.md": article(
        "Huizen van de Wijk voorlopig in de koelkast", "2021-04-15",
        "Het college zet de plannen stil. De bibliotheken in Oosterheem en Rokkeveen blijven open. " + FILLER * 3,
        wijk="Oosterheem", type="memo", tags="[bibliotheek]", image="images/vlieger.png",
        image_alt="Het gebouw", image_caption="De bibliotheek in Oosterheem")}
    for n in range(1, 24):
        articles[f"2021/melding-{n}.md"] = article(f"Melding {n} over de wijk", f"2021-06-{n:02d}",
                                                   f"Op dag {n} is de Palenstein-bibliotheek 's middags dicht.",
                                                   wijk="Oosterheem")
    write_content(tmp_path, articles)
    assert cli("build").code == 0
    for query in ("bibliotheek", "bibliotheken", "Bibliotheek"):
        found = first(tmp_path / "site", query)
        assert found[0] == "memo", (query, found)
        # the notices match equally well: the newest first
        assert found[1:] == [f"melding-{n}" for n in range(23, 14, -1)], (query, found)


def test_fields_weigh_title_then_names_then_summary_and_caption_then_body(cli, tmp_path):
    """Four articles with the word once, each in another field, of the same lengths; the
    oldest has it in the title, so the date cannot be what orders them."""
    text = "Een korte tekst over de plannen van het college voor de wijk en de buurt."
    write_content(tmp_path, {
        "a/titel.md": article("Zwembad gaat open in de zomer", "2021-01-01", text, tags="[sport]"),
        "a/naam.md": article("Bad gaat open in de zomer", "2021-01-02", text, tags="[zwembad]"),
        "a/samenvatting.md": article("Bad gaat open in de zomer", "2021-01-03", text, tags="[sport]",
                                     summary="Het zwembad gaat open, meldt de gemeente vandaag."),
        "a/bijschrift.md": article("Bad gaat open in de zomer", "2021-01-04", text, tags="[sport]",
                                   summary="Het bad gaat open, meldt de gemeente vandaag.",
                                   image="images/vlieger.png", image_alt="Bad", image_caption="Het zwembad"),
        "a/tekst.md": article("Bad gaat open in de zomer", "2021-01-05", text.replace("plannen", "zwembad"),
                              tags="[sport]", summary="Het bad gaat open, meldt de gemeente vandaag."),
    })
    assert cli("build").code == 0
    found = first(tmp_path / "site", "zwembad")
    assert found[:2] == ["titel", "naam"] and found[-1] == "tekst", found
    assert set(found[2:4]) == {"samenvatting", "bijschrift"}, found


def test_the_word_as_typed_counts_more_than_another_form_of_it(cli, tmp_path):
    write_content(tmp_path, {
        "a/enkelvoud.md": article("Nieuws uit de wijk", "2021-01-01", "De bibliotheek blijft open. " + FILLER),
        "a/meervoud.md": article("Nieuws uit de wijk", "2021-01-02", "De bibliotheken blijven open. " + FILLER),
    })
    assert cli("build").code == 0
    # the older one wins on its exact form; without the difference the newer one would
    assert first(tmp_path / "site", "bibliotheek") == ["enkelvoud", "meervoud"]
    assert first(tmp_path / "site", "bibliotheken") == ["meervoud", "enkelvoud"]


def test_articles_with_every_word_of_the_query_come_first(cli, tmp_path):
    """'een' scores far higher on zwembad (in its title, a rare word) than 'beide' on both words
    in passing (sporthal is in most articles): it still comes second."""
    write_content(tmp_path, {
        "a/beide.md": article("Nieuws uit de wijk", "2021-01-01",
                              "De sporthal krijgt een nieuw dak. " + FILLER * 6 + "Het zwembad ook."),
        "a/een.md": article("Zwembad, zwembad en nog eens zwembad", "2021-01-02",
                            "Het zwembad gaat open; het zwembad is mooi. " + FILLER),
        **{f"a/sporthal{n}.md": article(f"Bericht {n}", "2020-01-01", "De sporthal is open.") for n in range(12)},
    })
    assert cli("build").code == 0
    assert first(tmp_path / "site", "zwembad sporthal")[:2] == ["beide", "een"]
    assert first(tmp_path / "site", "zwembad") == ["een", "beide"]


def test_a_word_in_nearly_every_article_still_counts_in_a_title(cli, tmp_path):
    """'vragen' is in every article, so it tells almost nothing (idf near 0); still, the one
    article with it in its title comes before newer ones that have it only in their text (and the other word once more)."""
    write_content(tmp_path, {
        "a/titel.md": article("Vragen over de brug", "2021-01-01", "Over de brug zijn vragen. " + FILLER * 3),
        **{f"a/brug{n}.md": article("Nieuws over de brug", f"2021-02-{n + 1:02d}",
                                    "Over de brug, de brug, zijn vragen. " + FILLER * 3)
           for n in range(3)},
        **{f"a/vragen{n}.md": article(f"Bericht {n}", "2020-01-01", "Er zijn vragen.") for n in range(20)},
    })
    assert cli("build").code == 0
    assert first(tmp_path / "site", "vragen brug")[0] == "titel"


def judged(name: str) -> list[dict]:
    lines = [line.rstrip("\n").split("\t") for line in (REPO / "bench/judged" / name).read_text(encoding="utf-8")
             .splitlines() if not line.startswith("#")]
    header, rows = lines[0], lines[1:]
    return [dict(zip(header, row + [""] * (len(header) - len(row)))) for row in rows]


def scores(rows: list[dict], results: list[dict], key: str) -> tuple[float, float]:
    """precision@1 and mean reciprocal rank (over the first ten) of the results under key."""
    reciprocal = []
    for row, result in zip(rows, results):
        paths = result[key]
        want = f"nieuws/{row['first']}/"
        reciprocal.append(1 / (paths.index(want) + 1) if want in paths else 0.0)
    return sum(r == 1 for r in reciprocal) / len(rows), sum(reciprocal) / len(rows)


# Measured when the ranking was made (bench/README.md has them beside Pagefind's): a change that
# ranks the judged queries worse fails here. Raise them when the ranking gets better.
SAMPLE_P1, SAMPLE_MRR = 53 / 61, 0.874


def test_judged_queries_on_the_sample_site_rank_at_least_as_well_as_measured(cli, tmp_path):
    assert cli("build", "--content", str(REPO / "content")).code == 0
    rows = judged("sample.tsv")
    assert len(rows) >= 40 and {"typo", "plural", "accent", "two words", "name"} <= {r["kind"] for r in rows}
    results = ranked(tmp_path / "site", [row["query"] for row in rows])
    p1, mrr = scores(rows, results, "paths")
    assert (p1, round(mrr, 3)) >= (SAMPLE_P1, SAMPLE_MRR), (p1, mrr)
    # every typo is offered what it meant, and that search finds the article on the first lines
    # (within three: the sample site follows De Vlieger's closure over five articles)
    typos = [(row, result) for row, result in zip(rows, results) if row["meant"]]
    assert [result["suggestion"] for _, result in typos] == [row["meant"] for row, _ in typos]
    assert all(f"nieuws/{row['first']}/" in result["suggested"][:3] for row, result in typos)
    # a word spelt right is never corrected
    assert all(result["suggestion"] is None for row, result in zip(rows, results) if not row["meant"])


def excerpt(site: Path, query: str, fragment: list) -> list:
    script = (f"const s=require({json.dumps(str(SEARCH_JS))});const q=s.queryWords(process.argv[1]);"
              "const f=JSON.parse(process.argv[2]);"
              "process.stdout.write(JSON.stringify(s.excerpt(f,new Set(q.map(w=>w.term)))));")
    return node(script, query, json.dumps(fragment))


def test_the_excerpt_is_the_passage_around_the_best_hit_with_every_form_marked():
    body = " ".join(f"Zin {n} gaat over iets anders." for n in range(40)) + \
        " Hier staan de bibliotheken en de Bibliotheek van de wijk. " + \
        " ".join(f"Slot {n} is weer anders." for n in range(40))
    fragment = ["Titel", "nieuws/x/", "1 mei 2021", "Rokkeveen", "Nieuws", "Een samenvatting zonder het woord.",
                "", body]
    parts = excerpt(REPO, "bibliotheek", fragment)
    text = "".join(part for part, _ in parts)
    assert [part for part, marked in parts if marked] == ["bibliotheken", "Bibliotheek"]
    assert text.startswith("\u2026 ") and text.endswith(" \u2026") and text.strip("\u2026 ") in body
    assert len(text.split()) <= 34  # about 32 words around the hit, not the whole body
    # the passage with the most different words of the query wins over one with one word often
    fragment[5] = "De wijk, de wijk, de wijk."
    parts = excerpt(REPO, "wijk bibliotheek", fragment)
    assert {part.lower() for part, marked in parts if marked} == {"bibliotheken", "bibliotheek", "wijk"}
    # no hit in the text (the article matched by a name): its summary, unmarked
    assert excerpt(REPO, "Rokkeveen", fragment) == [["De wijk, de wijk, de wijk.", False]]


def test_a_typo_is_offered_the_nearest_frequent_word_of_the_site(cli, tmp_path):
    write_content(tmp_path, {
        **{f"a/tulp{n}.md": article(f"Markt {n}", f"2021-01-{n:02d}", "De tulp bloeit.") for n in range(1, 4)},
        "a/tulk.md": article("Raad", "2021-02-01", "De tulk vertaalt."),
        **{f"a/zwembad{n}.md": article(f"Bad {n}", f"2021-03-{n:02d}", "Het zwembad gaat open.")
           for n in range(1, 12)},
        "a/zwembat.md": article("Tikfout", "2021-04-01", "Het zwembat gaat open."),
        "a/vlieger.md": article("De Vlieger", "2021-05-01", "Activiteitencentrum De Vlieger sluit."),
    })
    assert cli("build").code == 0
    results = ranked(tmp_path / "site", ["tulb", "zwembat", "vliger", "vliegr rokkeveen", "qqqqqq", "tulk"])
    suggested = {r["query"]: r["suggestion"] for r in results}
    assert suggested == {
        "tulb": "tulp",              # tulp and tulk are one edit away: the more frequent one
        "zwembat": "zwembad",        # found once (a typo in the content), the word in 11 articles is meant
        "vliger": "vlieger",
        "vliegr rokkeveen": "vlieger rokkeveen",  # the rest of the query is kept
        "qqqqqq": None,              # nothing near
        "tulk": None,                # a word that is there, and not much rarer than its neighbour
    }
    assert results[2]["paths"] == [] and results[2]["suggested"] == ["nieuws/vlieger/"]


def test_the_index_holds_weights_by_stem_and_form_and_a_fragment_per_article(cli, content, tmp_path):
    assert cli("build").code == 0
    index = tmp_path / "site/zoeken/index"
    meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
    assert meta["count"] == 4 and ["besluit", "Besluit"] in meta["types"]
    buckets = {}
    for n in range(meta["buckets"]):
        buckets.update(json.loads((index / f"t/{n}.json").read_text(encoding="utf-8")))
    # every form of a stem, each with [id gap, weight, ...]
    assert set(buckets["bibliothek"]) == {"bibliotheek"}
    assert all(len(flat) % 2 == 0 and all(isinstance(x, int) and x >= 0 for x in flat)
               for forms in buckets.values() for flat in forms.values())
    fragments = sorted(index.glob("f/*.json"), key=lambda p: int(p.stem))
    assert len(fragments) == 4
    vlieger = json.loads(fragments[-1].read_text(encoding="utf-8"))  # the newest has the highest id
    assert vlieger[:2] == ["De Vlieger blijft dicht", "nieuws/vlieger/"]
    assert vlieger[6] == "Activiteitencentrum De Vlieger." and "Nathaliegang" in vlieger[7]
    vocabulary = json.loads((index / "v/7.json").read_text(encoding="utf-8"))
    assert ["vlieger", 1] in vocabulary


def test_index_files_are_the_json_json_dumps_writes_whatever_the_text(cli, tmp_path):
    """Fragments and buckets are joined as text for speed: with quotes, backslashes, tabs,
    line separators, emoji and markup in the fields they are still byte for byte what
    json.dumps (sorted keys, no spaces, UTF-8) writes for what they hold."""
    from wijknieuws.search import _json
    odd = 'Zeg "nee" \\ en\ttab \U0001F6B2 </script> & é'
    field = json.dumps(odd, ensure_ascii=False)  # a YAML string too
    write_content(tmp_path, {"2024/raar.md": article(
        field, "2024-05-01", f"{odd}\u2028regel\n\nNog een alinea: {odd}.", summary=field)})
    assert cli("build").code == 0, cli.last.err
    index = tmp_path / "site/zoeken/index"
    files = list(index.glob("f/*.json")) + list(index.glob("t/*.json"))
    assert len(files) > 1
    for file in files:
        raw = file.read_bytes()
        assert raw == _json(json.loads(raw)), file.name
    fields = json.loads((index / "f/0.json").read_bytes())
    assert fields[0] == odd and fields[5] == odd and "\u2028" in fields[7]


@pytest.mark.parametrize("query", ["vlieger", "de", ""])
def test_a_query_of_stop_words_or_nothing_finds_nothing_and_suggests_nothing(cli, content, tmp_path, query):
    assert cli("build").code == 0
    result = ranked(tmp_path / "site", [query])[0]
    assert (result["paths"] == []) == (query != "vlieger") and result["suggestion"] is None
