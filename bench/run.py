#!/usr/bin/env python3
"""Benchmark wijknieuws against Hugo and Pelican on the project's own corpus (bench/corpus.py).

    python bench/run.py --n 10000                 # one size
    python bench/run.py --sizes 1000,10000        # several sizes (the default), plus growth
    python bench/run.py --n 50 --runs 1 --peers none --work /tmp/b --readme /tmp/b/README.md

For every size the corpus is generated in each engine's format with bench/corpus.py, the peers are installed in the scratch folder when they are
missing (Debian `hugo` through apt-get, Pelican in a venv of its own), and then each run
measures every engine in turn (wijknieuws, Hugo, Pelican, wijknieuws, Hugo, ...), so that
drift of the machine hits all of them alike. Per engine and run: a cold build (no cache,
empty output), a rebuild with nothing changed, and a rebuild after appending a sentence to
the newest article. Every build is a separate process run under GNU time (`/usr/bin/time -v`):
wall time is its "Elapsed (wall clock) time", peak memory its "Maximum resident set size".
Because GNU time reports the largest single process, the memory of all processes of a build
(forked workers included) is also sampled from /proc as the sum of their PSS, in one more run
per engine and size: reading /proc/PID/smaps_rollup ten times a second slowed the very builds
it sampled (a cold build of ours by 2-10 s), so the timed runs are not sampled.

The results (medians with min-max over the runs, ratios ours/peer computed within each run,
growth between the smallest and largest size) replace the part of bench/README.md between
the markers <!-- results --> and <!-- /results -->; the raw figures go to WORK/results.json.
A peer that cannot be installed or fails is reported as "not measured: <reason>".
Only the standard library is used.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GNU_TIME = "/usr/bin/time"
START, END = "<!-- results -->", "<!-- /results -->"
SCENARIOS = [("cold", "cold build"), ("nochange", "no-change"), ("oneedit", "one-edit")]
PEERS = ("hugo", "pelican")
COMMAND_TIMEOUT = 3600  # seconds; a build that takes longer counts as failed
SERVE_EDITS = 5         # saves per size in the `serve` measurement


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class NotMeasured(Exception):
    """An engine cannot be installed or set up; the message is the reason."""


class BuildFailed(Exception):
    """A measured build exited with an error."""


def tail(text: str, lines: int = 3) -> str:
    kept = [line.strip() for line in (text or "").strip().splitlines() if line.strip()]
    return " / ".join(kept[-lines:])[:300] or "no output"


def run_quiet(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def rmtree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


class Trash:
    """Earlier outputs, caches and corpora are moved here, not deleted, until the run is over.
    On ext4 a file created within minutes of a mass deletion costs far more: the inode
    allocator skips recently deleted inodes (perf: 40 % of a cold build's CPU time in
    recently_deleted(), system time 3 s -> 20 s). Deleting the last build's 30,000 files just
    before a cold build would measure that, and would favour whichever engine makes fewer."""

    folder: Path | None = None
    count = 0

    @classmethod
    def discard(cls, path: Path) -> None:
        if cls.folder is None or not (path.exists() or path.is_symlink()):
            rmtree(path)
            return
        cls.folder.mkdir(parents=True, exist_ok=True)
        cls.count += 1
        path.rename(cls.folder / f"{cls.count:05d}-{path.name}")

    @classmethod
    def empty(cls) -> None:
        if cls.folder is not None:
            rmtree(cls.folder)


# ------------------------------------------------------------------ installing
def apt_install(package: str) -> None:
    """apt-get install -y PACKAGE (updating the package lists once if that fails)."""
    if not shutil.which("apt-get"):
        raise NotMeasured(f"'{package}' is missing and there is no apt-get to install it")
    prefix = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None:
        raise NotMeasured(f"'{package}' is missing and installing it needs root")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    log(f"apt-get install -y {package}")
    done = run_quiet(prefix + ["apt-get", "install", "-y", "-q", package], env=env)
    if done.returncode != 0:
        log("apt-get update")
        run_quiet(prefix + ["apt-get", "update", "-q"], env=env)
        done = run_quiet(prefix + ["apt-get", "install", "-y", "-q", package], env=env)
    if done.returncode != 0:
        raise NotMeasured(f"apt-get install {package} failed: {tail(done.stdout)}")


def ensure_gnu_time() -> None:
    if not os.access(GNU_TIME, os.X_OK):
        try:
            apt_install("time")
        except NotMeasured as error:
            sys.exit(f"bench: GNU time ({GNU_TIME}) is needed and could not be installed: {error}")
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        run_quiet([GNU_TIME, "-v", "-o", report.name, "true"])
        if "Maximum resident set size" not in Path(report.name).read_text():
            sys.exit(f"bench: {GNU_TIME} is not GNU time (no -v report)")


# ------------------------------------------------------------------ measuring
def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _memory_kib(pid: int) -> int:
    """Proportional set size (shared pages split between the processes sharing them)."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(path) as handle:
                for line in handle:
                    if line.startswith(key):
                        return int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return 0


