"""What an editor reads about broken YAML is wijknieuws' own wording, with the line to look at,
the same with every PyYAML that pyproject.toml admits: the newest (the lock file's) and the
oldest (requirements/oldest.txt), each with its C parser (libyaml) and with its Python parser.

PyYAML's own messages differ between those four ("mapping values are not allowed here" / "...
in this context"; 6.0.3's libyaml refuses deep nesting with a message of its own before our
check sees it), which is why none of them may reach an editor.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from wijknieuws import yamlsafe

REPO = Path(__file__).resolve().parent.parent

# text -> (0-based line, message)
CASES = {
    "title: x\n\twijk: y\n": (1, "a tab character: indent YAML with spaces"),
    "title: Raad: ja\n": (0, "a ':' followed by a space inside a value, or a key indented further than the one "
                             "above it: put a value with ': ' in quotes, and line up the keys"),
    "title: x\n  wijk: y\n": (1, "a ':' followed by a space inside a value, or a key indented further than the "
                                 "one above it: put a value with ': ' in quotes, and line up the keys"),
    "title: x\nwijk\ndate: y\n": (1, "a ':' is missing after the key on this line ('key: value'), or its value "
                                     "goes on where it should not"),
    'title: x\nsummary: "open\nwijk: y\n': (1, 'the quote " opened on this line is never closed'),
    "summary: 'open\nwijk: y\n": (0, "the quote ' opened on this line is never closed"),
    "title: x\ntags: [a, b\nwijk: y\n": (1, "the '[' on this line is not closed with ']' where it should be, or a "
                                            "',' is missing between its items"),
    "tags: {a: b\nwijk: y\n": (0, "the '{' on this line is not closed with '}' where it should be, or a ',' is "
                                  "missing between its items"),
    "title: @thuis\n": (0, "a value cannot start with '@': put the value in quotes"),
    "title: `code`\n": (0, "a value cannot start with '`': put the value in quotes"),
    'title: "a\\q"\n': (0, "a backslash inside double quotes starts an escape: write \\\\ for a backslash, or use "
                           "single quotes"),
    "summary: *Belangrijk* nieuws\n": (0, "a value that starts with '*' is read as a YAML alias: put the value in "
                                          "quotes"),
    "summary: &Belangrijk* nieuws\n": (0, "a value that starts with '&' is read as a YAML anchor: put the value in "
                                          "quotes"),
    "title: !python/object x\n": (0, "YAML tags (!name) are not allowed here"),
    "title: x\n---\ntitle: y\n": (1, "a line '---' here starts a second YAML document; remove it"),
    "title: |x\n  y\n": (0, "after '|' comes the end of the line; the text itself goes on the lines below it, "
                            "indented"),
    "title: |\n  a\n b\n": (2, "this line does not fit the lines above it: check its indentation, and that it reads "
                               "'key: value' (or '- item' in a list)"),
    "- a\nb: c\n": (1, "this line does not fit the lines above it: check its indentation, and that it reads "
                       "'key: value' (or '- item' in a list)"),
    "a: &x 1\nb: *x\n": (1, "YAML aliases (*name) are not allowed here"),
    "title: x\nb: *x\n": (1, "YAML aliases (*name) are not allowed here"),  # an alias of no anchor
    "a: b\na: c\n": (1, "key 'a' is given twice; remove one of them"),
    # the limits: nesting past 50 levels, also far past libyaml's own limit of 6.0.3 and later
    "tags: " + "[" * 60 + "]" * 60 + "\n": (0, "lists or mappings nested more than 50 levels deep"),
    "tags: " + "[" * 200_000: (0, "lists or mappings nested more than 50 levels deep"),
    "tags:\n  " + "- " * 200_000 + "x\n": (1, "lists or mappings nested more than 50 levels deep"),
    "a: &a [x, x, x, x]\nb: [*a, *a, *a, *a]\n": (1, "YAML aliases (*name) are not allowed here"),
}
# Each environment: a name, extra sys.path entries, and whether to hide libyaml.
PROBE = """
import json, sys
if sys.argv[1] == "python":
    sys.modules["yaml._yaml"] = None  # PyYAML then has no CSafeLoader: its Python parser does everything
import yaml
from wijknieuws import yamlsafe
out = {}
for text in json.load(sys.stdin):
    try:
        yamlsafe.load(text)
        out[text] = None
    except yamlsafe.YamlProblem as exc:
        out[text] = [exc.line, exc.message]
