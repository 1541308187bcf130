"""The hosting files every build writes from site.yml (hosting.py): `_headers` for Netlify and
Cloudflare Pages and `_nginx-headers.conf` for nginx. Their Content-Security-Policy lets a form
post to the site itself and to the sign-up tool's origin, nothing else; read as text, served by
a real nginx, and enforced by Chromium on a page served with it."""
from __future__ import annotations

import functools
import http.server
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from fnmatch import fnmatch
from pathlib import Path

import pytest

from conftest import REPO, SITE_YML, write_content

# The policy of the hand-made deploy/ files before issue 17: a site without a sign-up form keeps it.
POLICY_BEFORE = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
                 "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
EMAIL_POLICY = ("default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src 'self' https:; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
EMAIL_BODY = "nieuwsbrief/2021-08-31/nieuwsbrief.html"
FORM = """\
  signup:
    action: https://lijst.example.nl:8443/subscribe/post?u=abc&id=def
    email_field: EMAIL
"""


def header_rules(text: str) -> list[tuple[str, dict[str, str]]]:
    """The rules of a Netlify/Cloudflare `_headers` file: (path pattern, {name: value})."""
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), {}))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1][name.strip()] = value.strip()
    return rules


def headers_for(rules, path: str) -> dict[str, str]:
    """As Netlify does: every matching rule, a later (more specific) one winning per header."""
    found: dict[str, str] = {}
    for pattern, values in rules:
        if fnmatch(path, pattern):
            found.update(values)
    return found


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def nginx_headers(text: str) -> tuple[dict[str, str], dict[str, str], str]:
    """The headers for the site, those in its location for the e-mail body, and that location's regex."""
    site_part, _, location = text.partition("\nlocation ")
    header = re.compile(r'^\s*add_header ([\w-]+) "([^"]*)" always;', re.M)
    return dict(header.findall(site_part)), dict(header.findall(location)), location.split()[1]


def built(cli, tmp_path, site_yml: str, *args: str) -> Path:
    write_content(tmp_path, site=site_yml)
    result = cli("build", *args)
    assert result.code == 0, result.err
    return tmp_path / "site"


def test_without_signup_the_policy_is_the_one_from_before(cli, tmp_path):
    site = built(cli, tmp_path, SITE_YML)
    rules = header_rules((site / "_headers").read_text(encoding="utf-8"))
    page = headers_for(rules, "/nieuws/x/index.html")
    assert page["Content-Security-Policy"] == POLICY_BEFORE
    assert page["X-Content-Type-Options"] == "nosniff" and page["X-Frame-Options"] == "DENY"
    assert page["Strict-Transport-Security"] == "max-age=31536000"
    assert headers_for(rules, "/" + EMAIL_BODY)["Content-Security-Policy"] == EMAIL_POLICY
    nginx_site, nginx_email, _ = nginx_headers((site / "_nginx-headers.conf").read_text(encoding="utf-8"))
    # nginx sends HSTS only where the site is on HTTPS (commented out); otherwise the same headers
    assert nginx_site == {k: v for k, v in page.items() if k != "Strict-Transport-Security"}
    assert nginx_email == {**nginx_site, "Content-Security-Policy": EMAIL_POLICY}  # a location repeats them all
    assert not (REPO / "deploy").exists()  # nothing left to edit by hand


@pytest.mark.parametrize("signup, form_action", [
    (FORM, "'self' https://lijst.example.nl:8443"),
    ("  signup:\n    action: https://Lijst.Example.nl/a\n    email_field: email\n    hidden: {l: x}\n",
     "'self' https://Lijst.Example.nl"),
    ("  signup: https://lijst.example.nl/aanmelden\n", "'self'"),  # a link posts nothing
], ids=["form-with-port", "form", "link"])
def test_form_action_is_the_sign_up_tool_and_the_site_only(cli, tmp_path, signup, form_action):
    site = built(cli, tmp_path, SITE_YML + signup)
    policy = headers_for(header_rules((site / "_headers").read_text(encoding="utf-8")), "/index.html")[
        "Content-Security-Policy"]
    assert directives(policy) == {**directives(POLICY_BEFORE), "form-action": form_action}
    nginx_site, nginx_email, _ = nginx_headers((site / "_nginx-headers.conf").read_text(encoding="utf-8"))
    assert nginx_site["Content-Security-Policy"] == policy
    assert nginx_email["Content-Security-Policy"] == EMAIL_POLICY  # the e-mail body posts nowhere


def test_a_site_under_a_sub_path_gets_its_paths(cli, tmp_path):
    site = built(cli, tmp_path, SITE_YML, "--base-url", "https://gemeente.nl/nieuws/")
    rules = header_rules((site / "_headers").read_text(encoding="utf-8"))
    assert [pattern for pattern, _ in rules] == ["/nieuws/*", "/nieuws/nieuwsbrief/*/nieuwsbrief.html"]
    _, _, regex = nginx_headers((site / "_nginx-headers.conf").read_text(encoding="utf-8"))
    assert re.search(regex, "/nieuws/" + EMAIL_BODY) and re.search(regex, "/nieuws/nieuwsbrief/laatste/nieuwsbrief.html")
    assert not re.search(regex, "/" + EMAIL_BODY) and not re.search(regex, "/nieuws/nieuwsbrief/index.html")


