"""Pictures: every photo an article uses is published only as small, upright, stripped copies.

A newsroom's photos come from phones: 3-8 MB, 4000x3000 pixels, a rotation flag, the camera and
the place where they were taken in their metadata, HEIC from iPhones. What a reader downloads is
made here instead: a few widths (never wider than the original) in WebP and in a fallback
(JPEG, or PNG where the picture is transparent), turned upright, in sRGB, with no metadata at
all; for an article's lead picture also crops for sharing (Open Graph 1200x630, and 16:9, 4:3
and 1:1 for search engines). The original is never published. SVG is published as it is (it is
already small and sharp at every width) and drawn as PNG only where it must be: sharing crops
and e-mail, whose readers (Gmail, Outlook) show no SVG.

Making the copies is the slow part of a build with photos, so it is done once per picture
content: the copies are kept in the build cache by the picture's hash and these settings
(Hugo keeps its resized images the same way, in resources/_gen), a picture whose file did not
change is not even read again, and new ones are made on all cores.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import os
import re
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from .contentfiles import svg_problem
from .errors import Problems, display_path

RASTER_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif")
PICTURE_SUFFIXES = RASTER_SUFFIXES + (".svg",)  # what a page's own picture (`image:`) may be
WIDTHS = (480, 800, 1200, 1600)   # what browsers pick from with srcset; the largest covers a 2x phone
EMAIL_WIDTH = 800                # the newsletter's picture (shown at 552 px wide)
# Sharing crops of a lead picture: Open Graph's 1.91:1, and the three ratios Google asks for.
CROPS = (("og", 1200, 630), ("16x9", 1200, 675), ("4x3", 1200, 900), ("1x1", 1200, 1200))
MAX_PIXELS = 50_000_000          # larger is no photo but a decompression bomb (or a scan to shrink first)
MAX_BYTES = 50 * 2**20           # read no larger file at all
WEBP = {"quality": 80, "method": 2}  # method 2: a third of method 4's time for 1 % more bytes
JPEG = {"quality": 82, "optimize": True}
_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "HEIF"}  # MPO: the JPEG some cameras write with a preview inside


def is_raster(rel: str) -> bool:
    return rel.lower().endswith(RASTER_SUFFIXES)


def is_svg(rel: str) -> bool:
    return rel.lower().endswith(".svg")


class PictureProblem(Exception):
    """Why a picture cannot be published, in words for the editor who used it."""


@dataclass(frozen=True)
class Made:
    """What was made of one picture content: kept beside its copies in the cache."""

    kind: str                         # "raster" or "svg"
    width: int                        # upright, of the original
    height: int
    fallback: str                     # "jpg" or "png"
    files: tuple[tuple[str, str, int], ...] = ()  # (name, sha1, size) of each copy: '800.webp', 'og.jpg', ...

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind, "width": self.width, "height": self.height,
                           "fallback": self.fallback, "files": [list(f) for f in self.files]})

    @classmethod
    def from_json(cls, text: str) -> "Made":
        data = json.loads(text)
        return cls(data["kind"], data["width"], data["height"], data["fallback"],
                   tuple((name, sha, size) for name, sha, size in data["files"]))


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    webp: str       # site paths
    fallback: str


@dataclass(frozen=True)
class Crop:
    name: str       # og, 16x9, 4x3, 1x1
    path: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """A picture as pages use it: its size and the site paths of what was made of it."""

    source: str                       # in the content folder, e.g. images/bieb.jpg
    digest: str                       # of the file's bytes: what was made of it is named after it
    kind: str
    width: int
    height: int
    fallback_type: str                # MIME type of the fallback copies
    variants: tuple[Variant, ...] = ()   # narrowest first; none for SVG
    crops: tuple[Crop, ...] = ()
    email: str = ""                   # site path of the newsletter's copy
    files: tuple[tuple[str, str, str], ...] = ()  # (site path, name in the store, sha1) of every copy

    @property
    def src(self) -> str:
        """The plain src: the SVG itself, or the fallback copy closest to a phone's screen."""
        return self.variant_for(EMAIL_WIDTH).fallback if self.variants else self.source

    def variant_for(self, width: int) -> Variant:
        return next((v for v in self.variants if v.width >= width), self.variants[-1])

    def crop(self, name: str) -> Crop | None:
        return next((c for c in self.crops if c.name == name), None)

    def srcset(self, kind: str, prefix: str) -> str:
        return ", ".join(f"{prefix}{getattr(v, kind)} {v.width}w" for v in self.variants)


