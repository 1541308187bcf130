"""Property: whatever an editor types into front matter, the answer is a build or PATH:LINE errors."""
from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write_content
from wijknieuws.cli import main
from wijknieuws import yamlsafe
from wijknieuws.content import KEYS

ERROR_LINE = re.compile(r"^content/[^:]+:\d+: \S.*$")
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                    st.sampled_from(["Rokkeveen", "rokkeveen", "Ter Laak", "2021-02-30", "2021-08-24",
                                     "2021-08-24T25:00", "no", "on", "~", "besluit", "uitgevoerd",
                                     "images/vlieger.png", "../../etc/passwd", "a-b", "-"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=8), inner, max_size=3), max_leaves=8)
front_matter = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=12), values, max_size=8)


def run_check(folder: Path) -> tuple[int, str]:
    err = io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["check"])
    finally:
        os.chdir(cwd)
    return code, err.getvalue()


def assert_clean_answer(code: int, stderr: str) -> None:
    assert code in (0, 1), stderr
    lines = stderr.splitlines()
    assert "Traceback" not in stderr
    if code == 1:
        assert lines and all(ERROR_LINE.match(line) for line in lines[:-1]), stderr


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meta=front_matter, body=st.text(max_size=200))
def test_arbitrary_front_matter_never_crashes(meta, body):
    with tempfile.TemporaryDirectory() as tmp:
        content = write_content(Path(tmp), {})
        text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
        (content / "artikel.md").write_text(text, encoding="utf-8", errors="surrogatepass")
        assert_clean_answer(*run_check(Path(tmp)))


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(lambda t: ("---\n" + t).encode("utf-8", "replace")))
def test_arbitrary_file_bytes_never_crash(raw):
    with tempfile.TemporaryDirectory() as tmp:
        content = write_content(Path(tmp), {})
        (content / "artikel.md").write_bytes(raw)
        assert_clean_answer(*run_check(Path(tmp)))


# Nesting by every kind of collection, aliases, and the text between them.
YAML_PIECES = ["[", "]", "{", "}", "- ", "-", ":", ": ", "? ", "*a", "&a ", "a", "\n", "\n  ", "  ", ",", "x: ",
               "- - ", "[[", "{a: ", "!!map ", "'", '"', "#"]


nested = st.builds(lambda opener, depth, rest: opener * depth + rest, st.sampled_from(["[", "{a: ", "- ", "- a:\n"]),
                   st.integers(40, 60), st.lists(st.sampled_from(YAML_PIECES), max_size=20).map("".join))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=120).map("".join) | nested)
def test_the_loader_never_skips_a_check_that_would_refuse(text):
    """Front matter without aliases and with few indicators is loaded without the events pass
    (yamlsafe._may_need_check); whatever that pass would refuse must never be skipped."""
    try:
        yamlsafe._check_events(text)
    except yamlsafe.YamlProblem:
        assert yamlsafe._may_need_check(text)
    except yaml.YAMLError:
        pass  # not YAML at all: the loader reports that in either case
