#!/usr/bin/env python3
"""The benchmark corpus: N made-up articles of municipal news, the same in every engine's format.

    python bench/corpus.py --n 1000 --out DIR --format ours      # a wijknieuws content folder
    python bench/corpus.py --n 1000 --out DIR --format hugo      # a complete Hugo site
    python bench/corpus.py --n 1000 --out DIR --format pelican   # a Pelican project
    python bench/corpus.py --n 1000 --out DIR --format ours --photos   # each article with a phone photo

With --photos (ours and hugo), every article gets a photo as a newsroom's phone takes it: a
12-megapixel JPEG of 2-4 MB with the camera's rotation flag (one in four is a portrait shot,
stored sideways), its make and model and a GPS position in EXIF. The pictures are made up
(shapes and grain, from the article's own random generator), so they cost an encoder what a
photo costs; Pillow makes them (the project's own dependency).

Deterministic: the same (N, format, seed) gives the same bytes on every machine. Article i has
a random generator of its own, so its front matter (title, date, wijken, wethouder, type,
dossier, tags) does not depend on N: the 1,000-article corpus is the first 1,000 of the 10,000
one. Bodies (about 500 words: paragraphs, two to four `##` sections, a list, bold and italic
words, two to four links to other articles) do depend on N, because links point anywhere in it.

The peers get the same articles and a theme that does the same kind of work: a page per article
with its taxonomies and a "more from this wijk" list, a list page per wijk, wethouder, dossier
and tag, and Atom feeds. Only the standard library is used.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import sys
import unicodedata
from pathlib import Path

SEED = 2026

# ------------------------------------------------------------------ the city's words
WIJKEN = ["Stadshart", "Palenstein", "Meerzicht", "Driemanspolder", "Seghwaert", "Noordhove",
          "Oosterheem", "Rokkeveen", "Buytenwegh", "De Leyens", "Dorp", "Rokkeveen-Oost"]
WETHOUDERS = [("Aydin", "D66", "Wonen en ruimte"), ("Brouwer", "CDA", "Zorg en welzijn"),
              ("Claassen", "VVD", "Financiën en economie"), ("Dekker", "GroenLinks", "Klimaat en groen"),
              ("Esajas", "PvdA", "Onderwijs en jeugd"), ("Hoekstra", "ChristenUnie", "Mobiliteit"),
              ("Jansen", "Lokaal Belang", "Sport en cultuur"), ("Kok", "SP", "Werk en inkomen")]
DOSSIERS = ["Huizen van de Wijk", "Warmtenet Zuid", "Vernieuwing Stadshart", "Fietsroutes", "Nieuwbouw Oosterheem",
            "Sociale huurwoningen", "Jeugdhulp", "Minimabeleid", "Schulden", "Sporthallen", "Zwembad De Veur",
            "Bibliotheken", "Theater en muziekschool", "Straatverlichting", "Betaald parkeren", "Tramlijn",
            "Buslijnen", "Bomen in de straat", "Wateroverlast", "Zon op dak", "Isolatie", "Wijkcentra",
            "Speelplaatsen", "Schoolgebouwen", "Kinderopvang", "Handhaving", "Camera's", "Evenementen",
            "Terrassen", "Weekmarkt", "Begroting", "Jaarverslag", "Lokale lasten", "Omgevingsvisie",
            "Bestemmingsplan Entree", "Grondzaken", "Inspraak", "Digitaal loket", "Mantelzorg", "Nieuwkomers"]
TAGS = ["verkeer", "fietsers", "parkeren", "groen", "bomen", "water", "afval", "energie", "klimaat",
        "wonen", "huurders", "nieuwbouw", "onderhoud", "jeugd", "senioren", "zorg", "scholen", "sport",
        "cultuur", "muziek", "veiligheid", "boa", "ondernemers", "winkels", "markt", "horeca", "werk",
        "inkomen", "schulden", "armoede", "subsidie", "begroting", "belasting", "inspraak", "bewoners",
        "gemeenteraad", "motie", "amendement", "college", "burgemeester", "tram", "bus", "wegwerk",
        "speeltuin", "park", "hitte", "regen", "digitaal", "loket", "vergunning", "buurtapp",
        "vrijwilligers", "mantelzorg", "bibliotheek", "zwembad", "kermis", "koningsdag", "sportpark"]
THINGS = ["wijkcentrum", "speeltuin", "fietspad", "sporthal", "bibliotheek", "buurthuis", "rotonde",
          "bushalte", "parkeergarage", "trambaan", "voetbalveld", "schoolplein", "kinderboerderij", "vijver",
          "laadpaal", "afvalcontainer", "zebrapad", "winkelcentrum", "hondenuitlaatplek", "moestuin",
          "jongerencentrum", "zorgloket", "wijkpost", "fietsenstalling", "geluidsscherm", "stoep", "brug"]
PEOPLE = ["bewoners", "ondernemers", "ouders", "scholieren", "senioren", "fietsers", "automobilisten",
          "raadsleden", "vrijwilligers", "huurders", "winkeliers", "sportverenigingen", "buren", "jongeren"]
ADJECTIVES = ["nieuwe", "groene", "veilige", "betaalbare", "duurzame", "tijdelijke", "brede", "rustige",
              "moderne", "ruime", "toegankelijke", "openbare", "vernieuwde", "extra", "definitieve", "kleine"]
ACTS = ["onderzoekt", "bespreekt", "verbetert", "steunt", "plant", "evalueert", "betaalt mee aan",
        "presenteert", "schrapt", "verbouwt", "opent", "sluit", "verplaatst", "bekijkt"]
ACTS_INF = ["opknappen", "verplaatsen", "uitbreiden", "verduurzamen", "aanleggen", "sluiten",
            "vernieuwen", "onderzoeken", "herinrichten", "verbeteren"]
WHEN = ["dit najaar", "in het voorjaar", "na de zomervakantie", "voor de kerst", "binnen een jaar",
        "zo snel als het kan", "samen met de buurt", "in twee stappen", "vanaf volgende week",
        "de komende maanden", "nog deze maand", "na overleg met de raad"]
OPENERS = ["Daarnaast", "Ook", "Verder", "Intussen", "Bovendien", "Volgens de gemeente", "Na de inspraak",
           "Op verzoek van de raad", "In de praktijk", "Tot slot", "Eerder", "Inmiddels"]
SECTIONS = ["Wat gaat er veranderen?", "Hoe het zover kwam", "De buurt reageert", "Wat nu?",
            "Geld en planning", "De raad", "Praat mee", "Wat merkt u ervan?", "Het besluit",
            "Vragen en antwoorden", "Eerder in dit dossier", "Meer weten"]
TYPES = ["nieuws", "nieuws", "besluit", "memo", "raadsvragen", "raadsvoorstel"]
STATUSES = ["voorgenomen", "aangenomen", "verworpen", "uitgesteld", "ingetrokken", "uitgevoerd"]
WHO = ["het college", "de gemeente", "de gemeenteraad", "de wethouder", "de corporatie", "het wijkteam"]

FIRST_DAY = dt.datetime(2017, 1, 2, 7, 0)
DAYS = 3400  # dates spread over about nine years


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def quoted_list(items) -> str:
    return "[" + ", ".join(quoted(x) for x in items) + "]"


class Meta:
    """The front matter of article i: a function of (seed, i) only."""

    def __init__(self, seed: int, i: int):
        r = random.Random(f"meta/{seed}/{i}")
        self.i = i
        self.wijken = r.sample(WIJKEN, r.choice((1, 1, 1, 1, 2, 2, 3)))
        self.wethouder = r.choice(WETHOUDERS)[0]
        self.type = r.choice(TYPES)
        self.status = r.choice(STATUSES) if self.type != "nieuws" else None
        self.dossier = r.choice(DOSSIERS)
        self.tags = r.sample(TAGS, r.randint(1, 4))
        self.date = FIRST_DAY + dt.timedelta(days=r.randrange(DAYS), minutes=r.randrange(14 * 60))
        thing, wijk = r.choice(THINGS), self.wijken[0]
        self.title = r.choice([
            f"{wijk}: {r.choice(WHO)} {r.choice(ACTS)} {thing}",
            f"{upper_first(r.choice(ADJECTIVES))} {thing} in {wijk}",
            f"{upper_first(r.choice(PEOPLE))} in {wijk} willen {thing} {r.choice(ACTS_INF)}",
            f"Vragen over de {thing} in {wijk}",
            f"{wijk} krijgt een {r.choice(ADJECTIVES)} {thing}",
            f"Wethouder {self.wethouder} over de {thing}",
            f"Besluit over {thing} {wijk} {r.choice(WHEN)}",
        ])
        self.slug = f"{slugify(self.title)[:58].strip('-')}-{i:06d}"
        self.summary = (f"{upper_first(r.choice(WHO))} {r.choice(ACTS)} de {thing} in {' en '.join(self.wijken)}; "
                        f"{r.choice(PEOPLE)} horen er {r.choice(WHEN)} meer over.")


class Corpus:
    def __init__(self, n: int, seed: int):
        self.n, self.seed = n, seed
        self._metas: dict[int, Meta] = {}

    def meta(self, i: int) -> Meta:
        if i not in self._metas:
            self._metas[i] = Meta(self.seed, i)
        return self._metas[i]

    def sentence(self, r: random.Random, a: Meta) -> str:
        wijk, thing, people = r.choice(a.wijken), r.choice(THINGS), r.choice(PEOPLE)
        shape = r.randrange(8)
        if shape == 0:
            words = f"{upper_first(r.choice(WHO))} {r.choice(ACTS)} {r.choice(WHEN)} de {thing} in {wijk}"
        elif shape == 1:
            words = f"Veel {people} vinden de {thing} bij de {r.choice(THINGS)} al lang een probleem"
        elif shape == 2:
            words = f"{r.choice(OPENERS)} vragen de {people} de gemeente om de {thing} te {r.choice(ACTS_INF)}"
        elif shape == 3:
            words = f"Wethouder {a.wethouder} noemt het dossier {a.dossier} {r.choice(WHEN)} een prioriteit"
        elif shape == 4:
            words = (f"Het plan kost naar schatting {r.randint(3, 990)}.000 euro, betaald uit de "
                     f"{r.choice(['begroting', 'reserves', 'rijkssubsidie', 'wijkbudgetten'])}")
        elif shape == 5:
            words = f"In {wijk} wonen zo'n {r.randint(3, 28)}.{r.randint(100, 999)} mensen, onder wie veel {people}"
        elif shape == 6:
            words = f"{r.choice(OPENERS)} willen {people} uit {wijk} meepraten over een {r.choice(ADJECTIVES)} {thing}"
        else:
            words = f"Of de {thing} ook gevolgen heeft voor {r.choice(WIJKEN)} is nog niet bekend"
        split = words.split(" ")
        emphasis = r.random()
        if emphasis < 0.1:
            k = r.randrange(1, len(split))
            split[k] = f"**{split[k]}**"
        elif emphasis < 0.18:
            k = r.randrange(1, len(split))
            split[k] = f"*{split[k]}*"
        return " ".join(split) + r.choice(".....!")

    def body(self, a: Meta, link) -> str:
        r = random.Random(f"body/{self.seed}/{a.i}/{self.n}")
        goal = r.randint(440, 620)
        sections = r.sample(SECTIONS, r.randint(2, 4))
        links_left = r.randint(2, 4) if self.n > 1 else 0
        list_in = r.randrange(len(sections))
        parts: list[str] = []
        words = 0

        def paragraph(count: int) -> None:
            nonlocal words, links_left
            sentences = [self.sentence(r, a) for _ in range(count)]
            if links_left and r.random() < 0.6:
                other = r.randrange(self.n - 1)
                target = self.meta(other + (other >= a.i))
                text = " ".join(target.title.split()[:4]).rstrip(":")
                sentences.insert(r.randrange(len(sentences) + 1), f"Lees ook [{text}]({link(target)}).")
                links_left -= 1
            paragraph_text = " ".join(sentences)
            words += len(paragraph_text.split())
            parts.append(paragraph_text)

        paragraph(r.randint(2, 4))
        for k, heading in enumerate(sections):
            parts.append(f"## {heading}")
            while words < goal * (k + 1) / len(sections):
                paragraph(r.randint(2, 5))
            if k == list_in:
                items = [f"- {upper_first(r.choice(ADJECTIVES))} {r.choice(THINGS)} voor {r.choice(PEOPLE)}"
                         for _ in range(r.randint(3, 5))]
                parts.append("\n".join(items))
        return "\n\n".join(parts) + "\n"


# ------------------------------------------------------------------ photos
def phone_photo(seed: str, size: tuple[int, int] = (4000, 3000), orientation: int = 1) -> bytes:
    """A made-up photo as a phone stores it: JPEG at quality 92, EXIF with the rotation flag
    (6: turn 90 degrees to show it upright), the camera, and where it was taken."""
    import io

    from PIL import Image, ImageDraw

    r = random.Random(f"photo/{seed}")
    width, height = size
    small = Image.new("RGB", (width // 16, height // 16), tuple(r.randrange(90, 220) for _ in range(3)))
    draw = ImageDraw.Draw(small)
    horizon = r.randrange(small.height // 3, 2 * small.height // 3)
    draw.rectangle([0, horizon, small.width, small.height], fill=tuple(r.randrange(40, 160) for _ in range(3)))
    for _ in range(160):  # buildings, windows, trees: blocks of colour with edges
        x, y = r.randrange(small.width), r.randrange(small.height)
        draw.rectangle([x, y, x + r.randrange(2, 40), y + r.randrange(2, 40)],
                       fill=tuple(r.randrange(256) for _ in range(3)))
    image = small.resize(size, Image.BICUBIC)
    grain = Image.effect_noise((width // 3, height // 3), 50).resize(size, Image.BILINEAR)
    image = Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.18)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Voorbeeld", "Telefoon 12", orientation  # make, model, rotation
    exif[0x8825] = {1: "N", 2: (52.0, 3.0, r.randrange(0, 5999) / 100), 3: "E", 4: (4.0, 29.0, r.randrange(0, 5999) / 100)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


def photo_of(a: "Meta") -> tuple[bytes, str]:
    """Article a's photo and its alt text: every fourth one a portrait, stored sideways."""
    portrait = a.i % 4 == 3
    return phone_photo(f"{a.i}", orientation=6 if portrait else 1), f"Foto bij het bericht: {a.title}"


