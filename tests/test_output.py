"""Nothing lost: a failing build leaves the previous site exactly as it was."""
from __future__ import annotations

import os
import time

import pytest

from conftest import tree_bytes, write_content


def test_content_error_leaves_previous_site_untouched(cli, content, tmp_path):
    assert cli("build").code == 0
    before = tree_bytes(tmp_path / "site")
    (content / "2021/vlieger.md").write_text("---\ntitle: kapot\n", encoding="utf-8")
    result = cli("build")
    assert result.code == 1
    assert "'site' is unchanged" in result.err
    assert tree_bytes(tmp_path / "site") == before
    # nothing beside the site but its cache
    assert sorted(p.name for p in tmp_path.iterdir()) == [".wijknieuws-cache", "content", "site"]


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


def test_half_made_shadow_of_a_killed_build_is_not_trusted(cli, content, tmp_path):
    assert cli("build").code == 0
    assert cli("build", "--out", "fresh").code == 0
    (content / "2019/fiets.md").write_text((content / "2019/fiets.md").read_text() + "\nNieuw.\n")
    assert cli("build").code == 0  # now the cache holds a shadow copy of the previous site
    shadow = tmp_path / ".wijknieuws-cache/site.shadow"
    (shadow / "index.html").unlink()  # a build replaces files, never writes into them
    (shadow / "index.html").write_text("half", encoding="utf-8")
    (shadow / "rommel.html").write_text("half", encoding="utf-8")
    (tmp_path / ".wijknieuws-cache/site.shadow.dirty").touch()  # as a build killed mid-way leaves it
    (content / "2019/fiets.md").write_text((content / "2019/fiets.md").read_text() + "\nMeer.\n")
    assert cli("build").code == 0
    assert cli("build", "--out", "fresh").code == 0
    assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "fresh")


def test_a_shadow_no_manifest_describes_is_deleted_without_waiting_for_it(cli, content, tmp_path):
    """Such a shadow (a killed build's, or the previous program's) is renamed aside at once and
    deleted by a process of its own; one such folder that an earlier build left (its deleter
    killed) is deleted by the next build too."""
    cache = tmp_path / ".wijknieuws-cache"
    assert cli("build").code == 0
    (cache / "site.shadow.dirty").touch()  # as a build killed mid-way leaves it
    left = cache / "site.shadow.trash-1-2" / "nieuws" / "oud"
    left.mkdir(parents=True)
    (left / "index.html").write_text("oud", encoding="utf-8")
    (content / "2019/fiets.md").write_text((content / "2019/fiets.md").read_text() + "\nMeer.\n")
    assert cli("build").code == 0
    assert cli("build", "--out", "fresh").code == 0
    assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "fresh")
    deadline = time.monotonic() + 30
    while list(cache.glob("site.shadow.trash-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(cache.glob("site.shadow.trash-*"))
    assert (cache / "site.shadow" / "index.html").is_file()  # the new shadow, made as always


def test_a_shadow_that_cannot_be_moved_aside_is_deleted_by_the_build(cli, content, tmp_path, monkeypatch):
    """Where the shadow cannot be renamed (a folder of a container's image layer), the build
    deletes it itself, as it did before there was a deleter apart."""
    import wijknieuws.output as output

    rename = os.rename

    def refuse_trash(source, target, *args, **kwargs):
        if output._TRASH in str(target):
            raise OSError(18, "Invalid cross-device link")
        return rename(source, target, *args, **kwargs)

    assert cli("build").code == 0
    (tmp_path / ".wijknieuws-cache/site.shadow.dirty").touch()
    monkeypatch.setattr(output.os, "rename", refuse_trash)
    (content / "2019/fiets.md").write_text((content / "2019/fiets.md").read_text() + "\nMeer.\n")
    assert cli("build").code == 0
    assert not list((tmp_path / ".wijknieuws-cache").glob("*trash*"))
    monkeypatch.setattr(output.os, "rename", rename)
    assert cli("build", "--out", "fresh").code == 0
    assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "fresh")


def test_only_the_site_s_own_leftovers_are_swept(cli, content, tmp_path):
    """An --out whose name has characters of a file pattern sweeps its own leftovers only."""
    cache = tmp_path / ".wijknieuws-cache"
    own, other = cache / "site[1].shadow.trash-1-2", cache / "site1.shadow.trash-9-9"
    for folder in (own, other):
        folder.mkdir(parents=True)
        (folder / "index.html").write_text("oud", encoding="utf-8")
    assert cli("build", "--out", "site[1]").code == 0
    deadline = time.monotonic() + 30
    while own.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not own.exists()
    time.sleep(0.5)  # a deleter started for the other one would have had the same time
    assert (other / "index.html").is_file()


def test_incremental_build_equals_full_build(cli, content, tmp_path):
    assert cli("build").code == 0
    (content / "2021/memo.md").write_text((content / "2021/memo.md").read_text().replace("koelkast", "vriezer"))
    (content / "2019/fiets.md").unlink()
    assert cli("build").code == 0
    assert b"vriezer" in (tmp_path / "site/nieuws/memo/index.html").read_bytes()
    assert cli("build", "--out", "full").code == 0
    assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "full")


def test_removed_article_disappears_with_its_links(cli, content, tmp_path):
    assert cli("build").code == 0
    (content / "2019/fiets.md").unlink()
    assert cli("build").code == 0
    site = tmp_path / "site"
    assert not (site / "nieuws/fiets").exists()
    assert not any(b"nieuws/fiets/" in p.read_bytes() for p in site.rglob("*.html"))


def test_a_new_slug_moves_the_links_to_it_in_other_articles(cli, tmp_path):
    """An article links to another that has nothing else in common with it: when the target gets
    another slug, the linking page points to the new address, though its own file did not change."""
    content = write_content(tmp_path, {
        "2021/a.md": "---\ntitle: Park open\ndate: 2021-05-01\nwijk: Rokkeveen\n---\n\nZie [het plan](../2019/b.md).\n",
        "2019/b.md": "---\ntitle: Plan\ndate: 2019-02-01\nwijk: De Leyens\n---\n\nEen plan.\n",
    })
    assert cli("build").code == 0
    target = content / "2019/b.md"
    target.write_text(target.read_text().replace("title: Plan", "slug: parkplan\ntitle: Plan"))
    assert cli("build").code == 0
    site = tmp_path / "site"
    page = (site / "nieuws/a/index.html").read_bytes()
    assert b'href="../../nieuws/parkplan/"' in page and b"nieuws/b/" not in page
    assert cli("build", "--out", "full").code == 0
    assert tree_bytes(site) == tree_bytes(tmp_path / "full")
