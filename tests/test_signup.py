"""Signing up for the newsletter (issue 17): site.yml `newsletter.signup` puts a form (or a link)
under every article, on the newsletter page and in the footer; mistakes in it are PATH:LINE
errors; and a reader in Chromium signs up, with and without JavaScript, to a local stand-in for
the mailing tool, with the page served under the Content-Security-Policy the build wrote."""
from __future__ import annotations

import http.server
import ssl
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yaml

from conftest import SITE_YML, page, text_of, write_content
from test_fuzz_front_matter import assert_clean_answer, run_check
from sitecheck import site_pages
from test_hosting import CSP_RECORDER, serve_with_headers

FORM = """\
  signup:
    action: https://lijst.example.nl/subscribe/post?u=abc&id=def
    email_field: EMAIL
    hidden: {tags: "123", b_abc_def: ""}
"""
LINK = "  signup: https://lijst.example.nl/aanmelden\n"


def build(cli, tmp_path, site_yml: str, *args: str) -> Path:
    write_content(tmp_path, site=site_yml)
    assert cli("newsletter", "--since", "2021-08-01", "--until", "2021-08-31").code == 0
    result = cli("build", *args)
    assert result.code == 0, result.err
    return tmp_path / "site"


def forms(tree, where: str = "//") -> list:
    return tree.xpath(f"{where}form[@method='post']")


def test_every_article_ends_with_the_form(cli, tmp_path):
    site = build(cli, tmp_path, SITE_YML + FORM)
    articles = sorted((site / "nieuws").glob("*/index.html"))
    assert len(articles) == 4
    for path in articles:
        tree = page(site, path.relative_to(site).as_posix())
        block = tree.xpath("//main/*")[-1]  # the last thing in the page's main content
        assert block.tag == "section" and block.get("class") == "signup"
        heading = block.xpath("h2")[0]
        assert block.get("aria-labelledby") == heading.get("id")
        assert text_of(heading) == "Het nieuws in uw mailbox?"
        assert "meld u aan voor de nieuwsbrief van Stadsnieuws Testdorp" in text_of(block.xpath("p")[0])
        (form,) = forms(block, ".//")
        assert form.get("action") == "https://lijst.example.nl/subscribe/post?u=abc&id=def"
        (field,) = form.xpath(".//input[@type='email']")
        assert (field.get("name"), field.get("autocomplete")) == ("EMAIL", "email")
        assert field.get("required") is not None
        (label,) = form.xpath(f".//label[@for='{field.get('id')}']")
        assert text_of(label) == "Uw e-mailadres"
        assert [(i.get("name"), i.get("value")) for i in form.xpath(".//input[@type='hidden']")] == [
            ("tags", "123"), ("b_abc_def", "")]
        assert [text_of(b) for b in form.xpath(".//button[@type='submit']")] == ["Aanmelden"]


def test_the_newsletter_page_and_every_footer_offer_it_too(cli, tmp_path):
    site = build(cli, tmp_path, SITE_YML + FORM)
    archive = page(site, "nieuwsbrief/index.html")
    assert forms(archive, "//main//") and archive.xpath("//main//section[@id='aanmelden']")
    for path in site_pages(site):
        tree = page(site, path.relative_to(site).as_posix())
        assert len(forms(tree, "//footer//")) == 1, path
        ids = tree.xpath("//@id")
        assert len(ids) == len(set(ids)), path  # the article's form and the footer's: ids stay unique


def test_a_link_to_the_tools_own_page(cli, tmp_path):
    site = build(cli, tmp_path, SITE_YML + LINK)
    for rel in ("nieuws/vlieger/index.html", "nieuwsbrief/index.html", "index.html"):
        tree = page(site, rel)
        assert not forms(tree), rel
        links = tree.xpath("//a[@href='https://lijst.example.nl/aanmelden']")
        assert [text_of(a) for a in links] == ["Aanmelden voor de nieuwsbrief"] * (2 if rel != "index.html" else 1)


def test_without_signup_nothing_is_shown(cli, tmp_path):
    site = build(cli, tmp_path, SITE_YML)
    for path in site_pages(site):
        markup = path.read_text(encoding="utf-8")
        assert "signup" not in markup and "aanmeld" not in markup.lower(), path
        assert not forms(page(site, path.relative_to(site).as_posix())), path


def test_a_reader_may_choose_a_wijk(cli, tmp_path):
    site = build(cli, tmp_path, SITE_YML + FORM + "    wijk_field: WIJK\n")
    for rel in ("nieuws/vlieger/index.html", "nieuwsbrief/index.html", "index.html"):
        for form in forms(page(site, rel)):
            (select,) = form.xpath(".//select")
            assert select.get("name") == "WIJK"
            assert text_of(form.xpath(f".//label[@for='{select.get('id')}']")[0]) == "Nieuws uit"
            assert [(o.get("value"), text_of(o)) for o in select.xpath("option")] == [
                ("", "alle wijken"), ("rokkeveen", "Rokkeveen"), ("oosterheem", "Oosterheem"),
                ("de-leyens", "De Leyens")]
            assert not select.xpath("option[@selected]")  # the whole city unless the reader chooses


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(value=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).map(str.strip))
def test_hidden_values_reach_the_form_as_written(cli, tmp_path, value):
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    site = build(cli, tmp_path, SITE_YML + FORM.replace('tags: "123"', f'tags: "{quoted}"'))
    (form,) = forms(page(site, "nieuws/vlieger/index.html"), "//main//")
    assert form.xpath(".//input[@name='tags']")[0].get("value") == value


