"""`wijknieuws serve`: build, serve --out with livereload, rebuild on every save (SPEC section 1).

Two halves. `Site` is the watching and rebuilding: it builds, remembers the errors of the
last build and tells the terminal. A save of one article writes that article's page first
(preview.py), and the tab reloads with it before the rest of the site is rebuilt. The HTTP half serves --out through livereload, which
injects its script into every HTML response; while the site has errors, HTML addresses get
a page that lists them instead, so the tab that shows it reloads into the site once fixed.
"""
from __future__ import annotations

import errno
import gc
import logging
import socket
import sys
import time
from functools import lru_cache
from pathlib import Path, PurePosixPath

import jinja2
from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from tornado.ioloop import IOLoop

from .errors import ContentError, ContentErrors, UsageError
from .output import waiting_notice
from .pipeline import Options, Result, build, open_cache
from .preview import write_edited_page
from .render import default_theme, theme_dirs
from .watch import EventWatcher

LOOPBACK = ("127.0.0.1", "::1", "localhost")
# After the edited page is written, the build waits this long: the tab, reloading, fetches the
# page meanwhile rather than behind a build that keeps the server busy.
PAGE_FIRST_SECONDS = 0.2


class Site:
    """The site in --out kept up to date with the content, and the errors that stop that."""

    def __init__(self, options: Options, quiet: bool = False):
        self.options = options
        self.quiet = quiet
        self.errors: list[ContentError] = []
        self.cache = open_cache(options)  # parsed content stays in memory between saves
        # The paths the system reported saved since the last build (None: not known, where saves
        # are polled for): the edited page is then found without a walk.
        self.saved: set[str] | None = set()

    def noticed(self, paths: set[str] | None) -> None:
        self.saved = None if paths is None or self.saved is None else self.saved | paths

    def watched(self) -> list[Path]:
        """Saves here change the site: the content and every templates folder in use."""
        return [self.options.content, *theme_dirs(self.options.templates)]

    def write_edited_page(self) -> str | None:
        """The saved article's own page, ahead of the build; never while there are errors, which
        only a build can clear."""
        if self.errors:
            return None
        started = time.perf_counter()
        try:
            path = write_edited_page(self.options, self.cache, self.saved)
        except Exception as exc:  # only a head start: the build that follows does it all, and says what is wrong
            print(f"The edited page could not be written first ({type(exc).__name__}: {exc}); "
                  "building the whole site.", file=sys.stderr, flush=True)
            return None
        if path and not self.quiet:
            print(f"Wrote {path} in {time.perf_counter() - started:.2f} s; the rest of the site follows.",
                  flush=True)
        return path

    def rebuild(self) -> Result | None:
        """The build's result, or None when it stopped at errors."""
        # What was reported so far, this build reads; saves during it are the watcher's, for the
        # next. A build that fails may leave the last good one in place: what it read is then
        # not known to be in that one, so the next page written ahead looks at everything.
        saved, self.saved = self.saved, set()
        try:
            result = build(self.options, cache=self.cache, saved=saved,
                           on_wait=lambda: print(waiting_notice(self.options.out), file=sys.stderr, flush=True))
        except ContentErrors as exc:
            self.saved = None
            self.errors = exc.errors
            for error in self.errors:
                print(error, file=sys.stderr)
            print(f"{len(self.errors)} error(s); '{self.options.out}' is unchanged. "
                  "The browser shows them until they are fixed.", file=sys.stderr, flush=True)
            return None
        except BaseException:
            self.saved = None
            raise
        finally:
            gc.unfreeze()  # the cycle collector may look at what this build left behind again
        if self.errors and not self.quiet:
            print("The errors are fixed.", flush=True)
        self.errors = []
        for warning in result.warnings:
            print(f"{warning.path}:{warning.line}: warning: {warning.message}", file=sys.stderr)
        if not self.quiet:
            print(f"Built '{self.options.out}' in {result.seconds:.2f} s.", flush=True)
        return result


# ---------------------------------------------------------------- HTTP

def is_html_address(path: str) -> bool:
    """Folders and .html files are pages; anything with another suffix is an asset."""
    return path.endswith("/") or PurePosixPath(path).suffix.lower() in ("", ".html", ".htm")


