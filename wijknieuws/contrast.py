"""WCAG 2.1 contrast between two sRGB colours: relative luminance and the ratio of the two.

https://www.w3.org/TR/WCAG21/#dfn-relative-luminance and #dfn-contrast-ratio. WCAG 2.1 writes the
linear threshold as 0.03928 (an old draft of sRGB); sRGB itself and WCAG 2.2 say 0.04045. No
8-bit channel value lies between the two (10/255 = 0.0392, 11/255 = 0.0431), so both give the same
ratio for every colour written as #rrggbb.
"""
from __future__ import annotations

import math
import re

RGB = tuple[int, int, int]

_HEX_RE = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})", re.I)
TEXT = 4.5       # WCAG 1.4.3, normal text (AA)
NON_TEXT = 3.0   # WCAG 1.4.11, focus indicators and the borders of controls (AA)


def parse_hex(text: str) -> RGB | None:
    """'#8b0000' or '#800' as (139, 0, 0); None for anything else."""
    if not isinstance(text, str) or not _HEX_RE.fullmatch(text.strip()):
        return None
    digits = text.strip()[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def hex_of(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """Relative luminance: 0 for black, 1 for white."""
    r, g, b = map(_linear, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: RGB, b: RGB) -> float:
    """The contrast ratio of two colours, from 1 (the same) to 21 (black and white); symmetric."""
    la, lb = luminance(a), luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def shown(value: float) -> str:
    """A ratio as people read it, '4.4:1', rounded down: a colour at 4.46 must not read as 4.5."""
    return f"{math.floor(value * 10) / 10:.1f}:1"


def mix(a: RGB, b: RGB, amount: float) -> RGB:
    """a with `amount` (0..1) of b mixed in, channel by channel."""
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b))  # type: ignore[return-value]
