from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Partnerscan")

    def ready(self):
        # `background.files` connects the signal that deletes a prepared file's
        # stored file with its row; `audit.receivers` records logins, and
        # `register_models` tells django-auditlog which changes to record
        # (assessments/audit/).
        from .audit import receivers  # noqa: F401
        from .audit.registry import register_models
        from .background import files  # noqa: F401

        # Notes in the session at log-in whether its user needs the second step.
        from .two_factor import signals  # noqa: F401

        register_models()