# ------------------------------------------------------------------ formats
def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


class Ours:
    """A wijknieuws content folder (SPEC section 2) in OUT."""

    def __init__(self, out: Path):
        self.out = out
        write(out / "site.yml", 'title: Stadsnieuws (benchmark)\nbase_url: https://nieuws.example.nl/\n'
                                'language: nl\npage_size: 20\nnewsletter:\n'
                                '  from: "Stadsnieuws <nieuwsbrief@example.nl>"\n  footer: "Benchmark."\n')
        write(out / "wijken.yml", "".join(f"- name: {quoted(w)}\n  slug: {slugify(w)}\n" for w in WIJKEN))
        write(out / "wethouders.yml", "".join(
            f"- name: {quoted(name)}\n  slug: {slugify(name)}\n  party: {quoted(party)}\n  portfolio: {quoted(work)}\n"
            for name, party, work in WETHOUDERS))
        write(out / "dossiers.yml", "".join(f"- slug: {slugify(d)}\n  title: {quoted(d)}\n" for d in DOSSIERS))

    @staticmethod
    def link(a: Meta) -> str:
        return f"../{a.date.year}/{a.slug}.md"

    def article(self, a: Meta, body: str, photo: Path | None = None, alt: str = "") -> None:
        wijk = quoted(a.wijken[0]) if len(a.wijken) == 1 else quoted_list(a.wijken)
        status = f"status: {a.status}\n" if a.status else ""
        image = ""
        if photo is not None:
            place(photo, self.out / "images" / f"{a.slug}.jpg")
            image = f"image: images/{a.slug}.jpg\nimage_alt: {quoted(alt)}\n"
        write(self.out / str(a.date.year) / f"{a.slug}.md",
              f"---\ntitle: {quoted(a.title)}\ndate: {a.date:%Y-%m-%dT%H:%M}\nwijk: {wijk}\n"
              f"wethouder: {quoted(a.wethouder)}\ntype: {a.type}\n{status}dossier: {slugify(a.dossier)}\n"
              f"tags: {quoted_list(a.tags)}\nsummary: {quoted(a.summary)}\n{image}---\n\n{body}")


