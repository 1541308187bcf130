"""The WCAG 2.1 contrast function the build refuses brand colours with (wijknieuws/contrast.py)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wijknieuws.contrast import hex_of, luminance, mix, parse_hex, ratio, shown

colours = st.tuples(*[st.integers(0, 255)] * 3)


@pytest.mark.parametrize("a, b, expected", [
    ("#000000", "#ffffff", 21.0),
    ("#ffffff", "#ffffff", 1.0),
    ("#777777", "#ffffff", 4.478),   # the grey every designer learns fails AA on white ...
    ("#767676", "#ffffff", 4.542),   # ... and the one that passes
    ("#ffd700", "#ffffff", 1.403),   # the example: gold as a menu bar under white text
    ("#0b4f7c", "#ffffff", 8.664),   # the default theme's menu bar
    ("#ff0000", "#ffffff", 3.998),
    ("#0000ff", "#000000", 2.444),
])
def test_known_ratios(a, b, expected):
    assert ratio(parse_hex(a), parse_hex(b)) == pytest.approx(expected, abs=0.001)


def test_luminance_of_the_primaries():
    """The weights of WCAG's formula: green counts most, blue least."""
    assert luminance((255, 0, 0)) == pytest.approx(0.2126)
    assert luminance((0, 255, 0)) == pytest.approx(0.7152)
    assert luminance((0, 0, 255)) == pytest.approx(0.0722)
    assert luminance((255, 255, 255)) == pytest.approx(1.0)
    assert luminance((0, 0, 0)) == 0.0


def test_both_thresholds_of_the_formula_agree_on_every_channel_value():
    """WCAG 2.1 writes 0.03928 where sRGB (and WCAG 2.2) say 0.04045: for 8-bit colours the
    results must be the same, or the build would disagree with one of the two texts."""
    def wcag21(rgb):
        r, g, b = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    for value in range(256):
        for rgb in ((value, 0, 0), (0, value, 0), (0, 0, value)):
            assert luminance(rgb) == wcag21(rgb)


@pytest.mark.parametrize("value, text", [(4.4999, "4.4:1"), (4.5, "4.5:1"), (1.401, "1.4:1"), (21, "21.0:1"),
                                         (2.99, "2.9:1")])
def test_shown_rounds_down_so_a_failing_ratio_never_reads_as_passing(value, text):
    assert shown(value) == text


@pytest.mark.parametrize("text, rgb", [("#8b0000", (139, 0, 0)), ("#800", (136, 0, 0)), ("#FFD54F", (255, 213, 79)),
                                       (" #fff ", (255, 255, 255))])
def test_parse_hex(text, rgb):
    assert parse_hex(text) == rgb


@pytest.mark.parametrize("text", ["red", "#12345", "#gggggg", "8b0000", "", "#8b00001", "rgb(1, 2, 3)", None, 12])
def test_parse_hex_refuses_what_is_no_hex_colour(text):
    assert parse_hex(text) is None


@given(colours, colours)
def test_ratio_is_symmetric_and_between_1_and_21(a, b):
    assert ratio(a, b) == ratio(b, a)
    assert 1.0 <= ratio(a, b) <= 21.0 + 1e-9


@given(colours)
def test_a_colour_against_itself_is_1_and_hex_round_trips(rgb):
    assert ratio(rgb, rgb) == 1.0
    assert parse_hex(hex_of(rgb)) == rgb


@given(colours, st.integers(0, 2), st.integers(1, 255))
def test_luminance_grows_with_every_channel(rgb, channel, step):
    brighter = list(rgb)
    brighter[channel] = min(255, brighter[channel] + step)
    assert luminance(tuple(brighter)) >= luminance(rgb)


@given(colours, colours)
def test_mix_goes_from_one_colour_to_the_other(a, b):
    assert mix(a, b, 0) == a
    assert mix(a, b, 1) == b
    # mixed with black a colour only gets darker: its contrast with white can only grow
    assert ratio(mix(a, (0, 0, 0), 0.3), (255, 255, 255)) >= ratio(a, (255, 255, 255)) - 1e-9
