"""What a page tells the places it is shared and found: its canonical address, Open Graph and a
Twitter card (the preview Facebook, WhatsApp and X show for a link), and schema.org JSON-LD
(NewsArticle, BreadcrumbList, WebSite with its search), made from the page's own context and the
site's settings, so that a page's fingerprint covers them (fingerprint.py).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .content import Article
from .images import Crop, Picture
from .registry import SiteConfig

HEADLINE_LENGTH = 110  # Google shows no longer NewsArticle headline
# A picture smaller than this makes a poor preview (Facebook shows a large card from 600x315, and
# Google wants 50,000 pixels): the site's own sharing picture is shown instead.
SHARE_MIN = (600, 315)
SEARCH_MIN_PIXELS = 50_000


@dataclass(frozen=True)
class Brand:
    """The site's own pictures, made from its logo (images.icon_files): icons, and what a page
    without a picture of its own shows when it is shared."""

    digest: str            # of the logo
    icon_svg: str          # site paths; '' where the logo is no SVG
    icon_png: str          # 32x32
    touch_icon: str        # 180x180, also the publisher's logo in JSON-LD
    share: Crop            # 1200x630
    share_alt: str
    email_logo: str        # the logo as PNG for e-mail, where SVG is not shown
    files: tuple[tuple[str, str], ...]   # (site path, name in icon_files()) of what is made here
    logo: bytes = field(default=b"", repr=False)
    logo_is_svg: bool = True


THEME_LOGO = "static/logo.svg"  # in the theme; the site publishes it as it is
THEME_LOGO_COLOUR = b"#0b4f7c"   # its mark's colour: a brand's primary colour takes its place


def brand_of(model, theme_dirs: list[Path], content: Path) -> Brand:
    """The site's icons and sharing picture: from the brand's logo (site.yml `theme: logo:`) or
    else the theme's, and site.yml's `image` (a picture of the site's own, made like an
    article's) where it is given."""
    config = model.config
    own = config.theme.logo
    if own is not None:
        logo, is_svg, icon_svg = (content / own.source).read_bytes(), own.kind == "svg", own.url
    else:
        folder = next((d for d in theme_dirs if (d / THEME_LOGO).is_file()), None)
        logo, is_svg, icon_svg = ((folder / THEME_LOGO).read_bytes() if folder else b""), True, THEME_LOGO
    # The header draws the theme's mark in the brand's primary colour (style.css): so do the
    # icons, the sharing picture and the e-mail, from a copy of the mark in that colour.
    recoloured = own is None and config.theme.primary and THEME_LOGO_COLOUR in logo
    if recoloured:
        logo = logo.replace(THEME_LOGO_COLOUR, config.theme.primary.encode())
    digest = hashlib.sha1(logo).hexdigest()
    email_logo = f"media/site-{digest[:10]}-logo.png"
    made = [("favicon-32.png", "favicon-32.png"), ("apple-touch-icon.png", "apple-touch-icon.png"),
            (email_logo, "logo.png")]
    if recoloured:
        icon_svg = f"media/site-{digest[:10]}-logo.svg"
        made.append((icon_svg, "logo.svg"))
    picture = model.pictures.get(config.image) if config.image else None
    share = picture.crop("og") if picture else None
    if share is None:
        share = Crop("og", f"media/site-{digest[:10]}-share.png", 1200, 630)
        made.append((share.path, "share.png"))
    return Brand(digest, icon_svg if is_svg else "", "favicon-32.png", "apple-touch-icon.png", share,
                 config.image_alt if picture else config.title, email_logo, tuple(made), logo, is_svg)


@dataclass(frozen=True)
class Share:
    url: str                                   # the page's canonical address
    description: str
    meta: tuple[tuple[str, str, str], ...]     # (attribute, name, content) of each <meta>
    jsonld: tuple[dict, ...]


def page_url(config: SiteConfig, path: str) -> str:
    folder = path[:-len("index.html")] if path.endswith("index.html") else path
    return config.base_url + quote(folder, safe="/")


def _absolute(config: SiteConfig, path: str) -> str:
    return config.base_url + quote(path, safe="/")


def _description(context: dict, config: SiteConfig) -> str:
    article = context.get("article")
    if isinstance(article, Article) and article.summary:
        return article.summary
    for key in ("wijk", "dossier"):
        item = context.get(key)
        if item is not None and getattr(item, "description", ""):
            return item.description
    if config.tagline:
        return f"{context.get('title') or config.title}: {config.tagline}" if context.get("title") != config.title \
            else config.tagline
    return f"{context.get('title') or config.title} – {config.title}"


def _breadcrumbs(config: SiteConfig, context: dict, url: str) -> dict:
    trail = [("Home", config.base_url)] + [(label, page_url(config, folder)) for label, folder in
                                           context["breadcrumbs"]] + [(context["title"], url)]
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": n, "name": name, "item": link} for n, (name, link) in enumerate(trail, 1)]}


def _organisation(config: SiteConfig, brand: Brand) -> dict:
    return {"@type": "Organization", "name": config.title, "url": config.base_url,
            "logo": {"@type": "ImageObject", "url": _absolute(config, brand.touch_icon), "width": 180, "height": 180}}


def _news_article(config: SiteConfig, brand: Brand, article: Article, picture: Picture | None, url: str) -> dict:
    crops = [c for c in (picture.crops if picture else ())
             if c.name != "og" and c.width * c.height >= SEARCH_MIN_PIXELS] or [brand.share]
    places = [{"@type": "Place", "name": wijk.name} for wijk in article.wijken]
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": article.title if len(article.title) <= HEADLINE_LENGTH
        else article.title[:HEADLINE_LENGTH - 1].rstrip() + "…",
        "description": article.summary,
        "datePublished": article.date.isoformat(), "dateModified": article.date.isoformat(),
        "image": [_absolute(config, c.path) for c in crops],
        "author": {"@type": "Organization", "name": config.title, "url": config.base_url},
        "publisher": _organisation(config, brand),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": config.language,
        "about": places, "contentLocation": places,
    }
    if article.tags:
        data["keywords"] = ", ".join(tag.name for tag in article.tags)
    return data


