"""Photos (issue 14): every raster picture an article uses is published only as copies that are
upright, in sRGB, without any metadata, in a few widths (never wider than the original) in WebP
and a fallback; the pages load the right one; a picture that cannot be published is an error at
the line that uses it; the copies are made once per picture content."""
from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

import pictures
from conftest import page, tree_bytes, write_content

# Front matter lines: title 2, date 3, wijk 4, image 5, image_alt 6; the body starts at line 9.
ARTICLE = """\
---
title: {title}
date: 2021-08-24
wijk: Rokkeveen
image: images/{image}
image_alt: Een foto
---

Eerste alinea.

![Nog een foto](../images/{body})
"""


def article(image: str, body: str = "tweede.png", title: str = "Met foto") -> str:
    return ARTICLE.format(image=image, body=body, title=title)


def site_with(tmp_path: Path, pictures_by_name: dict[str, bytes], articles: dict[str, str]) -> Path:
    content = write_content(tmp_path, articles)
    for name, data in pictures_by_name.items():
        (content / "images" / name).write_bytes(data)
    return content


def build(cli, *args):
    result = cli("build", *args)
    assert result.code == 0, result.err
    return result


def copies(site: Path, stem: str) -> dict[str, Path]:
    """The published copies of a picture, by what follows its hash: '800.webp', 'og.jpg', ..."""
    return {re.sub(r"^.*-[0-9a-f]{10}-", "", p.name): p for p in (site / "media").glob(f"{stem}-*")}


