"""What every model of the domain shares: the languages, the answer scale, length
and weight caps, and the field helpers that apply them."""

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language, get_language_info, gettext_lazy as _

# The languages of the UI, the questionnaire, the texts of a question set and the
# report: settings.LANGUAGES, written once. Each language is offered in its own
# name ("Nederlands", "English").
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
LANGUAGE_CHOICES = [
    (code, get_language_info(code)["name_local"]) for code in LANGUAGE_CODES
]

SCALE_MIN = 1
SCALE_MAX = 5

# Length caps keep free text bounded everywhere it is shown (pages, PDF, exports).
NAME_MAX = 200
COMMENT_MAX = 2000
# Question-set texts (admin and import only): a statement is one sentence or two;
# descriptions and advice a paragraph or three. The default set's longest is ~440.
STATEMENT_MAX = 1000
GUIDANCE_MAX = 4000

# Weights are relative, so any range works; a bounded one keeps every sum and product
# in scoring finite (1e308 made NaN scores that broke every page showing the scan).
WEIGHT_MAX = 100
# Far above any real version, far below every database's integer limit.
VERSION_MAX = 1_000_000


# The messages spell WEIGHT_MAX out: a lazy translation cannot be %-formatted here.
WEIGHT_RANGE_MESSAGE = _("The weight must be above 0 and at most 100.")


def validate_above_zero(value):
    # `not value > 0` also refuses NaN, which MinValueValidator lets through.
    if not value > 0:
        raise ValidationError(_("Enter a number above 0."), code="min_value")


def _weight_field(verbose_name, **options):
    return models.FloatField(
        verbose_name,
        validators=[validate_above_zero, MaxValueValidator(WEIGHT_MAX)],
        help_text=_("A number above 0, at most 100."),
        **options,
    )


def _percentage_field(verbose_name, default):
    return models.FloatField(
        verbose_name,
        default=default,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


def localized(obj, field, language=None):
    """Return `obj.<field>_<lang>` for the active language, falling back to Dutch."""
    lang = (language or get_language() or "nl")[:2]
    value = getattr(obj, f"{field}_{lang}", "") if lang in LANGUAGE_CODES else ""
    return value or getattr(obj, f"{field}_nl")


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