# ---------------------------------------------------------------- mistakes in site.yml

@pytest.mark.parametrize("signup, expected", [
    ("  signup: http://lijst.example.nl/aanmelden\n",
     ["content/site.yml:8: newsletter signup (the mailing tool's sign-up page, or a mapping with action: and "
      "email_field:) must be an https:// address (such as https://lijst.example.nl/aanmelden), "
      "not 'http://lijst.example.nl/aanmelden'"]),
    ("  signup: [https://lijst.example.nl/]\n",
     ["content/site.yml:8: newsletter signup (the mailing tool's sign-up page, or a mapping with action: and "
      "email_field:) must be an https:// address (such as https://lijst.example.nl/aanmelden), "
      "not nothing"]),
    ("  signup:\n    action: lijst.example.nl/post\n    email_field: EMAIL\n",
     ["content/site.yml:9: signup action must be an https:// address (such as https://lijst.example.nl/aanmelden), "
      "not 'lijst.example.nl/post'"]),
    ("  signup:\n    action: https://lijst.example.nl/post\n    emial_field: EMAIL\n    hiden: {a: 1}\n",
     ["content/site.yml:8: newsletter signup needs 'email_field': the name of the e-mail field in the mailing "
      "tool's form (Mailchimp: EMAIL, listmonk: email)",
      "content/site.yml:10: unknown signup setting 'emial_field' (did you mean 'email_field'?)",
      "content/site.yml:11: unknown signup setting 'hiden' (did you mean 'hidden'?)"]),
    ("  signup:\n    email_field: e mail\n",
     ["content/site.yml:8: newsletter signup needs 'action': the https:// address its form posts to",
      "content/site.yml:9: email_field 'e mail' is not a form field name: use letters, digits and - _ . : [ ] only"]),
    ("  signup:\n    action: https://lijst.example.nl/post\n    email_field: EMAIL\n    hidden: tags\n",
     ["content/site.yml:11: signup 'hidden' must be a mapping of field names to values, such as {tags: \"123\"}"]),
    ("  signup:\n    action: https://lijst.example.nl/post\n    email_field: EMAIL\n    hidden:\n"
     "      tags: [1, 2]\n      \"a b\": x\n      ok: 1\n",
     ["content/site.yml:12: hidden field 'tags' must have one value (a text or a number)",
      "content/site.yml:13: hidden field 'a b' is not a form field name: use letters, digits and - _ . : [ ] only"]),
    ("  sign_up: https://lijst.example.nl/\n",
     ["content/site.yml:8: unknown newsletter setting 'sign_up' (did you mean 'signup'?)"]),
    ("  signup:\n    action: https://lijst.example.nl/post\n    email_field: EMAIL\n    wijk_field: mijn wijk\n",
     ["content/site.yml:11: wijk_field 'mijn wijk' is not a form field name: use letters, digits and - _ . : [ ] "
      "only"]),
], ids=["http", "list", "no-scheme", "typos", "no-action-bad-field", "hidden-not-mapping", "hidden-values",
        "unknown-newsletter-key", "wijk-field"])
@pytest.mark.parametrize("command", ["check", "build"])
def test_wrong_settings_are_errors_at_their_line(cli, tmp_path, signup, expected, command):
    write_content(tmp_path, site=SITE_YML + signup)
    result = cli(command)
    assert result.code == 1
    assert result.error_lines == expected
    assert not (tmp_path / "site").exists()


_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12)
                       | st.sampled_from(["https://lijst.example.nl/a", "http://x", "EMAIL", "a b", "", "[x]"]),
                       lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=6), inner,
                                                                                   max_size=2), max_leaves=5)
signups = _values | st.dictionaries(st.sampled_from(["action", "email_field", "hidden", "wijk_field", "emial"]),
                                    _values, max_size=5)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signup=signups)
def test_any_signup_setting_ends_in_a_site_or_errors_with_lines(signup):
    with tempfile.TemporaryDirectory() as tmp:
        setting = yaml.safe_dump({"signup": signup}, allow_unicode=True)
        write_content(Path(tmp), site=SITE_YML + "".join("  " + line for line in setting.splitlines(True)))
        code, stderr = run_check(Path(tmp))
        assert_clean_answer(code, stderr)
        assert "unknown setting" not in stderr  # under newsletter:, where it belongs


# ---------------------------------------------------------------- a reader signs up, in Chromium

@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: the stand-in tool is https, as site.yml demands."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


