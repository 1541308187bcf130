"""The command line: usage errors, help, the default command, `new` and the installed script."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import WIJKNIEUWS, write_content

ROOT = Path(__file__).resolve().parent.parent


def test_build_is_the_default_command(cli, content, tmp_path):
    result = cli("--out", "uit")
    assert result.code == 0, result.err
    assert (tmp_path / "uit/index.html").is_file()


@pytest.mark.parametrize("args", [("build", "--bogus"), ("check", "--content", "nergens"),
                                  ("build", "--content", "nergens"), ("build", "--jobs", "0"),
                                  ("frobnicate",), ("build", "--templates", "nergens")])
def test_usage_errors_exit_2(cli, content, args):
    result = cli(*args)
    assert result.code == 2
    assert "error" in result.err


@pytest.mark.parametrize("command", ["build", "check", "new"])
def test_help_on_every_command(cli, command):
    result = cli(command, "--help")
    assert result.code == 0
    assert "--content" in result.out


def test_new_writes_front_matter_and_never_overwrites(cli, content, tmp_path):
    first = cli("new", "Nieuwe speeltuin in Rokkeveen", "--wijk", "rokkeveen", "--type", "besluit")
    assert first.code == 0, first.err
    path = tmp_path / first.out.strip()
    assert path.parent.parent == content and path.name == "nieuwe-speeltuin-in-rokkeveen.md"
    text = path.read_text(encoding="utf-8")
    assert "title: Nieuwe speeltuin in Rokkeveen" in text and "wijk: Rokkeveen" in text
    assert "type: besluit" in text
    second = cli("new", "Nieuwe speeltuin in Rokkeveen", "--wijk", "Rokkeveen")
    assert second.out.strip().endswith("nieuwe-speeltuin-in-rokkeveen-2.md")
    assert path.read_text(encoding="utf-8") == text
    assert cli("check").code == 0  # what `new` writes is valid content


@pytest.mark.parametrize("args, message", [
    (("--wijk", "Rokeveen"), "unknown wijk 'Rokeveen' (did you mean 'Rokkeveen'?)"),
    (("--wijk", "Rokkeveen", "--type", "nieuwss"), "unknown type 'nieuwss' (did you mean 'nieuws'?)"),
])
def test_new_rejects_misspelt_names(cli, content, args, message):
    result = cli("new", "Titel", *args)
    assert result.code == 2
    assert message in result.err
    assert not (content / "2026").exists() or not any((content / "2026").iterdir())


def test_installed_script_and_build_py(tmp_path):
    write_content(tmp_path)
    script = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", "a"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert script.returncode == 0, script.stderr
    installed = subprocess.run([WIJKNIEUWS, "build", "--out", "b", "--quiet"], cwd=tmp_path,
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout == ""
    assert (tmp_path / "a/index.html").read_bytes() == (tmp_path / "b/index.html").read_bytes()


def test_content_error_gives_no_traceback(tmp_path):
    write_content(tmp_path, {"a.md": "---\ntitle: [unclosed\n---\n"})
    run = subprocess.run([WIJKNIEUWS, "build"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("content/a.md:")
