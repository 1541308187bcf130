"""The URL layout of the site (SPEC section 3) in one place.

Paths are site-relative folders ('wijk/rokkeveen/'); each page turns them into links relative to
itself, so the site works at any sub-path of base_url and straight from the disk.
"""
from __future__ import annotations

from .content import Article, Tag
from .decisions import Decision
from .registry import Besluit, Dossier, Wethouder, Wijk

_SECTIONS = {Article: "nieuws", Wijk: "wijk", Wethouder: "wethouder", Dossier: "dossier", Tag: "tag",
             Besluit: "besluit"}


def path_of(target) -> str:
    """Site-relative folder of a model object, or the string itself. A decision of its own (an
    article with a status and no besluit:) lives on its article's page."""
    if isinstance(target, str):
        return target
    if isinstance(target, Decision):
        return path_of(target.besluit or target.newest)
    return f"{_SECTIONS[type(target)]}/{target.slug}/"


def page_path(target, number: int = 1) -> str:
    """The folder of page `number` of a listing."""
    base = path_of(target)
    return base if number == 1 else f"{base}pagina/{number}/"


def file_of(folder: str) -> str:
    """The file behind a folder URL: 'wijk/x/' -> 'wijk/x/index.html'."""
    return folder + "index.html" if folder == "" or folder.endswith("/") else folder


def root_of(file_path: str) -> str:
    """From a file in the site to its root: 'wijk/x/index.html' -> '../../'."""
    return "../" * file_path.count("/")


def relative(root: str, target) -> str:
    return (root + path_of(target)) or "./"
