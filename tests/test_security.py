"""Safe by default (issue 7): hostile HTML comes out inert everywhere, paths stay inside the
content folder, and random Markdown bodies and registries end in a build or PATH:LINE errors,
never a traceback. The hosting headers are tested in test_hosting.py."""
from __future__ import annotations

import contextlib
import email
import io
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from conftest import PNG, REPO, Run, tree_bytes, write_content
from test_fuzz_front_matter import assert_clean_answer, run_check
from wijknieuws.cli import main

DATA = Path(__file__).parent / "data"
BASE = "https://nieuws.example.nl/"
DAY = "2021-08-24"
OWN_SCRIPT = "static/search.js"
BAD_SCHEMES = ("javascript", "data", "vbscript")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "cite", "data", "poster", "background", "srcset",
                  "xlink:href", "{http://www.w3.org/1999/xlink}href"}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}


def run_cli(folder: Path, *args: str) -> Run:
    """`wijknieuws ARGS` in folder, in this process (module-scoped fixtures cannot use `cli`)."""
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(cwd)
    return Run(code, out.getvalue(), err.getvalue())


def xss_vectors() -> list[tuple[str, bool]]:
    """(vector, inert) from tests/data/xss.txt; inert ones have nothing to remove."""
    vectors = []
    for line in (DATA / "xss.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            vectors.append((line.removeprefix("= ").replace(" ⏎ ", "\n"), line.startswith("= ")))
    return vectors


VECTORS = xss_vectors()


def hostile_article(vector: str) -> str:
    """The vector in the body, between two harmless paragraphs, and in every free-text field."""
    meta = {"title": vector, "date": DAY, "wijk": "Rokkeveen", "summary": vector, "image": "images/vlieger.png",
            "image_alt": vector, "image_caption": vector, "tags": [vector, "xss"]}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\nEerste alinea.\n\n{vector}\n\nLaatste alinea.\n"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A site whose every article is one vector, with a recorded newsletter edition and an export."""
    root = tmp_path_factory.mktemp("hostile")
    articles = {f"xss/{i:03}.md": hostile_article(vector) for i, (vector, _) in enumerate(VECTORS)}
    write_content(root, articles, nieuwsbrieven=f"- since: 2021-08-18\n  until: {DAY}\n")
    build = run_cli(root, "build")
    export = run_cli(root, "newsletter", "--since", "2021-08-18", "--until", DAY, "--out", "export", "--no-record")
    return root, build, export


def test_hostile_content_builds_and_every_removal_is_a_warning_at_its_line(hostile):
    root, build, export = hostile
    assert build.code == 0 and "Traceback" not in build.err, build.err
    assert export.code == 0, export.err
    warnings: dict[str, list[int]] = {}
    for line in build.err.splitlines():
        match = re.fullmatch(r"(content/xss/\d+\.md):(\d+): warning: removed .+", line)
        assert match, f"not a PATH:LINE warning: {line}"
        warnings.setdefault(match[1], []).append(int(match[2]))
    for i, (vector, inert) in enumerate(VECTORS):
        source = f"content/xss/{i:03}.md"
        first = (root / source).read_text(encoding="utf-8").split("\n").index("Eerste alinea.") + 3
        lines = warnings.get(source, [])
        if inert:
            assert not lines, f"{vector!r}: nothing to remove, yet warned"
        else:
            assert lines, f"{vector!r}: the sanitiser removed something without a warning"
            assert all(first <= n <= first + vector.count("\n") for n in lines), (vector, first, lines)


def _scheme(url: str) -> str:
    """A URL's scheme as the most lenient reader would see it: blanks and controls anywhere dropped."""
    match = re.match(r"([a-z][a-z0-9+.-]*):", re.sub(r"[\x00-\x20\x7f\s]+", "", url.lower()))
    return match[1] if match else ""


def assert_inert_html(root, where: str) -> None:
    """No script but the site's own search.js, no handler attribute, no script or data URL."""
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments and processing instructions
            continue
        tag = element.tag.rpartition("}")[2].lower()
        if tag == "script" and element.get("type") == "application/ld+json":
            # data for search engines, never run: JSON with no '<' that could end the element
            assert "<" not in (element.text or "") and json.loads(element.text), f"{where}: {element.text[:120]!r}"
        elif tag == "script":
            assert (element.get("src") or "").endswith(OWN_SCRIPT) and not (element.text or "").strip(), \
                f"{where}: {etree.tostring(element)[:120]!r}"
        assert tag not in FORBIDDEN_TAGS, f"{where}: <{tag}>"
        if tag == "meta":
            assert (element.get("http-equiv") or "").lower() != "refresh", f"{where}: meta refresh"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{where}: <{tag} {name}={value!r}>"
            if name.lower() in URL_ATTRIBUTES:
                assert _scheme(value) not in BAD_SCHEMES, f"{where}: <{tag} {name}={value!r}>"


def assert_inert_xml(data: bytes, where: str) -> None:
    """A feed or sitemap: text stays text, the HTML of an entry is inert, every link is the site's."""
    root = etree.fromstring(data)
    for element in root.iter("{*}title", "{*}summary", "{*}subtitle"):
        assert element.get("type", "text") == "text", where  # which every feed reader shows as text
    for element in root.iter("{*}content"):
        assert element.get("type") == "html", where
        assert_inert_html(lxml_html.fragment_fromstring(element.text or "", create_parent="div"), where)
    for element in root.iter("{*}link", "{*}id", "{*}loc"):
        assert (element.get("href") or element.text).startswith(BASE), where


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def assert_inert_json(rel: str, data: bytes) -> None:
    """JSON is data: its text may read '<script>', as long as everything that becomes a link is ours."""
    value = json.loads(data)
    if rel.startswith("data/") and not rel.endswith(".schema.json"):
        for record in value:
            for key in ("url", "image"):
                assert record.get(key) is None or record[key].startswith(BASE), (rel, record)
    if "/index/f/" in rel:  # a search fragment: [title, path, date, wijken, type, summary, caption, text]
        assert re.fullmatch(r"nieuws/[a-z0-9-]+/", value[1]), (rel, value)
    assert all(isinstance(s, str) for s in _strings(value))


def check_tree(folder: Path) -> int:
    """Checks every output file; returns how many it checked."""
    checked = 0
    for rel, data in tree_bytes(folder).items():
        where = f"{folder.name}/{rel}"
        if rel.endswith(".html"):
            assert_inert_html(lxml_html.fromstring(data), where)
        elif rel.endswith(".xml"):
            assert_inert_xml(data, where)
        elif rel.endswith(".json"):
            assert_inert_json(rel, data)
        elif rel.endswith(".eml"):
            message = email.message_from_bytes(data)
            for part in message.walk():
                if part.get_content_type() == "text/html":
                    assert_inert_html(lxml_html.fromstring(part.get_payload(decode=True)), where)
        else:
            continue
        checked += 1
    return checked


def test_no_output_holds_an_executable_form(hostile):
    root, build, export = hostile
    site = root / "site"
    assert (site / "feed.xml").is_file() and (site / "wijk/rokkeveen/feed.xml").is_file()
    assert any(site.glob("zoeken/index/f/*.json")) and (site / "data/artikelen.json").is_file()
    assert (site / f"nieuwsbrief/{DAY}/nieuwsbrief.eml").is_file()
    assert (site / "nieuwsbrief/laatste/index.html").is_file()
    assert check_tree(site) > len(VECTORS)  # every article page at least
    assert check_tree(root / "export") == 2  # nieuwsbrief.html and the HTML part of nieuwsbrief.eml
    # Front-matter text is kept, escaped: the title shows the vector as words.
    title = lxml_html.fromstring((site / "nieuws/000/index.html").read_bytes()).find(".//h1")
    assert title.text_content() == VECTORS[0][0] == "<script>alert('wijk')</script>"


def test_search_page_inserts_index_text_as_text_only():
    """The search index holds editors' text verbatim; search.js must never parse it as HTML."""
    script = (REPO / "templates/static/search.js").read_text(encoding="utf-8")
    code = re.sub(r"//[^\n]*", "", script)
    assert not re.search(r"insertAdjacentHTML|outerHTML|document\.write|\beval\(|new Function|"
                         r"setTimeout\(\s*['\"]", code)
    assert re.findall(r"innerHTML\s*=\s*([^;]+);", code) == ['""']  # only ever cleared
    # title and excerpt (marked or not), facts, filter labels, a suggestion: as text; the link:
    # a path the build made (checked above)
    for assignment in ("document.createTextNode(part[0])", "mark.textContent = part[0]",
                       'meta.textContent = [d[2], d[3], d[4]].join(" \\u00b7 ")', "o.textContent = label",
                       "em.textContent = suggestion", "a.href = root + d[1]"):
        assert assignment in code, assignment


# ---------------------------------------------------------------- paths stay inside


ARTICLE = "---\ntitle: Test\ndate: 2021-08-24\nwijk: Rokkeveen\n{extra}---\n\n{body}\n"


def article(body: str = "Tekst.", **extra: str) -> str:
    return ARTICLE.format(extra="".join(f"{k}: {v}\n" for k, v in extra.items()), body=body)


def errors_of(run: Run) -> list[str]:
    assert run.code == 1 and "Traceback" not in run.err, run.err
    return run.error_lines


@pytest.mark.parametrize("key, value", [
    ("image", "../../../etc/passwd"), ("image", "/etc/passwd"), ("image", "images/../../geheim.png"),
    ("image", "C:\\\\Windows\\\\win.ini"), ("image", "//server/share/x.png"), ("slug", "../../buiten"),
    ("slug", "/tmp/x"),
])
def test_front_matter_paths_outside_are_refused(cli, tmp_path, key, value):
    extra = {key: f'"{value}"'}
    if key == "image":
        extra["image_alt"] = "x"
    write_content(tmp_path, {"2021/a.md": article(**extra)})
    (tmp_path / "geheim.png").write_bytes(PNG)
    lines = errors_of(cli("build"))
    assert lines and all(line.startswith("content/2021/a.md:5: ") for line in lines), lines
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("target", ["../../geheim.png", "../../../../../../etc/passwd", "%2e%2e/%2e%2e/geheim.png",
                                    "..%2f..%2fgeheim.png", "../images/../../geheim.png"])
def test_body_links_outside_are_refused(cli, tmp_path, target):
    write_content(tmp_path, {"2021/a.md": article(f"Zie [dit]({target}) en ![foto]({target}).")})
    (tmp_path / "geheim.png").write_bytes(PNG)
    assert errors_of(cli("build")) == [f"content/2021/a.md:7: link '{target}' points outside the content folder"]


def test_site_absolute_and_scheme_links_are_never_read(cli, tmp_path):
    """'/etc/passwd' is a link on the web server, file:// is removed: neither is copied."""
    write_content(tmp_path, {"2021/a.md": article("[a](/etc/passwd) [b](file:///etc/passwd) ![c](/etc/hostname)")})
    run = cli("build")
    assert run.code == 0 and "removed href=\"file:///etc/passwd\"" in run.err
    assert not any("passwd" in p.name or "hostname" in p.name for p in (tmp_path / "site").rglob("*"))


def test_symlinks_leading_outside_are_errors_and_never_read(cli, tmp_path):
    outside = tmp_path / "elders"
    outside.mkdir()
    (outside / "stiekem.md").write_text(article("Van buiten."), encoding="utf-8")
    (outside / "site.yml").write_text("title: Van buiten\nbase_url: https://buiten.example/\n", encoding="utf-8")
    content = write_content(tmp_path, {"2021/a.md": article("![foto](../images/alias.png)")})
    (content / "2021/stiekem.md").symlink_to(outside / "stiekem.md")
    (content / "buiten").symlink_to(outside, target_is_directory=True)
    (content / "images/passwd.png").symlink_to("/etc/passwd")
    (content / "images/weg.png").symlink_to(tmp_path / "bestaat-niet.png")  # dangling, outside
    (content / "images/alias.png").symlink_to("vlieger.png")  # inside: fine
    (content / "2021/lus").symlink_to(content, target_is_directory=True)  # a loop: skipped, no hang
    (content / "site.yml").unlink()
    (content / "site.yml").symlink_to(outside / "site.yml")
    message = "symlink points outside the content folder"
    assert errors_of(cli("build")) == [f"content/{rel}:1: {message}" for rel in (
        "2021/stiekem.md", "buiten", "images/passwd.png", "images/weg.png", "site.yml")]
    (content / "site.yml").unlink()
    write_content(tmp_path, {})  # site.yml back; the other links stay
    for rel in ("2021/stiekem.md", "buiten", "images/passwd.png", "images/weg.png"):
        (content / rel).unlink()
    run = cli("build")
    assert run.code == 0, run.err
    # published as the picture's copy (its content read through the link inside the folder)
    assert [p.name for p in (tmp_path / "site/media").glob("alias-*.png")]


def test_names_differing_only_in_case_are_named_together(cli, tmp_path):
    write_content(tmp_path, {
        "2021/Vlieger.md": article(), "2021/vlieger.md": article(),
        "2021/foto.md": article("![a](../images/Foto.png) ![b](../images/foto.png)"),
    })
    for name in ("Foto.png", "foto.png"):
        (tmp_path / "content/images" / name).write_bytes(PNG)
    lines = errors_of(cli("build"))
    assert "content/images/Foto.png:1: differs from 'images/foto.png' only in letter case" in "\n".join(lines)
    assert "content/images/foto.png:1: differs from 'images/Foto.png' only in letter case" in "\n".join(lines)
    slug = [line for line in lines if "slug 'vlieger'" in line]
    assert len(slug) == 1 and "2021/Vlieger.md" in slug[0] and "2021/vlieger.md" in slug[0], lines


def test_windows_device_names_are_refused(cli, tmp_path):
    write_content(tmp_path, {
        "con.md": article(slug="goede-naam"),
        "2021/a.md": article(slug="nul"),
        "2021/b.md": article(tags="[aux, gewoon]"),
        "2021/c.md": article(image="images/com1.png", image_alt="x"),
        "2021/d.md": article("[bijlage](../images/LPT9.pdf)"),
    }, wijken="- name: Prins\n  slug: prn\n- name: Rokkeveen\n  slug: rokkeveen\n")
    for name in ("com1.png", "LPT9.pdf"):
        (tmp_path / "content/images" / name).write_bytes(PNG)
    lines = errors_of(cli("build"))
    assert [line.split(": ", 1)[0] for line in lines] == [
        "content/2021/a.md:5", "content/2021/b.md:5", "content/2021/c.md:5", "content/2021/d.md:7",
        "content/con.md:1", "content/wijken.yml:2"]
    assert all("is a device name on Windows" in line for line in lines), lines


def test_linked_files_that_would_run_in_a_browser_or_replace_the_sites_own_are_refused(cli, tmp_path):
    content = write_content(tmp_path, {
        "2021/a.md": article("[rapport](../bijlagen/rapport.html) [code](../bijlagen/x.js)\n\n"
                             "[stijl](../static/style.css) [data](../Data/artikelen.json)\n\n"
                             "![bron van een concept](b.md)"),
        "2021/b.md": article(image="images/kwaad.svg", image_alt="x"),
        "2021/c.md": article(image="images/goed.svg", image_alt="x"),
    })
    for name in ("bijlagen/rapport.html", "bijlagen/x.js", "static/style.css", "Data/artikelen.json"):
        (content / name).parent.mkdir(exist_ok=True)
        (content / name).write_text("<script>alert(1)</script>", encoding="utf-8")
    svg = '<svg xmlns="http://www.w3.org/2000/svg">\n<rect width="1" height="1"/>\n{}\n</svg>\n'
    (content / "images/kwaad.svg").write_text(svg.format('<a href=" java&#x09;script:alert(1)"><text>x</text></a>'))
    (content / "images/goed.svg").write_text(svg.format("<title>Een vierkant</title>"))
    lines = errors_of(cli("build"))
    assert [line.split(": ", 1)[0] for line in lines] == ["content/2021/a.md:7"] * 2 + ["content/2021/a.md:9"] * 2 + [
        "content/2021/a.md:11", "content/images/kwaad.svg:3"], lines
    assert "a browser would run" in lines[0] and "a place the site writes itself" in lines[2]
    assert "is an article" in lines[4] and "could run a script" in lines[5]


# ---------------------------------------------------------------- fuzzing: never a traceback

# Markdown and HTML punctuation, Dutch words and the odd control character, so that random
# bodies hit lists, quotes, links, raw HTML, entities and tables rather than plain prose.
_PIECES = st.sampled_from([
    "\n", "\n\n", "    ", "- ", "* ", "1. ", "> ", "#", "[", "]", "(", ")", "![", "<", ">", "</", "/>", "&", ";",
    "&#", "x", "`", "```", "*", "_", "|", "---", ":", "{:", "}", "\\", '"', "'", "=", "[^1]", "http://", "mailto:",
    "javascript:", "<script>", "<img src=x onerror=alert(1)>", "<div>", "</div>", "<table>", "<a href=",
    "bibliotheek", "Rokkeveen", "de", " ", "\t", "\x00", "\u200b", "é", "../", ".md", "vlieger.md",
    "images/vlieger.png",
])
bodies = st.lists(_PIECES | st.text(max_size=5), max_size=60).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies)
def test_arbitrary_markdown_bodies_never_crash(body):
    with tempfile.TemporaryDirectory() as tmp:
        write_content(Path(tmp), {})
        (Path(tmp) / "content/2021").mkdir()
        (Path(tmp) / "content/2021/artikel.md").write_text(article(body), encoding="utf-8", errors="surrogatepass")
        assert_clean_answer(*run_check(Path(tmp)))


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                     st.sampled_from(["Rokkeveen", "rokkeveen", "ter-laak", "Ter Laak", "con", "a--b", "", "~", "no"]))
_entries = st.dictionaries(st.sampled_from(["name", "slug", "title", "description", "party", "portfolio", "period"])
                           | st.text(max_size=6), st.recursive(_scalars, lambda inner: st.lists(inner, max_size=2),
                                                               max_leaves=4), max_size=5)
