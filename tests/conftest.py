"""Shared test helpers: a small content folder in tmp_path, the CLI run in-process, HTML parsing."""
from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html as lxml_html

from wijknieuws.cli import main

# The console script of the environment that runs the tests (scripts/test's virtual environment),
# never one that happens to be on PATH from another installation.
WIJKNIEUWS = str(Path(sys.executable).with_name("wijknieuws"))
if not Path(WIJKNIEUWS).exists():
    raise RuntimeError(f"{WIJKNIEUWS} is missing: run 'bash scripts/test', which installs wijknieuws")

SITE_YML = """\
title: Stadsnieuws Testdorp
base_url: https://nieuws.example.nl/
language: nl
page_size: 3
newsletter:
  from: "Stadsnieuws <nieuwsbrief@example.nl>"
  footer: "U ontvangt deze nieuwsbrief omdat u zich hebt aangemeld."
"""
WIJKEN_YML = """\
- name: Rokkeveen
  slug: rokkeveen
  description: Wijk in het zuiden.
- name: Oosterheem
  slug: oosterheem
- name: De Leyens
  slug: de-leyens
"""
WETHOUDERS_YML = """\
- name: Ter Laak
  slug: ter-laak
  party: CDA
  portfolio: Zorg en welzijn
"""
DOSSIERS_YML = """\
- slug: huizen-van-de-wijk
  title: Huizen van de Wijk
  description: Een ontmoetingsplek in elke wijk.
"""

ARTICLES = {
    "2021/vlieger.md": """\
        ---
        title: De Vlieger blijft dicht
        date: 2021-08-24
        wijk: Rokkeveen
        wethouder: ter laak
        type: besluit
        status: uitgevoerd
        dossier: huizen-van-de-wijk
        tags: [inZet, De Vlieger]
        image: images/vlieger.png
        image_alt: Het gebouw van De Vlieger
        image_caption: Activiteitencentrum De Vlieger.
        ---

        De activiteiten verhuizen naar de Nathaliegang.

        Zie ook [het memo](memo.md) en het [raadsvoorstel](../2020/voorstel.md).
        """,
    "2021/memo.md": """\
        ---
        title: Huizen van de Wijk in de koelkast
        date: 2021-04-15
        wijk: [Oosterheem, Rokkeveen]
        wethouder: Ter Laak
        type: memo
        status: uitgesteld
        dossier: huizen-van-de-wijk
        tags: [inzet, bibliotheek]
        ---

        Het college zet de plannen voor de Huizen van de Wijk in de koelkast.
        """,
    "2020/voorstel.md": """\
        ---
        title: Raad neemt voorstel aan
        date: 2020-06-29T20:30:00
        wijk: de-leyens
        type: raadsvoorstel
        status: aangenomen
        ---

        De gemeenteraad stemt in met het voorstel.
        """,
    "2019/fiets.md": """\
        ---
        title: Nieuwe fietsroute
        date: 2019-03-02
        wijk: Oosterheem
        ---

        Een nieuwe fietsroute door de wijk.
        """,
    "2021/concept.md": """\
        ---
        title: Nog niet af
        date: 2021-09-01
        wijk: Rokkeveen
        draft: true
        ---

        Concept.
        """,
}

# A 1x1 transparent PNG
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")


def write_content(root: Path, articles: dict[str, str] | None = None, **registries: str) -> Path:
    """A complete content folder under root/content; registries=... replaces a registry's text."""
    content = root / "content"
    files = {"site.yml": SITE_YML, "wijken.yml": WIJKEN_YML, "wethouders.yml": WETHOUDERS_YML,
             "dossiers.yml": DOSSIERS_YML}
    files.update({f"{k}.yml": v for k, v in registries.items()})
    for name, text in files.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    for name, text in (ARTICLES if articles is None else articles).items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (content / "images").mkdir(exist_ok=True)
    (content / "images" / "vlieger.png").write_bytes(PNG)
    return content


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if ": " in line and line[:1] not in " "
                and not line.startswith(("wijknieuws", "usage"))
                and line.split(":")[1].isdigit()]


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path):
    """Runs `wijknieuws ARGS` in tmp_path (the current directory) and returns code, stdout, stderr."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Run:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = exc.code if isinstance(exc.code, int) else 0
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def content(tmp_path) -> Path:
    return write_content(tmp_path)


def page(site: Path, rel: str):
    """The parsed HTML of a page in the built site."""
    return lxml_html.fromstring((site / rel).read_bytes())


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- real browser (Debian's chromium)
import functools  # noqa: E402
import http.server  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import threading  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "bench" / "corpus.py"  # the benchmark's corpus generator: python CORPUS --n N --out DIR
SCREENSHOTS = Path(os.environ.get("WIJKNIEUWS_SCREENSHOTS", "/tmp/wijknieuws-screenshots"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:  # never skip: scripts/test installs it, so a missing browser is a broken setup
        raise RuntimeError("Debian's chromium is not installed: run 'bash scripts/test', which installs it")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    """Serves folder on a free loopback port in a thread; returns (server, base URL)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """The repository's sample site, built once and served under a sub-path (/nieuws/)."""
    www = tmp_path_factory.mktemp("www")
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        code = main(["build", "--quiet", "--content", str(REPO / "content"), "--out", str(www / "nieuws"),
                     "--base-url", "https://gemeente.example.nl/nieuws/"])
    finally:
        os.chdir(cwd)
    assert code == 0
    server, url = serve(www)
    yield www / "nieuws", url + "nieuws/"
    server.shutdown()


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"Screenshots for people to look at: {SCREENSHOTS}")
