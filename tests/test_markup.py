"""Formatting is Python-Markdown's own: the speed-ups in markup.py change how fast, not what."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wijknieuws.markup import MarkdownRenderer

# Pieces of every kind the inline and block steps treat specially, so that random bodies
# exercise each inline pattern and the extensions' syntax in many orders.
PIECES = ["word", "twee woorden", "**vet**", "*schuin*", "_ook schuin_", "***beide***", "`code`",
          "[link](ander.md)", "[link](https://example.nl/)", "![foto](foto.png)", "[ref][1]", "[1]: x.md",
          "<b>html</b>", "<span>", "&amp;", "&", "<https://example.nl>", "<info@example.nl>", "\\*",
          "  \n", "\n", "\n\n", "# kop", "## kop", "- punt", "1. punt", "> citaat", "    code",
          "| a | b |\n|---|---|\n| 1 | 2 |", "voet[^1]", "[^1]: noot", "*[HTML]: Hyper Text",
          "{: .klasse }", "```\nblok\n```", "term\n: uitleg", "*", "_", "[", "]", "(", ")", "<", "!",
          "\nKop\n===\n", "\nKop\n---\n", "\n***\n", "\n___\n", "+ punt", "* punt", "2) punt", "#"]


def _reference(renderer: MarkdownRenderer):
    """The same instance with Python-Markdown's own pattern registry back in place."""
    md = renderer._md
    md.treeprocessors["inline"].inlinePatterns = md.inlinePatterns
    return md


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.builds(lambda pieces, separator: separator.join(pieces),
                 st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=40),
                 st.sampled_from([" ", "\n", "\n\n"])))  # within a line, lines, blocks
def test_formatting_equals_python_markdown(text):
    fast, reference = MarkdownRenderer(), _reference(MarkdownRenderer())
    reference.reset()
    assert fast.convert(text) == reference.convert(text)
