"""The command line: `wijknieuws build|check|new ...` (SPEC section 1)."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from . import __version__
from .errors import ContentErrors, UsageError
from .pipeline import Options, build, load

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
COMMANDS = ("build", "check", "new", "newsletter")


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
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="render with N processes")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="wijknieuws",
                     description="Build a city's news and decisions into a static website.",
                     epilog="Without a command, 'build' runs. Exit codes: 0 success, 1 content errors, 2 wrong usage.")
    parser.add_argument("--version", action="version", version=f"wijknieuws {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _build_options(commands.add_parser("build", help="build the site (the default command)",
                                       description="Build the site from the content folder into --out."))
    _content_option(commands.add_parser("check", help="validate all content and write nothing",
                                        description="Validate all content (drafts too) and write nothing."))
    new = commands.add_parser("new", help="start a new article", description=(
        "Write <content>/<year>/<slug>.md with its front matter filled in and print its path."))
    new.add_argument("title", help="the title of the article")
    new.add_argument("--wijk", required=True, metavar="NAME", help="the wijk, by name or slug")
    new.add_argument("--type", default="nieuws", metavar="T",
                     help="nieuws (default), besluit, memo, raadsvragen or raadsvoorstel")
    _content_option(new)
    letter = commands.add_parser("newsletter", help="export a newsletter edition", description=(
        "Write nieuwsbrief.html, nieuwsbrief.txt and nieuwsbrief.eml with the articles of a period "
        "and record the edition in <content>/nieuwsbrieven.yml."))
    letter.add_argument("--since", required=True, metavar="YYYY-MM-DD", help="first day of the period")
    letter.add_argument("--until", metavar="YYYY-MM-DD", help="last day of the period (default: today)")
    letter.add_argument("--wijk", metavar="NAME", help="only this wijk's news, by name or slug")
    _content_option(letter)
    letter.add_argument("--out", type=Path, metavar="DIR",
                        help="the folder to write to (default: nieuwsbrief/<id>/)")
    letter.add_argument("--no-record", action="store_true",
                        help="do not add the edition to nieuwsbrieven.yml")
    return parser


def _report(errors) -> None:
    for error in errors:
        print(error, file=sys.stderr)


def _require_folder(path: Path, what: str) -> None:
    if not path.is_dir():
        raise UsageError(f"{what} folder '{path}' does not exist")


def cmd_build(args) -> int:
    _require_folder(args.content, "content")
    if args.templates is not None:
        _require_folder(args.templates, "templates")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    options = Options(content=args.content, out=args.out, templates=args.templates, drafts=args.drafts,
                      base_url=args.base_url, jobs=args.jobs)
    try:
        result = build(options)
    except ContentErrors as exc:
        _report(exc.errors)
        print(f"{len(exc.errors)} error(s); nothing written, '{args.out}' is unchanged.", file=sys.stderr)
        return EXIT_CONTENT
    _report(f"{w.path}:{w.line}: warning: {w.message}" for w in result.warnings)
    if not args.quiet:
        print(f"Built {len(result.model.articles)} articles: {result.written} files in "
              f"'{args.out}' in {result.seconds:.2f} s.")
    return EXIT_OK


def cmd_check(args) -> int:
    _require_folder(args.content, "content")
    try:
        model, problems = load(Options(content=args.content, drafts=True))
    except ContentErrors as exc:
        _report(exc.errors)
        print(f"{len(exc.errors)} error(s).", file=sys.stderr)
        return EXIT_CONTENT
    _report(f"{w.path}:{w.line}: warning: {w.message}" for w in problems.warnings)
    print(f"{len(model.articles)} articles, no errors.", file=sys.stderr)
    return EXIT_OK


def cmd_new(args) -> int:
    from .newarticle import new_article

    _require_folder(args.content, "content")
    print(new_article(args.content, args.title, args.wijk, args.type, date.today()))
    return EXIT_OK


def cmd_newsletter(args) -> int:
    from .newsletter import NothingToSend, export

    _require_folder(args.content, "content")
    try:
        folder = export(args.content, args.since, args.until, args.wijk, args.out,
                        record_edition=not args.no_record)
    except ContentErrors as exc:
        _report(exc.errors)
        print(f"{len(exc.errors)} error(s); nothing written.", file=sys.stderr)
        return EXIT_CONTENT
    except NothingToSend as exc:
        print(f"wijknieuws: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    print(folder)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    handler = {"build": cmd_build, "check": cmd_check, "new": cmd_new, "newsletter": cmd_newsletter}[args.command]
    try:
        return handler(args)
    except UsageError as exc:
        print(f"wijknieuws: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
