"""Whole pages compared with golden copies, so any change to the output is seen and meant.

Refresh on purpose, and review the diff: UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
PAGES = {"article.html": "nieuws/vlieger/index.html", "wijk.html": "wijk/rokkeveen/index.html",
         "feed.xml": "wijk/rokkeveen/feed.xml"}


@pytest.mark.parametrize("golden, built", sorted(PAGES.items()))
def test_page_matches_golden_copy(cli, content, tmp_path, golden, built):
    assert cli("build").code == 0
    actual = (tmp_path / "site" / built).read_text(encoding="utf-8")
    expected_file = GOLDEN / golden
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8"), (
        f"{built} differs from tests/golden/{golden}; if the change is meant, refresh with UPDATE_GOLDEN=1")
