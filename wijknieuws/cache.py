"""What a build keeps for the next one, next to --out in .wijknieuws-cache/ (safe to delete).

Apart, so that a build with nothing to do reads only the small one, and an edit rewrites
little:
- <out>.state: a fingerprint of the inputs of the last good build, and for each output tree
  (by its folder's inode: the live --out and its shadow copy swap places at every build)
  what each file was made from and its hash;
- <out>.articles/NN.pickle: parsed articles, a few hundred to a file by their path's hash,
  their registry entries by reference (entrypickle.py)
  (valid while the program, the registries and the working directory, which error paths are
  relative to, stay the same: the namespace); only files with a changed article are written
  again;
- <out>.pickle: the search index, what the model reuses and what each page showed;
- <out>.media/: the copies made of pictures, by the picture's hash (images.MediaStore).
A file that cannot be read, or was written by another program (other code, another library
version: program_id), is ignored, never trusted.
Each parsed article carries the size, time and hash of its file, so a shard older or newer
than the rest (a build killed while saving) is still never wrong about an article.
"""
from __future__ import annotations

import copy
import hashlib
import os
import pickle
import sys
import zlib
from dataclasses import dataclass, field, fields, is_dataclass
import importlib.util
from pathlib import Path

import babel
import jinja2
import markdown
import nh3
import slugify
import snowballstemmer
import yaml

from . import __version__, entrypickle
from .fingerprint import Dependencies
from .images import MediaIndex
from .registry import Registries
from .search import SearchIndex

# What makes the parsed articles, pages and e-mails besides the content and the templates.
_LIBRARIES = (markdown, nh3, jinja2, babel, yaml, snowballstemmer, slugify)
# Known by their installed files' times, without importing them: MarkupSafe deprecates its
# __version__, and asking importlib.metadata would cost every command 13 ms.
_MODULES = ("markupsafe", "css_inline", "Stemmer")


def program_id(package: Path = Path(__file__).parent) -> str:
    """The program as it runs: its version, its own source files, and its libraries' versions.
    The version number alone stays the same across a pull that changes the code or an upgrade
    of Python-Markdown or nh3, and a cache kept through one would show what the old code made."""
    # Python's version too: the e-mails' MIME parts come from its own email package.
    digest = hashlib.sha1(__version__.encode() + sys.version.encode())
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for library in _LIBRARIES:  # without a version attribute, the time its module was installed
        stamp = getattr(library, "__version__", None) or os.stat(library.__file__).st_mtime_ns
        digest.update(f"{library.__name__}={stamp}\0".encode())
    for name in _MODULES:
        spec = importlib.util.find_spec(name)
        try:
            stamp = os.stat(spec.origin).st_mtime_ns
        except (AttributeError, TypeError, OSError):  # pragma: no cover - not installed: what it makes fails
            stamp = "?"
        digest.update(f"{name}={stamp}\0".encode())
    return digest.hexdigest()[:16]


PROGRAM = program_id()
FORMAT = f"wijknieuws-cache-6-{PROGRAM}"
SHARDS = 64


@dataclass
class Content:
    namespace: str = ""
    articles: dict = field(default_factory=dict)       # source -> loader.Cached; saved as _Shards
    search: SearchIndex = field(default_factory=SearchIndex)
    model: dict = field(default_factory=dict)          # model.build_model's memo
    records: dict = field(default_factory=dict)        # opendata.articles_file's lines
    decision_lines: dict = field(default_factory=dict)  # opendata.decisions_file's lines
    editions: dict = field(default_factory=dict)       # newsletter.site_files' recorded editions
    templates: dict = field(default_factory=dict)      # render.Renderer's templates' references
    pages: Dependencies = field(default_factory=Dependencies)
    media: MediaIndex = field(default_factory=MediaIndex)  # what each picture file held when last seen

    def __getstate__(self):
        """Without the articles (saved apart, as _Shards), and without the search terms that are
        the very ones of an article there: those are named (with their file's hash) and taken
        back from it when the articles are read (restore_search), not saved twice (15 of 34 MB
        at 10,000 articles, and twice in memory after reading)."""
        # Named before and not restored since (no article was read): still named.
        search, named = self.search, dict(self.__dict__.get("_named_terms", {}))
        if search.terms:
            search = copy.copy(search)
            search.terms = {}
            for source, terms in self.search.terms.items():
                entry = self.articles.get(source)
                if entry is not None and entry.loaded.terms is terms:
                    named[source] = entry.digest
                else:
                    search.terms[source] = terms
        return {**self.__dict__, "articles": {}, "search": search, "_named_terms": named}

    def restore_search(self, same: bool) -> None:
        """Takes the search terms named when saved back from the articles read since, if parsed
        in the same namespace (same: other registries give other terms); a search index whose
        terms cannot all be found (an article changed since) is made anew."""
        named = self.__dict__.pop("_named_terms", {})
        if named and not same:
            self.search = SearchIndex()
            return
        for source, digest in named.items():
            entry = self.articles.get(source)
            if entry is None or entry.digest != digest:
                self.search = SearchIndex()
                return
            self.search.terms[source] = entry.loaded.terms


