"""The command line: `wijknieuws build|check|new ...` (SPEC section 1)."""
from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from . import __version__
from .decisions import open_too_long
from .errors import ContentErrors, UsageError
from .output import waiting_notice
from .workers import WorkerLost
from .pipeline import Options, build, load, open_cache
from .registry import base_url_problem

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own usage errors, with our exit code
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _content_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                        help="the content folder (default: content)")


def _build_options(parser: argparse.ArgumentParser) -> None:
    _content_option(parser)
    parser.add_argument("--templates", type=Path, metavar="DIR",
                        help="templates that override the default theme (default: ./templates if present)")
    parser.add_argument("--out", type=Path, default=Path("site"), metavar="DIR",
                        help="the output folder, replaced as a whole by each build (default: site)")
    parser.add_argument("--drafts", action="store_true", help="include articles with 'draft: true'")
    parser.add_argument("--base-url", metavar="URL", help="override base_url from site.yml")
    parser.add_argument("--jobs", type=int, metavar="N", help="processes to parse and render with (default: all cores)")
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    loudness.add_argument("-v", "--verbose", action="store_true", help="also print the time of each step")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="wijknieuws",
                     description="Build a city's news and decisions into a static website.",
                     epilog="Without a command, 'build' runs. Exit codes: 0 success, 1 content errors, 2 wrong usage.")
    parser.add_argument("--version", action="version", version=f"wijknieuws {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _build_options(commands.add_parser("build", help="build the site (the default command)",
                                       description="Build the site from the content folder into --out."))
    server = commands.add_parser("serve", help="build, serve the site and rebuild it on every save", description=(
        "Build the site, serve --out with live reload and rebuild on every save in the content or "
        "templates folder. While the content has errors, every page lists them and --out is unchanged."))
    server.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default: 127.0.0.1, only this computer)")
    server.add_argument("--port", type=int, default=8000, help="the port to listen on (default: 8000)")
    _build_options(server)
    _content_option(commands.add_parser("check", help="validate all content and write nothing", description=(
        "Validate all content (drafts too) and write nothing. Also reminds of open decisions without news "
        "for more than reminder_months (site.yml, default 6) months; a reminder is not an error.")))
    new = commands.add_parser("new", help="start a new article", description=(
        "Write <content>/<year>/<slug>.md with its front matter filled in and print its path."))
    new.add_argument("title", help="the title of the article")
    new.add_argument("--wijk", required=True, metavar="NAME", help="the wijk, by name or slug")
    new.add_argument("--type", default="nieuws", metavar="T",
                     help="nieuws (default), besluit, memo, raadsvragen or raadsvoorstel")
    _content_option(new)
    letter = commands.add_parser("newsletter", help="export a newsletter edition", description=(
        "Write nieuwsbrief.html, nieuwsbrief.txt and nieuwsbrief.eml with the articles of a period "
        "and record the edition in <content>/nieuwsbrieven.yml. Run daily without --since: each "
        "edition starts the day after the last one of its list, and takes the articles that were "
        "published after their day's edition went out, so every article is sent once."))
    letter.add_argument("--since", metavar="YYYY-MM-DD",
                        help="first day of the period (default: the day after the newest recorded edition "
                             "of the same list)")
    letter.add_argument("--until", metavar="YYYY-MM-DD", help="last day of the period (default: today)")
    letter.add_argument("--wijk", metavar="NAME", help="only this wijk's news, by name or slug")
    _content_option(letter)
    letter.add_argument("--out", type=Path, metavar="DIR",
                        help="the folder to write to (default: nieuwsbrief/<id>/)")
    letter.add_argument("--no-record", action="store_true",
                        help="do not add the edition to nieuwsbrieven.yml")
    letter.add_argument("--dry-run", action="store_true",
                        help="only list the articles the edition would hold; write and record nothing")
    return parser


def _report(errors) -> None:
    for error in errors:
        print(error, file=sys.stderr)


def _require_folder(path: Path, what: str) -> None:
    if not path.is_dir():
        raise UsageError(f"{what} folder '{path}' does not exist")


def _progress(args):
    """A progress bar on a terminal, for builds that take longer than a moment; else nothing."""
    if args.quiet or not sys.stderr.isatty():
        return lambda items, total: items
    from tqdm import tqdm

    return lambda items, total: tqdm(items, total=total, unit="chunk", desc="rendering", leave=False,
                                     delay=0.5, file=sys.stderr)


