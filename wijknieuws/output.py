"""Writing the site without ever losing the published one.

A build writes a complete new site into a staging folder beside --out and swaps it in with
one atomic rename only after everything rendered. If anything fails, or the process is killed,
the old --out is untouched and the next build clears the stale staging folder.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path

from .errors import UsageError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc if hasattr(libc, "renameat2") else None
    except OSError:
        return None


_LIBC = _libc()


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2); False where the system cannot."""
    if _LIBC is None:
        return False
    result = _LIBC.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


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


class Transaction:
    """`with Transaction(out) as tx: tx.write(...); tx.commit()` - all or nothing."""

    def __init__(self, out: Path):
        self.out = out
        self.staging = out.parent / f".{out.name}.wijknieuws-staging"
        self.written = 0
        self._dirs: set[Path] = set()

    def __enter__(self) -> "Transaction":
        if self.staging.exists():  # left by a build that was killed
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        return self

    def __exit__(self, *exc) -> None:
        if self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)

    def _target(self, rel: str) -> Path:
        path = self.staging / rel
        parent = path.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        return path

    def write(self, rel: str, data: bytes) -> None:
        self._target(rel).write_bytes(data)
        self.written += 1

    def copy(self, source: Path, rel: str) -> None:
        shutil.copyfile(source, self._target(rel))
        self.written += 1

    def commit(self) -> None:
        if not self.out.exists():
            self.staging.rename(self.out)
        elif not _exchange(self.staging, self.out):
            # Without an atomic exchange there is a moment with no --out; keep it as short as can be.
            old = self.out.parent / f".{self.out.name}.wijknieuws-old"
            if old.exists():
                shutil.rmtree(old)
            self.out.rename(old)
            self.staging.rename(self.out)
            shutil.rmtree(old)
        # after the exchange the staging name holds the previous site; __exit__ removes it
