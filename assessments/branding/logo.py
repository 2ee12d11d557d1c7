"""A consultant's logo: PNG or JPEG only, checked and re-encoded with Pillow.

Re-encoding keeps only the pixels: metadata (EXIF, GPS, comments), trailing data
and anything hidden in ancillary chunks is gone, and what is stored is an image
Pillow itself wrote. SVG is refused: it is a document that can script and fetch.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# What may be uploaded, and what is kept: a logo prints at a few centimetres.
UPLOAD_MAX_BYTES = 2 * 1024 * 1024
SOURCE_MAX_PIXELS = 25_000_000  # refuses decompression bombs before decoding
KEEP_MAX_SIZE = (1200, 600)
_FORMATS = {"PNG": "png", "JPEG": "jpg"}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


def logo_clean(upload: UploadedFile) -> tuple[bytes, str]:
    """The logo re-encoded (bytes, "png" | "jpg"), or a ValidationError that says
    what is wrong in the user's language."""
    if upload.size > UPLOAD_MAX_BYTES:
        raise ValidationError(_("The logo may be at most 2 MB."), code="logo_too_large")
    data = upload.read(UPLOAD_MAX_BYTES + 1)
    try:
        with warnings.catch_warnings():
            # Pillow warns above ~89 megapixels; the check below refuses far less.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
        with probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
        if kind not in _FORMATS:
            raise ValidationError(
                _("The logo must be a PNG or JPEG image."), code="logo_format"
            )
        if width * height > SOURCE_MAX_PIXELS:
            raise ValidationError(
                _("The logo is too large: at most 25 megapixels."),
                code="logo_pixels",
            )
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return _reencode(image, _FORMATS[kind])
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not a readable PNG or JPEG image."), code="logo_unreadable"
        ) from error
    except Image.DecompressionBombError as error:
        raise ValidationError(
            _("The logo is too large: at most 25 megapixels."), code="logo_pixels"
        ) from error


def _reencode(image: Image.Image, suffix: str) -> tuple[bytes, str]:
    image.thumbnail(KEEP_MAX_SIZE)
    out = io.BytesIO()
    if suffix == "png":
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
        image.convert(mode).save(out, "PNG", optimize=True)
    else:
        image.convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue(), suffix
