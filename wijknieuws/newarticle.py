"""`wijknieuws new`: a new article file with its front matter filled in, never overwriting one."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import frontmatter
from slugify import slugify

from .content import TYPES
from .errors import Problems, UsageError, suggest
from .registry import load_registries


def new_article(content: Path, title: str, wijk_name: str, kind: str, today: date) -> Path:
    if not title.strip():
        raise UsageError("the title must not be empty")
    registries = load_registries(content, Problems())
    wijk = registries.wijken.lookup(wijk_name)
    if wijk is None:
        raise UsageError(registries.wijken.unknown(wijk_name))
    if kind not in TYPES:
        raise UsageError(f"unknown type '{kind}'{suggest(kind, TYPES)}; use one of: {', '.join(TYPES)}")
    post = frontmatter.Post(
        "\nSchrijf hier het bericht. De eerste alinea is de samenvatting, tenzij u 'summary' invult.\n",
        title=title.strip(), date=today.isoformat(), wijk=wijk.name, type=kind,
        summary="Eén zin over waar het bericht over gaat.")
    text = frontmatter.dumps(post, sort_keys=False) + "\n"
    folder = content / str(today.year)
    folder.mkdir(parents=True, exist_ok=True)
    base = slugify(title) or "artikel"
    taken = {p.stem for p in content.rglob("*.md")}
    for n in range(1, 10_000):
        name = base if n == 1 else f"{base}-{n}"
        if name in taken:
            continue
        path = folder / f"{name}.md"
        try:
            with open(path, "x", encoding="utf-8") as handle:  # 'x': never overwrite, even in a race
                handle.write(text)
            return path
        except FileExistsError:
            continue
    raise UsageError(f"no free file name for '{base}' in {folder}")