def test_the_files_change_with_site_yml_in_an_incremental_build(cli, tmp_path):
    site = built(cli, tmp_path, SITE_YML)
    (tmp_path / "content/site.yml").write_text(SITE_YML + FORM, encoding="utf-8")
    assert cli("build").code == 0
    assert "form-action 'self' https://lijst.example.nl:8443;" in (site / "_headers").read_text(encoding="utf-8")
    assert "form-action 'self' https://lijst.example.nl:8443;" in (site / "_nginx-headers.conf").read_text(
        encoding="utf-8")


# ---------------------------------------------------------------- a real nginx (Debian's package)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # sbin: not on every user's PATH


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nginx(tmp_path):
    """Starts Debian's nginx on a free loopback port, serving tmp_path/www with the snippet
    included as the README says; yields the base URL. Its own process, ended here."""
    started = []

    def start(site: Path) -> str:
        port = free_port()
        conf = tmp_path / "nginx.conf"
        temp = {name: tmp_path / f"nginx-{name}" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
        conf.write_text(f"""
daemon off;
master_process off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log;
events {{ worker_connections 16; }}
http {{
    access_log off;
    {" ".join(f"{name}_temp_path {path};" for name, path in temp.items())}
    types {{ text/html html; application/xml xml; text/css css; }}
    server {{
        listen 127.0.0.1:{port};
        root {site.parent};
        location /{site.name}/ {{
            include {site}/_nginx-headers.conf;
        }}
    }}
}}
""", encoding="utf-8")
        checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf)], stderr=subprocess.PIPE)
        started.append(process)
        for _ in range(100):  # up to 5 s
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return f"http://127.0.0.1:{port}/{site.name}/"
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.05)
        raise AssertionError("nginx did not start")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers


def test_nginx_sends_the_headers_of_the_snippet(cli, tmp_path, nginx):
    write_content(tmp_path, site=SITE_YML + FORM)
    assert cli("newsletter", "--since", "2021-08-01", "--until", "2021-08-31").code == 0
    assert cli("build", "--base-url", "https://gemeente.nl/nieuws/", "--out", "www/nieuws").code == 0
    base = nginx(tmp_path / "www/nieuws")
    status, page = fetch(base + "nieuws/vlieger/")
    assert status == 200
    assert directives(page["Content-Security-Policy"])["form-action"] == "'self' https://lijst.example.nl:8443"
    assert page["X-Frame-Options"] == "DENY" and page["Cross-Origin-Opener-Policy"] == "same-origin"
    status, email = fetch(base + EMAIL_BODY)
    assert status == 200
    assert email.get_all("Content-Security-Policy") == [EMAIL_POLICY]  # the e-mail's own, not both
    assert email["X-Content-Type-Options"] == "nosniff"
    status, missing = fetch(base + "bestaat-niet/")
    assert status == 404 and missing["Content-Security-Policy"] == page["Content-Security-Policy"]


# ---------------------------------------------------------------- Chromium enforces the policy

class _HeadersHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder with the headers a `_headers` file (self.rules) gives each path."""

    rules: list = []

    def end_headers(self):
        for name, value in headers_for(self.rules, self.path.split("?")[0]).items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


def serve_with_headers(site: Path):
    """Serves site's parent on a free loopback port, with site/_headers; returns (server, URL of site)."""
    rules = header_rules((site / "_headers").read_text(encoding="utf-8"))
    handler = functools.partial(type("Handler", (_HeadersHandler,), {"rules": rules}), directory=str(site.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/{site.name}/"


@pytest.fixture(scope="module")
def strict_server(sample_site):
    """The repository's sample site (with its sign-up form) served with the headers its build wrote."""
    site, _ = sample_site
    server, url = serve_with_headers(site)
    yield url
    server.shutdown()


CSP_RECORDER = ("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


def test_default_theme_keeps_to_the_content_security_policy(browser, strict_server):
    context = browser.new_context()
    # Recorded by the browser itself, whatever the page does; an init script is not subject to the policy.
    context.add_init_script(CSP_RECORDER)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    try:
        for path in ("", "nieuws/de-vlieger-blijft-dicht/", "zoeken/", "nieuwsbrief/"):
            response = page.goto(strict_server + path)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            if path == "zoeken/":
                page.fill("#zoekterm", "bibliotheken")
                page.press("#zoekterm", "Enter")
                page.wait_for_selector("#zoek-resultaten li")
                assert "resultaat" in page.text_content("#zoek-status")
            assert page.evaluate("window.__csp") == [], path
        assert not [m for m in console if "Content Security Policy" in m or "Refused to" in m], console
    finally:
        context.close()
