"""Crash safety (issue 7): a build killed with SIGKILL at any moment leaves the published site
complete and byte-for-byte as it was, and the next build works without any clean-up and gives
exactly what a fresh build of the same content gives."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import CORPUS, WIJKNIEUWS

ARTICLES = 1500  # on two cores: 6 to 8 s to build from nothing, about 3 s when every page changes


def snapshot(folder: Path) -> dict[str, str]:
    """Every folder, file (by content hash) and symlink below folder: equal means byte-for-byte
    the same tree, nothing missing and nothing extra."""
    found = {}
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(top) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = "link " + os.readlink(path)
            elif path.is_dir():
                found[rel] = "dir"
            else:
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def build(work: Path, *options: str) -> float:
    started = time.monotonic()
    done = subprocess.run([WIJKNIEUWS, "build", "--quiet", *options], cwd=work, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return time.monotonic() - started


def killed_build(work: Path, after: float) -> int | None:
    """Starts a build and kills it, with its worker processes, after that many seconds. Returns
    the exit code when it finished by itself first, None when it was killed."""
    process = subprocess.Popen([WIJKNIEUWS, "build", "--quiet"], cwd=work, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    try:
        process.wait(timeout=after)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stderr.close()
        return None
    assert process.returncode == 0, process.stderr.read()
    process.stderr.close()
    return 0


def test_a_killed_build_loses_nothing_and_the_next_one_is_right(tmp_path):
    work = tmp_path / "werk"
    subprocess.run([sys.executable, str(CORPUS), "--format", "ours", "--n", str(ARTICLES),
                    "--out", str(work / "content")], check=True, capture_output=True, timeout=120)

    fresh = tmp_path / "vers"  # the same content and change, built without interruptions
    shutil.copytree(work / "content", fresh / "content")
    build(fresh)

    # Killed before there ever was a site: still none, and the first build copes with the leftovers.
    assert killed_build(work, 1.0) is None
    assert not (work / "site").exists()
    build(work)

    # A change that touches every page (the site's title is on each), so that a build spends its
    # time rendering and writing, and a kill can land anywhere in it.
    for folder in (work, fresh):
        site_yml = folder / "content/site.yml"
        site_yml.write_text(site_yml.read_text(encoding="utf-8").replace("title: ", "title: Vernieuwd ", 1),
                            encoding="utf-8")
    changed = build(fresh)  # how long the build to be killed takes on this machine, now
    build(fresh, "--out", "schoon/site")  # the reference: from nothing, with a cache of its own
    expected = snapshot(fresh / "schoon/site")

    previous = snapshot(work / "site")
    assert previous != expected
    kills = []
    for fraction in (0.1, 0.25, 0.4, 0.55, 0.7, 0.85):  # of the build's time: load, render, write, swap
        kills.append(killed_build(work, fraction * changed) is None)
        now = snapshot(work / "site")
        # Before the swap the old site, whole; after it (the build may still be saving its cache
        # when killed, or may have finished on a fast machine) the new one, whole: nothing between.
        if now != previous:
            assert now == expected, f"after {fraction * changed:.2f} s: neither the old site nor the new one"
            previous = expected
    assert sum(kills) >= 4, (changed, kills)  # else the builds were too quick for this test to show anything

    build(work)  # no clean-up in between
    assert snapshot(work / "site") == expected
    assert sorted(os.listdir(work)) == [".wijknieuws-cache", "content", "site"]
    leftovers = [name for name in os.listdir(work / ".wijknieuws-cache") if name.endswith((".dirty", ".new", ".tmp"))]
    assert not leftovers, leftovers