HUGO_CONFIG = """\
baseURL = "https://nieuws.example.nl/"
languageCode = "nl-nl"
title = "Stadsnieuws (benchmark)"
disableKinds = ["robotsTXT"]

[taxonomies]
  wijk = "wijk"
  wethouder = "wethouder"
  dossier = "dossier"
  tag = "tags"

[services.rss]
  limit = 20
"""

# A theme doing what ours does per page, in Hugo's own words: the page with its taxonomies, a
# "more from this wijk" aside, and lists per term.
HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="nl">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<a href="#inhoud">Naar de inhoud</a>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><ul>{{ range site.Taxonomies.wijk.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></li>{{ end }}</ul></nav></header>
<main id="inhoud">{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time> {{ .Params.soort }}</p>
<dl>
<dt>Wijk</dt><dd>{{ range .GetTerms "wijk" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd>
<dt>Wethouder</dt><dd>{{ range .GetTerms "wethouder" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>
<dt>Dossier</dt><dd>{{ range .GetTerms "dossier" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>
<dt>Onderwerpen</dt><dd>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd>
</dl>
{{ with .Params.foto }}{{ with resources.Get . }}{{ $photo := . }}
<figure><picture>
<source type="image/webp" srcset="{{ range $i, $w := slice 480 800 1200 1600 }}{{ if le $w $photo.Width }}{{ if $i }}, {{ end }}{{ ($photo.Resize (printf "%dx webp q80" $w)).RelPermalink }} {{ $w }}w{{ end }}{{ end }}">
<img src="{{ ($photo.Resize "800x jpg q82").RelPermalink }}" srcset="{{ range $i, $w := slice 480 800 1200 1600 }}{{ if le $w $photo.Width }}{{ if $i }}, {{ end }}{{ ($photo.Resize (printf "%dx jpg q82" $w)).RelPermalink }} {{ $w }}w{{ end }}{{ end }}" alt="{{ $.Params.foto_alt }}">
</picture></figure>
{{ range slice "1200x630" "1200x675" "1200x900" "1200x1200" }}<link rel="preload" as="image" href="{{ ($photo.Fill (printf "%s jpg q82" .)).Permalink }}">{{ end }}
{{ end }}{{ end }}
{{ .Content }}
</article>
{{ $self := . }}{{ with .GetTerms "wijk" }}{{ with index . 0 }}
<aside><h2>Meer uit {{ .LinkTitle }}</h2><ul>
{{ range first 8 .Pages }}{{ if ne .Permalink $self.Permalink }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}
</ul></aside>{{ end }}{{ end }}
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pages := .Paginate .RegularPages 20 }}<ul>
{{ range $pages.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time><p>{{ .Summary }}</p></li>
{{ end }}</ul>{{ end }}
""",
    "_default/terms.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}</ul>{{ end }}
""",
    "index.html": """\
{{ define "main" }}<h1>Laatste nieuws</h1><ul>
{{ range first 20 site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time><p>{{ .Summary }}</p></li>
{{ end }}</ul>{{ end }}
""",
}


class Hugo:
    """A complete Hugo site in OUT; the articles in content/artikelen/."""

    def __init__(self, out: Path):
        self.out = out
        write(out / "hugo.toml", HUGO_CONFIG)
        for rel, text in HUGO_LAYOUTS.items():
            write(out / "layouts" / rel, text)

    @staticmethod
    def link(a: Meta) -> str:
        return f"/artikelen/{a.slug}/"

    def article(self, a: Meta, body: str, photo: Path | None = None, alt: str = "") -> None:
        # 'type' picks a layout in Hugo, so the article's type is 'soort' there. A photo goes to
        # assets/ (resources.Get), so that the article's file stays where it is without one.
        image = ""
        if photo is not None:
            place(photo, self.out / "assets" / "fotos" / f"{a.slug}.jpg")
            image = f"foto: fotos/{a.slug}.jpg\nfoto_alt: {quoted(alt)}\n"
        write(self.out / "content" / "artikelen" / f"{a.slug}.md",
              f"---\ntitle: {quoted(a.title)}\ndate: {a.date:%Y-%m-%dT%H:%M:%S}+01:00\nwijk: {quoted_list(a.wijken)}\n"
              f"wethouder: {quoted_list([a.wethouder])}\nsoort: {a.type}\ndossier: {quoted_list([a.dossier])}\n"
              f"tags: {quoted_list(a.tags)}\nsummary: {quoted(a.summary)}\n{image}---\n\n{body}")


PELICAN_CONF = """\
# Pelican settings for the benchmark corpus (written by bench/corpus.py)
AUTHOR = "Stadsnieuws"
SITENAME = "Stadsnieuws (benchmark)"
SITEURL = "https://nieuws.example.nl"
PATH = "content"
TIMEZONE = "Europe/Amsterdam"
DEFAULT_LANG = "nl"
DEFAULT_PAGINATION = 20
ARTICLE_URL = "artikelen/{slug}/"
ARTICLE_SAVE_AS = "artikelen/{slug}/index.html"
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/wijk/{slug}.atom.xml"
AUTHOR_FEED_ATOM = "feeds/wethouder/{slug}.atom.xml"
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20
CACHE_PATH = "cache"  # used when the bench passes CACHE_CONTENT=true LOAD_CONTENT_CACHE=true
"""


class Pelican:
    """A Pelican project in OUT (its default theme); the wijk is the category, the wethouder the author."""

    def __init__(self, out: Path):
        self.out = out
        write(out / "pelicanconf.py", PELICAN_CONF)

    @staticmethod
    def link(a: Meta) -> str:
        return f"{{filename}}/{a.slug}.md"

    def article(self, a: Meta, body: str) -> None:
        write(self.out / "content" / f"{a.slug}.md",
              f"Title: {a.title}\nDate: {a.date:%Y-%m-%d %H:%M}\nSlug: {a.slug}\nCategory: {a.wijken[0]}\n"
              f"Tags: {', '.join(a.tags)}\nAuthor: {a.wethouder}\nDossier: {a.dossier}\nSoort: {a.type}\n"
              f"Summary: {a.summary}\n\n{body}")


FORMATS = {"ours": Ours, "hugo": Hugo, "pelican": Pelican}


def place(source: Path, target: Path) -> None:
    """A photo from the cache into a corpus: a hard link (the same bytes for every engine)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _make_photo(job: tuple[Path, int, int, str]) -> None:
    path, seed, i, title = job
    meta = Meta(seed, i)
    data, _ = photo_of(meta)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def photos(corpus: "Corpus", cache: Path) -> dict[int, Path]:
    """Every article's photo, made once into cache (on all cores) and kept for the next corpus."""
    from concurrent.futures import ProcessPoolExecutor

    cache.mkdir(parents=True, exist_ok=True)
    paths = {i: cache / f"{corpus.seed}-{i:06d}.jpg" for i in range(corpus.n)}
    todo = [(path, corpus.seed, i, "") for i, path in paths.items() if not path.exists()]
    if todo:
        with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
            list(pool.map(_make_photo, todo, chunksize=4))
    return paths


def generate(n: int, out: Path, fmt: str, seed: int = SEED, photo_cache: Path | None = None) -> int:
    """Writes the corpus (with photos when photo_cache is given); returns the number of words in
    all bodies."""
    target = FORMATS[fmt](out)
    corpus = Corpus(n, seed)
    made = photos(corpus, photo_cache) if photo_cache is not None else {}
    words = 0
    for i in range(n):
        a = corpus.meta(i)
        body = corpus.body(a, target.link)
        words += len(body.split())
        if i in made:
            target.article(a, body, made[i], f"Foto bij het bericht: {a.title}")
        else:
            target.article(a, body)
    return words


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, required=True, help="the number of articles")
    ap.add_argument("--out", type=Path, required=True, help="the folder to write (must be empty or new)")
    ap.add_argument("--format", choices=sorted(FORMATS), default="ours")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--force", action="store_true", help="empty --out first")
    ap.add_argument("--photos", action="store_true", help="a phone photo with every article (ours, hugo)")
    ap.add_argument("--photo-cache", type=Path, help="where photos are made once and kept (default: "
                    "OUT/../photo-cache)")
    args = ap.parse_args(argv)
    if args.photos and args.format == "pelican":
        ap.error("--photos: only for the formats ours and hugo")
    if args.n < 1:
        ap.error("--n must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        if not args.force:
            ap.error(f"{args.out} is not empty (--force empties it first)")
        shutil.rmtree(args.out)
    cache = (args.photo_cache or args.out.resolve().parent / "photo-cache") if args.photos else None
    words = generate(args.n, args.out, args.format, args.seed, cache)
    print(f"{args.format}: {args.n} articles in {args.out}, {words / args.n:.0f} words each on average")
    return 0


if __name__ == "__main__":
    sys.exit(main())
