"""`wijknieuws new`: a new article file with its front matter filled in, never overwriting one."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml
from slugify import slugify

from . import yamlsafe
from .content import STATUSES, TYPES
from .errors import Problems, UsageError, suggest
from .registry import load_registries

BODY = "Schrijf hier het bericht. De eerste alinea is de samenvatting, tenzij u 'summary' invult.\n"
SUMMARY = "Eén zin over waar het bericht over gaat."
SHOWN_BESLUITEN = 3


def _scalar(text: str) -> str:
    """text as a YAML value that reads back as the same text: plain where it can be, else quoted."""
    plain = yaml.safe_dump(text, allow_unicode=True, width=1_000_000).removesuffix("\n...\n").rstrip("\n")
    try:
        if yamlsafe.load(f"key: {plain}\n") == {"key": text}:
            return plain
    except yamlsafe.YamlProblem:
        pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a double-quoted YAML string


def front_matter(title: str, day: date, wijk: str, kind: str, besluiten: list[str]) -> str:
    """The article's text. A decision gets its 'status' and 'besluit' lines empty, with what may go
    there as a comment: an editor fills them in rather than looking them up."""
    lines = [f"title: {_scalar(title)}", f"date: {day.isoformat()}", f"wijk: {_scalar(wijk)}", f"type: {kind}"]
    if kind == "besluit":
        known = f": {', '.join(besluiten[-SHOWN_BESLUITEN:])}" if besluiten else ""
        lines += [f"status:   # {', '.join(STATUSES[:-1])} of {STATUSES[-1]}",
                  f"besluit:  # leeg, of een besluit uit besluiten.yml dat meerdere berichten volgen{known}"]
    lines.append(f"summary: {SUMMARY}")
    return "---\n" + "\n".join(lines) + "\n---\n\n" + BODY


def new_article(content: Path, title: str, wijk_name: str, kind: str, today: date) -> Path:
    if not title.strip():
        raise UsageError("the title must not be empty")
    registries = load_registries(content, Problems())
    wijk = registries.wijken.lookup(wijk_name)
    if wijk is None:
        raise UsageError(registries.wijken.unknown(wijk_name))
    if kind not in TYPES:
        raise UsageError(f"unknown type '{kind}'{suggest(kind, TYPES)}; use one of: {', '.join(TYPES)}")
    text = front_matter(title.strip(), today, wijk.name, kind, [b.slug for b in registries.besluiten])
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
