"""The consultancy's own part of a report: its branding profile and, per scan, the
consultant's word (foreword, three recommendations, commentary per dimension).

Imported by `assessments.models`, so these are ordinary models of the app. Texts are
stored as typed; they are sanitised where they are shown (`branding.text`), so a
change to the allowed formatting applies to every stored text at once.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

HEX_COLOUR = RegexValidator(
    r"^#[0-9a-fA-F]{6}$",
    _("Enter a colour as # and six hexadecimal digits, for example #1f4e79."),
    code="colour",
)
FIRM_MAX = 120
LINE_MAX = 200
FOREWORD_MAX = 6000
RECOMMENDATION_MAX = 600
COMMENTARY_MAX = 2000


class BrandingProfile(models.Model):
    """How one consultant's outputs present their practice. Every partnership the
    consultant owns uses it, whoever of its collaborators opens the output."""

    consultant = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="branding",
        verbose_name=_("consultant"),
    )
    firm_name = models.CharField(_("practice or firm name"), max_length=FIRM_MAX)
    # Re-encoded PNG or JPEG (branding.logo), in the default storage; served to
    # consultants only through an access-checked view, to the PDF as bytes.
    logo = models.FileField(_("logo"), upload_to="branding/", blank=True)
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, blank=True, validators=[HEX_COLOUR]
    )
    contact_name = models.CharField(_("contact name"), max_length=LINE_MAX, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    footer_text = models.CharField(
        _("report footer text"), max_length=LINE_MAX, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("branding profile")
        verbose_name_plural = _("branding profiles")

    def __str__(self):
        return self.firm_name


class ConsultantWord(models.Model):
    """What the consultant writes for one scan, apart from the computed findings."""

    assessment = models.OneToOneField(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="consultant_word",
        verbose_name=_("assessment"),
    )
    foreword = models.TextField(
        _("foreword / management summary"), max_length=FOREWORD_MAX, blank=True
    )
    recommendation_1 = models.CharField(
        _("recommendation 1"), max_length=RECOMMENDATION_MAX, blank=True
    )
    recommendation_2 = models.CharField(
        _("recommendation 2"), max_length=RECOMMENDATION_MAX, blank=True
    )
    recommendation_3 = models.CharField(
        _("recommendation 3"), max_length=RECOMMENDATION_MAX, blank=True
    )
    # {dimension code: text}; codes are stable across question-set versions.
    commentary = models.JSONField(_("commentary per dimension"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consultant's word")
        verbose_name_plural = _("consultant's words")

    def __str__(self):
        return str(self.assessment)

    @property
    def recommendations(self) -> list[str]:
        return [
            text
            for text in (
                self.recommendation_1,
                self.recommendation_2,
                self.recommendation_3,
            )
            if text.strip()
        ]