@dataclass
class State:
    inputs: str = ""                                   # fingerprint of the inputs of the last good build
    trees: dict = field(default_factory=dict)          # inode of a tree -> {path: (fingerprint, digest)}
    folders: dict = field(default_factory=dict)        # output.folder_stamps() of the live tree
    recent: dict = field(default_factory=dict)         # content files saved just before it: their bytes' hash


def _read(path: Path, kind: type):
    try:
        with open(path, "rb") as handle:
            if handle.readline().decode().strip() != FORMAT:
                return kind()
            value = pickle.load(handle)
    except Exception:  # missing, truncated, from another version: start afresh
        return kind()
    # A field added since the file was written would be missing: such a file is not ours either.
    whole = isinstance(value, kind) and all(hasattr(value, f.name) for f in fields(kind)) if is_dataclass(kind) \
        else isinstance(value, kind)
    return value if whole else kind()


def _write(path: Path, value, dump=None) -> None:
    """The format line, then value pickled (by dump(value, handle) if given), in a temporary
    file put in place whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(FORMAT.encode() + b"\n")
        if dump is None:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        else:
            dump(value, handle)
    os.replace(temporary, path)


def _forget(state: State, tree: int, path: str) -> None:
    """The file at path is not what the build left there; its folder's time tells nothing either."""
    files = state.trees.get(tree)
    if files is not None and path in files:
        files[path] = (None, None)
        folder = path.rpartition("/")[0]
        if folder in state.folders:
            state.folders[folder] = None


def _shard(source: str) -> int:
    return zlib.crc32(source.encode()) % SHARDS