def site_paths(rel: str, digest: str, made: Made) -> dict[str, str]:
    """Copy name -> its path in the site: media/<name>-<hash>-<copy>, one flat folder, named by
    content so that a browser may keep them for ever and a replaced photo gets new names."""
    stem = re.sub(r"[^a-z0-9]+", "-", Path(rel).stem.lower())[:40].strip("-") or "beeld"
    return {name: f"media/{stem}-{digest[:10]}-{name}" for name, _, _ in made.files}


_LEAD_ONLY = frozenset([f"{name}.jpg" for name, _, _ in CROPS] + ["email.png"])


def picture_of(rel: str, digest: str, made: Made, lead: bool = True) -> Picture:
    """The picture as pages use it; not leading any article (a body picture only), it has no
    sharing crops, even where copies made for an earlier use as a lead picture are at hand."""
    if not lead:
        made = dataclasses.replace(made, files=tuple(f for f in made.files if f[0] not in _LEAD_ONLY))
    paths = site_paths(rel, digest, made)
    variants = []
    for name in paths:
        width, _, kind = name.partition(".")
        if width.isdigit() and kind == "webp":
            w = int(width)
            variants.append(Variant(w, max(1, round(made.height * w / made.width)), paths[name],
                                    paths[f"{w}.{made.fallback}"]))
    crops = []
    for name, width, height in CROPS:
        if f"{name}.jpg" in paths:  # an SVG is drawn at the crop's full size; a photo is never enlarged
            w, h = (width, height) if made.kind == "svg" else _crop_size(made.width, made.height, width, height)
            crops.append(Crop(name, paths[f"{name}.jpg"], w, h))
    picture = Picture(rel, digest, made.kind, made.width, made.height,
                      "image/png" if made.fallback == "png" else "image/jpeg",
                      tuple(sorted(variants, key=lambda v: v.width)), tuple(crops))
    email = paths.get("email.png") or (picture.variant_for(EMAIL_WIDTH).fallback if variants else "")
    return dataclasses.replace(picture, email=email,
                               files=tuple((paths[name], name, sha) for name, sha, _ in made.files))


# ------------------------------------------------------------------ making the copies
def _widths(width: int) -> list[int]:
    """The widths to make of a picture this wide: never wider than it, never upscaled; one copy
    at its own width when it is narrower than the smallest."""
    widths = [w for w in WIDTHS if w <= width]
    if width < WIDTHS[-1] and width not in widths:
        if widths and width <= widths[-1] * 1.15:
            widths[-1] = width  # 850 px: 480 and 850, not 800 as well
        else:
            widths.append(width)  # 1000 px: 480, 800 and 1000
    return widths


def _crop_size(width: int, height: int, target_w: int, target_h: int) -> tuple[int, int]:
    """The crop's size: the target, or the largest of its ratio that fits in a smaller picture."""
    scale = min(1.0, width / target_w, height / target_h)
    return max(1, round(target_w * scale)), max(1, round(target_h * scale))


# EXIF orientation -> the turn that makes the picture upright
_UPRIGHT = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE", 6: "ROTATE_270",
            7: "TRANSVERSE", 8: "ROTATE_90"}