@lru_cache(maxsize=1)
def _error_template() -> jinja2.Template:
    # Only the default theme: the error may well be in the editor's own templates.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(default_theme())), autoescape=True)
    return env.get_template("serve_errors.html")


def error_page(errors: list[ContentError], out: Path) -> bytes:
    return _error_template().render(errors=errors, out=out).encode()


def handler_for(site: Site) -> type[StaticFileHandler]:
    """livereload's static file handler, answering HTML addresses with the errors while there are any."""

    class SiteHandler(StaticFileHandler):
        def set_extra_headers(self, path):
            self.set_header("Cache-Control", "no-store")  # a preview must never show a stale page

        async def get(self, path, include_body=True):
            if site.errors and is_html_address(path):
                self.set_status(500)
                self._html(error_page(site.errors, site.options.out))
            else:
                await super().get(path, include_body)

        def write_error(self, status_code, **kwargs):
            not_found = Path(self.root) / "404.html"
            if status_code == 404 and is_html_address(self.request.path) and not_found.is_file():
                self._html(not_found.read_bytes())  # the site's own 404, with the reload script
            else:
                super().write_error(status_code, **kwargs)

        def _html(self, body: bytes) -> None:
            # livereload adds its script to responses whose type says html; tornado drops the body for HEAD.
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(body)

    return SiteHandler


def url_of(host: str, port: int) -> str:
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def listen_error(host: str, port: int, exc: OSError) -> UsageError:
    if exc.errno == errno.EADDRINUSE:
        return UsageError(f"port {port} is already in use on {host}: stop what uses it or choose another --port")
    return UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}")


def check_port(host: str, port: int) -> None:
    """Fails before the first build, which can take a while, rather than after it."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise listen_error(host, port, exc) from None


def serve(options: Options, host: str, port: int, quiet: bool = False) -> None:
    """Builds, then serves and rebuilds until Ctrl-C. Content errors never end it."""
    check_port(host, port)
    site = Site(options, quiet)
    # Made before the first build: its watcher counts saves made during that build as changes.
    watcher = EventWatcher()
    server = Server(watcher=watcher)
    server.SFH = handler_for(site)

    pending = None  # the build that follows an edited page

    def rebuild_and_reload(page: str | None = None):
        """page: written ahead of this build, the tabs already reloaded with it."""
        nonlocal pending
        pending = None
        result = site.rebuild()
        # livereload's own reload skips saves within 3 s of its previous reload; this one follows
        # every build (and so makes livereload skip its own). A full reload ("*"), because an
        # error page that goes or comes needs more than the new CSS. After a page written ahead,
        # only when another page changed too (a new title in lists): a tab that reloads twice in
        # a row can miss the reload of a save made in between.
        if result is None or page is None or any(p != page and is_html_address(p) for p in result.changed):
            LiveReloadHandler.reload_waiters("*")

    def saved():
        nonlocal pending
        loop = IOLoop.current()
        if pending is not None:
            loop.remove_timeout(pending)
        site.noticed(watcher.saved())
        page = site.write_edited_page()
        if page:
            LiveReloadHandler.reload_waiters("*")
            pending = loop.call_later(PAGE_FIRST_SECONDS, rebuild_and_reload, page)
        else:
            rebuild_and_reload()

    for folder in site.watched():
        server.watch(str(folder), saved)
    site.rebuild()

    # livereload narrates every poll, connection and reload, and tornado every request (each
    # error page as a server error): an editor needs only the build's own report.
    logging.getLogger("livereload").addFilter(lambda record: record.levelno >= logging.WARNING)
    logging.getLogger("tornado.access").disabled = True
    print(f"Serving '{options.out}' on {url_of(host, port)} - pages reload on every save; Ctrl-C stops.",
          flush=True)
    if host not in LOOPBACK:
        print(f"Other computers can reach this preview through --host {host}.", flush=True)
    try:
        server.serve(host=host, port=port, root=str(options.out))  # returns on Ctrl-C
    except OSError as exc:  # the port was taken since check_port; the loop itself logs its own errors
        raise listen_error(host, port, exc) from None
    finally:
        watcher.stop()
        site.cache.save()  # the parsed content, for the next build or serve
    print("Stopped.", flush=True)
