"""Proof in the real browser (issue 14): Lighthouse, mobile, on every kind of page of a site whose
articles have real phone photos (12 megapixels, 2-4 MB, one stored sideways), served from this
machine: accessibility, best practices and SEO 100, performance 95 or more. And screenshots of an
article with a portrait and with a landscape photo, on a phone and on a desktop screen."""
from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

from conftest import CORPUS, REPO, SCREENSHOTS, WIJKNIEUWS, chromium_path, serve, write_content

PAGES = {  # one of each kind
    "home": "", "article (landscape photo)": "nieuws/liggend/", "article (portrait photo)": "nieuws/staand/",
    "news": "nieuws/", "wijk": "wijk/rokkeveen/", "wijken": "wijk/", "wethouder": "wethouder/ter-laak/",
    "dossier": "dossier/huizen-van-de-wijk/", "decisions": "besluiten/", "tag": "tag/bibliotheek/",
    "archive": "archief/", "archive year": "archief/2021/", "search": "zoeken/?q=bibliotheek",
    "newsletters": "nieuwsbrief/",
}

ARTICLE = """\
---
title: {title}
date: {date}
wijk: Rokkeveen
wethouder: Ter Laak
type: besluit
status: voorgenomen
dossier: huizen-van-de-wijk
tags: [bibliotheek]
image: images/{slug}.jpg
image_alt: {alt}
image_caption: {alt}.
---

{body}
"""
BODY = ("De bibliotheekvestiging blijft voorlopig open. Het college wil eerst weten hoe bewoners de "
        "vestiging gebruiken, en vraagt de wijkraad om mee te denken.\n\n"
        "## Wat gebeurt er nu?\n\nIn het najaar praat de wethouder met de buurt. " * 3)


def _corpus():
    spec = importlib.util.spec_from_file_location("corpus", CORPUS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory):
    """A site with real-size phone photos, built for and served at the same address."""
    root = tmp_path_factory.mktemp("lighthouse")
    site = root / "site"
    site.mkdir()
    server, base = serve(site)
    corpus = _corpus()
    articles = {
        "2021/liggend.md": ARTICLE.format(title="Bibliotheek Oosterheem blijft voorlopig open", date="2021-09-02",
                                          slug="liggend", alt="De bibliotheek aan het plein in Oosterheem",
                                          body=BODY + "\n\n![Een lezer bij de kast](../images/binnen.jpg)\n"),
        "2021/staand.md": ARTICLE.format(title="Nieuwe leestafel in de bibliotheek", date="2021-09-01",
                                         slug="staand", alt="Een hoge boekenkast met tijdschriften", body=BODY),
    }
    content = write_content(root, articles)
    (content / "images/liggend.jpg").write_bytes(corpus.phone_photo("liggend"))
    (content / "images/staand.jpg").write_bytes(corpus.phone_photo("staand", orientation=6))
    (content / "images/binnen.jpg").write_bytes(corpus.phone_photo("binnen"))
    (content / "nieuwsbrieven.yml").write_text("- since: 2021-09-01\n  until: 2021-09-02\n", encoding="utf-8")
    done = subprocess.run([WIJKNIEUWS, "build", "--base-url", base], cwd=root, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    yield site, base
    server.shutdown()


def _lighthouse(urls: list[str]) -> dict:
    done = subprocess.run(["node", str(REPO / "tests/node/lighthouse.mjs"), chromium_path(), *urls],
                          cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_lighthouse_scores_every_kind_of_page(photo_site):
    site, base = photo_site
    urls = {name: base + path for name, path in PAGES.items()}
    results = _lighthouse(list(urls.values()))
    # Accessibility, best practices and SEO are the same in every run. Performance is measured on
    # this machine and varies with what else runs on it (the suite runs in two processes): a page
    # below the bar is measured twice more and judged by the median of its three runs, as
    # Lighthouse's documentation advises for variable scores.
    slow = [url for url in urls.values() if results[url]["scores"]["performance"] < 0.95]
    if slow:
        again = [_lighthouse(slow) for _ in range(2)]
        for url in slow:
            runs = sorted([results[url]] + [a[url] for a in again], key=lambda r: r["scores"]["performance"])
            results[url] = runs[1]
    report = {name: results[url] for name, url in urls.items()}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "lighthouse.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    problems = {}
    for name, found in report.items():
        scores = found["scores"]
        if (found["error"] or any(scores[c] < 1 for c in ("accessibility", "best-practices", "seo"))
                or scores["performance"] < 0.95):
            problems[name] = found
    assert problems == {}, json.dumps(problems, indent=1)


def test_screenshots_of_portrait_and_landscape_photos(photo_site, browser):
    site, base = photo_site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((375, 812), (1280, 900)):
        context = browser.new_context(viewport={"width": width, "height": height})
        tab = context.new_page()
        for slug in ("liggend", "staand"):
            tab.goto(f"{base}nieuws/{slug}/")
            tab.wait_for_load_state("load")
            image = tab.locator("figure img").first
            shown = image.evaluate("i => [i.currentSrc, i.naturalWidth, i.naturalHeight, i.clientWidth, i.clientHeight]")
            src, natural_w, natural_h, client_w, client_h = shown
            assert src.endswith(".webp"), src  # the browser took a WebP copy
            assert natural_w >= client_w  # sharp: at least as wide as it is shown
            assert (natural_h > natural_w) == (slug == "staand")  # upright
            assert abs(client_h / client_w - natural_h / natural_w) < 0.02  # not stretched
            tab.screenshot(path=str(SCREENSHOTS / f"foto-{slug}-{width}.png"), full_page=False)
        context.close()
