"""`wijknieuws serve` as editors use it: a real process on a free port, files edited under it."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from lxml import html as lxml_html

from conftest import REPO, text_of, tree_bytes, write_content
from wijknieuws.watch import EventWatcher

ARTICLE = "nieuws/vlieger/"
TITLE = "De Vlieger blijft dicht"
BAD_WIJK_LINE = "content/2021/vlieger.md:4: unknown wijk 'Rokeveen' (did you mean 'Rokkeveen'?)"
WAIT = 10.0  # seconds for a save to show: livereload looks for changes every 0.8 s


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def outward_address() -> str | None:
    """This machine's address on its network, if it has one besides loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # sends nothing: only picks the interface
        except OSError:
            return None
        address = sock.getsockname()[0]
    return None if address.startswith("127.") else address


def fetch(url: str) -> tuple[int, str, str]:
    """Status, content type and text of url; error statuses are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def until(condition, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {timeout} s")
        time.sleep(0.1)
    return value


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@dataclass
class Preview:
    process: subprocess.Popen
    port: int
    root: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def output(self) -> tuple[str, str]:
        return ((self.root / "stdout.txt").read_text(encoding="utf-8"),
                (self.root / "stderr.txt").read_text(encoding="utf-8"))

    def page(self, rel: str) -> tuple[int, str, str]:
        return fetch(self.url + rel)

    def answers(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"serve ended with {self.process.returncode}:\n" + "\n".join(self.output()))
        try:
            return self.page("")[0] == 200
        except OSError:  # not listening yet
            return False

    def stop(self) -> int:
        """Ctrl-C, as an editor stops it."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=5)


def start(root: Path, *args: str) -> subprocess.Popen:
    with open(root / "stdout.txt", "wb") as out, open(root / "stderr.txt", "wb") as err:
        # SIGINT as a terminal gives it, even when this test runs where SIGINT is ignored.
        return subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", *args], cwd=root,
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@contextmanager
def running(root: Path, *args: str):
    """`wijknieuws serve ARGS` in root on a free port, answering; ended afterwards, whatever happens."""
    port = free_port()
    preview = Preview(start(root, "--port", str(port), *args), port, root)
    try:
        until(preview.answers, "answer from serve")
        yield preview
    finally:
        if preview.process.poll() is None:
            preview.process.kill()
            preview.process.wait()


@pytest.fixture
def preview(tmp_path):
    write_content(tmp_path)
    with running(tmp_path, "--content", "content", "--out", "site") as preview:
        yield preview


def failing(answer: tuple[int, str, str]):
    """The answer if it is not the page itself: while there are errors, any status will do."""
    return answer if answer[0] != 200 else None


def test_serves_the_site_on_loopback_and_rebuilds_on_save(preview):
    status, kind, page = preview.page(ARTICLE)
    assert status == 200 and "text/html" in kind
    assert TITLE in page and "livereload.js" in page  # the reload script, injected
    assert preview.url in preview.output()[0]
    if address := outward_address():  # only loopback unless --host says otherwise
        with pytest.raises(OSError):
            socket.create_connection((address, preview.port), timeout=2).close()

    edit(preview.content / "2021/vlieger.md", f"title: {TITLE}", "title: De Vlieger gaat weer open")
    until(lambda: "De Vlieger gaat weer open" in preview.page(ARTICLE)[2], "rebuilt article page")
    # its own page comes first (preview.py); the rest of the site follows
    until(lambda: "De Vlieger gaat weer open" in preview.page("")[2], "home page listing it")
    assert f"Wrote {ARTICLE}index.html in " in preview.output()[0]


def test_one_save_one_build_and_editors_hidden_files_none(preview):
    """Saves are seen as they happen (watch.py); the build reading files, or an editor's swap
    file, is no save."""
    (preview.content / "2021/.vlieger.md.swp").write_bytes(b"swap")
    time.sleep(0.5)  # well past the moment a save is acted on (watch.SETTLE_SECONDS)
    edit(preview.content / "2021/vlieger.md", "Zie ook [het memo]", "Lees ook [het memo]")
    until(lambda: preview.output()[0].count("Built ") == 2, "one build after the save")
    time.sleep(1.0)
    assert preview.output()[0].count("Built ") == 2, preview.output()[0]
    assert "Lees ook" in preview.page(ARTICLE)[2]


