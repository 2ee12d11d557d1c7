from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Partnerscan")

    def ready(self):
        # Registers the prepared files' periodic job and the signal that deletes a
        # row's stored file with the row.
        from .background import files  # noqa: F401
