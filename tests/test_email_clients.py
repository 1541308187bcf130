"""The newsletter's e-mail body against the mail clients (issue 17): @jsx-email/doiuse-email, with
caniemail.com's data, on each edition's HTML for Gmail, Outlook, Apple Mail and Yahoo. It reports
nothing they drop, except the documented progressive enhancements (templates/newsletter/email.html):
the @media rules, the hidden preheader and role="presentation" on the layout tables. Without
those three, it reports nothing at all."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import ARTICLES, REPO, write_content

# A feature in a report line: "`@media` is not supported by `outlook.windows`"
FEATURE = re.compile(r"^`(.+)` is not supported by `[\w.-]+`$")
# What only some clients do, on purpose: where dropped, the e-mail still reads well.
ENHANCEMENTS = {
    "@media",                                    # narrower padding and type on a phone
    "display:none", "overflow", "opacity",       # the preheader: hidden where the client can
    "role attribute",                            # layout tables, not data tables, for screen readers
}
ARTICLES_WITH_PICTURE = dict(ARTICLES, **{"2021/drie.md": """\
    ---
    title: Drie wijken krijgen een ontmoetingsplek
    date: 2021-08-20
    wijk: [Oosterheem, Rokkeveen, de-leyens]
    summary: In drie wijken opent een Huis van de Wijk.
    ---

    Tekst.
    """})


def doiuse(files: list[Path]) -> dict[str, dict]:
    done = subprocess.run(["node", str(REPO / "tests/node/doiuse-email.mjs"), *map(str, files)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def without_enhancements(markup: str) -> str:
    """The e-mail less its documented progressive enhancements, each removed where it is known to be."""
    markup, styles = re.subn(r"<style>.*?</style>", "", markup, flags=re.S)
    markup, preheaders = re.subn(r'<div class="preheader"[^>]*>.*?</div>', "", markup, flags=re.S)
    markup, roles = re.subn(r' role="presentation"', "", markup)
    assert (styles, preheaders) == (1, 1) and roles >= 2
    return markup


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> list[Path]:
    """The e-mail bodies of a city edition (with a photo) and a wijk edition, as exported, and the
    current edition a build writes."""
    from wijknieuws.cli import main

    root = tmp_path_factory.mktemp("email")
    write_content(root, ARTICLES_WITH_PICTURE)
    import os

    cwd = os.getcwd()
    os.chdir(root)
    try:
        assert main(["newsletter", "--since", "2021-01-01", "--until", "2021-08-31"]) == 0
        assert main(["newsletter", "--since", "2021-01-01", "--until", "2021-08-31", "--wijk", "rokkeveen"]) == 0
        assert main(["build", "--quiet"]) == 0
    finally:
        os.chdir(cwd)
    files = [root / "nieuwsbrief/2021-08-31/nieuwsbrief.html", root / "nieuwsbrief/2021-08-31-rokkeveen/nieuwsbrief.html",
             root / "site/nieuwsbrief/laatste/nieuwsbrief.html"]
    assert "<img" in files[0].read_text(encoding="utf-8")
    return files


def test_mail_clients_drop_nothing_but_the_progressive_enhancements(editions, tmp_path):
    stripped = []
    for number, path in enumerate(editions):
        stripped.append(tmp_path / f"{number}.html")
        stripped[-1].write_text(without_enhancements(path.read_text(encoding="utf-8")), encoding="utf-8")
    report = doiuse(editions + stripped)
    for path in editions:
        features = {FEATURE.match(line)[1] for line in report[str(path)]["errors"]}
        assert features <= ENHANCEMENTS, report[str(path)]["errors"]
    for path in stripped:
        assert report[str(path)]["errors"] == [], report[str(path)]["errors"]


def test_nothing_is_set_on_body(editions):
    for path in editions:
        markup = path.read_text(encoding="utf-8")
        assert "<body" not in markup and "</body>" not in markup
        # what body had is on the outer table, which every client keeps
        assert re.search(r'<table class="outer"[^>]*style="[^"]*background-color: #eef4f9', markup)


def test_the_checker_sees_what_clients_drop(tmp_path):
    """The check can fail: styles on <body> and a flexbox are reported, as caniemail.com says."""
    sample = tmp_path / "sample.html"
    sample.write_text('<!doctype html><html><body style="margin: 0"><div style="display: flex">x</div></body></html>',
                      encoding="utf-8")
    errors = doiuse([sample])[str(sample)]["errors"]
    assert "`<body> element` is not supported by `outlook.ios`" in errors
    assert "`<body> element` is not supported by `yahoo.android`" in errors
    assert any(line.startswith("`display:flex` is not supported") for line in errors), errors
