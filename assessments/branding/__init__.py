"""The consultancy's report: its branding profile and the consultant's word.

Writes are `branding_save` and `consultant_word_save`; `branding_of` and
`word_of` give what the outputs show (results page, PDF, e-mails, welcome page),
as plain values. Branding follows the partnership's owner: a collaborator sees the
owner's branding on that partnership's outputs. No profile: today's neutral look.

The accent colour is used for text (headings, the cover band behind white text)
only when it keeps WCAG's 4.5:1 contrast against white; otherwise it only
decorates (bars, rules), so no reader loses a word to a pale colour. Band colours
(green, amber, red) never change.
"""

import re
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.crypto import get_random_string

from ..models import Assessment, Dimension
from .logo import CONTENT_TYPES
from .models import BrandingProfile, ConsultantWord
from .text import safe_html

TEXT_CONTRAST = 4.5
_HEX = re.compile(r"#[0-9a-f]{6}")


def contrast_with_white(colour: str) -> float:
    """WCAG 2 contrast ratio of `#rrggbb` against white (1 to 21)."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def accent_for_text(colour: str) -> bool:
    return bool(colour) and contrast_with_white(colour) >= TEXT_CONTRAST


@transaction.atomic
def branding_save(
    *,
    consultant: AbstractBaseUser,
    fields: dict[str, str],
    logo: tuple[bytes, str] | None = None,
    remove_logo: bool = False,
) -> BrandingProfile:
    """Create or update the consultant's profile. `logo` is already re-encoded
    (`logo.logo_clean`); a replaced or removed logo's file is deleted after the
    transaction commits, so a failed save leaves the old one in place."""
    profile, _created = BrandingProfile.objects.get_or_create(
        consultant=consultant, defaults=fields
    )
    for name, value in fields.items():
        setattr(profile, name, value)
    old = profile.logo.name
    if logo is not None:
        data, suffix = logo
        # A fresh random name each time: nothing guessable, no stale browser copy.
        name = f"{consultant.pk}-{get_random_string(16)}.{suffix}"
        profile.logo.save(name, ContentFile(data), save=False)
    elif remove_logo:
        profile.logo = ""
    profile.save()
    if old and old != profile.logo.name:
        transaction.on_commit(lambda: default_storage.delete(old))
    return profile


def consultant_word_save(
    *,
    assessment: Assessment,
    foreword: str,
    recommendations: list[str],
    commentary: dict[str, str],
) -> ConsultantWord:
    """Store what the consultant wrote for the scan (texts as typed; sanitised
    where shown). Empty commentaries are left out."""
    padded = (list(recommendations) + ["", "", ""])[:3]
    word, _created = ConsultantWord.objects.update_or_create(
        assessment=assessment,
        defaults={
            "foreword": foreword,
            "recommendation_1": padded[0],
            "recommendation_2": padded[1],
            "recommendation_3": padded[2],
            "commentary": {code: t for code, t in commentary.items() if t.strip()},
        },
    )
    return word


def profile_of_owner(assessment: Assessment) -> BrandingProfile | None:
    return BrandingProfile.objects.filter(
        consultant_id=assessment.partnership.owner_id
    ).first()


def branding_of(
    assessment: Assessment, with_logo_bytes: bool = False
) -> dict[str, Any] | None:
    """What the outputs of `assessment` show of its owner's branding, or None.

    `logo` is True when there is one; with `with_logo_bytes` it is (bytes, content
    type) for the PDF, read from storage once here.
    """
    profile = profile_of_owner(assessment)
    if profile is None:
        return None
    return branding_values(profile, with_logo_bytes)


def branding_values(
    profile: BrandingProfile, with_logo_bytes: bool = False
) -> dict[str, Any]:
    logo: Any = bool(profile.logo)
    if logo and with_logo_bytes:
        logo = _logo_bytes(profile)
    colour = profile.accent_colour.lower()
    if not _HEX.fullmatch(colour):  # it goes into the PDF's stylesheet
        colour = ""
    contact = [
        part
        for part in (profile.contact_name, profile.contact_email, profile.contact_phone)
        if part
    ]
    return {
        "firm": profile.firm_name,
        "logo": logo,
        "accent": colour,
        "accent_text": accent_for_text(colour),
        "contact": " · ".join(contact),
        "contact_name": profile.contact_name,
        "contact_email": profile.contact_email,
        "contact_phone": profile.contact_phone,
        "footer": profile.footer_text or profile.firm_name,
        # In the logo's URL on pages, so a new logo is not hidden by a cached one.
        "version": int(profile.updated_at.timestamp()),
    }


def _logo_bytes(profile: BrandingProfile) -> tuple[bytes, str] | None:
    suffix = profile.logo.name.rsplit(".", 1)[-1]
    try:
        with default_storage.open(profile.logo.name, "rb") as file:
            return file.read(), CONTENT_TYPES[suffix]
    except (OSError, KeyError):
        return None  # a lost file prints no logo rather than no report


def word_of(
    assessment: Assessment, dimensions: list[dict[str, Any]] | None = None
) -> dict[str, Any] | None:
    """The consultant's word for the scan as sanitised HTML, or None if nothing is
    written. Each row of `dimensions` (the results context's) gets its commentary
    as `consultant_commentary` (HTML, or "")."""
    word = ConsultantWord.objects.filter(assessment=assessment).first()
    stored = word.commentary if word else {}
    commentary = {code: safe_html(text) for code, text in stored.items()}
    for row in dimensions or []:
        row["consultant_commentary"] = commentary.get(row["code"], "")
    if word is None:
        return None
    values = {
        "foreword": safe_html(word.foreword),
        "recommendations": word.recommendations,
        "commentary": [
            {"code": row["code"], "name": row["name"], "html": commentary[row["code"]]}
            for row in dimensions or []
            if commentary.get(row["code"])
        ],
    }
    if not (values["foreword"] or values["recommendations"] or values["commentary"]):
        return None
    return values


def dimensions_for_commentary(assessment: Assessment) -> list[Dimension]:
    return list(
        Dimension.objects.filter(question_set_id=assessment.question_set_id).order_by(
            "position"
        )
    )
