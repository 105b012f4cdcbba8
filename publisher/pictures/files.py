"""A picture file checked before anything is written: a real JPEG, PNG or WebP, whole, of a
sensible size. Pillow reads the header first, so an enormous picture (a decompression bomb) is
refused before a single pixel is decoded; then the whole picture is decoded once, so a truncated
file is caught here and not halfway through a build."""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_BYTES = 50 * 2**20  # 50 MiB: larger than any camera's JPEG
MAX_PIXELS = 60_000_000  # 60 megapixels: a full-frame camera's largest picture is about 61
ROTATED = {5, 6, 7, 8}  # EXIF orientations that turn the picture a quarter


class PictureError(Exception):
    """What is wrong with a picture file, and what to do, for the article's message."""


@dataclass(frozen=True)
class Inspected:
    width: int  # as shown: EXIF orientation applied
    height: int
    media_type: str
    digest: str


def inspect(path: Path) -> Inspected:
    data = _read(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                media_type = _media_type(image)
                _check_size(image)
                width, height = image.size
                if image.getexif().get(0x0112) in ROTATED:
                    width, height = height, width
                _decode(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureError(f"is larger than {MAX_PIXELS // 1_000_000} megapixels; resize it first") from None
    except UnidentifiedImageError:
        raise PictureError("is not a picture (JPEG, PNG or WebP); export it in one of those formats") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise PictureError(f"cannot be decoded ({_reason(exc)}); export it again") from None
    return Inspected(width, height, media_type, hashlib.sha256(data).hexdigest())


def _read(path: Path) -> bytes:
    if path.is_symlink() or not path.is_file():
        raise PictureError("is not a file beside the article; put the picture itself in that folder")
    if path.stat().st_size > MAX_BYTES:
        raise PictureError(f"is larger than {MAX_BYTES // 2**20} MiB; export a smaller file")
    return path.read_bytes()


def _media_type(image: Image.Image) -> str:
    if image.format not in MEDIA_TYPES:
        raise PictureError(f"is a {image.format} file; use JPEG, PNG or WebP")
    return MEDIA_TYPES[image.format]


def _check_size(image: Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise PictureError(f"is {width}×{height} pixels, larger than {MAX_PIXELS // 1_000_000} megapixels; "
                           "resize it first")
    if min(width, height) < 1:
        raise PictureError("has no pixels; export it again")


def _decode(image: Image.Image) -> None:
    """Every pixel, so that a truncated file fails here; a JPEG at an eighth of its size (the same
    bytes are read, eight times fewer pixels made)."""
    if image.format == "JPEG":
        image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
    image.load()


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "truncated" in text or "broken data stream" in text or "unexpected end" in text.lower():
        return "the file is truncated"
    return text or type(exc).__name__
