"""Limits (issue 7): hostile sizes and shapes end in a clear PATH:LINE error or a correct build,
within bounded time and memory, never a hang, a crash or a traceback.

Every run here is the real `wijknieuws` in a subprocess with a timeout: a hang fails the test
instead of stalling the suite, and a segmentation fault shows as a negative exit code.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import WIJKNIEUWS, write_content

MB = 2**20
ARTICLE = "---\ntitle: {title}\ndate: 2021-08-24\nwijk: Rokkeveen\n---\n\n{body}\n"


def run(folder: Path, *args: str, timeout: float = 60, prelude: str = "") -> subprocess.CompletedProcess:
    """`wijknieuws ARGS` in folder. prelude: Python run first in the same process (to shrink a
    limit so that a test need not wait out the real one); the CLI's main() then runs as usual."""
    script = f"{prelude}\nimport sys\nfrom wijknieuws.cli import main\nsys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", script, *args] if prelude else [WIJKNIEUWS, *args]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=timeout)
    assert done.returncode in (0, 1), f"exit {done.returncode}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


def errors(done: subprocess.CompletedProcess) -> list[str]:
    assert done.returncode == 1, done.stderr[-2000:]
    return done.stderr.splitlines()[:-1]


def max_rss_mb(folder: Path, *args: str) -> float:
    """Peak memory of one `wijknieuws ARGS`, measured in a fresh process whose only child it is."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True, timeout=120); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", probe, WIJKNIEUWS, *args], cwd=folder, capture_output=True,
                          text=True, timeout=150, check=True)
    return int(done.stdout) / 1024


def test_huge_article_is_refused_unread(tmp_path):
    content = write_content(tmp_path, {"2021/klein.md": ARTICLE.format(title="Klein", body="Tekst.")})
    baseline = max_rss_mb(tmp_path, "check")
    with open(content / "2021/groot.md", "wb") as handle:
        handle.write(ARTICLE.format(title="Groot", body="").encode())
        for _ in range(50):
            handle.write(b"Een zin die heel vaak herhaald wordt. " * (MB // 38))
    assert errors(run(tmp_path, "build", timeout=30)) == [
        "content/2021/groot.md:1: file is larger than 5 MB (50.0 MB); a file this long is a mistake "
        "(something pasted or saved into it?)"]
    assert not (tmp_path / "site").exists()
    assert max_rss_mb(tmp_path, "check") < baseline + 20  # the 50 MB were never read into memory


def test_huge_registry_is_refused(tmp_path):
    write_content(tmp_path, {"2021/a.md": ARTICLE.format(title="A", body="x")},
                  wijken="- name: Rokkeveen\n  slug: rokkeveen\n" + "# opvulling\n" * (6 * MB // 12))
    assert "content/wijken.yml:1: file is larger than 5 MB (6.0 MB); a file this long is a mistake " \
           "(something pasted or saved into it?)" in errors(run(tmp_path, "check", timeout=30))


def test_deep_nesting_is_a_clear_error_or_a_build(tmp_path):
    """10,000 levels of '- ', of '>' and of <div>, and 300 levels of indented lists."""
    bodies = {
        "streepjes": "- " * 10_000 + "x",
        "inspringen": "".join("    " * i + "- x\n" for i in range(300)),
        "divs": "<div>" * 100_000 + "x",
        "citaten": ">" * 10_000 + " x",
    }
    write_content(tmp_path, {f"2021/{name}.md": ARTICLE.format(title=name, body=body) for name, body in bodies.items()})
    lines = errors(run(tmp_path, "build", timeout=60))
    assert lines == [
        "content/2021/divs.md:7: HTML nested more than 100 levels deep; simplify the lists, quotes or HTML here",
        "content/2021/inspringen.md:306: the text is nested too deeply: look for lists or quotes inside each other "
        "by the hundred, or thousands of '[' or '<' without their closing ']' or '>'",
        "content/2021/streepjes.md:7: the text is nested too deeply: look for lists or quotes inside each other "
        "by the hundred, or thousands of '[' or '<' without their closing ']' or '>'",
    ]
    for name in ("divs", "inspringen", "streepjes"):
        (tmp_path / f"content/2021/{name}.md").unlink()
    run(tmp_path, "build", timeout=60)  # what is left, 10,000 '>', builds
    assert (tmp_path / "site/nieuws/citaten/index.html").is_file()


def test_text_that_takes_too_long_to_format_is_an_error(tmp_path):
    """Unclosed '[' make Python-Markdown quadratic: 12,000 of them would take half a minute.
    The limit is 10 s of CPU per article; shrunk to 1 s here to keep the suite quick."""
    body = "Eerst gewoon.\n\n" + "[" * 12_000 + "x"
    write_content(tmp_path, {"2021/haken.md": ARTICLE.format(title="Haken", body=body)})
    started = time.monotonic()
    lines = errors(run(tmp_path, "check", timeout=20, prelude="import wijknieuws.markup as m; m.FORMAT_SECONDS = 1"))
    assert lines == ["content/2021/haken.md:9: the text takes more than 1 s to format: look for lists or quotes "
                     "inside each other by the hundred, or thousands of '[' or '<' without their closing ']' or '>'"]
    assert time.monotonic() - started < 10


def test_yaml_bombs_are_refused(tmp_path):
    """Aliases that multiply (the 'billion laughs'), and nesting that crashes the C parser."""
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    start = "---\ntitle: x\ndate: 2021-08-24\nwijk: Rokkeveen\n"
    write_content(tmp_path, {
        "2021/lachen.md": start + laughs.replace("a:", "tags:", 1) + "---\n\nx\n",
        "2021/haken.md": ARTICLE.format(title="[" * 200_000, body="x"),
        "2021/streepjes.md": start + "tags:\n  " + "- " * 200_000 + "x\n---\n\nx\n",
    }, dossiers="- slug: d\n  title: &t Titel\n  description: *t\n")
    # An alias is reported at its own line, the first one that uses an anchor.
    assert errors(run(tmp_path, "check", timeout=30)) == [
        "content/2021/haken.md:2: front matter: lists or mappings nested more than 50 levels deep",
        "content/2021/lachen.md:6: front matter: YAML aliases (*name) are not allowed here",
        "content/2021/streepjes.md:6: front matter: lists or mappings nested more than 50 levels deep",
        "content/dossiers.yml:3: YAML aliases (*name) are not allowed here",
    ]


def test_a_hundred_thousand_tiny_files(tmp_path):
    """100,000 one-byte attachments nobody links to, and 2,000 empty articles: a bounded build,
    then every empty article listed as an error; without them, a build."""
    content = write_content(tmp_path, {"2021/a.md": ARTICLE.format(title="A", body="x")})
    for folder, count, name, data in (("bijlagen", 100_000, "f{:06}.txt", b"x"), ("leeg", 2_000, "a{:05}.md", b"")):
        (content / folder).mkdir()
        fd_dir = os.open(content / folder, os.O_RDONLY)
        try:
            for i in range(count):
                fd = os.open(name.format(i), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=fd_dir)
                os.write(fd, data)
                os.close(fd)
        finally:
            os.close(fd_dir)
    lines = errors(run(tmp_path, "build", timeout=60))
    assert len(lines) == 2_000 and lines[0] == ("content/leeg/a00000.md:1: the file is empty; an article starts "
                                               "with front matter between '---' lines")
    shutil.rmtree(content / "leeg")
    run(tmp_path, "build", timeout=60)
    assert not (tmp_path / "site/bijlagen").exists()  # attachments nobody links to are not published


def _version(n: int) -> bytes:
    """Article versions of ever larger size, each with its number at the start and the end of its
    body: a page shows one whole version, or the read was torn."""
    filler = "Dit is de tekst van het artikel. " * (3000 + n)
    return ARTICLE.format(title=f"Versie {n}", body=f"Begin {n}.\n\n{filler}\n\nEinde {n}.").encode()


def _rewrite_while_building(tmp_path: Path, write, pause: float = 0.0, builds: int = 3) -> list[int]:
    """Builds while a thread keeps rewriting the article (pause: seconds between versions);
    returns the version each successful build published, having checked it is one whole version."""
    article = tmp_path / "content/2021/wissel.md"
    stop = threading.Event()

    def writer():
        n = 1
        while not stop.is_set():
            write(article, _version(n))
            n += 1
            stop.wait(pause)

    thread = threading.Thread(target=writer)
    thread.start()
    published = []
    try:
        for _ in range(builds):
            done = run(tmp_path, "build", "--quiet", timeout=60)
            if done.returncode == 1:  # only a clear error about the file being rewritten
                assert all(line.startswith("content/2021/wissel.md:1: ") for line in errors(done)), done.stderr
                continue
            page = (tmp_path / "site/nieuws/wissel/index.html").read_text(encoding="utf-8")
            title = int(page.split("<h1>Versie ")[1].split("<")[0])
            assert f"Begin {title}." in page and f"Einde {title}." in page
            assert page.count("Dit is de tekst") == 3000 + title
            published.append(title)
    finally:
        stop.set()
        thread.join()
    return published


def test_an_article_replaced_while_building_gives_one_whole_version(tmp_path):
    """Editors that save by writing a copy and renaming it over the original (most do)."""
    write_content(tmp_path, {"2021/wissel.md": _version(0).decode()})

    def replace(path: Path, data: bytes) -> None:
        path.with_suffix(".tmp").write_bytes(data)
        os.replace(path.with_suffix(".tmp"), path)

    assert len(_rewrite_while_building(tmp_path, replace)) == 3  # always a build, of one version


def test_an_article_rewritten_in_place_while_building(tmp_path):
    """Editors that save in place: the file is empty for a moment, then grows. A build takes
    one whole version, or says the file is empty or kept changing; and once the writing stops,
    the next build shows the last version."""
    write_content(tmp_path, {"2021/wissel.md": _version(0).decode()})

    def in_place(path: Path, data: bytes) -> None:
        with open(path, "wb") as handle:
            for start in range(0, len(data), 16_384):  # several writes: half-written states exist
                handle.write(data[start:start + 16_384])
                handle.flush()

    # Truncating takes the kernel a while: without a pause the file is empty most of the time.
    _rewrite_while_building(tmp_path, in_place, pause=0.002)
    last = (tmp_path / "content/2021/wissel.md").read_bytes()
    run(tmp_path, "build", "--quiet", timeout=60)
    assert (tmp_path / "site/nieuws/wissel/index.html").read_text(encoding="utf-8").count("Dit is de tekst") == \
        last.decode().count("Dit is de tekst")


def test_a_change_the_clock_cannot_show_is_still_seen(tmp_path):
    """A file rewritten with the same size within one tick of the file system's clock keeps its
    (mtime, size); the parse cache must not trust that for a file changed just before it was read."""
    content = write_content(tmp_path, {"2021/a.md": ARTICLE.format(title="Eerste", body="Tekst A.")})
    run(tmp_path, "build", "--quiet")
    article = content / "2021/a.md"
    before = article.stat()
    article.write_text(ARTICLE.format(title="Tweede", body="Tekst B."), encoding="utf-8")
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (article.stat().st_mtime_ns, article.stat().st_size) == (before.st_mtime_ns, before.st_size)
    (content / "images/nieuw.txt").write_text("x")  # some other change, so that the build looks again
    run(tmp_path, "build", "--quiet")
    assert "<h1>Tweede</h1>" in (tmp_path / "site/nieuws/a/index.html").read_text(encoding="utf-8")


def test_a_file_or_folder_gone_while_the_content_is_listed_is_left_out(tmp_path, monkeypatch):
    """An editor's save renames its copy over the original between the listing of a folder and
    the look at each file (seen in CI as a traceback): what is gone by then is not in the scan."""
    from wijknieuws import loader

    content = tmp_path / "content"
    (content / "2021/weg").mkdir(parents=True)
    for rel in ("2021/blijft.md", "2021/wissel.tmp", "2021/weg/a.md"):
        (content / rel).write_text("tekst", encoding="utf-8")
    real = os.scandir

    class Listing:  # os.scandir, with the save made right after the folder 2021 was listed
        def __init__(self, path):
            with real(path) as entries:
                self.entries = list(entries)
            if path.endswith("2021"):
                os.replace(content / "2021/wissel.tmp", content / "2021/wissel.md.bak")
                (content / "2021/weg/a.md").unlink()
                (content / "2021/weg").rmdir()

        def __enter__(self):
            return iter(self.entries)

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(loader.os, "scandir", Listing)
    assert list(loader.scan(content)) == ["2021/blijft.md"]
