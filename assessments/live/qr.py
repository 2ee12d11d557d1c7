"""The join link as a QR code: inline SVG made by segno (no image request, no
CDN, nothing the Content-Security-Policy would have to allow)."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str) -> SafeString:
    """An SVG that scales with its box (no width or height), dark on light."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=1,
        border=2,
        omitsize=True,
        dark="#000",
        light="#fff",
        svgclass="live-qr",
        lineclass=None,
    )
    # segno writes only its own path data and the attributes given here; the URL
    # is encoded in the modules, not written as text.
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703
