"""Files in the content folder: read safely, named so that any disk can hold them, and, for the
files articles link to (which the build copies into the site as they are: images, attachments),
unable to run in a reader's browser.

A copied file is served from the site's own origin, so an HTML page, a script or an SVG with a
script among them could do anything the site can; the sanitiser never sees them.
"""
from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from pathlib import Path
from xml.parsers import expat

from .errors import Problems

MAX_FILE_BYTES = 5 * 1024 * 1024  # an article or registry larger than this is a mistake, not content
READ_ATTEMPTS = 5                 # reads of a file that keeps changing under the reader, before giving up
# Names Windows keeps for devices, with any extension ('nul.png' too): a site folder or file so
# named cannot be copied to, or served from, a Windows disk.
_DEVICE_RE = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$", re.I)

# What a browser runs (or renders as a document that can run scripts) when it opens the file.
ACTIVE_SUFFIXES = {".htm", ".html", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".js", ".mjs", ".xml",
                   ".xsl", ".xslt", ".svgz", ".swf"}
# What the build writes itself (SPEC section 3) that a copied file of the same name would replace
# (the site's own script and style, its open data, search index and newsletters); its other files
# are .html and .xml, refused above anyway.
_SITE_OWN = ("static/", "data/", "zoeken/", "nieuwsbrief/", "media/")
# Files of its own the build writes at the site's top (the hosting headers, the icons).
_SITE_OWN_FILES = ("robots.txt", "_headers", "_nginx-headers.conf", "favicon-32.png", "apple-touch-icon.png")
_SVG_ACTIVE_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_SCRIPT_URL_RE = re.compile(r"(java|vb)script:", re.I)
_BLANK_RE = re.compile(r"[\x00-\x20\x7f\s]+")


class Unreadable(Exception):
    pass


def too_large(size: int) -> Unreadable:
    return Unreadable(f"file is larger than {MAX_FILE_BYTES // 2**20} MB ({size / 2**20:.1f} MB); "
                      "a file this long is a mistake (something pasted or saved into it?)")


def read_whole(path: Path) -> bytes:
    """The bytes of one version of the file, read again while it changes under the reader (an
    editor saving in place) so that a half-written file is never taken for the real one; raises
    Unreadable with the reason for an editor."""
    for attempt in range(READ_ATTEMPTS):
        try:
            with open(path, "rb") as handle:
                before = os.fstat(handle.fileno())
                if before.st_size > MAX_FILE_BYTES:
                    raise too_large(before.st_size)
                # As much as the file holds, and a byte more to see it grow: a read of the limit
                # itself would allocate megabytes for every article.
                data = handle.read(before.st_size + 1)
                after = os.fstat(handle.fileno())
        except OSError as exc:  # removed or unreadable between the scan and now
            raise Unreadable(f"cannot read the file: {exc.strerror}") from None
        if len(data) > MAX_FILE_BYTES:
            raise too_large(after.st_size)
        if (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, len(data)):
            return data
        time.sleep(0.02 * (attempt + 1))
    raise Unreadable("the file kept changing while it was read; build again once it is saved")


def device_name(path: str) -> str | None:
    """The first part of a '/'-separated path that Windows reserves for a device, if any."""
    for part in path.split("/"):
        if _DEVICE_RE.match(part.split(".", 1)[0].rstrip(" ")):
            return part
    return None


def device_problem(name: str, what: str) -> str:
    return f"{what} '{name}' is a device name on Windows (con, prn, aux, nul, com1-9, lpt1-9); choose another name"


def active_suffix(rel: str) -> str | None:
    suffix = Path(rel).suffix.lower()
    return suffix if suffix in ACTIVE_SUFFIXES else None


def svg_problem(data: bytes) -> tuple[int, str] | None:
    """(line, message) for the first thing in an SVG file that could run a script, or None.
    expat (2.4 and later) refuses entity-expansion bombs by itself."""
    found: list[tuple[int, str]] = []
    elsewhere: list[tuple[int, str]] = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(" ")[2].lower()
        if tag in _SVG_ACTIVE_TAGS:
            found.append((parser.CurrentLineNumber, f"<{tag}>"))
        for key, value in attrs.items():
            attr = key.rpartition(" ")[2].lower()
            if attr.startswith("on") or _SCRIPT_URL_RE.search(_BLANK_RE.sub("", value)):
                found.append((parser.CurrentLineNumber, f"{attr}=\"{value[:40]}\""))
            elif attr == "href" and not value.strip().startswith(("#", "data:")):
                # Another file: a browser showing the SVG as a picture never loads it, and the
                # build, drawing it as PNG for e-mail and sharing, must not read files on its machine.
                elsewhere.append((parser.CurrentLineNumber, f"{attr}=\"{value[:40]}\""))

    def instruction(target: str, data: str) -> None:
        if target.lower() == "xml-stylesheet":  # XSLT can write scripts into the document
            found.append((parser.CurrentLineNumber, "<?xml-stylesheet?>"))

    parser.StartElementHandler = start
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        return exc.lineno, f"not a well-formed SVG file ({expat.ErrorString(exc.code)})"
    if found:
        line, what = found[0]
        return line, f"SVG file with {what}, which could run a script on the site; save the picture without it"
    if elsewhere:
        line, what = elsewhere[0]
        return line, (f"SVG file with {what}, a link to another file, which a picture on the site cannot "
                      "show; put what it shows into the SVG itself, or save the drawing as PNG")
    return None


def active_problem(rel: str) -> str:
    return (f"'{rel}' is a {active_suffix(rel)} file, which a browser would run as part of the site; "
            "link to it on another site, or attach it as PDF or plain text")


def site_own(rel: str) -> bool:
    """Whether the build writes this path itself (any letter case: one file on some disks)."""
    return rel.casefold().startswith(_SITE_OWN) or rel.casefold() in _SITE_OWN_FILES


def site_own_problem(value: str) -> str:
    return (f"'{value}' is in a place the site writes itself ({', '.join(_SITE_OWN + _SITE_OWN_FILES)}); "
            "keep pictures and attachments elsewhere, e.g. in images/")


def check_used_files(content: Path, used: list[str], read, problems: Problems) -> None:
    """Reports every copied file (relative, with '/') that clashes or could run; read(rel) gives
    its bytes, or None when it could not (and has reported why)."""
    by_fold = defaultdict(list)
    for rel in used:
        by_fold[rel.casefold()].append(rel)
    for same in by_fold.values():
        for rel in same if len(same) > 1 else ():
            others = " and ".join(f"'{other}'" for other in same if other != rel)
            problems.error(content / rel, 1, f"differs from {others} only in letter case: on a case-insensitive "
                           "disk (Windows, macOS) they are one file; rename one of them")
    for rel in used:
        if rel.lower().endswith(".svg"):
            data = read(rel)
            problem = svg_problem(data) if data is not None else None
            if problem:
                problems.error(content / rel, *problem)
