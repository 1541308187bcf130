"""The search index: Pagefind reads the finished pages and writes a static, Dutch-stemmed index.

Pagefind splits its index into small fragments, so a reader downloads only what one query
needs, and it runs entirely in the browser from the site's own files.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .errors import ContentError, ContentErrors

BUNDLE = "pagefind"


def index_site(folder: Path) -> None:
    """Writes folder/pagefind/ from the article pages (those marked data-pagefind-body)."""
    run = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(folder), "--output-subdir", BUNDLE,
                          "--silent"], capture_output=True, text=True)
    if run.returncode != 0:  # not a content problem, but reported the same way: nothing is published
        raise ContentErrors([ContentError("pagefind", 1, (run.stderr or run.stdout).strip() or "search indexing failed")])
