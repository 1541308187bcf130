"""Reading the content folder: which files there are, and every article parsed once.

Parsing Markdown is most of a build's work. A parsed file is kept (in BuildCache) under its
content hash and reused while the file, the registries and the program stay the same; a
file whose size and time are unchanged is not even read. What is left is parsed on all cores.

Only what is inside the content folder is ever read: a symlink that leads out of it is an error,
and a file is read whole and as one version, or not at all (contentfiles.read_whole).
"""
from __future__ import annotations

import hashlib
import os
import time
from stat import S_ISREG
from dataclasses import dataclass
from pathlib import Path

from . import entrypickle
from .content import Article, Loaded, Reader
from .contentfiles import MAX_FILE_BYTES, Unreadable, check_used_files, read_whole, too_large
from .errors import Problems
from .registry import Registries
from .workers import in_workers

PARALLEL_FROM = 200  # fewer files than this parse faster than a pool of processes starts
OUTSIDE = (-1, -1)   # scan()'s state for a symlink that leads out of the folder: never to be read
# A file changed less than this before it was read may change again within the same tick of the
# file system's clock (coarse on Linux, 2 s on FAT) without its (mtime, size) showing it.
RACY_NS = 2_000_000_000
_RECHECK = (0, 0)    # a cached state that matches no file: compare the bytes next time


@dataclass(frozen=True)
class Cached:
    state: tuple[int, int]   # (mtime_ns, size) when it was read
    digest: str
    loaded: Loaded


def scan(folder: Path, links: set[str] | None = None) -> dict[str, tuple[int, int]]:
    """Every file below folder (relative, with '/') with its (mtime_ns, size); hidden names skipped
    (editors' swap and lock files, .git). Symlinks are followed only while they stay inside the
    folder; one that leads out is listed with the state OUTSIDE, one that loops is left out.
    links, if given, receives the relative paths of the links met."""
    found: dict[str, tuple[int, int]] = {}
    root = os.path.realpath(folder)
    inside = root.rstrip(os.sep) + os.sep

    def walk(path: str, real_path: str, prefix: str, ancestors: frozenset[str]) -> None:
        try:
            listed = os.scandir(path)
        except FileNotFoundError:  # a folder removed since its parent was listed
            return
        with listed as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                rel = prefix + entry.name
                real = os.path.join(real_path, entry.name)
                if entry.is_symlink():
                    if links is not None:
                        links.add(rel)
                    real = os.path.realpath(entry.path)
                    if real != root and not real.startswith(inside):
                        found[rel] = OUTSIDE
                        continue
                if entry.is_dir():
                    if real not in ancestors:  # else a symlink back to a folder being walked: a loop
                        walk(entry.path, real, rel + "/", ancestors | {real})
                elif entry.is_file():
                    try:
                        stat = entry.stat()
                    except FileNotFoundError:  # gone since listed: an editor's copy renamed over the original
                        continue
                    found[rel] = (stat.st_mtime_ns, stat.st_size)

    if folder.is_dir():
        walk(str(folder), root, "", frozenset([root]))
    return dict(sorted(found.items()))


def rescan(folder: Path, files: dict[str, tuple[int, int]], saved) -> tuple[dict[str, tuple[int, int]], set[str]] | None:
    """scan(folder) as it is now, from an earlier scan and the paths saved since (absolute, as
    the file system reported them), without walking every file: only those are looked at; with
    them, relative, the only files that can differ from the earlier scan. None
    where only a walk can tell: a path outside the folder (a template), a folder or a link, or
    a folder of known files gone (moved away: its files are not reported). A folder whose scan
    followed links needs a walk too: a save is reported under one name, scan() lists the file
    under each (see `links`)."""
    now, looked = dict(files), set()
    root = os.path.abspath(folder)
    for path in saved:
        try:
            rel = os.path.relpath(path, root)
        except ValueError:  # another drive (Windows): not in the folder
            return None
        if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
            return None
        if any(part.startswith(".") for part in rel.split(os.sep)):
            continue  # skipped by scan() too
        rel_path = rel.replace(os.sep, "/")
        looked.add(rel_path)
        try:
            stat = os.lstat(path)
        except FileNotFoundError:
            # A file known there is gone; a folder that held known files moved away (its files
            # are not reported one by one); anything else came and went (an editor's test file).
            if now.pop(rel_path, None) is None and any(known.startswith(rel_path + "/") for known in files):
                return None
            continue
        except OSError:
            return None
        if not S_ISREG(stat.st_mode):
            return None
        now[rel_path] = (stat.st_mtime_ns, stat.st_size)
    return now, looked