def _open(data: bytes, largest: int):
    """The picture in data, upright, in sRGB, without metadata, at most `largest` px wide; its
    upright size before that; whether it is transparent. Raises PictureProblem."""
    from PIL import Image, ImageCms, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image_format = image.format
    except UnidentifiedImageError:
        raise PictureProblem("is not a picture wijknieuws can read (JPEG, PNG, WebP or HEIC); "
                             "save or export it in one of those formats") from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise PictureProblem(f"is larger than {MAX_PIXELS // 1_000_000} megapixels; make it smaller") from None
    except Exception:  # a header Pillow could not make sense of
        raise PictureProblem("is damaged or cut off: export or copy the picture again") from None
    if image_format not in _FORMATS:
        raise PictureProblem(f"is a {image_format} file; save it as JPEG, PNG, WebP or HEIC")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise PictureProblem(f"is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels); pictures "
                             f"up to {MAX_PIXELS // 1_000_000} megapixels are accepted: make it smaller")
    try:
        orientation = image.getexif().get(0x0112, 1) if image_format != "HEIF" else 1  # libheif turns HEIF itself
        upright = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
        scale = min(1.0, largest / upright[0])
        # The size to work at, as stored: nothing larger than the largest copy is ever needed,
        # and libjpeg can decode at 1/2, 1/4 or 1/8 of the size at once, for far less.
        target = (max(1, round(width * scale)), max(1, round(height * scale)))
        if image_format in ("JPEG", "MPO"):
            # A tenth less than the target is worth it where it lets libjpeg halve the picture (a
            # portrait photo's 3000 px width, for a 1600 px copy): the copies then stop at 1500 px.
            image.draft("RGB", (round(target[0] / 1.1), round(target[1] / 1.1)))
        image.load()
    except Exception:
        raise PictureProblem("is damaged or cut off: export or copy the picture again") from None
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # an animated WebP or PNG: its first picture
    icc = image.info.get("icc_profile")
    alpha = _has_alpha(image)
    image = image.convert("RGBA" if alpha else "RGB")
    if image.size[0] > target[0]:
        image = image.resize(target, Image.LANCZOS, reducing_gap=2.0)
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode=image.mode)
        except Exception:  # a profile littlecms cannot read: keep the numbers as they are
            pass
    if orientation in _UPRIGHT:
        image = image.transpose(getattr(Image.Transpose, _UPRIGHT[orientation]))
    image.info.clear()  # nothing of the original's metadata travels to a copy (resize copies info)
    return image, upright, alpha


def _has_alpha(image) -> bool:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        extrema = image.convert("RGBA").getchannel("A").getextrema()
        return extrema[0] < 255
    return False


