"""Pictures as a newsroom's phones make them, for the tests: rotation flag, camera, GPS, XMP, a
comment and a colour profile, made here with Pillow (and pillow-heif for iPhone's HEIC)."""
from __future__ import annotations

import io
import struct

from PIL import Image

MODEL = "Telefoon 12 Proef"             # the camera model written into EXIF
GPS = {1: "N", 2: (52.0, 3.0, 42.5), 3: "E", 4: (4.0, 29.0, 37.1)}  # Zoetermeer
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Proef"/></rdf:RDF></x:xmpmeta>')
COMMENT = b"gemaakt aan de Nathaliegang"
# What must never reach the site: any of these bytes in a published copy is metadata that leaked.
LEAKS = (MODEL.encode(), b"Exif\x00\x00", b"adobe:ns:meta", COMMENT, b"ICC_PROFILE", b"Proef", b"iCCP", b"eXIf",
         b"tEXt", b"EXIF")

RED, BLUE = (220, 30, 30), (30, 60, 200)


def upright_scene(size: tuple[int, int]) -> Image.Image:
    """Red over the top third, blue below: which way is up shows in every copy."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0], size[1] // 3))
    return image


def phone_jpeg(size: tuple[int, int] = (1600, 1200), *, orientation: int = 1, icc: bytes | None = None,
               scene: Image.Image | None = None) -> bytes:
    """A JPEG as a phone stores it. With orientation 6 (a portrait shot) the pixels are stored
    turned a quarter to the left, and a viewer must turn them back: the upright scene is then
    `size` (width, height)."""
    scene = scene or upright_scene(size)
    stored = scene.transpose(Image.Transpose.ROTATE_90) if orientation == 6 else scene
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Proefmerk", MODEL, orientation
    exif[0x8825] = GPS
    extra = {"icc_profile": icc} if icc else {}
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=90, exif=exif.tobytes(), comment=COMMENT, xmp=XMP, **extra)
    return buffer.getvalue()


def png(size: tuple[int, int], *, transparent: bool = False, metadata: bool = False) -> bytes:
    """A PNG; with metadata: EXIF with the camera and GPS, a text chunk and a colour profile."""
    from PIL import ImageCms, PngImagePlugin

    image = Image.new("RGBA" if transparent else "RGB", size, (200, 100, 50, 128) if transparent else (200, 100, 50))
    extra = {}
    if metadata:
        exif = Image.Exif()
        exif[0x0110], exif[0x8825] = MODEL, GPS
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", COMMENT.decode())
        extra = {"exif": exif.tobytes(), "pnginfo": text,
                 "icc_profile": ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()}
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **extra)
    return buffer.getvalue()


def heic(size: tuple[int, int] = (1200, 900)) -> bytes:
    import pillow_heif

    buffer = io.BytesIO()
    pillow_heif.from_pillow(upright_scene(size)).save(buffer, quality=80)
    return buffer.getvalue()


# ------------------------------------------------------------------ a colour profile of our own
def _s15(x: float) -> bytes:
    return struct.pack(">i", round(x * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ " + bytes(4) + _s15(x) + _s15(y) + _s15(z)


def _gamma(g: float) -> bytes:
    return b"curv" + bytes(4) + struct.pack(">IH", 1, round(g * 256)) + bytes(2)


def _desc(text: str) -> bytes:
    raw = text.encode() + b"\0"
    return b"desc" + bytes(4) + struct.pack(">I", len(raw)) + raw + bytes(8 + 2 + 1 + 67)


def rgb_profile(red, green, blue, gamma: float = 2.2) -> bytes:
    """A minimal ICC v2 display profile with these primaries (XYZ, D50): enough for littlecms."""
    tags = [(b"desc", _desc("wijknieuws proef")), (b"cprt", b"text" + bytes(4) + b"geen\0"),
            (b"wtpt", _xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", _xyz(*red)), (b"gXYZ", _xyz(*green)),
            (b"bXYZ", _xyz(*blue)), (b"rTRC", _gamma(gamma)), (b"gTRC", _gamma(gamma)), (b"bTRC", _gamma(gamma))]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        data += bytes(-(offset + len(data)) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = (struct.pack(">I", offset + len(data)) + b"none" + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ "
              + bytes(12) + b"acsp" + bytes(24) + bytes(4) + _s15(0.9642) + _s15(1.0) + _s15(0.8249) + bytes(48))
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


SRGB_RED, SRGB_GREEN, SRGB_BLUE = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
# A profile whose "red" is sRGB's green and the other way round: a converted copy shows it at once.
SWAPPED = rgb_profile(SRGB_GREEN, SRGB_RED, SRGB_BLUE)
