from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments.management.language import TranslatedCommand
from assessments.models import Assessment
from assessments.report import build_report_context, render_pdf


class Command(TranslatedCommand):
    help = "Render an assessment's readiness report as a PDF file."
    lang_help = "language of the report and the messages (default: %(default)s)"

    def add_arguments(self, parser):
        parser.add_argument("assessment", type=int, help="the assessment's id")
        parser.add_argument("-o", "--output", required=True, help="the PDF file")

    def handle(self, *args, assessment, output, lang, **options):
        found = (
            Assessment.objects.select_related("partnership", "question_set")
            .filter(pk=assessment)
            .first()
        )
        if found is None:
            raise CommandError(_("No assessment %(id)s.") % {"id": assessment})
        pdf = render_pdf(build_report_context(found, lang))
        Path(output).write_bytes(pdf)
        self.stdout.write(
            _("Wrote %(file)s (%(size)s KB, %(lang)s).")
            % {"file": output, "size": len(pdf) // 1024, "lang": lang}
        )