def test_content_error_shows_error_page_keeps_serving_and_recovers(preview):
    before = tree_bytes(preview.site)
    edit(preview.content / "2021/vlieger.md", "wijk: Rokkeveen", "wijk: Rokeveen")

    status, kind, text = until(lambda: failing(preview.page(ARTICLE)), "error page")
    doc = lxml_html.fromstring(text)
    assert "text/html" in kind and doc.get("lang") == "nl" and len(doc.findall(".//h1")) == 1
    assert [text_of(li) for li in doc.iterfind(".//li")] == [BAD_WIJK_LINE]
    assert "livereload.js" in text  # so that the tab reloads when it is fixed
    # every HTML address, existing or not, shows the errors; assets are still served
    for rel in ("", "wijk/rokkeveen/", "index.html", "nieuws/nog-niet-gebouwd/"):
        assert BAD_WIJK_LINE in text_of(lxml_html.fromstring(preview.page(rel)[2])), rel
    status, kind, _ = preview.page("static/style.css")
    assert status == 200 and "text/css" in kind

    assert preview.process.poll() is None
    assert BAD_WIJK_LINE in preview.output()[1].splitlines()
    assert tree_bytes(preview.site) == before

    edit(preview.content / "2021/vlieger.md", "wijk: Rokeveen", "wijk: Rokkeveen")
    until(lambda: preview.page(ARTICLE)[0] == 200, "site back after the fix")
    assert TITLE in preview.page(ARTICLE)[2]


def test_template_error_in_local_templates_folder(tmp_path):
    write_content(tmp_path)
    (tmp_path / "templates").mkdir()
    article = tmp_path / "templates/article.html"
    shutil.copy(REPO / "templates/article.html", article)
    with running(tmp_path) as preview:  # the default folders: content, site and ./templates
        source = article.read_text(encoding="utf-8")
        article.write_text(source + "{% if %}\n", encoding="utf-8")
        _, _, text = until(lambda: failing(preview.page(ARTICLE)), "error page")
        assert f"templates/article.html:{len(source.splitlines()) + 1}:" in text_of(lxml_html.fromstring(text))
        article.write_text(article.read_text(encoding="utf-8").replace("{% if %}\n", ""), encoding="utf-8")
        until(lambda: preview.page(ARTICLE)[0] == 200, "site back after the fix")


CONNECTED = "() => window.__livereloadConnected === true"
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def test_open_tab_reloads_by_itself(preview, browser):
    context = browser.new_context()
    try:
        # The server reloads only the tabs that told it their address ('info', sent by livereload.js
        # just after its LiveReloadConnect event): a save before that is not this tab's to see.
        context.add_init_script("""
            const send = WebSocket.prototype.send;
            WebSocket.prototype.send = function (data) {
                send.call(this, data);
                if (String(data).includes('"info"')) { window.__livereloadConnected = true; }
            };""")
        tab = context.new_page()
        tab.goto(preview.url + ARTICLE)
        article = preview.content / "2021/vlieger.md"

        # An edit past the first paragraph (the summary, shown in lists): the article's page is
        # written first and the tab reloads once, as no other page changed; then an error page,
        # and the page again once fixed.
        for old, new, heading, text in [
                ("Zie ook [het memo]", "Lees ook [het memo]", TITLE, "Lees ook het memo"),
                ("wijk: Rokkeveen", "wijk: Rokeveen", "De site is niet bijgewerkt: 1 fout in de inhoud", "Rokeveen"),
                ("wijk: Rokeveen", "wijk: Rokkeveen", TITLE, "Lees ook het memo")]:
            tab.wait_for_function(CONNECTED, timeout=WAIT * 1000)
            edit(article, old, new)
            try:
                tab.wait_for_function(f"() => document.querySelector('h1')?.textContent.trim() === {heading!r} "
                                      f"&& document.body.textContent.includes({text!r})", timeout=WAIT * 1000)
            except PlaywrightTimeout:
                pytest.fail(f"after '{new}' the tab still shows {tab.title()!r}; serve said: {preview.output()}")
            if "fout" in heading:  # the error page is for editors too: as accessible as the site
                results = Axe().run(tab, options=WCAG)
                assert results.violations_count == 0, results.generate_report()
        assert preview.stop() in (0, 130)  # Ctrl-C with a tab connected too
        assert "Traceback" not in preview.output()[1]
    finally:
        context.close()


