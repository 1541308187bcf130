"""Nothing lost: a failing build leaves the previous site exactly as it was."""
from __future__ import annotations

import pytest

from conftest import tree_bytes


def test_content_error_leaves_previous_site_untouched(cli, content, tmp_path):
    assert cli("build").code == 0
    before = tree_bytes(tmp_path / "site")
    (content / "2021/vlieger.md").write_text("---\ntitle: kapot\n", encoding="utf-8")
    result = cli("build")
    assert result.code == 1
    assert "'site' is unchanged" in result.err
    assert tree_bytes(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]  # no staging left behind


def test_template_error_is_reported_at_its_line_and_loses_nothing(cli, content, tmp_path):
    assert cli("build").code == 0
    before = tree_bytes(tmp_path / "site")
    theme = tmp_path / "mijnthema"
    theme.mkdir()
    (theme / "listing.html").write_text('{% extends "base.html" %}\n{% block content %}\n'
                                        "{{ items | nonexistent_filter }}\n{% endblock %}\n", encoding="utf-8")
    result = cli("build", "--templates", "mijnthema")
    assert result.code == 1
    assert result.error_lines[0].startswith("mijnthema/listing.html:3: ")
    assert "nonexistent_filter" in result.error_lines[0]
    assert tree_bytes(tmp_path / "site") == before


def test_template_runtime_error_names_template_and_line(cli, content, tmp_path):
    theme = tmp_path / "thema"
    theme.mkdir()
    (theme / "tags.html").write_text('{% extends "base.html" %}\n{% block content %}\n<h1>x</h1>\n'
                                     "{{ entries[0].item.name.upper(1, 2) }}\n{% endblock %}\n", encoding="utf-8")
    result = cli("build", "--templates", "thema")
    assert result.code == 1
    assert result.error_lines[0].startswith("thema/tags.html:4: TypeError")
    assert not (tmp_path / "site").exists()


def test_override_one_template_keeps_the_rest(cli, content, tmp_path):
    theme = tmp_path / "thema"
    theme.mkdir()
    (theme / "tags.html").write_text('{% extends "base.html" %}{% block content %}<h1>Eigen onderwerpen</h1>'
                                     "{% endblock %}", encoding="utf-8")
    assert cli("build", "--templates", "thema").code == 0
    assert b"Eigen onderwerpen" in (tmp_path / "site/tag/index.html").read_bytes()
    assert b"De Vlieger blijft dicht" in (tmp_path / "site/nieuws/vlieger/index.html").read_bytes()


@pytest.mark.parametrize("out", ["content", "content/site", ".", "templates", "templates/x"])
def test_out_may_not_overlap_content_or_templates(cli, content, tmp_path, out):
    (tmp_path / "templates").mkdir()
    result = cli("build", "--out", out)
    assert result.code == 2
    assert "--out" in result.err
    assert (content / "site.yml").is_file()


def test_stale_staging_folder_is_cleared(cli, content, tmp_path):
    stale = tmp_path / ".site.wijknieuws-staging"
    stale.mkdir()
    (stale / "half.html").write_text("half", encoding="utf-8")
    assert cli("build").code == 0
    assert not stale.exists()
    assert not (tmp_path / "site/half.html").exists()


def test_removed_article_disappears_with_its_links(cli, content, tmp_path):
    assert cli("build").code == 0
    (content / "2019/fiets.md").unlink()
    assert cli("build").code == 0
    site = tmp_path / "site"
    assert not (site / "nieuws/fiets").exists()
    assert not any(b"nieuws/fiets/" in p.read_bytes() for p in site.rglob("*.html"))