class _Shards:
    """The parsed articles, in SHARDS files: a build writes only those whose articles changed."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._saved: dict = {}  # source -> the entry as it is on disk

    def _path(self, shard: int) -> Path:
        return self.folder / f"{shard:02d}.pickle"

    def read(self, namespace: str, registries: Registries) -> dict:
        """The articles parsed with these registries (the namespace names them): each shard holds
        its namespace, then its articles with their registry entries by reference
        (entrypickle.py), which only these registries can read."""
        articles, tags = {}, {}
        for shard in range(SHARDS):
            try:
                with open(self._path(shard), "rb") as handle:
                    if handle.readline().decode().strip() == FORMAT and pickle.load(handle) == namespace:
                        found = entrypickle.load(handle, registries, tags)
                        if isinstance(found, dict):
                            articles.update(found)
            except Exception:  # missing, truncated, from another version: its articles are parsed again
                continue
        self._saved = dict(articles)
        return articles

    def write(self, articles: dict, namespace: str, registries: Registries) -> None:
        saved = self._saved
        changed = {_shard(source) for source in articles.keys() | saved.keys()
                   if articles.get(source) is not saved.get(source)}
        shards: dict[int, dict] = {shard: {} for shard in changed}
        for source, entry in articles.items():
            if (shard := _shard(source)) in shards:
                shards[shard][source] = entry
        def dump(entries: dict, handle) -> None:  # the namespace first: read() checks it before the rest
            pickle.dump(namespace, handle, protocol=pickle.HIGHEST_PROTOCOL)
            entrypickle.dump(entries, handle, registries)

        for shard, entries in shards.items():
            _write(self._path(shard), entries, dump)
        self._saved = dict(articles)


class BuildCache:
    """Backed by files (folder/name.*), or in memory only (for `check`)."""

    def __init__(self, folder: Path | None = None, name: str = "site"):
        self._files = (folder / f"{name}.state", folder / f"{name}.pickle") if folder else None
        # Files of the live site made unknown since the state was written (forget): a line each.
        self._forgotten = folder / f"{name}.state.forgotten" if folder else None
        self._shards = _Shards(folder / f"{name}.articles") if folder else None
        # The copies made of pictures (images.MediaStore): kept apart from the pickles, by content,
        # and not tied to the program's version (making them again takes minutes).
        self.media_root = folder / f"{name}.media" if folder else None
        self.state = self._read_state() if self._files else State()
        self._state_seen = self._state_stamp()
        self._content: Content | None = None if self._files else Content()
        self.last = None  # pipeline.LastBuild, in memory only
        self._registries: Registries | None = None  # those of the articles in content.articles

    def _state_stamp(self) -> tuple | None:
        if not self._files:
            return None
        stamps = []
        for path in (self._files[0], self._forgotten):
            try:
                stat = os.stat(path)
                stamps.append((stat.st_ino, stat.st_mtime_ns, stat.st_size))
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def _read_state(self) -> State:
        state = _read(self._files[0], State)
        try:
            lines = self._forgotten.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        for line in lines:
            tree, _, path = line.partition("\t")
            if tree.isdigit() and path:
                _forget(state, int(tree), path)
        return state

    def forget(self, tree: int, path: str) -> None:
        """A file of the live site (the tree with inode `tree`) is no longer what the state says
        (serve replaced it ahead of its build): the next build makes it afresh instead of
        trusting it, even one in another process after serve is stopped. Noted in a line beside
        the state rather than by writing the whole state again (0.04 s at 10,000 articles,
        ten times that at 100,000); the next save takes it in."""
        _forget(self.state, tree, path)
        if self._forgotten:
            self._forgotten.parent.mkdir(parents=True, exist_ok=True)
            with open(self._forgotten, "a", encoding="utf-8") as handle:
                handle.write(f"{tree}\t{path}\n")
            self._state_seen = self._state_stamp()

    def refresh(self) -> None:
        """For a cache kept between builds (serve): when another process (a build in another
        window) saved the state since, what is known of the output trees is that build's."""
        if self._state_stamp() != self._state_seen:
            self.state = self._read_state()
            self._state_seen = self._state_stamp()
            self.last = None

    @property
    def content(self) -> Content:
        if self._content is None:
            self._content = _read(self._files[1], Content)
        return self._content

    def articles_for(self, namespace: str, registries: Registries) -> dict:
        """The parsed articles kept, if parsed with these registries (namespace: them and what
        else a parsed article depends on); read from the shards the first time."""
        content = self.content
        same = namespace == content.namespace
        if self._registries is None and self._shards:
            # Each shard says whose articles it holds: those of a build that was stopped before
            # it saved the rest (the articles are saved first) are read too.
            content.articles = self._shards.read(namespace, registries)
        elif not same:
            content.articles = {}
        content.namespace = namespace
        content.restore_search(same)
        self._registries = registries
        return content.articles

    def save_articles(self) -> None:
        """The parsed articles alone (the shards whose articles changed), ahead of save(): a
        build does it while its workers render (a cold build at 10,000 articles: 0.3 s)."""
        if self._files and self._content is not None and self._registries is not None:  # else none read or parsed
            self._shards.write(self._content.articles, self._content.namespace, self._registries)

    def save(self, content: bool = True) -> None:
        """Writes the state, and the parsed content unless told not to (serve writes it at exit)."""
        if self._files:
            if content and self._content is not None:
                self.save_articles()  # only what changed since, if saved ahead
                _write(self._files[1], self._content)
            _write(self._files[0], self.state)
            self._forgotten.unlink(missing_ok=True)  # in the state now
            self._state_seen = self._state_stamp()
