"""What a page is made from, as one hash: if it is the same as last time, so is the page.

Templates see only their page's context and the settings (render.py), so hashing the
context, the settings and the theme covers everything a page can show.
"""
from __future__ import annotations

import dataclasses
import hashlib
import pickle
from datetime import date, datetime
from pathlib import Path

from .content import Article

_PLAIN = (str, int, float, bool, type(None), date, datetime)


class Fingerprints:
    def __init__(self, salt: str):
        self.salt = salt.encode()
        # Immutable values shared by many pages (articles, a listing's page folders) are
        # hashed once per build, by identity.
        self._memo: dict[int, tuple[object, bytes]] = {}

    def _digest(self, value) -> bytes:
        if isinstance(value, _PLAIN):
            return repr(value).encode()
        key = id(value)
        found = self._memo.get(key)
        if found is not None:
            return found[1]
        if isinstance(value, Article):
            digest = hashlib.sha1(pickle.dumps(value, protocol=5)).digest()
        elif isinstance(value, (list, tuple)):
            digest = hashlib.sha1(b"[" + b",".join(self._digest(item) for item in value)).digest()
        elif isinstance(value, dict):
            digest = hashlib.sha1(b"{" + b",".join(
                key.encode() + b":" + self._digest(value[key]) for key in sorted(value))).digest()
        elif dataclasses.is_dataclass(value):
            digest = hashlib.sha1(type(value).__name__.encode() + self._digest(
                [getattr(value, f.name) for f in dataclasses.fields(value)])).digest()
        else:
            raise TypeError(f"cannot fingerprint {type(value).__name__} in a page context")
        if isinstance(value, (tuple, Article)) or dataclasses.is_dataclass(value):
            self._memo[key] = (value, digest)  # keeps the value alive, so its id stays its own
        return digest

    def page(self, path: str, template: str, context: dict) -> str:
        return hashlib.sha1(self.salt + f"\0{path}\0{template}\0".encode() + self._digest(context)).hexdigest()