def _save(image, kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "webp":
        image.save(buffer, "WEBP", **WEBP)
    elif kind == "jpg":
        image.save(buffer, "JPEG", **JPEG)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _cover(image, width: int, height: int):
    """The middle of the picture at this ratio, scaled to width x height (only cut where it has
    that size already)."""
    from PIL import Image

    ratio = width / height
    if image.width / image.height > ratio:  # wider: cut the sides
        w = min(image.width, round(image.height * ratio))
        box = ((image.width - w) // 2, 0, (image.width - w) // 2 + w, image.height)
    else:  # taller: cut top and bottom, a little more from the bottom (faces are high in photos)
        h = min(image.height, round(image.width / ratio))
        top = (image.height - h) // 3
        box = (0, top, image.width, top + h)
    if (box[2] - box[0], box[3] - box[1]) == (width, height):
        return image.crop(box)
    return image.resize((width, height), Image.LANCZOS, box=box, reducing_gap=2.0)


_NUMBER = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*")


def svg_size(data: bytes) -> tuple[float, float] | None:
    """An SVG's own size in CSS pixels as a browser takes it: width and height, the one missing
    from the viewBox's shape, else the viewBox's; None when it says neither (or is no SVG)."""
    found: dict[str, str] = {}
    parser = expat.ParserCreate()

    def start(name, attrs):
        if not found:
            found.update(attrs)
            found.setdefault("", "seen")

    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return None

    def number(text: str | None) -> float | None:
        match = _NUMBER.fullmatch(text or "")
        return float(match.group(1)) if match and float(match.group(1)) > 0 else None

    width, height = number(found.get("width")), number(found.get("height"))
    box = re.split(r"[\s,]+", found.get("viewBox", "").strip())
    box_w, box_h = (number(box[2]), number(box[3])) if len(box) == 4 else (None, None)
    if box_w and box_h:
        if width is None and height is None:
            width, height = box_w, box_h
        elif width is None:
            width = height * box_w / box_h
        elif height is None:
            height = width * box_h / box_w
    return (width, height) if width and height else None


def _svg_size(data: bytes) -> tuple[int, int]:
    """The SVG's size in whole pixels; 300x150 (as browsers do) when it says none."""
    if b"<" not in data:
        raise PictureProblem("is not a well-formed SVG file")
    size = svg_size(data)
    if size is None:
        try:
            expat.ParserCreate().Parse(data, True)
        except expat.ExpatError:
            raise PictureProblem("is not a well-formed SVG file") from None
        return 300, 150
    return max(1, round(size[0])), max(1, round(size[1]))


def _draw_svg(data: bytes, width: int):
    """The SVG drawn as pixels, width wide, on white (e-mail and sharing have no transparency)."""
    from PIL import Image
    import resvg_py

    try:
        png = resvg_py.svg_to_bytes(svg_string=data.decode("utf-8"), width=width, background="#ffffff")
        return Image.open(io.BytesIO(bytes(png))).convert("RGB")
    except Exception:
        raise PictureProblem("is an SVG file that cannot be drawn; open and save it again in a drawing "
                             "program") from None


def make(data: bytes, kind: str, lead: bool) -> tuple[Made, dict[str, bytes]]:
    """The copies of one picture (name -> bytes), and what was made; raises PictureProblem."""
    from PIL import Image

    if kind == "svg":
        width, height = _svg_size(data)
        files = {}
        if lead:  # only a lead picture is shared and sent by e-mail, where SVG is not shown
            # drawn large enough to fill every crop at its full size (1200 px on its shorter side),
            # but no side over 4800 px: a drawing 300 times wider than high is no bomb either
            drawn = _draw_svg(data, max(1, round(min(1200 * max(1.0, width / height), 4800, 4800 * width / height))))
            files["email.png"] = _save(_draw_svg(data, 2 * 552), "png")
            for name, w, h in CROPS:
                files[f"{name}.jpg"] = _save(_cover(drawn, w, h), "jpg")
        return Made("svg", width, height, "png", _named(files)), files
    base, (width, height), alpha = _open(data, WIDTHS[-1])
    fallback = "png" if alpha else "jpg"
    files = {}
    scaled = {base.width: base}  # the picture at each width made so far
    current = base
    for copy_width in sorted(_widths(base.width), reverse=True):  # each from the one before: cheaper
        size = (copy_width, max(1, round(height * copy_width / width)))
        if size != current.size:
            current = current.resize(size, Image.LANCZOS, reducing_gap=2.0)
        scaled[copy_width] = current
        files[f"{copy_width}.webp"] = _save(current, "webp")
        files[f"{copy_width}.{fallback}"] = _save(current, fallback)
    if lead:
        for name, w, h in CROPS:
            crop_w, crop_h = _crop_size(base.width, base.height, w, h)
            # Cut from the copy that already has the crop's scale, when there is one (1200x630
            # from the 1200 px copy of a 4:3 photo): cutting costs nothing, scaling does.
            scale = max(crop_w / base.width, crop_h / base.height)
            at = round(base.width * scale)
            if at not in scaled:
                scaled[at] = base.resize((at, max(crop_h, round(base.height * scale))), Image.LANCZOS, reducing_gap=2.0)
            source = scaled[at].convert("RGB") if alpha else scaled[at]  # sharing sites show no transparency
            files[f"{name}.jpg"] = _save(_cover(source, crop_w, crop_h), "jpg")
    return Made("raster", width, height, fallback, _named(files)), files


def _named(files: dict[str, bytes]) -> tuple[tuple[str, str, int], ...]:
    return tuple(sorted((name, hashlib.sha1(data).hexdigest(), len(data)) for name, data in files.items()))


def check(data: bytes, kind: str) -> None:
    """What make() would refuse, without making anything (for `wijknieuws check`)."""
    if kind == "svg":
        _svg_size(data)
    else:
        _open(data, WIDTHS[0])  # decoded whole (a cut-off file shows), at the smallest size: quick


def register_heif() -> None:
    """HEIC/HEIF (iPhone photos) readable by Pillow."""
    try:
        import pillow_heif
    except ImportError:  # pragma: no cover - a dependency; without it HEIC is an unknown format
        return
    pillow_heif.register_heif_opener()


# ------------------------------------------------------------------ the cache of copies
@dataclass
class MediaIndex:
    """Kept in the build cache: which content each picture file had when last seen, so that an
    unchanged file is not read again (its copies are named by that content)."""

    seen: dict = field(default_factory=dict)   # rel -> ((mtime_ns, size), digest)


@functools.lru_cache(maxsize=1)
def settings_id() -> str:
    """How copies are made, as a name: these settings and the versions of the libraries that make
    them (another encoder makes other bytes, and a full build must equal an incremental one)."""
    from importlib.metadata import version

    versions = tuple(version(name) for name in ("pillow", "pillow-heif", "resvg-py"))
    return hashlib.sha1(repr((WIDTHS, EMAIL_WIDTH, CROPS, WEBP, JPEG, versions, 1)).encode()).hexdigest()[:12]


class MediaStore:
    """The copies made so far, in <cache>/<out>.media/<settings_id()>/<digest>/ with made.json; without
    a root (`check`, which writes nothing) there are none."""

    def __init__(self, root: Path | None):
        self.root = root
        self.folder = root / settings_id() if root else None

    def path(self, digest: str, name: str) -> Path:
        return self.folder / digest / name

    def made(self, digest: str, lead: bool) -> Made | None:
        if self.folder is None:
            return None
        try:
            made = Made.from_json((self.folder / digest / "made.json").read_text())
        except (OSError, ValueError, KeyError, TypeError):
            return None
        names = {name for name, _, _ in made.files}
        if lead and not all(f"{name}.jpg" in names for name, _, _ in CROPS):
            return None  # made for a body picture; now it leads an article, which needs the crops
        for name, _, size in made.files:  # a copy gone or cut short is made again, never trusted
            try:
                if os.stat(self.path(digest, name)).st_size != size:
                    return None
            except OSError:
                return None
        return made

    def keep(self, digest: str, made: Made, files: dict[str, bytes]) -> None:
        folder = self.folder / digest
        scratch = folder.with_name(folder.name + f".{os.getpid()}.new")
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        for name, data in files.items():
            (scratch / name).write_bytes(data)
        (scratch / "made.json").write_text(made.to_json())
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(scratch, folder)  # whole or not at all: a killed build leaves no half folder

    def prune(self, used: set[str]) -> None:
        """Removes the copies of pictures no longer used, and those made with other settings."""
        if self.folder is None or not self.folder.parent.is_dir():
            return
        for other in self.folder.parent.iterdir():
            if other != self.folder:
                shutil.rmtree(other, ignore_errors=True)
        if self.folder.is_dir():
            for entry in self.folder.iterdir():
                if entry.name not in used:
                    shutil.rmtree(entry, ignore_errors=True)


# ------------------------------------------------------------------ the build's step
@dataclass(frozen=True)
class Use:
    """Where an article uses a picture: the line an error about it points at."""

    path: Path      # the article's file
    line: int
    lead: bool      # the article's own picture (front matter `image:`), which gets sharing crops


def uses_of(content: Path, articles, site_image: str = "", site_image_line: int = 1) -> dict[str, list[Use]]:
    """Every picture (raster or SVG) the articles use, drafts too (check validates them), and the
    site's own sharing picture (site.yml `image:`), with where each is used."""
    uses: dict[str, list[Use]] = {}
    for article in articles:
        if article.image and (is_raster(article.image) or is_svg(article.image)):
            uses.setdefault(article.image, []).append(Use(content / article.source, article.line_of("image"), True))
        for rel, line in article.file_lines:
            if is_raster(rel) or is_svg(rel):
                uses.setdefault(rel, []).append(Use(content / article.source, line, False))
    if site_image:
        uses.setdefault(site_image, []).append(Use(content / "site.yml", site_image_line, True))
    return uses


def _work(item: tuple[str, Path, str | None, bool, Path | None]):
    """One picture, in a worker: (digest, Made) or (digest, problem). Reads and hashes the file
    when its digest is not known yet, and makes its copies into the store unless only checking."""
    rel, path, digest, lead, root = item
    kind = "svg" if is_svg(rel) else "raster"
    try:
        if os.stat(path).st_size > MAX_BYTES:
            return digest, f"is larger than {MAX_BYTES // 2**20} MB; a photo for the web needs a tenth of that"
        data = path.read_bytes()
    except OSError as exc:
        return digest, f"cannot be read: {exc.strerror}"
    digest = hashlib.sha1(data).hexdigest()
    if kind == "svg" and (problem := svg_problem(data)):  # checked here too: the site's `image:` is no article's
        return digest, f"(its line {problem[0]}): {problem[1]}"
    store = MediaStore(root)
    made = store.made(digest, lead)
    if made is not None:
        return digest, made
    try:
        if store.folder is None:
            check(data, kind)
            return digest, None
        made, files = make(data, kind, lead)
    except PictureProblem as exc:
        return digest, str(exc)
    store.keep(digest, made, files)
    return digest, made


def prepare(content: Path, files: dict, uses: dict[str, list[Use]], index: MediaIndex, store: MediaStore,
            jobs: int, problems: Problems) -> dict[str, Picture]:
    """The Picture of every picture used (content path -> Picture), its copies made or found in
    the store; every problem reported at each use. files: the content folder's files that may
    be read, with their (mtime, size). Without a store (`check`) pictures are only checked and
    none is returned."""
    from .workers import can_fork, in_workers

    pictures: dict[str, Picture] = {}
    todo = []
    reported = {error.path for error in problems.errors}  # an SVG with a script, say: at its own line
    for rel in sorted(uses):
        state = files.get(rel)
        if state is None or display_path(content / rel) in reported:
            continue  # reported already: 'does not exist', an SVG with a script, ...
        lead = any(use.lead for use in uses[rel])
        seen = index.seen.get(rel)
        digest = seen[1] if seen and seen[0] == state else None
        made = store.made(digest, lead) if digest else None
        if made is not None:
            pictures[rel] = picture_of(rel, digest, made, lead)
        else:
            todo.append((rel, content / rel, digest, lead, store.root))
    if todo:
        register_heif()  # a library of its own, loaded only when a picture is read (the workers inherit it)
    if jobs > 1 and len(todo) > 1 and can_fork():
        results = {item[0]: result for item, result in in_workers(_work, todo, min(jobs, len(todo)))}
    else:
        results = {item[0]: _work(item) for item in todo}
    recent = time.time_ns() - 2_000_000_000
    leads = {rel for rel, used in uses.items() if any(use.lead for use in used)}
    for rel, (digest, outcome) in sorted(results.items()):
        state = files[rel]
        if digest and state[0] < recent:  # a file saved just now may change again unseen: read it next time
            index.seen[rel] = (state, digest)
        if isinstance(outcome, Made):
            pictures[rel] = picture_of(rel, digest, outcome, rel in leads)
        elif isinstance(outcome, str):
            for use in uses[rel]:
                problems.error(use.path, use.line, f"picture '{rel}' {outcome}")
    for gone in set(index.seen) - set(uses):
        del index.seen[gone]
    return pictures


# ------------------------------------------------------------------ in a page
def picture_html(picture: Picture, alt: str, prefix: str, *, lead: bool = False,
                 sizes: str = "(min-width: 48em) 46rem, 100vw", extra: str = "") -> str:
    """The <picture> (or, for an SVG, the <img>) of a picture, its paths after prefix (the way to
    the site's root). The lead picture of a page is fetched first; every other one only when the
    reader scrolls near it. width and height keep the page from jumping as pictures arrive."""
    from markupsafe import escape

    loading = 'fetchpriority="high" decoding="async"' if lead else 'loading="lazy" decoding="async"'
    if not picture.variants:
        return (f'<img src="{escape(prefix + picture.source)}" alt="{escape(alt)}" width="{picture.width}" '
                f'height="{picture.height}"{extra} {loading}>')
    largest = picture.variants[-1]
    return (f'<picture><source type="image/webp" srcset="{escape(picture.srcset("webp", prefix))}" '
            f'sizes="{sizes}"><img src="{escape(prefix + picture.src)}" '
            f'srcset="{escape(picture.srcset("fallback", prefix))}" sizes="{sizes}" alt="{escape(alt)}" '
            f'width="{largest.width}" height="{largest.height}"{extra} {loading}></picture>')


_IMG_RE = re.compile(r"<img\b[^>]*>")
_ATTR_RE = re.compile(r'([a-z-]+)="([^"]*)"')


def body_pictures(html: str, pictures: dict[str, Picture], root: str) -> str:
    """An article body (sanitised HTML, internal paths after `root`) with each of its pictures as
    picture_html() makes it, and each link to a photo pointing at its largest copy: the original
    file is not published. pictures: the article's own (the site's would be looked through
    for every body)."""
    from html import unescape

    from markupsafe import escape

    def image(match: re.Match) -> str:
        attrs = dict(_ATTR_RE.findall(match[0]))
        src = unescape(attrs.get("src", ""))
        picture = pictures.get(src[len(root):]) if src.startswith(root) else None
        if picture is None:
            return match[0]
        extra = "".join(f' {name}="{attrs[name]}"' for name in ("title", "class", "id", "lang") if name in attrs)
        return picture_html(picture, unescape(attrs.get("alt", "")), root,
                            sizes="(min-width: 44em) 40em, 100vw", extra=extra)

    def link(match: re.Match) -> str:
        target, _, fragment = unescape(match[1]).partition("#")
        picture = pictures.get(target)
        if picture is None or not picture.variants:
            return match[0]
        return f'href="{escape(root + picture.variants[-1].fallback)}{"#" + escape(fragment) if fragment else ""}"'

    html = _IMG_RE.sub(image, html)
    return re.sub(rf'href="{re.escape(root)}([^"]*)"', link, html)


# ------------------------------------------------------------------ the site's own pictures
def without_metadata(png: bytes) -> bytes:
    """A PNG (a brand's logo) as its pixels alone: what an editing program wrote into it (its
    name, EXIF, text, a colour profile) is not published."""
    image, _, alpha = _open(png, 10**6)
    return _save(image if alpha else image.convert("RGB"), "png")


def icon_files(logo: bytes, is_svg_logo: bool, background: str = "#ffffff") -> dict[str, bytes]:
    """From the site's logo: a 32 px icon for browser tabs, the 180 px icon phones put on their
    home screen (and the publisher's logo for search engines), the 1200x630 picture a page
    without a picture of its own shows when it is shared (the logo, large, on a plain
    background), the logo as PNG for e-mail, and an SVG logo as it is."""
    from PIL import Image

    def logo_at(size: int):
        if is_svg_logo:
            drawn = _draw_svg_rgba(logo, size)
        else:
            drawn, _, _ = _open(logo, size)
            drawn = drawn.convert("RGBA")
            drawn.thumbnail((size, size), Image.LANCZOS)
        return drawn

    def on(background_colour: str, size: tuple[int, int], mark):
        canvas = Image.new("RGB", size, background_colour)
        canvas.paste(mark, ((size[0] - mark.width) // 2, (size[1] - mark.height) // 2), mark)
        return canvas

    return {"favicon-32.png": _save(on("#ffffff", (32, 32), logo_at(32)), "png"),
            "apple-touch-icon.png": _save(on("#ffffff", (180, 180), logo_at(180)), "png"),
            "share.png": _save(on(background, (1200, 630), logo_at(360)), "png"),
            "logo.png": _save(email_logo(logo, is_svg_logo), "png"),
            "logo.svg": logo if is_svg_logo else b""}  # the browser's icon, where it is not a file of the site


EMAIL_LOGO_HEIGHT = 80  # drawn at twice the 40 px it is shown at in the e-mail: sharp on phones


def email_logo(logo: bytes, is_svg_logo: bool):
    """The logo as PNG for e-mail (Gmail and Outlook show no SVG), 80 px high, at most 480 wide."""
    from PIL import Image

    if is_svg_logo:
        width, height = _svg_size(logo)
        scale = min(EMAIL_LOGO_HEIGHT / height, 480 / width)
        import resvg_py

        png = resvg_py.svg_to_bytes(svg_string=logo.decode("utf-8"), width=max(1, round(width * scale)))
        return Image.open(io.BytesIO(bytes(png))).convert("RGBA")
    image, (width, height), _ = _open(logo, 10**6)
    scale = min(1.0, EMAIL_LOGO_HEIGHT / height, 480 / width)
    return image.convert("RGBA").resize((max(1, round(width * scale)), max(1, round(height * scale))),
                                        Image.LANCZOS)


def _draw_svg_rgba(data: bytes, size: int):
    """The SVG drawn into a size x size square, keeping its proportions, with transparency."""
    from PIL import Image
    import resvg_py

    width, height = _svg_size(data)
    scale = size / max(width, height)
    png = resvg_py.svg_to_bytes(svg_string=data.decode("utf-8"), width=max(1, round(width * scale)))
    return Image.open(io.BytesIO(bytes(png))).convert("RGBA")
