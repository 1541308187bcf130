#!/usr/bin/env python3
"""Search beside Pagefind: relevance on judged queries, index time, and what a first query downloads.

    .venv/bin/python bench/search.py                     # the sample site and the 10,000-article corpus
    .venv/bin/python bench/search.py --sites sample      # only the sample site
    .venv/bin/python bench/search.py --engines ours      # without Pagefind (nothing installed)

Run with the project's environment (it builds with wijknieuws and drives Debian's chromium with
Playwright, both from requirements/test.txt). Pagefind comes from PyPI, `pagefind[bin]`, into a
virtual environment of its own under --work: it is never a dependency of the project.

For each site (the sample content, and bench/corpus.py's corpus of N articles):
- both engines index the same built site: ours is the index the build writes; Pagefind indexes
  a copy of the site in which each article page's <article> carries `data-pagefind-body` (what
  Pagefind's documentation asks of a site: index the content, not the menus and the lists of
  other articles beside it), and only the article pages (`--glob`), as ours indexes articles only;
- relevance: each judged query (bench/judged/*.tsv: the article that should come first) is
  asked of both, in Chromium, through each engine's own JavaScript: ours through the search page
  (zoeken/?q=...), Pagefind through its JS API (`pagefind.search`, then `data()` of the first ten
  results, as its UI does). precision@1 is the share of queries whose first result is the judged
  one, MRR the mean of 1/rank over the first ten (0 when absent). Ours is also scored after the
  reader follows its "Bedoelde u" (typo) suggestion, from bench/search_ours.js (the same code in node);
- bytes: each query runs in a new browser context (nothing cached) and the local web server
  counts the bytes it sends of each engine's files (ours: static/search.js and zoeken/index/;
  Pagefind: pagefind/), i.e. what the first query of a visit downloads to show ten results with
  their excerpts. Python's server sends files as they are: Pagefind's are gzip-compressed by
  Pagefind itself, ours are plain JSON, so ours is also given as gzip would send it;
- index time: Pagefind's is the wall clock and CPU time (user + system) of `pagefind --site`
  (its own program, not through Python's wrapper);
  ours, of making every index file from the parsed articles in one process (the words and
  weights of each article, the buckets, vocabulary and fragments): what the build spends on
  search, measured apart (in the build it is spread over the parsing workers and the writing;
  Babel's Dutch dates, which a build loads for its pages anyway, are loaded before the clock starts).
  Ours is also timed for the build after an edit (a sentence added to the newest article): its
  words again and the index updated in place. Pagefind has no such mode: it indexes all again.
  Median of --runs runs, the engines in turns.

The table goes into bench/README.md between <!-- search --> and <!-- /search -->.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
import venv
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
from run import git_state, machine, wait_idle  # noqa: E402  (the build benchmark's helpers)

START, END = "<!-- search -->", "<!-- /search -->"
PAGEFIND = "pagefind[bin]==1.5.2"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
KINDS = ("word", "words", "plural", "accent", "two words", "name", "typo")


def log(message: str) -> None:
    print(f"[search bench] {message}", flush=True)


def judged(name: str) -> list[dict]:
    lines = [line.split("\t") for line in (BENCH / "judged" / name).read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return [dict(zip(lines[0], row + [""] * (len(lines[0]) - len(row)))) for row in lines[1:]]


def article_path(url: str) -> str | None:
    """'nieuws/<slug>/' out of any URL or path of an article page."""
    parts = url.split("#")[0].split("?")[0].rstrip("/").split("/")
    return f"nieuws/{parts[-1]}/" if len(parts) >= 2 and parts[-2] == "nieuws" else None


# ------------------------------------------------------------------ sites
class Site:
    def __init__(self, name: str, work: Path):
        self.name = name
        self.folder = work / ("sample" if name == "sample" else f"n{name}")
        self.content = REPO / "content" if name == "sample" else self.folder / "content"
        self.site = self.folder / "site"
        self.pagefind_site = self.folder / "pagefind-site"
        self.queries = judged("sample.tsv" if name == "sample" else "corpus.tsv")

    @property
    def title(self) -> str:
        return "the sample site" if self.name == "sample" else f"{int(self.name):,} articles (bench/corpus.py)"

    def prepare(self) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.name != "sample":
            stamp = self.folder / "corpus.stamp"
            made = (BENCH / "corpus.py").read_bytes()
            if not stamp.exists() or stamp.read_bytes() != made:
                log(f"generating {self.name} articles")
                subprocess.run([sys.executable, str(BENCH / "corpus.py"), "--n", self.name, "--out",
                                str(self.content), "--force"], check=True, stdout=subprocess.DEVNULL)
                stamp.write_bytes(made)
        log(f"building {self.title}")
        wijknieuws = Path(sys.executable).with_name("wijknieuws")
        subprocess.run([str(wijknieuws), "build", "--quiet", "--content", str(self.content), "--out", str(self.site)],
                       cwd=self.folder, check=True)
        return len(list((self.site / "zoeken/index/f").glob("*.json")))

    def copy_for_pagefind(self) -> None:
        """The built site with data-pagefind-body on each article page's <article>."""
        if self.pagefind_site.exists():
            shutil.rmtree(self.pagefind_site)
        shutil.copytree(self.site, self.pagefind_site, copy_function=os.link)
        for page in self.pagefind_site.glob("nieuws/*/index.html"):
            html = page.read_text(encoding="utf-8")
            marked = html.replace('<article class="article">', '<article class="article" data-pagefind-body>', 1)
            assert marked != html, page
            page.unlink()  # a hard link to the built site: write a file of its own
            page.write_text(marked, encoding="utf-8")


