"""Writing the site without ever losing the published one, and without rewriting what is the same.

The cache keeps a shadow copy of the site. A build brings the shadow up to date (only files
whose bytes changed are written; unchanged ones are hard links to the live files), then swaps
it with --out in one atomic step (Linux renameat2 RENAME_EXCHANGE). Until that step --out is
untouched, so a failed or killed build loses nothing; afterwards the previous site is the new
shadow, which the next build updates in turn. A shadow left half-made by a killed build is
marked dirty and rebuilt from scratch.
"""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import UsageError
from .loader import RACY_NS

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: one build at a time is then up to the editor
    fcntl = None

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@functools.lru_cache(maxsize=1)
def _libc():
    """The C library's renameat2, looked up at the first swap: a build with nothing to do
    needs neither it nor ctypes (4 ms to import)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc if hasattr(libc, "renameat2") else None
    except OSError:
        return None


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders; False where the system cannot."""
    libc = _libc()
    if libc is None:
        return False
    return libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def digest_of(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def folder_stamps(out: Path, files) -> dict[str, int | None]:
    """The time each folder of the site last changed, for knowing that nobody touched the site
    without listing its 25,000 files: a file added to, removed from or renamed in a folder
    changes that folder's time. A folder changed within RACY_NS of now may change again within
    the same tick of the file system's clock, unseen: its time is not trusted (None) and its
    files are listed instead."""
    folders = {""}
    for path in files:
        end = path.rfind("/")
        while end > 0 and path[:end] not in folders:  # a folder known has its parents known too
            folders.add(path[:end])
            end = path.rfind("/", 0, end)
    now, stat, prefix = time.time_ns(), os.stat, os.path.join(out, "")
    stamps = {}
    for folder in folders:
        mtime = stat(prefix + folder).st_mtime_ns
        stamps[folder] = mtime if now - mtime >= RACY_NS else None
    return stamps


def untouched(out: Path, files, stamps: dict[str, int | None]) -> bool:
    """The site still holds exactly these files (folder_stamps() taken when it did); hidden
    names aside, which no build writes."""
    stat, prefix = os.stat, os.path.join(out, "")
    try:
        for folder, mtime in stamps.items():
            if mtime is not None and stat(prefix + folder).st_mtime_ns != mtime:
                return False
    except OSError:
        return False
    racy = {folder: set() for folder, mtime in stamps.items() if mtime is None}
    if racy:
        for path in [*files, *stamps]:
            parent, _, name = path.rpartition("/")
            if parent in racy and name:
                racy[parent].add(name)
        for folder, names in racy.items():
            try:
                found = {name for name in os.listdir(prefix + folder) if not name.startswith(".")}
            except OSError:
                return False
            if found != names:
                return False
    return True


def check_out_folder(out: Path, protected: list[Path]) -> None:
    """--out may not be, contain or sit inside the content or templates folder."""
    target = out.resolve()
    for folder in protected:
        folder = folder.resolve()
        if target == folder or target in folder.parents or folder in target.parents:
            raise UsageError(f"--out '{out}' must be outside '{folder}' and must not contain it: "
                             "a build replaces the whole output folder")
    if target.exists() and not target.is_dir():
        raise UsageError(f"--out '{out}' exists and is not a folder")


@contextmanager
def one_at_a_time(lock: Path, on_wait=lambda: None, *, wait: bool = True):
    """Holds lock while the block runs; yields False (without running anything under it) when
    another process holds it and wait is False. Two builds of one --out at once would share the
    shadow copy and the cache, and swap a mix of both into the site; the second waits instead."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    yield False
                    return
                on_wait()
                fcntl.flock(handle, fcntl.LOCK_EX)
        yield True  # the lock goes with the file's closing, also when the process is killed


def waiting_notice(out: Path) -> str:
    return f"Waiting for another build of '{out}' (wijknieuws serve, or a build in another window) to end..."


def replace_live(out: Path, path: str, data: bytes, scratch: Path) -> bool:
    """One file of the live site replaced whole (serve's edited page, ahead of its build):
    written in scratch (never a half-written or stray file inside the site), then renamed in,
    so that the shadow's hard link to the old file keeps the old bytes. False where scratch is
    on another file system than --out and the rename cannot be atomic."""
    scratch.mkdir(parents=True, exist_ok=True)
    if os.stat(scratch).st_dev != os.stat(out).st_dev:
        return False
    temporary = scratch / "page.new"
    try:
        temporary.write_bytes(data)
        os.replace(temporary, out / path)
    finally:
        temporary.unlink(missing_ok=True)
    return True


_TRASH = ".trash-"
# Run apart from the build: the first process to lock the folder deletes it, any other leaves it.
_DELETE = """import fcntl, os, shutil, sys
folder = os.open(sys.argv[1], os.O_RDONLY)
try:
    fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError:
    sys.exit()
shutil.rmtree(sys.argv[1], ignore_errors=True)
"""


def discard(folder: Path) -> None:
    """Takes a folder of files out of the way at once (renamed: its name is free again) and
    deletes it in a process of its own, which the build does not wait for: deleting a shadow of
    250,000 files that no manifest describes (after an upgrade of wijknieuws, a killed build)
    took 50-100 s of a build at 100,000 articles."""
    trash = folder.with_name(f"{folder.name}{_TRASH}{os.getpid()}-{time.time_ns()}")
    try:
        os.rename(folder, trash)
    except OSError:  # it cannot be moved (a folder of a container's image layer): delete it here
        shutil.rmtree(folder)
        return
    _delete_apart(trash)


def sweep(folder: Path) -> None:
    """Deletes what discard() left of folder before, if no process is deleting it now (one
    was killed, or the machine stopped)."""
    prefix = folder.name + _TRASH
    try:
        left = [entry.path for entry in os.scandir(folder.parent) if entry.name.startswith(prefix)]
    except FileNotFoundError:
        return
    for trash in left:
        _delete_apart(Path(trash))


def _delete_apart(trash: Path) -> None:
    if fcntl is not None and sys.executable:
        try:
            subprocess.Popen([sys.executable, "-c", _DELETE, str(trash)], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            return
        except OSError:  # no process can be started now: delete it here and now
            pass
    shutil.rmtree(trash, ignore_errors=True)  # no flock (Windows) or no process: here and now


class SiteWriter:
    """Brings the shadow copy up to date file by file, then swaps it in (commit)."""

    def __init__(self, out: Path, shadow: Path, trees: dict, live_as_known: bool = True):
        self.out, self.shadow = out, shadow
        # False when files of the live site were deleted or added by hand: this build makes it
        # whole, but once swapped out it is not the tree its manifest says, so not trusted.
        self.live_as_known = live_as_known
        self.dirty = shadow.with_name(shadow.name + ".dirty")
        self.live: dict = trees.get(inode(out), {}) if out.is_dir() else {}
        self.manifest: dict[str, tuple[str, str]] = {}
        self.written = 0
        self._dirs: set[Path] = set()
        self._placed: set[str] = set()  # files this writer put in the shadow
        known = shadow.is_dir() and not self.dirty.exists() and inode(shadow) in trees
        sweep(shadow)
        if not known and shadow.exists():
            discard(shadow)
        self.old: dict = trees.get(inode(shadow), {}) if known else {}
        shadow.mkdir(parents=True, exist_ok=True)
        self.dirty.touch()  # until the swap, the shadow is half-made

    def live_digest(self, path: str, fingerprint: str) -> str | None:
        """The digest of the live file when it was made from the same inputs."""
        entry = self.live.get(path)
        return entry[1] if entry and entry[0] == fingerprint else None

    def _target(self, path: str) -> Path:
        """Where path goes in the shadow, its folder made, and no file there: the shadow holds
        exactly the old tree's files and those this writer put there (a fresh shadow holds none),
        so only those are unlinked (a cold build's 25,000 files save as many system calls)."""
        target = self.shadow / path
        if target.parent not in self._dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(target.parent)
        if path in self.old or path in self._placed:
            target.unlink(missing_ok=True)  # never write through a link into the live site
        self._placed.add(path)
        return target

    def _link_live(self, path: str, target: Path) -> bool:
        try:
            os.link(self.out / path, target)
        except FileNotFoundError:
            return False
        except OSError:  # no hard links on this file system
            shutil.copyfile(self.out / path, target)
        return True

    def keep(self, path: str, fingerprint: str, digest: str) -> bool:
        """The live file is still right: let the shadow have it too. False if it is gone."""
        if self.old.get(path, (None, None))[1] != digest:
            target = self._target(path)
            if not self._link_live(path, target):
                return False
        self.manifest[path] = (fingerprint, digest)
        return True

    def put(self, path: str, data: bytes) -> str:
        """Gives the shadow these bytes, writing them only when neither tree has them already;
        returns their digest."""
        digest = digest_of(data)
        if self.old.get(path, (None, None))[1] != digest:
            target = self._target(path)
            if self.live.get(path, (None, None))[1] != digest or not self._link_live(path, target):
                target.write_bytes(data)
                self.written += 1
        return digest

    def adopt(self, path: str, source: Path, digest: str, fingerprint: str) -> None:
        """Gives the shadow a file made elsewhere (a picture's copy in the build cache) by linking
        to it, so that the bytes are neither read nor copied; digest is theirs."""
        if self.old.get(path, (None, None))[1] != digest:
            target = self._target(path)
            if self.live.get(path, (None, None))[1] != digest or not self._link_live(path, target):
                try:
                    os.link(source, target)
                except OSError:  # another file system, or no hard links: copy
                    shutil.copyfile(source, target)
                self.written += 1
        self.record(path, fingerprint, digest)

    def record(self, path: str, fingerprint: str, digest: str) -> None:
        self.manifest[path] = (fingerprint, digest)

    def write(self, path: str, data: bytes, fingerprint: str | None = None) -> None:
        digest = self.put(path, data)
        self.record(path, fingerprint or digest, digest)

    def changes(self) -> tuple[str, ...]:
        """The files the swap will add, change or remove in --out, as far as is known of it."""
        gone = self.live.keys() - self.manifest.keys()
        return tuple(sorted(gone | {path for path, (_, digest) in self.manifest.items()
                                    if self.live.get(path, (None, None))[1] != digest}))

    def _remove_stale(self) -> None:
        for path in set(self.old) - set(self.manifest):
            target = self.shadow / path
            target.unlink(missing_ok=True)
            for parent in target.parents:
                if parent == self.shadow or any(parent.iterdir()):
                    break
                parent.rmdir()

    def _mirror(self) -> bool:
        """Fills a new shadow with links to the live files; False if one was gone."""
        self._dirs.clear()
        self.old, self._placed = {}, set()  # a new, empty folder
        return all(self._link_live(path, self._target(path)) for path in self.manifest)

    def commit(self) -> dict:
        """Swaps the shadow in; returns what is now known of the trees, by inode."""
        self._remove_stale()
        trees = {}
        if not self.out.exists():
            self.shadow.rename(self.out)
            # A first build also leaves a shadow (hard links, cheap), so that the first edit
            # after it costs what every later edit costs.
            if self._mirror():
                trees[inode(self.shadow)] = self.manifest
        else:
            if not exchange(self.shadow, self.out):
                # No atomic exchange here: keep the moment without an --out as short as can be.
                aside = self.shadow.with_name(self.shadow.name + ".new")
                self.shadow.rename(aside)
                self.out.rename(self.shadow)
                aside.rename(self.out)
            if self.live and self.live_as_known:  # the previous site, now the shadow, is known file by file
                trees[inode(self.shadow)] = self.live
        trees[inode(self.out)] = self.manifest
        self.dirty.unlink(missing_ok=True)
        return trees
