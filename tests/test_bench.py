"""Smoke test of the benchmark harness: it runs end to end on 50 articles and writes its table.

No timing is asserted: only that bench/run.py measures wijknieuws and writes the results.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


REPO = Path(__file__).resolve().parent.parent
RUN = REPO / "bench" / "run.py"


def test_bench_runs_at_50_articles(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Bench\n\nKept.\n\n<!-- results -->\nold figures\n<!-- /results -->\n\nAlso kept.\n")
    work = tmp_path / "work"
    done = subprocess.run(
        [sys.executable, str(RUN), "--n", "50", "--runs", "1", "--peers", "none",
         "--work", str(work), "--readme", str(readme), "--wait-idle", "0"],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

    text = readme.read_text()
    assert text.startswith("# Bench\n\nKept.\n") and text.rstrip().endswith("Also kept.")
    assert "old figures" not in text
    block = text[text.index("<!-- results -->"):text.index("<!-- /results -->")]
    assert "### 50 articles" in block
    assert "| engine | cold build | no-change | one-edit | peak memory |" in block
    rows = [line for line in block.splitlines() if line.startswith("| wijknieuws")]
    assert len(rows) == 1
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert all(c.endswith(")") and (" s (" in c or " MiB (" in c) for c in cells[1:6]), rows[0]
    assert "| edited page on disk | whole site rebuilt |" in block  # serve, measured too

    results = json.loads((work / "results.json").read_text())
    runs = results["results"]["50"]["wijknieuws"]["runs"]
    assert len(runs) == 1 and set(runs[0]) == {"cold", "nochange", "oneedit"}
    assert all(m["wall"] > 0 and m["rss_kib"] > 0 and m["tree_kib"] is None for m in runs[0].values())
    sampled = results["results"]["50"]["wijknieuws"]["sampled"]  # the memory of all processes, apart
    assert all(m["tree_kib"] > 0 for m in sampled.values())
    serve = results["results"]["50"]["wijknieuws"]["serve"]
    assert len(serve["page"]) == len(serve["site"]) == len(serve["reported"]) > 0
    # the one-edit build changed the newest article, and the edit was undone afterwards
    content = work / "n50" / "wijknieuws" / "content"
    assert not any("Aanvulling" in p.read_text() for p in content.glob("*/*.md"))
    assert not (work / "trash").exists()  # earlier outputs set aside during the run, removed at its end
    assert list((work / "n50" / "wijknieuws" / "site").rglob("index.html"))


def test_the_corpus_is_deterministic_and_article_i_does_not_depend_on_n(tmp_path):
    from conftest import CORPUS, tree_bytes

    def generate(n: int, name: str, *extra: str) -> Path:
        subprocess.run([sys.executable, str(CORPUS), "--n", str(n), "--out", str(tmp_path / name), *extra],
                       check=True, capture_output=True, timeout=120)
        return tmp_path / name

    one, again = tree_bytes(generate(30, "a")), tree_bytes(generate(30, "b"))
    assert one == again and len(one) == 34  # 30 articles and the four registries
    larger = tree_bytes(generate(60, "c"))
    front = lambda data: data.split(b"\n---\n", 1)[0]  # noqa: E731
    assert all(front(larger[rel]) == front(data) for rel, data in one.items() if rel.endswith(".md"))
    for fmt in ("hugo", "pelican"):
        assert len([p for p in generate(5, fmt, "--format", fmt).rglob("*.md")]) == 5


def test_the_photo_corpus_has_phone_photos(tmp_path):
    from PIL import Image

    from conftest import CORPUS

    subprocess.run([sys.executable, str(CORPUS), "--n", "4", "--out", str(tmp_path / "ours"), "--photos"],
                   check=True, capture_output=True, timeout=300)
    photos = sorted((tmp_path / "ours/images").glob("*.jpg"))
    assert len(photos) == 4
    orientations = []
    for path in photos:
        with Image.open(path) as image:
            exif = image.getexif()
            assert image.size == (4000, 3000) and exif[0x0110] and exif.get_ifd(0x8825)  # camera, GPS
            orientations.append(exif[0x0112])
        assert path.stat().st_size > 1_000_000
    assert sorted(orientations) == [1, 1, 1, 6]  # one portrait, stored sideways
    assert all("image: images/" in p.read_text() for p in (tmp_path / "ours").glob("*/*.md"))


def test_the_photo_bench_runs(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Bench\n\n<!-- photos -->\nfigures from before\n<!-- /photos -->\n")
    done = subprocess.run([sys.executable, str(REPO / "bench/photos.py"), "--n", "3", "--peers", "none", "--wait-idle", "0",
                           "--work", str(tmp_path / "work"), "--readme", str(readme)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    text = readme.read_text()
    assert "figures from before" not in text
    [row] = [line for line in text.splitlines() if line.startswith("| wijknieuws")]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "3" and all(" s (" in c for c in cells[2:7]) and all(" MiB (" in c for c in cells[7:9])