# ------------------------------------------------------------------ index time
OURS_INDEX = """
import json, sys, time
from pathlib import Path
from wijknieuws.pipeline import Options, load, open_cache
from wijknieuws.render import dutch_date
from wijknieuws.search import SearchIndex, fragment
from wijknieuws.words import article_terms
options = Options(content=Path(sys.argv[1]), out=Path(sys.argv[2]))
model = load(options, open_cache(options)).model
dutch_date(model.articles[0].day)  # Babel's Dutch locale: loaded by a build for its pages anyway
wall, cpu = time.perf_counter(), time.process_time()
terms = {a.source: article_terms(a) for a in model.articles}
index = SearchIndex()
files = index.files(model, terms)
fragments = [make() for _, _, make in SearchIndex.fragments(model)]
cold = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
# then one edit, as a build after it does it: the newest article gets a sentence more (its
# words again, and its fragment), the index is updated in place
newest = model.articles[0]
wall, cpu = time.perf_counter(), time.process_time()
edited = newest.revised(body_html=newest.body_html + "<p>Aanvulling: de buurt praat mee op de inloopavond.</p>")
terms[newest.source] = article_terms(edited)
files = index.files(model, terms)
made = fragment(edited)  # the build makes only the edited article's fragment again
edit = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
print(json.dumps({**cold, "edit_wall": edit["wall"], "edit_cpu": edit["cpu"]}))
"""


