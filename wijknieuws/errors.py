"""Content problems: one type that carries path and line, collected rather than raised."""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def display_path(path: Path | str) -> str:
    """Paths in messages are relative to the current directory, as editors typed them."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def printable(text: str) -> str:
    """Control characters from content shown as escapes: one problem stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def closest(word: str, choices, *, cutoff: float = 0.6) -> str | None:
    """The choice closest to word, ignoring letter case, or None when nothing is close."""
    lowered = {str(c).lower(): c for c in choices}
    match = difflib.get_close_matches(str(word).lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[match[0]] if match else None


def suggest(word: str, choices) -> str:
    """' (did you mean 'X'?)' for the closest choice, or '' when nothing is close."""
    match = closest(word, choices)
    return f" (did you mean '{match}'?)" if match else ""


@dataclass
class Problems:
    """Collects every problem of a run so that editors see all of them at once."""

    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)

    def error(self, path: Path | str, line: int, message: str) -> None:
        self.errors.append(ContentError(display_path(path), max(1, line), printable(message)))

    def warn(self, path: Path | str, line: int, message: str) -> None:
        self.warnings.append(ContentError(display_path(path), max(1, line), printable(message)))

    def __bool__(self) -> bool:
        return bool(self.errors)


class ContentErrors(Exception):
    """Raised once, at the end of a stage, when that stage collected errors."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors))
        super().__init__(self.errors)  # the errors as args: it crosses process boundaries intact

    def __str__(self) -> str:
        return f"{len(self.errors)} content error(s)"


class UsageError(Exception):
    """Wrong use of the command line: exit code 2."""
