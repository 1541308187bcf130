"""Reading the content folder: which files there are, and every article parsed once.

Parsing Markdown is most of a build's work. A parsed file is kept (in BuildCache) under its
content hash and reused while the file, the registries and the program stay the same; a
file whose size and time are unchanged is not even read. What is left is parsed on all cores.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

from .content import Article, Loaded, Reader
from .errors import Problems
from .registry import Registries

PARALLEL_FROM = 200  # fewer files than this parse faster than a pool of processes starts


@dataclass(frozen=True)
class Cached:
    state: tuple[int, int]   # (mtime_ns, size) when it was read
    digest: str
    loaded: Loaded


def scan(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below folder (relative, with '/') with its (mtime_ns, size); hidden names skipped
    (editors' swap and lock files, .git)."""
    found: dict[str, tuple[int, int]] = {}

    def walk(path: str, prefix: str) -> None:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    walk(entry.path, prefix + entry.name + "/")
                elif entry.is_file():
                    stat = entry.stat()
                    found[prefix + entry.name] = (stat.st_mtime_ns, stat.st_size)

    if folder.is_dir():
        walk(str(folder), "")
    return dict(sorted(found.items()))


_READER: Reader | None = None


def _init_worker(reader: Reader) -> None:
    global _READER
    _READER = reader


def _parse_chunk(chunk: list[tuple[str, bytes]]) -> list[Loaded]:
    return [_READER.read(source, raw) for source, raw in chunk]


def _parse_all(reader: Reader, todo: list[tuple[str, bytes]], jobs: int) -> list[Loaded]:
    if jobs <= 1 or len(todo) < PARALLEL_FROM:
        return [reader.read(source, raw) for source, raw in todo]
    # Interleaved chunks: long and short articles spread evenly over the workers.
    count = jobs * 4
    chunks = [todo[i::count] for i in range(count)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(jobs, initializer=_init_worker, initargs=(reader,)) as pool:
        parsed = pool.map(_parse_chunk, chunks, chunksize=1)
    by_source = {}
    for chunk, results in zip(chunks, parsed):
        for (source, _), loaded in zip(chunk, results):
            by_source[source] = loaded
    return [by_source[source] for source, _ in todo]


def load_articles(content: Path, files: dict[str, tuple[int, int]], registries: Registries,
                  problems: Problems, cache: dict[str, Cached], jobs: int) -> dict[str, Loaded]:
    """Loaded results by source path; reports every file's problems into problems."""
    present = frozenset(files)
    results: dict[str, Loaded] = {}
    todo, states = [], {}
    for source, state in files.items():
        if not source.endswith(".md"):
            continue
        entry = cache.get(source)
        if entry and entry.state == state and entry.loaded.still_valid(present):
            results[source] = entry.loaded
            continue
        try:
            raw = (content / source).read_bytes()
        except OSError as exc:  # removed or unreadable between the scan and now
            problems.error(content / source, 1, f"cannot read the file: {exc.strerror}")
            continue
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
    return dict(sorted(results.items()))


def articles_of(loaded: dict[str, Loaded]) -> list[Article]:
    return [item.article for item in loaded.values() if item.article is not None]