print(json.dumps({"version": yaml.__version__, "libyaml": yaml.__with_libyaml__, "results": out}))
"""


def _pinned(requirements: Path, name: str) -> str:
    """The block of one package (its pin and hashes) from a lock file."""
    found = re.search(rf"^{name}==.*?(?=^\S|\Z)", requirements.read_text(), re.MULTILINE | re.DOTALL)
    assert found, f"{name} is not in {requirements}"
    return found.group(0)


@pytest.fixture(scope="module")
def oldest_pyyaml(tmp_path_factory) -> tuple[Path, str]:
    """The oldest PyYAML that pyproject.toml admits, hash-checked, in a folder of its own."""
    folder = tmp_path_factory.mktemp("oldest-pyyaml")
    pin = _pinned(REPO / "requirements" / "oldest.txt", "pyyaml")
    (folder / "requirements.txt").write_text(pin)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
                    "--require-hashes", "--target", str(folder / "site"), "-r", str(folder / "requirements.txt")],
                   check=True, timeout=300)
    return folder / "site", pin.split()[0].split("==")[1]


def _probe(parser: str, path: str = "") -> dict:
    env_path = [p for p in (path, str(REPO)) if p]
    done = subprocess.run([sys.executable, "-c", PROBE, parser], input=json.dumps(list(CASES)), text=True,
                          capture_output=True, timeout=120, env={"PYTHONPATH": ":".join(env_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("which", ["newest", "oldest"])
@pytest.mark.parametrize("parser", ["libyaml", "python"])
def test_every_refusal_is_told_in_our_words_with_every_supported_pyyaml(which, parser, oldest_pyyaml):
    path, oldest_version = oldest_pyyaml
    found = _probe(parser, str(path) if which == "oldest" else "")
    if which == "oldest":
        assert found["version"] == oldest_version
    else:
        assert found["version"] == yaml.__version__
    assert found["libyaml"] == (parser == "libyaml")
    expected = {text: list(want) for text, want in CASES.items()}
    assert found["results"] == expected


def test_an_article_reports_the_translation_at_its_own_line(cli, tmp_path):
    from conftest import write_content
    write_content(tmp_path, {"2021/a.md": "---\ntitle: Raad: ja\ndate: 2021-08-24\nwijk: Rokkeveen\n---\n\nTekst.\n"})
    result = cli("check")
    assert result.code == 1
    assert result.error_lines == [
        "content/2021/a.md:2: front matter: a ':' followed by a space inside a value, or a key indented further "
        "than the one above it: put a value with ': ' in quotes, and line up the keys"]


# Every message load() may give: ours, with nothing of PyYAML's in it.
OUR_MESSAGES = re.compile("|".join([
    re.escape(yamlsafe.NOT_YAML),
    r"a tab character: indent YAML with spaces",
    r"a ':' followed by a space inside a value, .*",
    r"a ':' is missing after the key on this line .*",
    r"the quote [\"'] opened on this line is never closed",
    r"the '[\[{]' on this line is not closed with '[\]}]' .*",
    r"a value cannot start with '[@`]': put the value in quotes",
    r"a backslash inside double quotes starts an escape: .*",
    r"a value that starts with '[*&]' is read as a YAML (alias|anchor): put the value in quotes",
    r"YAML tags \(!name\) are not allowed here",
    r"a line '(---|\.\.\.)' here starts a second YAML document; remove it",
    r"after '[|>]' comes the end of the line; .*",
    r"this line does not fit the lines above it: .*",
    r"YAML aliases \(\*name\) are not allowed here",
    r"lists or mappings nested more than 50 levels deep",
    r"key '.*' is given twice; remove one of them",
]))
PIECES = ["title", ": ", ":", "- ", "-", "[", "]", "{", "}", ",", "'", '"', "\\", "\n", "  ", "\t", "*a", "&a ",
          "!x ", "|", ">", "@", "`", "#", "?", "---\n", "...\n", "%", "x", "é", " "]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_no_text_gets_a_message_that_is_not_ours(text):
    try:
        yamlsafe.load(text)
    except yamlsafe.YamlProblem as exc:
        assert OUR_MESSAGES.fullmatch(exc.message), exc.message
        assert 0 <= exc.line <= text.count("\n")
