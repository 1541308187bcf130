#!/usr/bin/env python3
"""Photos: wijknieuws beside Hugo on a corpus where every article has a phone photo (issue 14).

    python bench/photos.py                      # 1,000 articles, one run, Hugo on the first 100
    python bench/photos.py --n 200 --hugo-n 200 --runs 3
    python bench/photos.py --n 200 --peers none

The corpus is bench/corpus.py's with --photos: each article has its own 12-megapixel JPEG of
2-4 MB, with EXIF rotation (every fourth one a portrait stored sideways), camera and GPS. Both
engines make the same copies of each photo: 480, 800, 1200 and 1600 px wide in WebP and JPEG,
plus a 1200x630 crop for sharing (Hugo: `.Resize "Wx webp"`, `.Resize "Wx jpg"` and `.Fill`
for the crops, as bench/corpus.py's Hugo theme does). Per engine and run, four builds in a row:

- cold: no cache and no output (Hugo: no resources/ and no cache folder);
- no-change: the same command again;
- one-edit: a sentence appended to the newest article;
- one photo replaced: the newest article's photo replaced by another photo (its copies are new).

Hugo makes its copies at a fraction of our speed (some 7 CPU-seconds a photo here, against 0.6),
so by default it builds the first 100 articles of the same corpus (--hugo-n), and the table
gives each engine's time per photo beside its measured time; `--hugo-n 1000` measures it whole
(hours). Each build runs under GNU time (wall time, the largest process's peak memory) while the memory
of all its processes is sampled twice a second (the peak of their summed PSS). The table goes
into bench/README.md between <!-- photos --> and <!-- /photos -->. Uses run.py's machinery.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

import run as bench  # bench/run.py, beside this file

START, END = "<!-- photos -->", "<!-- /photos -->"
SCENARIOS = [("cold", "cold build"), ("nochange", "no-change"), ("oneedit", "one-edit"),
             ("photo", "one photo replaced")]


def measure(cmd, cwd, env) -> dict:
    """bench.measure, with the memory of all processes sampled at a calm pace (a build of
    minutes is not slowed by two samples a second)."""
    sampler_class = bench.TreeSampler
    bench.TreeSampler = lambda pid: sampler_class(pid, interval=0.5)
    try:
        return bench.measure(cmd, cwd, env, sample=True)
    finally:
        bench.TreeSampler = sampler_class


def photo_path(engine, slug: str) -> Path:
    if engine.key == "wijknieuws":
        return engine.root / "content" / "images" / f"{slug}.jpg"
    return engine.root / "assets" / "fotos" / f"{slug}.jpg"


def measure_run(engine, slug: str, run: int, replacement: Path) -> dict:
    results = {}
    engine.clean()
    photo = photo_path(engine, slug)
    aside = photo.with_name(photo.name + ".bench")
    try:
        for scenario, title in SCENARIOS:
            if scenario == "oneedit":
                engine.edit(slug, run)
            if scenario == "photo":
                photo.rename(aside)
                shutil.copyfile(replacement, photo)
            cmd, cwd, env = engine.command(scenario)
            results[scenario] = m = measure(cmd, cwd, env)
            bench.log(f"{engine.label} {title}: {m['wall']:.2f} s (CPU {m['cpu']:.1f} s), max RSS "
                      f"{m['rss_kib'] / 1024:.0f} MiB, all processes {m['tree_kib'] / 1024:.0f} MiB")
    finally:
        engine.restore()
        if aside.exists():
            photo.unlink(missing_ok=True)
            aside.rename(photo)
    return results


def table(data: dict) -> str:
    out = [START, "", f"_Written by `{data['command']}`, started {data['date']}; do not edit by hand._", "",
           f"Machine: {data['machine']}.", "",
           "Every article with a 12-megapixel phone photo; median of "
           f"{data['runs']} run(s) (min–max).", "",
           "| engine | articles | " + " | ".join(t for _, t in SCENARIOS)
           + " | cold build per photo | peak memory | all processes |",
           "|---" * (len(SCENARIOS) + 5) + "|"]
    for engine in data["engines"]:
        entry = data["results"].get(engine["key"], {})
        label = f"{engine['label']} {engine.get('version', '')}".strip()
        if engine.get("not_measured") or not entry.get("runs"):
            reason = engine.get("not_measured") or entry.get("failed", "no runs")
            out.append(f"| {label} | not measured: {reason} |" + " |" * (len(SCENARIOS) + 3))
            continue
        runs, n = entry["runs"], data["sizes"][engine["key"]]
        row = [f"{n:,}"] + [bench.cell([r[s]["wall"] for r in runs], "s") for s, _ in SCENARIOS]
        row.append(bench.cell([r["cold"]["wall"] / n for r in runs], "s"))
        row.append(bench.cell([max(r[s]["rss_kib"] for s, _ in SCENARIOS) / 1024 for r in runs], "MiB"))
        row.append(bench.cell([max(r[s]["tree_kib"] for s, _ in SCENARIOS) / 1024 for r in runs], "MiB"))
        out.append(f"| {label} | " + " | ".join(row) + " |")
    ours, hugo = data["results"].get("wijknieuws", {}), data["results"].get("hugo", {})
    if ours.get("runs") and hugo.get("runs") and len(set(data["sizes"].values())) == 1:
        pairs = list(zip(ours["runs"], hugo["runs"]))
        out += ["", "| ratio | " + " | ".join(t for _, t in SCENARIOS) + " |", "|---" * (len(SCENARIOS) + 1) + "|",
                "| wijknieuws / Hugo | " + " | ".join(
                    bench.cell([a[s]["wall"] / b[s]["wall"] for a, b in pairs], "x") for s, _ in SCENARIOS) + " |"]
    if ours.get("runs") and hugo.get("runs"):
        per = [statistics.median(r["cold"]["wall"] for r in entry["runs"]) / data["sizes"][key]
               for key, entry in (("wijknieuws", ours), ("hugo", hugo))]
        out += ["", f"Cold build per photo: wijknieuws {per[0]:.2f} s, Hugo {per[1]:.2f} s: "
                f"wijknieuws takes {per[0] / per[1]:.2f}× Hugo's time per photo."]
    out += ["", END]
    return "\n".join(out)


def write_readme(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark\n"
    if START in text and END in text:
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n## Photos\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="articles, each with a photo (default: 1000)")
    ap.add_argument("--runs", type=int, default=1, help="runs (default: 1; Hugo's cold build takes long)")
    ap.add_argument("--peers", default="hugo", help="hugo or none (default: hugo)")
    ap.add_argument("--hugo-n", type=int, default=100, help="articles (with photos) Hugo builds (default: 100)")
    ap.add_argument("--wait-idle", type=float, default=60, metavar="SECONDS",
                    help="before each engine's builds, wait up to this long for idle cores (0: do not wait)")
    ap.add_argument("--work", type=Path, default=bench.REPO / "bench" / "work")
    ap.add_argument("--readme", type=Path, default=bench.REPO / "bench" / "README.md")
    args = ap.parse_args(argv)
    work = args.work.resolve()
    bench.Trash.folder = work / "trash"
    bench.ensure_gnu_time()
    gen = bench.REPO / "bench" / "corpus.py"
    size_dir = work / f"photos{args.n}"
    size_dir.mkdir(parents=True, exist_ok=True)
    command = "python bench/photos.py " + " ".join(sys.argv[1:] if argv is None else argv)
    engines, described = [], []
    for cls in [bench.Ours] + ([bench.Hugo] if args.peers == "hugo" else []):
        try:
            engine = cls(work, gen)
            engines.append(engine)
            described.append({"key": engine.key, "label": engine.label, "version": engine.version})
        except bench.NotMeasured as error:
            described.append({"key": cls.key, "label": cls.label, "not_measured": str(error)})
    data = {"command": command, "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "machine": bench.machine(), "n": args.n, "runs": args.runs, "engines": described, "results": {}}
    photo_cache = work / "photo-cache"
    sys.path.insert(0, str(gen.parent))
    import corpus

    sizes = {}
    for engine in engines:
        n = sizes[engine.key] = args.n if engine.key == "wijknieuws" else min(args.n, args.hugo_n)
        engine.root = size_dir / engine.key
        bench.Trash.discard(engine.root)
        bench.log(f"generating the {engine.fmt} corpus of {n} articles with photos in {engine.root}")
        done = bench.run_quiet([sys.executable, str(gen), "--n", str(n), "--out", str(engine.corpus_dir()),
                                "--format", engine.fmt, "--photos", "--photo-cache", str(photo_cache)])
        if done.returncode != 0:
            sys.exit(f"bench: the corpus could not be made: {bench.tail(done.stdout)}")
    data["sizes"] = sizes
    replacement = size_dir / "replacement.jpg"
    replacement.write_bytes(corpus.phone_photo("replacement"))
    try:
        for run in range(args.runs):
            for engine in engines:
                if args.wait_idle > 0:
                    bench.wait_idle(args.wait_idle)
                entry = data["results"].setdefault(engine.key, {"runs": []})
                # the newest article of that engine's corpus (article i is the same in every size)
                metas = [corpus.Meta(corpus.SEED, i) for i in range(sizes[engine.key])]
                slug = max(metas, key=lambda m: (m.date, m.slug)).slug
                try:
                    entry["runs"].append(measure_run(engine, slug, run, replacement))
                except bench.BuildFailed as error:
                    entry["failed"] = str(error)
            (work / "photos.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
            write_readme(args.readme, table(data))
    finally:
        bench.Trash.empty()
    bench.log(f"results written to {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
