"""Parsed articles pickled with their registry entries and tags by reference.

Every article names its wijken, wethouders, dossier and besluit, and pickled by value each
would come back as copies of its own: 60,000 objects at 10,000 articles, 14 MB in memory and
a third of the time it takes to read the cache. By reference, an entry is its registry's
slug; reading it back gives the registry's own object, one for all articles (a tag: one per
slug and spelling). Used for the build cache's articles and for what a worker that parsed
articles sends back.

What is pickled is valid only with the same registries (the cache's namespace says so); a
reference to an entry they do not have cannot be read: UnknownEntry.
"""
from __future__ import annotations

import io
import pickle
from functools import partial

from .content import Tag
from .registry import Besluit, Dossier, Registries, Wethouder, Wijk

_KINDS = {Wijk: "wijken", Wethouder: "wethouders", Dossier: "dossiers", Besluit: "besluiten"}


class UnknownEntry(pickle.UnpicklingError):
    """A reference to a registry entry that the registries in use do not have."""


def _entry(kind: str, slug: str):  # pragma: no cover - only ever resolved by _Unpickler
    raise UnknownEntry("registry entries are read back with entrypickle.loads")


def _tag(slug: str, name: str):  # pragma: no cover - only ever resolved by _Unpickler
    raise UnknownEntry("tags are read back with entrypickle.loads")


def _reducers(registries: Registries) -> dict:
    """The pickler's dispatch table: plain functions, where a method (reducer_override) would
    tie the pickler to itself in a cycle, and keep everything it pickled alive with its memo
    until the cycle collector runs, which a build turns off."""

    def entry(obj):
        kind = _KINDS[type(obj)]
        # Only the registry's own entry (or an equal one) goes by reference.
        if getattr(registries, kind).by_slug.get(obj.slug) == obj:
            return _entry, (kind, obj.slug)
        return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)

    return {**dict.fromkeys(_KINDS, entry), Tag: lambda tag: (_tag, (tag.slug, tag.name))}


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, registries: Registries, tags: dict):
        super().__init__(file)
        # Functions that do not refer to the unpickler (see _reducers): its memo keeps them.
        self._resolve = {"_entry": partial(_resolve_entry, registries), "_tag": partial(_resolve_tag, tags)}

    def find_class(self, module, name):
        if module == __name__ and name in self._resolve:
            return self._resolve[name]
        return super().find_class(module, name)


def _resolve_entry(registries: Registries, kind: str, slug: str):
    found = getattr(registries, kind).by_slug.get(slug)
    if found is None:
        raise UnknownEntry(f"no {kind} entry '{slug}'")
    return found


def _resolve_tag(tags: dict, slug: str, name: str) -> Tag:
    found = tags.get((slug, name))
    if found is None:
        found = tags[(slug, name)] = Tag(slug, name)
    return found


def dump(value, file, registries: Registries) -> None:
    pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _reducers(registries)
    pickler.dump(value)


def dumps(value, registries: Registries) -> bytes:
    buffer = io.BytesIO()
    dump(value, buffer, registries)
    return buffer.getvalue()


def load(file, registries: Registries, tags: dict | None = None):
    """tags: shared between calls, so that articles read from several files share their tags too."""
    return _Unpickler(file, registries, {} if tags is None else tags).load()


def loads(data: bytes, registries: Registries, tags: dict | None = None):
    return load(io.BytesIO(data), registries, tags)
