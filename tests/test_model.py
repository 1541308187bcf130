"""The model serve revises in place (model.revise_model) is the model a build makes from
scratch: for any edits, the same articles, lists, related articles, dossier places and decisions,
or the same errors. And an edit of what an article shows alone is revised, not made anew."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write_content
from wijknieuws import model as model_module
from wijknieuws.errors import ContentErrors
from wijknieuws.pipeline import Options, load

BESLUITEN = "- slug: sluiting\n  title: Sluiting De Vlieger\n  dossier: huizen-van-de-wijk\n"
NAMES = ["a", "b", "c", "d", "e"]
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>\n'


def article(title: str, day: int, wijk: str, tags: str, text: str, status: str | None, followed: bool,
            picture: bool, draft: bool) -> str:
    lines = [f"title: {title}", f"date: 2021-03-{day:02d}", f"wijk: {wijk}", f"tags: [{tags}]",
             f"summary: {title}, kort."]
    if status:
        lines += ["type: besluit", f"status: {status}", "dossier: huizen-van-de-wijk"]
        if followed:
            lines.append("besluit: sluiting")
    if picture:
        lines += ["image: images/vlieger.png", f"image_alt: Bij {title}"]
    if draft:
        lines.append("draft: true")
    return "---\n" + "\n".join(lines) + "\n---\n\n" + text + "\n"


# An article's fields, with few values each; an edit changes one field of one article: most
# often what it shows alone (title, text, picture), which serve revises, otherwise its place.
FIELDS = {
    "title": st.sampled_from(["Nieuw bericht", "Raad praat mee", "Wijk krijgt park"]),
    "day": st.integers(1, 3),
    "wijk": st.sampled_from(["Rokkeveen", "Oosterheem"]),
    "tags": st.sampled_from(["inzet", "Inzet", "inzet, groen"]),
    "text": st.sampled_from(["De raad besluit.", "Zie ook [b](b.md).", "Zie [c](c.md) en [e](e.md).",
                             "De [kaart](../images/kaart.svg).", "Een **park**."]),
    "status": st.sampled_from([None, "voorgenomen", "uitgevoerd"]),
    "followed": st.booleans(),
    "picture": st.booleans(),
    "draft": st.sampled_from([False, False, False, True]),
}
SHOWN = ["title", "text", "picture"]
articles = st.fixed_dictionaries(FIELDS)
edit = st.sampled_from(NAMES).flatmap(lambda name: st.sampled_from(SHOWN * 3 + list(FIELDS)).flatmap(
    lambda field: st.tuples(st.just(name), st.just(field), FIELDS[field])))


def _load(content: Path, previous=None):
    try:
        return load(Options(content=content), files=None, previous=previous), None
    except ContentErrors as exc:
        return None, sorted(str(error) for error in exc.errors)


@settings(max_examples=80, deadline=None)
@given(first=st.lists(articles, min_size=len(NAMES), max_size=len(NAMES)), edits=st.lists(edit, min_size=1,
                                                                                          max_size=6))
def test_a_revised_model_is_the_model_made_anew(first, edits):
    root = Path(tempfile.mkdtemp())
    cwd = os.getcwd()
    try:
        os.chdir(root)  # errors name paths from here, as in a build
        fields = dict(zip(NAMES, first))
        content = write_content(root, {f"2021/{name}.md": article(**f) for name, f in fields.items()},
                                besluiten=BESLUITEN)
        (content / "images/kaart.svg").write_text(SVG, encoding="utf-8")
        last, _ = _load(content)
        for name, field, value in edits:
            fields[name] = {**fields[name], field: value}
            (content / f"2021/{name}.md").write_text(article(**fields[name]), encoding="utf-8")
            revised, revised_errors = _load(content, previous=last)
            anew, errors = _load(content)
            assert revised_errors == errors
            if anew is not None:
                assert revised.model == anew.model
                last = revised
    finally:
        os.chdir(cwd)
        shutil.rmtree(root)


def test_an_edit_of_what_an_article_shows_is_revised_not_made_anew(tmp_path, monkeypatch):
    content = write_content(tmp_path, {f"2021/{name}.md": article(f"Bericht {name}", 1 + i % 3, "Rokkeveen", "inzet",
                                                                  "Zie ook [b](b.md).", "voorgenomen", True, True,
                                                                  False)
                                       for i, name in enumerate(NAMES)}, besluiten=BESLUITEN)
    monkeypatch.chdir(tmp_path)
    last, _ = _load(content)
    made = []
    real = model_module.build_model
    monkeypatch.setattr("wijknieuws.pipeline.build_model", lambda *a, **k: made.append(1) or real(*a, **k))
    edited = article("Een andere titel", 2, "Rokkeveen", "inzet", "Een **nieuwe** zin; zie [c](c.md).",
                     "voorgenomen", True, True, False)
    (content / "2021/b.md").write_text(edited, encoding="utf-8")
    revised, _ = _load(content, previous=last)
    assert made == []
    assert revised.model.by_slug["b"].title == "Een andere titel"
    assert "Een andere titel" in [a.title for a in revised.model.decision_of["a"].steps[0].articles]
    assert revised.model == _load(content)[0].model
    # A new date moves it in every list: made anew.
    (content / "2021/b.md").write_text(edited.replace("2021-03-02", "2021-03-03"), encoding="utf-8")
    made.clear()
    moved, _ = _load(content, previous=revised)
    assert made == [1]
    assert moved.model == _load(content)[0].model


def test_a_revised_model_checks_the_links_of_the_edited_article(tmp_path, monkeypatch):
    """A link is all an edit of the text changes, and a link to a draft is an error then too."""
    plain = dict(title="Bericht", day=1, wijk="Rokkeveen", tags="inzet", text="De raad besluit.", status=None,
                 followed=False, picture=False, draft=False)
    content = write_content(tmp_path, {"2021/a.md": article(**plain), "2021/b.md": article(**{**plain, "draft": True})})
    monkeypatch.chdir(tmp_path)
    last, _ = _load(content)
    (content / "2021/a.md").write_text(article(**{**plain, "text": "Zie ook [b](b.md)."}), encoding="utf-8")
    revised, errors = _load(content, previous=last)
    assert revised is None
    assert errors == [f"{Path('content/2021/a.md')}:9: link to '2021/b.md', which is a draft and will not be "
                      "published"]
