"""Smoke test of the search benchmark: on the sample site, without Pagefind (nothing is
installed), it asks the judged queries in Chromium and writes its table. No timing is asserted."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO


def test_search_bench_runs_on_the_sample_site(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Bench\n\n<!-- results -->\nkept\n<!-- /results -->\n\n<!-- search -->\nold\n<!-- /search -->\n")
    work = tmp_path / "work"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench/search.py"), "--sites", "sample", "--engines", "ours", "--runs", "1",
         "--wait-idle", "0", "--work", str(work), "--readme", str(readme)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr

    text = readme.read_text()
    assert "<!-- results -->\nkept\n<!-- /results -->" in text and "old" not in text
    block = text[text.index("<!-- search -->"):text.index("<!-- /search -->")]
    assert "### the sample site" in block and "61 judged queries" in block
    row = next(line for line in block.splitlines() if line.startswith("| wijknieuws |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    results = json.loads((work / "results.json").read_text())["results"]["sample"]
    ours = results["queries_run"]["ours"]
    # the page in Chromium ranks as the same code does in node (tests/test_search.py)
    assert float(cells[1]) == round(ours["p1"], 3) and ours["p1"] >= 53 / 61
    assert cells[3] == "7/7 first" or cells[3] == "6/7 first"
    assert all(size > 0 for size in ours["bytes"]) and "KB" in cells[4]