registry_texts = (st.lists(_entries, max_size=4) | _entries).map(lambda v: yaml.safe_dump(v, allow_unicode=True)) \
    | st.text(alphabet=st.sampled_from("-:[]{}&*!|>'\"#? \nab1"), max_size=80)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(["wijken", "wethouders", "dossiers", "site", "nieuwsbrieven"]), text=registry_texts)
def test_arbitrary_registries_never_crash(name, text):
    with tempfile.TemporaryDirectory() as tmp:
        write_content(Path(tmp), {"2021/a.md": article()}, **{name: text})
        assert_clean_answer(*run_check(Path(tmp)))


@pytest.mark.parametrize("name", ["_headers", "_nginx-headers.conf", "media/x.jpg", "favicon-32.png",
                                  "apple-touch-icon.png"])
def test_an_article_cannot_replace_the_hosting_headers_or_the_pictures_copies(cli, tmp_path, name):
    """The build writes the site's security headers, the pictures' copies and the icons itself; a
    file an article links to of the same name would replace them (nginx includes the snippet)."""
    content = write_content(tmp_path, {"2021/a.md": article(f"[x](../{name})")})
    (content / name).parent.mkdir(parents=True, exist_ok=True)
    (content / name).write_text("add_header X-Kwaad 1;\n", encoding="utf-8")
    lines = errors_of(cli("build"))
    assert len(lines) == 1 and lines[0].startswith("content/2021/a.md:7: ") and "a place the site writes itself" in lines[0]


def test_an_svg_that_links_to_another_file_is_refused(cli, tmp_path):
    """Drawn as PNG for e-mail and sharing, such an SVG would show a file of the build machine."""
    content = write_content(tmp_path, {"2021/a.md": article(image="images/kaart.svg", image_alt="Kaart")})
    (content / "images/kaart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 9 9">\n'
        '<image xlink:href="/etc/hostname" width="9" height="9"/>\n</svg>\n', encoding="utf-8")
    lines = errors_of(cli("build"))
    assert lines == ["content/images/kaart.svg:2: SVG file with href=\"/etc/hostname\", a link to another file, "
                     "which a picture on the site cannot show; put what it shows into the SVG itself, or save the "
                     "drawing as PNG"]