def share_of(path: str, context: dict, config: SiteConfig, brand: Brand | None) -> Share | None:
    """The sharing data of one page; None for pages nobody should share (the 404 page)."""
    if path == "404.html" or brand is None:
        return None
    url = page_url(config, path)
    title = context.get("title") or config.title
    description = _description(context, config)
    article, picture = context.get("article"), context.get("picture")
    if isinstance(article, Article) and path.startswith("nieuws/"):
        crop = picture.crop("og") if picture else None
        if crop is not None and (crop.width < SHARE_MIN[0] or crop.height < SHARE_MIN[1]):
            crop = None
        alt = article.image_alt if crop else brand.share_alt
        kind = [("property", "og:type", "article"),
                ("property", "article:published_time", article.date.isoformat())]
        kind += [("property", "article:section", wijk.name) for wijk in article.wijken[:1]]
        kind += [("property", "article:tag", tag.name) for tag in article.tags]
    else:
        article, crop, alt = None, None, brand.share_alt
        kind = [("property", "og:type", "website")]
    crop = crop or brand.share
    meta = [("property", "og:site_name", config.title), ("property", "og:title", title),
            ("property", "og:description", description), ("property", "og:url", url),
            ("property", "og:locale", "nl_NL"), *kind,
            ("property", "og:image", _absolute(config, crop.path)),
            ("property", "og:image:width", str(crop.width)), ("property", "og:image:height", str(crop.height)),
            ("property", "og:image:alt", alt), ("name", "twitter:card", "summary_large_image")]
    jsonld = []
    if article is not None:
        jsonld.append(_news_article(config, brand, article, picture, url))
    if path == "index.html":
        jsonld.append({"@context": "https://schema.org", "@type": "WebSite", "name": config.title,
                       "url": config.base_url, "inLanguage": config.language,
                       "publisher": _organisation(config, brand),
                       "potentialAction": {"@type": "SearchAction",
                                           "target": {"@type": "EntryPoint",
                                                      "urlTemplate": config.base_url + "zoeken/?q={search_term_string}"},
                                           "query-input": "required name=search_term_string"}})
    if context.get("breadcrumbs"):
        jsonld.append(_breadcrumbs(config, context, url))
    return Share(url, description, tuple(meta), tuple(jsonld))