class _Tool(http.server.BaseHTTPRequestHandler):
    """The mailing tool: records each sign-up (path, fields) and thanks the reader."""

    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.received.append((self.path, {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}))
        thanks = "<!doctype html><html lang='nl'><title>Bedankt</title><h1>Bedankt voor uw aanmelding</h1></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(thanks.encode())

    def log_message(self, *args):
        pass


def https_server(certificate):
    received: list = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("Tool", (_Tool,), {"received": received}))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, certificate))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"https://127.0.0.1:{server.server_address[1]}/", received


@pytest.fixture(scope="module")
def signup_site(tmp_path_factory, certificate):
    """A site whose form posts to a local https tool, served with the headers its build wrote."""
    from wijknieuws.cli import main

    tool, tool_url, received = https_server(certificate)
    other, other_url, other_received = https_server(certificate)
    root = tmp_path_factory.mktemp("signup")
    write_content(root, site=SITE_YML + f"""\
  signup:
    action: {tool_url}subscribe/post?u=abc&id=def
    email_field: EMAIL
    hidden: {{tags: "123"}}
    wijk_field: WIJK
""")
    import os

    cwd = os.getcwd()
    os.chdir(root)
    try:
        assert main(["build", "--quiet", "--out", "www/nieuws", "--base-url", "https://gemeente.example.nl/nieuws/"]) == 0
    finally:
        os.chdir(cwd)
    server, url = serve_with_headers(root / "www/nieuws")
    yield url, received, other_url, other_received
    for s in (server, tool, other):
        s.shutdown()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_reader_signs_up_from_an_article(browser, signup_site, javascript):
    url, received, _, _ = signup_site
    received.clear()
    context = browser.new_context(java_script_enabled=javascript, ignore_https_errors=True)
    context.add_init_script(CSP_RECORDER)
    tab = context.new_page()
    try:
        for article, wijk in (("nieuws/vlieger/", None), ("nieuws/memo/", "Oosterheem")):
            tab.goto(url + article)
            block = tab.locator("main .signup")
            if wijk:
                block.get_by_label("Nieuws uit").select_option(label=wijk)
            block.get_by_label("Uw e-mailadres").fill("lezer@example.nl")
            with tab.expect_navigation():
                block.get_by_role("button", name="Aanmelden").click()
            assert tab.locator("h1").inner_text() == "Bedankt voor uw aanmelding"
        assert received == [("/subscribe/post?u=abc&id=def", {"WIJK": wijk, "EMAIL": "lezer@example.nl", "tags": "123"})
                            for wijk in ("", "oosterheem")]
    finally:
        context.close()


def test_the_browser_checks_the_address_before_it_posts(browser, signup_site):
    url, received, _, _ = signup_site
    received.clear()
    context = browser.new_context(ignore_https_errors=True)
    tab = context.new_page()
    try:
        tab.goto(url + "nieuws/vlieger/")
        field = tab.locator("footer").get_by_label("Uw e-mailadres")
        field.fill("geen adres")
        tab.locator("footer").get_by_role("button", name="Aanmelden").click()
        assert tab.evaluate("document.activeElement.type") == "email"  # the browser says what is wrong
        assert not field.evaluate("f => f.validity.valid")
        assert tab.url == url + "nieuws/vlieger/" and received == []
    finally:
        context.close()


def test_the_policy_lets_the_form_post_nowhere_else(browser, signup_site):
    """The same form, pointed at another origin by whatever slipped into a page, is refused by the
    browser under the headers the build wrote: form-action holds the tool's origin only."""
    url, received, other_url, other_received = signup_site
    context = browser.new_context(ignore_https_errors=True)
    context.add_init_script(CSP_RECORDER)
    tab = context.new_page()
    try:
        tab.goto(url + "nieuws/vlieger/")
        tab.evaluate("a => { const f = document.querySelector('main form'); f.action = a;"
                     " f.querySelector('input[type=email]').value = 'lezer@example.nl'; f.submit(); }",
                     other_url + "steel")
        # polled from here: wait_for_function would turn its text into a function in the page, which
        # the very policy under test forbids ('unsafe-eval')
        deadline = time.monotonic() + 15
        while not tab.evaluate("window.__csp.length"):
            assert time.monotonic() < deadline, "the browser reported no refusal"
            tab.wait_for_timeout(50)
        assert tab.evaluate("window.__csp") == [f"form-action {urlsplit(other_url)._replace(path='/steel').geturl()}"]
        assert other_received == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_forms_pass_axe(browser, signup_site, width):
    """axe-core at WCAG 2.1 A/AA on the pages with the form (with the choice of wijk), phone and desktop."""
    from axe_playwright_python.sync_playwright import Axe

    from conftest import SCREENSHOTS
    from test_browser import WCAG

    url, _, _, _ = signup_site
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    try:
        for path in ("nieuws/vlieger/", "nieuwsbrief/", ""):
            tab.goto(url + path)
            results = Axe().run(tab, options=WCAG)
            assert results.violations_count == 0, results.generate_report()
            assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        tab.goto(url + "nieuws/vlieger/")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.locator("main .signup").screenshot(path=str(SCREENSHOTS / f"signup-{width}.png"))
    finally:
        context.close()