def test_a_phone_photo_is_published_upright_small_and_without_metadata(cli, tmp_path):
    photo = pictures.phone_jpeg((1200, 1600), orientation=6, icc=pictures.rgb_profile(
        pictures.SRGB_RED, pictures.SRGB_GREEN, pictures.SRGB_BLUE))  # a portrait shot, stored sideways
    site_with(tmp_path, {"staand.jpg": photo, "tweede.png": pictures.png((900, 600))},
              {"2021/a.md": article("staand.jpg")})
    build(cli)
    site = tmp_path / "site"
    made = copies(site, "staand")
    assert not list(site.rglob("staand.jpg")) and not (site / "images").exists()  # the original never
    assert set(made) == {"480.webp", "480.jpg", "800.webp", "800.jpg", "1200.webp", "1200.jpg",
                         "og.jpg", "16x9.jpg", "4x3.jpg", "1x1.jpg"}
    for name, path in made.items():
        data = path.read_bytes()
        assert not [leak for leak in pictures.LEAKS if leak in data], name
        with Image.open(path) as image:
            assert not image.getexif(), name
            assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & set(image.info), (name, image.info)
            if name.split(".")[0].isdigit():  # upright: portrait, red at the top
                width = int(name.split(".")[0])
                assert image.size == (width, round(width * 4 / 3)), name
                rgb = image.convert("RGB")
                top, bottom = rgb.getpixel((width // 2, 5)), rgb.getpixel((width // 2, image.height - 5))
                assert top[0] > 150 and top[2] < 100 and bottom[2] > 150, (name, top, bottom)
    with Image.open(made["og.jpg"]) as image:
        assert image.size == (1200, 630)


def test_colours_are_converted_to_srgb(cli, tmp_path):
    # The file says its red is what sRGB calls green: a browser showing the copy (which has no
    # profile left) must get green pixels.
    swapped = pictures.phone_jpeg((800, 600), scene=Image.new("RGB", (800, 600), (255, 0, 0)), icc=pictures.SWAPPED)
    site_with(tmp_path, {"p3.jpg": swapped, "tweede.png": pictures.png((500, 400))}, {"2021/a.md": article("p3.jpg")})
    build(cli)
    with Image.open(copies(tmp_path / "site", "p3")["800.jpg"]) as image:
        red, green, blue = image.convert("RGB").getpixel((400, 300))
    assert green > 200 and red < 60 and blue < 60, (red, green, blue)


@pytest.mark.parametrize("size, widths", [
    ((4000, 3000), [480, 800, 1200, 1600]),
    ((1000, 750), [480, 800, 1000]),   # its own width on top, never enlarged
    ((850, 600), [480, 850]),          # 800 and 850 are too close to make both
    ((300, 200), [300]),               # smaller than the smallest: as it is (still stripped)
])
def test_copies_are_never_wider_than_the_original(cli, tmp_path, size, widths):
    site_with(tmp_path, {"f.jpg": pictures.phone_jpeg(size), "tweede.png": pictures.png((100, 100))},
              {"2021/a.md": article("f.jpg")})
    build(cli)
    made = copies(tmp_path / "site", "f")
    assert sorted(int(n.split(".")[0]) for n in made if n.endswith(".webp")) == widths
    for width in widths:
        for kind in ("webp", "jpg"):
            with Image.open(made[f"{width}.{kind}"]) as image:
                assert image.size == (width, round(size[1] * width / size[0]))
    assert not any(pictures.MODEL.encode() in path.read_bytes() for path in made.values())


def test_a_transparent_picture_keeps_its_transparency_and_loses_its_metadata(cli, tmp_path):
    site_with(tmp_path, {"logo.png": pictures.png((600, 400), transparent=True, metadata=True),
                         "tweede.png": pictures.png((50, 50))}, {"2021/a.md": article("logo.png")})
    build(cli)
    made = copies(tmp_path / "site", "logo")
    assert {"480.png", "480.webp", "600.png", "600.webp"} <= set(made) and "600.jpg" not in made
    for name in ("600.png", "600.webp"):
        with Image.open(made[name]) as image:
            assert image.mode == "RGBA" and image.getchannel("A").getextrema()[0] < 255, name
    for name, path in made.items():
        data = path.read_bytes()
        assert not [leak for leak in pictures.LEAKS if leak in data], name
    with Image.open(made["og.jpg"]) as image:  # sharing sites show no transparency
        assert image.mode == "RGB"


def test_an_iphone_heic_photo_becomes_webp_and_jpeg(cli, tmp_path):
    site_with(tmp_path, {"iphone.heic": pictures.heic((1200, 900)), "tweede.png": pictures.png((50, 50))},
              {"2021/a.md": article("iphone.heic")})
    build(cli)
    site = tmp_path / "site"
    made = copies(site, "iphone")
    assert {"480.webp", "800.jpg", "1200.webp", "1200.jpg"} <= set(made)
    assert not [p for p in site.rglob("*") if p.suffix.lower() in (".heic", ".heif")]
    with Image.open(made["1200.jpg"]) as image:
        assert image.format == "JPEG" and image.size == (1200, 900)
        assert image.convert("RGB").getpixel((600, 10))[0] > 150  # red at the top: upright


def test_the_page_loads_the_copy_that_fits_and_the_lead_picture_first(cli, tmp_path):
    site_with(tmp_path, {"groot.jpg": pictures.phone_jpeg((2400, 1800)), "tweede.png": pictures.png((1000, 500))},
              {"2021/a.md": article("groot.jpg")})
    build(cli)
    site = tmp_path / "site"
    doc = page(site, "nieuws/a/index.html")
    lead, second = doc.xpath("//picture")
    for picture, ratio in ((lead, 1800 / 2400), (second, 500 / 1000)):
        source = picture.find("source")
        img = picture.find(".//img")  # (lxml parses HTML4: it puts <img> inside the void <source>)
        assert source.get("type") == "image/webp" and source.get("sizes") == img.get("sizes")
        for attribute in (source.get("srcset"), img.get("srcset")):
            entries = [item.split() for item in attribute.split(",")]
            for url, width in entries:
                with Image.open(site / "nieuws/a" / url) as copy:  # every candidate is there, as wide as it says
                    assert f"{copy.width}w" == width
        assert int(img.get("height")) == round(int(img.get("width")) * ratio)
        assert (site / "nieuws/a" / img.get("src")).is_file()
        assert img.get("decoding") == "async"
    lead_img, second_img = lead.find(".//img"), second.find(".//img")
    assert lead_img.get("fetchpriority") == "high" and lead_img.get("loading") is None
    assert lead_img.get("alt") == "Een foto"
    assert second_img.get("loading") == "lazy" and second_img.get("fetchpriority") is None
    assert second_img.get("alt") == "Nog een foto"


def test_a_link_to_a_photo_leads_to_its_largest_copy(cli, tmp_path):
    text = article("a.jpg").replace("![Nog een foto](../images/tweede.png)", "[de foto, groot](../images/a.jpg)")
    site_with(tmp_path, {"a.jpg": pictures.phone_jpeg((2000, 1500))}, {"2021/a.md": text})
    build(cli)
    site = tmp_path / "site"
    [href] = page(site, "nieuws/a/index.html").xpath("//a[text()='de foto, groot']/@href")
    assert href.endswith("-1600.jpg") and (site / "nieuws/a" / href).is_file()


# ------------------------------------------------------------------ errors
def _bomb() -> bytes:  # 60 megapixels of one colour: a few hundred kilobytes that decode to 180 MB
    buffer = io.BytesIO()
    Image.new("L", (10_000, 6_000)).save(buffer, "PNG")
    return buffer.getvalue()


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buffer, "GIF")
    return buffer.getvalue()


@pytest.mark.parametrize("data, message", [
    (b"dit is tekst, geen foto\n", "is not a picture wijknieuws can read (JPEG, PNG, WebP or HEIC); save or export "
                                   "it in one of those formats"),
    (pictures.phone_jpeg((1600, 1200))[:30_000], "is damaged or cut off: export or copy the picture again"),
    (_bomb(), "is 10000x6000 pixels (60 megapixels); pictures up to 50 megapixels are accepted: make it smaller"),
    (_gif(), "is a GIF file; save it as JPEG, PNG, WebP or HEIC"),
], ids=["not-a-picture", "cut-off", "bomb", "unknown-format"])
def test_a_picture_that_cannot_be_published_is_an_error_where_it_is_used(cli, tmp_path, data, message):
    content = site_with(tmp_path, {"goed.jpg": pictures.phone_jpeg((800, 600)), "tweede.png": pictures.png((50, 50))},
                        {"2021/a.md": article("goed.jpg", "goed.jpg")})
    build(cli)
    before = tree_bytes(tmp_path / "site")
    (content / "images/fout.jpg").write_bytes(data)
    (content / "2021/b.md").write_text(article("fout.jpg", "fout.jpg", title="Kapot"), encoding="utf-8")
    (content / "2021/c.md").write_text(ARTICLE.format(image="goed.jpg", body="fout.jpg", title="Ook"), encoding="utf-8")
    result = cli("build")
    assert result.code == 1
    assert result.error_lines == [
        f"content/2021/b.md:5: picture 'images/fout.jpg' {message}",   # its image: line
        f"content/2021/b.md:11: picture 'images/fout.jpg' {message}",  # in its body
        f"content/2021/c.md:11: picture 'images/fout.jpg' {message}",
    ]
    assert "Traceback" not in result.err
    assert tree_bytes(tmp_path / "site") == before  # the published site as it was
    assert cli("check").error_lines == result.error_lines  # check finds the same, writing nothing


def test_a_picture_over_50_mb_is_refused_without_reading_it(cli, tmp_path):
    content = site_with(tmp_path, {"tweede.png": pictures.png((50, 50))}, {"2021/a.md": article("reus.jpg")})
    with open(content / "images/reus.jpg", "wb") as handle:  # sparse: 51 MB that take no disk
        handle.truncate(51 * 2**20)
    assert cli("build").error_lines == [
        "content/2021/a.md:5: picture 'images/reus.jpg' is larger than 50 MB; a photo for the web needs a tenth of that"]


# ------------------------------------------------------------------ made once
def _media_state(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_copies_are_made_once_per_picture_content(cli, tmp_path):
    content = site_with(tmp_path, {"a.jpg": pictures.phone_jpeg((1600, 1200)), "tweede.png": pictures.png((600, 400))},
                        {"2021/a.md": article("a.jpg"), "2021/b.md": article("a.jpg", title="Zelfde foto")})
    build(cli)
    store = tmp_path / ".wijknieuws-cache/site.media"
    made, site_media = _media_state(store), _media_state(tmp_path / "site/media")
    assert made and site_media
    assert re.search(r"Nothing changed|: 0 files written", build(cli).out)
    assert _media_state(tmp_path / "site/media") == site_media
    # An edit of the article's text: no picture is made or written again.
    text = (content / "2021/a.md").read_text(encoding="utf-8")
    (content / "2021/a.md").write_text(text + "\nEen zin erbij.\n", encoding="utf-8")
    build(cli)
    assert _media_state(store) == made
    assert _media_state(tmp_path / "site/media") == site_media
    # The photo replaced: new copies under new names, the old ones gone, and the site as a
    # fresh build makes it.
    (content / "images/a.jpg").write_bytes(pictures.phone_jpeg((1600, 1200), scene=Image.new("RGB", (1600, 1200), "green")))
    build(cli)
    names = {p.name for p in (tmp_path / "site/media").iterdir()}
    old = {Path(p).name for p in site_media}
    assert not {n for n in names & old if n.startswith("a-")} and {n for n in names if n.startswith("a-")}
    assert {n for n in old if n.startswith("tweede-")} <= names  # the other picture's copies stay
    fresh = tmp_path / "vers"
    fresh.mkdir()
    os.chdir(fresh)
    (fresh / "content").symlink_to(content)
    build(cli)
    assert tree_bytes(fresh / "site") == tree_bytes(tmp_path / "site")


def test_parallel_and_single_process_make_the_same_copies(cli, tmp_path):
    files = {f"f{i}.jpg": pictures.phone_jpeg((1000 + 100 * i, 750)) for i in range(4)}
    articles = {f"2021/a{i}.md": article(f"f{i}.jpg", f"f{(i + 1) % 4}.jpg", title=f"A{i}") for i in range(4)}
    site_with(tmp_path, files, articles)
    build(cli, "--out", "een", "--jobs", "1")
    build(cli, "--out", "twee", "--jobs", "2")
    assert tree_bytes(tmp_path / "een") == tree_bytes(tmp_path / "twee")


def test_a_damaged_copy_in_the_cache_is_made_again(cli, tmp_path):
    site_with(tmp_path, {"a.jpg": pictures.phone_jpeg((1000, 750)), "tweede.png": pictures.png((60, 40))},
              {"2021/a.md": article("a.jpg")})
    build(cli)
    expected = tree_bytes(tmp_path / "site")
    for path in (tmp_path / ".wijknieuws-cache/site.media").rglob("*.webp"):
        data = path.read_bytes()
        path.unlink()  # a new file (the site's copy is a hard link of the old one)
        path.write_bytes(data[: len(data) // 2])
    for folder in ("site", ".wijknieuws-cache/site.shadow"):
        shutil.rmtree(tmp_path / folder)
    build(cli)
    assert tree_bytes(tmp_path / "site") == expected


# ------------------------------------------------------------------ found in review
def test_a_picture_only_in_a_body_has_no_sharing_crops_even_after_leading_an_article(cli, tmp_path):
    content = site_with(tmp_path, {"a.jpg": pictures.phone_jpeg((1300, 975)), "tweede.png": pictures.png((60, 40))},
                        {"2021/a.md": article("a.jpg")})
    build(cli)
    assert "og.jpg" in copies(tmp_path / "site", "a")
    text = (content / "2021/a.md").read_text(encoding="utf-8")
    (content / "2021/a.md").write_text(text.replace("image: images/a.jpg", "image: images/tweede.png")
                                       .replace("../images/tweede.png", "../images/a.jpg"), encoding="utf-8")
    build(cli)  # a.jpg is now only in the body: the copies made for its lead use are not published
    assert not {"og.jpg", "16x9.jpg", "4x3.jpg", "1x1.jpg"} & set(copies(tmp_path / "site", "a"))
    fresh = tmp_path / "vers"
    fresh.mkdir()
    os.chdir(fresh)
    (fresh / "content").symlink_to(content)
    build(cli)
    assert tree_bytes(fresh / "site") == tree_bytes(tmp_path / "site")


@pytest.mark.parametrize("value, message", [
    ("images/anim.gif", "image 'images/anim.gif' is a .gif file; an article's picture is JPEG, PNG, WebP, HEIC or SVG"),
    ("images/scan.tiff", "image 'images/scan.tiff' is a .tiff file; an article's picture is JPEG, PNG, WebP, HEIC or SVG"),
])
def test_an_image_the_site_cannot_show_is_an_error(cli, tmp_path, value, message):
    content = site_with(tmp_path, {"anim.gif": b"GIF89a", "scan.tiff": b"II*\0", "tweede.png": pictures.png((9, 9))},
                        {"2021/a.md": ARTICLE.format(image=value.split("/")[1], body="tweede.png", title="Gif")})
    assert cli("check").error_lines == [f"content/2021/a.md:5: {message}"]


@pytest.mark.parametrize("svg", [
    '<svg xmlns="http://www.w3.org/2000/svg" width="1.2.3" height="40" viewBox="0 0 80 40"><rect width="80" height="40"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 . ."><rect width="8" height="4"/></svg>',
])
def test_an_svg_with_a_mistyped_size_is_no_traceback(cli, tmp_path, svg):
    content = site_with(tmp_path, {"tweede.png": pictures.png((9, 9))},
                        {"2021/a.md": ARTICLE.format(image="tekening.svg", body="tweede.png", title="Svg")})
    (content / "images/tekening.svg").write_text(svg, encoding="utf-8")
    result = cli("build")
    assert result.code == 0 and "Traceback" not in result.err, result.err
    img = page(tmp_path / "site", "nieuws/a/index.html").xpath("//figure//img")[0]
    assert int(img.get("width")) > 0 and int(img.get("height")) > 0


def test_a_very_wide_svg_is_drawn_within_bounds(cli, tmp_path):
    content = site_with(tmp_path, {"tweede.png": pictures.png((9, 9))},
                        {"2021/a.md": ARTICLE.format(image="strook.svg", body="tweede.png", title="Strook")})
    (content / "images/strook.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 3000 10">'
                                               '<rect width="3000" height="10" fill="#c00"/></svg>', encoding="utf-8")
    build(cli)  # 300 times wider than high: drawn at most 4800 px wide, not 360,000
    with Image.open(copies(tmp_path / "site", "strook")["og.jpg"]) as crop:
        assert crop.size == (1200, 630)