def test_ctrl_c_stops_cleanly(preview):
    code = preview.stop()
    assert code in (0, 130)
    assert "Traceback" not in preview.output()[1]


def test_port_in_use_is_a_usage_error(tmp_path):
    write_content(tmp_path)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        process = start(tmp_path, "--port", str(taken.getsockname()[1]))
        try:
            code = process.wait(timeout=WAIT)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    err = (tmp_path / "stderr.txt").read_text(encoding="utf-8")
    assert code == 2 and "already in use" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()  # refused before building anything


@pytest.mark.parametrize("args", [("--port", "0"), ("--port", "70000"), ("--port", "acht"),
                                  ("--content", "nergens"), ("--jobs", "0"),
                                  ("--host", "203.0.113.77")])  # not an address of this machine
def test_serve_usage_errors(cli, content, args):
    assert cli("serve", *args).code == 2


def test_serve_help(cli):
    result = cli("serve", "--help")
    assert result.code == 0 and "--host" in result.out and "127.0.0.1" in result.out


def test_where_the_system_cannot_tell_saves_are_still_looked_for(tmp_path):
    """No inotify, its limit reached or a folder missing: serve falls back to looking at the
    files' times, as livereload does, rather than to never seeing a save."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("oud", encoding="utf-8")
    saves = []
    watcher = EventWatcher()
    watcher.watch(str(tmp_path / "ontbreekt"), lambda: saves.append("ontbreekt"))  # cannot be watched
    watcher.watch(str(content), lambda: saves.append("content"))
    assert watcher.start(lambda: None) is False  # livereload then calls examine() every 0.8 s
    watcher.examine()
    assert saves == []
    (content / "a.md").write_text("nieuw", encoding="utf-8")
    later = (content / "a.md").stat().st_mtime_ns + 2_000_000_000
    os.utime(content / "a.md", ns=(later, later))
    watcher.examine()
    assert saves == ["content"]


def test_the_watcher_tells_which_files_were_saved(tmp_path):
    """What serve hands to the edited page (preview.py) instead of walking every file: the
    paths the system reported, each once, editors' hidden files left out; None where it polls."""
    content = tmp_path / "content"
    (content / "2021").mkdir(parents=True)
    watcher = EventWatcher()
    watcher.watch(str(content), lambda: None)
    try:
        (content / "2021/a.md").write_text("nieuw", encoding="utf-8")
        (content / "2021/.a.md.swp").write_bytes(b"swap")
        saved: set[str] = set()
        until(lambda: saved.update(watcher.saved()) or str(content / "2021/a.md") in saved, "the save reported")
        assert saved == {str(content / "2021/a.md")}
        assert watcher.saved() == set()  # taken
    finally:
        watcher.stop()
    polling = EventWatcher()
    polling.watch(str(tmp_path / "ontbreekt"), lambda: None)
    assert polling.saved() is None


def test_events_the_system_lost_make_the_next_build_walk(tmp_path):
    """An overflow of the system's queue (a `git pull` of thousands of files) loses events: then
    which files were saved is not known (None), and serve's next build walks every file."""
    from watchdog.events import EventsLostEvent

    content = tmp_path / "content"
    content.mkdir()
    watcher = EventWatcher()
    seen = []
    watcher.watch(str(content), lambda: seen.append(1))
    try:
        watch = next(iter(watcher._observer.emitters)).watch
        watcher._observer.event_queue.put((EventsLostEvent(str(content), is_directory=True), watch))
        until(lambda: watcher._lost, "the loss noticed")
        assert watcher.saved() is None
        assert watcher.saved() == set()  # told once; the walk that follows catches up
    finally:
        watcher.stop()
