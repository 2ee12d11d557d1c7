import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments.export_formats import EXPORT_FORMATS, export_bytes
from assessments.management.language import TranslatedCommand, os_reason
from assessments.models import Assessment


class Command(TranslatedCommand):
    help = (
        "Export an assessment: its results as JSON, or its raw answers as CSV or XLSX "
        "(docs/data-formats.md). Writes to standard output unless -o is given."
    )
    lang_help = (
        "language of the messages and of names and advice in the JSON "
        "(default: %(default)s)"
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment", type=int, help="the assessment's id")
        parser.add_argument(
            "--format", dest="fmt", choices=EXPORT_FORMATS, default="json"
        )
        parser.add_argument("-o", "--output", help="write to this file instead")

    def handle(self, *args, assessment, fmt, output, lang, **options):
        found = (
            Assessment.objects.select_related("partnership", "question_set")
            .filter(pk=assessment)
            .first()
        )
        if found is None:
            raise CommandError(_("No assessment %(id)s.") % {"id": assessment})
        data = export_bytes(found, fmt, lang)
        if output:
            try:
                with open(output, "wb") as fh:
                    fh.write(data)
            except OSError as exc:
                raise CommandError(
                    _("Cannot write %(file)s: %(reason)s.")
                    % {"file": output, "reason": os_reason(exc)}
                ) from exc
            return
        self._write_stdout(data, binary=fmt == "xlsx")

    def _write_stdout(self, data, binary):
        # The same bytes as the download, so `> file.csv` gives an identical file.
        stream = getattr(self.stdout, "_out", sys.stdout)
        buffer = getattr(stream, "buffer", None)
        if binary and (buffer is None or stream.isatty()):
            raise CommandError(
                _("XLSX is a binary format: give -o FILE.xlsx or redirect the output.")
            )
        if buffer is not None:
            stream.flush()
            buffer.write(data)
            buffer.flush()
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