def ours_index_time(site: Site) -> dict:
    done = subprocess.run([sys.executable, "-c", OURS_INDEX, str(site.content), str(site.site)],
                          cwd=site.folder, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def pagefind_binary(work: Path) -> Path:
    """Pagefind's own program, out of the pagefind_bin wheel: timed without Python's wrapper
    (`python -m pagefind`) starting first."""
    env = work / "venv-pagefind"
    python = env / "bin" / "python"
    if not python.exists():
        log(f"installing {PAGEFIND} into {env}")
        venv.create(env, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", PAGEFIND], check=True)
    return Path(subprocess.run([str(python), "-c", "import os, pagefind_bin; print(os.path.join("
                                "os.path.dirname(pagefind_bin.__file__), 'pagefind'))"],
                               capture_output=True, text=True, check=True).stdout.strip())


def pagefind_version(binary: Path) -> str:
    return subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]


def pagefind_index_time(site: Site, binary: Path) -> dict:
    shutil.rmtree(site.pagefind_site / "pagefind", ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run([str(binary), "--site", str(site.pagefind_site), "--glob", "nieuws/*/index.html"],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": wall, "cpu": after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime}


# ------------------------------------------------------------------ queries in the browser
class Counting(http.server.SimpleHTTPRequestHandler):
    """Serves the work folder and adds up the bytes of each file it sends."""

    sent: list[tuple[str, int]] = []

    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        size = os.fstat(source.fileno()).st_size
        Counting.sent.append((self.path, size))
        super().copyfile(source, outputfile)


PAGEFIND_QUERY = """async ([base, query]) => {
  const pagefind = await import(base + "pagefind/pagefind.js");
  const search = await pagefind.search(query);
  const shown = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
  return shown.map((d) => d.url);
}"""


def ask(browser, url: str, engine: str, query: str, base: str) -> tuple[list[str], list[tuple[str, int]]]:
    """The first ten results' article paths, and the files the query downloaded."""
    context = browser.new_context()
    tab = context.new_page()
    try:
        Counting.sent = []
        if engine == "ours":
            tab.goto(f"{url}zoeken/?q={quote(query)}")
            tab.wait_for_function("document.getElementById('zoek-status').textContent.includes('\u2018')",
                                  timeout=60_000)
            found = [tab.evaluate("a => a.href", a) for a in tab.query_selector_all("#zoek-resultaten h2 a")]
            files = [(p, n) for p, n in Counting.sent if "/zoeken/index/" in p or p.endswith("/static/search.js")]
        else:
            tab.goto(f"{base}probe.html")
            found = tab.evaluate(PAGEFIND_QUERY, [url.removeprefix(base.rstrip("/")), query])
            files = [(p, n) for p, n in Counting.sent if "/pagefind/" in p]
        return [article_path(u) for u in found[:10]], files
    finally:
        context.close()


def gzip_size(work: Path, path: str) -> int:
    return len(gzip.compress((work / path.lstrip("/").split("?")[0]).read_bytes(), compresslevel=6, mtime=0))


def scores(queries: list[dict], found: list[list[str]]) -> dict:
    ranks = []
    for row, paths in zip(queries, found):
        want = f"nieuws/{row['first']}/"
        ranks.append(paths.index(want) + 1 if want in paths else None)
    by_kind = {}
    for kind in KINDS:
        picked = [r for row, r in zip(queries, ranks) if row["kind"] == kind]
        if picked:
            by_kind[kind] = [sum(r == 1 for r in picked), len(picked)]
    return {"p1": sum(r == 1 for r in ranks) / len(ranks), "mrr": sum(1 / r for r in ranks if r) / len(ranks),
            "ranks": ranks, "by_kind": by_kind}


def after_suggestion(site: Site) -> dict:
    """Ours for the typo queries once the reader follows 'Bedoelde u' (bench/search_ours.js)."""
    typos = [row for row in site.queries if row["kind"] == "typo"]
    done = subprocess.run(["node", str(BENCH / "search_ours.js"), str(site.site)],
                          input=json.dumps([row["query"] for row in typos]), capture_output=True, text=True, check=True)
    results = json.loads(done.stdout)
    return scores(typos, [r["suggested"] or r["paths"] for r in results])


def run_queries(site: Site, engines: list[str], work: Path) -> dict:
    from playwright.sync_api import sync_playwright

    (work / "probe.html").write_text("<!doctype html><title>probe</title>", encoding="utf-8")
    handler = functools.partial(Counting, directory=str(work))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out = {}
    try:
        with sync_playwright() as playwright:
            chromium = shutil.which("chromium") or shutil.which("chromium-browser")
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for engine in engines:
                root = site.site if engine == "ours" else site.pagefind_site
                url = base + root.relative_to(work).as_posix() + "/"
                found, sizes, gzipped = [], [], []
                for row in site.queries:
                    paths, files = ask(browser, url, engine, row["query"], base)
                    found.append(paths)
                    sizes.append(sum(n for _, n in files))
                    gzipped.append(sum(gzip_size(work, p) for p, _ in files) if engine == "ours" else sizes[-1])
                out[engine] = {**scores(site.queries, found), "bytes": sizes, "gzip": gzipped, "found": found}
            browser.close()
    finally:
        server.shutdown()
    return out


# ------------------------------------------------------------------ report
def kb(values: list[int]) -> str:
    return f"{statistics.median(values) / 1024:,.0f} KB (max {max(values) / 1024:,.0f})"


def seconds(x: float) -> str:
    return f"{x:.2f} s" if x < 10 else f"{x:.1f} s"


def results_block(data: dict) -> str:
    lines = [START, "", f"_Written by `python bench/search.py --sites {','.join(data['sites'])} --runs "
             f"{data['runs']}`, started {data['started']}; do not edit by hand._", "",
             f"Machine: {data['machine']}; wijknieuws{data['commit']}; Pagefind {data.get('pagefind', 'not measured')}.",
             ""]
    for name in data["sites"]:
        entry = data["results"][name]
        busy = f" Other processes kept {max(entry['busy']):.1f} of the cores busy just before the index-time runs " \
               "(at most; CPU time is the steadier figure then)." if entry.get("busy") and max(entry["busy"]) > 0.3 else ""
        lines += [f"### {entry['title']}", "",
                  f"{entry['articles']:,} articles, {len(entry['queries'])} judged queries "
                  f"(`bench/judged/{'sample' if name == 'sample' else 'corpus'}.tsv`).{busy}", "",
                  "| engine | precision@1 | MRR | typos, after \u201cBedoelde u\u201d | first query downloads "
                  "(median, max) | as gzip | index time (wall) | index time (CPU) | after one edit (wall) |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for engine, label in (("ours", "wijknieuws"), ("pagefind", f"Pagefind {data.get('pagefind', '')}")):
            if engine not in entry["queries_run"]:
                continue
            q, t = entry["queries_run"][engine], entry["index"][engine]
            typo = entry.get("typos_after") if engine == "ours" else None
            typo_cell = f"{typo['by_kind']['typo'][0]}/{typo['by_kind']['typo'][1]} first" if typo else "\u2013"
            gz = kb(q["gzip"]) if engine == "ours" else "(its files are gzip already)"
            edit = seconds(t["edit_wall"]) if "edit_wall" in t else "the same (all again)"
            lines.append(f"| {label} | {q['p1']:.3f} | {q['mrr']:.3f} | {typo_cell} | {kb(q['bytes'])} | {gz} | "
                         f"{seconds(t['wall'])} | {seconds(t['cpu'])} | {edit} |")
        if {"ours", "pagefind"} <= entry["queries_run"].keys():
            o, p = entry["queries_run"]["ours"], entry["queries_run"]["pagefind"]
            to, tp = entry["index"]["ours"], entry["index"]["pagefind"]
            lines += ["", f"Ours against Pagefind: precision@1 {o['p1'] - p['p1']:+.3f}, MRR {o['mrr'] - p['mrr']:+.3f}; "
                      f"bytes of a first query (median) {statistics.median(o['bytes']) / statistics.median(p['bytes']):.2f}\u00d7 "
                      f"theirs as sent here, {statistics.median(o['gzip']) / statistics.median(p['bytes']):.2f}\u00d7 with gzip; "
                      f"index time {to['wall'] / tp['wall']:.3f}\u00d7 theirs (wall), {to['cpu'] / tp['cpu']:.3f}\u00d7 (CPU)."]
            lines += ["", "First result right, by kind of query (as typed):", "",
                      "| kind | " + " | ".join(k for k in KINDS if k in o["by_kind"]) + " |",
                      "|---|" + "---|" * len([k for k in KINDS if k in o["by_kind"]])]
            for engine, label in (("ours", "wijknieuws"), ("pagefind", "Pagefind")):
                kinds = entry["queries_run"][engine]["by_kind"]
                lines.append(f"| {label} | " + " | ".join(f"{kinds[k][0]}/{kinds[k][1]}" for k in KINDS
                                                          if k in o["by_kind"]) + " |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def write_readme(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark\n"
    if START in text and END in text and text.index(START) < text.index(END):
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n## Search beside Pagefind\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", default="sample,10000",
                    help="'sample' and/or corpus sizes, comma-separated (default: sample,10000)")
    ap.add_argument("--engines", default="ours,pagefind", help="ours and/or pagefind (default: both)")
    ap.add_argument("--runs", type=int, default=3, help="index-time runs per engine and site (default: 3)")
    ap.add_argument("--wait-idle", type=float, default=60, metavar="SECONDS",
                    help="before each index-time run, wait up to this long for other processes to leave "
                         "the cores idle (default: 60; 0 turns it off)")
    ap.add_argument("--work", type=Path, default=BENCH / "work" / "search",
                    help="scratch folder: sites, Pagefind's venv, results.json (default: bench/work/search)")
    ap.add_argument("--readme", type=Path, default=BENCH / "README.md",
                    help="the file whose search section is rewritten (default: bench/README.md)")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    data = {"sites": [s for s in args.sites.split(",") if s], "runs": args.runs, "machine": machine(),
            "commit": git_state(), "started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "results": {}}
    pagefind = pagefind_binary(work) if "pagefind" in engines else None
    if pagefind:
        data["pagefind"] = pagefind_version(pagefind)
    for name in data["sites"]:
        site = Site(name, work)
        entry = data["results"][name] = {"title": site.title, "articles": site.prepare(), "queries": site.queries}
        if pagefind:
            site.copy_for_pagefind()
        # in turns, so that a machine that gets busier or quieter meanwhile affects both alike
        timed: dict[str, list[dict]] = {engine: [] for engine in engines}
        entry["busy"] = []
        for run in range(args.runs):
            load = wait_idle(args.wait_idle) if args.wait_idle > 0 else 0.0
            entry["busy"].append(load)
            log(f"{name}: index time, run {run + 1} of {args.runs} (other processes: {load:.2f} cores busy)")
            if "ours" in engines:
                timed["ours"].append(ours_index_time(site))
            if pagefind:
                timed["pagefind"].append(pagefind_index_time(site, pagefind))
        entry["index"] = {engine: {key: statistics.median(t[key] for t in runs) for key in runs[0]}
                          for engine, runs in timed.items()}
        entry["index_runs"] = timed
        if "ours" in engines:
            entry["typos_after"] = after_suggestion(site)
        log(f"{name}: {len(site.queries)} queries in Chromium")
        entry["queries_run"] = run_queries(site, engines, work)
        for engine, q in entry["queries_run"].items():
            log(f"{name}: {engine}: p@1 {q['p1']:.3f}, MRR {q['mrr']:.3f}, "
                f"{statistics.median(q['bytes']) / 1024:.0f} KB, index {entry['index'][engine]['wall']:.2f} s")
    (work / "results.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    write_readme(args.readme, results_block(data))
    log(f"wrote {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
