"""Sharing and search engines (issue 14): every page names its canonical address and tells Open
Graph, Twitter and schema.org what it is, with absolute URLs to files the site has; the site's
icons are made from its logo."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from PIL import Image

import pictures
from conftest import page, write_content

BASE = "https://nieuws.example.nl/"


def build(cli, *args):
    result = cli("build", *args)
    assert result.code == 0, result.err
    return result


def local(site, url: str):
    assert url.startswith(BASE), url
    path = urlsplit(url).path[len(urlsplit(BASE).path):]
    return site / (path + "index.html" if path.endswith("/") or not path else path)


def meta(doc, name: str) -> list[str]:
    return doc.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")


def jsonld(doc) -> dict[str, dict]:
    found = [json.loads(text) for text in doc.xpath("//script[@type='application/ld+json']/text()")]
    assert all(item["@context"] == "https://schema.org" for item in found)
    by_type = {item["@type"]: item for item in found}
    assert len(by_type) == len(found)  # one of each kind
    return by_type


def html_pages(site):
    return [p for p in site.rglob("*.html") if p.name != "404.html" and "nieuwsbrief" not in p.parts
            or p.parent.name == "nieuwsbrief"]


def test_every_page_has_a_canonical_address_and_open_graph(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    checked = 0
    for path in site.rglob("index.html"):
        rel = path.relative_to(site).as_posix()
        if rel.startswith("nieuwsbrief/") and rel != "nieuwsbrief/index.html":
            continue  # an edition's web version is the e-mail's page
        doc = page(site, rel)
        [canonical] = doc.xpath("//link[@rel='canonical']/@href")
        assert canonical == BASE + rel[:-len("index.html")]
        assert local(site, canonical) == path
        assert meta(doc, "og:url") == [canonical]
        assert meta(doc, "og:site_name") == ["Stadsnieuws Testdorp"] and meta(doc, "og:locale") == ["nl_NL"]
        [title] = meta(doc, "og:title")
        assert title and title == doc.findtext(".//h1").strip() or rel == "index.html"
        assert meta(doc, "og:description") == doc.xpath("//meta[@name='description']/@content") != [""]
        [image] = meta(doc, "og:image")
        with Image.open(local(site, image)) as picture:
            assert list(picture.size) == [int(*meta(doc, "og:image:width")), int(*meta(doc, "og:image:height"))]
        assert meta(doc, "og:image:alt") != [""]
        assert meta(doc, "twitter:card") == ["summary_large_image"]
        assert meta(doc, "og:type") == (["article"] if rel.startswith("nieuws/") and rel.count("/") == 2
                                        and "pagina" not in rel else ["website"])
        checked += 1
    assert checked > 20
    assert not page(site, "404.html").xpath("//link[@rel='canonical'] | //meta[@property]")


def test_an_article_is_a_news_article_with_its_photo_in_three_ratios(cli, tmp_path):
    content = write_content(tmp_path, {"2021/foto.md": """\
        ---
        title: De bibliotheek in Oosterheem blijft open
        date: 2021-04-15T09:30
        wijk: [Oosterheem, Rokkeveen]
        tags: [bibliotheek, inZet]
        image: images/bieb.jpg
        image_alt: De bibliotheek aan het plein
        ---

        De bibliotheken in de wijken blijven open.
        """})
    (content / "images/bieb.jpg").write_bytes(pictures.phone_jpeg((2000, 1500)))
    build(cli)
    site = tmp_path / "site"
    doc = page(site, "nieuws/foto/index.html")
    assert meta(doc, "og:type") == ["article"]
    assert meta(doc, "article:published_time") == ["2021-04-15T09:30:00+02:00"]
    assert meta(doc, "article:section") == ["Oosterheem"]
    assert meta(doc, "article:tag") == ["bibliotheek", "inZet"]
    assert meta(doc, "og:image:alt") == ["De bibliotheek aan het plein"]
    assert meta(doc, "og:image:width") == ["1200"] and meta(doc, "og:image:height") == ["630"]
    with Image.open(local(site, meta(doc, "og:image")[0])) as image:
        assert image.size == (1200, 630) and image.format == "JPEG"
    found = jsonld(doc)
    news = found["NewsArticle"]
    assert news["headline"] == "De bibliotheek in Oosterheem blijft open"
    assert news["datePublished"] == news["dateModified"] == "2021-04-15T09:30:00+02:00"
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": BASE + "nieuws/foto/"}
    assert news["keywords"] == "bibliotheek, inZet"
    assert news["about"] == news["contentLocation"] == [{"@type": "Place", "name": "Oosterheem"},
                                                        {"@type": "Place", "name": "Rokkeveen"}]
    assert news["author"]["name"] == news["publisher"]["name"] == "Stadsnieuws Testdorp"
    with Image.open(local(site, news["publisher"]["logo"]["url"])) as logo:
        assert logo.size == (180, 180)
    sizes = []
    for url in news["image"]:
        with Image.open(local(site, url)) as image:
            sizes.append(image.size)
    assert sizes == [(1200, 675), (1200, 900), (1200, 1200)]  # 16:9, 4:3, 1:1
    crumbs = found["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Home", BASE), (2, "Nieuws", BASE + "nieuws/"), (3, "De bibliotheek in Oosterheem blijft open",
                                                            BASE + "nieuws/foto/")]


def test_the_home_page_tells_search_engines_where_to_search(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    found = jsonld(page(site, "index.html"))
    website = found["WebSite"]
    assert website["url"] == BASE and website["name"] == "Stadsnieuws Testdorp"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == BASE + "zoeken/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    assert local(site, BASE + "zoeken/").is_file()
    assert "BreadcrumbList" not in found  # no breadcrumbs shown on the home page
    assert set(jsonld(page(site, "wijk/rokkeveen/index.html"))) == {"BreadcrumbList"}


def test_icons_are_made_from_the_logo(cli, content, tmp_path):
    build(cli)
    site = tmp_path / "site"
    doc = page(site, "wijk/rokkeveen/index.html")
    [svg] = doc.xpath("//link[@rel='icon'][@type='image/svg+xml']/@href")
    assert (site / "wijk/rokkeveen" / svg).read_bytes().startswith(b"<svg")
    [png] = doc.xpath("//link[@rel='icon'][@sizes='32x32']/@href")
    [touch] = doc.xpath("//link[@rel='apple-touch-icon']/@href")
    for href, size in ((png, (32, 32)), (touch, (180, 180))):
        with Image.open(site / "wijk/rokkeveen" / href) as image:
            assert image.size == size and image.format == "PNG"
            assert len(image.convert("RGB").getcolors(1000) or ()) > 1  # the logo drawn, not a blank square


def test_the_site_picture_from_site_yml_is_shown_for_pages_without_one(cli, tmp_path):
    site_yml = ("title: Stadsnieuws Testdorp\nbase_url: https://nieuws.example.nl/\n"
                "image: images/stad.jpg\nimage_alt: Het stadhuis\n")
    content = write_content(tmp_path, site=site_yml)
    (content / "images/stad.jpg").write_bytes(pictures.phone_jpeg((1600, 1200)))
    build(cli)
    site = tmp_path / "site"
    doc = page(site, "wijk/index.html")
    assert meta(doc, "og:image:alt") == ["Het stadhuis"]
    [image] = meta(doc, "og:image")
    assert "/media/stad-" in image
    with Image.open(local(site, image)) as picture:
        assert picture.size == (1200, 630)
        assert not picture.getexif()


def test_site_picture_mistakes_are_errors_at_their_line(cli, tmp_path):
    base = "title: Stadsnieuws Testdorp\nbase_url: https://nieuws.example.nl/\n"
    for value, message in (("images/weg.jpg", "image 'images/weg.jpg' does not exist"),
                           ("../buiten.jpg", "image '../buiten.jpg' is outside the content folder"),
                           ("images/tekst.txt", "image 'images/tekst.txt' is not a picture (JPEG, PNG, WebP, HEIC or SVG)"),
                           ("images/kapot.jpg", "picture 'images/kapot.jpg' is damaged or cut off: export or copy the "
                                                "picture again")):
        content = write_content(tmp_path, site=base + f"image: {value}\n")
        (content / "images/tekst.txt").write_text("x")
        (content / "images/kapot.jpg").write_bytes(pictures.phone_jpeg((800, 600))[:4000])
        result = cli("build")
        assert result.code == 1 and result.error_lines == [f"content/site.yml:3: {message}"], result.err


def test_the_newsletter_shows_svg_pictures_as_png(cli, tmp_path):
    content = write_content(tmp_path, {"2021/kaart.md": """\
        ---
        title: Nieuwe kaart
        date: 2021-08-20
        wijk: Rokkeveen
        image: images/kaart.svg
        image_alt: Kaart van de wijk
        ---

        Een kaart.
        """})
    (content / "images/kaart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100">'
                                              '<rect width="200" height="100" fill="#c00"/></svg>')
    assert cli("newsletter", "--since", "2021-08-01", "--until", "2021-08-31").code == 0
    build(cli)
    site = tmp_path / "site"
    html = (tmp_path / "nieuwsbrief/2021-08-31/nieuwsbrief.html").read_text(encoding="utf-8")
    [src] = [s for s in __import__("re").findall(r'src="([^"]+)"', html) if "kaart" in s]
    assert src.endswith("-email.png")
    with Image.open(local(site, src)) as image:
        assert image.format == "PNG" and image.size == (1104, 552)
        assert image.convert("RGB").getpixel((500, 200))[0] > 180
    # the web page keeps the SVG itself, with its size (no jump while it loads)
    img = page(site, "nieuws/kaart/index.html").xpath("//figure//img")[0]
    assert img.get("src").endswith("images/kaart.svg") and (img.get("width"), img.get("height")) == ("200", "100")


def test_icons_come_from_the_brands_logo_which_is_published_without_metadata(cli, tmp_path):
    site_yml = "title: Stadsnieuws Testdorp\nbase_url: https://nieuws.example.nl/\ntheme:\n  logo: images/logo.png\n"
    content = write_content(tmp_path, site=site_yml)
    logo = Image.new("RGB", (300, 100), (0, 140, 60))  # a green logo: the icons turn green
    buffer = __import__("io").BytesIO()
    exif = Image.Exif()
    exif[0x0110] = pictures.MODEL
    logo.save(buffer, "PNG", exif=exif.tobytes())
    (content / "images/logo.png").write_bytes(buffer.getvalue())
    build(cli)
    site = tmp_path / "site"
    published = (site / "static/logo.png").read_bytes()
    assert pictures.MODEL.encode() not in published and b"eXIf" not in published
    doc = page(site, "index.html")
    assert not doc.xpath("//link[@rel='icon'][@type='image/svg+xml']")  # no SVG icon from a PNG logo
    [touch] = doc.xpath("//link[@rel='apple-touch-icon']/@href")
    with Image.open(site / touch) as icon:
        assert icon.convert("RGB").getpixel((90, 90)) == (0, 140, 60)