class TreeSampler(threading.Thread):
    """Peak of the summed memory of all processes below `root`, sampled every `interval` s."""

    def __init__(self, root: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.root, self.interval, self.peak_kib = root, interval, 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                total = sum(_memory_kib(pid) for pid in _descendants(self.root))
                self.peak_kib = max(self.peak_kib, total)
            except Exception:  # a process vanished mid-scan: try again next tick
                pass
            self.stopped.wait(self.interval)

    def stop(self) -> int:
        self.stopped.set()
        self.join()
        return self.peak_kib


def cpu_busy_seconds() -> float:
    """Seconds of CPU time spent by the whole machine (all cores, not idle) since boot."""
    try:
        with open("/proc/stat") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    busy = sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def parse_gnu_time(report: str) -> tuple[float, int, float]:
    wall = rss = None
    cpu = 0.0
    for line in report.splitlines():
        line = line.strip()
        if line.startswith(("User time (seconds)", "System time (seconds)")):
            cpu += float(line.rsplit(" ", 1)[1])
        elif line.startswith("Elapsed (wall clock) time"):
            seconds = 0.0
            for part in line.rsplit(" ", 1)[1].split(":"):
                seconds = seconds * 60 + float(part)
            wall = seconds
        elif line.startswith("Maximum resident set size"):
            rss = int(line.rsplit(" ", 1)[1])
    if wall is None or rss is None:
        raise BuildFailed(f"no GNU time report: {tail(report)}")
    return wall, rss, cpu


def measure(cmd: list[str], cwd: Path, env: dict | None = None, sample: bool = False) -> dict:
    """Runs cmd under GNU time: wall seconds, max RSS (KiB), with `sample` the peak PSS of all its
    processes (KiB; else None), and how many cores other processes kept busy meanwhile (machine
    CPU time minus the build's, per second)."""
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        report, output = Path(scratch) / "time", Path(scratch) / "output"
        with open(output, "w") as sink:
            process = subprocess.Popen([GNU_TIME, "-v", "-o", str(report)] + cmd, cwd=cwd,
                                       env=env, stdout=sink, stderr=subprocess.STDOUT)
            sampler = TreeSampler(process.pid) if sample else None
            if sampler:
                sampler.start()
            busy = cpu_busy_seconds()
            try:
                code = process.wait(timeout=COMMAND_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                code = "timeout"
            finally:
                busy = cpu_busy_seconds() - busy
                tree = sampler.stop() if sampler else None
        text = output.read_text(errors="replace")
        if code != 0:
            raise BuildFailed(f"{' '.join(map(str, cmd[:2]))} exited with {code}: {tail(text)}")
        wall, rss, cpu = parse_gnu_time(report.read_text(errors="replace"))
    others = max(0.0, (busy - cpu) / wall) if wall > 0 else 0.0
    return {"wall": wall, "rss_kib": rss, "tree_kib": tree, "cpu": cpu, "others": round(others, 3)}


def wait_idle(limit: float, threshold: float = 0.3) -> float:
    """Waits up to `limit` s until other processes keep under `threshold` cores busy (measured
    over 1 s); returns that load. A shared machine then disturbs the figures less."""
    deadline = time.monotonic() + limit
    while True:
        busy, mine = cpu_busy_seconds(), time.process_time()
        time.sleep(1.0)
        load = max(0.0, cpu_busy_seconds() - busy - (time.process_time() - mine))
        if load < threshold or time.monotonic() >= deadline:
            return load


# ------------------------------------------------------------------ engines
class Engine:
    key = label = ""
    version = detail = ""

    def __init__(self, work: Path, gen: Path):
        self.work, self.gen = work, gen
        self.root: Path | None = None
        self.edited: tuple[Path, bytes] | None = None

    def generate(self, size_dir: Path, n: int) -> None:
        self.root = size_dir / self.key
        log(f"n={n}: generating the {self.fmt} corpus in {self.root}")
        Trash.discard(self.root)
        done = run_quiet([sys.executable, str(self.gen), "--n", str(n), "--out", str(self.corpus_dir()),
                          "--format", self.fmt, "--force"])
        if done.returncode != 0:
            raise NotMeasured(f"{self.gen.name} --format {self.fmt} failed: {tail(done.stdout)}")

    def corpus_dir(self) -> Path:
        return self.root

    def article(self, slug: str) -> Path:
        raise NotImplementedError

    def clean(self) -> None:
        raise NotImplementedError

    def command(self, scenario: str) -> tuple[list[str], Path, dict | None]:
        raise NotImplementedError

    def edit(self, slug: str, run: int) -> None:
        path = self.article(slug)
        original = path.read_bytes()
        self.edited = (path, original)
        sentence = f"\nAanvulling {run + 1}: de wethouder meldt dat de planning is bijgewerkt.\n"
        path.write_bytes(original + sentence.encode())

    def restore(self) -> None:
        if self.edited:
            path, original = self.edited
            path.write_bytes(original)
            self.edited = None

    def measure_run(self, slug: str, run: int, prefix: str, sample: bool = False) -> dict:
        results = {}
        self.clean()
        try:
            for scenario, title in SCENARIOS:
                if scenario == "oneedit":
                    self.edit(slug, run)
                cmd, cwd, env = self.command(scenario)
                results[scenario] = measure(cmd, cwd, env, sample)
                m = results[scenario]
                log(f"{prefix} {self.label} {title}: {m['wall']:.2f} s (CPU {m['cpu']:.1f} s), max RSS "
                    f"{m['rss_kib'] / 1024:.0f} MiB"
                    + (f", all processes {m['tree_kib'] / 1024:.0f} MiB" if sample else "")
                    + (f"; other processes busy: {m['others']:.1f} cores" if m["others"] >= 0.1 else ""))
        finally:
            self.restore()
        return results


class Ours(Engine):
    key, label, fmt = "wijknieuws", "wijknieuws", "ours"

    def __init__(self, work: Path, gen: Path):
        super().__init__(work, gen)
        script = Path(sys.executable).parent / "wijknieuws"
        found = str(script) if script.exists() else shutil.which("wijknieuws")
        self.exe = [found] if found else [sys.executable, "-c", "import sys; from wijknieuws.cli import main; "
                                                             "sys.exit(main())"]
        done = run_quiet(self.exe + ["--version"])
        if done.returncode != 0:
            raise NotMeasured(f"wijknieuws --version failed: {tail(done.stdout)}")
        self.version = done.stdout.split()[-1] if done.stdout.split() else "?"
        self.detail = git_state()
        # The package's bytecode, as `pip install` compiles it: an editable install compiles a
        # module when it is first imported, and not at all where PYTHONDONTWRITEBYTECODE is set
        # (then every build compiles all of wijknieuws again, 0.13 s of a one-edit rebuild).
        python = Path(found).parent / "python" if found else Path(sys.executable)
        run_quiet([str(python if python.exists() else sys.executable), "-c",
                   "import compileall, os, wijknieuws; compileall.compile_dir(os.path.dirname(wijknieuws.__file__), quiet=1)"])

    def corpus_dir(self) -> Path:
        return self.root / "content"

    def article(self, slug: str) -> Path:
        return next(self.corpus_dir().glob(f"*/{slug}.md"))

    def clean(self) -> None:  # the output folder and .wijknieuws-cache beside it: all but content/
        for child in self.root.iterdir():
            if child.name != "content":
                Trash.discard(child)

    def command(self, scenario):
        return self.exe + ["build", "--content", "content", "--out", "site", "--quiet"], self.root, None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_serve(engine: Ours, slug: str, edits: int) -> dict:
    """`wijknieuws serve` on the corpus: after each save of the newest article, the seconds until
    its page on disk has the new sentence, and until serve reports the whole site built. Both
    count from the save, so they include serve noticing it; serve's own report of writing the
    page counts from when it noticed."""
    engine.clean()
    build = subprocess.run(engine.command("cold")[0], cwd=engine.root, stdout=subprocess.DEVNULL,
                           stderr=subprocess.STDOUT, timeout=COMMAND_TIMEOUT)
    if build.returncode != 0:
        raise BuildFailed(f"the build before serve exited with {build.returncode}")
    port, log_path = free_port(), engine.root / "serve.log"
    page = engine.root / "site" / "nieuws" / slug / "index.html"
    results = {"page": [], "site": [], "reported": []}
    with open(log_path, "w") as sink:
        process = subprocess.Popen(engine.exe + ["serve", "--content", "content", "--out", "site", "--port", str(port)],
                                   cwd=engine.root, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while "Serving" not in log_path.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise BuildFailed(f"serve did not start: {tail(log_path.read_text(errors='replace'))}")
            time.sleep(0.1)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).close()
        for i in range(edits):
            time.sleep(2.0)  # a save of its own for every edit, after the last one's reload
            built = log_path.read_text(errors="replace").count("Built ")
            marker = f"Serve-aanvulling {i + 1}."
            path = engine.article(slug)
            original = path.read_bytes()
            engine.edited = engine.edited or (path, original)
            path.write_bytes(original + f"\n{marker}\n".encode())
            saved = time.monotonic()
            while marker.encode() not in (page.read_bytes() if page.exists() else b""):
                if time.monotonic() - saved > 60:
                    raise BuildFailed("serve did not write the edited page within 60 s")
                time.sleep(0.002)
            results["page"].append(time.monotonic() - saved)
            while log_path.read_text(errors="replace").count("Built ") <= built:
                if time.monotonic() - saved > 120:
                    raise BuildFailed("serve did not rebuild the site within 120 s")
                time.sleep(0.005)
            results["site"].append(time.monotonic() - saved)
        results["reported"] = [float(x) for x in re.findall(r"^Wrote \S+ in ([0-9.]+) s", log_path.read_text(
            errors="replace"), re.MULTILINE)]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        engine.restore()
    return results


class Hugo(Engine):
    key, label, fmt = "hugo", "Hugo", "hugo"

    def __init__(self, work: Path, gen: Path):
        super().__init__(work, gen)
        if not shutil.which("hugo"):
            apt_install("hugo")
        self.exe = shutil.which("hugo")
        if not self.exe:
            raise NotMeasured("no 'hugo' on PATH after installing")
        done = run_quiet([self.exe, "version"])
        found = re.search(r"v(\d+\.\d+\.\d+)", done.stdout)
        if done.returncode != 0 or not found:
            raise NotMeasured(f"hugo version failed: {tail(done.stdout)}")
        self.version = found.group(1)

    def article(self, slug: str) -> Path:
        return self.root / "content" / "artikelen" / f"{slug}.md"

    def clean(self) -> None:  # no cache flag: remove the output, resources/ and its cache folder
        for name in ("public", "resources", ".hugo_cache", ".hugo_build.lock"):
            Trash.discard(self.root / name)

    def command(self, scenario):
        env = dict(os.environ, HUGO_CACHEDIR=str(self.root / ".hugo_cache"))
        return [self.exe, "--quiet", "-s", str(self.root), "-d", str(self.root / "public")], self.root, env


class Pelican(Engine):
    key, label, fmt = "pelican", "Pelican", "pelican"

    def __init__(self, work: Path, gen: Path):
        super().__init__(work, gen)
        venv = work / "venv-pelican"
        self.exe = str(venv / "bin" / "pelican")
        installed = os.path.exists(self.exe) and run_quiet([self.exe, "--version"]).returncode == 0
        if not installed:
            log(f"installing Pelican in {venv}")
            rmtree(venv)
            done = run_quiet([sys.executable, "-m", "venv", str(venv)])
            if done.returncode != 0:
                raise NotMeasured(f"python -m venv failed: {tail(done.stdout)}")
            done = run_quiet([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                              "--disable-pip-version-check", "pelican", "markdown"])
            if done.returncode != 0:
                raise NotMeasured(f"pip install pelican markdown failed: {tail(done.stdout)}")
        done = run_quiet([self.exe, "--version"])
        if done.returncode != 0:
            raise NotMeasured(f"pelican --version failed: {tail(done.stdout)}")
        self.version = done.stdout.strip().split()[-1]

    def article(self, slug: str) -> Path:
        return self.root / "content" / f"{slug}.md"

    def clean(self) -> None:
        for name in ("output", "cache", "__pycache__"):
            Trash.discard(self.root / name)

    def command(self, scenario):
        # Every build runs with the content cache on (see pelicanconf.py). The cold build starts
        # from a deleted cache, so it loads nothing, and fills the cache just as our cold build
        # fills .wijknieuws-cache; without the flags there, the no-change run would be cold too.
        cmd = [self.exe, "content", "-o", "output", "-s", "pelicanconf.py",
               "-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true"]
        return cmd, self.root, None


def git_state() -> str:
    try:
        head = run_quiet(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
        if head.returncode != 0:
            return ""
        dirty = subprocess.run(["git", "-C", str(REPO), "diff", "--quiet", "HEAD", "--", "wijknieuws", "templates"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0
        return f" (commit {head.stdout.strip()}{', with uncommitted changes' if dirty else ''})"
    except OSError:
        return ""


def newest_slug(content: Path) -> str:
    """The slug of the article with the latest date (ties: the largest file name)."""
    best = None
    for path in content.glob("*/*.md"):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("date:"):
                    key = (line.split(":", 1)[1].strip(), path.stem)
                    best = max(best, key) if best else key
                    break
    if not best:
        raise SystemExit(f"bench: no articles in {content}")
    return best[1]


# ------------------------------------------------------------------ reporting
def fmt_seconds(x: float) -> str:
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


def cell(values: list[float], unit: str) -> str:
    if not values:
        return "–"
    med, lo, hi = statistics.median(values), min(values), max(values)
    if unit == "s":
        return f"{fmt_seconds(med)} s ({fmt_seconds(lo)}–{fmt_seconds(hi)})"
    if unit == "MiB":
        return f"{med:,.0f} MiB ({lo:,.0f}–{hi:,.0f})"
    return f"{med:.2f}× ({lo:.2f}–{hi:.2f})"


def series(entry: dict, what: str, runs: list[dict] | None = None) -> list[float]:
    """One value per run (of `runs`, else all the engine's): a scenario's wall time, or the peak
    RSS over the run's three builds; for `tree`, the one run that sampled the memory of all
    processes (sampling slows what it samples, so the timed runs are not sampled)."""
    if what == "tree":
        sampled = entry.get("sampled")
        return [max(sampled[s]["tree_kib"] for s, _ in SCENARIOS) / 1024] if sampled else []
    runs = entry.get("runs", []) if runs is None else runs
    if what == "rss":
        return [max(r[s]["rss_kib"] for s, _ in SCENARIOS) / 1024 for r in runs]
    return [r[what]["wall"] for r in runs]


COLUMNS = [(s, title, "s") for s, title in SCENARIOS] + [("rss", "peak memory", "MiB"),
                                                        ("tree", "all processes", "MiB")]


def results_block(data: dict) -> str:
    engines, sizes = data["engines"], data["sizes"]
    labels = {e["key"]: e["label"] + (f" {e['version']}" if e.get("version") else "") for e in engines}
    out = [START, "",
           f"_Written by `{data['command']}`, started {data['date']}; do not edit by hand._", "",
           f"Machine: {data['machine']}.", ""]
    for e in engines:
        if e.get("not_measured"):
            out.append(f"- {e['label']}: not measured: {e['not_measured']}")
    if any(e.get("not_measured") for e in engines):
        out.append("")
    header = "| engine | " + " | ".join(title for _, title, _ in COLUMNS) + " |"
    rule = "|---" * (len(COLUMNS) + 1) + "|"
    for n in sizes:
        per = data["results"].get(str(n), {})
        out += [f"### {n:,} articles", "", f"Median of {data['runs']} run(s) (min–max); "
                "peak memory is the largest of the three builds of a run; all processes, the peak "
                "of their summed memory (PSS), from one more run that sampled it.", "", header, rule]
        for e in engines:
            key, entry = e["key"], per.get(e["key"])
            if e.get("not_measured"):
                out.append(f"| {e['label']} | not measured: {e['not_measured']} |" + " |" * (len(COLUMNS) - 1))
            elif not entry or not entry.get("runs"):
                reason = (entry or {}).get("failed", "no runs")
                out.append(f"| {labels[key]} | not measured: {reason} |" + " |" * (len(COLUMNS) - 1))
            else:
                row = [cell(series(entry, what), unit) for what, _, unit in COLUMNS]
                if entry.get("failed"):
                    row[-1] += f" (then failed: {entry['failed']})"
                out.append(f"| {labels[key]} | " + " | ".join(row) + " |")
        others = [m.get("others", 0.0) for e in per.values() for r in e.get("runs", []) for m in r.values()]
        if others:
            out += ["", f"Background load: while these builds ran, other processes kept "
                    f"{statistics.mean(others):.2f} of the {os.cpu_count()} cores busy on average "
                    f"(at most {max(others):.2f} during one build)."]
        ours = per.get("wijknieuws", {})
        ratio_rows = []
        for e in engines:
            peer = per.get(e["key"], {})
            if e["key"] == "wijknieuws" or not peer.get("runs") or not ours.get("runs"):
                continue
            pairs = list(zip(ours["runs"], peer["runs"]))  # same run index: measured side by side
            row = []
            for what, _, _ in COLUMNS:
                a = series(ours, what, [p[0] for p in pairs])
                b = series(peer, what, [p[1] for p in pairs])
                row.append(cell([x / y for x, y in zip(a, b) if y], "x"))
            ratio_rows.append(f"| wijknieuws / {e['label']} | " + " | ".join(row) + " |")
        serve = ours.get("serve")
        if serve:
            out += ["", f"`wijknieuws serve`, {len(serve['page'])} saves of the newest article (a sentence "
                    "appended), each after the previous one was done; median (min–max) from the save:", "",
                    "| edited page on disk | whole site rebuilt | of which writing the page, as serve reports it |",
                    "|---|---|---|",
                    f"| {cell(serve['page'], 's')} | {cell(serve['site'], 's')} | {cell(serve['reported'], 's')} |",
                    "", "Counted from the save, so both include serve noticing it (told by the "
                    "system, then 0.05 s for a save's events to settle); the whole site also waits "
                    "0.2 s after the page, for a reloading tab to fetch it first."]
        elif ours.get("serve_failed"):
            out += ["", f"`wijknieuws serve`: not measured: {ours['serve_failed']}"]
        if ratio_rows:
            out += ["", "Ratios, computed within each run, then median (min–max); below 1 means wijknieuws "
                    "is faster or smaller:", "",
                    "| ratio | " + " | ".join(title for _, title, _ in COLUMNS) + " |", rule] + ratio_rows
        out.append("")
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        factor = large / small
        rows = []
        for e in engines:
            a = data["results"].get(str(small), {}).get(e["key"], {})
            b = data["results"].get(str(large), {}).get(e["key"], {})
            if not a.get("runs") or not b.get("runs"):
                continue
            row = []
            for what, _, _ in COLUMNS:
                va, vb = series(a, what), series(b, what)
                ma, mb = (statistics.median(va), statistics.median(vb)) if va and vb else (0, 0)
                row.append(f"{mb / ma:.1f}×" if ma else "–")
            rows.append(f"| {e['label']} | " + " | ".join(row) + " |")
        if rows:
            out += [f"### Growth from {small:,} to {large:,} articles ({factor:g}× the articles)", "",
                    f"Median at {large:,} divided by median at {small:,}; linear growth is {factor:g}×, "
                    "less means a fixed cost (start-up, templates) still weighs in.", "",
                    header, rule] + rows + [""]
    out.append(END)
    return "\n".join(out)


README_SKELETON = """# Benchmark

Run `python bench/run.py --help` for the options.

{start}
{end}
"""


def write_readme(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else README_SKELETON.format(start=START, end=END)
    if START in text and END in text and text.index(START) < text.index(END):
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n## Results\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = run_quiet(["nproc"]).stdout.strip() if shutil.which("nproc") else str(os.cpu_count())
    memory = ""
    try:
        kib = int(next(l for l in Path("/proc/meminfo").read_text().splitlines()
                       if l.startswith("MemTotal")).split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    system = platform.system()
    try:
        system = next(l.split("=", 1)[1].strip('"') for l in Path("/etc/os-release").read_text().splitlines()
                      if l.startswith("PRETTY_NAME="))
    except (OSError, StopIteration):
        pass
    return (f"{cores} cores (nproc), {model}{memory}, {system}, Python {platform.python_version()}")


# ------------------------------------------------------------------ main
def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--n", type=int, help="one corpus size")
    which.add_argument("--sizes", default="1000,10000", help="comma-separated sizes (default: 1000,10000)")
    ap.add_argument("--runs", type=int, default=3, help="runs per size (default: 3)")
    ap.add_argument("--work", type=Path, default=REPO / "bench" / "work",
                    help="scratch folder for corpora, outputs and the Pelican venv (default: bench/work)")
    ap.add_argument("--peers", default="hugo,pelican",
                    help="comma-separated peers out of hugo,pelican, or 'none' (default: hugo,pelican)")
    ap.add_argument("--gen", type=Path, default=REPO / "bench" / "corpus.py",
                    help="the corpus generator (default: bench/corpus.py)")
    ap.add_argument("--wait-idle", type=float, default=60, metavar="SECONDS",
                    help="before each engine's three builds, wait up to this long for other processes "
                         "to leave the cores idle (default: 60; 0 turns it off)")
    ap.add_argument("--readme", type=Path, default=REPO / "bench" / "README.md",
                    help="the file whose results section is rewritten (default: bench/README.md)")
    args = ap.parse_args(argv)
    try:
        args.size_list = [args.n] if args.n else [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error(f"--sizes: not a list of numbers: {args.sizes!r}")
    if not args.size_list or min(args.size_list) < 2:
        ap.error("sizes must be at least 2")
    peers = [p.strip().lower() for p in args.peers.split(",") if p.strip()]
    args.peer_list = [] if peers in ([], ["none"]) else peers
    unknown = set(args.peer_list) - set(PEERS)
    if unknown:
        ap.error(f"--peers: unknown {', '.join(sorted(unknown))} (choose from {', '.join(PEERS)} or none)")
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if not args.gen.is_file():
        ap.error(f"--gen: {args.gen} does not exist")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    Trash.folder = work / "trash"
    if Trash.folder.exists():
        log(f"removing {Trash.folder}, left by an interrupted run")
        Trash.empty()
    gen = args.gen.resolve()
    ensure_gnu_time()
    command = "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    log(f"{command}: sizes {args.size_list}, {args.runs} run(s), work folder {work}")

    engines: list[Engine] = []
    described: list[dict] = []
    for key, cls in [("wijknieuws", Ours), ("hugo", Hugo), ("pelican", Pelican)]:
        if key != "wijknieuws" and key not in args.peer_list:
            continue
        try:
            engine = cls(work, gen)
            engines.append(engine)
            described.append({"key": key, "label": engine.label, "version": engine.version,
                              "detail": engine.detail})
            log(f"{engine.label} {engine.version}{engine.detail}")
        except NotMeasured as error:
            if key == "wijknieuws":
                sys.exit(f"bench: cannot run wijknieuws: {error}")
            log(f"{cls.label}: not measured: {error}")
            described.append({"key": key, "label": cls.label, "not_measured": str(error)})

    versions = "; ".join(f"{d['label']} {d['version']}{d['detail']}" for d in described if d.get("version"))
    data = {"command": command, "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "machine": f"{machine()}; {versions}", "runs": args.runs, "sizes": [],
            "engines": described, "results": {}}

    def save() -> None:
        (work / "results.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
        write_readme(args.readme, results_block(data))

    try:
        measure_sizes(args, work, gen, engines, data, save)
    finally:
        log(f"removing the earlier outputs set aside in {Trash.folder}")
        Trash.empty()
    log(f"results written to {args.readme} and {work / 'results.json'}")
    return 0


def measure_sizes(args, work: Path, gen: Path, engines: list[Engine], data: dict, save) -> None:
    for n in args.size_list:
        size_dir = work / f"n{n}"
        size_dir.mkdir(parents=True, exist_ok=True)
        per = data["results"].setdefault(str(n), {})
        active = []
        for engine in engines:
            per[engine.key] = {"runs": []}
            try:
                engine.generate(size_dir, n)
                active.append(engine)
            except NotMeasured as error:
                log(f"n={n}: {engine.label}: not measured: {error}")
                per[engine.key]["failed"] = str(error)
        slug = newest_slug(size_dir / "wijknieuws" / "content")
        log(f"n={n}: the one-edit rebuild appends a sentence to {slug}.md")
        for run in range(args.runs):
            for engine in list(active):
                if args.wait_idle > 0:
                    load = wait_idle(args.wait_idle)
                    if load >= 0.3:
                        log(f"n={n}: other processes keep {load:.1f} cores busy; measuring anyway")
                try:
                    result = engine.measure_run(slug, run, f"n={n} run {run + 1}/{args.runs}:")
                    per[engine.key]["runs"].append(result)
                except BuildFailed as error:
                    log(f"n={n}: {engine.label} failed, not measured further at this size: {error}")
                    per[engine.key]["failed"] = str(error)
                    active.remove(engine)
        # a peer that failed part-way keeps only the runs it completed; ours/peer ratios pair by run
        for engine in active:
            try:
                per[engine.key]["sampled"] = engine.measure_run(slug, args.runs, f"n={n} memory run:", sample=True)
            except BuildFailed as error:
                log(f"n={n}: {engine.label}: the memory of all processes not measured: {error}")
        if engines[0] in active:
            try:
                per["wijknieuws"]["serve"] = measure_serve(engines[0], slug, SERVE_EDITS)
                log(f"n={n}: serve: " + ", ".join(f"{k} {statistics.median(v):.2f} s"
                                                  for k, v in per["wijknieuws"]["serve"].items() if v))
            except (BuildFailed, OSError, subprocess.TimeoutExpired) as error:
                log(f"n={n}: serve not measured: {error}")
                per["wijknieuws"]["serve_failed"] = str(error)
        data["sizes"].append(n)
        save()


if __name__ == "__main__":
    sys.exit(main())