_READER: Reader | None = None


def _init_worker(reader: Reader) -> None:
    global _READER
    _READER = reader


def _parse_chunk(chunk: list[tuple[str, bytes]]) -> bytes:
    """The chunk's results, their registry entries by reference: the main process gets its own
    entries back, not a copy of each for each article."""
    return entrypickle.dumps([_READER.read(source, raw) for source, raw in chunk], _READER.registries)


def _parse_all(reader: Reader, todo: list[tuple[str, bytes]], jobs: int) -> list[Loaded]:
    if jobs <= 1 or len(todo) < PARALLEL_FROM:
        return [reader.read(source, raw) for source, raw in todo]
    # Interleaved chunks: long and short articles spread evenly over the workers.
    count = jobs * 4
    chunks = [tuple(todo[i::count]) for i in range(count)]
    by_source, tags = {}, {}
    for chunk, results in in_workers(_parse_chunk, chunks, jobs, initializer=_init_worker, initargs=(reader,)):
        for (source, _), loaded in zip(chunk, entrypickle.loads(results, reader.registries, tags)):
            by_source[source] = loaded
    return [by_source[source] for source, _ in todo]


def load_articles(content: Path, files: dict[str, tuple[int, int]], registries: Registries,
                  problems: Problems, cache: dict[str, Cached], jobs: int) -> dict[str, Loaded]:
    """Loaded results by source path; reports every file's problems into problems."""
    present = frozenset(source for source, state in files.items() if state != OUTSIDE)
    results: dict[str, Loaded] = {}
    todo, states = [], {}
    for source, state in files.items():
        if state == OUTSIDE:
            problems.error(content / source, 1, "symlink points outside the content folder")
            continue
        if not source.endswith(".md"):
            continue
        entry = cache.get(source)
        if entry and entry.state == state and entry.loaded.still_valid(present):
            results[source] = entry.loaded
            continue
        try:
            if state[1] > MAX_FILE_BYTES:  # known from the scan: not even opened
                raise too_large(state[1])
            raw = read_whole(content / source)
        except Unreadable as exc:
            problems.error(content / source, 1, str(exc))
            continue
        if time.time_ns() - state[0] < RACY_NS:
            state = _RECHECK  # it may change again unseen: next time, compare its bytes
        digest = hashlib.sha1(raw).hexdigest()
        if entry and entry.digest == digest and entry.loaded.still_valid(present):
            cache[source] = Cached(state, digest, entry.loaded)
            results[source] = entry.loaded
            continue
        todo.append((source, raw))
        states[source] = (state, digest)
    reader = Reader(content, registries, present)
    for (source, _), loaded in zip(todo, _parse_all(reader, todo, jobs)):
        cache[source] = Cached(*states[source], loaded)
        results[source] = loaded
    for gone in set(cache) - set(results):
        del cache[gone]
    for source in sorted(results):
        problems.errors.extend(results[source].errors)
        problems.warnings.extend(results[source].warnings)
    _check_used_files(content, results, problems)
    return dict(sorted(results.items()))


def _check_used_files(content: Path, results: dict[str, Loaded], problems: Problems) -> None:
    """The files the articles (drafts too) link to, checked on every build: they are not part of
    any article's cached result."""
    articles = articles_of(results)
    used = sorted({rel for a in articles for rel in a.files} | {a.image for a in articles if a.image})

    def read(rel: str) -> bytes | None:
        try:
            return read_whole(content / rel)
        except Unreadable as exc:
            problems.error(content / rel, 1, str(exc))
            return None

    check_used_files(content, used, read, problems)


def articles_of(loaded: dict[str, Loaded]) -> list[Article]:
    return [item.article for item in loaded.values() if item.article is not None]