def _options(args) -> Options:
    """The build options of `build` and `serve`, checked."""
    _require_folder(args.content, "content")
    if args.templates is not None:
        _require_folder(args.templates, "templates")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.base_url is not None and (problem := base_url_problem(args.base_url)):
        raise UsageError(f"--base-url: {problem}")
    return Options(content=args.content, out=args.out, templates=args.templates, drafts=args.drafts,
                   base_url=args.base_url, jobs=args.jobs or os.cpu_count() or 1)


def cmd_build(args) -> int:
    options = _options(args)
    try:
        result = build(options, progress=_progress(args),
                       on_wait=lambda: print(waiting_notice(args.out), file=sys.stderr, flush=True))
    except ContentErrors as exc:
        _report(exc.errors)
        print(f"{len(exc.errors)} error(s); nothing written, '{args.out}' is unchanged.", file=sys.stderr)
        return EXIT_CONTENT
    _report(f"{w.path}:{w.line}: warning: {w.message}" for w in result.warnings)
    if args.quiet:
        return EXIT_OK
    if result.articles < 0:
        print(f"Nothing changed: '{args.out}' is up to date ({result.pages} files, {result.seconds:.2f} s).")
    else:
        print(f"Built {result.articles} articles into '{args.out}': {result.written} files written, "
              f"{result.pages - result.written} unchanged, in {result.seconds:.2f} s.")
    if args.verbose:
        for step, seconds in result.laps:
            print(f"  {seconds:6.2f} s  {step}")
    return EXIT_OK


def cmd_serve(args) -> int:
    from .serve import serve

    if not 0 < args.port < 65536:
        raise UsageError("--port must be between 1 and 65535")
    serve(_options(args),
          args.host, args.port, quiet=args.quiet)
    return EXIT_OK


def cmd_check(args) -> int:
    _require_folder(args.content, "content")
    try:
        loading = load(Options(content=args.content, drafts=True, jobs=os.cpu_count() or 1))
    except ContentErrors as exc:
        _report(exc.errors)
        print(f"{len(exc.errors)} error(s).", file=sys.stderr)
        return EXIT_CONTENT
    _report(f"{w.path}:{w.line}: warning: {w.message}" for w in loading.problems.warnings)
    model = loading.model
    _report(open_too_long(model.decisions, model.config.reminder_months, args.content, date.today()))
    print(f"{len(loading.model.articles)} articles, no errors.", file=sys.stderr)
    return EXIT_OK


def cmd_new(args) -> int:
    from .newarticle import new_article

    _require_folder(args.content, "content")
    print(new_article(args.content, args.title, args.wijk, args.type, date.today()))
    return EXIT_OK


def cmd_newsletter(args) -> int:
    from .newsletter import NothingToSend, describe, export, plan
    from .render import make_environment, theme_dirs
    from .sharing import brand_of

    _require_folder(args.content, "content")
    try:
        # with the build's cache of the default site: the pictures' copies (the e-mail links to
        # them on the site) are made there once, for the build to publish
        options = Options(content=args.content)
        model = load(options, open_cache(options)).model
        edition = plan(model, args.content, args.since, args.until, args.wijk)
        if args.dry_run:
            print(describe(edition))
            return EXIT_OK
        # the theme the build uses by default, so that the site's copy has the same bytes
        folder = export(model, make_environment(theme_dirs(None)), args.content, edition, args.out,
                        record_edition=not args.no_record, brand=brand_of(model, theme_dirs(None), args.content))
    except ContentErrors as exc:
        _report(exc.errors)
        print(f"{len(exc.errors)} error(s); nothing written.", file=sys.stderr)
        return EXIT_CONTENT
    except NothingToSend as exc:
        print(f"wijknieuws: {exc}", file=sys.stderr)
        # the daily routine (no --since) on a day without news: nothing to send, and no failure
        return EXIT_OK if exc.daily else EXIT_CONTENT
    print(folder)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    handler = {"build": cmd_build, "serve": cmd_serve, "check": cmd_check, "new": cmd_new,
               "newsletter": cmd_newsletter}[args.command]
    try:
        return handler(args)
    except UsageError as exc:
        print(f"wijknieuws: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except WorkerLost as exc:
        print(f"wijknieuws: error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        return 130
